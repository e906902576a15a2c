"""The audio recipe: probe, waveform, metadata-free original, an MP3 for podcast apps, a visual.

ffmpeg runs per record: one ffprobe, one copy for the original, one decode for the
waveform (which also measures the exact duration), and one MP3 encode only when the
original is not MP3 or AAC (M4A) already.
"""

from __future__ import annotations

import math
import os
import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.media_plan import MediaJob, MediaSettings
from ..core.sniff import FORMATS
from .cards import render_card
from .images import save_visual
from .results import Derivative, MediaError, MediaInfo
from .tools import (
    MUXERS,
    NO_METADATA,
    Budget,
    clear_outputs,
    ffmpeg_to_file,
    input_args,
    open_poster,
    original_name,
    probe,
    probe_duration,
    probe_int,
    sniff_file,
    stream_ffmpeg,
)

AUDIO_FORMATS = ("mp3", "aac", "m4a", "wav", "flac", "ogg-vorbis", "ogg-opus")
# Formats podcast apps play as they are (and the codec they must hold). Raw AAC (ADTS, .aac)
# is not one of them (Apple takes MP3 and M4A): it is put into an M4A as it is, no re-encoding.
PODCAST_READY = {"mp3": "mp3", "m4a": "aac"}
MP3_STEREO_BITRATE = "160k"  # CBR: exact seeking and durations in every podcast app
MP3_MONO_BITRATE = "96k"
MP3_RATES = (32000, 44100, 48000)  # MPEG-1 Layer III sample rates
WAVEFORM_RATE = 8000  # mono samples a second decoded for the waveform
WAVEFORM_BARS = 600
WAVEFORM_HEIGHT = 200  # viewBox units; bars are 1 unit wide on a 2-unit pitch
WAVEFORM_BIN = 800  # samples per peak when the duration is unknown (0.1 s)


@dataclass(frozen=True)
class AudioProbe:
    duration: float | None
    codec: str
    sample_rate: int | None
    channels: int | None
    index: int


def make_audio(job: MediaJob, root: Path, out: Path, settings: MediaSettings) -> MediaInfo:
    budget = Budget(settings.job_seconds)
    mem = settings.job_memory_mb
    src = root / job.media
    fmt = sniff_file(src)
    if fmt.name not in AUDIO_FORMATS:
        raise MediaError(
            f"{src.name!r} is not audio (it looks like {fmt.label})",
            "publish an MP3, M4A, WAV, FLAC or Ogg file",
        )
    try:
        info = read_audio(probe(src, fmt.name, timeout=budget.left(), memory_mb=mem), src.name)
        peaks, decoded_seconds = decode_peaks(src, fmt.name, info, budget, mem)
        made = [_write_waveform(peaks, out)]
        name = original_name(src.name)
        size = ffmpeg_to_file(
            [
                *input_args(src, fmt.name),
                "-map",
                "0:a",
                "-c",
                "copy",
                *NO_METADATA,
                *_muxer_options(fmt.name),
                "-f",
                MUXERS[fmt.name],
            ],
            out,
            name,
            budget=budget,
            memory_mb=mem,
            what=f"copying {src.name!r}",
        )
        made.append(Derivative("original", name, FORMATS[fmt.name].mime, bytes=size))
        if fmt.name == "aac" and info.codec == "aac":
            made.append(_write_m4a(src, info, out, budget, mem))
        elif PODCAST_READY.get(fmt.name) != info.codec:
            made.append(_write_mp3(src, fmt.name, info, out, budget, mem))
        if job.poster:
            visual = open_poster(root / job.poster, job.param("max_pixels"))
        else:
            visual = render_card(
                title=job.param("title") or "",
                credit=job.param("credit") or "",
                kind="audio",
                lines=[],
            )
        made += save_visual(visual, out, settings)
    except BaseException:
        clear_outputs(out)
        raise
    extra: dict[str, Any] = {
        "format": fmt.name,
        "codec": info.codec,
        "sample_rate": info.sample_rate,
        "channels": info.channels,
    }
    duration = decoded_seconds if decoded_seconds > 0 else info.duration
    return MediaInfo(tuple(made), duration=round(duration, 3) if duration else None, extra=extra)


def read_audio(data: dict[str, Any], name: str) -> AudioProbe:
    stream = next((s for s in data.get("streams", []) if s.get("codec_type") == "audio"), None)
    if stream is None:
        raise MediaError(f"{name!r} has no audio stream", "export the audio again")
    return AudioProbe(
        duration=probe_duration(data.get("format", {}).get("duration"), stream.get("duration")),
        codec=str(stream.get("codec_name", "")),
        sample_rate=probe_int(stream.get("sample_rate")),
        channels=probe_int(stream.get("channels")),
        index=int(stream.get("index", 0)),
    )


def _muxer_options(fmt: str) -> list[str]:
    if fmt == "mp3":  # no ID3 tag at all (not even an empty one); keep the Xing header
        return ["-id3v2_version", "0", "-write_id3v1", "0", "-write_xing", "1"]
    if fmt == "m4a":
        return ["-movflags", "+faststart"]
    return []


# --- MP3 for podcasts ----------------------------------------------------------------------------


def _write_mp3(
    src: Path, fmt: str, info: AudioProbe, out: Path, budget: Budget, mem: int
) -> Derivative:
    mono = info.channels == 1
    args = [
        *input_args(src, fmt),
        "-map",
        f"0:{info.index}",
        "-vn",
        "-sn",
        "-dn",
        "-c:a",
        "libmp3lame",
        "-b:a",
        MP3_MONO_BITRATE if mono else MP3_STEREO_BITRATE,
    ]
    if not mono and (info.channels or 2) != 2:
        args += ["-ac", "2"]
    if info.sample_rate not in MP3_RATES:
        args += ["-ar", "48000" if (info.sample_rate or 0) % 48000 == 0 else "44100"]
    args += [*NO_METADATA, *_muxer_options("mp3"), "-f", "mp3"]
    size = ffmpeg_to_file(
        args, out, "audio.mp3", budget=budget, memory_mb=mem, what=f"making the MP3 of {src.name!r}"
    )
    return Derivative("audio", "audio.mp3", "audio/mpeg", bytes=size)


def _write_m4a(src: Path, info: AudioProbe, out: Path, budget: Budget, mem: int) -> Derivative:
    """Raw AAC in an M4A container, the same audio stream (ADTS headers become MP4's config)."""
    args = [
        *input_args(src, "aac"),
        "-map",
        f"0:{info.index}",
        "-vn",
        "-sn",
        "-dn",
        "-c:a",
        "copy",
        "-bsf:a",
        "aac_adtstoasc",
        *NO_METADATA,
        *_muxer_options("m4a"),
        "-f",
        "ipod",
    ]
    size = ffmpeg_to_file(
        args, out, "audio.m4a", budget=budget, memory_mb=mem, what=f"making the M4A of {src.name!r}"
    )
    return Derivative("audio", "audio.m4a", "audio/mp4", bytes=size)


# --- the waveform ---------------------------------------------------------------------------------


def decode_peaks(
    src: Path, fmt: str, info: AudioProbe, budget: Budget, mem: int
) -> tuple[list[float], float]:
    """WAVEFORM_BARS peak levels (0-1) of the whole track and its decoded length in seconds.

    One decode to 8 kHz mono 16-bit PCM, read from ffmpeg's stdout in chunks: memory stays
    constant however long the track is (peaks are kept per bin, not samples).
    """
    expected = (info.duration or 0) * WAVEFORM_RATE
    bin_size = max(1, math.ceil(expected / WAVEFORM_BARS)) if expected else WAVEFORM_BIN
    args = [
        *input_args(src, fmt),
        "-map",
        f"0:{info.index}",
        "-vn",
        "-sn",
        "-dn",
        "-ac",
        "1",
        "-ar",
        str(WAVEFORM_RATE),
        "-c:a",
        "pcm_s16le",
        "-f",
        "s16le",
        "pipe:1",
    ]
    chunks = stream_ffmpeg(
        args, timeout=budget.left(), memory_mb=mem, what=f"decoding {src.name!r}"
    )
    bins, samples = bin_peaks(chunks, bin_size)
    if samples == 0:
        raise MediaError(
            f"no sound could be decoded from {src.name!r}",
            "check that the file plays, or export it again",
        )
    return rebin(bins, WAVEFORM_BARS), samples / WAVEFORM_RATE


def bin_peaks(chunks: Iterable[bytes], bin_size: int) -> tuple[list[int], int]:
    """The peak absolute sample value of each run of `bin_size` samples (s16le bytes in
    chunks of any size), and the number of samples."""
    bins: list[int] = []
    pending = array("h")
    carry = b""
    total = 0
    for chunk in chunks:
        data = carry + chunk
        usable = len(data) - len(data) % 2
        carry = data[usable:]
        block = array("h")
        block.frombytes(data[:usable])
        if sys.byteorder == "big":  # s16le on a big-endian machine
            block.byteswap()
        total += len(block)
        pending.extend(block)
        whole = len(pending) - len(pending) % bin_size
        for start in range(0, whole, bin_size):
            part = pending[start : start + bin_size]
            bins.append(max(max(part), -min(part)))
        del pending[:whole]
    if pending:
        bins.append(max(max(pending), -min(pending)))
    return bins, total


def rebin(bins: list[int], count: int) -> list[float]:
    """`count` levels 0-1 (the loudest bar is 1) from any number of bin peaks."""
    if not bins:
        return [0.0] * count
    levels = []
    for i in range(count):
        lo = i * len(bins) // count
        hi = max(lo + 1, (i + 1) * len(bins) // count)
        levels.append(max(bins[lo:hi]) if lo < len(bins) else 0)
    loudest = max(levels)
    return [level / loudest if loudest else 0.0 for level in levels]


def waveform_svg(levels: list[float]) -> str:
    """A crisp, scalable waveform: one path of centred bars, coloured by CSS (currentColor).

    `preserveAspectRatio="none"` lets the page stretch it to any box; nothing in it runs.
    """
    height = WAVEFORM_HEIGHT
    parts = []
    for i, level in enumerate(levels):
        bar = max(2, 2 * round(level * height / 2))  # even: the bar sits on whole units
        parts.append(f"M{2 * i} {(height - bar) // 2}h1v{bar}h-1z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * len(levels)} {height}" '
        'preserveAspectRatio="none" shape-rendering="crispEdges" '
        'aria-hidden="true" focusable="false">'
        f'<path fill="currentColor" d="{"".join(parts)}"/></svg>\n'
    )


def _write_waveform(levels: list[float], out: Path) -> Derivative:
    name = "waveform.svg"
    tmp = out / f".{name}.part"
    try:
        tmp.write_text(waveform_svg(levels), encoding="utf-8")
        os.replace(tmp, out / name)
    finally:
        tmp.unlink(missing_ok=True)
    return Derivative(
        "waveform",
        name,
        "image/svg+xml",
        2 * len(levels),
        WAVEFORM_HEIGHT,
        os.path.getsize(out / name),
    )
