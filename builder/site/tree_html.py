"""A record page's remix tree as HTML: the `<ul class="sc-tree">` of views.TreeNode, written in
Python rather than by a recursive Jinja macro (a dense archive's pages hold up to twice BOUND
nodes each, and the macro's recursion was a sixth of the build).

theme/showcase/record.html calls it as `showcase_tree(nodes, "earlier")` (records.py puts
`tree_writer(ctx.url_style)` in the page's context). Links are what the template's `url`
filter makes of them (urls.UrlStyle.linker): relative to the page. Every text is escaped
as markupsafe escapes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .urls import UrlStyle
from .views import TreeNode

Link = Callable[[str], str]  # a site-relative URL -> the one a page writes


def tree_writer(style: UrlStyle) -> Callable[..., Markup]:
    """`showcase_tree(nodes, more)` for the record pages' template; `more`: "earlier" or
    "later", what a folded branch's summary says its records are. One per build
    (SiteContext.tree_writer): a record's title and note are escaped once, however many of
    the build's trees show it."""
    text = _escaped_once()
    plain: dict[str, bool] = {}  # the URLs the trees link, found plain once per build

    @pass_context
    def showcase_tree(context: Context, nodes: Iterable[TreeNode], more: str) -> Markup:
        # What the `url` filter gives (urls.UrlStyle.on_page), for the tree's ~240 links at
        # once (UrlStyle.linker).
        link = style.linker(context["page"], context["base_url"], plain)
        return tree_html(nodes, more, link, text)

    return showcase_tree


def tree_html(
    nodes: Iterable[TreeNode], more: str, link: Link, text: Callable[[str], str] | None = None
) -> Markup:
    """`<ul class="sc-tree">` of the nodes; `link` makes a site-relative URL the page's own;
    `text` escapes a text (markupsafe's way; _escaped_once remembers what it did)."""
    out: list[str] = ['<ul class="sc-tree">']
    _items(nodes, escape(more), link, text or _text, out)
    out.append("\n</ul>")
    return Markup("".join(out))


_NO_THUMB = '<span class="sc-thumb sc-thumb--none" aria-hidden="true"></span>'


def _text(value: str) -> str:
    """markupsafe.escape(value), as a plain str: the same five characters replaced by the same
    entities, without making a Markup of each of a tree's five hundred texts."""
    if type(value) is not str:  # a Markup (already safe) or anything else: markupsafe decides
        return str(escape(value))
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _escaped_once() -> Callable[[str], str]:
    known: dict[str, str] = {}

    def text(value: str) -> str:
        if type(value) is not str:  # a Markup equals its str: never share their entries
            return _text(value)
        done = known.get(value)
        if done is None:
            done = known[value] = _text(value)
        return done

    return text


def _items(
    nodes: Iterable[TreeNode], more: str, link: Link, text: Callable[[str], str], out: list[str]
) -> None:
    # Depth is bounded by the trees' (core.lineage_tree MAX_GENERATIONS): recursion is safe.
    for node in nodes:
        classes = (" sc-node--withdrawn" if node.withdrawn else "") + (
            " sc-node--outside" if node.outside else ""
        )
        anchor = f' id="{text(node.anchor)}"' if node.anchor else ""
        if not node.url:
            opened = ""
        elif node.outside:
            opened = f'<a href="{text(node.url)}" rel="nofollow noopener">'
        else:
            opened = f'<a href="{text(link(node.url))}">'
        thumb = (
            f'<img class="sc-thumb" src="{text(link(node.thumb))}" alt="" width="48" '
            'height="48" loading="lazy" decoding="async">'
            if node.thumb
            else _NO_THUMB
        )
        undrawn = (
            f'<span class="sc-lineage__undrawn">+{node.more} more not drawn here</span>'
            if node.more
            else ""
        )
        out.append(
            f'\n  <li class="sc-node{classes}"{anchor}>{opened}{thumb}'
            f'<span class="sc-node__label">{text(node.label)}</span>'
            f"{'</a>' if node.url else ''}"
            f'\n    <span class="sc-node__note">{text(node.note)}</span>{undrawn}'
        )
        if node.children and node.fold:
            out.append(
                f'\n    <details class="sc-tree__fold"><summary>{node.size} {more} '
                'records</summary><ul class="sc-tree">'
            )
            _items(node.children, more, link, text, out)
            out.append("</ul></details>")
        elif node.children:
            out.append('<ul class="sc-tree">')
            _items(node.children, more, link, text, out)
            out.append("</ul>")
        out.append("\n  </li>")
