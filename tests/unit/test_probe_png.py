"""GPS in PNGs is found from the metadata chunks alone, wherever the chunk sits."""

from __future__ import annotations

import zlib
from pathlib import Path

from PIL import Image

from builder.archive.probe import PNG_SIGNATURE, image_has_location
from tests.archive_factory import _exif


def _png(path: Path, gps: bool, exif_after_pixels: bool = False) -> Path:
    Image.new("RGB", (64, 48), "teal").save(path, exif=_exif(gps=gps))
    if exif_after_pixels:  # allowed by the PNG spec; Pillow must decode pixels to reach it
        data = path.read_bytes()[len(PNG_SIGNATURE) :]
        chunks, exif = [], None
        while data:
            length = int.from_bytes(data[:4], "big")
            chunk, data = data[: length + 12], data[length + 12 :]
            (exif := chunk) if chunk[4:8] == b"eXIf" else chunks.append(chunk)
        assert exif is not None
        chunks.insert(len(chunks) - 1, exif)  # just before IEND
        path.write_bytes(PNG_SIGNATURE + b"".join(chunks))
    return path


def _head(path: Path) -> bytes:
    return path.read_bytes()[:4096]


def test_gps_in_a_png_is_found_before_or_after_the_pixels(tmp_path):
    for after in (False, True):
        with_gps = _png(tmp_path / f"gps-{after}.png", gps=True, exif_after_pixels=after)
        without = _png(tmp_path / f"plain-{after}.png", gps=False, exif_after_pixels=after)
        assert image_has_location(with_gps, _head(with_gps), 10**8) is True
        assert image_has_location(without, _head(without), 10**8) is False


def test_a_truncated_or_hostile_png_is_unreadable_not_a_crash(tmp_path):
    bad = tmp_path / "bad.png"
    huge = (2**31).to_bytes(4, "big") + b"IDAT"
    bad.write_bytes(PNG_SIGNATURE + huge + zlib.compress(b"x"))
    assert image_has_location(bad, _head(bad), 10**8) is None
