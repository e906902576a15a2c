"""`showcase new --timeline ID ...` as a contributor runs it: a subprocess on a small real archive
(media made with ffmpeg), the timeline read back with OpenTimelineIO, then `showcase check`."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import textwrap
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from builder.media.tools import find_tools
from tests.archive_factory import image_record, make_archive, text_record
from tests.conftest import run_showcase
from tests.media.fixtures import ffmpeg
from tests.test_new import new, no_leftovers, snapshot

FLAGS = (
    "--license",
    "CC-BY-SA-4.0",
    "--handle",
    "ana",
    "--role",
    "editor",
    "--alt",
    "A short cut.",
)


def _record(root: Path, rid: str, kind: str, file: str, extra: str = "") -> Path:
    folder = root / "records" / rid
    folder.mkdir(parents=True, exist_ok=True)
    alt = "alt: Colour bars.\n" if kind == "video" else ""
    (folder / "record.yaml").write_text(
        textwrap.dedent(f"""\
        title: {rid.replace("-", " ").title()}
        type: {kind}
        file: {file}
        contributors:
          - {{handle: bo, role: maker}}
        license: CC-BY-4.0
        created: 2024-05-03
        """)
        + alt
        + extra
    )
    return folder


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return small_archive(tmp_path_factory.mktemp("timeline"))


def small_archive(root: Path) -> Path:
    """A text, an image, a 2.5 s video with sound, a 1.5 s silent one, a 1.7 s sound and a
    withdrawn text."""
    root = make_archive(root)
    text_record(root, "card")
    image_record(root, "photo")
    folder = _record(root, "clip", "video", "clip.mp4")
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x90:rate=25:duration=2.5",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:duration=2.5",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        str(folder / "clip.mp4"),
    )
    folder = _record(root, "mute", "video", "mute.mp4")
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x90:rate=30:duration=1.5",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        str(folder / "mute.mp4"),
    )
    folder = _record(root, "tune", "audio", "tune.wav")
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:duration=1.7", str(folder / "tune.wav"))
    _record(root, "gone", "text", "gone.md", "withdrawn:\n  date: 2024-06-01\n  reason: asked\n")
    (root / "records" / "gone" / "gone.md").write_text("# gone\n\ntext\n")
    return root


def _fresh(archive: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(archive, tmp_path / "a"))


def _timeline(path: Path) -> otio.schema.Timeline:
    return otio.core.deserialize_json_from_string(path.read_text(encoding="utf-8"))


def _seconds(item) -> Fraction:  # noqa: ANN001 - an OpenTimelineIO item
    d = item.duration()
    return Fraction(round(d.value)) / Fraction(d.rate)


def _probe_duration(path: Path) -> float:
    out = subprocess.run(
        [find_tools().ffprobe, "-v", "error", "-of", "json", "-show_format", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(json.loads(out)["format"]["duration"])


def test_lays_records_one_after_another(archive, tmp_path):
    root = _fresh(archive, tmp_path)
    proc = new(
        root, "--timeline", "card", "clip", "photo", "mute", "tune", "--title", "First Cut", *FLAGS
    )
    assert proc.returncode == 0, proc.stderr
    assert "Created records/first-cut/: first-cut.otio" in proc.stdout
    timeline = _timeline(root / "records" / "first-cut" / "first-cut.otio")
    assert timeline.name == "First Cut"
    raw = json.loads((root / "records" / "first-cut" / "first-cut.otio").read_text())
    assert raw["metadata"]["showcase"] == {
        "roll": {"enabled": True, "seconds": 8},
        "size": [1280, 720],
    }
    (v1,), (a1, a2) = timeline.video_tracks(), timeline.audio_tracks()

    clips = list(v1.find_clips())
    assert [c.media_reference.target_url for c in clips] == [
        "showcase:card",
        "showcase:clip",
        "showcase:photo",
        "showcase:mute",
    ]
    # Recordings last their measured length (whole frames, rounded down); stills and cards a few s.
    clip_frames = math.floor(_probe_duration(root / "records/clip/clip.mp4") * 25)
    mute_frames = math.floor(_probe_duration(root / "records/mute/mute.mp4") * 25)
    assert [_seconds(c) for c in clips] == [
        4,
        Fraction(clip_frames, 25),
        5,
        Fraction(mute_frames, 25),
    ]
    assert [c.source_range.start_time.value for c in clips] == [0, 0, 0, 0]
    assert dict(clips[0].metadata["showcase"]) == {"style": "title"}
    assert dict(clips[2].metadata["showcase"]) == {"zoom": 1.05}
    # One after another: each starts where the previous ends (OpenTimelineIO's own arithmetic).
    starts = [v1.range_of_child(c).start_time.to_seconds() for c in clips]
    assert starts == pytest.approx([0, 4, 4 + clip_frames / 25, 9 + clip_frames / 25])

    # The video's sound under its picture, gaps elsewhere; the silent video has none.
    assert [type(i).__name__ for i in a1] == ["Gap", "Clip", "Gap", "Gap"]
    assert a1[1].media_reference.target_url == "showcase:clip"
    assert a1.range_of_child_at_index(1) == v1.range_of_child(clips[1])
    # The audio record on its own track, from the start.
    (tune,) = a2.find_clips()
    assert tune.media_reference.target_url == "showcase:tune"
    tune_frames = math.floor(_probe_duration(root / "records/tune/tune.wav") * 25)
    assert _seconds(tune) == Fraction(tune_frames, 25)

    text = (root / "records" / "first-cut" / "record.yaml").read_text()
    assert "type: video\nfile: first-cut.otio\nkind: production\n" in text
    assert "sources:\n  - card\n  - clip\n  - photo\n  - mute\n  - tune\n" in text


def test_the_scaffold_passes_check(archive, tmp_path):
    root = _fresh(archive, tmp_path)
    proc = new(root, "--timeline", "clip", "photo", "--id", "cut", "--title", "Cut", *FLAGS)
    assert proc.returncode == 0, proc.stderr
    result = run_showcase("check", "--format", "json", cwd=root)
    problems = [p for p in json.loads(result.out)["problems"] if p["record"] == "cut"]
    assert problems == []


def test_unfilled_fields_are_fill_me(archive, tmp_path):
    root = _fresh(archive, tmp_path)
    proc = new(root, "--timeline", "card", "photo", "--id", "draft-cut")
    assert proc.returncode == 0, proc.stderr
    text = (root / "records" / "draft-cut" / "record.yaml").read_text()
    assert "title:  # FILL ME" in text and "alt:  # FILL ME" in text and "license:\n" in text
    result = run_showcase("check", "--format", "json", cwd=root)
    problems = json.loads(result.out)["problems"]
    codes = sorted(p["code"] for p in problems if p["record"] == "draft-cut")
    assert codes == ["missing-alt", *["missing-field"] * 4]


def test_only_sound_makes_an_audio_production(archive, tmp_path):
    root = _fresh(archive, tmp_path)
    proc = new(root, "--timeline", "tune", "tune", "--id", "two-tunes", *FLAGS[:6])
    assert proc.returncode == 0, proc.stderr
    text = (root / "records" / "two-tunes" / "record.yaml").read_text()
    assert "type: audio\n" in text and "alt:" not in text
    assert "sources:\n  - tune\ncreated" in text  # used twice, listed once
    timeline = _timeline(root / "records" / "two-tunes" / "two-tunes.otio")
    assert timeline.video_tracks() == []
    (track,) = timeline.audio_tracks()
    assert [c.name for c in track.find_clips()] == ["Tune", "Tune"]
    assert "--out preview.mp3" in proc.stdout


@pytest.mark.parametrize(
    "ids, said",
    [
        (("card", "nowhere"), "record 'nowhere' does not exist"),
        (("gone",), "record 'gone' is withdrawn"),
    ],
)
def test_refuses_ids_it_cannot_use(archive, tmp_path, ids, said):
    root = _fresh(archive, tmp_path)
    before = snapshot(root / "records")
    proc = new(root, "--timeline", *ids, "--id", "bad-cut", *FLAGS)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and said in proc.stderr, proc.stderr
    assert snapshot(root / "records") == before and no_leftovers(root)


def test_refuses_a_timeline_inside_a_timeline_and_a_taken_id(archive, tmp_path):
    root = _fresh(archive, tmp_path)
    assert new(root, "--timeline", "clip", "--id", "cut", "--title", "Cut", *FLAGS).returncode == 0
    nested = new(root, "--timeline", "cut", "--id", "cut-of-cut", *FLAGS)
    assert nested.returncode == 2 and "'cut' is a timeline itself" in nested.stderr
    taken = new(root, "--timeline", "clip", "--id", "cut", *FLAGS)
    assert taken.returncode == 2 and "records/cut already exists" in taken.stderr
    assert not (root / "records" / "cut-of-cut").exists() and no_leftovers(root)


def test_refuses_a_file_with_timeline(archive, tmp_path):
    root = _fresh(archive, tmp_path)
    proc = new(root, str(root / "records/photo/photo.jpg"), "--timeline", "photo")
    assert proc.returncode == 2 and "--timeline takes record ids only" in proc.stderr


def test_refuses_source_with_timeline(archive, tmp_path):
    """--source would be silently dropped: a timeline's sources are the records it cuts."""
    root = _fresh(archive, tmp_path)
    before = snapshot(root / "records")
    proc = new(root, "--timeline", "clip", "--source", "photo", "--id", "cut", *FLAGS)
    assert proc.returncode == 2 and "--timeline writes its sources itself" in proc.stderr
    assert snapshot(root / "records") == before and no_leftovers(root)
