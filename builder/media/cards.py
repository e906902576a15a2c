"""Typographic cards: a text record (or audio without cover art) as an image.

A card shows a small kind label, the title large, the opening lines of the text and
the credit. Every string is untrusted: control and bidirectional-override characters
are removed, lines are wrapped by measured width and cut with an ellipsis, and all
text is drawn inside the margins (it is drawn on a canvas the size of the text area,
so nothing can spill over the edge whatever the font does). Same input, same bytes.
"""

from __future__ import annotations

import functools
import html
import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageDraw, ImageFont, features

from ..core.media_plan import MediaJob, MediaSettings
from .results import CONTAIN, Derivative, MediaInfo

PAPER = (250, 248, 243)  # warm off-white
INK = (22, 22, 26)  # near-black: contrast about 17:1 on PAPER (WCAG AAA)
MUTED = (74, 74, 82)  # for label and credit: about 8.5:1 on PAPER (still AAA)
ACCENTS = {  # a decorative bar per kind; never used for text
    "text": (196, 72, 40),
    "audio": (32, 104, 176),
    "video": (120, 64, 160),
    "image": (24, 128, 96),
}
ELLIPSIS = "\u2026"
CARD_FIT = CONTAIN  # how a grid fits a card into its tiles (results.MediaInfo.fit)

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
_FONT_FILES = {
    "title": "DejaVuSans-Bold.ttf",
    "body": "DejaVuSerif.ttf",
    "body-sans": "DejaVuSans.ttf",  # more scripts (Hebrew, Arabic, ...) than the serif
    "label": "DejaVuSans-Bold.ttf",
    "credit": "DejaVuSans.ttf",
}


TEXT_HEAD_BYTES = 4096  # the opening of a text is all a card shows
CARD_LINES = 40  # lines handed to the card at most (it shows what fits)


def make_text_card(job: MediaJob, root: Path, out: Path, settings: MediaSettings) -> MediaInfo:
    """The text recipe: a card with the title, the opening lines and the credit, and the
    text itself published as the original."""
    from .images import _write, save_visual  # images imports nothing from here

    path = root / job.media
    with open(path, "rb") as f:
        head = f.read(TEXT_HEAD_BYTES + 1)
    text = head[:TEXT_HEAD_BYTES].decode("utf-8", errors="replace")
    if len(head) > TEXT_HEAD_BYTES:
        text = text.rstrip("\ufffd")  # a character cut in two at the end
    title = job.param("title") or ""
    card = render_card(title, job.param("credit") or "", "text", opening_lines(text, title))
    made = save_visual(card, out, settings)
    taken = {d.file for d in made}
    name = path.name if path.name not in taken else f"original-{path.name}"
    size = _write(out, name, lambda f: _copy(path, f))
    mime = "text/plain" if path.suffix.lower() == ".txt" else "text/markdown"
    original = Derivative("original", name, mime, None, None, size)
    # A card is words: a grid shows it whole (letterboxed), never cropped through them.
    return MediaInfo(
        derivatives=(original, *made),
        width=card.width,
        height=card.height,
        extra={"fit": CARD_FIT},
    )


def _copy(path: Path, f: BinaryIO) -> None:
    with open(path, "rb") as src:
        shutil.copyfileobj(src, f)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_INLINE = [
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),  # images: not text
    (re.compile(r"!\[([^\]]*)\]\[[^\]]*\]"), ""),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their words
    (re.compile(r"\[([^\]]*)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<[A-Za-z/!][^>]*>"), ""),  # HTML tags
    (re.compile(r"`+([^`]*)`+"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])"), r"\2"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])"), r"\1"),  # backslash escapes
]
_BLOCK_PREFIX = re.compile(
    r"^\s{0,3}(?:>\s?)*\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)?"
)


def opening_lines(text: str, title: str = "", limit: int = CARD_LINES) -> list[str]:
    """The first lines of a Markdown or plain text as plain text: syntax removed, line
    breaks kept (poems), "" between paragraphs, a leading heading equal to the title dropped."""
    text = _FRONT_MATTER.sub("", text.replace("\r\n", "\n").replace("\r", "\n"), count=1)
    lines: list[str] = []
    for raw in text.split("\n"):
        if _FENCE.match(raw) or _RULE.match(raw) or _REF_DEF.match(raw) or _SETEXT.match(raw):
            continue
        line = _BLOCK_PREFIX.sub("", raw, count=1)
        for pattern, repl in _INLINE:
            line = pattern.sub(repl, line)
        line = clean_text(html.unescape(line))
        if not line:
            if lines and lines[-1]:
                lines.append("")
            continue
        if not lines and title and line.casefold() == clean_text(title).casefold():
            continue
        lines.append(line)
        if len(lines) >= limit:
            break
    while lines and not lines[-1]:
        lines.pop()
    return lines


def render_card(
    title: str, credit: str, kind: str, lines: list[str], size: tuple[int, int] = (1200, 1200)
) -> Image.Image:
    """An RGB card of `size`: kind label, title, the opening `lines`, "by <credit>"."""
    width, height = size
    unit = min(width, height) / 1200  # every measure scales with the card
    margin = round(96 * unit)
    card = Image.new("RGB", size, PAPER)
    bar = ACCENTS.get(kind.lower().strip(), INK)
    ImageDraw.Draw(card).rectangle((0, 0, width - 1, max(1, round(14 * unit)) - 1), fill=bar)

    box_w, box_h = width - 2 * margin, height - 2 * margin
    if box_w < 8 or box_h < 8:
        return card
    canvas = Image.new("RGB", (box_w, box_h), PAPER)
    draw = ImageDraw.Draw(canvas)

    # Footer first (anchored to the bottom), then label, title and body fill the rest.
    credit = clean_text(credit)
    bottom = box_h
    if credit:
        font = _font("credit", round(38 * unit))
        rows = wrap(f"by {credit}", font, box_w, max_lines=2)
        step = _line_height(font, 1.3)
        bottom -= step * len(rows)
        for i, row in enumerate(rows):
            _draw_line(draw, row, font, 0, bottom + i * step, box_w, MUTED)
        bottom -= round(40 * unit)

    y = 0
    label = clean_text(kind).upper()
    if label:
        font = _font("label", round(30 * unit))
        row = wrap(" ".join(label), font, box_w, max_lines=1)[0]  # letter-spaced small caps
        _draw_line(draw, row, font, 0, y, box_w, MUTED, rtl=False)
        y += _line_height(font, 1.0) + round(44 * unit)

    title = clean_text(title)
    if title:
        font, rows = _fit_title(title, box_w, max(0, bottom - y) // 2 or 1, unit)
        step = _line_height(font, 1.12)
        for row in rows:
            if y + step > bottom:
                break
            _draw_line(draw, row, font, 0, y, box_w, INK)
            y += step
        y += round(48 * unit)

    body = [clean_text(line) for line in lines]
    px = round(40 * unit)
    step = _line_height(_font("body", px), 1.45)
    rows_left = max(0, (bottom - y) // step)
    for row, font in _wrap_paragraphs(body, lambda p: _body_font(p, px), box_w, rows_left):
        if row:
            _draw_line(draw, row, font, 0, y, box_w, INK)
        y += step if row else step // 2

    card.paste(canvas, (margin, margin))
    return card


def clean_text(text: str) -> str:
    """One line of plain text: NFC, controls, bidi overrides and emoji removed, spaces collapsed."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = unicodedata.normalize("NFC", text)
    kept: list[str] = []
    marks = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "\t\n\r\u2028\u2029\x0b\x0c\x85":
            kept.append(" ")
            continue
        if cat in ("Cc", "Cs") or (cat == "Cf" and ch not in "\u200c\u200d"):
            continue  # controls, lone surrogates, bidi overrides, invisible formatting
        if ord(ch) >= 0x1F000 and cat in ("So", "Sk") or ch in "\ufe0e\ufe0f":
            continue  # emoji: no card font has them, they would print as empty boxes
        if ch == "\u200d" and not (kept and unicodedata.category(kept[-1])[0] in "LM"):
            continue  # a joiner left over from an emoji sequence
        if cat.startswith("M"):
            marks += 1
            if marks > 2:  # "Zalgo" stacks of combining marks would grow beyond the line
                continue
        else:
            marks = 0
        kept.append(ch)
    return re.sub(r"\s+", " ", "".join(kept)).strip()


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Greedy wrap by measured width; words longer than a line are broken; the last line
    shown ends with an ellipsis when text is left over. At most `max_lines` lines."""
    if max_lines <= 0 or not text:
        return []
    rows: list[str] = []
    words = text.split(" ")
    current = ""
    i = 0
    while i < len(words):
        word = words[i]
        candidate = f"{current} {word}" if current else word
        if _length(font, candidate) <= width:
            current = candidate
            i += 1
            continue
        if current:
            rows.append(current)
            current = ""
        else:  # a single word wider than the line: break it where it fits
            head, tail = _split_to_fit(word, font, width)
            rows.append(head)
            words[i] = tail
        if len(rows) == max_lines:
            rest = " ".join([current] + words[i:]).strip()
            if rest:
                rows[-1] = _ellipsize(rows[-1], font, width)
            return rows
    if current:
        rows.append(current)
    return rows[:max_lines]


def _wrap_paragraphs(
    paragraphs: list[str],
    font_for: Callable[[str], ImageFont.FreeTypeFont],
    width: int,
    max_rows: int,
) -> list[tuple[str, object]]:
    """(row, font) for the body: each line wrapped in its font, an empty line a half-row
    gap between paragraphs; at most `max_rows` rows' height, the last cut with an
    ellipsis when text is left over."""
    rows: list[tuple[str, object]] = []
    for para in paragraphs:  # more than fits, then cut: bounded by max_rows per paragraph
        if not para:
            if rows and rows[-1][0]:
                rows.append(("", None))
            continue
        font = font_for(para)
        rows.extend((row, font) for row in wrap(para, font, width, max_rows + 1))
        if sum(1 for r, _ in rows if r) > max_rows:
            break
    budget = 2 * max_rows  # in half rows
    shown: list[tuple[str, object]] = []
    for row, font in rows:
        cost = 2 if row else 1
        if cost > budget:
            break
        shown.append((row, font))
        budget -= cost
    while shown and not shown[-1][0]:
        shown.pop()
    if shown and any(r for r, _ in rows[len(shown) :]) and not shown[-1][0].endswith(ELLIPSIS):
        row, font = shown[-1]
        shown[-1] = (_ellipsize(row, font, width), font)
    return shown


def _body_font(paragraph: str, px: int) -> ImageFont.FreeTypeFont:
    """The serif for Latin, Greek and Cyrillic text; the sans (wider coverage) otherwise."""
    simple = all(ord(ch) < 0x0590 or 0x1E00 <= ord(ch) < 0x2070 for ch in paragraph)
    return _font("body" if simple else "body-sans", px)


def _split_to_fit(word: str, font: ImageFont.FreeTypeFont, width: int) -> tuple[str, str]:
    """The longest head of `word` (whole grapheme-ish clusters) that fits, and the rest."""
    cuts = [
        i
        for i in range(1, len(word) + 1)
        if i == len(word)
        or not (
            unicodedata.category(word[i]).startswith("M")
            or word[i] in "\u200d\ufe0f"
            or word[i - 1] == "\u200d"
        )
    ]
    lo, hi = 0, len(cuts) - 1
    best = cuts[0]
    while lo <= hi:  # binary search: text width grows with length
        mid = (lo + hi) // 2
        if _length(font, word[: cuts[mid]]) <= width:
            best = cuts[mid]
            lo = mid + 1
        else:
            hi = mid - 1
    return word[:best], word[best:]


def _ellipsize(row: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """`row` cut at a cluster boundary so that it and an ellipsis fit in `width`."""
    room = max(1, int(width - _length(font, ELLIPSIS)))
    text = row if _length(font, row) <= room else _split_to_fit(row, font, room)[0]
    while text:
        candidate = text.rstrip(" ,;:.-\u2013\u2014") + ELLIPSIS
        if _length(font, candidate) <= width:  # kerning can differ from the sum of parts
            return candidate
        text = (
            _split_to_fit(text, font, max(1, int(_length(font, text)) - 1))[0]
            if len(text) > 1
            else ""
        )
    return ELLIPSIS


def _fit_title(
    title: str, width: int, max_height: int, unit: float
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest title size (96 down to 52 px at 1200) whose lines fit in 3 rows and
    `max_height`; below that the smallest size, cut with an ellipsis."""
    for px in (96, 88, 80, 72, 64, 58, 52):
        font = _font("title", round(px * unit))
        rows_fit = max(1, min(3, max_height // _line_height(font, 1.12)))
        rows = wrap(title, font, width, rows_fit + 1)
        if len(rows) <= rows_fit and not rows[-1].endswith(ELLIPSIS):
            return font, rows
    font = _font("title", round(52 * unit))
    rows_fit = max(1, min(4, max_height // _line_height(font, 1.12)))
    return font, wrap(title, font, width, rows_fit)


def _draw_line(
    draw: ImageDraw.ImageDraw,
    row: str,
    font: ImageFont.FreeTypeFont,
    x: int,
    y: int,
    width: int,
    fill: tuple[int, ...],
    rtl: bool | None = None,
) -> None:
    """Draw one row at (x, y) top-left; a right-to-left row is aligned to the right edge."""
    if rtl is None:
        rtl = _is_rtl(row)
    if rtl:
        x = x + width - int(_length(font, row))
    ascent, _ = font.getmetrics()
    kwargs = {"direction": "rtl" if rtl else "ltr"} if _raqm() else {}
    draw.text((max(0, x), y + ascent), row, font=font, fill=fill, anchor="ls", **kwargs)


def _is_rtl(text: str) -> bool:
    """The paragraph direction of `text`: that of its first strong character (UAX #9 P2)."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return True
        if bidi == "L":
            return False
    return False


def _line_height(font: ImageFont.FreeTypeFont, leading: float) -> int:
    ascent, descent = font.getmetrics()
    return max(1, round((ascent + descent) * leading))


def _length(font: ImageFont.FreeTypeFont, text: str) -> float:
    if not text:
        return 0.0
    kwargs = {"direction": "rtl" if _is_rtl(text) else "ltr"} if _raqm() else {}
    return font.getlength(text, **kwargs)


@functools.cache
def _raqm() -> bool:
    return bool(features.check_feature("raqm"))


@functools.lru_cache(maxsize=64)
def _font(role: str, px: int) -> ImageFont.FreeTypeFont:
    """DejaVu when installed (wide Unicode coverage), else Pillow's built-in scalable font."""
    px = max(6, px)
    name = _FONT_FILES[role]
    for folder in _FONT_DIRS:
        path = folder / name
        if path.is_file():
            engine = ImageFont.Layout.RAQM if _raqm() else ImageFont.Layout.BASIC
            return ImageFont.truetype(str(path), px, layout_engine=engine)
    return ImageFont.load_default(size=px)  # type: ignore[return-value]
