"""What phones write (issue 16): HEIC and AVIF photos, 108 MP JPEGs, vertical and HEVC video.

Every file is made here by the real encoders: pillow-heif (HEIC), Pillow's AVIF plugin, Pillow
(JPEG) and ffmpeg (video). `showcase check` and `showcase build` run as subprocesses, and
every derivative is opened again: its size, its orientation, its metadata.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image, ImageOps

from builder.archive.config import read_config
from builder.archive.identify import Facts, limits_of
from builder.archive.inspect import inspect_file
from builder.core import heif, sniff
from builder.media.tools import find_tools
from tests.archive_factory import MKDOCS_YML
from tests.conftest import FIXTURES, run_showcase

pytestmark = pytest.mark.slow
pillow_heif.register_heif_opener()

RED, BLUE, GREEN = (220, 30, 30), (30, 30, 220), (30, 200, 60)
MAKER = "PhoneMaker-7f3a"  # a camera tag that must not survive into anything published
PORTRAIT = (960, 720)  # stored landscape; EXIF orientation 6 shows it 720x960
BIG = (12000, 9000)  # 108 MP, as several phones shoot


def two_halves(size: tuple[int, int]) -> Image.Image:
    """Left half red, right half blue: turned by orientation 6, red is on top."""
    im = Image.new("RGB", size, BLUE)
    im.paste(RED, (0, 0, size[0] // 2, size[1]))
    return im


def exif_bytes(*, orientation: int = 1, gps: bool = False) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = MAKER  # Make
    exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (52.0, 31.0, 0.0), 3: "E", 4: (13.0, 24.0, 0.0)}
    return exif.tobytes()


def write_record(root: Path, rid: str, file: str, kind: str) -> Path:
    folder = root / "records" / rid
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "record.yaml").write_text(
        textwrap.dedent(f"""\
        title: {rid}
        type: {kind}
        file: {file}
        alt: What the phone saw.
        contributors:
          - {{handle: bo, role: photographer}}
        license: CC-BY-4.0
        created: 2024-05-02
        """)
    )
    return folder / file


def new_archive(root: Path, plugin: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    (root / "content" / "index.md").write_text("# Phones\n")
    yml = MKDOCS_YML if not plugin else MKDOCS_YML.replace("  - showcase\n", plugin)
    (root / "mkdocs.yml").write_text(yml)
    return root


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [find_tools().ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
        timeout=120,
    )


def has_x265() -> bool:
    out = subprocess.run(
        [find_tools().ffmpeg, "-hide_banner", "-encoders"], capture_output=True, text=True
    ).stdout
    return "libx265" in out


def phone_video(path: Path, codec: list[str], fmt: str) -> None:
    """One second stored 96x64 with a display matrix turning it 90°: shown 64x96."""
    plain = path.with_name(f"plain-{path.name}")
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=96x64:rate=15:duration=1"),
        *("-f", "lavfi", "-i", "sine=f=440:duration=1"),
        *codec,
        *("-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-f", fmt, str(plain)),
    )
    ffmpeg("-display_rotation", "90", "-i", str(plain), "-c", "copy", "-f", fmt, str(path))
    plain.unlink()


@pytest.fixture(scope="session")
def big_jpeg(tmp_path_factory) -> Path:
    """A 12000x9000 baseline JPEG: one flat colour compresses to under 2 MB."""
    path = tmp_path_factory.mktemp("big") / "big.jpg"
    Image.new("RGB", BIG, (90, 140, 200)).save(path, quality=85, exif=exif_bytes())
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory, big_jpeg) -> dict:
    """One archive of everything a phone writes that is accepted, checked and built once."""
    root = new_archive(tmp_path_factory.mktemp("phone") / "archive")
    heic = write_record(root, "heic-portrait", "IMG_0001.heic", "image")
    two_halves(PORTRAIT).save(heic, quality=60, exif=exif_bytes(orientation=6))
    avif = write_record(root, "avif-portrait", "portrait.avif", "image")
    two_halves(PORTRAIT).save(avif, quality=60, exif=exif_bytes(orientation=6))
    burst = write_record(root, "heic-burst", "burst.heic", "image")
    first, primary = Image.new("RGB", (320, 240), RED), Image.new("RGB", (600, 800), GREEN)
    first.save(burst, save_all=True, append_images=[primary], primary_index=1, quality=60)
    shutil.copyfile(big_jpeg, write_record(root, "big-jpeg", "big.jpg", "image"))
    phone_video(write_record(root, "vertical", "vertical.mp4", "video"), ["-c:v", "libx264"], "mp4")
    hevc = has_x265()
    if hevc:
        mov = write_record(root, "hevc-mov", "clip.mov", "video")
        phone_video(
            mov, ["-c:v", "libx265", "-tag:v", "hvc1", "-x265-params", "log-level=0"], "mov"
        )
    check = run_showcase("check", cwd=root, timeout=600)
    build = run_showcase("build", cwd=root, timeout=900)
    catalog = json.loads((root / "site" / "catalog.json").read_text()) if build.code == 0 else {}
    return {
        "root": root,
        "check": check,
        "build": build,
        "hevc": hevc,
        "media": {r["id"]: r["media"] for r in catalog.get("records", [])},
    }


def derivative(built: dict, rid: str, role: str) -> list[dict]:
    return [d for d in built["media"][rid]["derivatives"] if d["role"] == role]


def opened(built: dict, d: dict) -> Image.Image:
    im = Image.open(built["root"] / "site" / d["url"])
    im.load()
    return im


def assert_no_metadata(built: dict, rid: str) -> None:
    for d in built["media"][rid]["derivatives"]:
        data = (built["root"] / "site" / d["url"]).read_bytes()
        assert MAKER.encode() not in data, d
        if d["mime"].startswith("image/"):
            exif = Image.open(built["root"] / "site" / d["url"]).getexif()
            assert not exif.get_ifd(0x8825) and 0x010F not in exif, d


# --- check and build ------------------------------------------------------------------------


def test_check_and_build_accept_what_phones_write(built):
    assert built["check"].code == 0, built["check"].out + built["check"].err
    assert built["build"].code == 0, built["build"].out + built["build"].err
    expected = {"heic-portrait", "avif-portrait", "heic-burst", "big-jpeg", "vertical"}
    assert expected | ({"hevc-mov"} if built["hevc"] else set()) == set(built["media"])


def test_check_decodes_every_file_as_the_build_did(built):
    """The inspection check runs (decode stage included) finds the size the build published."""
    root = built["root"]
    limits = limits_of(read_config(root)[0])
    for rid, media in built["media"].items():
        yaml = (root / "records" / rid / "record.yaml").read_text()
        name = next(line.split(": ", 1)[1] for line in yaml.splitlines() if line.startswith("file"))
        kind = "video" if name.endswith((".mp4", ".mov")) else "image"
        facts = inspect_file(root / "records" / rid / name, name, kind, limits)
        assert isinstance(facts, Facts) and facts.decoded, facts
        assert (facts.width, facts.height) == (media["width"], media["height"]), rid


@pytest.mark.parametrize("rid", ["heic-portrait", "avif-portrait"])
def test_heic_and_avif_publish_upright_srgb_derivatives_without_metadata(built, rid):
    upright = PORTRAIT[::-1]
    assert (built["media"][rid]["width"], built["media"][rid]["height"]) == upright
    webps = derivative(built, rid, "image")
    assert [(d["width"], d["height"]) for d in webps] == [(400, 533), (720, 960)]
    (preview,) = derivative(built, rid, "preview")
    for d in [*webps, preview]:
        im = opened(built, d)
        assert im.size == (d["width"], d["height"]) and im.mode == "RGB"
        w, h = im.size
        top, bottom = im.getpixel((w // 2, h // 8)), im.getpixel((w // 2, h * 7 // 8))
        assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0], (d, top, bottom)
    assert_no_metadata(built, rid)


def test_the_heic_original_keeps_its_format_and_a_full_size_jpeg_is_published(built):
    (original,) = derivative(built, "heic-portrait", "original")
    assert original["mime"] == "image/heic" and original["url"].endswith("IMG_0001.heic")
    data = (built["root"] / "site" / original["url"]).read_bytes()
    source = (built["root"] / "records" / "heic-portrait" / "IMG_0001.heic").read_bytes()
    assert len(data) == len(source)  # blanked in place: the coded image is copied as it is
    coded = [i for i in heif.read_meta(data).items if i.type == "hvc1"]
    assert coded and all(heif.item_bytes(data, i) == heif.item_bytes(source, i) for i in coded)
    im = opened(built, original)
    assert im.format == "HEIF" and im.size == PORTRAIT[::-1]  # upright by its irot
    assert not heif.metadata_items(data) or MAKER.encode() not in data
    (full,) = derivative(built, "heic-portrait", "full")
    jpeg = opened(built, full)
    assert jpeg.format == "JPEG" and jpeg.size == PORTRAIT[::-1] == (full["width"], full["height"])
    assert jpeg.getpixel((360, 100))[0] > 150 and not jpeg.getexif()
    assert not derivative(built, "avif-portrait", "full")  # browsers show AVIF themselves
    # The page's image opens the JPEG (a browser cannot show the HEIC), offered for download.
    page = (built["root"] / "site/records/heic-portrait/index.html").read_text("utf-8")
    jpeg_name = full["url"].rsplit("/", 1)[1]
    assert f'<a href="media/{jpeg_name}" title="View the full-size image">' in page
    assert f'<a href="media/{jpeg_name}" download>Download a full-size JPEG</a>' in page
    avif_page = (built["root"] / "site/records/avif-portrait/index.html").read_text("utf-8")
    assert "full-size JPEG" not in avif_page
    (avif,) = derivative(built, "avif-portrait", "original")
    # Its irot property turns it upright (Pillow reports it as EXIF orientation 6).
    assert avif["mime"] == "image/avif" and opened(built, avif).size == PORTRAIT
    assert ImageOps.exif_transpose(opened(built, avif)).size == PORTRAIT[::-1]


def test_a_multi_image_heic_publishes_its_primary_image(built):
    assert (built["media"]["heic-burst"]["width"], built["media"]["heic-burst"]["height"]) == (
        600,
        800,
    )
    (preview,) = derivative(built, "heic-burst", "preview")
    im = opened(built, preview)
    assert im.size == (600, 800) and im.getpixel((300, 400))[1] > 150  # green, not the red one
    assert "animated" not in json.dumps(built["media"]["heic-burst"])


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # opening the original
def test_a_108_megapixel_jpeg_is_accepted_and_reduced(built):
    media = built["media"]["big-jpeg"]
    assert (media["width"], media["height"]) == BIG
    assert [(d["width"], d["height"]) for d in derivative(built, "big-jpeg", "image")] == [
        (400, 300),
        (800, 600),
    ]
    (preview,) = derivative(built, "big-jpeg", "preview")
    assert opened(built, preview).size == (800, 600)
    (original,) = derivative(built, "big-jpeg", "original")
    assert (original["width"], original["height"]) == BIG
    assert_no_metadata(built, "big-jpeg")


def test_vertical_phone_video_gets_an_upright_poster_and_h264(built):
    rids = ["vertical"] + (["hevc-mov"] if built["hevc"] else [])
    for rid in rids:
        media = built["media"][rid]
        assert (media["width"], media["height"]) == (64, 96), rid
        (preview,) = derivative(built, rid, "preview")
        poster = opened(built, preview)
        assert poster.width < poster.height, rid
        video = derivative(built, rid, "video") or derivative(built, rid, "original")
        assert video[0]["mime"] == "video/mp4", rid
    if built["hevc"]:  # HEVC is transcoded to H.264 for browsers
        (web,) = derivative(built, "hevc-mov", "video")
        probe = subprocess.run(
            [find_tools().ffprobe, "-v", "error", "-of", "json", "-show_streams"]
            + [str(built["root"] / "site" / web["url"])],
            capture_output=True,
            text=True,
            check=True,
        )
        codecs = {s["codec_name"] for s in json.loads(probe.stdout)["streams"]}
        assert "h264" in codecs and "hevc" not in codecs
    else:
        pytest.skip("this ffmpeg has no libx265: the HEVC MOV was not made")


# --- location data --------------------------------------------------------------------------


def test_gps_in_heic_and_avif_is_refused_and_new_strips_it(tmp_path):
    root = new_archive(tmp_path / "archive")
    photo = two_halves((64, 48))
    heic = write_record(root, "located-heic", "located.heic", "image")
    photo.save(heic, quality=60, exif=exif_bytes(orientation=6, gps=True))
    avif = write_record(root, "located-avif", "located.avif", "image")
    photo.save(avif, quality=60, exif=exif_bytes(gps=True))
    checked = run_showcase("check", cwd=root)
    assert checked.code == 1
    for rid, name in (("located-heic", "located.heic"), ("located-avif", "located.avif")):
        assert (
            f"records/{rid}/record.yaml:3: location-metadata: '{name}' carries GPS coordinates"
            in checked.out
        )
    clean = new_archive(tmp_path / "clean")
    for source in (heic, avif):
        before = source.read_bytes()
        made = run_showcase(
            "new",
            str(source),
            "--strip-gps",
            *("--title", f"Stripped {source.suffix}", "--alt", "Two colours."),
            *("--handle", "bo", "--role", "photographer", "--license", "CC-BY-4.0"),
            *("--created", "2024-05-02"),
            cwd=clean,
        )
        assert made.code == 0, made.out + made.err
        assert "The location was removed from the copy" in made.out
        assert source.read_bytes() == before  # the contributor's file is never changed
    copies = sorted((clean / "records").glob("*/located.*"))
    assert [p.suffix for p in copies] == [".avif", ".heic"]
    for copy in copies:
        im = Image.open(copy)
        assert not im.getexif().get_ifd(0x8825) and MAKER.encode() not in copy.read_bytes()
    assert Image.open(clean / "records" / "stripped-heic" / "located.heic").size == (48, 64)
    after = run_showcase("check", cwd=clean)
    assert after.code == 0, after.out


# --- the pixel limit knows the format -------------------------------------------------------


def test_the_pixel_limit_knows_the_format(tmp_path):
    """Limits scaled down (1 MP strict, 3 MP for JPEG) so that every case is a small file."""
    plugin = "  - showcase:\n      max_megapixels: 1\n      max_jpeg_megapixels: 3\n"
    root = new_archive(tmp_path / "archive", plugin)
    picture = two_halves((2000, 1500))  # 3 MP
    picture.save(write_record(root, "baseline", "a.jpg", "image"), quality=80)
    picture.save(write_record(root, "progressive", "b.jpg", "image"), progressive=True)
    picture.save(write_record(root, "png", "c.png", "image"))
    picture.save(write_record(root, "heic", "d.heic", "image"), quality=50)
    two_halves((2400, 1600)).save(write_record(root, "over", "e.jpg", "image"))
    # 1.5 MP: under the JPEG limit, but too small to be decoded at half size for an 800 px
    # preview, so decoded in full: over the strict limit, found by the decode stage.
    two_halves((1500, 1000)).save(write_record(root, "unreduced", "f.jpg", "image"))
    checked = run_showcase("check", cwd=root, timeout=300)
    lines = sorted(line for line in checked.out.splitlines() if "too-many-pixels" in line)
    assert lines == [
        "records/heic/record.yaml:3: too-many-pixels: 'd.heic' is 2000×1500 = 3.0 megapixels, "
        "over the limit of 1.0 megapixels — scale it down (a long side of 4000 px is plenty "
        "for the web)",
        "records/over/record.yaml:3: too-many-pixels: 'e.jpg' is 2400×1600 = 3.8 megapixels, "
        "over the limit of 3.0 megapixels — scale it down (a long side of 4000 px is plenty "
        "for the web)",
        "records/png/record.yaml:3: too-many-pixels: 'c.png' is 2000×1500 = 3.0 megapixels, "
        "over the limit of 1.0 megapixels — scale it down (a long side of 4000 px is plenty "
        "for the web)",
        "records/progressive/record.yaml:3: too-many-pixels: 'b.jpg' is 2000×1500 = 3.0 "
        "megapixels, over the limit of 1.0 megapixels — save it as a baseline (not "
        "progressive) JPEG, or scale it down",
        "records/unreduced/record.yaml:3: too-many-pixels: 'f.jpg' has 1500x1000 pixels, over "
        "the limit of 1 megapixels for what is decoded in full (a JPEG is decoded reduced when "
        "it is twice as wide as the largest derivative) — export it at a smaller size",
    ], checked.out
    build = run_showcase("build", cwd=root, timeout=600)
    assert (
        build.code == 1
        and sorted(line for line in build.out.splitlines() if "too-many-pixels" in line) == lines
    )


def test_the_png_decompression_bomb_is_still_refused(tmp_path):
    case = FIXTURES / "problems" / "too-many-pixels"
    root = Path(shutil.copytree(case / "archive", tmp_path / "archive"))
    result = run_showcase("check", cwd=root)
    assert result.code == 1 and result.out == (case / "expected.txt").read_text()


def test_a_bad_jpeg_limit_is_a_config_problem(tmp_path):
    root = new_archive(tmp_path / "archive", "  - showcase:\n      max_jpeg_megapixels: lots\n")
    _, problems = read_config(root)
    assert [(p.code, p.line, p.message) for p in problems] == [
        ("config", 9, "`max_jpeg_megapixels` must be a positive number")
    ]


# --- recognising the files ------------------------------------------------------------------


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\0\0\0\0" + b"".join(compatible)
    return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body


@pytest.mark.parametrize(
    "head,name",
    [
        (ftyp(b"heic", b"mif1", b"heic"), "heic"),
        (ftyp(b"mif1", b"mif1", b"heic"), "heic"),
        (ftyp(b"msf1", b"msf1", b"hevc"), "heic"),
        (ftyp(b"avif", b"avif", b"mif1"), "avif"),
        (ftyp(b"mif1", b"mif1", b"avif", b"miaf"), "avif"),
        (ftyp(b"avis", b"avis", b"msf1"), "avif"),
        (ftyp(b"qt  ", b"qt  "), "mov"),
        (ftyp(b"isom", b"isom", b"avc1", b"mp41"), "mp4"),
        (ftyp(b"M4A ", b"M4A ", b"isom"), "m4a"),
    ],
)
def test_photos_are_told_from_videos_by_their_brands(head, name):
    fmt = sniff.sniff(head + bytes(64))
    assert fmt.name == name
    if name in ("heic", "avif"):
        assert fmt.kind == "image" and not fmt.advice


def test_the_header_size_is_the_primary_image_s(tmp_path):
    path = tmp_path / "burst.heic"
    Image.new("RGB", (320, 240)).save(
        path, save_all=True, append_images=[Image.new("RGB", (1280, 960))], primary_index=1
    )
    head = path.read_bytes()[: sniff.HEAD_BYTES]
    assert sniff.image_size(sniff.FORMATS["heic"], head) == (1280, 960)
    assert sniff.image_size(sniff.FORMATS["heic"], head[:40]) is None  # cut before its meta


def test_broken_heif_boxes_are_refused_never_a_crash(tmp_path):
    """Every cut and every flipped byte of a real HEIC: read_meta answers or says NotHeif,
    and the inspection turns whatever is left into a finding, never a traceback."""
    path = tmp_path / "photo.heic"
    two_halves((64, 48)).save(path, quality=50, exif=exif_bytes(gps=True))
    data = path.read_bytes()
    meta_end = data.find(b"mdat")
    variants = [data[:cut] for cut in range(0, meta_end, 5)]
    variants += [data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :] for i in range(meta_end)]
    limits = limits_of(read_config(tmp_path)[0])
    outcomes = set()
    for i, variant in enumerate(variants):
        try:
            heif.read_meta(variant)
        except heif.NotHeif:
            pass
        if i % 8 == 0:  # the whole inspection (decode included) on a sample
            broken = tmp_path / f"broken-{i}.heic"
            broken.write_bytes(variant)
            found = inspect_file(broken, broken.name, "image", limits)
            outcomes.add(type(found).__name__ + ":" + getattr(found, "code", ""))
    assert "Finding:corrupt-media" in outcomes
