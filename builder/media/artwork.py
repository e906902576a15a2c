"""Podcast artwork with Pillow: the show's cover and each episode's image, as JPEG bytes.

Apple Podcasts wants square JPEG or PNG artwork, RGB, 1400 to 3000 px a side. Any picture
becomes that here: turned upright (EXIF), converted to sRGB, transparency flattened on
white, cropped to its centred square and resized to that square's side kept within
1400-3000 px — scaled down when bigger, and scaled up only as far as 1400 when smaller.
A record without a picture of its own gets its typographic card drawn at 1400 px.

Pure functions of their input: same bytes in, same JPEG out (baseline, fixed quality,
no metadata, no timestamp). The feeds publish the bytes as generated files, kept between
builds by artwork_cache.py (bump its ARTWORK_VERSION when the drawing here changes).
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image

from .cards import render_card
from .images import _flatten, _rgb_or_rgba, _to_srgb
from .results import MediaError
from .tools import open_poster

MIN_SIDE = 1400
MAX_SIDE = 3000
QUALITY = 88
RESAMPLE = Image.Resampling.LANCZOS  # shown large in podcast apps: the sharpest filter


class ArtworkError(ValueError):
    """A picture cannot be artwork: `message` says what is wrong, `fix` how to fix it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(f"{message}: {fix}")
        self.message = message
        self.fix = fix


def artwork_side(width: int, height: int, largest: int = MAX_SIDE) -> int:
    """The side of the square made from a width x height picture, at most `largest`."""
    return max(MIN_SIDE, min(largest, MAX_SIDE, min(width, height)))


def centre_square(width: int, height: int) -> tuple[int, int, int, int]:
    """The (left, top, right, bottom) box of the largest centred square."""
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return left, top, left + side, top + side


def image_size(path: Path) -> tuple[int, int]:
    """Width and height from the image's header (nothing decoded), as it is displayed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=["JPEG", "PNG", "GIF", "WEBP"]) as img:
                width, height = img.size
                turned = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    except FileNotFoundError:
        raise ArtworkError(f"{path.name!r} does not exist", "check the path") from None
    except (
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ArtworkError(
            f"{path.name!r} is not an image Pillow can read ({exc})", "export it as a JPEG or PNG"
        ) from None
    return (height, width) if turned else (width, height)


def artwork_from_file(path: Path, largest: int = MAX_SIDE) -> bytes:
    """The square artwork JPEG of the image at `path` (JPEG, PNG, GIF or WebP), at most
    `largest` px a side (episodes use MIN_SIDE: one per production, kept light)."""
    try:
        picture = open_poster(path)
    except MediaError as exc:
        raise ArtworkError(exc.message, exc.fix) from None
    return square_jpeg(_to_srgb(picture, picture.info.get("icc_profile")), largest)


def card_artwork(title: str, credit: str, kind: str) -> bytes:
    """The artwork of a record without a picture: its typographic card, drawn at 1400 px."""
    return square_jpeg(render_card(title, credit, kind, [], size=(MIN_SIDE, MIN_SIDE)))


def square_jpeg(picture: Image.Image, largest: int = MAX_SIDE) -> bytes:
    """`picture` (upright, any mode Pillow converts to RGB) as square artwork JPEG bytes."""
    rgb = _flatten(_rgb_or_rgba(picture))
    side = artwork_side(*rgb.size, largest)
    box = centre_square(*rgb.size)
    square = rgb.resize((side, side), RESAMPLE, box=box, reducing_gap=3.0)
    square.info.clear()  # no comment, ICC profile or EXIF carried over from the source
    out = io.BytesIO()
    square.save(out, "JPEG", quality=QUALITY, comment=b"")
    return out.getvalue()
