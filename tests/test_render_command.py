"""`showcase render ID [--out FILE]` through the real CLI: the refusals, the problems in check's
words, and a real render of a small scaffolded timeline (frames, sound, duration, the roll, the
cache)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import opentimelineio as otio
import pytest
from PIL import Image

from builder.media.tools import find_tools
from tests.conftest import run_showcase
from tests.test_new_timeline import FLAGS, new, small_archive

RENDERER = importlib.util.find_spec("builder.media.render") is not None
needs_renderer = pytest.mark.skipif(not RENDERER, reason="the timeline renderer has not landed yet")
ROLL = 3  # seconds: the roll of the test timeline, as short as a timeline may set


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The small archive with one scaffolded production: a card, the video, the photo, and the
    tune under them; its roll set to ROLL seconds."""
    root = small_archive(tmp_path_factory.mktemp("render"))
    proc = new(
        root, "--timeline", "card", "clip", "photo", "tune", "--id", "cut", "--title", "Cut", *FLAGS
    )
    assert proc.returncode == 0, proc.stderr
    path = root / "records" / "cut" / "cut.otio"
    timeline = otio.core.deserialize_json_from_string(path.read_text())
    timeline.metadata["showcase"]["roll"]["seconds"] = ROLL
    path.write_text(otio.core.serialize_json_to_string(timeline, indent=2))
    return root


@pytest.fixture
def root(archive, tmp_path) -> Path:
    return Path(shutil.copytree(archive, tmp_path / "a", ignore=shutil.ignore_patterns(".cache")))


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rid, said",
    [
        ("nowhere", "showcase render: error: no record 'nowhere' in records/\n"),
        ("cutt", "showcase render: error: no record 'cutt' in records/ (did you mean 'cut'?)\n"),
        (
            "clip",
            "showcase render: error: 'clip' is not a timeline: its file is clip.mp4, and only a "
            "production whose `file` is an .otio timeline is rendered\n",
        ),
        ("gone", "showcase render: error: 'gone' is withdrawn: it is not rendered\n"),
    ],
)
def test_refuses_what_is_not_a_timeline(root, rid, said):
    result = run_showcase("render", rid, "--out", "x.mp4", cwd=root)
    assert (result.code, result.out, result.err) == (2, "", said)
    assert not (root / "x.mp4").exists()


def test_problems_of_the_record_stop_it_in_checks_words(root):
    yaml = root / "records" / "cut" / "record.yaml"
    yaml.write_text(yaml.read_text().replace("license: CC-BY-SA-4.0", "license: CC-BY-NC-4.0"))
    check = run_showcase("check", cwd=root)
    result = run_showcase("render", "cut", "--out", "x.mp4", cwd=root)
    assert result.code == 1 and check.code == 1
    mine = [line for line in check.out.splitlines() if line.startswith("records/cut/")]
    shown = [line for line in result.out.splitlines() if line.startswith("records/")]
    assert mine and shown == mine
    assert not (root / "x.mp4").exists()


def test_a_timeline_problem_stops_it_in_checks_words(root):
    yaml = root / "records" / "cut" / "record.yaml"
    yaml.write_text(yaml.read_text().replace("  - photo\n", ""))  # used, no longer a source
    check = run_showcase("check", cwd=root)
    result = run_showcase("render", "cut", "--out", "x.mp4", cwd=root)
    assert (result.code, check.code) == (1, 1)
    assert "timeline-source" in result.out and "photo" in result.out
    assert result.out == check.out
    assert not (root / "x.mp4").exists()


def test_an_unreadable_record_exits_1_with_its_problems(root):
    yaml = root / "records" / "cut" / "record.yaml"
    yaml.write_text(yaml.read_text().replace("title: Cut\n", "title:\n"))
    result = run_showcase("render", "cut", cwd=root)
    assert result.code == 1
    assert "records/cut/record.yaml:3: missing-field: `title` is empty" in result.out


# --- a real render ----------------------------------------------------------------------------


def _probe(path: Path) -> dict:
    out = subprocess.run(
        [
            find_tools().ffprobe,
            "-v",
            "error",
            "-of",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _frame(video: Path, at: float, dest: Path) -> Image.Image:
    subprocess.run(
        [
            find_tools().ffmpeg,
            "-v",
            "error",
            "-y",
            "-ss",
            f"{at}",
            "-i",
            str(video),
            "-frames:v",
            "1",
            str(dest),
        ],
        check=True,
        timeout=60,
    )
    return Image.open(dest).convert("RGB")


def _volume(media: Path, start: float, length: float) -> float:
    proc = subprocess.run(
        [
            find_tools().ffmpeg,
            "-v",
            "info",
            "-ss",
            f"{start}",
            "-t",
            f"{length}",
            "-i",
            str(media),
            "-af",
            "volumedetect",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = next(x for x in proc.stderr.splitlines() if "mean_volume" in x)
    return float(line.split("mean_volume:")[1].split("dB")[0])


@needs_renderer
def test_renders_the_cut_with_its_roll(root, tmp_path):
    out = tmp_path / "preview.mp4"
    result = run_showcase("render", "cut", "--out", str(out), cwd=root, timeout=300)
    assert result.code == 0, result.out + result.err
    assert result.out.startswith("cut: rendered, ") and result.out.rstrip().endswith(str(out))
    timeline = otio.core.deserialize_json_from_string((root / "records/cut/cut.otio").read_text())
    cut = timeline.duration().to_seconds()
    data = _probe(out)
    assert {s["codec_type"] for s in data["streams"]} == {"video", "audio"}
    assert float(data["format"]["duration"]) == pytest.approx(cut + ROLL, abs=0.1)
    # The photo (teal) is on screen in its slot: card 4 s, clip 2.48 s, then the photo 5 s.
    photo = _frame(out, 4 + 2.48 + 2.5, tmp_path / "photo.png").resize((1, 1)).getpixel((0, 0))
    assert photo[0] < 60 and photo[1] > 90 and photo[2] > 90, photo
    # The tune (1.7 s) plays from the start; the clip's own sound (a 440 Hz tone) under its picture.
    assert _volume(out, 0.2, 1.2) > -40
    assert _volume(out, 4.3, 1.8) > -40
    # A second render is the cached one, byte for byte.
    again = tmp_path / "again.mp4"
    second = run_showcase("render", "cut", "--out", str(again), cwd=root, timeout=300)
    assert second.code == 0 and "already rendered (from the cache)" in second.out
    assert again.read_bytes() == out.read_bytes()


@needs_renderer
def test_problems_elsewhere_are_only_counted(root, tmp_path):
    (root / "records" / "mute" / "mute.mp4").write_bytes(b"\x00" * 64)  # not used by the cut
    assert run_showcase("check", cwd=root).code == 1
    result = run_showcase("render", "cut", "--out", str(tmp_path / "p.mp4"), cwd=root, timeout=300)
    assert result.code == 0, result.out + result.err
    assert "note: 1 problem elsewhere in the archive" in result.err


@needs_renderer
def test_out_may_be_a_folder_and_without_it_the_cache_path_is_printed(root, tmp_path):
    result = run_showcase("render", "cut", "--out", str(tmp_path), cwd=root, timeout=300)
    assert result.code == 0, result.err
    assert (tmp_path / "cut.mp4").stat().st_size > 0
    bare = run_showcase("render", "cut", cwd=root, timeout=300)
    assert bare.code == 0
    cached = Path(bare.out.rstrip().rsplit(": ", 1)[1])
    assert cached.is_file() and cached.read_bytes() == (tmp_path / "cut.mp4").read_bytes()
