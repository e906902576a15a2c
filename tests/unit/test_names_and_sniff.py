import struct
import zlib

import pytest

from builder.core import sniff
from builder.core.names import case_collisions, unportable_reason


@pytest.mark.parametrize(
    "name",
    [
        "-rf",
        "a\u202egpj.exe",
        "con.txt",
        "AUX",
        "nul.jpg",
        "e\u0301.jpg",
        "trailing.",
        "a:b",
        "tab\tname",
        "a\u200b",
    ],
)
def test_unportable_names(name):
    assert unportable_reason(name)


@pytest.mark.parametrize(
    "name", ["photo.jpg", "é.jpg", "record.yaml", "console.txt", "a-b_c.2.png"]
)
def test_portable_names(name):
    assert unportable_reason(name) is None


def test_case_collisions():
    assert case_collisions(["Photo.jpg", "photo.jpg", "x"]) == [("Photo.jpg", "photo.jpg")]


def png(width, height):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


def test_formats_by_content_not_name():
    assert sniff.sniff(png(1, 1)).name == "png"
    assert sniff.sniff(b"\xff\xd8\xff\xe0").name == "jpeg"
    assert sniff.sniff(b"GIF89a....").kind == "image"
    assert sniff.sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ").name == "wav"
    assert sniff.sniff(b"fLaC\x00").name == "flac"
    assert sniff.sniff(b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb").name == "mp3"
    assert sniff.sniff(b"\xff\xfb\x90\x64").name == "mp3"
    assert sniff.sniff(b"\x00\x00\x00\x18ftypM4A \x00").name == "m4a"
    assert sniff.sniff(b"\x00\x00\x00\x18ftypisom\x00").name == "mp4"
    assert sniff.sniff(b"\x00\x00\x00\x18ftypisom", frozenset({"soun"})).name == "m4a"
    assert sniff.sniff(b"\x00\x00\x00\x14ftypqt  ", frozenset({"vide", "soun"})).name == "mov"
    assert sniff.sniff(b"\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm").name == "webm"
    assert sniff.sniff(b"# A poem\n\nLines.").kind == "text"
    assert sniff.sniff(b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi").name == "webvtt"


def test_ogg_codecs():
    page = b"OggS" + bytes(22) + b"\x01" + b"\x1e"
    assert sniff.sniff(page + b"\x01vorbis").name == "ogg-vorbis"
    assert sniff.sniff(page + b"OpusHead").name == "ogg-opus"
    assert sniff.sniff(page + b"\x80theora").kind is None


@pytest.mark.parametrize(
    "head,name",
    [
        (
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>',
            "svg",
        ),
        (b"%PDF-1.7", "pdf"),
        (b"PK\x03\x04", "zip"),
        (b"\x7fELF\x02", "executable"),
        (b"II*\x00\x08\x00\x00\x00", "tiff"),
        (b"\x00\x01\x02\x00\xff", "binary"),
        (b"\xff\xfe\x00\x00garbage\x80", "binary"),
    ],
)
def test_unaccepted_formats_are_named(head, name):
    fmt = sniff.sniff(head)
    assert fmt.name == name and fmt.kind is None and fmt.advice


def test_lfs_pointer():
    assert sniff.is_lfs_pointer(
        b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"
    )


def test_image_sizes_from_headers_only():
    assert sniff.image_size(sniff.FORMATS["png"], png(20000, 30000)) == (20000, 30000)
    assert sniff.image_size(sniff.FORMATS["gif"], b"GIF89a" + struct.pack("<HH", 640, 480)) == (
        640,
        480,
    )
    jpeg = (
        b"\xff\xd8"
        + b"\xff\xe0\x00\x04ab"
        + b"\xff\xc0\x00\x11\x08"
        + struct.pack(">HH", 1080, 1920)
        + bytes(12)
    )
    assert sniff.image_size(sniff.FORMATS["jpeg"], jpeg) == (1920, 1080)
    assert sniff.image_size(sniff.FORMATS["jpeg"], b"\xff\xd8\xff\xe0\x00\x10") is None
    vp8x = (
        b"RIFF\x00\x00\x00\x00WEBPVP8X"
        + bytes(8)
        + (99).to_bytes(3, "little")
        + (49).to_bytes(3, "little")
    )
    assert sniff.image_size(sniff.FORMATS["webp"], vp8x) == (100, 50)


def test_text_problems():
    assert sniff.text_problem("naïve\n".encode()) is None
    assert "line 2" in sniff.text_problem(b"ok\n\xff\n")
    assert "NUL" in sniff.text_problem(b"a\x00b")
