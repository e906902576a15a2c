"""The video recipe: probe, poster frame, metadata-free original and a web MP4 when needed.

ffmpeg runs per record: one ffprobe, one run for the poster candidates (skipped when the
record has a poster image), one for the original, and one for the web MP4 only when the
original is not already playable in browsers and podcast apps.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg  # ffmpeg-python: builds argument lists only; tools.run_ffmpeg runs them
from PIL import Image, ImageStat

from ..core.media_plan import MediaJob, MediaSettings
from .images import save_visual
from .results import Derivative, MediaError, MediaInfo
from .tools import (
    MUXERS,
    NO_METADATA,
    Budget,
    clear_outputs,
    ffmpeg_to_file,
    file_url,
    input_args,
    input_options,
    open_poster,
    original_name,
    probe,
    probe_duration,
    probe_float,
    probe_int,
    run_ffmpeg,
    sniff_file,
)

VIDEO_FORMATS = ("mp4", "mov", "webm", "mkv")
WEB_BOX = 1280  # the web MP4 fits in 1280x1280: 1280x720 landscape, 720x1280 portrait
WEB_MAX_FPS = 60
WEB_CRF = 23
WEB_PRESET = "veryfast"
WEB_AUDIO_BITRATE = "160k"
H264_PIX_FMTS = ("yuv420p", "yuvj420p")  # what every browser decodes (no 10-bit, no 4:2:2)
WEB_AUDIO_CODECS = ("aac", "mp3")
# Poster candidates, in seconds: the first that is not (nearly) black and flat wins.
POSTER_TIMES = (0.0, 1.0, 2.0, 4.0, 8.0, 15.0)
POSTER_MIN_MEAN = 24  # grey level 0-255: darker is a black frame
POSTER_MIN_STDDEV = 6  # flatter is a blank frame (black, white or a fade)
POSTER_CANDIDATE_SECONDS = 1  # each candidate input reads at most this much after its seek point
POSTER_EXACT_UNTIL = 3.0  # candidates before this time seek to the exact frame
MIME = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
}


@dataclass(frozen=True)
class VideoProbe:
    """What ffprobe says about a video file, reduced to what the recipe decides on."""

    duration: float | None
    width: int  # display size: rotation and pixel aspect ratio applied
    height: int
    video_index: int
    video_codec: str
    pix_fmt: str
    fps: float | None
    audio_codec: str | None  # of the first audio stream, None when silent
    audio_channels: int | None
    audio_rate: int | None
    rotation: int  # degrees, as the display matrix says


def make_video(job: MediaJob, root: Path, out: Path, settings: MediaSettings) -> MediaInfo:
    budget = Budget(settings.job_seconds)
    mem = settings.job_memory_mb
    src = root / job.media
    fmt = sniff_file(src)
    if fmt.name not in VIDEO_FORMATS:
        raise MediaError(
            f"{src.name!r} is not a video (it looks like {fmt.label})",
            "publish an MP4, MOV, WebM or MKV video",
        )
    try:
        info = read_video(probe(src, fmt.name, timeout=budget.left(), memory_mb=mem), src.name)
        made = [_write_original(src, fmt.name, info, out, budget, mem)]
        if job.poster:
            poster, poster_time = open_poster(root / job.poster, job.param("max_pixels")), None
        else:
            poster, poster_time = grab_poster(
                src, fmt.name, info, _poster_width(settings), budget, mem
            )
        made += save_visual(poster, out, settings)
        web = _write_web(src, fmt.name, info, out, budget, mem)  # the costly step last
        if web is not None:
            made.append(web)
    except BaseException:
        clear_outputs(out)
        raise
    extra: dict[str, Any] = {
        "format": fmt.name,
        "video_codec": info.video_codec,
        "audio_codec": info.audio_codec,
    }
    if poster_time is not None:
        extra["poster_time"] = poster_time
    duration = round(info.duration, 3) if info.duration else None
    return MediaInfo(tuple(made), info.width, info.height, duration, extra)


# --- probing -------------------------------------------------------------------------------


def read_video(data: dict[str, Any], name: str) -> VideoProbe:
    streams = data.get("streams", [])
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not (s.get("disposition") or {}).get("attached_pic")
        ),
        None,
    )
    if video is None:
        raise MediaError(
            f"{name!r} has no video stream",
            "publish it as an audio record, or export the video again",
        )
    width, height = probe_int(video.get("width")), probe_int(video.get("height"))
    if not width or not height:
        raise MediaError(
            f"{name!r} has a video stream without a picture size", "export the video again"
        )
    width = _apply_sar(width, video.get("sample_aspect_ratio"))
    rotation = _rotation(video)
    if rotation % 180 == 90:
        width, height = height, width
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    duration = probe_duration(data.get("format", {}).get("duration"), video.get("duration"))
    return VideoProbe(
        duration=duration,
        width=width,
        height=height,
        video_index=int(video.get("index", 0)),
        video_codec=str(video.get("codec_name", "")),
        pix_fmt=str(video.get("pix_fmt", "")),
        fps=_rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate")),
        audio_codec=str(audio.get("codec_name", "")) if audio else None,
        audio_channels=probe_int(audio.get("channels")) if audio else None,
        audio_rate=probe_int(audio.get("sample_rate")) if audio else None,
        rotation=rotation,
    )


def _rotation(stream: dict[str, Any]) -> int:
    """Clockwise display rotation in degrees (0, 90, 180, 270) from the display matrix,
    or the `rotate` tag older ffprobe versions report."""
    for side in stream.get("side_data_list") or ():
        if "rotation" in side:
            value = probe_float(side.get("rotation"))
            if value is not None:
                return int(round(value)) % 360
    value = probe_float((stream.get("tags") or {}).get("rotate"))
    return int(round(value)) % 360 if value is not None else 0


def _apply_sar(width: int, sar: Any) -> int:
    """The display width of anamorphic video (non-square pixels)."""
    try:
        num, den = (int(x) for x in str(sar).split(":"))
    except ValueError:
        return width
    if num <= 0 or den <= 0 or num == den:
        return width
    return max(1, round(width * num / den))


def _rate(value: Any) -> float | None:
    try:
        num, den = (int(x) for x in str(value).split("/"))
    except ValueError:
        return None
    return num / den if num > 0 and den > 0 else None


# --- derivatives -------------------------------------------------------------------------------


def _write_original(
    src: Path, fmt: str, info: VideoProbe, out: Path, budget: Budget, mem: int
) -> Derivative:
    """The record's file as published for download: the same streams and container, no metadata.

    Data streams (timecode, and phones' metadata tracks that may hold the location) and
    attachments are dropped; the display matrix is stream side data and stays.
    """
    name = original_name(src.name)
    # -xerror: a damaged packet fails the job (a truncated upload would stop playing midway).
    args = [
        "-xerror",
        *input_args(src, fmt),
        "-map",
        "0:v",
        "-map",
        "0:a?",
        "-map",
        "0:s?",
        "-dn",
        "-c",
        "copy",
        *NO_METADATA,
    ]
    if fmt in ("mp4", "mov"):
        args += ["-movflags", "+faststart"]
    size = ffmpeg_to_file(
        [*args, "-f", MUXERS[fmt]],
        out,
        name,
        budget=budget,
        memory_mb=mem,
        what=f"copying {src.name!r}",
    )
    return Derivative("original", name, MIME[fmt], info.width, info.height, size)


def web_plan(fmt: str, info: VideoProbe) -> str | None:
    """How the web MP4 is made: None (the original plays everywhere), "remux" (H.264 copied
    into MP4, audio copied or made AAC) or "transcode" (H.264/AAC encoded)."""
    h264 = info.video_codec == "h264" and info.pix_fmt in H264_PIX_FMTS
    audio_ok = info.audio_codec is None or info.audio_codec in WEB_AUDIO_CODECS
    if fmt == "mp4" and h264 and audio_ok:
        return None
    return "remux" if h264 else "transcode"


def web_size(width: int, height: int, box: int = WEB_BOX) -> tuple[int, int]:
    """The web MP4's size: within box x box, never upscaled, both sides even (H.264 4:2:0)."""
    scale = min(1.0, box / max(width, height))
    w, h = max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)
    return w, h


def _write_web(
    src: Path, fmt: str, info: VideoProbe, out: Path, budget: Budget, mem: int
) -> Derivative | None:
    plan = web_plan(fmt, info)
    if plan is None:
        return None
    args = [*input_args(src, fmt), "-map", f"0:{info.video_index}", "-map", "0:a:0?", "-sn", "-dn"]
    if plan == "remux":
        args += ["-c:v", "copy"]
        width, height = info.width, info.height
    else:
        width, height = web_size(info.width, info.height)
        filters = f"scale={width}:{height},setsar=1"
        if info.fps and info.fps > WEB_MAX_FPS + 0.5:
            filters += f",fps={WEB_MAX_FPS}"
        args += [
            "-vf",
            filters,
            "-c:v",
            "libx264",
            "-preset",
            WEB_PRESET,
            "-crf",
            str(WEB_CRF),
            "-pix_fmt",
            "yuv420p",
            "-profile:v",
            "high",
        ]
    if info.audio_codec in WEB_AUDIO_CODECS:
        args += ["-c:a", "copy"]
    elif info.audio_codec is not None:
        args += ["-c:a", "aac", "-b:a", WEB_AUDIO_BITRATE]
        if (info.audio_channels or 2) > 2:
            args += ["-ac", "2"]
        if (info.audio_rate or 48000) > 48000:
            args += ["-ar", "48000"]
    args += [*NO_METADATA, "-movflags", "+faststart", "-f", "mp4"]
    size = ffmpeg_to_file(
        args,
        out,
        "video.mp4",
        budget=budget,
        memory_mb=mem,
        what=f"making the web video of {src.name!r}",
    )
    return Derivative("video", "video.mp4", "video/mp4", width, height, size)


# --- the poster frame --------------------------------------------------------------------------


def _poster_width(settings: MediaSettings) -> int:
    return max((*settings.widths, settings.preview_width))


def poster_times(duration: float | None) -> list[float]:
    if duration is None:
        return [0.0]
    times = [t for t in POSTER_TIMES if t < duration - 0.05]
    return times or [0.0]


def grab_poster(
    src: Path, fmt: str, info: VideoProbe, max_width: int, budget: Budget, mem: int
) -> tuple[Image.Image, float]:
    """The first candidate frame that is neither black nor flat, and its time.

    One ffmpeg run: each candidate time is its own input, seeked before it is opened
    (from the nearest keyframe: fast), and its own one-frame output, upright (ffmpeg
    applies the display matrix) and scaled to the poster size, as raw RGB in a temporary
    folder. Early candidates seek exactly (the frame at 1 s, not the keyframe before it);
    later ones take the first keyframe from their time on and decode nothing else, so a
    long GOP is never decoded whole.
    """
    times = poster_times(info.duration)
    scale = min(1.0, max_width / info.width)
    width, height = max(1, round(info.width * scale)), max(1, round(info.height * scale))
    safe = input_options(src, fmt)
    with tempfile.TemporaryDirectory(prefix="showcase-poster-") as tmp:
        files = [Path(tmp) / f"{i}.rgb" for i in range(len(times))]
        outputs = []
        for t, file in zip(times, files, strict=False):
            if t < POSTER_EXACT_UNTIL:  # the exact frame, decoding at most from the keyframe before
                seek = {"ss": f"{t:.3f}", "t": str(POSTER_CANDIDATE_SECONDS)}
            else:  # the first keyframe from t on, decoding nothing else
                seek = {"skip_frame": "nokey", "ss": f"{t:.3f}"}
            frame = (
                ffmpeg.input(file_url(src), **safe, **seek)[str(info.video_index)]
                .filter("scale", width, height)
                .filter("setsar", 1)
            )
            outputs.append(
                frame.output(file_url(file), f="rawvideo", pix_fmt="rgb24", **{"frames:v": 1})
            )
        run_ffmpeg(
            ffmpeg.merge_outputs(*outputs).get_args(),
            timeout=budget.left(),
            memory_mb=mem,
            what=f"taking the poster frame of {src.name!r}",
        )
        frame_bytes = width * height * 3
        found = [
            (t, Image.frombytes("RGB", (width, height), data))
            for t, file in zip(times, files, strict=False)
            if file.is_file() and len(data := file.read_bytes()) == frame_bytes
        ]
    if not found:
        raise MediaError(
            f"no picture of {src.name!r} could be decoded",
            "check that the video plays, or export it again",
        )
    best = choose_poster([img for _, img in found])
    return found[best][1], found[best][0]


def choose_poster(images: list[Image.Image]) -> int:
    """The index of the first frame that is neither dark nor flat; else the most varied one."""
    stats = [
        ImageStat.Stat(img.convert("L").reduce(4) if min(img.size) >= 64 else img.convert("L"))
        for img in images
    ]
    for i, st in enumerate(stats):
        if st.mean[0] >= POSTER_MIN_MEAN and st.stddev[0] >= POSTER_MIN_STDDEV:
            return i
    return max(range(len(stats)), key=lambda i: (stats[i].stddev[0], stats[i].mean[0]))
