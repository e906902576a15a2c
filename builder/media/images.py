"""Pillow: responsive WebP, a preview JPEG and a metadata-free original for every image.

`save_visual` turns a decoded, upright picture into the published visuals (also used
for video posters, cover art and text cards); `make_image` is the image recipe. HEIC is
read by pillow-heif (libheif), AVIF by Pillow's own plugin; a HEIC also gets a full-size
JPEG, because most browsers cannot show HEIC.
"""

from __future__ import annotations

import io
import math
import re
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageCms, JpegImagePlugin

from ..core import heif, sniff
from ..core.media_plan import MediaJob, MediaSettings
from .results import Derivative, MediaError, MediaInfo

# libwebp effort 0-6. Measured at 960 px: method 0 12.8 ms, 1 16.4, 2 20.6, 4 46.4 per photo,
# for files 18% larger than method 2 at the same quality: the build-time budget (the whole
# derivative set within 1.5x of a plain decode) decides, as it does for the widths.
WEBP_METHOD = 0
# Measured per 12 MP photo (tests/benchmarks/bench_media.py): BILINEAR after reducing_gap's
# box pre-reduction is 35% cheaper than BICUBIC for a difference not visible at these
# sizes; an exact halving uses Image.reduce (a box filter, 7x cheaper still).
RESAMPLE = Image.Resampling.BILINEAR
REDUCING_GAP: float | None = 2.0  # box-reduce large factors first, as thumbnail() does
PREVIEW_BACKGROUND = (255, 255, 255)  # what transparency becomes in the preview JPEG
MAX_PIXELS = 50_000_000  # the archive's default limit (builder/archive/config.py)
MAX_JPEG_PIXELS = 250_000_000  # a sequential JPEG decoded reduced (max_jpeg_megapixels)
FULL_JPEG_QUALITY = 90  # the full-size JPEG of a HEIC: a download, not a thumbnail
FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "HEIF": "image/heic",  # pillow-heif's name for HEIC/HEIF
    "AVIF": "image/avif",
}
_ACCEPTED = "a JPEG, PNG, GIF or WebP image (nor a HEIC or AVIF photo)"


def make_image(job: MediaJob, root: Path, out: Path, settings: MediaSettings) -> MediaInfo:
    """The image recipe: responsive WebP, preview JPEG and the metadata-free original."""
    path = root / job.media
    name = path.name
    data = path.read_bytes()
    if not data:
        raise MediaError(f"'{name}' is empty", "add the image file again")
    limit = int(job.param("max_pixels") or getattr(settings, "max_pixels", MAX_PIXELS))
    jpeg_limit = int(job.param("max_jpeg_pixels") or MAX_JPEG_PIXELS)
    image = decode_image(data, name, limit, settings, jpeg_limit)
    made = save_visual(image.picture, out, settings)
    taken = {d.file for d in made}
    original_name = name if name not in taken else f"original-{name}"
    stripped = _metadata_free(data, image.format, image.orientation, name)
    size = _write(out, original_name, lambda f: f.write(stripped))
    original = Derivative(
        "original", original_name, FORMATS[image.format], image.width, image.height, size
    )
    if image.format == "HEIF":
        made.append(_full_jpeg(image.picture, out, Path(name).stem, taken | {original_name}))
    extra = {"animated": True, "frames": image.frames} if image.frames > 1 else {}
    return MediaInfo(
        derivatives=(original, *made), width=image.width, height=image.height, extra=extra
    )


def _full_jpeg(picture: Image.Image, out: Path, stem: str, taken: set[str]) -> Derivative:
    """The picture at full size as a JPEG (role "full"): what a browser shows of a HEIC."""
    name = f"{stem}.jpg" if f"{stem}.jpg" not in taken else f"full-{stem}.jpg"
    flat = _flatten(_rgb_or_rgba(picture))
    size = _write(out, name, lambda f: flat.save(f, "JPEG", quality=FULL_JPEG_QUALITY))
    return Derivative("full", name, "image/jpeg", flat.width, flat.height, size)


class TooManyPixels(MediaError):
    """The image is over the pixel limit (check reports it as too-many-pixels)."""


@dataclass(frozen=True)
class Decoded:
    """An image decoded as the recipe publishes it."""

    picture: Image.Image  # the first frame, upright, in sRGB
    format: str  # Pillow's name: JPEG, PNG, GIF, WEBP, HEIF or AVIF
    orientation: int  # its EXIF orientation, 1-8
    width: int  # upright
    height: int
    frames: int


def decode_image(
    data: bytes,
    name: str,
    limit: int,
    settings: MediaSettings | None,
    jpeg_limit: int | None = None,
) -> Decoded:
    """Decode an image under the pixel limit `limit`, or raise MediaError: the image recipe's
    decode, the posters' (tools.open_poster) and the one `showcase check` runs
    (archive/decode.py), so that what check approves, the build can decode. With `settings`,
    a JPEG larger than the largest derivative is decoded at 1/2, 1/4 or 1/8 scale (every
    coded byte is still read); without, at full size. `limit` bounds what is decoded in
    full: with `settings`, a sequential JPEG may have up to `jpeg_limit` pixels as long as
    its reduced decode is within `limit`. A multi-image HEIC gives its primary image."""
    with _decoding(name):
        im = _open(data)
        fmt = im.format
        stored_w, stored_h = im.size
        reduces = settings is not None and fmt == "JPEG" and sniff.jpeg_reduces(data)
        allowed = max(limit, jpeg_limit or 0) if reduces else limit
        if stored_w * stored_h > allowed:
            raise TooManyPixels(
                f"'{name}' has {stored_w}x{stored_h} pixels, over the limit of "
                f"{allowed / 1e6:g} megapixels",
                "export it at a smaller size",
            )
        if fmt != "JPEG":
            # Decoded first: reading a PNG's EXIF decodes it, and a decoding error met there
            # would be taken for broken EXIF (and a half-decoded image published).
            im.load()
        orientation = _orientation(im)
        turned = orientation in (5, 6, 7, 8)
        width, height = (stored_h, stored_w) if turned else (stored_w, stored_h)
        frames = _frame_count(im, data)
        largest = min(width, max((*settings.widths, settings.preview_width))) if settings else width
        if settings is not None and fmt == "JPEG" and 2 * largest <= width:
            # Decode at 1/2, 1/4 or 1/8 scale straight from the DCT: the main speed lever.
            need = (largest, math.ceil(largest * height / width))
            im.draft("RGB", need[::-1] if turned else need)
        if im.width * im.height > limit:  # what is left to decode in full, after any draft
            reduced = (
                f"reduced to {im.width}x{im.height}, " if im.size != (stored_w, stored_h) else ""
            )
            raise TooManyPixels(
                f"'{name}' has {stored_w}x{stored_h} pixels, {reduced}over the limit of "
                f"{limit / 1e6:g} megapixels for what is decoded in full (a JPEG is decoded "
                "reduced when it is twice as wide as the largest derivative)",
                "export it at a smaller size",
            )
        im.load()
        icc = im.info.get("icc_profile")
        picture = _to_srgb(_upright(im, orientation), icc)
    return Decoded(picture, fmt, orientation, width, height, frames)


def _open(data: bytes) -> Image.Image:
    """Open (not decode) an image of an accepted format. A JPEG is opened by its plugin
    directly: Image.open's own bomb limit (Image.MAX_IMAGE_PIXELS, a process-wide setting)
    would refuse what max_jpeg_megapixels allows; decode_image applies the archive's
    limits before any pixel is decoded instead. A JPEG carrying more pictures (MPO: phones'
    depth maps) opens as its first, the photo."""
    if data.startswith(b"\xff\xd8\xff"):
        return JpegImagePlugin.JpegImageFile(io.BytesIO(data))
    _with_heif()
    return Image.open(io.BytesIO(data), formats=[f for f in FORMATS if f != "JPEG"])


def _with_heif() -> None:
    """Register pillow-heif's HEIC opener (idempotent), without the thumbnails, depth maps
    and auxiliary images a phone's HEIC carries: only the primary image is published."""
    import pillow_heif

    pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)


@contextmanager
def _decoding(name: str) -> Iterator[None]:
    """Turn what a hostile or broken file makes Pillow raise into a MediaError."""
    try:
        yield
    except MediaError:
        raise
    except Image.DecompressionBombError as exc:
        raise MediaError(
            f"'{name}' has too many pixels: {exc}", "export it at a smaller size"
        ) from None
    except Image.UnidentifiedImageError:
        raise MediaError(
            f"'{name}' is not {_ACCEPTED}", "export it as JPEG, PNG, GIF, WebP, HEIC or AVIF"
        ) from None
    except MemoryError:
        raise MediaError(
            f"'{name}' is too large to decode", "export it at a smaller size"
        ) from None
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        struct.error,
        IndexError,
        KeyError,
        TypeError,
        ZeroDivisionError,
    ) as exc:
        raise MediaError(f"'{name}' is truncated or corrupt: {exc}", "export it again") from None


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 - a broken EXIF block only loses the orientation
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(im: Image.Image, orientation: int) -> Image.Image:
    """The first frame, turned as its EXIF orientation says (what ImageOps.exif_transpose does)."""
    method = _TRANSPOSE.get(orientation)
    return im.transpose(method) if method is not None else im


def _frame_count(im: Image.Image, data: bytes) -> int:
    if not getattr(im, "is_animated", False) or im.format == "HEIF":  # a burst is not a movie
        return 1
    if im.format == "GIF":  # Pillow counts GIF frames by decoding them all: walk the blocks
        try:
            return _strip_gif(data)[1]
        except _Malformed:
            return 2
    return int(getattr(im, "n_frames", 1))


# -- colour -------------------------------------------------------------------------

_SRGB = ImageCms.createProfile("sRGB")
_SPACE_MODES = {"RGB": "RGB", "CMYK": "CMYK", "GRAY": "L"}


def _to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """8-bit RGB or RGBA in sRGB, from any mode these four formats decode to."""
    if im.mode.startswith("I"):  # 16-bit greyscale PNG: scale 0-65535 to 0-255, not clip
        im = im.convert("I").point(lambda v: v / 257).convert("L")
    elif im.mode == "1":
        im = im.convert("L")
    elif im.mode in ("P", "PA"):
        im = im.convert("RGBA" if im.mode == "PA" or "transparency" in im.info else "RGB")
    if icc:
        im = _apply_profile(im, icc)
    if im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGBA" if im.mode in ("LA", "La", "RGBa") else "RGB")
    return im


def _apply_profile(im: Image.Image, icc: bytes) -> Image.Image:
    """Convert to sRGB through the embedded profile; a broken profile is ignored."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = profile.profile.xcolor_space.strip()
        if space == "RGB" and "srgb" in ImageCms.getProfileDescription(profile).lower().replace(
            " ", ""
        ):
            return im  # already sRGB: the common case costs nothing
        alpha = im.getchannel("A") if im.mode in ("RGBA", "LA") else None
        base = im.convert(im.mode[:-1]) if alpha is not None else im
        if _SPACE_MODES.get(space) != base.mode:
            return im  # a profile that does not match the pixels: ignore it
        rgb = ImageCms.profileToProfile(
            base, profile, _SRGB, outputMode="RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
        if alpha is not None:
            rgb.putalpha(alpha)
        return rgb
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError, AttributeError):
        return im


# -- the metadata-free original ------------------------------------------------------


class _Malformed(Exception):
    """The container is not what its decoder accepted: re-encode instead of copying."""


def _metadata_free(data: bytes, fmt: str, orientation: int, name: str) -> bytes:
    """The file without metadata, its image data copied byte for byte where possible."""
    try:
        if fmt == "JPEG":
            return strip_jpeg(data, orientation)
        if fmt in ("HEIF", "AVIF"):  # their orientation is a property (irot), not in EXIF
            return strip_heif(data)
        if orientation == 1 or fmt == "GIF":  # GIF has no EXIF orientation
            if fmt == "PNG":
                return strip_png(data)
            if fmt == "WEBP":
                return strip_webp(data)
            if fmt == "GIF":
                return _strip_gif(data)[0]
    except (_Malformed, heif.NotHeif):
        pass
    with _decoding(name):
        return _reencode(data, fmt)


def _reencode(data: bytes, fmt: str) -> bytes:
    """A full-size, upright, metadata-free re-encoding (odd files, or PNG/WebP with an
    EXIF orientation that would otherwise be lost)."""
    if fmt == "HEIF":
        _with_heif()
    im = Image.open(io.BytesIO(data), formats=[fmt])
    orientation = _orientation(im)
    icc = im.info.get("icc_profile")
    im.load()
    im = _upright(im, orientation)
    if fmt in ("HEIF", "AVIF"):  # a copy: pillow-heif writes the EXIF the decoder cached
        im = im.copy()
    im.info = {}
    buf = io.BytesIO()
    if fmt == "JPEG":
        options = {"quality": "keep"} if orientation == 1 else {"quality": 95}
        im.save(buf, "JPEG", icc_profile=icc, optimize=True, **options)
    elif fmt == "PNG":
        im.save(buf, "PNG", icc_profile=icc)
    elif fmt == "WEBP":
        im.save(buf, "WEBP", lossless=True, icc_profile=icc or "")
    elif fmt in ("HEIF", "AVIF"):  # lossy codecs only: a high quality, no EXIF or XMP
        im.save(buf, fmt, quality=90, **({"icc_profile": icc} if icc else {}))
    else:
        im.save(buf, "GIF")
    return buf.getvalue()


_JPEG_KEEP_APP = {0xE0: b"JFIF\0", 0xE2: b"ICC_PROFILE\0", 0xEE: b"Adobe"}
_JPEG_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def strip_jpeg(data: bytes, orientation: int = 1) -> bytes:
    """The JPEG without EXIF, XMP, IPTC, comments, other APPn blocks or trailing data.

    Kept: JFIF (its thumbnail removed), ICC profile, Adobe (colour transform) and every
    coding segment; the entropy-coded data is copied untouched. When `orientation` is
    not 1, a minimal EXIF block with only the Orientation tag keeps the file upright.
    """
    if data[:2] != b"\xff\xd8":
        raise _Malformed("no SOI")
    out = [b"\xff\xd8"]
    if orientation != 1:
        out.append(_orientation_app1(orientation))
    pos, n = 2, len(data)
    while True:
        if pos >= n or data[pos] != 0xFF:
            raise _Malformed(f"no marker at {pos}")
        while pos < n and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= n:
            raise _Malformed("ends in fill bytes")
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI: whatever follows (phone trailers, MPF images) is dropped
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            out.append(bytes((0xFF, marker)))
            continue
        if pos + 2 > n:
            raise _Malformed("truncated segment")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > n:
            raise _Malformed("segment overruns the file")
        body = data[pos + 2 : pos + length]
        pos += length
        if marker == 0xFE or 0xE1 <= marker <= 0xEF or marker == 0xE0:
            prefix = _JPEG_KEEP_APP.get(marker)
            if prefix is None or not body.startswith(prefix):
                continue
            if marker == 0xE0 and len(body) >= 14:  # JFIF with its thumbnail removed
                body = body[:12] + b"\0\0"
        out.append(bytes((0xFF, marker)) + (len(body) + 2).to_bytes(2, "big") + body)
        if marker == 0xDA:  # SOS: entropy-coded data runs to the next real marker
            found = _JPEG_NEXT_MARKER.search(data, pos)
            end = found.start() if found else n
            out.append(data[pos:end])
            pos = end
            if found is None:
                break
    out.append(b"\xff\xd9")
    return b"".join(out)


def _orientation_app1(orientation: int) -> bytes:
    """An APP1 EXIF block holding only the Orientation tag (big-endian TIFF)."""
    tiff = b"MM\0*" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    body = b"Exif\0\0" + tiff
    return b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body


def strip_heif(data: bytes) -> bytes:
    """A HEIC or AVIF without Exif or XMP: those items are blanked in place
    (core/heif.py), the coded image and its orientation (irot, imir) kept byte for byte.
    Raises heif.NotHeif for a container it cannot read."""
    return heif.blank_metadata(data)


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEEP = {
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"sBIT",
    b"cICP",
    b"acTL",
    b"fcTL",
    b"fdAT",
}


def strip_png(data: bytes) -> bytes:
    """The PNG with its critical chunks, colour and transparency chunks and APNG frames
    only: no text, EXIF, time or private chunks, nothing after IEND."""
    if not data.startswith(_PNG_SIGNATURE):
        raise _Malformed("no PNG signature")
    out = [_PNG_SIGNATURE]
    pos, n = 8, len(data)
    while pos + 12 <= n:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > n:
            raise _Malformed("chunk overruns the file")
        if not kind[0] & 0x20 or kind in _PNG_KEEP:  # upper-case first letter: critical
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out)
    raise _Malformed("no IEND")


def _strip_gif(data: bytes) -> tuple[bytes, int]:
    """The GIF without comments and application blocks other than looping (NETSCAPE2.0,
    ANIMEXTS1.0) and colour (ICCRGBG1); and how many frames it has."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise _Malformed("no GIF header")
    try:
        pos = 13
        if data[10] & 0x80:
            pos += 3 * (2 << (data[10] & 7))
        out = [data[:pos]]
        frames = 0
        while True:
            block = data[pos]
            if block == 0x3B:
                out.append(b";")
                return b"".join(out), frames
            start = pos
            if block == 0x21:
                label = data[pos + 1]
                ident = data[pos + 3 : pos + 3 + min(data[pos + 2], 11)]
                pos = _skip_subblocks(data, pos + 2)
                if label in (0xF9, 0x01) or (
                    label == 0xFF and ident in (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")
                ):
                    out.append(data[start:pos])
            elif block == 0x2C:
                flags = data[pos + 9]
                pos += 10
                if flags & 0x80:
                    pos += 3 * (2 << (flags & 7))
                pos = _skip_subblocks(data, pos + 1)  # after the LZW minimum code size
                out.append(data[start:pos])
                frames += 1
            else:
                raise _Malformed(f"unknown GIF block {block:#x}")
    except IndexError:
        raise _Malformed("truncated GIF") from None


def _skip_subblocks(data: bytes, pos: int) -> int:
    while True:
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos
        if pos > len(data):
            raise IndexError


_WEBP_KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}


def strip_webp(data: bytes) -> bytes:
    """The WebP without EXIF, XMP or unknown chunks, its VP8X flags and RIFF size fixed."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise _Malformed("no RIFF WEBP header")
    end = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    chunks = []
    pos = 12
    while pos + 8 <= end:
        kind = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if pos + 8 + size > end:
            raise _Malformed("chunk overruns the file")
        payload = data[pos + 8 : pos + 8 + size]
        pos += 8 + size + (size & 1)
        if kind not in _WEBP_KEEP:
            continue
        if kind == b"VP8X":
            if size < 10:
                raise _Malformed("short VP8X")
            payload = bytes((payload[0] & ~0x0C,)) + payload[1:]  # no EXIF (0x08), no XMP (0x04)
        chunks.append(kind + size.to_bytes(4, "little") + payload + (b"\0" if size & 1 else b""))
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def save_visual(
    img: Image.Image, out: Path, settings: MediaSettings, stem: str = "image"
) -> list[Derivative]:
    """Write `{stem}-{w}.webp` for each responsive width and `preview.jpg`; never upscale.

    `img` is decoded and upright (RGB, RGBA or anything Pillow converts to them). Widths
    in `settings.widths` up to the image's width are made, plus the image's own width when
    it is under the largest setting. Files are written whole (temp file, then rename).
    """
    img = _rgb_or_rgba(img)
    full_w, full_h = img.size
    widths = sorted(
        {w for w in settings.widths if 0 < w <= full_w}
        | ({full_w} if settings.widths and full_w < max(settings.widths) else set())
    )
    if not widths:  # no widths configured: one WebP at the image's own size
        widths = [full_w]
    preview_w = max(1, min(settings.preview_width, full_w))

    # Largest first, each size resampled from the smallest bigger one already made:
    # the work shrinks with every step instead of starting from the full image each time.
    sized: dict[int, Image.Image] = {}
    source = img
    for w in sorted(set(widths) | {preview_w}, reverse=True):
        sized[w] = source if w == source.width else _resize(source, w)
        source = sized[w]

    made: list[Derivative] = []
    for w in widths:
        im = sized[w]
        name = f"{stem}-{w}.webp"
        size = _write(
            out,
            name,
            lambda f, im=im: im.save(f, "WEBP", quality=settings.webp_quality, method=WEBP_METHOD),
        )
        made.append(Derivative("image", name, "image/webp", im.width, im.height, size))

    preview = _flatten(sized[preview_w])
    # Baseline, not progressive+optimized: the preview is for feeds and link previews
    # (fetched whole), and the two options cost four times the encode itself.
    size = _write(
        out,
        "preview.jpg",
        lambda f: preview.save(f, "JPEG", quality=settings.jpeg_quality, comment=b""),
    )
    made.append(
        Derivative("preview", "preview.jpg", "image/jpeg", preview.width, preview.height, size)
    )
    return made


def _rgb_or_rgba(img: Image.Image) -> Image.Image:
    """RGB, or RGBA when some pixel is not opaque. (Its `info` is never written out: the
    encoders below get every metadata option explicitly.)"""
    if img.mode not in ("RGB", "RGBA"):
        has_alpha = img.mode in ("LA", "La", "PA", "RGBa") or (
            img.mode == "P" and "transparency" in img.info
        )
        img = img.convert("RGBA" if has_alpha else "RGB")
    if img.mode == "RGBA" and img.getchannel("A").getextrema() == (255, 255):
        img = img.convert("RGB")
    return img


def _resize(img: Image.Image, width: int) -> Image.Image:
    height = max(1, round(img.height * width / img.width))
    factor = img.width // width
    if factor >= 2 and img.width == width * factor and img.height == height * factor:
        return img.reduce(factor)
    return img.resize((width, height), RESAMPLE, reducing_gap=REDUCING_GAP)


def _flatten(img: Image.Image) -> Image.Image:
    if img.mode != "RGBA":
        return img
    flat = Image.new("RGB", img.size, PREVIEW_BACKGROUND)
    flat.paste(img, mask=img.getchannel("A"))
    return flat


def _write(out: Path, name: str, save: Callable[[BinaryIO], object]) -> int:
    """Write `out/name` through `save(file)`; return its size in bytes.

    No temp-and-rename per file: `out` is the job's staging folder, which the runner
    commits to the cache in one rename or deletes. A file whose writing fails is
    removed here too, so a recipe never leaves half a file even when called directly.
    """
    final = out / name
    try:
        f = open(final, "wb")
    except FileNotFoundError:
        out.mkdir(parents=True, exist_ok=True)
        f = open(final, "wb")
    try:
        with f:
            save(f)
            return f.tell()
    except BaseException:
        final.unlink(missing_ok=True)
        raise
