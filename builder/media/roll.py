"""The end-credits roll of a rendered production: Pillow draws the credits once as one tall
image, ffmpeg scrolls it (a crop whose y moves with the frame number).

`drawtext` is missing from many ffmpeg builds, and drawing every frame in Python would cost
a frame's worth of pixels per frame through a pipe: one image and a crop cost neither.
Every line is untrusted (names, titles): cleaned and fitted by cards.py's rules, cut with an
ellipsis, drawn inside the margins.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from .cards import _draw_line, _font, _line_height, clean_text, wrap

BACKGROUND = (14, 14, 18)  # near-black
LIGHT = (236, 236, 240)  # names: about 16:1 on BACKGROUND
DIM = (170, 170, 182)  # headings and notes: about 8:1
# style -> (font role, size in px at 720 lines, colour, rows a long entry may wrap to)
STYLES = {
    "title": ("title", 46, LIGHT, 3),
    "heading": ("label", 22, DIM, 1),
    "line": ("credit", 30, LIGHT, 2),
    "small": ("credit", 20, DIM, 2),
}
SPACE = 0.9  # an empty ("space") row, in units of a "line" row
MAX_SCREENS = 40  # the text of a roll is at most this many frames high (a hostile list is cut)
MAX_LINES = 600


def draw_roll(lines: list[tuple[str, str]], width: int, height: int) -> Image.Image:
    """One RGB image `width` wide: a screen of background, the credits centred, a screen of
    background. Scrolled from top to bottom it starts and ends on an empty frame."""
    unit = height / 720
    margin = round(width * 0.1)
    rows = _layout(lines[:MAX_LINES], width - 2 * margin, unit)
    text_h = min(sum(step for _, _, step in rows), MAX_SCREENS * height)
    tall = Image.new("RGB", (width, 2 * height + text_h), BACKGROUND)
    # Drawn on a canvas the size of the text area: nothing can spill past the margins.
    canvas = Image.new("RGB", (width - 2 * margin, max(1, text_h)), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    y = 0
    for text, style, step in rows:
        if y + step > text_h:
            break
        if text:
            role, _, colour, _ = STYLES[style]
            font = _font(role, round(STYLES[style][1] * unit))
            x = max(0, (canvas.width - round(font.getlength(text))) // 2)
            _draw_line(draw, text, font, x, y, canvas.width - x, colour, rtl=False)
        y += step
    tall.paste(canvas, (margin, height))
    return tall


def _layout(lines: list[tuple[str, str]], width: int, unit: float) -> list[tuple[str, str, int]]:
    """(text, style, height in px) per drawn row; unknown styles are drawn as "line"."""
    rows: list[tuple[str, str, int]] = []
    line_step = _line_height(_font("credit", round(30 * unit)), 1.35)
    for style, raw in lines:
        if style == "space":
            rows.append(("", "line", round(line_step * SPACE)))
            continue
        style = style if style in STYLES else "line"
        role, px, _, max_rows = STYLES[style]
        font = _font(role, round(px * unit))
        step = _line_height(font, 1.35)
        text = clean_text(raw)
        for row in wrap(text.upper() if style == "heading" else text, font, width, max_rows):
            rows.append((row, style, step))
    return rows


def roll_frames(seconds: float, rate: float) -> int:
    return max(1, round(seconds * rate))


def scroll_filter(source: str, frames: int, height: int, out: str) -> str:
    """A filter chain: the tall image (one frame at `source`) held for `frames` frames, cropped
    to one screen whose top moves from the image's top to its bottom screen, in frames."""
    last = max(1, frames - 1)
    return (
        f"[{source}]loop=loop={frames - 1}:size=1:start=0,"
        f"crop=w=iw:h={height}:x=0:y='floor((ih-{height})*n/{last})'[{out}]"
    )
