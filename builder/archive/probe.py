"""Low-level, hostile-file-safe reads: never follow a symlink, never block on a FIFO,
never decode more than a header."""

from __future__ import annotations

import mmap
import os
import stat
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

MOOV_LIMIT = 64 * 1024 * 1024
_LOCATION_ATOMS = (b"\xa9xyz", b"loci", b"com.apple.quicktime.location.ISO6709")


class NotRegular(Exception):
    """The path is a symlink, folder, FIFO or device; args[0] says which."""


def lstat_kind(path: Path) -> str | None:
    """'file', 'symlink', 'folder', 'special', or None when missing."""
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:  # a name too long for the file system, a loop: nothing usable is there
        return None
    if stat.S_ISLNK(st.st_mode):
        return "symlink"
    if stat.S_ISDIR(st.st_mode):
        return "folder"
    if stat.S_ISREG(st.st_mode):
        return "file"
    return "special"


def read_bytes(path: Path, limit: int) -> tuple[bytes, int]:
    """Up to `limit` bytes of a regular file and its full size.

    O_NOFOLLOW closes the gap between checking for a symlink and opening it;
    O_NONBLOCK keeps a FIFO from hanging the build (it is then refused by fstat).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise NotRegular("a symbolic link" if os.path.islink(path) else exc.strerror) from exc
    # fstat before fdopen: Python refuses to wrap a folder's descriptor (IsADirectoryError).
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise NotRegular("not a regular file")
    with os.fdopen(fd, "rb") as fh:
        return fh.read(limit), st.st_size


@dataclass(frozen=True)
class BmffInfo:
    tracks: frozenset[str] | None  # handler types: "vide", "soun", ...
    has_location: bool


def bmff_info(path: Path) -> BmffInfo:
    """Walk the top-level boxes of an MP4/MOV/M4A to its `moov`, wherever it is."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            offset = 0
            for _ in range(10_000):  # a hostile file may be millions of empty boxes
                if offset + 8 > size:
                    break
                fh.seek(offset)
                header = fh.read(16)
                box_size, box_type = struct.unpack(">I4s", header[:8])
                header_len = 8
                if box_size == 1 and len(header) >= 16:
                    box_size = struct.unpack(">Q", header[8:16])[0]
                    header_len = 16
                elif box_size == 0:
                    box_size = size - offset
                if box_size < header_len:
                    break
                if box_type == b"moov":
                    if box_size > MOOV_LIMIT:
                        break
                    fh.seek(offset + header_len)
                    return _moov_info(fh.read(box_size - header_len))
                offset += box_size
    except (OSError, struct.error):
        pass
    return BmffInfo(None, False)


def _moov_info(moov: bytes) -> BmffInfo:
    tracks = set()
    start = 0
    while (i := moov.find(b"hdlr", start)) != -1:
        handler = moov[i + 12 : i + 16]
        if handler in (b"vide", b"soun", b"text", b"sbtl", b"subt"):
            tracks.add(handler.decode())
        start = i + 4
    return BmffInfo(frozenset(tracks), any(atom in moov for atom in _LOCATION_ATOMS))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_METADATA_LIMIT = 4 * 1024 * 1024  # an eXIf or XMP chunk larger than this is not read


def _png_has_location(path: Path) -> bool | None:
    """GPS in a PNG's eXIf chunk or XMP (iTXt), found by walking the chunk headers.

    Pillow's getexif() decodes the whole image to reach an eXIf chunk stored after the
    pixels: 0.5 s for an ordinary PNG, unbounded work for a hostile one. Here only the
    metadata chunks are read; pixel data is skipped by seeking.
    """
    try:
        # Mapped, not read: a PNG's pixels come in dozens of IDAT chunks, and a seek and a
        # read per chunk header was most of the check's time for an archive of pictures.
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as png:
            pos, end = len(PNG_SIGNATURE), len(png)
            while pos < end:
                if pos + 8 > end:
                    return None
                length, kind = int.from_bytes(png[pos : pos + 4], "big"), png[pos + 4 : pos + 8]
                pos += 8
                if kind == b"IEND":
                    return False
                if kind in (b"eXIf", b"iTXt") and length <= _PNG_METADATA_LIMIT:
                    data = png[pos : pos + length]
                    if kind == b"iTXt" and (b"GPSLatitude" in data or b"GPSLongitude" in data):
                        return True
                    if kind == b"eXIf":
                        exif = Image.Exif()
                        exif.load(data)
                        if any(tag in exif.get_ifd(0x8825) for tag in (1, 2, 3, 4)):
                            return True
                pos += length + 4  # the data and its CRC
    except Exception:  # noqa: BLE001 - any failure of a hostile file is "unreadable"
        return None
    return None  # no IEND: truncated


def image_has_location(path: Path, head: bytes, max_pixels: int) -> bool | None:
    """True when an image carries GPS coordinates in EXIF or XMP; None if unreadable.

    Only called after the pixel limit has passed, and Pillow only parses headers
    here (no pixel data is decoded).
    """
    if b"GPSLatitude" in head or b"GPSLongitude" in head:  # XMP packets spell them out
        return True
    if head.startswith(PNG_SIGNATURE):
        return _png_has_location(path)
    # The archive's own pixel limit has been checked from the header; Pillow's must
    # not refuse an image the archive accepts. Pillow has no per-call limit.
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max(saved or 0, max_pixels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path, formats=["JPEG", "PNG", "WEBP", "GIF"]) as im:
                gps = im.getexif().get_ifd(0x8825)
    except Exception:  # noqa: BLE001 - any failure of a hostile header is "unreadable"
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    # 1-4: latitude/longitude and their references; a lone GPSVersionID says nothing.
    return any(tag in gps for tag in (1, 2, 3, 4))


def case_twin(path: Path) -> str | None:
    """The name in path's folder that differs from path's only by case ("Photo.JPG" for
    "photo.jpg"): names are case-sensitive, and this is the likeliest slip."""
    try:
        return next(
            (n for n in sorted(os.listdir(path.parent)) if n.casefold() == path.name.casefold()),
            None,
        )
    except OSError:
        return None
