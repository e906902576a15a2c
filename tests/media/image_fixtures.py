"""Fixture images made with Pillow at test time: each shows one thing a hostile or
unusual upload can be (orientations, colour spaces, bit depths, metadata, damage)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

RED, WHITE = (255, 0, 0), (255, 255, 255)
UPRIGHT_SIZE = (64, 40)  # landscape: a 90-degree orientation swaps it

# Inverse of each EXIF orientation's transform: stored pixels that display upright.
_STORE = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def upright_marker() -> Image.Image:
    """White, with a red block in the top-left corner: every flip or turn shows."""
    im = Image.new("RGB", UPRIGHT_SIZE, WHITE)
    ImageDraw.Draw(im).rectangle((0, 0, 23, 15), fill=RED)
    return im


def oriented_jpeg(orientation: int) -> bytes:
    """A JPEG whose stored pixels, turned as its EXIF orientation says, are upright_marker()."""
    method = _STORE[orientation]
    stored = upright_marker() if method is None else upright_marker().transpose(method)
    exif = Image.Exif()
    exif[0x0112] = orientation
    return _save(stored, "JPEG", quality=95, exif=exif.tobytes())


def photo(size=(96, 64), mode="RGB") -> Image.Image:
    """Smooth gradients with some texture: compresses like a picture, not like noise."""
    w, h = size
    r = Image.linear_gradient("L").resize(size)
    g = Image.radial_gradient("L").resize(size)
    b = Image.effect_noise(size, 40).convert("L")
    im = Image.merge("RGB", (r, g, b))
    ImageDraw.Draw(im).ellipse((w // 4, h // 4, w // 2, h // 2), fill=(250, 200, 20))
    return im.convert(mode) if mode != "RGB" else im


def private_jpeg() -> bytes:
    """A JPEG full of what must never be published: EXIF with GPS, XMP, IPTC, a comment,
    a JFIF thumbnail-sized APP0 extension and a trailer after EOI (a phone's extra image)."""
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    exif[0x010E] = "GPS fix at home"  # ImageDescription
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    xmp = (
        b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        b"<rdf:Description xmlns:xmp='http://ns.adobe.com/xap/1.0/' xmp:CreatorTool='Secret'/>"
        b"</rdf:RDF></x:xmpmeta>"
    )
    data = _save(
        photo(), "JPEG", quality=90, exif=exif.tobytes(), xmp=xmp, comment=b"secret comment"
    )
    iptc = b"Photoshop 3.0\0" + b"8BIM\x04\x04\0\0\0\0\0\x0c\x1c\x02\x78\0\x07private"
    app13 = b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc
    return data[:2] + app13 + data[2:] + b"TRAILER-WITH-GPS"


def cmyk_jpeg() -> bytes:
    """Pure process red (no cyan, full magenta and yellow, no black), Adobe-style CMYK."""
    return _save(Image.new("CMYK", (48, 32), (0, 255, 255, 0)), "JPEG", quality=95)


def png16_gradient() -> bytes:
    """A 16-bit greyscale PNG: a left-to-right ramp over the whole 0-65535 range."""
    w, h = 256, 8
    row = b"".join(struct.pack(">H", x * 257) for x in range(w))
    raw = b"".join(b"\0" + row for _ in range(h))
    return _png(w, h, bit_depth=16, color_type=0, raw=raw)


def rgba_png() -> bytes:
    """Left half opaque blue, right half fully transparent."""
    im = Image.new("RGBA", (40, 20), (0, 0, 255, 255))
    ImageDraw.Draw(im).rectangle((20, 0, 39, 19), fill=(0, 255, 0, 0))
    return _save(im, "PNG")


def palette_png() -> bytes:
    """A palette image whose index 0 is transparent (left half) and 1 is green."""
    im = Image.new("P", (40, 20), 1)
    im.putpalette([0, 0, 0, 0, 160, 0] + [0] * (254 * 3))
    ImageDraw.Draw(im).rectangle((0, 0, 19, 19), fill=0)
    return _save(im, "PNG", transparency=0)


def text_png() -> bytes:
    """A PNG with text chunks, an eXIf chunk and a tIME chunk, and data after IEND."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Person")
    info.add_itxt(
        "XML:com.adobe.xmp",
        "<x:xmpmeta xmlns:x='adobe:ns:meta/' about='http://ns.adobe.com/xap/1.0/'/>",
    )
    exif = Image.Exif()
    exif[0x010E] = "GPS here"
    data = _save(photo(), "PNG", pnginfo=info, exif=exif.tobytes())
    chunk_time = _chunk(b"tIME", struct.pack(">HBBBBB", 2024, 1, 2, 3, 4, 5))
    return data[:33] + chunk_time + data[33:] + b"TRAILER"


def animated_gif() -> bytes:
    """Three frames, red, green, blue, with a comment block."""
    frames = [Image.new("RGB", (30, 20), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buf = io.BytesIO()
    frames[0].save(
        buf,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=100,
        loop=0,
        comment=b"secret comment",
    )
    return buf.getvalue()


def webp_with_metadata(animated: bool = False) -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "GPS description"
    xmp = b"<x:xmpmeta xmlns:x='adobe:ns:meta/' about='http://ns.adobe.com/xap/1.0/'/>"
    if animated:
        frames = [Image.new("RGB", (30, 20), c) for c in ((255, 0, 0), (0, 0, 255))]
        buf = io.BytesIO()
        frames[0].save(
            buf,
            "WEBP",
            save_all=True,
            append_images=frames[1:],
            duration=100,
            lossless=True,
            exif=exif.tobytes(),
            xmp=xmp,
        )
        return buf.getvalue()
    return _save(photo(), "WEBP", quality=90, exif=exif.tobytes(), xmp=xmp)


def truncated_jpeg() -> bytes:
    data = _save(photo((256, 256)), "JPEG", quality=95)
    return data[: len(data) // 2]


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A valid PNG header claiming a huge image, with a few bytes of pixel data: decoding
    it would allocate width*height*3 bytes."""
    return _png(width, height, bit_depth=8, color_type=2, raw=b"\0" * 16)


def adobe_rgb_icc() -> bytes:
    """An ICC v2 matrix/TRC profile with the Adobe RGB (1998) primaries (D50-adapted)."""

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    desc_text = b"Adobe RGB (1998) compatible\0"
    tags = [
        (
            b"desc",
            b"desc\0\0\0\0"
            + struct.pack(">I", len(desc_text))
            + desc_text
            + b"\0" * 12
            + b"\0" * 67,
        ),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.60974, 0.31111, 0.01947)),
        (b"gXYZ", xyz(0.20528, 0.62567, 0.06087)),
        (b"bXYZ", xyz(0.14919, 0.06322, 0.74457)),
        (b"rTRC", b"curv\0\0\0\0" + struct.pack(">IH", 1, 563) + b"\0\0"),  # gamma 563/256
        (b"cprt", b"text\0\0\0\0" + b"No copyright, test profile\0"),
    ]
    tags.insert(6, (b"gTRC", tags[5][1]))
    tags.insert(7, (b"bTRC", tags[5][1]))
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table, blob = [struct.pack(">I", len(tags))], b""
    for sig, body in tags:
        body += b"\0" * (-len(body) % 4)
        table.append(sig + struct.pack(">II", offset + len(blob), len(body)))
        blob += body
    size = offset + len(blob)
    header = (
        struct.pack(">I", size)
        + b"\0" * 4
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2000, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + b"".join(table) + blob


def adobe_rgb_jpeg() -> bytes:
    """Adobe RGB (219, 0, 0) is sRGB (255, 0, 0); (144, 255, 60) is sRGB (0, 255, 0)."""
    im = Image.new("RGB", (32, 16), (219, 0, 0))
    ImageDraw.Draw(im).rectangle((16, 0, 31, 15), fill=(144, 255, 60))
    return _save(im, "JPEG", quality=100, subsampling=0, icc_profile=adobe_rgb_icc())


def _save(im: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **options)
    return buf.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(width: int, height: int, bit_depth: int, color_type: int, raw: bytes) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )
