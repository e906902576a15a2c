"""The remix trees written in Python (builder/site/tree_html.py) are the HTML the recursive
Jinja macro of record.html wrote: the same bytes, escaped, links made by the page's filter."""

from jinja2 import Environment, pass_context
from markupsafe import Markup, escape

from builder.site.tree_html import _escaped_once, _text, tree_html
from builder.site.views import TreeNode, folded

# The macro the page used to draw its trees with (theme/showcase/record.html before).
MACRO = """{% macro tree(nodes, more) -%}
<ul class="sc-tree">
  {%- for node in nodes recursive %}
  <li class="sc-node{% if node.withdrawn %} sc-node--withdrawn{% endif %}{% if node.outside %} sc-node--outside{% endif %}"{% if node.anchor %} id="{{ node.anchor }}"{% endif %}>
    {%- if node.url and not node.outside %}<a href="{{ node.url | url }}">{% elif node.url %}<a href="{{ node.url }}" rel="nofollow noopener">{% endif -%}
    {%- if node.thumb %}<img class="sc-thumb" src="{{ node.thumb | url }}" alt="" width="48" height="48" loading="lazy" decoding="async">{% else %}<span class="sc-thumb sc-thumb--none" aria-hidden="true"></span>{% endif -%}
    <span class="sc-node__label">{{ node.label }}</span>
    {%- if node.url %}</a>{% endif %}
    <span class="sc-node__note">{{ node.note }}</span>
    {%- if node.more %}<span class="sc-lineage__undrawn">+{{ node.more }} more not drawn here</span>{% endif %}
    {%- if node.children and node.fold %}
    <details class="sc-tree__fold"><summary>{{ node.size }} {{ more }} records</summary><ul class="sc-tree">{{ loop(node.children) }}</ul></details>
    {%- elif node.children %}<ul class="sc-tree">{{ loop(node.children) }}</ul>{% endif %}
  </li>
  {%- endfor %}
</ul>
{%- endmacro %}{{ tree(nodes, more) }}"""  # noqa: E501


def link(url: str) -> str:
    return "../" + url.removeprefix("records/") + ("&x" if "media" in url else "")


def macro_html(nodes, more):
    env = Environment(autoescape=True)
    env.filters["url"] = pass_context(lambda context, value: link(str(value)))
    return env.from_string(MACRO).render(nodes=nodes, more=more)


def node(i: int, children=(), **kw) -> TreeNode:
    return TreeNode(
        kw.pop("label", f"Record {i}"),
        kw.pop("url", f"records/r{i}/index.html"),
        kw.pop("thumb", f"records/r{i}/media/image-400.webp"),
        note=kw.pop("note", "text"),
        children=children,
        size=sum(1 + k.size for k in children),
        anchor=f"sc-from-r{i}",
        **kw,
    )


def test_the_tree_is_the_macros_html_byte_for_byte():
    chain = ()
    for i in range(20, 12, -1):  # deep enough to fold
        chain = (node(i, chain),)
    hostile = node(2, label='<script>alert("x")</script> & Co', note="it's <b>")
    outside = TreeNode(
        '“Sea” by "Bo" <b>',
        'https://example.org/?a=1&b="2"',
        None,
        outside=True,
        note="outside work, CC-BY-4.0",
    )
    again = TreeNode("Record 3", "#sc-from-r3", None, True, note="shown under Record 1")
    nodes = folded(
        (
            node(1, (hostile, node(3, thumb=None, withdrawn=True, note="withdrawn"), *chain)),
            outside,
            again,
            node(4, more=12),
        )
    )
    assert any(n.fold for n in nodes[0].children)  # a folded branch is drawn too
    for more in ("earlier", "later"):
        assert tree_html(nodes, more, link) == macro_html(nodes, more)
    html = tree_html(nodes, "earlier", link)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="../r1/index.html"' in html and "media/image-400.webp&amp;x" in html
    assert tree_html((), "later", link) == macro_html((), "later")


def test_texts_are_escaped_as_markupsafe_escapes_them():
    for text in ('<a href="x">&amp;</a>', "it's", "", "plain", "“quotes” & <b>", "\x00<"):
        assert _text(text) == str(escape(text))
    assert _text(escape("<b>")) == "&lt;b&gt;"  # already safe: not escaped twice


def test_texts_escaped_once_are_the_same_and_a_markup_is_never_taken_for_its_text():
    text = _escaped_once()
    assert text("Tom & <Jerry>") == "Tom &amp; &lt;Jerry&gt;" == text("Tom & <Jerry>")
    assert text(Markup("<b>safe</b>")) == "<b>safe</b>"
    assert text("<b>safe</b>") == "&lt;b&gt;safe&lt;/b&gt;"  # the same characters, as text
    nodes = (node(1, label="A & B"), node(2, label=Markup("<i>C</i>")))
    assert tree_html(nodes, "later", link, text) == tree_html(nodes, "later", link)
