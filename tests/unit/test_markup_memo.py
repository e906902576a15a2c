"""Rendering fast without rendering differently: one reused parser per thread, and a memo of
renders (memo/renders.py Renderer) that a build keeps between runs."""

from __future__ import annotations

import threading

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.core import markup
from builder.core.markup import MarkupLimit, render_key, render_markdown, render_version
from builder.memo.renders import Renderer
from tests.parse_counter import count_parses

# Each exercises a part of the parser that keeps state while it works: lists (sane_lists, the
# start of an ordered list), tables, quotes, raw HTML (the stash), reference links.
CORPUS = [
    "# Title\n\nSome *emphasis*, **strong** and `code`.",
    "3. three\n4. four\n\n- a\n- b\n\n1. one\n2. two",
    "1. one\n* not the same list\n\n- dash\n+ plus",
    "- outer\n    - inner\n        1. deep\n\n    back in outer",
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |",
    "| one column |\n| --- |\n| row |",
    "a | b\n--|--\nno | pipes at the ends",
    "> quote\n> > nested quote\n> > > deeper\n>\n> back",
    '<div class="x">raw block</div>\n\nafter <span onclick="x()">inline</span> html',
    "<table><tr><td>html table</td></tr></table>",
    '[a link][ref] and [another][ref2]\n\n[ref]: https://example.org/one "One"\n[ref2]: <https://example.org/two>',
    "[a link][ref] that is not defined here",
    "Setext heading\n==============\n\n    indented code\n\n```\nfenced? not here\n```",
    "Line with two trailing spaces  \nand a break. Auto <https://example.org> link.",
    "* * *\n\n***bold italic*** and _under_score_ and \\*escaped\\*",
    "",
]


def fresh(text: str) -> str:
    """What render_markdown parsed with before: a new parser for every text."""
    return markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")


@pytest.fixture(autouse=True)
def _clean_state():
    markup._render_memo.cache_clear()
    yield
    markup._render_memo.cache_clear()


@pytest.fixture
def parses(monkeypatch):
    return count_parses(monkeypatch)


def test_the_reused_parser_renders_every_text_as_a_fresh_one_does():
    # Twice round, each text after all the others: state left by any text would show.
    for text in CORPUS + CORPUS[::-1]:
        assert markup._convert(text) == fresh(text), text
    # The case reset() exists for: a reference defined by the text before is not a link here.
    markup._convert(CORPUS[10])
    assert "<a" not in markup._convert(CORPUS[11])


_PIECES = st.sampled_from(
    [
        "- item",
        "* item",
        "1. one",
        "7. seven",
        "    - nested",
        "        code",
        "> quote",
        "> > deeper",
        "| a | b |",
        "|---|:-:|",
        "| 1 | 2 |",
        "<div>raw</div>",
        "<span>x</span>",
        "[r]: https://e.org",
        "[x][r]",
        "[y](https://e.org)",
        "# h",
        "Heading\n---",
        "*em* **st**",
        "`c`",
        "",
        "text",
        "  ",
    ]
)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=12).map("\n".join), min_size=1, max_size=6))
def test_any_sequence_of_texts_renders_as_with_fresh_parsers(texts):
    for text in texts:
        assert markup._convert(text) == fresh(text), text


def test_each_thread_has_its_own_parser_and_renders_the_same():
    expected = [fresh(text) for text in CORPUS]
    failures: list[str] = []

    def work() -> None:
        for _ in range(30):
            for text, want in zip(CORPUS, expected):
                if markup._convert(text) != want:
                    failures.append(text)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(),
    reason="the time budget is a signal: main thread only",
)
def test_after_a_timeout_the_parser_is_replaced_and_renders_correctly(monkeypatch):
    markup._convert(CORPUS[1])
    interrupted = markup._parsers.md
    slow = "- *a* **b** [c](https://e.org) `d`\n" * 4000  # well within the limits, slow to parse
    monkeypatch.setattr(markup, "BUDGET_SECONDS", 0.01)
    with pytest.raises(MarkupLimit, match="took more than"):
        render_markdown(slow)
    assert markup._parsers.md is None  # stopped half-way: not used again
    monkeypatch.undo()
    for text in CORPUS:
        assert markup._convert(text) == fresh(text), text
    assert markup._parsers.md is not interrupted
    assert render_markdown(slow).count("<li>") == 4000


def test_a_memo_serves_known_renders_without_parsing_and_records_what_was_used(parses):
    memo = Renderer()
    html = memo.render("Some *text*.")
    assert parses == ["Some *text*."]
    assert memo.used == {render_key("Some *text*."): html}

    markup._render_memo.cache_clear()  # as a new process would start
    again = Renderer(memo.used)
    assert again.render("Some *text*.") == html
    assert again.render("Other *text*.") == "<p>Other <em>text</em>.</p>"
    assert parses == ["Some *text*.", "Other *text*."]  # only the new text was parsed
    assert set(again.used) == {render_key("Some *text*."), render_key("Other *text*.")}


def test_a_text_that_cannot_be_rendered_is_never_kept(parses):
    memo = Renderer()
    with pytest.raises(MarkupLimit):
        memo.render("> " * 40 + "x")
    assert memo.used == {} and parses == []


def test_a_long_text_is_served_by_the_memo_too(parses):
    long = "A paragraph of text.\n\n" * 1000  # over the in-process memo's size
    memo = Renderer()
    first = memo.render(long)
    assert memo.render(long) == first
    assert len(parses) == 1  # once per build, though too long for the in-process lru
    assert Renderer(memo.used).render(long) == first and len(parses) == 1


def test_the_key_is_of_the_text_and_the_render_version():
    assert render_key("a") == render_key("a") != render_key("b")
    assert f"markdown {markdown.__version__}" in render_version() and "nh3 " in render_version()
    assert len(render_key("\ud800 a lone surrogate")) == 64  # never an error, whatever the text
