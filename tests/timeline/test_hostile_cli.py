"""Hostile timelines through the real `showcase check`, as a subprocess: each is a problem
on its record (exit 1), never a crash, a traceback or a hang."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_showcase
from tests.media.fixtures import ffmpeg
from tests.timeline.helpers import (
    clip,
    dissolve,
    gap,
    good_timeline,
    make_archive,
    make_media,
    otio_bytes,
    timeline,
)

GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_media(tmp_path_factory.mktemp("media"))


def check(tmp_path: Path, media: Path, tl, *args: str, **kw) -> tuple[int, list[str], str]:
    root = make_archive(tmp_path / "archive", media, tl, **kw)
    result = run_showcase("check", *args, cwd=root, timeout=300)
    assert "Traceback" not in result.out + result.err
    problems = [line for line in result.out.splitlines() if re.match(r"^\S+:\d+: ", line)]
    return result.code, problems, result.err


def result_line(tmp_path: Path) -> str:
    return run_showcase("check", cwd=tmp_path / "archive").out.strip().splitlines()[-1]


def codes(lines: list[str]) -> list[str]:
    return [m.group(1) for line in lines if (m := re.match(r"^\S+:\d+: ([a-z-]+): ", line))]


def test_a_good_timeline_passes(tmp_path, media):
    code, lines, err = check(tmp_path, media, good_timeline())
    assert (code, lines, err) == (0, [], "")
    assert result_line(tmp_path) == "5 records checked: no problems."


def test_100000_levels_of_nesting_is_a_problem_not_a_crash(tmp_path, media):
    code, lines, err = check(tmp_path, media, b"[" * 100_000 + b"]" * 100_000)
    assert code == 1 and err == ""
    # (the file check may add that this is no timeline at all: a matter of sniffing)
    assert (
        "records/prod/edit.otio:1: timeline-limit: the JSON is nested more than 64 levels "
        "deep — export the timeline again from your editor"
    ) in lines


def test_50000_clips(tmp_path, media):
    tl = timeline(video=[clip("clip-a", 0, 1) for _ in range(50_000)])
    code, lines, _ = check(tmp_path, media, tl)
    assert code == 1 and codes(lines) == ["timeline-limit"]
    assert "over the limit of 4 MiB" in lines[0]


def test_2001_small_items(tmp_path, media):
    tl = timeline(video=[clip("clip-a", 0, 1)] + [gap(1) for _ in range(2000)])
    code, lines, _ = check(tmp_path, media, tl)
    assert code == 1 and codes(lines) == ["timeline-limit"]
    assert "more than 2000 clips, gaps and transitions" in lines[0]


@pytest.mark.parametrize(
    "old,new,words",
    [
        (b'"value": 50.0', b'"value": 1e400', "the number 1e400 is too large"),
        (b'"value": 50.0', b'"value": NaN', "NaN is not a number"),
        (b'"value": 50.0', b'"value": Infinity', "Infinity is not a number"),
        (b'"value": 50.0', b'"value": -50.0', "is -2 seconds long"),
        (b'"value": 12.0', b'"value": -12.0', "starts 0.48 seconds before the start of 'clip-a'"),
        (b'"rate": 25.0', b'"rate": 0.0', "the frame rate 0 is not one a production may use"),
    ],
)
def test_infinite_negative_and_rateless_times(tmp_path, media, old, new, words):
    data = otio_bytes(good_timeline())
    assert old in data
    code, lines, _ = check(tmp_path, media, data.replace(old, new, 1))
    assert code == 1 and codes(lines)[0] == "timeline-invalid", lines
    assert words in lines[0]


@pytest.mark.parametrize(
    "target",
    [
        "/etc/passwd",
        "../clip-a/clip.mp4",
        "clip.mp4",
        "https://example.com/clip.mp4",
        "file:///etc/passwd",
        "showcase:../../etc",
        "SHOWCASE:clip-a",
    ],
)
def test_references_to_paths_and_urls(tmp_path, media, target):
    data = otio_bytes(good_timeline()).replace(b'"showcase:photo-b"', f'"{target}"'.encode())
    code, lines, _ = check(tmp_path, media, data)
    assert code == 1 and codes(lines) == ["timeline-reference"]
    assert "only records resolve" in lines[0] and "track 1, item 4 'photo-b'" in lines[0]


def test_a_reference_to_a_withdrawn_record(tmp_path, media):
    code, lines, _ = check(tmp_path, media, good_timeline(), withdrawn=("photo-b",))
    assert code == 1 and "timeline-reference" in codes(lines)
    assert any("the record 'photo-b' is withdrawn" in line for line in lines)


def test_a_clip_of_a_record_outside_sources(tmp_path, media):
    code, lines, _ = check(tmp_path, media, good_timeline(), sources=["clip-a", "title-text"])
    assert code == 1
    assert lines == [
        "records/prod/record.yaml:9: timeline-source: edit.otio uses records that "
        "are not in `sources`: music-c (track 2, item 1 'music-c'); photo-b (track "
        "1, item 4 'photo-b') — add to `sources`: music-c, photo-b"
    ]


def test_a_trim_past_the_measured_end(tmp_path, media):
    tl = timeline(video=[clip("clip-a", 60, 15, "Late"), dissolve(5, 5), clip("photo-b", 0, 25)])
    code, lines, _ = check(tmp_path, media, tl)
    assert code == 1 and codes(lines) == ["timeline-trim"]
    assert "it uses 2.400 to 3.200 s of 'clip-a'" in lines[0]


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=GIT_ENV)


def test_changed_used_record_reaches_the_timeline(tmp_path, media):
    """`check --changed`: clip-a gets shorter; the unchanged production that uses it past the
    new end is checked (its used records probed) and reported."""
    root = make_archive(tmp_path / "archive", media, good_timeline())
    git(root, "init", "-q")
    git(root, "symbolic-ref", "HEAD", "refs/heads/main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "a cut")
    git(root, "checkout", "-q", "-b", "shorter")
    clip_file = root / "records" / "clip-a" / "clip.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=160x90:r=25:d=1",
        "-f",
        "lavfi",
        "-i",
        "sine=d=1",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        str(clip_file),
    )
    git(root, "commit", "-q", "-am", "a shorter clip")
    result = run_showcase("check", "--changed", "--base", "main", cwd=root, timeout=300)
    assert result.code == 1, result.out
    assert "records/prod/edit.otio:" in result.out
    assert (
        "timeline-trim: track 1, item 2 'Bars': it uses 0.480 to 2.680 s of 'clip-a'" in result.out
    )
