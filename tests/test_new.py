"""`showcase new` as a contributor runs it: a subprocess on real files, then `showcase check`.

Every `new` runs with standard input from /dev/null (never a terminal) except the
pseudo-terminal session, which answers the questions like a person would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import select
import subprocess
import time
import wave
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from builder.archive.probe import bmff_info, image_has_location
from builder.core import sniff
from builder.core.licenses import DEFAULT_ALLOWED
from builder.core.record_yaml import (
    Draft,
    derive_id,
    humanise,
    media_file_name,
    render_record_yaml,
    slugify,
    text_problem,
    yaml_text,
)
from builder.core.schema import RECORD_ID, read_record
from builder.core.yamltree import Scalar, parse_yaml
from builder.errors import CommandError
from builder.new_record import create_folder
from tests.archive_factory import _exif, make_archive
from tests.conftest import SHOWCASE, run_showcase

ALL_FLAGS = ("--license", "CC-BY-4.0", "--handle", "ana", "--role", "maker", "--name", "Ana Lima")


# --- helpers ----------------------------------------------------------------------------------


def new(root: Path, *args: str, timeout: float = 120):
    """`showcase new ARGS` like run_showcase, but with stdin from /dev/null: it must never ask.

    (run_showcase inherits stdin, which is a terminal under `pytest -s`.)
    """
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_BASE_REF"}
    env["NO_COLOR"] = "1"
    proc = subprocess.run(
        [str(SHOWCASE), "new", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return proc


def check_json(root: Path) -> tuple[int, list[dict]]:
    result = run_showcase("check", "--format", "json", cwd=root)
    return result.code, json.loads(result.out)["problems"]


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "dir"
        for p in sorted(folder.rglob("*"))
    }


def no_leftovers(root: Path) -> bool:
    return not [p for p in (root / "records").iterdir() if p.name.startswith(".")]


def make_jpeg(path: Path, gps: bool = False) -> Path:
    Image.new("RGB", (64, 48), "teal").save(path, exif=_exif(gps=gps), quality=90)
    return path


def make_wav(path: Path) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x10" * 8000)
    return path


def make_mp4(path: Path, location: bool = False) -> Path:
    from builder.media.tools import ToolsError, find_tools

    try:
        ffmpeg = find_tools().ffmpeg
    except ToolsError as exc:
        pytest.skip(f"no ffmpeg: {exc}")
    extra = ["-metadata", "location=+52.5200+013.4050/"] if location else []
    subprocess.run(
        [
            ffmpeg,
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=d=1:s=64x48",
            "-pix_fmt",
            "yuv420p",
            *extra,
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


def make_source(kind: str, folder: Path) -> Path | None:
    """A real file of `kind` with an unportable name; None for a blank text."""
    if kind == "image":
        return make_jpeg(folder / "Harbour At Dawn.JPG")
    if kind == "audio":
        return make_wav(folder / "Harbour At Dawn.WAV")
    if kind == "video":
        return make_mp4(folder / "Harbour At Dawn.MP4")
    return None


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "archive")


# --- each type, filled by flags or by editing the placeholders --------------------------------

KINDS = ["image", "audio", pytest.param("video", marks=pytest.mark.slow), "text"]


@pytest.mark.parametrize("kind", KINDS)
def test_all_flags_make_a_record_that_passes_check(root, tmp_path, kind):
    source = make_source(kind, tmp_path)
    args = [str(source)] if source else ["--type", "text"]
    alt = ("--alt", "Boats in a grey harbour.") if kind in ("image", "video") else ()
    before = source.read_bytes() if source else None

    result = new(
        root, *args, "--title", "Harbour at dawn", *alt, *ALL_FLAGS, "--created", "2024-05-01"
    )

    assert result.returncode == 0, result.stderr
    folder = root / "records" / "harbour-at-dawn"
    expected_file = {
        "image": "harbour-at-dawn.jpg",
        "audio": "harbour-at-dawn.wav",
        "video": "harbour-at-dawn.mp4",
        "text": "harbour-at-dawn.md",
    }[kind]
    assert sorted(p.name for p in folder.iterdir()) == sorted([expected_file, "record.yaml"])
    if source:
        assert (
            (folder / expected_file).read_bytes() == before == source.read_bytes()
        )  # copied, never moved
    assert "Created records/harbour-at-dawn/" in result.stdout
    assert "FILL ME" not in result.stdout and "Then run: showcase check" in result.stdout
    text = (folder / "record.yaml").read_text()
    assert "FILL ME" not in text and f"type: {kind}\n" in text and "created: 2024-05-01\n" in text
    assert run_showcase("check", cwd=root).code == 0


@pytest.mark.parametrize("kind", KINDS)
def test_placeholders_are_reported_by_check_then_filled(root, tmp_path, kind):
    source = make_source(kind, tmp_path)
    args = [str(source)] if source else ["--type", "text", "--created", "2024-05-01"]

    result = new(root, *args)  # no flags, not a terminal: placeholders, no questions

    assert result.returncode == 0, result.stderr
    rid = "harbour-at-dawn" if source else "text-2024-05-01"
    yaml_path = root / "records" / rid / "record.yaml"
    expected = {
        ("missing-field", "`contributor handle` is empty"),
        ("missing-field", "`contributor role` is empty"),
        ("missing-field", "`license` is empty"),
    }
    if kind in ("image", "video"):
        expected.add(("missing-alt", f"this {kind} has no `alt` text"))
    if not source:
        expected.add(("missing-field", "`title` is empty"))
    code, problems = check_json(root)
    assert code == 1
    assert {(p["code"], p["message"]) for p in problems} == expected
    assert {p["path"] for p in problems} == {f"records/{rid}/record.yaml"}
    lines = yaml_path.read_text().splitlines()
    for p in problems:
        if p["code"] == "missing-field" and "license" not in p["message"]:
            assert "FILL ME" in lines[p["line"] - 1]  # check points at the marked line
    assert "Still to fill in" in result.stdout and "license" in result.stdout

    yaml_path.write_text(fill_placeholders(yaml_path.read_text()))

    assert check_json(root) == (0, [])


def fill_placeholders(text: str) -> str:
    """What a contributor does: write a value where FILL ME is marked."""
    values = {
        "title": "Harbour at dawn",
        "alt": "Boats in a grey harbour.",
        "handle": "ana",
        "role": "maker",
    }
    text = re.sub(
        r"^(\s*(?:- )?)(\w+):  # FILL ME.*$",
        lambda m: f"{m[1]}{m[2]}: {values[m[2]]}",
        text,
        flags=re.M,
    )
    return re.sub(r"^license:$", "license: CC-BY-SA-4.0", text, flags=re.M)


def test_license_comment_lists_the_archives_licenses_with_what_they_allow(root, tmp_path):
    (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text()
        + "      licenses: [CC0-1.0, CC-BY-SA-3.0, CC-BY-ND-4.0]\n"
    )
    (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text().replace("  - showcase\n", "  - showcase:\n")
    )
    result = new(root, str(make_wav(tmp_path / "a.wav")))
    text = (root / "records" / "a-audio" / "record.yaml").read_text()
    assert result.returncode == 0
    assert "#   CC0-1.0       anyone may use and remix it, no credit required" in text
    assert (
        "#   CC-BY-SA-3.0  anyone may remix it, crediting you; remixes keep this same license"
        in text
    )
    assert "#   CC-BY-ND-4.0  shared as is, crediting you: no remixes" in text
    assert "CC-BY-4.0" not in text
    refused = new(root, str(tmp_path / "a.wav"), "--id", "other", "--license", "CC-BY-4.0")
    assert refused.returncode == 2
    assert "this archive accepts: CC0-1.0, CC-BY-SA-3.0, CC-BY-ND-4.0" in refused.stderr


def test_stdin_not_a_terminal_never_prompts(root, tmp_path):
    source = make_jpeg(tmp_path / "photo.jpg")
    result = new(root, str(source), timeout=60)  # a question would read EOF and fail
    assert result.returncode == 0
    assert result.stderr == ""
    assert (
        "Still to fill in records/photo/record.yaml (marked FILL ME): alt, contributor handle, "
        "contributor role, license" in result.stdout
    )


# --- refusals: exit 2, one line, nothing written ----------------------------------------------


def test_refuses_to_overwrite_an_existing_record(root, tmp_path):
    source = make_jpeg(tmp_path / "teal photo.jpg")
    before = snapshot(root / "records")
    result = new(root, str(source), "--id", "teal-photo", *ALL_FLAGS)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "showcase new: error: records/teal-photo already exists: choose another id (with --id); "
        "nothing was changed"
    ]
    assert snapshot(root / "records") == before

    # The id derived from the file name is refused the same way.
    again = new(root, str(source), "--alt", "x")
    assert again.returncode == 2 and "records/teal-photo already exists" in again.stderr
    assert snapshot(root / "records") == before
    harbour = make_jpeg(tmp_path / "harbour.jpg")
    assert new(root, str(harbour)).returncode == 0
    after_first = snapshot(root / "records")
    again = new(root, str(harbour), "--title", "Harbour")
    assert again.returncode == 2 and "records/harbour already exists" in again.stderr
    assert snapshot(root / "records") == after_first and no_leftovers(root)


def test_refuses_an_existing_id_in_another_letter_case(root, tmp_path):
    (root / "records" / "Night-Train").mkdir()
    result = new(root, "--type", "text", "--id", "night-train")
    assert result.returncode == 2 and "records/Night-Train already exists" in result.stderr


@pytest.mark.parametrize("bad", ["Bad_Id", "ab", "-abc", "abc-", "a" * 65, "déjà-vu", ""])
def test_invalid_id_is_refused(root, tmp_path, bad):
    before = snapshot(root / "records")
    result = new(root, str(make_jpeg(tmp_path / "p.jpg")), f"--id={bad}")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--id" in result.stderr
    assert snapshot(root / "records") == before


def test_unsupported_file_gets_the_same_advice_as_check(root, tmp_path):
    svg = tmp_path / "logo.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    before = snapshot(root / "records")
    result = new(root, str(svg), *ALL_FLAGS)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "showcase new: error: " + str(svg) + " is in a format records do not accept "
        "(SVG image): export it as PNG (SVG can carry scripts)"
    )
    assert snapshot(root / "records") == before and no_leftovers(root)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--type", "audio"], "is JPEG image (recognised from its content), not audio"),
        (["--license", "MIT"], "--license 'MIT': this archive accepts: CC0-1.0"),
        (["--handle", "Ana Lima"], "--handle 'Ana Lima': a handle is"),
        (["--role", "Photographer!"], "--role 'Photographer!': a role is lowercase text"),
        (["--created", "2024-02-30"], "--created 2024-02-30 is a day that does not exist"),
        (["--created", "May 1"], "--created 'May 1' is not a date YYYY-MM-DD"),
        (["--title", "x" * 201], "`title` is 201 characters, over the limit of 200"),
        (["--title", "a\u202eb"], "invisible character U+202E"),
    ],
)
def test_bad_flags_are_refused(root, tmp_path, args, message):
    result = new(root, str(make_jpeg(tmp_path / "p.jpg")), *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not (root / "records" / "p-image").exists() and no_leftovers(root)


def test_missing_empty_and_not_an_archive(root, tmp_path):
    assert "no such file" in new(root, str(tmp_path / "nope.jpg")).stderr
    (tmp_path / "empty.md").write_bytes(b"")
    assert "is empty" in new(root, str(tmp_path / "empty.md")).stderr
    assert "give a FILE" in new(root).stderr
    assert "--alt is for images and videos" in new(root, "--type", "text", "--alt", "x").stderr
    elsewhere = tmp_path / "downloads"
    elsewhere.mkdir()
    result = new(elsewhere, "--type", "text")
    assert result.returncode == 2 and "not a Showcase archive" in result.stderr
    assert list(elsewhere.iterdir()) == []


# --- location data ----------------------------------------------------------------------------


def test_strip_gps_cleans_the_copy_and_never_the_original(root, tmp_path):
    source = make_jpeg(tmp_path / "Beach.jpeg", gps=True)
    original = source.read_bytes()
    result = new(root, str(source), "--strip-gps", "--alt", "Sand.", *ALL_FLAGS)
    assert result.returncode == 0, result.stderr
    assert "carries GPS coordinates" in result.stderr
    copy = root / "records" / "beach" / "beach.jpeg"  # .jpeg is a JPEG extension: kept
    assert image_has_location(copy, copy.read_bytes(), 10**8) is False
    assert source.read_bytes() == original and image_has_location(source, original, 10**8) is True
    with Image.open(copy) as a, Image.open(source) as b:
        assert a.tobytes() == b.tobytes()  # the same pixels: metadata dropped, nothing re-encoded
    assert run_showcase("check", cwd=root).code == 0


@pytest.mark.parametrize("flag", [[], ["--keep-gps"]])
def test_gps_kept_warns_and_check_rejects_it(root, tmp_path, flag):
    source = make_jpeg(tmp_path / "beach.jpg", gps=True)
    result = new(root, str(source), *flag, "--alt", "Sand.", *ALL_FLAGS)
    assert result.returncode == 0
    assert "warning: beach.jpg carries GPS coordinates of where it was taken." in result.stderr
    assert (
        "`showcase check` will reject it (location-metadata)" in result.stderr
        and "--strip-gps" in result.stderr
    )
    assert ("--keep-gps" in result.stderr) == bool(flag)
    code, problems = check_json(root)
    assert code == 1 and [(p["code"], p["path"]) for p in problems] == [
        ("location-metadata", "records/beach/record.yaml")
    ]


@pytest.mark.slow
def test_strip_gps_from_a_phone_video(root, tmp_path):
    source = make_mp4(tmp_path / "clip.mov.MP4", location=True)
    assert bmff_info(source).has_location
    original = source.read_bytes()
    result = new(root, str(source), "--strip-gps", "--alt", "Test bars.", *ALL_FLAGS)
    assert result.returncode == 0, result.stderr
    assert (
        "carries the location where it was recorded" in result.stderr and "1.0 s" in result.stdout
    )
    copy = root / "records" / "clip-mov" / "clip-mov.mp4"
    assert not bmff_info(copy).has_location and bmff_info(copy).tracks == frozenset({"vide"})
    assert source.read_bytes() == original
    assert run_showcase("check", cwd=root).code == 0


# --- in a terminal: questions, answers --------------------------------------------------------


class Terminal:
    """The CLI on a pseudo-terminal: read until a question appears, then type the answer."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = os.openpty()
        env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb"}
        self.proc = subprocess.Popen(
            [str(SHOWCASE), *args],
            cwd=cwd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"no {text!r} in:\n{self.seen}"
            if select.select([self.master], [], [], left)[0]:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                assert chunk, f"the command ended before {text!r}:\n{self.seen}"
                self.seen += chunk.decode("utf-8", "replace")

    def answer(self, question: str, reply: str) -> None:
        self.expect(question)
        self.seen = self.seen[self.seen.index(question) + len(question) :]  # answered: forget it
        os.write(self.master, reply.encode() + b"\n")

    def finish(self, timeout: float = 60) -> int:
        code = self.proc.wait(timeout)
        while select.select([self.master], [], [], 0.1)[0]:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.seen += chunk.decode("utf-8", "replace")
        os.close(self.master)
        return code


def test_terminal_session_asks_for_what_is_missing(root, tmp_path):
    source = make_jpeg(tmp_path / "harbour_at-dawn.jpg", gps=True)
    term = Terminal(["new", str(source), "--created", "2024-05-01"], root)
    term.answer("Strip the location from the copy?", "")  # Enter: yes
    term.answer("Title [Harbour at dawn]: ", "Harbour: at dawn")
    term.answer(
        "Id (permanent: the address of its page) [harbour-at-dawn]: ", "teal-photo"
    )  # taken
    term.answer("records/teal-photo already exists", "")  # asked again, Enter takes the default
    term.expect("CC-BY-NC-ND-4.0  shared as is, non-commercially, crediting you: no remixes")
    term.answer("License (number or id)", "3")  # CC-BY-SA-4.0 in the default list
    term.answer("alt text)", "Boats in a grey harbour.")
    term.answer("Your handle", "Ana Lima")  # not a handle: asked again
    term.answer("a handle is", "ana")
    term.answer("Your role", "Photographer")
    term.answer("Your name as credited", "Ana Lima")
    assert term.finish() == 0, term.seen
    assert "Created records/harbour-at-dawn/" in term.seen and "Still to fill in" not in term.seen
    text = (root / "records" / "harbour-at-dawn" / "record.yaml").read_text()
    assert 'title: "Harbour: at dawn"\n' in text and "license: CC-BY-SA-4.0" in text
    assert "role: photographer\n" in text and "name: Ana Lima\n" in text
    copy = root / "records" / "harbour-at-dawn" / "harbour-at-dawn.jpg"
    assert image_has_location(copy, copy.read_bytes(), 10**8) is False
    assert run_showcase("check", cwd=root).code == 0


def test_terminal_session_can_leave_fields_for_later(root, tmp_path):
    term = Terminal(["new", "--type", "text", "--title", "Night Train"], root)
    term.answer("Id (permanent: the address of its page) [night-train]: ", "")
    for question in ("License (number or id)", "Your handle", "Your role", "Your name as credited"):
        term.answer(question, "")
    assert term.finish() == 0, term.seen
    assert (
        "Still to fill in records/night-train/record.yaml (marked FILL ME): contributor handle, "
        "contributor role, license" in term.seen
    )
    assert (root / "records" / "night-train" / "night-train.md").read_text() == "# Night Train\n\n"


# --- the pure parts ---------------------------------------------------------------------------

TRICKY = [
    "NO",
    "yes",
    "~",
    "null",
    "- x",
    "a: b",
    "a:b",
    "#x",
    "x #y",
    '"quoted"',
    "'single'",
    "2024-05-01",
    "1e3",
    "0x1F",
    ".inf",
    "@at",
    "`tick",
    "%p",
    "!tag",
    "&anchor",
    "*alias",
    "? q",
    "|",
    ">",
    "[a]",
    "{a}",
    "a\u2028b",
    "\ufeffbom",
    "Ça va — déjà vu",
    "日本語のタイトル",
    "emoji 🎬",
    "back\\slash",
    "x:",
    "---",
    "...",
    "a, b",
    "=",
    "<<",
]


def draft(**fields) -> Draft:
    base = dict(
        id="a-record",
        type="image",
        file="a.jpg",
        created=dt.date(2024, 5, 1),
        title="T",
        license="CC-BY-4.0",
        alt="A",
        handle="ana",
        role="writer",
        name=None,
    )
    return Draft(**{**base, **fields})


def read_back(text: str):
    tree, issues = parse_yaml(text)
    assert issues == []
    return read_record("a-record", tree, "records/a-record/record.yaml")


free_text = (
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)
    .map(str.strip)
    .filter(lambda s: s and text_problem("title", s) is None)
)


@settings(max_examples=300, deadline=None)
@given(free_text)
@example("NO")
@example("title: x # y")
@example('- "it\'s"')
def test_free_text_round_trips_exactly(value):
    record, problems = read_back(
        render_record_yaml(
            draft(title=value, alt=value, name=value[:100].strip() or "x"), DEFAULT_ALLOWED
        )
    )
    assert problems == []
    assert record.title == value and record.alt == value
    assert record.contributors[0].name == (value[:100].strip() or "x")


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_titles_round_trip(value):
    if text_problem("title", value):
        pytest.skip("not a valid title")
    record, problems = read_back(render_record_yaml(draft(title=value), DEFAULT_ALLOWED))
    assert problems == [] and record.title == value


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=50))
def test_yaml_text_reads_back_as_the_same_text(value):
    tree, issues = parse_yaml(f"k: {yaml_text(value)}\n")
    assert issues == [] and tree.get("k") in (Scalar(value, 1, True), Scalar(value, 1, False))


def test_plain_where_it_reads_the_same_quoted_where_not():
    assert yaml_text("Harbour at dawn") == "Harbour at dawn"
    assert yaml_text("Ça va — déjà vu") == "Ça va — déjà vu"
    assert [yaml_text(v) for v in ("NO", "a: b", "#x", "- x", "2024-05-01", " x")] == [
        '"NO"',
        '"a: b"',
        '"#x"',
        '"- x"',
        '"2024-05-01"',
        '" x"',
    ]
    assert yaml_text('say "hi"\n') == '"say \\"hi\\"\\x0a"'


def test_placeholder_rendering():
    text = render_record_yaml(
        draft(license=None, alt=None, handle=None, role=None), ("CC0-1.0", "CC-BY-4.0")
    )
    assert "alt:  # FILL ME: describe what is seen" in text
    assert (
        "  - handle:  # FILL ME: your handle" in text
        and "    role:  # FILL ME: what you did" in text
    )
    assert (
        "#   CC0-1.0    anyone may use and remix it, no credit required (public domain)\n"
        "#   CC-BY-4.0  anyone may remix it, crediting you\nlicense:\ncreated: 2024-05-01\n" in text
    )
    assert "alt" not in render_record_yaml(
        draft(type="audio", file="a.wav", alt=None), ("CC0-1.0",)
    )


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Harbour at dawn", "harbour-at-dawn"),
        ("Ça va — déjà vu!", "ca-va-deja-vu"),
        ("Straße, Øresund & Łódź", "strasse-oresund-lodz"),
        ("  --IMG_0042--  ", "img-0042"),
        ("日本語", ""),
        ("word " * 30, ("word-" * 13)[:-1]),  # cut at a word boundary, within 64
        ("x" * 100, "x" * 64),
        ("a" * 40 + " " + "b" * 40, "a" * 40),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


@given(
    st.text(max_size=300),
    st.text(max_size=300) | st.none(),
    st.sampled_from(["text", "image", "audio", "video"]),
)
def test_derived_ids_are_always_valid(title, stem, kind):
    assert RECORD_ID.fullmatch(derive_id(title, stem, kind, dt.date(2024, 5, 1)))


def test_derived_id_fallbacks():
    assert derive_id("Ox", None, "image", dt.date(2024, 5, 1)) == "ox-image"
    assert derive_id("日本語", "photo 1", "image", dt.date(2024, 5, 1)) == "photo-1"
    assert derive_id(None, None, "text", dt.date(2024, 5, 1)) == "text-2024-05-01"


@pytest.mark.parametrize(
    "name, fmt, expected",
    [
        ("My Photo.JPG", "jpeg", "my-photo.jpg"),
        ("scan.jpeg", "jpeg", "scan.jpeg"),
        ("song.mp3", "flac", "song.flac"),  # the content decides the extension
        ("voice memo", "m4a", "voice-memo.m4a"),
        ("con.png", "png", "image.png"),  # Windows reserves "con"
        ("日本.webp", "webp", "image.webp"),
        ("-rf.txt", "text", "rf.txt"),
    ],
)
def test_media_file_name(name, fmt, expected):
    kind = sniff.FORMATS[fmt].kind
    assert media_file_name(name, sniff.FORMATS[fmt], kind) == expected


def test_humanise():
    assert humanise("harbour_at-dawn") == "Harbour at dawn"
    assert humanise("IMG_0042") == "IMG 0042"
    assert humanise("___") == ""


def test_a_failed_fill_leaves_nothing(tmp_path):
    records = tmp_path / "records"
    records.mkdir()

    def fill(folder: Path) -> None:
        (folder / "record.yaml").write_text("half")
        raise CommandError("boom")

    with pytest.raises(CommandError):
        create_folder(records, "half-made", fill)
    assert list(records.iterdir()) == []
