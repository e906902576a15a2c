"""The inspection's decode stage: decode what the build will decode, as the build decodes it.

Images: a decode under the pixel limits with the image recipe's own function
(media/images.decode_image): in full, or for a large sequential JPEG at the reduced scale
the build decodes it at. Audio and video: ffprobe reduced as the recipes reduce it
(media/video.read_video, media/audio.read_audio), a video frame over the pixel limit
refused from ffprobe's stream size before any decoding, then the first DECODE_SECONDS of
each stream the recipes use decoded by ffmpeg, with the build's time and memory limits
(core/media_plan.MediaSettings), which must yield at least one frame per stream.

Verdicts that passed are kept by content hash in the user's cache folder (memo/decoded.py).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import PIL

from ..core.sniff import Format
from ..memo.decoded import DecodeVerdicts, content_hash, user_folder, verdict_key
from ..memo.verdicts import checks_version
from .identify import Facts, Finding, Limits, too_many_pixels, with_decoded
from .probe import NotRegular, read_bytes

if TYPE_CHECKING:
    from ..media.tools import Budget  # imported late at run time: tools imports this package

# Bump when what the decode stage accepts changes in a way its source files do not show.
INSPECTION_VERSION = "2"  # 2: HEIC and AVIF decoded; large sequential JPEGs decoded reduced
DECODE_SECONDS = 5  # of each audio and video stream: the poster, the waveform's start, the copy's


def decode_checked(
    path: Path, name: str, facts: Facts, limits: Limits, verdicts: DecodeVerdicts | None = None
) -> Facts | Finding:
    """`facts` completed by decoding the file, or why it does not decode; a pass is kept
    by content (`verdicts`: the user's, unless given)."""
    verdicts = verdicts if verdicts is not None else DecodeVerdicts(user_folder())
    try:
        key = verdict_key(
            content_hash(path),
            facts.format.name,
            limits,
            INSPECTION_VERSION,
            checks_version(),
            _decoder_version(facts.format),
        )
    except OSError:
        return decode_media(path, name, facts, limits)
    kept = verdicts.passed(key)
    if kept is not None:
        return with_decoded(
            facts, **{k: tuple(v) if k == "streams" else v for k, v in kept.items() if k in _KEPT}
        )
    found = decode_media(path, name, facts, limits)
    if isinstance(found, Facts):
        verdicts.remember(key, {k: getattr(found, k) for k in _KEPT})
    return found


_KEPT = ("width", "height", "duration", "streams")


def _decoder_version(fmt: Format) -> str:
    if fmt.kind == "image":
        if fmt.name == "heic":
            from importlib.metadata import version

            return f"Pillow {PIL.__version__} pillow-heif {version('pillow-heif')}"
        return f"Pillow {PIL.__version__}"
    from ..media.tools import find_tools

    return f"ffmpeg {find_tools().version}"


def decode_media(path: Path, name: str, facts: Facts, limits: Limits) -> Facts | Finding:
    from ..media.images import TooManyPixels
    from ..media.results import MediaError

    try:
        if facts.format.kind == "image":
            return _decode_image(path, name, facts, limits)
        return _decode_stream(path, name, facts, limits)
    except TooManyPixels as exc:  # what the header allowed, the decode would not reduce enough
        return Finding("too-many-pixels", exc.message, exc.fix, facts.format)
    except MediaError as exc:
        return Finding("corrupt-media", exc.message, exc.fix, facts.format)
    except NotRegular as exc:
        return Finding(
            "not-a-file", f"{name!r} cannot be read: {exc}", "name a regular, readable file"
        )


def _decode_image(path: Path, name: str, facts: Facts, limits: Limits) -> Facts:
    from ..media.images import decode_image

    data, _ = read_bytes(path, facts.size + 1)
    image = decode_image(data, name, limits.max_pixels, limits.media, limits.max_jpeg_pixels)
    return with_decoded(facts, width=image.width, height=image.height)


def _decode_stream(path: Path, name: str, facts: Facts, limits: Limits) -> Facts | Finding:
    from ..media import tools

    fmt = facts.format.name
    settings = limits.media
    budget = tools.Budget(settings.job_seconds)
    data = tools.probe(path, fmt, timeout=budget.left(), memory_mb=settings.job_memory_mb)
    streams = tuple(str(s.get("codec_type", "")) for s in data["streams"])
    if facts.format.kind == "video":
        from ..media.video import read_video

        video = read_video(data, name)
        streams_found = data["streams"]
        stream = streams_found[video.video_index] if video.video_index < len(streams_found) else {}
        width = tools.probe_int(stream.get("width")) or 0
        height = tools.probe_int(stream.get("height")) or 0
        if width * height > limits.max_pixels:  # every frame costs this much memory: never decoded
            return too_many_pixels(name, width, height, limits.max_pixels, facts.format)
        maps = [f"0:{video.video_index}"] + (["0:a:0"] if video.audio_codec is not None else [])
        duration, size = video.duration, (video.width, video.height)
    else:
        from ..media.audio import read_audio

        audio = read_audio(data, name)
        maps, duration, size = [f"0:{audio.index}"], audio.duration, (None, None)
    counts = decoded_frames(path, fmt, maps, budget, settings.job_memory_mb)
    for i, target in enumerate(maps):
        if counts.get(i, 0) == 0:
            what = "picture" if i == 0 and facts.format.kind == "video" else "sound"
            return Finding(
                "corrupt-media",
                f"no {what} could be decoded from {name!r}",
                "check that the file plays, or export it again",
                facts.format,
            )
    return with_decoded(facts, width=size[0], height=size[1], duration=duration, streams=streams)


def decoded_frames(
    path: Path, fmt: str, maps: list[str], budget: Budget, memory_mb: int
) -> dict[int, int]:
    """How many frames ffmpeg decodes from each of `maps` in the first DECODE_SECONDS.

    The framecrc muxer is the null muxer with one line per decoded frame (its stream
    and checksum): the frames are counted from data, not from messages on stderr. A
    decoding error stops ffmpeg (-xerror) and is a MediaError."""
    from ..media.tools import input_args, run_ffmpeg

    args = ["-xerror", *input_args(path, fmt, t=str(DECODE_SECONDS))]
    for target in maps:
        args += ["-map", target]
    args += ["-f", "framecrc", "pipe:1"]
    proc = run_ffmpeg(
        args,
        timeout=budget.left(),
        memory_mb=memory_mb,
        stdout=subprocess.PIPE,
        what=f"decoding {path.name!r}",
    )
    counts: dict[int, int] = {}
    for line in (proc.stdout or b"").decode("ascii", "replace").splitlines():
        head = line.split(",", 1)[0].strip()
        if head.isdigit():
            counts[int(head)] = counts.get(int(head), 0) + 1
    return counts
