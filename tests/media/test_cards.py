"""Typographic cards: layout stays inside the card whatever the text, output is stable."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PIL import Image

from builder.core.media_plan import MediaJob, MediaSettings
from builder.media import cards

HOSTILE = [
    "",
    " \t\n ",
    "A" * 500,
    "Supercalifragilisticexpialidocious" * 12,
    "مرحبا بالعالم، هذه قصيدة طويلة جدا عن البحر والليل والنجوم " * 6,
    "שלום עולם " * 30,
    "Emoji 🌊🎻👩🏽‍🎤 and flags 🇧🇷 " * 10,
    "null\x00bell\x07escape\x1b[31mred\x1b[0m tab\tline\nbreak",
    "\u202eevil override\u202c and \u2066isolate\u2069 and zero\u200bwidth",
    "Z̷̢̛̰̈́̊ḁ̸̛̗̫̈́l̵̡̛̪̈́g̸̡̛̗̈́ő̶̢̧̳̈́" * 20,
    "日本語のテキストはスペースなしで長く続きます" * 10,
    "\ud800 lone surrogate",
]


def margin_is_blank(card: Image.Image, margin: int) -> bool:
    """Nothing but paper outside the text area (the accent bar at the top excepted)."""
    w, h = card.size
    bar = 16
    regions = [
        (0, bar, margin, h),
        (w - margin, bar, w, h),
        (0, h - margin, w, h),
        (0, bar, w, margin),
    ]
    return all(
        card.crop(r).getcolors() == [(len(card.crop(r).getdata()), cards.PAPER)] for r in regions
    )


def contrast(a, b) -> float:
    def lum(c):
        ch = [v / 255 for v in c]
        ch = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in ch]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_colours_are_accessible():
    assert contrast(cards.INK, cards.PAPER) >= 7
    assert contrast(cards.MUTED, cards.PAPER) >= 7


def test_card_has_its_size_and_draws_text():
    card = cards.render_card(
        "The Sea at Night", "Ana Lima", "text", ["The sea came in", "and took the stairs"]
    )
    assert card.size == (1200, 1200) and card.mode == "RGB"
    assert len(card.getcolors(1 << 16)) > 10  # antialiased text, not a blank page
    assert margin_is_blank(card, 96)


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_stays_inside_the_card(text):
    card = cards.render_card(text, text, text[:20], [text, "", text])
    assert card.size == (1200, 1200)
    assert margin_is_blank(card, 96)


@pytest.mark.parametrize("size", [(1200, 630), (630, 1200), (400, 400), (40, 40)])
def test_other_sizes(size):
    card = cards.render_card(
        "A title that is long enough to wrap over lines", "Bo Chen", "audio", ["line"] * 50, size
    )
    assert card.size == size


def test_same_input_same_bytes():
    args = ("Tides", "Ana Lima", "text", ["one", "two", "", "three"])
    assert cards.render_card(*args).tobytes() == cards.render_card(*args).tobytes()


def test_wrap_measures_and_cuts_with_an_ellipsis():
    font = cards._font("body", 40)
    rows = cards.wrap("word " * 200, font, 500, max_lines=3)
    assert len(rows) == 3 and rows[-1].endswith(cards.ELLIPSIS)
    assert all(font.getlength(r) <= 500 for r in rows)
    long = cards.wrap("x" * 300, font, 500, max_lines=30)
    assert "".join(long) == "x" * 300 and all(font.getlength(r) <= 500 for r in long)
    assert cards.wrap("short", font, 500, max_lines=3) == ["short"]
    assert cards.wrap("", font, 500, max_lines=3) == []


def test_wrap_does_not_split_combining_marks():
    font = cards._font("body", 40)
    word = "e\u0301" * 100
    for row in cards.wrap(word, font, 300, max_lines=20):
        assert not row.startswith("\u0301")


def test_clean_text_removes_controls_and_overrides():
    assert cards.clean_text("a\x00b\x1b[0m\u202ec\u2066d\u2069\n\te") == "ab[0mcd e"
    assert cards.clean_text("  many   spaces\r\n") == "many spaces"
    assert cards.clean_text("sea 🌊 and 👩🏽‍🎤 ️🇧🇷!") == "sea and !"  # emoji would be empty boxes
    assert cards.clean_text("می\u200cخواهم") == "می\u200cخواهم"  # the Persian non-joiner stays
    assert cards.clean_text(None) == ""
    assert len(cards.clean_text("a" + "\u0301" * 50)) == 3  # at most two marks on a letter


def test_opening_lines_strip_markdown():
    text = """---
title: front matter
---
# The Sea

Some *emphasis*, **strong**, a [link](https://example.org) and ![a picture](p.png) <b>tags</b> &amp; `code`
second line of the stanza

> a quote
- an item
1. a number
```
print("code")
```
***
snake_case_name stays
"""  # noqa: E501 - one long Markdown line on purpose: opening_lines must keep it whole
    assert cards.opening_lines(text, title="The sea") == [
        "Some emphasis, strong, a link and tags & code",
        "second line of the stanza",
        "",
        "a quote",
        "an item",
        "a number",
        'print("code")',
        "snake_case_name stays",
    ]
    assert cards.opening_lines("# Other heading\nbody") == ["Other heading", "body"]
    assert cards.opening_lines("") == []
    assert len(cards.opening_lines("line\n" * 500)) == cards.CARD_LINES


def make_card(tmp_path: Path, name: str, data: bytes, title="Tides", credit="Ana Lima, Bo Chen"):
    folder = tmp_path / "records" / "t"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    job = MediaJob("t", "text", (f"records/t/{name}",), (("credit", credit), ("title", title)))
    out = tmp_path / "out"
    return cards.make_text_card(job, tmp_path, out, MediaSettings()), out


def test_text_card_recipe(tmp_path):
    data = "# Tides\n\nThe sea came in at night\nand took the stairs one by one.\n".encode()
    info, out = make_card(tmp_path, "poem.md", data)
    assert (info.width, info.height) == (1200, 1200)
    [original] = info.by_role("original")
    assert (original.file, original.mime, original.bytes) == ("poem.md", "text/markdown", len(data))
    assert (out / "poem.md").read_bytes() == data
    settings = MediaSettings()
    assert [(d.file, d.width, d.height) for d in info.by_role("image")] == [
        (f"image-{w}.webp", w, w) for w in settings.widths
    ]  # never upscaled beyond the 1200 px card
    assert [(d.file, d.width) for d in info.by_role("preview")] == [
        ("preview.jpg", settings.preview_width)
    ]
    for d in info.derivatives[1:]:
        assert Image.open(out / d.file).size == (d.width, d.height)
    assert sorted(p.name for p in out.iterdir()) == sorted(d.file for d in info.derivatives)


def test_text_card_is_byte_for_byte_stable(tmp_path):
    data = "Plain text, first line\nsecond line\n".encode()
    first, out1 = make_card(tmp_path / "a", "t.txt", data)
    second, out2 = make_card(tmp_path / "b", "t.txt", data)
    assert first == second and first.by_role("original")[0].mime == "text/plain"

    def digest(out):
        return {
            d.file: hashlib.sha256((out / d.file).read_bytes()).hexdigest()
            for d in first.derivatives
        }

    assert digest(out1) == digest(out2)


def test_text_card_survives_bad_bytes_and_huge_files(tmp_path):
    data = b"\xff\xfe broken utf-8 \xc3" + ("é" * 5000).encode() + b"\x00" * 100
    info, out = make_card(tmp_path, "bad.md", data, title="\x00", credit="")
    assert info.by_role("preview")
    assert (out / "bad.md").read_bytes() == data
