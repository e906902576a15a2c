"""Odd media files that used to pass `showcase check` and then stop `showcase build` (issue 13).

Each entry is generated here (nothing downloaded, nothing binary committed): the record type
it is declared as, its file name and a function that writes it. Some follow files of
Pillow's own test suite (a zero-frame GIF or WebP, a frame that does not fit its data,
EXIF with IFD offsets past its end); the rest are cut-down uploads (a JPEG cut in half, a
WAV header with no samples, a single MP3 frame) and an MP4 with no picture declared as video.
`GOOD` lists ordinary files of each type, which must pass check and publish.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from tests.media.fixtures import ffmpeg
from tests.media.image_fixtures import photo, truncated_jpeg


@dataclass(frozen=True)
class Odd:
    record: str  # the record id it is placed under
    type: str  # what record.yaml declares
    file: str
    write: Callable[[Path], None]


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _save(im: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **options)
    return buf.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def tiny_webp() -> bytes:
    """26 bytes: a RIFF/WEBP header and a lossless (VP8L) 16x16 header, and no image data."""
    vp8l = b"\x2f" + (15 | 15 << 14).to_bytes(4, "little") + b"\x00"
    body = b"WEBP" + b"VP8L" + struct.pack("<I", len(vp8l)) + vp8l
    data = b"RIFF" + struct.pack("<I", len(body)) + body
    assert len(data) == 26
    return data


def zero_frame_gif() -> bytes:
    """A GIF header and screen descriptor (10x10) and the trailer: no image at all."""
    return b"GIF89a" + struct.pack("<HHBBB", 10, 10, 0, 0, 0) + b";"


def zero_frame_webp() -> bytes:
    """An animated WebP (VP8X with the animation flag, an ANIM chunk) with no frame."""
    vp8x = bytes((0x02, 0, 0, 0)) + (9).to_bytes(3, "little") + (9).to_bytes(3, "little")
    anim = b"\0\0\0\0" + b"\0\0"
    body = b"WEBP" + b"VP8X" + struct.pack("<I", 10) + vp8x + b"ANIM" + struct.pack("<I", 6) + anim
    return b"RIFF" + struct.pack("<I", len(body)) + body


def png_broken_stream() -> bytes:
    """A 64x64 PNG whose compressed pixel data is cut short and then garbage: Pillow's
    "broken data stream" (its test image broken_data_stream.png)."""
    raw = zlib.compress(b"\0" + b"\x80" * (64 * 3) * 64)
    ihdr = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    idat = raw[:12] + b"\xff" * 12
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def gif_frame_outside() -> bytes:
    """A 16x16 GIF whose only frame's LZW data ends after a few pixels (a frame-size error)."""
    buf = io.BytesIO()
    Image.new("P", (16, 16), 1).save(buf, "GIF")
    data = buf.getvalue()
    start = data.index(b",")  # the image descriptor
    return data[: start + 10 + 2] + b"\x00;"  # min code size, then at once the end of the data


def jpeg_broken_exif() -> bytes:
    """A JPEG whose EXIF block says the first IFD is far past its end, and whose IFD0 entry
    points to an Exif sub-IFD past the end too (as in Pillow's broken-EXIF tests)."""
    tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1)
    tiff += struct.pack("<HHII", 0x8769, 4, 1, 0x7FFF_FFF0) + struct.pack("<I", 0x7FFF_0000)
    app1 = b"Exif\0\0" + tiff
    jpeg = _save(photo((48, 32)), "JPEG", quality=90)
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def empty_wav() -> bytes:
    """A 44-byte WAV: a valid header for 16-bit mono 8 kHz and a data chunk of 0 bytes."""
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", 0)
    )


def one_frame_mp3(path: Path) -> None:
    """The first MPEG audio frame of an encoded tone, alone."""
    full = path.with_suffix(".full.mp3")
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "sine=f=440:d=1",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "128k",
        "-write_xing",
        "0",
        "-id3v2_version",
        "0",
        "-f",
        "mp3",
        str(full),
    )
    data = full.read_bytes()
    full.unlink()
    path.write_bytes(data[:417])  # one 128 kb/s 44.1 kHz frame is 417 bytes


def mp4_without_video(path: Path) -> None:
    """An MP4 holding one subtitle track (mov_text) and nothing else."""
    srt = path.with_suffix(".srt")
    srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n")
    ffmpeg("-i", str(srt), "-c:s", "mov_text", "-f", "mp4", str(path))
    srt.unlink()


def huge_frame_mp4(path: Path) -> None:
    """One 8192x8192 H.264 frame (67 megapixels) of flat colour: a few KB."""
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "color=c=gray:s=8192x8192:d=0.04:r=25",
        "-frames:v",
        "1",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-f",
        "mp4",
        str(path),
    )


def good_mp4(path: Path) -> None:
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=s=160x120:r=10:d=1",
        "-f",
        "lavfi",
        "-i",
        "sine=d=1",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        "-f",
        "mp4",
        str(path),
    )


def good_wav(path: Path) -> None:
    ffmpeg("-f", "lavfi", "-i", "sine=d=0.5:sample_rate=8000", "-f", "wav", str(path))


ODD = (
    Odd("truncated-jpeg", "image", "photo.jpg", _bytes(truncated_jpeg())),
    Odd("tiny-webp", "image", "photo.webp", _bytes(tiny_webp())),
    Odd("zero-frame-gif", "image", "photo.gif", _bytes(zero_frame_gif())),
    Odd("zero-frame-webp", "image", "photo.webp", _bytes(zero_frame_webp())),
    Odd("png-broken-stream", "image", "photo.png", _bytes(png_broken_stream())),
    Odd("gif-short-frame", "image", "photo.gif", _bytes(gif_frame_outside())),
    Odd("jpeg-broken-exif", "image", "photo.jpg", _bytes(jpeg_broken_exif())),
    Odd("empty-wav", "audio", "tone.wav", _bytes(empty_wav())),
    Odd("one-frame-mp3", "audio", "tone.mp3", one_frame_mp3),
    Odd("mp4-without-video", "video", "clip.mp4", mp4_without_video),
    Odd("huge-frame-mp4", "video", "clip.mp4", huge_frame_mp4),
)

GOOD = (
    Odd("good-jpeg", "image", "photo.jpg", lambda path: photo((48, 32)).save(path, "JPEG")),
    Odd("good-wav", "audio", "tone.wav", good_wav),
    Odd("good-mp4", "video", "clip.mp4", good_mp4),
)


def place(root: Path, odd: Odd) -> Path:
    """records/<record>/ with the file and a record.yaml declaring it as `odd.type`."""
    folder = root / "records" / odd.record
    folder.mkdir(parents=True, exist_ok=True)
    odd.write(folder / odd.file)
    alt = "alt: Something to see.\n" if odd.type in ("image", "video") else ""
    (folder / "record.yaml").write_text(
        f"title: {odd.record}\ntype: {odd.type}\nfile: {odd.file}\n{alt}"
        "contributors:\n  - {handle: ana, role: maker}\nlicense: CC-BY-4.0\ncreated: 2024-05-01\n"
    )
    return folder


def tiny_mp4(path: Path, seconds: float = 1) -> None:
    """A small, sound H.264/AAC MP4 (80x60) for fixtures that need a real video."""
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"testsrc=s=80x60:r=10:d={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"sine=d={seconds}",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-g",
        "10",
        "-c:a",
        "aac",
        "-shortest",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        str(path),
    )


def cut_after_first_seconds(path: Path) -> None:
    """An 8 s MP4 cut at 85% of its bytes: its first seconds decode (what check decodes),
    the rest is missing (the build's copy of the original stops there)."""
    tiny_mp4(path, seconds=8)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 85 // 100])
