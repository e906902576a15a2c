"""What a file is, from its bytes: the first stage of the inspection, and its vocabulary.

`identify` tells the file's kind and format from its first bytes (never its name) with no
expectation: the media edge (media/tools.sniff_file) asks only this. `Facts`, `Finding` and
`Limits` are what the inspection (archive/inspect.py) and its decode stage
(archive/decode.py) say and work within; they live here, below both, so that neither
imports the other's caller.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..core import sniff
from ..core.media_plan import MediaSettings
from .config import ArchiveConfig
from .probe import NotRegular, bmff_info, lstat_kind, read_bytes

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_size: int
    max_pixels: int  # what must be decoded in full
    media: MediaSettings = MediaSettings()  # the decoders' time and memory: the build's
    # A sequential JPEG, decoded at 1/2 to 1/8 scale (never less than max_pixels)
    max_jpeg_pixels: int = ArchiveConfig.max_jpeg_pixels

    def pixel_limit(self, fmt: sniff.Format, head: bytes) -> int:
        """The header's limit for an image: a JPEG that decodes reduced may be larger."""
        if fmt.name == "jpeg" and sniff.jpeg_reduces(head):
            return max(self.max_pixels, self.max_jpeg_pixels)
        return self.max_pixels


def limits_of(config: ArchiveConfig) -> Limits:
    """The archive's limits (mkdocs.yml), as every inspection of its files applies them."""
    return Limits(config.max_file_size, config.max_pixels, max_jpeg_pixels=config.max_jpeg_pixels)


@dataclass(frozen=True)
class Facts:
    format: sniff.Format
    size: int
    width: int | None = None  # images: from the header; video: ffprobe's frame size
    height: int | None = None
    duration: float | None = None  # audio and video, once decoded
    has_location: bool = False  # GPS in an image, location atoms in an MP4/MOV
    streams: tuple[str, ...] = ()  # ffprobe's codec types, once decoded
    text: str | None = None  # a text's content (check renders it)
    decoded: bool = False


@dataclass(frozen=True)
class Finding:
    code: str  # a problem code (core/problems.py)
    message: str
    fix: str
    format: sniff.Format | None = None  # what the file was found to be, when known


@dataclass(frozen=True)
class Identified:
    """What the first bytes say: the format, the size, the head itself."""

    format: sniff.Format
    size: int
    head: bytes
    has_location: bool = False


def identify(path: Path, name: str) -> Identified | Finding:
    """The file's kind and format from its bytes (never its name), with no expectation."""
    kind = lstat_kind(path)
    if kind is None:
        return Finding(
            "missing-file", f"{name!r} does not exist", "add the file or correct the name"
        )
    if kind == "symlink":
        return Finding(
            "symlink", f"{name!r} is a symbolic link", "replace the link with the file itself"
        )
    if kind != "file":
        what = "special file (a FIFO, socket or device)" if kind == "special" else kind
        return Finding(
            "not-a-file", f"{name!r} is a {what}, not a regular file", "name a regular file"
        )
    try:
        head, size = read_bytes(path, sniff.HEAD_BYTES)
    except (NotRegular, OSError) as exc:
        return Finding(
            "not-a-file", f"{name!r} cannot be read: {exc}", "name a regular, readable file"
        )
    if size == 0:
        return Finding("empty-file", f"{name!r} is empty (0 bytes)", "commit the real file")
    if sniff.is_lfs_pointer(head):
        return Finding(
            "lfs-pointer",
            f"{name!r} is a Git LFS pointer, not the media itself",
            "commit the file without Git LFS (`git lfs untrack`, then add it again)",
        )
    tracks, located = None, False
    if is_bmff(head):
        info = bmff_info(path)
        tracks, located = info.tracks, info.has_location
    return Identified(sniff.sniff(head, tracks), size, head, located)


def is_bmff(head: bytes) -> bool:
    """ISO-BMFF (MP4, MOV, M4A), told by its first box: whose `moov` says audio or video."""
    return head[4:8] == b"ftyp" or head[4:8] in (b"moov", b"mdat", b"wide", b"free")


def too_many_pixels(
    name: str,
    width: int,
    height: int,
    limit: int,
    fmt: sniff.Format,
    fix: str = "scale it down (a long side of 4000 px is plenty for the web)",
) -> Finding:
    return Finding(
        "too-many-pixels",
        f"{name!r} is {width}×{height} = {_pixels(width * height)}, "
        f"over the limit of {_pixels(limit)}",
        fix,
        fmt,
    )


def with_decoded(facts: Facts, **found: int | float | tuple[str, ...] | None) -> Facts:
    return replace(facts, decoded=True, **found)


def size_text(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} bytes"


def _pixels(n: int) -> str:
    return f"{n / 1e6:.1f} megapixels" if n >= 100_000 else f"{n} pixels"
