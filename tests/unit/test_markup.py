"""Untrusted Markdown becomes safe HTML, or a clear limit; never a hang or a crash."""

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.core.markup import MarkupLimit, render_markdown

# Inside a tag: an active element, an event handler, or a URL that runs or embeds.
DANGER = re.compile(
    r"<(?:script|style|iframe|img|object|embed|svg)|<[^>]*(?:\son\w+\s*=|javascript:|data:)", re.I
)


def test_formatting_survives_and_headings_start_below_the_page_title():
    html = render_markdown(
        "# Tides\n\nThe *sea* came **in**.\n\n- one\n- two\n\n> quoted\n\n[site](https://example.org)"
    )
    assert "<h2>Tides</h2>" in html and "<em>sea</em>" in html and "<strong>in</strong>" in html
    assert "<li>one</li>" in html and "<blockquote>" in html
    assert '<a href="https://example.org" rel="nofollow noopener ugc">site</a>' in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        '<p style="background:url(https://evil.example/x)">x</p>',
        "![tracker](https://evil.example/pixel.png)",
        "<svg onload=alert(1)>",
        "<a href='data:text/html;base64,PHNjcmlwdD4='>x</a>",
        "<object data=x></object>",
    ],
)
def test_nothing_active_or_fetching_survives(attack):
    html = render_markdown(f"Before {attack} after")
    assert not DANGER.search(html), html
    assert "Before" in html and "after" in html


@pytest.mark.parametrize(
    "bomb",
    ["[" * 20000, "- " * 3000 + "x", "> " * 40 + "x", "a" * 300_000, "        " * 12 + "- x"],
)
def test_parser_bombs_are_refused_quickly(bomb):
    start = time.monotonic()
    with pytest.raises(MarkupLimit) as info:
        render_markdown(bomb)
    assert time.monotonic() - start < 3
    assert info.value.message and info.value.fix


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("[]()<>*_`#->!:/\\ \n\tajs=\"'") + ["javascript:", "<script>", "onerror="]
        ),
        max_size=300,
    ).map("".join)
)
def test_any_text_renders_safely_or_is_refused(text):
    try:
        html = render_markdown(text)
    except MarkupLimit:
        return
    assert not DANGER.search(html)
