"""One inspection answers "is this file acceptable?" (builder/archive/inspect.py), and check
decodes what it approves: a record that `showcase check` passes, `showcase build` publishes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from builder.archive import decode as decode_stage
from builder.archive.inspect import Facts, Finding, Limits, identify, inspect_file
from builder.core import sniff
from builder.media.results import MediaError
from builder.media.tools import sniff_file
from builder.memo.decoded import DecodeVerdicts
from tests.archive_factory import MKDOCS_YML
from tests.conftest import run_showcase
from tests.media.corpus import GOOD, ODD, place

# What check says of each odd file; None: a file that is odd but publishes (broken EXIF).
REFUSED = {
    "truncated-jpeg": "corrupt-media",
    "tiny-webp": "corrupt-media",
    "zero-frame-gif": "corrupt-media",
    "zero-frame-webp": "corrupt-media",
    "png-broken-stream": "corrupt-media",
    "gif-short-frame": "corrupt-media",
    "jpeg-broken-exif": None,
    "empty-wav": "corrupt-media",
    "one-frame-mp3": "corrupt-media",
    "mp4-without-video": "corrupt-media",
    "huge-frame-mp4": "too-many-pixels",
}
LIMITS = Limits(100 * 2**20, 50_000_000)
OTIO = b'{\n    "OTIO_SCHEMA": "Timeline.1",\n    "name": "cut",\n    "tracks": {}\n}\n'


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "archive"
    (root / "content").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Corpus\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    for odd in ODD + GOOD:
        place(root, odd)
    return root


@pytest.fixture
def user_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def check_json(root: Path, cache: Path) -> dict:
    result = run_showcase("check", "--format", "json", cwd=root, env={"XDG_CACHE_HOME": str(cache)})
    assert result.err == ""
    return json.loads(result.out)


def test_check_refuses_each_odd_file_with_a_code_and_a_fix_that_names_the_file(corpus, tmp_path):
    report = check_json(corpus, tmp_path / "xdg")
    found = {p["record"]: p for p in report["problems"]}
    for odd in ODD:
        code = REFUSED[odd.record]
        if code is None:
            assert odd.record not in found
            continue
        problem = found[odd.record]
        assert problem["code"] == code, problem
        assert problem["path"] == f"records/{odd.record}/record.yaml" and problem["line"] == 3
        assert repr(odd.file) in problem["message"] and problem["fix"]
    assert not {g.record for g in GOOD} & set(found)


def test_every_record_check_passes_the_build_publishes(corpus, tmp_path):
    """The invariant: never media-failed for a record that check passed."""
    root = shutil.copytree(corpus, tmp_path / "archive")
    refused = {p["record"] for p in check_json(root, tmp_path / "xdg")["problems"]}
    assert refused == {r for r, code in REFUSED.items() if code}
    for record in refused:
        shutil.rmtree(root / "records" / record)
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    result = run_showcase("build", cwd=root, env=env, timeout=600)
    assert result.code == 0, result.out + result.err
    assert "media-failed" not in result.out
    for record in sorted(p.name for p in (root / "records").iterdir()):
        assert any((root / "site" / "records" / record / "media").iterdir()), record


def test_a_video_frame_over_the_pixel_limit_is_read_from_ffprobe_not_decoded(
    corpus, user_cache, monkeypatch
):
    monkeypatch.setattr(decode_stage, "decoded_frames", lambda *a, **k: pytest.fail("decoded"))
    path = corpus / "records" / "huge-frame-mp4" / "clip.mp4"
    found = inspect_file(path, "clip.mp4", "video", LIMITS)
    assert isinstance(found, Finding) and found.code == "too-many-pixels"
    assert "8192×8192 = 67.1 megapixels" in found.message
    higher = Limits(LIMITS.max_file_size, 70_000_000)
    assert isinstance(inspect_file(path, "clip.mp4", "video", higher, decode=False), Facts)


def test_a_pass_is_remembered_by_content_in_the_user_cache_and_a_failure_never(
    corpus, user_cache, monkeypatch
):
    calls: list[str] = []
    real = decode_stage.decode_media

    def counting(path, name, facts, limits):  # noqa: ANN001
        calls.append(name)
        return real(path, name, facts, limits)

    monkeypatch.setattr(decode_stage, "decode_media", counting)
    good = corpus / "records" / "good-wav" / "tone.wav"
    first = inspect_file(good, "tone.wav", "audio", LIMITS)
    again = inspect_file(good, "tone.wav", "audio", LIMITS)
    assert isinstance(first, Facts) and first.decoded and first == again and calls == ["tone.wav"]
    assert first.duration == pytest.approx(0.5, abs=0.05) and first.streams == ("audio",)
    assert list((user_cache / "showcase" / "decoded").rglob("*.json"))
    # Other limits are another verdict.
    inspect_file(good, "tone.wav", "audio", Limits(LIMITS.max_file_size, 1_000_000))
    assert calls == ["tone.wav", "tone.wav"]
    bad = corpus / "records" / "empty-wav" / "tone.wav"
    for _ in range(2):
        assert isinstance(inspect_file(bad, "tone.wav", "audio", LIMITS), Finding)
    assert calls.count("tone.wav") == 4


def test_a_verdict_kept_elsewhere_is_not_read(corpus, tmp_path):
    """Only the given store (by default the user's) is read: a verdict in another folder, such
    as one a pull request writes into the archive, changes nothing."""
    bad = corpus / "records" / "truncated-jpeg" / "photo.jpg"
    facts = inspect_file(bad, "photo.jpg", "image", LIMITS, decode=False)
    assert isinstance(facts, Facts)
    empty = DecodeVerdicts(tmp_path / "empty")
    assert isinstance(decode_stage.decode_checked(bad, "photo.jpg", facts, LIMITS, empty), Finding)
    assert not (tmp_path / "empty").exists()


def test_check_new_and_the_media_edge_see_the_same_format(corpus):
    for odd in ODD + GOOD:
        path = corpus / "records" / odd.record / odd.file
        found = identify(path, odd.file)
        assert sniff_file(path) == found.format
    empty = corpus.parent / "empty.mp4"
    empty.write_bytes(b"")
    assert identify(empty, "empty.mp4").code == "empty-file"
    with pytest.raises(MediaError, match="is empty"):
        sniff_file(empty)


def test_an_otio_timeline_is_the_file_of_an_audio_or_video_record_only(tmp_path):
    assert sniff.sniff(b"  \n" + OTIO) == sniff.FORMATS["otio"]
    assert sniff.FORMATS["otio"] == sniff.Format(
        "otio", "OpenTimelineIO timeline", "timeline", (".otio",), "application/json"
    )
    assert sniff.sniff(b'{"name": "not a timeline"}').name == "text"
    cut = tmp_path / "cut.otio"
    cut.write_bytes(OTIO)
    for kind in ("audio", "video"):
        found = inspect_file(cut, "cut.otio", kind, LIMITS)
        assert isinstance(found, Facts) and found.format.name == "otio" and not found.decoded
    for kind in ("image", "text"):
        found = inspect_file(cut, "cut.otio", kind, LIMITS)
        assert isinstance(found, Finding) and found.code == "wrong-media-type"
    small = inspect_file(cut, "cut.otio", "video", Limits(10, LIMITS.max_pixels))
    assert isinstance(small, Finding) and small.code == "file-too-large"
