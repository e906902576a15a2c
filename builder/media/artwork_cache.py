"""Podcast artwork made once: artwork.py's JPEGs kept in a content-addressed cache.

    <cache_dir>/artwork/<key[:2]>/<key>.jpg

`cache_dir` is the build's media cache folder (the plugin's `cache_dir`, beside the media
results of cache.py, whose folders are named by two hex digits, never "artwork"). The key
is a sha256 over everything the bytes depend on: this module's ARTWORK_VERSION (bump it
when artwork.py draws differently), the media recipes' RECIPE_VERSION (the image helpers
and cards that artwork.py draws with are theirs), Pillow's version, the JPEG quality and
resampling filter, the size, and the source: the sha256 of a picture file's bytes (read
without following a symlink, as cache.py does), or a card's title, credit and record type.
So a warm build decodes and encodes no image, and any change to an input is a new entry.

An entry appears in one os.replace of a finished temp file in its folder: an interrupted
build leaves at most a `.*.tmp` file, which no lookup reads. An entry that cannot be read
or is not a whole JPEG (damaged, or emptied by a crash before the data reached the disk)
is drawn and written again. A cache that cannot be written only costs the drawing.
A picture that cannot be artwork raises ArtworkError as artwork.py does, and nothing is stored.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Callable

import PIL

from ..core.media_plan import RECIPE_VERSION
from ..memo.store import write_atomically
from .artwork import MAX_SIDE, MIN_SIDE, QUALITY, RESAMPLE, artwork_from_file, card_artwork
from .cache import _file_hash

ARTWORK_VERSION = "1"  # bump when artwork.py's drawing changes: every cached artwork is redrawn
FOLDER = "artwork"


def cached_artwork_from_file(path: Path, cache_dir: Path | None, largest: int = MAX_SIDE) -> bytes:
    """artwork_from_file(path, largest), from the cache when that file's bytes were drawn before
    (cache_dir None: drawn every time)."""
    draw = functools.partial(artwork_from_file, path, largest)
    if cache_dir is None:
        return draw()
    try:
        key = file_key(path, largest)
    except (
        OSError
    ):  # missing, a symlink, unreadable: drawn uncached as ever (or artwork.py says why not)
        return draw()
    return _through(cache_dir, key, draw, lambda: file_key(path, largest) == key)


def cached_card_artwork(title: str, credit: str, kind: str, cache_dir: Path | None) -> bytes:
    """card_artwork(title, credit, kind), from the cache when it was drawn before."""
    draw = functools.partial(card_artwork, title, credit, kind)
    if cache_dir is None:
        return draw()
    return _through(cache_dir, card_key(title, credit, kind), draw)


def file_key(path: Path, largest: int = MAX_SIDE) -> str:
    """The key of a picture file's artwork: OSError when the file cannot be read as itself."""
    return _key("file", largest, _file_hash(path))


def card_key(title: str, credit: str, kind: str) -> str:
    return _key("card", MIN_SIDE, title, credit, kind)


def entry(cache_dir: Path, key: str) -> Path:
    return Path(cache_dir) / FOLDER / key[:2] / f"{key}.jpg"


def _key(*source: object) -> str:
    # JSON of a list: every field delimited and escaped, so no two inputs share a key.
    fields = [
        ARTWORK_VERSION,
        RECIPE_VERSION,
        f"pillow {PIL.__version__}",
        QUALITY,
        RESAMPLE.name,
        *source,
    ]
    return hashlib.sha256(json.dumps(fields).encode("ascii")).hexdigest()


def _through(
    cache_dir: Path,
    key: str,
    draw: Callable[[], bytes],
    unchanged: Callable[[], bool] = lambda: True,
) -> bytes:
    """The entry's bytes, else drawn and stored (unless the source `unchanged` no longer matches
    the key: edited while it was drawn, so the bytes may be of the new file)."""
    path = entry(cache_dir, key)
    data = _read(path)
    if data is None:
        data = draw()
        with contextlib.suppress(OSError):
            if unchanged():
                write_atomically(path, data)
    return data


def _read(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    whole = data.startswith(b"\xff\xd8\xff") and data.endswith(b"\xff\xd9")  # JPEG's SOI ... EOI
    return data if whole else None
