"""`showcase timeline import`: real EDL and FCP 7 XML files, written here with OpenTimelineIO's
own adapters from a cut that points at local copies of records' files (tiny media made with
ffmpeg), imported through the real CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import opentimelineio as otio
import pytest
import yaml

from builder.timeline.importer import _adapter
from builder.timeline.read import read_timeline
from tests.archive_factory import MKDOCS_YML
from tests.conftest import ROOT, run_showcase
from tests.media.fixtures import ffmpeg

RATE = 25
HOUR = 3600 * RATE  # a camera file whose timecode starts at 01:00:00:00
RECORDS = {  # id -> (type, file name)
    "harbour": ("video", "harbour.mp4"),
    "gulls": ("video", "gulls.mp4"),
    "theme": ("audio", "theme.wav"),
}


# --- media, archive and the editor's copies ---------------------------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two 2-second 160x90 videos and a 3-second tone: different bytes each."""
    folder = tmp_path_factory.mktemp("media")
    video = [
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        "-map_metadata",
        "-1",
    ]
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"testsrc=size=160x90:rate={RATE}:duration=2",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:duration=2",
        *video,
        str(folder / "harbour.mp4"),
    )
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"smptebars=size=160x90:rate={RATE}:duration=2",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=660:duration=2",
        *video,
        str(folder / "gulls.mp4"),
    )
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=220:duration=3",
        "-ar",
        "8000",
        "-ac",
        "1",
        str(folder / "theme.wav"),
    )
    return {rid: folder / name for rid, (_, name) in RECORDS.items()}


@pytest.fixture
def archive(tmp_path: Path, media: dict[str, Path]) -> Path:
    root = tmp_path / "archive"
    (root / "content").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Test archive\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    for rid, (kind, name) in RECORDS.items():
        folder = root / "records" / rid
        folder.mkdir(parents=True)
        shutil.copyfile(media[rid], folder / name)
        alt = "alt: Test pattern.\n" if kind == "video" else ""
        (folder / "record.yaml").write_text(
            f"title: {rid.title()}\ntype: {kind}\nfile: {name}\n{alt}contributors:\n"
            "  - {handle: ana, role: filmmaker}\nlicense: CC-BY-4.0\ncreated: 2024-05-01\n"
        )
    return root


@pytest.fixture
def copies(tmp_path: Path, media: dict[str, Path]) -> dict[str, Path]:
    """The editor's local copies, renamed as editors' media usually are: only bytes match."""
    folder = tmp_path / "editor" / "Media Pool"
    folder.mkdir(parents=True)
    names = {"harbour": "A001_C003 take 2.mp4", "gulls": "Shot B.mp4", "theme": "mix bed.wav"}
    for rid, name in names.items():
        shutil.copyfile(media[rid], folder / name)
    return {rid: folder / name for rid, name in names.items()}


# --- the editor's cut -------------------------------------------------------------------------


def frames(start: int, duration: int) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(start, RATE), otio.opentime.RationalTime(duration, RATE)
    )


def cut(
    urls: dict[str, str], *, audio: bool = True, camera_timecode: bool = True
) -> otio.schema.Timeline:
    """V1: harbour, a dissolve, gulls, a gap; A1: theme. Harbour is a camera file whose
    timecode starts at 01:00:00:00; the clip on the timeline carries a marker."""
    start = HOUR if camera_timecode else 0
    timeline = otio.schema.Timeline("Harbour Morning")
    video = otio.schema.Track("V1", kind=otio.schema.TrackKind.Video)
    harbour = otio.schema.Clip(
        "harbour wide",
        otio.schema.ExternalReference(urls["harbour"], available_range=frames(start, 50)),
        frames(start + 5, 25),
    )
    harbour.markers.append(otio.schema.Marker("gull cries", frames(start + 10, 0)))
    video.append(harbour)
    video.append(
        otio.schema.Transition(
            "dissolve",
            otio.schema.TransitionTypes.SMPTE_Dissolve,
            otio.opentime.RationalTime(5, RATE),
            otio.opentime.RationalTime(5, RATE),
        )
    )
    video.append(
        otio.schema.Clip(
            "gulls",
            otio.schema.ExternalReference(urls["gulls"], available_range=frames(0, 50)),
            frames(10, 30),
        )
    )
    video.append(otio.schema.Gap(source_range=frames(0, 10)))
    timeline.tracks.append(video)
    if audio:
        sound = otio.schema.Track("A1", kind=otio.schema.TrackKind.Audio)
        sound.append(
            otio.schema.Clip(
                "theme",
                otio.schema.ExternalReference(urls["theme"], available_range=frames(0, 75)),
                frames(0, 60),
            )
        )
        timeline.tracks.append(sound)
    return timeline


def fcp_xml(timeline: otio.schema.Timeline) -> str:
    return _adapter("otio_fcp_adapter", "fcp_xml").write_to_string(timeline)


def edl(timeline: otio.schema.Timeline) -> str:
    return _adapter("otio_cmx3600_adapter", "cmx_3600").write_to_string(timeline, rate=RATE)


def file_urls(paths: dict[str, Path]) -> dict[str, str]:
    return {rid: path.as_uri() for rid, path in paths.items()}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def imported(root: Path, rid: str) -> tuple[str, dict]:
    """(the .otio's text, record.yaml) of an imported record."""
    text = (root / "records" / rid / f"{rid}.otio").read_text()
    record = yaml.safe_load((root / "records" / rid / "record.yaml").read_text())
    return text, record


def archive_reads(root: Path, rid: str):
    """The imported timeline as the archive's own reader sees it: inside the subset of SPEC
    section 6, no problem at all."""
    data = (root / "records" / rid / f"{rid}.otio").read_bytes()
    edit, problems = read_timeline(
        data, f"records/{rid}/{rid}.otio", rid, {r: kind for r, (kind, _) in RECORDS.items()}
    )
    assert problems == []
    return edit


def target_urls(timeline: otio.schema.Timeline) -> list[str]:
    return [clip.media_reference.target_url for clip in timeline.find_clips()]


# --- matching ---------------------------------------------------------------------------------


def test_fcp_xml_clips_match_records_by_content(
    archive: Path, copies: dict[str, Path], tmp_path: Path
):
    source = write(tmp_path / "editor" / "Harbour Morning.xml", fcp_xml(cut(file_urls(copies))))
    run = run_showcase("timeline", "import", str(source), "--id", "harbour-morning", cwd=archive)
    assert run.code == 0, run.err
    assert "Created records/harbour-morning/" in run.out
    assert "by file name only" not in run.out  # every clip matched by its bytes
    assert (
        "Still to fill in records/harbour-morning/record.yaml (marked FILL ME): title, alt"
        in run.out
    )

    text, record = imported(archive, "harbour-morning")
    timeline = otio.adapters.read_from_string(text, "otio_json")
    assert target_urls(timeline) == ["showcase:harbour", "showcase:gulls", "showcase:theme"]
    assert str(tmp_path) not in text and "Media Pool" not in text  # no path of this machine
    assert record["kind"] == "production" and record["type"] == "video"
    assert record["file"] == "harbour-morning.otio"
    assert record["sources"] == ["harbour", "theme", "gulls"]  # first appearance: 0 s, 0 s, 1 s
    assert record["title"] is None and record["license"] is None  # FILL ME: only a person knows

    harbour = timeline.find_clips()[0]
    # The camera file's timecode (01:00:00:00) is gone: the clip is on the record's own clock.
    assert harbour.source_range == frames(5, 25)
    assert harbour.media_reference.available_range == frames(0, 50)
    assert [m.name for m in harbour.markers] == ["gull cries"]  # the editor's marker is kept
    assert harbour.name == "harbour wide"

    edit = archive_reads(archive, "harbour-morning")
    assert [t.kind for t in edit.tracks] == ["video", "audio"]
    assert [
        (c.record_id, float(c.start), float(c.source_start), float(c.duration)) for c in edit.clips
    ] == [("harbour", 0, 0.2, 1), ("gulls", 1, 0.4, 1.2), ("theme", 0, 0, 2.4)]


def test_edl_with_a_dissolve_matches_by_content(
    archive: Path, copies: dict[str, Path], tmp_path: Path
):
    # An EDL brings a dissolve's incoming clip in only through a `TO CLIP:` comment.
    text = edl(cut(file_urls(copies), audio=False, camera_timecode=False))
    assert "TO CLIP:" in text and " D " in text
    source = write(tmp_path / "editor" / "cut.edl", text)
    run = run_showcase(
        "timeline",
        "import",
        str(source),
        "--id",
        "harbour-edl",
        "--rate",
        "25",
        "--title",
        "Harbour, the EDL",
        cwd=archive,
    )
    assert run.code == 0, run.err
    text, record = imported(archive, "harbour-edl")
    timeline = otio.adapters.read_from_string(text, "otio_json")
    assert target_urls(timeline) == ["showcase:harbour", "showcase:gulls"]
    assert [type(i).__name__ for i in timeline.tracks[0]] == ["Clip", "Transition", "Clip"]
    assert record["sources"] == ["harbour", "gulls"] and record["title"] == "Harbour, the EDL"
    assert str(tmp_path) not in text  # the EDL's comments repeated the paths: dropped
    assert archive_reads(archive, "harbour-edl").record_ids == ("harbour", "gulls")


def test_name_fallback_when_the_files_are_not_here(archive: Path, tmp_path: Path):
    # Another machine's paths: a Windows drive, a folder that does not exist here, and a file
    # that exists but is a proxy (other bytes) named as the record's file.
    proxy = tmp_path / "proxies" / "THEME.WAV"
    proxy.parent.mkdir()
    proxy.write_bytes(b"RIFF not the record's bytes")
    urls = {
        "harbour": "file:///C:/Users/ana/Videos/harbour.mp4",
        "gulls": "/Volumes/shoot/day 2/gulls.mov",
        "theme": proxy.as_uri(),
    }
    source = write(tmp_path / "cut.xml", fcp_xml(cut(urls, camera_timecode=False)))
    run = run_showcase("timeline", "import", str(source), "--id", "by-name", cwd=archive)
    assert run.code == 0, run.err
    assert (
        "Matched by file name only, not by content (check these are the right records): "
        "gulls, harbour, theme" in run.out
    )
    text, _ = imported(archive, "by-name")
    assert target_urls(otio.adapters.read_from_string(text, "otio_json")) == [
        "showcase:harbour",
        "showcase:gulls",
        "showcase:theme",
    ]
    assert "ana" not in text and "Volumes" not in text


def test_unmatched_clips_are_listed_and_nothing_is_written(
    archive: Path, copies: dict[str, Path], tmp_path: Path
):
    stranger = tmp_path / "editor" / "interview.mp4"
    stranger.write_bytes(b"\x00\x00\x00\x18ftypmp42 someone else's interview")
    urls = {**file_urls(copies), "gulls": stranger.as_uri(), "theme": "file:///elsewhere/bed.wav"}
    source = write(tmp_path / "editor" / "cut.xml", fcp_xml(cut(urls)))
    before = sorted(p.name for p in (archive / "records").iterdir())
    run = run_showcase("timeline", "import", str(source), "--id", "harbour-morning", cwd=archive)
    assert run.code == 1
    assert run.out.splitlines() == [
        f"{source}: 2 clips match no record; nothing was written:",
        f"  V1 item 3 'gulls' at 00:00:01:00 (1 s): {stranger.as_uri()} matches no record "
        "by content or by name",
        "  A1 item 1 'theme' at 00:00:00:00 (0 s): file:///elsewhere/bed.wav matches no record "
        "by content or by name",
        "Add each missing file as a record first (showcase new FILE), or edit with the records' "
        "own files, then import again.",
    ]
    # Not the record, nor a hidden temporary folder.
    assert sorted(p.name for p in (archive / "records").iterdir()) == before


def test_an_existing_id_is_refused(archive: Path, copies: dict[str, Path], tmp_path: Path):
    source = write(tmp_path / "cut.xml", fcp_xml(cut(file_urls(copies))))
    record_yaml = (archive / "records" / "gulls" / "record.yaml").read_text()
    run = run_showcase("timeline", "import", str(source), "--id", "Gulls", cwd=archive)
    assert run.code == 2 and run.out == ""
    assert run.err == (
        "showcase timeline: error: --id 'Gulls': an id is 3-64 lowercase letters, "
        "digits and -, starting and ending with a letter or digit\n"
    )
    run = run_showcase("timeline", "import", str(source), "--id", "gulls", cwd=archive)
    assert run.code == 2 and run.out == ""
    assert run.err == (
        "showcase timeline: error: records/gulls already exists: choose another id "
        "(with --id); nothing was changed\n"
    )
    assert (archive / "records" / "gulls" / "record.yaml").read_text() == record_yaml
    assert sorted(p.name for p in (archive / "records" / "gulls").iterdir()) == [
        "gulls.mp4",
        "record.yaml",
    ]


@pytest.mark.parametrize(
    "content, extra, message",
    [
        (None, (), "no such file"),
        ("just some notes\n", (), "not an OpenTimelineIO (.otio), CMX 3600 EDL or FCP 7 XML file"),
        (
            "<?xml version='1.0'?>\n<xmeml version='4'><sequence>",
            (),
            "could not read it as FCP 7 XML",
        ),
        (
            "TITLE: x\n001  AX  V  C  00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\n",
            (),
            "an EDL does not say its frame rate: give it with --rate (e.g. 25)",
        ),
        ("TITLE: x\n", ("--rate", "23"), "--rate '23' is not a frame rate a timeline may use"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(archive: Path, tmp_path: Path, content, extra, message):
    source = tmp_path / "export"
    if content is not None:
        source.write_text(content)
    run = run_showcase("timeline", "import", str(source), "--id", "new-cut", *extra, cwd=archive)
    assert run.code == 2 and run.out == ""
    assert len(run.err.splitlines()) == 1 and message in run.err, run.err
    assert "Traceback" not in run.err
    assert not (archive / "records" / "new-cut").exists()


# --- round trip -------------------------------------------------------------------------------


def shape(timeline: otio.schema.Timeline) -> list:
    """What a tool that reads OTIO sees of a cut: tracks, where each item sits, which part of
    its media each clip plays (on the media's own clock), and every transition."""
    tracks = []
    for track in timeline.tracks:
        items = []
        for item in track:
            if isinstance(item, otio.schema.Transition):
                items.append(("transition", item.transition_type, item.in_offset, item.out_offset))
                continue
            entry = [type(item).__name__, item.name, item.range_in_parent()]
            if isinstance(item, otio.schema.Clip):
                media_start = item.media_reference.available_range.start_time
                entry += [item.source_range.start_time - media_start, item.source_range.duration]
            items.append(tuple(entry))
        tracks.append((track.kind, items))
    return tracks


def test_round_trip_through_opentimelineio(archive: Path, copies: dict[str, Path], tmp_path: Path):
    source = write(tmp_path / "cut.xml", fcp_xml(cut(file_urls(copies))))
    editor = _adapter("otio_fcp_adapter", "fcp_xml").read_from_string(source.read_text())
    run = run_showcase("timeline", "import", str(source), "--id", "round-trip", cwd=archive)
    assert run.code == 0, run.err

    path = archive / "records" / "round-trip" / "round-trip.otio"
    opened = otio.adapters.read_from_file(str(path))  # as any tool that reads .otio opens it
    again = otio.adapters.read_from_string(
        otio.adapters.write_to_string(opened, "otio_json"), "otio_json"
    )
    assert again.is_equivalent_to(opened)
    assert shape(again) == shape(editor)  # same tracks, clip ranges and transitions as the editor's
    assert [t.kind for t in again.tracks] == ["Video", "Audio"]
    assert any(isinstance(i, otio.schema.Transition) for i in again.tracks[0])
    assert again.duration() == editor.duration()


# --- adapters stay out of builds --------------------------------------------------------------


# The adapter packages and modules, and OpenTimelineIO's adapter entry points (which discover
# plugins from the environment and run its media linker).
ADAPTER_NAMES = re.compile(
    r"otio_cmx3600_adapter|otio_fcp_adapter|cmx_3600|fcp_xml"
    r"|adapters\.(read_from_|write_to_|otio_json)"
)


def test_no_builder_module_but_the_importer_names_an_adapter():
    naming = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "builder").rglob("*.py")
        if ADAPTER_NAMES.search(p.read_text(encoding="utf-8"))
    ]
    assert naming == ["builder/timeline/importer.py"]


def test_loading_the_builder_imports_no_adapter(
    archive: Path, copies: dict[str, Path], tmp_path: Path
):
    # An archive with an imported production, checked the way a build checks it, after the CLI
    # (every command registered, `timeline import` too), the build pipeline and the mkdocs
    # plugin are imported: no adapter module gets loaded.
    source = write(tmp_path / "cut.xml", fcp_xml(cut(file_urls(copies))))
    assert run_showcase("timeline", "import", str(source), "--id", "cut", cwd=archive).code == 0
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "import builder.cli, builder.pipeline, builder.plugin, builder.check\n"
        "builder.cli._parser()\n"
        "report, loaded = builder.check.check_archive(Path(sys.argv[1]))\n"
        "assert report.checked == 4, report\n"
        "print([m for m in sys.modules if m.startswith(('otio_cmx3600', 'otio_fcp')) "
        "or m.endswith(('.fcp_xml', '.cmx_3600'))])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(archive)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
