"""One answer to "is this file what it says, and can we process it?".

`inspect_file` returns a file's facts (format, size, picture size, duration, location,
streams) or one finding (a problem code, a message naming the file, a fix). `showcase
check` (archive/folder.py), `showcase new` (scaffold.py) and the media edge
(media/tools.sniff_file) all ask it, each turning a finding into its own kind of error,
so the three can no longer disagree.

Two stages. The header stage reads at most the first MB, the `moov` box of an MP4 and
an image's metadata: file kind, emptiness, Git LFS pointers, the size limit, the format
from the bytes, the type the record declares, the extension, the image pixel limit,
location data, UTF-8 text. The decode stage (archive/decode.py), when asked for, decodes
what the build will decode, with the build's own functions and limits.
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path

from ..core import heif, sniff
from .identify import (
    MB,
    Facts,
    Finding,
    Identified,
    Limits,
    identify,
    size_text,
    too_many_pixels,
)
from .probe import image_has_location, read_bytes

TEXT_LIMIT = 2 * MB  # text, captions and transcripts are read whole
_HEIF_METADATA_LIMIT = 8 * MB  # a HEIC's Exif and XMP items together (a phone's: < 100 KB)
# What a file can be expected to be: a record's type, or what `poster`, `captions` and
# `transcript` name. None: any record's main file (`showcase new` finds out which).
EXPECTED = ("image", "audio", "video", "text", "captions", "transcript")
DECODED = ("image", "audio", "video")  # the kinds the build decodes, so check decodes them too


def inspect_file(
    path: Path,
    name: str,
    expected: str | None,
    limits: Limits,
    *,
    decode: bool = True,
    field: str = "file",
) -> Facts | Finding:
    """The facts of the file at `path` (shown as `name`), or what is wrong with it.

    `expected` is one of EXPECTED or None; `field` the record.yaml field naming the file
    (for the wording); with `decode`, media is decoded as the build will (the verdict
    kept by content hash: memo/decoded.py)."""
    found = identify(path, name)
    if isinstance(found, Finding):
        return found
    if found.size > limits.max_file_size:
        return Finding(
            "file-too-large",
            f"{name!r} is {size_text(found.size)}, over the limit of "
            f"{size_text(limits.max_file_size)}",
            "export a smaller version (lower resolution or bitrate)",
        )
    if expected in ("captions", "transcript"):
        return _timed_text(path, name, found, expected)
    facts = _judge(path, name, found, expected, limits, field)
    if isinstance(facts, Finding) or not decode:
        return facts
    return decoded(path, name, facts, limits)


def decoded(path: Path, name: str, facts: Facts, limits: Limits) -> Facts | Finding:
    """The decode stage for facts of the header stage (archive/decode.py)."""
    if facts.format.kind not in DECODED:
        return facts
    from .decode import decode_checked  # Pillow and ffmpeg: only for what is decoded

    return decode_checked(path, name, facts, limits)


def _judge(
    path: Path, name: str, found: Identified, expected: str | None, limits: Limits, field: str
) -> Facts | Finding:
    fmt = found.format
    if fmt.name == "binary" and expected == "text":
        reason = sniff.text_problem(found.head) or "is not UTF-8 text"
        return Finding(
            "bad-text", f"{name!r} {reason}", "save it as UTF-8 text (Markdown or plain text)", fmt
        )
    if fmt.kind is None:
        return Finding(
            "unsupported-format",
            f"{name!r} is in a format that is not accepted: {fmt.label}",
            fmt.advice,
            fmt,
        )
    if fmt.kind == "timeline" and expected in (None, "audio", "video"):
        return Facts(fmt, found.size)  # read by builder/timeline/, not decoded here
    wrong = _wrong_kind(name, fmt, expected, field)
    if wrong is not None:
        return wrong
    ext = os.path.splitext(name)[1].lower()
    if fmt.extensions and ext not in fmt.extensions:
        return Finding(
            "extension-mismatch",
            f"{name!r} contains {fmt.label} but is named {ext or 'without extension'}",
            f"rename it to end in {fmt.extensions[0]} (and update record.yaml)",
            fmt,
        )
    if fmt.kind == "image":
        return _image(path, name, found, limits)
    if fmt.kind == "text":
        return _text(path, name, found)
    return Facts(fmt, found.size, has_location=found.has_location)


def _wrong_kind(name: str, fmt: sniff.Format, expected: str | None, field: str) -> Finding | None:
    if expected is None:
        if fmt.name == "webvtt":
            return Finding(
                "wrong-media-type",
                f"{name!r} is WebVTT captions, not a record's main file",
                "name it as `captions:` of the video or audio record it belongs to",
                fmt,
            )
        return None
    if fmt.kind == expected and fmt.name != "webvtt":
        return None
    if field != "file":
        fix = f"`{field}` must name {_a_file(expected)}"
    elif fmt.kind == "timeline":
        fix = (
            f"use {_a_file(expected)} here, or set `type: video` (or audio) "
            "for a production's timeline"
        )
    else:
        fix = f"use {_a_file(expected)} here, or set `type: {fmt.kind}`"
    return Finding(
        "wrong-media-type",
        f"{name!r} is declared as {_article(expected)} but its content is {fmt.label}",
        fix,
        fmt,
    )


def _image(path: Path, name: str, found: Identified, limits: Limits) -> Facts | Finding:
    fmt = found.format
    dims = sniff.image_size(fmt, found.head)
    if dims is None or 0 in dims:
        return Finding(
            "corrupt-media",
            f"{name!r} has no readable {fmt.label} header",
            "export the image again from your editor",
            fmt,
        )
    width, height = dims
    limit = limits.pixel_limit(fmt, found.head)
    if width * height > limit:
        if fmt.name == "jpeg" and width * height <= max(limit, limits.max_jpeg_pixels):
            # A progressive JPEG is decoded in full: a baseline one of this size would pass.
            fix = "save it as a baseline (not progressive) JPEG, or scale it down"
            return too_many_pixels(name, width, height, limit, fmt, fix)
        return too_many_pixels(name, width, height, limit, fmt)
    located = image_location(path, fmt, found.head, limit)
    if located is None:
        return Finding(
            "corrupt-media",
            f"{name!r} cannot be opened as {fmt.label}",
            "export the image again from your editor",
            fmt,
        )
    return Facts(fmt, found.size, width, height, has_location=located)


def image_location(path: Path, fmt: sniff.Format, head: bytes, limit: int) -> bool | None:
    """True when an image carries GPS coordinates (EXIF or XMP); None when unreadable.
    Only metadata is read, never pixels."""
    if fmt.name not in ("heic", "avif"):
        return image_has_location(path, head, limit)
    if b"GPSLatitude" in head or b"GPSLongitude" in head:  # XMP packets spell them out
        return True
    try:
        # Mapped, not read: the Exif item may sit after megabytes of coded image.
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            items = heif.metadata_items(buf)
            if sum(n for i in items for _, n in i.extents) > _HEIF_METADATA_LIMIT:
                return None  # more metadata than any camera writes: not read, refused
            blocks = [(i.type, heif.item_bytes(buf, i)) for i in items]
    except (OSError, ValueError):  # NotHeif is a ValueError, as is mapping an empty file
        return None
    return any(
        _exif_has_gps(data) if kind == "Exif" else _xmp_has_gps(data) for kind, data in blocks
    )


def _exif_has_gps(item: bytes) -> bool:
    """An Exif item: a 4-byte offset to the TIFF header, then the EXIF block."""
    from PIL import Image  # only for the photos that need it

    start = 4 + int.from_bytes(item[:4], "big")
    try:
        exif = Image.Exif()
        exif.load(item[start:] if start < len(item) else b"")
        gps = exif.get_ifd(0x8825)
    except Exception:  # noqa: BLE001 - a broken EXIF block says nothing, as for a JPEG's
        return False
    # 1-4: latitude/longitude and their references; a lone GPSVersionID says nothing.
    return any(tag in gps for tag in (1, 2, 3, 4))


def _xmp_has_gps(packet: bytes) -> bool:
    return b"GPSLatitude" in packet or b"GPSLongitude" in packet


def _text(path: Path, name: str, found: Identified) -> Facts | Finding:
    if found.size > TEXT_LIMIT:
        return Finding(
            "file-too-large",
            f"{name!r} is over {TEXT_LIMIT // MB} MB of text",
            "split it into records",
            found.format,
        )
    data, _ = read_bytes(path, TEXT_LIMIT + 1)
    reason = sniff.text_problem(data)
    if reason:
        return Finding("bad-text", f"{name!r} {reason}", "save it as UTF-8 text", found.format)
    return Facts(found.format, found.size, text=data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))


def _timed_text(path: Path, name: str, found: Identified, expected: str) -> Facts | Finding:
    if found.size > TEXT_LIMIT:
        return Finding(
            "file-too-large", f"{name!r} is over {TEXT_LIMIT // MB} MB", "split or shorten it"
        )
    data, _ = read_bytes(path, TEXT_LIMIT)
    reason = sniff.text_problem(data)
    if reason:
        return Finding("bad-text", f"{name!r} {reason}", "save it as UTF-8 text")
    fmt = sniff.sniff(found.head)
    if expected == "captions" and fmt.name != "webvtt":
        return Finding(
            "bad-text",
            f"{name!r} is not WebVTT (it must start with the line WEBVTT)",
            "export captions as .vtt (WebVTT); convert SRT with `ffmpeg -i in.srt out.vtt`",
        )
    if fmt.name == "svg":
        return Finding(
            "unsupported-format",
            f"{name!r} is an SVG image, not a transcript",
            "give the transcript as text, WebVTT or SRT",
            fmt,
        )
    return Facts(fmt, found.size)


def _a_file(kind: str) -> str:
    return {
        "image": "an image file",
        "audio": "an audio file",
        "video": "a video file",
        "text": "a text file",
    }.get(kind, kind)


def _article(kind: str) -> str:
    return {
        "image": "an image",
        "audio": "audio",
        "video": "a video",
        "text": "a text",
        "captions": "WebVTT captions",
        "transcript": "a transcript",
    }.get(kind, kind)
