"""What a file really is, from its bytes (never its extension), and image sizes from headers.

Pure functions over the first bytes of a file; the archive edge reads those bytes.
Reading dimensions from the header lets the pixel limit stop decompression bombs
before any decoder allocates memory.
"""

from __future__ import annotations

import codecs
import struct
from dataclasses import dataclass

from . import heif

HEAD_BYTES = 1 << 20  # JPEG headers can carry large EXIF/ICC segments before the frame
LFS_MAGIC = b"version https://git-lfs.github.com/spec/"
OTIO_HEAD = 4096  # characters searched for "OTIO_SCHEMA" (OTIO writes it as the first key)


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    kind: str | None  # image | audio | video | text | timeline; None: recognised but not accepted
    extensions: tuple[str, ...] = ()
    mime: str = "application/octet-stream"
    advice: str = ""  # how to turn an unaccepted format into an accepted one


def _f(
    name: str,
    label: str,
    kind: str | None,
    exts: tuple[str, ...] = (),
    mime: str = "",
    advice: str = "",
) -> Format:
    return Format(name, label, kind, exts, mime or "application/octet-stream", advice)


FORMATS = {
    f.name: f
    for f in (
        _f("jpeg", "JPEG image", "image", (".jpg", ".jpeg"), "image/jpeg"),
        _f("png", "PNG image", "image", (".png",), "image/png"),
        _f("gif", "GIF image", "image", (".gif",), "image/gif"),
        _f("webp", "WebP image", "image", (".webp",), "image/webp"),
        # What phones write: HEIC (iPhone, many Androids) and AVIF, both HEIF containers.
        _f("heic", "HEIC/HEIF image", "image", (".heic", ".heif", ".hif"), "image/heic"),
        _f("avif", "AVIF image", "image", (".avif",), "image/avif"),
        _f("mp3", "MP3 audio", "audio", (".mp3",), "audio/mpeg"),
        _f("aac", "AAC audio", "audio", (".aac",), "audio/aac"),
        _f("m4a", "M4A audio", "audio", (".m4a", ".mp4"), "audio/mp4"),
        _f("wav", "WAV audio", "audio", (".wav",), "audio/wav"),
        _f("flac", "FLAC audio", "audio", (".flac",), "audio/flac"),
        _f("ogg-vorbis", "Ogg Vorbis audio", "audio", (".ogg", ".oga"), "audio/ogg"),
        _f("ogg-opus", "Ogg Opus audio", "audio", (".opus", ".ogg", ".oga"), "audio/ogg"),
        _f("mp4", "MP4 video", "video", (".mp4", ".m4v"), "video/mp4"),
        _f("mov", "QuickTime video", "video", (".mov", ".mp4"), "video/quicktime"),
        _f("webm", "WebM video", "video", (".webm",), "video/webm"),
        _f("mkv", "Matroska video", "video", (".mkv",), "video/x-matroska"),
        _f("text", "UTF-8 text", "text", (".md", ".markdown", ".txt"), "text/markdown"),
        _f("webvtt", "WebVTT captions", "text", (".vtt",), "text/vtt"),
        # A production's cut (builder/timeline/): the `file` of an audio or video record.
        _f("otio", "OpenTimelineIO timeline", "timeline", (".otio",), "application/json"),
        _f("svg", "SVG image", None, advice="export it as PNG (SVG can carry scripts)"),
        _f("tiff", "TIFF image", None, advice="export it as JPEG or PNG"),
        _f("bmp", "BMP image", None, advice="export it as PNG"),
        _f("psd", "Photoshop document", None, advice="export it as JPEG or PNG"),
        _f("aiff", "AIFF audio", None, advice="export it as FLAC or WAV"),
        _f("midi", "MIDI file", None, advice="render it to audio (FLAC, MP3 or Ogg)"),
        _f(
            "ogg-other",
            "Ogg file without Vorbis or Opus audio",
            None,
            advice="export it as Ogg Vorbis or Opus audio",
        ),
        _f("3gp", "3GP phone video", None, advice="convert it to MP4 (H.264/AAC)"),
        _f(
            "pdf", "PDF document", None, advice="export the text as Markdown or the pages as images"
        ),
        _f(
            "zip",
            "ZIP archive (or an office document)",
            None,
            advice="add the files inside it as their own records",
        ),
        _f("gzip", "gzip archive", None, advice="unpack it and add the media itself"),
        _f("executable", "program", None, advice="records hold media, never programs"),
        _f("binary", "unrecognised binary data", None, advice="use one of the accepted formats"),
    )
}

_ISO_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_GENERIC_HEIF = {b"mif1", b"msf1"}  # a HEIF of any codec: the compatible brands say which
_QT_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def is_lfs_pointer(head: bytes) -> bool:
    return head.startswith(LFS_MAGIC)


def sniff(head: bytes, tracks: frozenset[str] | None = None) -> Format:
    """The format of a file whose first bytes are `head`.

    `tracks` are the ISO-BMFF handler types found in its `moov` box ("vide", "soun"),
    which tell an audio-only MP4 from a video; None when not looked at.
    """
    name = _binary_format(head, tracks) or _text_format(head)
    return FORMATS[name]


def _binary_format(h: bytes, tracks: frozenset[str] | None) -> str | None:
    if h.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if h.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if h[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if h[:4] == b"RIFF" and h[8:12] == b"WEBP":
        return "webp"
    if h[:4] == b"RIFF" and h[8:12] == b"WAVE":
        return "wav"
    if h[:4] == b"RF64" and h[8:12] == b"WAVE":
        return "wav"
    if h.startswith(b"fLaC"):
        return "flac"
    if h.startswith(b"OggS"):
        return _ogg(h)
    if h.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in h[:64] else "mkv"
    if h[4:8] == b"ftyp":
        return _iso_bmff(h[8:12], _compatible_brands(h), tracks)
    if h[4:8] in _QT_ATOMS and len(h) >= 8:
        return (
            "mov" if tracks is None or "vide" in tracks else ("m4a" if "soun" in tracks else "mov")
        )
    if h.startswith(b"ID3"):
        return "flac" if _after_id3(h).startswith(b"fLaC") else "mp3"
    if len(h) >= 2 and h[0] == 0xFF and (h[1] & 0xF6) == 0xF0:
        return "aac"  # ADTS
    if _mpeg_layer3_frame(h):
        return "mp3"
    if h.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if h.startswith(b"BM") and len(h) >= 26 and h[14] in (12, 40, 52, 56, 64, 108, 124):
        return "bmp"
    if h.startswith(b"8BPS"):
        return "psd"
    if h[:4] == b"FORM" and h[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if h.startswith(b"MThd"):
        return "midi"
    if h.startswith(b"%PDF"):
        return "pdf"
    if h.startswith(b"PK\x03\x04"):
        return "zip"
    if h.startswith(b"\x1f\x8b"):
        return "gzip"
    if h.startswith((b"\x7fELF", b"MZ", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")):
        return "executable"
    return None


def _mpeg_layer3_frame(h: bytes) -> bool:
    """An MPEG audio Layer III frame header: sync, valid version, bitrate and sample rate."""
    if len(h) < 3 or h[0] != 0xFF or (h[1] & 0xE0) != 0xE0:
        return False
    version, layer = (h[1] >> 3) & 3, (h[1] >> 1) & 3
    return version != 1 and layer == 1 and (h[2] >> 4) != 15 and ((h[2] >> 2) & 3) != 3


def _ogg(h: bytes) -> str:
    if len(h) < 28:
        return "ogg-other"
    first_packet = h[27 + h[26] : 27 + h[26] + 8]
    if first_packet.startswith(b"\x01vorbis"):
        return "ogg-vorbis"
    if first_packet.startswith(b"OpusHead"):
        return "ogg-opus"
    return "ogg-other"


def _compatible_brands(h: bytes) -> set[bytes]:
    size = int.from_bytes(h[:4], "big")
    end = min(max(size, 16), len(h), 16 + 4 * 64)
    return {h[i : i + 4] for i in range(16, end - 3, 4)}


def _iso_bmff(brand: bytes, compatible: set[bytes], tracks: frozenset[str] | None) -> str:
    """Photos by their major brand (heic, avif, or a generic mif1/msf1 whose compatible brands
    say AVIF); everything else is a movie or audio, told apart by its tracks."""
    if brand in _AVIF_BRANDS or (brand in _GENERIC_HEIF and compatible & _AVIF_BRANDS):
        return "avif"
    if brand in _HEIF_BRANDS:
        return "heic"
    if brand.startswith(b"3g"):
        return "3gp"
    if tracks:
        if "vide" in tracks:
            return "mov" if brand == b"qt  " else "mp4"
        if "soun" in tracks:
            return "m4a"
    if brand in _ISO_AUDIO_BRANDS:
        return "m4a"
    return "mov" if brand == b"qt  " else "mp4"


def _after_id3(h: bytes) -> bytes:
    if len(h) < 10:
        return b""
    size = (h[6] & 0x7F) << 21 | (h[7] & 0x7F) << 14 | (h[8] & 0x7F) << 7 | (h[9] & 0x7F)
    return h[10 + size :]


def _text_format(h: bytes) -> str:
    if b"\x00" in h:
        return "binary"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(h.removeprefix(b"\xef\xbb\xbf"), final=False)
    except UnicodeDecodeError:
        return "binary"
    start = text.lstrip()[:2048].lower()
    if start.startswith("<svg") or (
        start.startswith(("<?xml", "<!doctype svg", "<!--")) and "<svg" in start
    ):
        return "svg"
    if text.startswith("WEBVTT") and (len(text) == 6 or text[6] in " \t\r\n"):
        return "webvtt"
    if start.startswith("{") and '"OTIO_SCHEMA"' in text[:OTIO_HEAD]:
        return "otio"
    return "text"


# --- image dimensions from headers -------------------------------------------------------------


def image_size(fmt: Format, head: bytes) -> tuple[int, int] | None:
    """(width, height) read from the header, or None when the header is unreadable."""
    try:
        if fmt.name == "png" and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        if fmt.name == "gif":
            return struct.unpack("<HH", head[6:10])
        if fmt.name == "webp":
            return _webp_size(head)
        if fmt.name == "jpeg":
            return _jpeg_size(head)
        if fmt.name in ("heic", "avif"):
            return heif.primary_size(head)
    except (struct.error, IndexError):  # a truncated header is unreadable, not a crash
        return None
    return None


def _webp_size(h: bytes) -> tuple[int, int] | None:
    chunk = h[12:16]
    if chunk == b"VP8X":
        w = int.from_bytes(h[24:27], "little") + 1
        hh = int.from_bytes(h[27:30], "little") + 1
        return w, hh
    if chunk == b"VP8L" and h[20] == 0x2F:
        b = h[21:25]
        w = 1 + (b[0] | (b[1] & 0x3F) << 8)
        hh = 1 + (b[1] >> 6 | b[2] << 2 | (b[3] & 0x0F) << 10)
        return w, hh
    if chunk == b"VP8 " and h[23:26] == b"\x9d\x01\x2a":
        w, hh = struct.unpack("<HH", h[26:30])
        return w & 0x3FFF, hh & 0x3FFF
    return None


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(h: bytes) -> tuple[int, int] | None:
    frame = _jpeg_frame(h)
    return frame[:2] if frame else None


def jpeg_reduces(head: bytes) -> bool:
    """Whether a JPEG decodes at 1/2 to 1/8 scale in memory of the reduced size: a
    sequential (baseline) one. A progressive JPEG keeps every coefficient of the full
    image until its last scan (108 MP: 330 MB for a 1/8 decode, 24 MB when sequential)."""
    frame = _jpeg_frame(head)
    return frame is not None and frame[2] in (0xC0, 0xC1)


def _jpeg_frame(h: bytes) -> tuple[int, int, int] | None:
    """(width, height, SOF marker) of a JPEG's frame header."""
    i = 2
    while i + 4 <= len(h):
        if h[i] != 0xFF:
            return None
        marker = h[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", h[i + 2 : i + 4])[0]
        if marker in _SOF:
            height, width = struct.unpack(">HH", h[i + 5 : i + 9])
            return width, height, marker
        if marker == 0xDA or length < 2:
            return None
        i += 2 + length
    return None


# --- text-ish files --------------------------------------------------------------------------


def text_problem(data: bytes) -> str | None:
    """Why `data` is not acceptable UTF-8 text for a record, caption or transcript."""
    if b"\x00" in data:
        return "contains NUL bytes (it is binary, not text)"
    try:
        data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"is not UTF-8 text (invalid byte on line {line})"
    return None
