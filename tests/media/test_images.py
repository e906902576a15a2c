"""The image recipe on real files: every output is opened again and checked."""

from __future__ import annotations

import io
import re
import tracemalloc
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageOps

from builder.core.media_plan import MediaJob, MediaSettings
from builder.media import images
from builder.media.results import MediaError

from . import image_fixtures as fx

SMALL = MediaSettings(widths=(16, 32, 2000), preview_width=24)
LEAKS = (
    b"Exif",
    b"http://ns.adobe.com/xap",
    b"GPS",
    b"secret",
    b"Secret",
    b"Photoshop 3.0",
    b"TRAILER",
    b"8BIM",
    b"tIME",
    b"tEXt",
    b"iTXt",
    b"eXIf",
)


def run(tmp_path: Path, name: str, data: bytes, settings: MediaSettings = SMALL, **params):
    (tmp_path / "records" / "r").mkdir(parents=True, exist_ok=True)
    (tmp_path / "records" / "r" / name).write_bytes(data)
    job = MediaJob("r", "image", (f"records/r/{name}",), tuple(sorted(params.items())))
    out = tmp_path / "out"
    return images.make_image(job, tmp_path, out, settings), out


def opened(out: Path, file: str) -> Image.Image:
    im = Image.open(out / file)
    im.load()
    return im


def assert_consistent(info, out: Path) -> None:
    """Every derivative exists with the size, format and byte count it claims, and
    nothing else (no temp files) is in the folder."""
    formats = {"image/webp": "WEBP", "image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF"}
    for d in info.derivatives:
        path = out / d.file
        assert path.stat().st_size == d.bytes
        im = opened(out, d.file)
        assert im.format == formats[d.mime]
        if d.role != "original":
            assert (im.width, im.height) == (d.width, d.height)
    assert sorted(p.name for p in out.iterdir()) == sorted(d.file for d in info.derivatives)


def assert_no_metadata(out: Path, files) -> None:
    for file in files:
        data = (out / file).read_bytes()
        for marker in LEAKS:
            assert marker not in data, (file, marker)
        im = opened(out, file)
        assert not im.getexif(), file
        if im.format == "JPEG":
            head = data[: data.index(b"\xff\xda")]
            assert not re.search(rb"\xff[\xe1\xe3-\xed\xef\xfe]", head), (
                file
            )  # only JFIF, ICC, Adobe
        assert not {"exif", "xmp", "comment", "photoshop", "XML:com.adobe.xmp", "Author"} & set(
            im.info
        ), file


def color(im: Image.Image, xy) -> tuple[int, ...]:
    return im.convert("RGB").getpixel(xy)


def near(a, b, tol=24) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b))


# -- sizes and formats ------------------------------------------------------------------


def test_widths_previews_and_the_original(tmp_path):
    info, out = run(tmp_path, "photo.jpg", fx._save(fx.photo((96, 64)), "JPEG", quality=90))
    assert (info.width, info.height) == (96, 64)
    assert [(d.file, d.width, d.height) for d in info.by_role("image")] == [
        ("image-16.webp", 16, 11),
        ("image-32.webp", 32, 21),
        ("image-96.webp", 96, 64),
    ]
    assert [(d.file, d.width, d.height, d.mime) for d in info.by_role("preview")] == [
        ("preview.jpg", 24, 16, "image/jpeg")
    ]
    [original] = info.by_role("original")
    assert (original.file, original.mime, original.width, original.height) == (
        "photo.jpg",
        "image/jpeg",
        96,
        64,
    )
    assert info.extra == {}
    assert_consistent(info, out)
    preview = opened(out, "preview.jpg")
    assert preview.mode == "RGB" and not preview.info.get(
        "progressive"
    )  # baseline: cheaper, fetched whole
    assert "icc_profile" not in preview.info


def test_never_upscales(tmp_path):
    settings = MediaSettings(widths=(480, 960, 1600), preview_width=1200)
    info, out = run(tmp_path, "tiny.png", fx._save(fx.photo((20, 10)), "PNG"), settings)
    assert [(d.width, d.height) for d in info.by_role("image")] == [(20, 10)]
    assert [(d.width, d.height) for d in info.by_role("preview")] == [(20, 10)]
    assert_consistent(info, out)


def test_image_as_wide_as_a_setting_is_not_duplicated(tmp_path):
    settings = MediaSettings(widths=(16, 32, 64), preview_width=64)
    info, _ = run(tmp_path, "p.png", fx._save(fx.photo((32, 20)), "PNG"), settings)
    assert [d.width for d in info.by_role("image")] == [16, 32]


def test_large_jpeg_uses_draft_and_keeps_full_size_facts(tmp_path):
    settings = MediaSettings(widths=(100, 200), preview_width=150)
    info, out = run(
        tmp_path, "big.jpg", fx._save(fx.photo((1000, 600)), "JPEG", quality=85), settings
    )
    assert (info.width, info.height) == (1000, 600)
    assert [(d.width, d.height) for d in info.by_role("image")] == [(100, 60), (200, 120)]
    assert opened(out, "big.jpg").size == (1000, 600)
    assert_consistent(info, out)


def test_output_is_deterministic(tmp_path):
    data = fx._save(fx.photo((96, 64)), "JPEG", quality=90)
    first, out1 = run(tmp_path / "a", "p.jpg", data)
    second, out2 = run(tmp_path / "b", "p.jpg", data)
    assert first == second
    for d in first.derivatives:
        assert (out1 / d.file).read_bytes() == (out2 / d.file).read_bytes()


# -- orientation ------------------------------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_applied(tmp_path, orientation):
    data = fx.oriented_jpeg(orientation)
    info, out = run(tmp_path, "turned.jpg", data, MediaSettings(widths=(32, 64), preview_width=64))
    assert (info.width, info.height) == fx.UPRIGHT_SIZE
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))  # Pillow's own reading
    assert expected.size == fx.UPRIGHT_SIZE
    for file in ("image-64.webp", "preview.jpg"):
        im = opened(out, file)
        assert im.size == fx.UPRIGHT_SIZE
        assert near(color(im, (4, 4)), fx.RED), (file, color(im, (4, 4)))  # the block is top-left
        assert near(color(im, (60, 36)), fx.WHITE), file
        assert near(color(im, (60, 4)), fx.WHITE) and near(color(im, (4, 36)), fx.WHITE), file
        assert not im.getexif()
    # The original keeps its pixels as stored, and only the orientation tag to show them upright.
    original = opened(out, "turned.jpg")
    assert dict(original.getexif()) == ({} if orientation == 1 else {0x0112: orientation})
    assert ImageOps.exif_transpose(original).size == fx.UPRIGHT_SIZE


# -- colour, modes and depth --------------------------------------------------------------


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    info, out = run(tmp_path, "cmyk.jpg", fx.cmyk_jpeg())
    for d in info.by_role("image") + info.by_role("preview"):
        im = opened(out, d.file)
        assert im.mode == "RGB"
        assert near(color(im, (im.width // 2, im.height // 2)), (255, 0, 0), 30), d.file
    assert opened(out, "cmyk.jpg").mode == "CMYK"


def test_adobe_rgb_is_converted_to_srgb(tmp_path):
    info, out = run(
        tmp_path, "adobe.jpg", fx.adobe_rgb_jpeg(), MediaSettings(widths=(32,), preview_width=32)
    )
    for file in ("image-32.webp", "preview.jpg"):
        im = opened(out, file)
        assert "icc_profile" not in im.info
        assert near(color(im, (4, 8)), (255, 0, 0), 16), (file, color(im, (4, 8)))
        assert near(color(im, (27, 8)), (0, 255, 0), 16), (file, color(im, (27, 8)))
    # the original keeps its profile: it is colour, not metadata
    assert opened(out, "adobe.jpg").info["icc_profile"] == fx.adobe_rgb_icc()


def test_srgb_profile_is_left_alone(tmp_path):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = fx._save(
        Image.new("RGB", (32, 16), (200, 100, 50)), "JPEG", quality=100, icc_profile=srgb
    )
    info, out = run(tmp_path, "s.jpg", data, MediaSettings(widths=(32,), preview_width=32))
    assert near(color(opened(out, "preview.jpg"), (8, 8)), (200, 100, 50), 4)


def test_broken_profile_is_ignored(tmp_path):
    data = fx._save(
        Image.new("RGB", (32, 16), (200, 100, 50)),
        "JPEG",
        quality=100,
        icc_profile=b"not a profile" * 10,
    )
    info, out = run(tmp_path, "s.jpg", data, MediaSettings(widths=(32,), preview_width=32))
    assert near(color(opened(out, "preview.jpg"), (8, 8)), (200, 100, 50), 4)


def test_16_bit_png_is_scaled_not_clipped(tmp_path):
    info, out = run(
        tmp_path, "deep.png", fx.png16_gradient(), MediaSettings(widths=(256,), preview_width=256)
    )
    assert (info.width, info.height) == (256, 8)
    for file in ("image-256.webp", "preview.jpg"):
        row = [color(opened(out, file), (x, 4))[0] for x in range(0, 256, 32)]
        assert all(abs(v - x) <= 8 for v, x in zip(row, range(0, 256, 32))), (file, row)
    assert opened(out, "deep.png").mode == "I;16"


def test_rgba_keeps_alpha_in_webp_and_flattens_preview_on_white(tmp_path):
    info, out = run(
        tmp_path, "alpha.png", fx.rgba_png(), MediaSettings(widths=(40,), preview_width=40)
    )
    webp = opened(out, "image-40.webp")
    assert webp.mode == "RGBA"
    assert webp.getpixel((5, 10))[3] == 255 and webp.getpixel((35, 10))[3] == 0
    preview = opened(out, "preview.jpg")
    assert preview.mode == "RGB"
    assert near(preview.getpixel((5, 10)), (0, 0, 255)) and near(
        preview.getpixel((35, 10)), (255, 255, 255)
    )


def test_palette_with_transparency(tmp_path):
    info, out = run(
        tmp_path, "pal.png", fx.palette_png(), MediaSettings(widths=(40,), preview_width=40)
    )
    webp = opened(out, "image-40.webp")
    assert webp.mode == "RGBA"
    assert webp.getpixel((5, 10))[3] == 0 and near(webp.getpixel((35, 10))[:3], (0, 160, 0))
    assert near(opened(out, "preview.jpg").getpixel((5, 10)), (255, 255, 255))


def test_one_bit_and_greyscale_become_rgb(tmp_path):
    im = Image.new("1", (40, 20), 0)
    im.paste(1, (20, 0, 40, 20))
    info, out = run(
        tmp_path, "bw.png", fx._save(im, "PNG"), MediaSettings(widths=(40,), preview_width=40)
    )
    preview = opened(out, "preview.jpg")
    assert (
        preview.mode == "RGB"
        and near(preview.getpixel((5, 5)), (0, 0, 0))
        and near(preview.getpixel((35, 5)), fx.WHITE)
    )


def test_opaque_alpha_is_dropped(tmp_path):
    info, out = run(tmp_path, "o.png", fx._save(fx.photo().convert("RGBA"), "PNG"))
    assert opened(out, "image-32.webp").mode == "RGB"


# -- animation ----------------------------------------------------------------------------


def test_animated_gif_poster_is_the_first_frame(tmp_path):
    info, out = run(
        tmp_path, "anim.gif", fx.animated_gif(), MediaSettings(widths=(30,), preview_width=30)
    )
    assert info.extra == {"animated": True, "frames": 3}
    assert near(color(opened(out, "image-30.webp"), (15, 10)), (255, 0, 0))
    assert near(color(opened(out, "preview.jpg"), (15, 10)), (255, 0, 0))
    original = Image.open(out / "anim.gif")
    assert original.n_frames == 3 and original.info.get("loop") == 0
    assert b"secret" not in (out / "anim.gif").read_bytes()
    assert_consistent(info, out)


def test_animated_webp(tmp_path):
    info, out = run(
        tmp_path,
        "anim.webp",
        fx.webp_with_metadata(animated=True),
        MediaSettings(widths=(30,), preview_width=30),
    )
    assert info.extra == {"animated": True, "frames": 2}
    assert near(color(opened(out, "preview.jpg"), (15, 10)), (255, 0, 0))
    original = Image.open(out / "anim.webp")
    assert original.n_frames == 2
    assert_no_metadata(out, ["anim.webp"])


# -- metadata -----------------------------------------------------------------------------


def test_no_output_carries_gps_exif_xmp_iptc_or_comments(tmp_path):
    data = fx.private_jpeg()
    assert all(
        m in data
        for m in (b"Exif", b"http://ns.adobe.com/xap", b"GPS", b"Photoshop 3.0", b"secret")
    )
    info, out = run(tmp_path, "holiday.jpg", data)
    assert_no_metadata(out, [d.file for d in info.derivatives])
    assert_consistent(info, out)


def scan_data(jpeg: bytes) -> bytes:
    """The entropy-coded data: from the first SOS segment to EOI."""
    sos = jpeg.index(b"\xff\xda")
    return jpeg[sos : jpeg.index(b"\xff\xd9", sos)]


@pytest.mark.parametrize("progressive", [False, True])
def test_stripped_jpeg_keeps_image_data_bit_for_bit(tmp_path, progressive):
    data = fx.private_jpeg()
    if progressive:
        data = fx._save(
            Image.open(io.BytesIO(data)),
            "JPEG",
            quality=90,
            progressive=True,
            exif=Image.open(io.BytesIO(data)).info["exif"],
            comment=b"secret",
        )
    info, out = run(tmp_path, "p.jpg", data)
    stripped = (out / "p.jpg").read_bytes()
    assert scan_data(stripped) == scan_data(data)
    assert Image.open(io.BytesIO(stripped)).tobytes() == Image.open(io.BytesIO(data)).tobytes()
    assert stripped.endswith(b"\xff\xd9") and len(stripped) < len(data)
    segments = [
        m.group()
        for m in re.finditer(rb"\xff[\xe0-\xef\xfe]", stripped[: stripped.index(b"\xff\xda")])
    ]
    assert segments == [b"\xff\xe0"]  # JFIF only


def test_jpeg_walker_keeps_icc_and_adobe_segments():
    data = fx._save(
        Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "JPEG", icc_profile=fx.adobe_rgb_icc()
    )
    stripped = images.strip_jpeg(data)
    im = Image.open(io.BytesIO(stripped))
    assert im.info["icc_profile"] == fx.adobe_rgb_icc() and im.info.get("adobe") is not None
    assert im.tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_stripped_png_keeps_pixels_and_drops_text_exif_time(tmp_path):
    data = fx.text_png()
    info, out = run(tmp_path, "t.png", data)
    stripped = (out / "t.png").read_bytes()
    assert_no_metadata(out, [d.file for d in info.derivatives])
    assert Image.open(io.BytesIO(stripped)).tobytes() == Image.open(io.BytesIO(data)).tobytes()
    assert b"IDAT" in stripped and stripped.endswith(b"IEND\xaeB`\x82")


def test_stripped_webp_keeps_pixels_and_fixes_header(tmp_path):
    data = fx.webp_with_metadata()
    info, out = run(tmp_path, "w.webp", data)
    stripped = (out / "w.webp").read_bytes()
    assert_no_metadata(out, [d.file for d in info.derivatives])
    assert int.from_bytes(stripped[4:8], "little") == len(stripped) - 8
    assert stripped[12:16] == b"VP8X" and stripped[20] & 0x0C == 0  # flags: no EXIF, no XMP
    assert Image.open(io.BytesIO(stripped)).tobytes() == Image.open(io.BytesIO(data)).tobytes()
    assert_consistent(info, out)


def test_oriented_png_original_is_reencoded_upright(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010E] = "GPS"
    stored = fx.upright_marker().transpose(Image.Transpose.ROTATE_90)
    info, out = run(tmp_path, "o.png", fx._save(stored, "PNG", exif=exif.tobytes()))
    original = opened(out, "o.png")
    assert original.size == fx.UPRIGHT_SIZE and near(color(original, (4, 4)), fx.RED, 0)
    assert_no_metadata(out, ["o.png"])


def test_original_named_like_a_derivative_does_not_overwrite_it(tmp_path):
    info, out = run(tmp_path, "preview.jpg", fx._save(fx.photo(), "JPEG"))
    assert [d.file for d in info.by_role("original")] == ["original-preview.jpg"]
    assert_consistent(info, out)


# -- hostile and broken files ---------------------------------------------------------


@pytest.mark.parametrize(
    "name,data,words",
    [
        ("empty.jpg", b"", "is empty"),
        (
            "notes.jpg",
            b"Dear diary, this is not a picture.\n" * 20,
            "is not a JPEG, PNG, GIF or WebP image",
        ),
        ("cut.jpg", fx.truncated_jpeg(), "is truncated or corrupt"),
        ("bad.png", fx.png_bomb(40, 40), "is truncated or corrupt"),
        ("doc.jpg", fx._save(fx.photo(), "BMP"), "is not a JPEG, PNG, GIF or WebP image"),
    ],
)
def test_broken_files_are_media_errors_and_leave_nothing(tmp_path, name, data, words):
    with pytest.raises(MediaError) as caught:
        run(tmp_path, name, data)
    assert f"'{name}' {words}" in caught.value.message and caught.value.fix
    out = tmp_path / "out"
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(
    "size,params",
    [((30000, 30000), {}), ((8000, 8000), {}), ((3000, 3000), {"max_pixels": 1_000_000})],
)
def test_decompression_bomb_is_refused_before_decoding(tmp_path, size, params):
    tracemalloc.start()
    try:
        with pytest.raises(MediaError) as caught:
            run(tmp_path, "bomb.png", fx.png_bomb(*size), **params)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "pixels" in caught.value.message and "smaller" in caught.value.fix
    assert peak < 20_000_000  # a decoded bomb would take gigabytes


def test_jpeg_walker_refuses_what_it_cannot_follow():
    data = fx._save(fx.photo(), "JPEG", quality=90)
    with pytest.raises(images._Malformed):
        images.strip_jpeg(data[:2] + b"\xff\xe1\xff\xff" + data[2:])  # APP1 longer than the file
    with pytest.raises(images._Malformed):
        images.strip_jpeg(b"\xff\xd8garbage")


def test_container_the_walker_rejects_is_reencoded_clean(tmp_path, monkeypatch):
    def refuse(data, orientation=1):
        raise images._Malformed("test")

    monkeypatch.setattr(images, "strip_jpeg", refuse)
    info, out = run(tmp_path, "odd.jpg", fx.private_jpeg())
    assert opened(out, "odd.jpg").size == (96, 64)
    assert_no_metadata(out, ["odd.jpg"])
