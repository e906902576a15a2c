"""The timeline recipe: a production's cut (an `Edit`) rendered with ffmpeg.

How (measured in tests/benchmarks/bench_render.py):
  - the picture is rendered in segments cut where no clip and no dissolve is in progress
    on any video track, each one filter graph and one H.264 encode with the same settings,
    then joined without re-encoding (the concat demuxer): a segment opens only its own
    clips, so memory stays flat however long the production is;
  - the end-credits roll is one more segment (roll.py);
  - the sound is one graph over the whole production, mixed in the run that joins the
    segments (an AAC track for a video, the MP3 itself for an audio production).
Inputs: video files through `tools.input_args` (our sniffed demuxer, `-protocol_whitelist
file`, each input); images and texts are decoded or drawn by Pillow and reach ffmpeg as raw
pixels of a size we wrote. Every segment is normalised to the Edit's rate, size, SAR, pixel
format and time base before any xfade or concat (xfade refuses inputs that differ).
Stills never pass through `fps` after `zoompan` (which drops the last frame): zoompan
makes exactly the frames asked for at the Edit's rate. The output is verified with ffprobe.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from ..core.media_plan import MediaJob, MediaSettings
from ..timeline.model import RATES, Clip, Dissolve, Edit, Gap, Track, edit_from_json
from .audio import _write_waveform, decode_peaks, read_audio
from .cards import INK, PAPER, _draw_line, _font, _line_height, opening_lines, render_card, wrap
from .images import decode_image, save_visual
from .results import Derivative, MediaError, MediaInfo
from .roll import BACKGROUND, LIGHT, draw_roll, scroll_filter
from .tools import (
    NO_METADATA,
    Budget,
    clear_outputs,
    ffmpeg_to_file,
    file_url,
    input_args,
    open_poster,
    probe,
    probe_float,
    probe_int,
    run_ffprobe,
    sniff_file,
    stream_ffmpeg,
)
from .video import grab_poster, read_video

SEGMENT_SECONDS = 20  # a segment closes at the first clean cut after this long
SEGMENT_WORKERS = 2  # segments encoded at once (_encode)
TEXT_BYTES = 64 * 1024  # of a text record read for a card
FIX = "check the timeline in your editor, or export it again"


@dataclass(frozen=True)
class Source:
    """A record the cut uses, as the renderer reads it."""

    record_id: str
    type: str  # video, image, audio or text
    path: Path


@dataclass(frozen=True)
class Span:
    """A clip or gap of a track with what its dissolves add, in exact seconds."""

    item: Clip | Gap
    head: Fraction  # shown before the item's own start (a dissolve into it)
    tail: Fraction  # shown after its end (a dissolve out of it)
    fade_in: Fraction  # the whole dissolve with the item before (0: a cut)
    fade_out: Fraction


@dataclass(frozen=True)
class Piece:
    """A span of a video track in frames of the production's clock."""

    span: Span
    start: int  # first frame shown, head included
    frames: int  # head, own length and tail
    blend: int  # frames dissolving with the piece before (0: a cut)

    @property
    def end(self) -> int:
        return self.start + self.frames

    @property
    def is_gap(self) -> bool:
        return isinstance(self.span.item, Gap)


# --- the cut as pieces (pure) -----------------------------------------------------------------


def spans(track: Track) -> list[Span]:
    """Clips and gaps in track order; a dissolve lends its halves to its neighbours."""
    items = track.items
    out: list[Span] = []
    for i, item in enumerate(items):
        if isinstance(item, Dissolve):
            continue
        before = items[i - 1] if i > 0 and isinstance(items[i - 1], Dissolve) else None
        after = items[i + 1] if i + 1 < len(items) and isinstance(items[i + 1], Dissolve) else None
        zero = Fraction(0)
        out.append(
            Span(
                item,
                before.in_offset if before else zero,
                after.out_offset if after else zero,
                before.in_offset + before.out_offset if before else zero,
                after.in_offset + after.out_offset if after else zero,
            )
        )
    return out


def pieces(track: Track, rate: Fraction) -> list[Piece]:
    """A track's spans in whole frames: neighbours meet exactly (each boundary is rounded
    once), a dissolve's frames are those its two pieces share."""
    out: list[Piece] = []
    for span in spans(track):
        start = round((span.item.start - span.head) * rate)
        end = round((span.item.start + span.item.duration + span.tail) * rate)
        blend = out[-1].end - start if out and span.fade_in else 0
        out.append(Piece(span, start, max(0, end - start), max(0, blend)))
    return [p for p in out if p.frames > 0]


def cut_points(tracks: list[list[Piece]], total: int) -> list[int]:
    """Frames where every video track can be cut: no clip and no dissolve is in progress
    (a gap may be cut anywhere outside its dissolves)."""
    candidates = {0, total}
    busy: list[tuple[int, int]] = []
    for track in tracks:
        for p in track:
            candidates.update((p.start, p.end))
            if not p.is_gap:
                busy.append((p.start, p.end))
            if p.blend:
                busy.append((p.start, p.start + p.blend))
    return sorted(f for f in candidates if 0 <= f <= total and not any(a < f < b for a, b in busy))


def segments(points: list[int], total: int, longest: int) -> list[tuple[int, int]]:
    """[start, end) frame ranges at cut points, each closed at the first point past `longest`."""
    out: list[tuple[int, int]] = []
    start = 0
    for point in points:
        if point >= total:
            break
        if point - start >= longest:
            out.append((start, point))
            start = point
    if total > start:
        out.append((start, total))
    return out


def within(track: list[Piece], start: int, end: int) -> list[Piece]:
    """The pieces of [start, end), rebased to it; a gap crossing an edge is cut there."""
    out = []
    for p in track:
        if p.end <= start or p.start >= end:
            continue
        a, b = max(p.start, start), min(p.end, end)
        blend = p.blend if a == p.start else 0
        out.append(Piece(p.span, a - start, b - a, blend))
    return out


# --- filter graphs (pure) ---------------------------------------------------------------------


def rate_text(rate: Fraction) -> str:
    return f"{rate.numerator}/{rate.denominator}"


def clock(rate: Fraction) -> str:
    """Frames numbered on the Edit's clock: time base 1/rate (exact for every rate in RATES;
    concat's own output is in microseconds), a frame's time its number."""
    return f"settb={rate.denominator}/{rate.numerator},setpts=N"


def sec(value: Fraction | float) -> str:
    return f"{float(value):.6f}"


def zoom_expr(zoom: float, frames: int) -> str:
    """zoompan's scale per output frame: from 1 to `zoom` (a push in), or from 1/zoom to 1
    (a pull out) - zoompan cannot go below 1."""
    first, last = (1.0, zoom) if zoom >= 1 else (1 / zoom, 1.0)
    return f"{first:.6f}+{last - first:.6f}*on/{max(1, frames - 1)}"


def clip_filter(index: int, frames: int, edit: Edit, fmt: str, pad: str, out: str) -> str:
    """A video clip: to the Edit's rate first (phones record variable frame rates), fitted
    and padded to the frame, then exactly `frames` frames (the last one held if the file
    ends early)."""
    w, h = edit.width, edit.height
    return (
        f"[{index}:v:0]fps={rate_text(edit.rate)},"
        f"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
        f"format={fmt},pad={w}:{h}:-1:-1:color={pad},setsar=1,"
        f"tpad=stop=-1:stop_mode=clone,trim=end_frame={frames},{clock(edit.rate)}[{out}]"
    )


def picture_filter(index: int, frames: int, edit: Edit, fmt: str, zoom: float, out: str) -> str:
    """A still or a card (one raw frame): held, or zoomed by zoompan at the Edit's rate."""
    if zoom != 1.0:
        move = (
            f"zoompan=z='{zoom_expr(zoom, frames)}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
            f":d={frames}:s={edit.width}x{edit.height}:fps={rate_text(edit.rate)}"
        )
    else:
        move = f"loop=loop={frames - 1}:size=1:start=0"
    return (
        f"[{index}:v:0]format={fmt},{move},setsar=1,trim=end_frame={frames},"
        f"{clock(edit.rate)}[{out}]"
    )


def gap_filter(frames: int, edit: Edit, fmt: str, colour: str, out: str) -> str:
    return (
        f"color=c={colour}:s={edit.width}x{edit.height}:r={rate_text(edit.rate)},format={fmt},"
        f"setsar=1,trim=end_frame={frames},{clock(edit.rate)}[{out}]"
    )


def join_filter(
    labels: list[str], blends: list[int], frames: list[int], rate: Fraction, out: str
) -> list[str]:
    """Pieces one after another: cuts by concat, dissolves by xfade (offset where the
    dissolve begins, counted from the start of what is joined so far)."""
    lines: list[str] = []
    acc, acc_frames = labels[0], frames[0]
    for k in range(1, len(labels)):
        name = out if k == len(labels) - 1 else f"{out}j{k}"
        if blends[k]:
            offset = Fraction(acc_frames - blends[k]) / rate
            lines.append(
                f"[{acc}][{labels[k]}]xfade=transition=fade"
                f":duration={sec(blends[k] / rate)}"
                f":offset={sec(offset)}[{name}]"
            )
            acc_frames += frames[k] - blends[k]
        else:
            lines.append(f"[{acc}][{labels[k]}]concat=n=2:v=1:a=0,{clock(rate)}[{name}]")
            acc_frames += frames[k]
        acc = name
    if len(labels) == 1:
        lines.append(f"[{labels[0]}]null[{out}]")
    return lines


# --- inputs -----------------------------------------------------------------------------------


class Inputs:
    """The input arguments of one ffmpeg run, each input's index as the graph names it."""

    def __init__(self) -> None:
        self.args: list[str] = []
        self.count = 0

    def add(self, args: list[str]) -> int:
        self.args += args
        self.count += 1
        return self.count - 1


def raw_input(
    path: Path, size: tuple[int, int], rate: Fraction, pix_fmt: str = "rgba"
) -> list[str]:
    """Raw pixels we wrote ourselves: the rawvideo demuxer and the file protocol only."""
    return [
        "-f",
        "rawvideo",
        "-pixel_format",
        pix_fmt,
        "-video_size",
        f"{size[0]}x{size[1]}",
        "-framerate",
        rate_text(rate),
        "-protocol_whitelist",
        "file",
        "-i",
        file_url(path),
    ]


# --- pictures drawn or decoded by Pillow --------------------------------------------------------


def decode_still(path: Path, max_pixels: int) -> Image.Image:
    """An image record decoded as the image recipe and `showcase check` decode it (one
    decode: images.decode_image): size checked from the header, EXIF orientation applied,
    colours in sRGB."""
    return decode_image(path.read_bytes(), path.name, max_pixels, None).picture


def fit(img: Image.Image, width: int, height: int) -> Image.Image:
    """RGBA `width` x `height`: the picture scaled to fit, centred, transparent around it
    (black on the bottom track, what is below on upper ones). Any size, odd ones too."""
    img = img.convert("RGBA")
    scale = min(width / img.width, height / img.height)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    if size != img.size:
        img = img.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)
    frame = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    frame.paste(img, ((width - size[0]) // 2, (height - size[1]) // 2))
    return frame


def text_lines(path: Path, lines: tuple[int, int] | None) -> list[str]:
    """The lines of a text record a card shows, as plain text (Markdown marks removed)."""
    with open(path, "rb") as f:
        raw = f.read(TEXT_BYTES).decode("utf-8", errors="replace")
    rows = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines is not None:
        rows = rows[max(0, lines[0] - 1) : max(0, lines[1])]
    return opening_lines("\n".join(rows))


def draw_text(lines: list[str], style: str, width: int, height: int) -> Image.Image:
    """A title card (full frame, dark text on paper) or a lower third (light text on a dark
    band in the lower part of a transparent frame). Untrusted text: cleaned, wrapped by
    measured width, cut with an ellipsis, drawn inside the margins."""
    unit = height / 720
    margin = round(width * 0.08)
    if style == "title":
        frame = Image.new("RGBA", (width, height), (*PAPER, 255))
        font = _font("body", round(40 * unit))
        box = (margin, margin, width - margin, height - margin)
        colour = INK
    else:
        frame = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        font = _font("credit", round(34 * unit))
        step = _line_height(font, 1.3)
        band_h = 3 * step + round(36 * unit)
        top = height - round(height * 0.07) - band_h
        ImageDraw.Draw(frame).rectangle(
            (margin // 2, top, width - margin // 2, top + band_h), fill=(*BACKGROUND, 215)
        )
        box = (margin, top + round(18 * unit), width - margin, top + band_h - round(18 * unit))
        colour = LIGHT
    step = _line_height(font, 1.3)
    box_w, box_h = box[2] - box[0], box[3] - box[1]
    rows: list[str] = []
    for line in lines:
        rows += wrap(line, font, box_w, max(1, box_h // step)) if line else [""]
    rows = rows[: max(1, box_h // step)]
    canvas = Image.new("RGBA", (box_w, box_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    y = (box_h - len(rows) * step) // 2 if style == "title" else 0
    for row in rows:
        if row:
            x = max(0, (box_w - round(font.getlength(row))) // 2) if style == "title" else 0
            _draw_line(draw, row, font, x, y, box_w - x, (*colour, 255))
        y += step
    frame.alpha_composite(canvas, (box[0], box[1]))
    return frame


# --- the recipe ---------------------------------------------------------------------------------


@dataclass
class Job:
    """What one render needs as it runs: the cut, its inputs, settings, limits, scratch space."""

    edit: Edit
    sources: dict[str, Source]
    render: dict[str, Any]
    budget: Budget
    memory_mb: int
    tmp: Path
    max_pixels: int
    bar: Any = None
    drawn: dict[tuple, Path] | None = None

    def raw(self, key: tuple, make) -> Path:  # noqa: ANN001 - make() -> Image
        """A picture written once as raw RGBA (a still used twice is decoded once)."""
        if self.drawn is None:
            self.drawn = {}
        if key not in self.drawn:
            path = self.tmp / f"pic-{len(self.drawn)}.rgba"
            path.write_bytes(make().tobytes())
            self.drawn[key] = path
        return self.drawn[key]


def make_timeline(job: MediaJob, root: Path, out: Path, settings: MediaSettings) -> MediaInfo:
    edit = _edit(job)
    kind = job.param("type")
    if kind not in ("video", "audio"):
        raise MediaError(
            f"a timeline renders a video or an audio record, not {kind!r}",
            "set `type: video` or `type: audio`",
        )
    sources = _sources(job, root)
    budget = Budget(job.time_limit(settings))
    try:
        with tempfile.TemporaryDirectory(prefix="showcase-render-") as tmp, _bar(job) as bar:
            work = Job(
                edit,
                sources,
                dict(job.param("render") or {}),
                budget,
                settings.job_memory_mb,
                Path(tmp),
                int(job.param("max_pixels") or 50_000_000),
                bar,
            )
            made = [_original(root / job.media, out)]
            poster = root / job.poster if job.poster else None
            if kind == "video":
                made += _render_video(work, job, out, settings, poster)
            else:
                made += _render_audio(work, job, out, settings, poster)
    except BaseException:
        clear_outputs(out)
        raise
    total = _total_frames(edit, kind, job)
    extra = {"format": "otio", "rendered": True, "frames": total if kind == "video" else None}
    return MediaInfo(
        tuple(made),
        edit.width if kind == "video" else None,
        edit.height if kind == "video" else None,
        round(float(total / edit.rate), 3),
        extra,
    )


def _edit(job: MediaJob) -> Edit:
    try:
        edit = edit_from_json(job.param("edit"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
        raise MediaError(f"the timeline could not be read ({exc})", FIX) from None
    if edit.rate not in RATES:
        raise MediaError(
            f"the timeline's frame rate {float(edit.rate):g} is not one the build renders",
            "use 23.976, 24, 25, 29.97, 30, 50, 59.94 or 60 frames per second",
        )
    w, h = edit.width, edit.height
    if not (16 <= w <= 3840 and 16 <= h <= 2160) or w % 2 or h % 2:
        raise MediaError(
            f"the timeline's picture size {w}x{h} cannot be rendered",
            "use even sizes up to 3840x2160, such as 1280x720",
        )
    if edit.duration <= 0:
        raise MediaError("the timeline is empty", "put at least one clip on it")
    return edit


def _sources(job: MediaJob, root: Path) -> dict[str, Source]:
    named = job.param("sources") or []
    used = job.inputs[1 : len(job.inputs) - (1 if job.poster else 0)]
    if len(named) != len(used):
        raise MediaError("the timeline's inputs do not match its records", FIX)
    return {rid: Source(rid, rtype, root / rel) for (rid, rtype), rel in zip(named, used)}


def _total_frames(edit: Edit, kind: str, job: MediaJob) -> int:
    frames = round(edit.duration * edit.rate)
    if kind == "video" and edit.roll.enabled and job.param("roll"):
        frames += max(1, round(edit.roll.seconds * edit.rate))
    return frames


def _original(src: Path, out: Path) -> Derivative:
    """The .otio itself, to download and recut."""
    from .tools import original_name

    name = original_name(src.name)
    tmp = out / f".{name}.part"
    shutil.copyfile(src, tmp)
    os.replace(tmp, out / name)
    return Derivative("original", name, "application/json", bytes=os.path.getsize(out / name))


# --- video --------------------------------------------------------------------------------------


def _render_video(
    work: Job, job: MediaJob, out: Path, settings: MediaSettings, poster_file: Path | None
) -> list[Derivative]:
    edit = work.edit
    total = round(edit.duration * edit.rate)
    tracks = [pieces(t, edit.rate) for t in edit.video_tracks()]
    longest = max(1, round(SEGMENT_SECONDS * edit.rate))
    parts = [
        _segment(work, [within(t, a, b) for t in tracks], b - a, k)
        for k, (a, b) in enumerate(segments(cut_points(tracks, total), total, longest))
    ]
    roll = job.param("roll") or []
    frames = total
    if edit.roll.enabled and roll:
        roll_n = max(1, round(edit.roll.seconds * edit.rate))
        parts.append(_roll_segment(work, roll, roll_n, len(parts)))
        frames += roll_n
    files = _encode(work, parts)
    listing = work.tmp / "segments.ffconcat"
    listing.write_text("ffconcat version 1.0\n" + "".join(f"file {f.name}\n" for f in files))
    inputs = Inputs()
    # Our own list of our own files, by relative name (-safe 1 refuses anything else).
    inputs.add(
        ["-f", "concat", "-safe", "1", "-protocol_whitelist", "file", "-i", file_url(listing)]
    )
    graph = _audio_graph(work, inputs, frames)
    r = work.render
    args = [
        *inputs.args,
        "-filter_complex",
        ";".join(graph),
        "-map",
        "0:v",
        "-map",
        "[aout]",
        "-c:v",
        "copy",
        "-c:a",
        "aac",
        "-b:a",
        str(r.get("audio_bitrate", "160k")),
        "-ar",
        str(_rate(work)),
        "-ac",
        "2",
        "-flags:a",
        "+bitexact",
        *NO_METADATA,
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
    ]
    size = _to_file(
        work, args, out, "video.mp4", f"rendering {Path(job.media).name!r}", Fraction(0)
    )
    _verify(work, out / "video.mp4", frames, video=True)
    made = [Derivative("video", "video.mp4", "video/mp4", edit.width, edit.height, size)]
    if poster_file is not None:  # the record's own poster, as for an uploaded video
        return made + save_visual(open_poster(poster_file, work.max_pixels), out, settings)
    src = out / "video.mp4"
    probed = probe(src, "mp4", timeout=work.budget.left(), memory_mb=work.memory_mb)
    info = read_video(probed, src.name)
    width = max((*settings.widths, settings.preview_width))
    poster, _ = grab_poster(src, "mp4", info, width, work.budget, work.memory_mb)
    return made + save_visual(poster, out, settings)


@dataclass(frozen=True)
class Part:
    """One segment's ffmpeg run, prepared (its pictures drawn) and not yet run."""

    args: list[str]
    name: str  # the file it writes in the job's scratch folder
    what: str  # for messages
    seconds: Fraction


def _encode(work: Job, parts: list[Part]) -> list[Path]:
    """The parts encoded, SEGMENT_WORKERS at a time: one segment's filter graph (decoding,
    scaling, zooming) keeps about one core busy, and the segments are independent files, so
    two at once use the cores a plain encode uses. Each run is deterministic on its own and
    keeps its own limits; memory is that of SEGMENT_WORKERS segments, whatever the length."""

    def run(part: Part) -> Path:
        _to_file(work, part.args, work.tmp, part.name, part.what, part.seconds)
        return work.tmp / part.name

    with ThreadPoolExecutor(max_workers=SEGMENT_WORKERS) as pool:
        return list(pool.map(run, parts))


def _segment(work: Job, tracks: list[list[Piece]], frames: int, number: int) -> Part:
    """Frames of the picture as one encoded file: the tracks bottom-up, each joined from its
    pieces, upper ones laid over the lower (transparent in their gaps)."""
    edit = work.edit
    inputs = Inputs()
    graph: list[str] = []
    layers: list[str] = []
    for level, track in enumerate(tracks):
        bottom = level == 0
        if not bottom and all(p.is_gap for p in track):
            continue  # nothing to lay over
        label = f"t{level}"
        graph += _track_graph(work, inputs, track, frames, bottom, label)
        layers.append(label)
    if not layers:
        graph.append(gap_filter(frames, edit, "yuv420p", "black", "t0"))
        layers.append("t0")
    base = layers[0]
    for k, layer in enumerate(layers[1:], 1):
        graph.append(f"[{base}][{layer}]overlay=x=0:y=0:format=auto:eof_action=pass[o{k}]")
        base = f"o{k}"
    graph.append(f"[{base}]format=yuv420p,trim=end_frame={frames},{clock(edit.rate)}[vout]")
    return _part(
        work, inputs, graph, frames, number, f"rendering part {number + 1} of the timeline"
    )


def _track_graph(
    work: Job, inputs: Inputs, track: list[Piece], frames: int, bottom: bool, out: str
) -> list[str]:
    edit = work.edit
    fmt, clear = ("yuv420p", "black") if bottom else ("yuva420p", "black@0")
    graph: list[str] = []
    labels, blends, lengths = [], [], []
    shown = 0
    for n, p in enumerate(track):
        label = f"{out}p{n}"
        graph.append(_piece_filter(work, inputs, p, fmt, clear, label))
        labels.append(label)
        blends.append(p.blend)
        lengths.append(p.frames)
        shown = p.end
    if shown < frames or not labels:  # the track ends before the segment: black or clear
        label = f"{out}end"
        graph.append(gap_filter(frames - shown, edit, fmt, clear, label))
        labels.append(label)
        blends.append(0)
        lengths.append(frames - shown)
    graph += join_filter(labels, blends, lengths, edit.rate, f"{out}j")
    graph.append(f"[{out}j]trim=end_frame={frames},{clock(edit.rate)}[{out}]")
    return graph


def _piece_filter(work: Job, inputs: Inputs, p: Piece, fmt: str, clear: str, out: str) -> str:
    edit = work.edit
    item = p.span.item
    if isinstance(item, Gap):
        return gap_filter(p.frames, edit, fmt, clear, out)
    source = _source(work, item)
    size = (edit.width, edit.height)
    if item.style == "clip":
        _expect(source, item, "video")
        start = item.source_start - p.span.head
        fmt_name = sniff_file(source.path).name
        read = sec(Fraction(p.frames + 2) / edit.rate)
        seek = sec(max(Fraction(0), start))
        index = inputs.add(input_args(source.path, fmt_name, ss=seek, t=read))
        return clip_filter(index, p.frames, edit, fmt, clear, out)
    if item.style == "still":
        _expect(source, item, "image")
        zoomed = item.zoom != 1.0
        # A zoom crops into the picture: drawn larger than the frame, it stays sharp and moves
        # in steps of 2/3 of an output pixel. Measured: zoompan's per-frame scale was most
        # of a render's cost at 2x (60 s production 2.06x the floor); at 1.5x it is 1.58x.
        scale = 1.5 if zoomed else 1
        big = (round(size[0] * scale) // 2 * 2, round(size[1] * scale) // 2 * 2)
        path = work.raw(
            ("still", source.record_id, big),
            lambda: fit(decode_still(source.path, work.max_pixels), *big),
        )
        index = inputs.add(raw_input(path, big, edit.rate))
        return picture_filter(index, p.frames, edit, fmt, item.zoom, out)
    if item.style in ("title", "lower-third"):
        _expect(source, item, "text")
        path = work.raw(
            ("text", source.record_id, item.style, item.lines),
            lambda: draw_text(text_lines(source.path, item.lines), item.style, *size),
        )
        index = inputs.add(raw_input(path, size, edit.rate))
        return picture_filter(index, p.frames, edit, fmt, 1.0, out)
    w = item.where
    raise MediaError(
        f"clip {w.index} of track {w.track} ({w.name or 'no name'}) is a "
        f"{item.style!r} clip, which a video track cannot show",
        FIX,
    )


def _source(work: Job, clip: Clip) -> Source:
    source = work.sources.get(clip.record_id)
    if source is None:
        raise MediaError(
            f"the timeline uses '{clip.record_id}', which is missing or withdrawn",
            "point the clip at a live record, or remove it",
        )
    return source


def _expect(source: Source, clip: Clip, kind: str) -> None:
    if source.type != kind:
        raise MediaError(
            f"'{source.record_id}' is a {source.type} record, which a "
            f"{clip.style!r} clip cannot show",
            FIX,
        )


def _roll_segment(work: Job, lines: list, frames: int, number: int) -> Part:
    edit = work.edit
    image = draw_roll([(str(s), str(t)) for s, t in lines], edit.width, edit.height)
    path = work.tmp / "roll.rgb"
    path.write_bytes(image.tobytes())
    inputs = Inputs()
    index = inputs.add(raw_input(path, image.size, edit.rate, "rgb24"))
    graph = [
        scroll_filter(f"{index}:v:0", frames, edit.height, "scroll"),
        f"[scroll]format=yuv420p,setsar=1,trim=end_frame={frames},{clock(edit.rate)}[vout]",
    ]
    return _part(work, inputs, graph, frames, number, "rendering the end credits")


def _part(work: Job, inputs: Inputs, graph: list[str], frames: int, number: int, what: str) -> Part:
    """A segment's run: its graph's [vout] encoded as every segment is (they are joined as
    they are), into seg-NNNN.mp4."""
    args = [*inputs.args, "-filter_complex", ";".join(graph), "-map", "[vout]", "-an"]
    args += [*_video_codec(work), "-f", "mp4"]
    return Part(args, f"seg-{number:04d}.mp4", what, Fraction(frames) / work.edit.rate)


def _video_codec(work: Job) -> list[str]:
    """H.264 the same way for every segment (they are joined as they are), reproducibly:
    x264's output depends on its thread count, so it is pinned."""
    r = work.render
    keyint = max(1, round(2 * work.edit.rate))
    return [
        "-c:v",
        "libx264",
        "-preset",
        str(r.get("preset", "veryfast")),
        "-crf",
        str(r.get("crf", 23)),
        "-threads:v",
        str(r.get("threads", 2)),
        "-pix_fmt",
        "yuv420p",
        "-profile:v",
        "high",
        "-g",
        str(keyint),
        "-fps_mode",
        "passthrough",
        "-flags:v",
        "+bitexact",
        "-fflags",
        "+bitexact",
        "-map_metadata",
        "-1",
    ]


# --- sound ---------------------------------------------------------------------------------------


def _rate(work: Job) -> int:
    return int(work.render.get("sample_rate", 48000))


def _audio_graph(work: Job, inputs: Inputs, frames: int) -> list[str]:
    """Every sound clip trimmed, with its gain and fades, placed at its start and mixed
    without normalisation; silence elsewhere, exactly as long as the picture."""
    edit = work.edit
    rate = _rate(work)
    total = round(Fraction(frames) / edit.rate * rate)
    graph: list[str] = []
    labels: list[str] = []
    for track in edit.audio_tracks():
        for span in spans(track):
            item = span.item
            if isinstance(item, Gap):
                continue
            line = _sound_filter(work, inputs, span, rate, f"a{len(labels)}")
            if line:
                graph.append(line)
                labels.append(f"a{len(labels)}")
    pad = f"apad=whole_len={total},atrim=end_sample={total},asetpts=N/SR/TB[aout]"
    if not labels:
        graph.append(f"anullsrc=r={rate}:cl=stereo,{pad}")
    elif len(labels) == 1:
        graph.append(f"[{labels[0]}]{pad}")
    else:
        graph.append(
            "".join(f"[{x}]" for x in labels)
            + f"amix=inputs={len(labels)}:duration=longest:dropout_transition=0"
            + f":normalize=0,{pad}"
        )
    return graph


def _sound_filter(work: Job, inputs: Inputs, span: Span, rate: int, out: str) -> str | None:
    item = span.item
    assert isinstance(item, Clip)
    source = _source(work, item)
    if source.type not in ("audio", "video"):
        raise MediaError(
            f"'{source.record_id}' is a {source.type} record, which an audio track cannot play", FIX
        )
    fmt = sniff_file(source.path).name
    if source.type == "video" and not _has_sound(work, source, fmt):
        return None  # a silent video on an audio track adds nothing
    first = round((item.start - span.head) * rate)
    length = round((item.start + item.duration + span.tail) * rate) - first
    if length <= 0:
        return None
    start = item.source_start - span.head
    index = inputs.add(
        input_args(
            source.path,
            fmt,
            ss=sec(max(Fraction(0), start)),
            t=sec(Fraction(length + rate // 10, rate)),
        )
    )
    chain = [
        f"[{index}:a:0]aresample={rate}",
        "aformat=sample_fmts=fltp:channel_layouts=stereo",
        "asetpts=PTS-STARTPTS",
        f"apad=whole_len={length}",
        f"atrim=end_sample={length}",
    ]
    if item.gain_db:
        chain.append(f"volume={item.gain_db:.3f}dB")
    fade_in = min(length, round(span.fade_in * rate))
    fade_out = min(length, round(span.fade_out * rate))
    if fade_in:
        chain.append(f"afade=t=in:ss=0:ns={fade_in}")
    if fade_out:
        chain.append(f"afade=t=out:ss={length - fade_out}:ns={fade_out}")
    if first:
        chain.append(f"adelay=delays={first}S:all=1")
    return ",".join(chain) + f"[{out}]"


def _has_sound(work: Job, source: Source, fmt: str) -> bool:
    data = probe(source.path, fmt, timeout=work.budget.left(), memory_mb=work.memory_mb)
    return any(s.get("codec_type") == "audio" for s in data.get("streams", []))


def _render_audio(
    work: Job, job: MediaJob, out: Path, settings: MediaSettings, cover: Path | None
) -> list[Derivative]:
    edit = work.edit
    frames = round(edit.duration * edit.rate)
    inputs = Inputs()
    graph = _audio_graph(work, inputs, frames)
    r = work.render
    args = [
        *inputs.args,
        "-filter_complex",
        ";".join(graph),
        "-map",
        "[aout]",
        "-c:a",
        "libmp3lame",
        "-b:a",
        str(r.get("mp3_bitrate", "160k")),
        "-ar",
        str(_rate(work)),
        "-ac",
        "2",
        "-flags:a",
        "+bitexact",
        *NO_METADATA,
        "-id3v2_version",
        "0",
        "-write_id3v1",
        "0",
        "-write_xing",
        "1",
        "-f",
        "mp3",
    ]
    size = _to_file(
        work,
        args,
        out,
        "audio.mp3",
        f"rendering {Path(job.media).name!r}",
        Fraction(frames) / edit.rate,
    )
    _verify(work, out / "audio.mp3", frames, video=False)
    src = out / "audio.mp3"
    probed = probe(src, "mp3", timeout=work.budget.left(), memory_mb=work.memory_mb)
    info = read_audio(probed, src.name)
    peaks, _ = decode_peaks(src, "mp3", info, work.budget, work.memory_mb)
    if cover is not None:  # the record's cover art, as for uploaded audio
        visual = open_poster(cover, work.max_pixels)
    else:
        visual = render_card(
            title=job.param("title") or "", credit=job.param("credit") or "", kind="audio", lines=[]
        )
    return [
        Derivative("audio", "audio.mp3", "audio/mpeg", bytes=size),
        _write_waveform(peaks, out),
        *save_visual(visual, out, settings),
    ]


# --- running, progress, verifying ---------------------------------------------------------------


def _to_file(work: Job, args: list[str], out: Path, name: str, what: str, seconds: Fraction) -> int:
    """ffmpeg writing `out/name` whole or not at all; with a progress bar, its `-progress`
    report (time done) moves the bar by `seconds` over the run."""
    if work.bar is None or seconds <= 0:
        return ffmpeg_to_file(
            args, out, name, budget=work.budget, memory_mb=work.memory_mb, what=what
        )
    tmp = out / f".{name}.part"
    done = 0.0
    try:
        run = [*args, "-progress", "pipe:1", "-nostats", file_url(tmp)]
        lines = _lines(
            stream_ffmpeg(run, timeout=work.budget.left(), memory_mb=work.memory_mb, what=what)
        )
        for line in lines:
            if line.startswith("out_time_us="):
                now = min(float(seconds), (probe_float(line.split("=", 1)[1]) or 0) / 1e6)
                if now > done:
                    work.bar.update(now - done)
                    done = now
        work.bar.update(max(0.0, float(seconds) - done))
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise MediaError(f"{what} produced nothing", FIX)
        os.replace(tmp, out / name)
    finally:
        tmp.unlink(missing_ok=True)
    return os.path.getsize(out / name)


def _lines(chunks: Iterator[bytes]) -> Iterator[str]:
    rest = b""
    for chunk in chunks:
        rest += chunk
        *whole, rest = rest.split(b"\n")
        for line in whole:
            yield line.decode("ascii", "replace").strip()


class _bar:
    """A tqdm bar in seconds rendered, when stderr is a terminal (never in tests or CI logs)."""

    def __init__(self, job: MediaJob) -> None:
        self.job = job
        self.bar = None

    def __enter__(self):  # noqa: ANN204
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(
                total=round(float(self.job.param("seconds") or 0), 3),
                unit="s",
                desc=f"render {self.job.record_id}",
                file=sys.stderr,
                leave=False,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s",
            )
        return self.bar

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        if self.bar is not None:
            self.bar.close()


def _verify(work: Job, path: Path, frames: int, *, video: bool) -> None:
    """The render is as long as the cut says, to a frame: ffprobe counts the frames (packets:
    one per frame) and reads the duration."""
    fmt = "mp4" if video else "mp3"
    args = [
        *input_args(path, fmt),
        "-count_packets",
        "-of",
        "json",
        "-show_entries",
        "stream=codec_type,nb_read_packets:format=duration",
    ]
    proc = run_ffprobe(
        args, timeout=work.budget.left(), memory_mb=work.memory_mb, what="checking the render"
    )
    data = json.loads(proc.stdout or b"{}")
    seconds = Fraction(frames) / work.edit.rate
    duration = probe_float((data.get("format") or {}).get("duration"))
    slack = 1 / work.edit.rate + Fraction(1152 if not video else 1024, _rate(work))
    if duration is None or abs(Fraction(duration) - seconds) > slack:
        raise MediaError(
            f"the render lasts {duration or 0:.3f} s, not the timeline's {float(seconds):.3f} s",
            FIX,
        )
    if video:
        counted = next(
            (
                probe_int(s.get("nb_read_packets"))
                for s in data.get("streams", [])
                if s.get("codec_type") == "video"
            ),
            None,
        )
        if counted != frames:
            raise MediaError(f"the render has {counted} frames, not the timeline's {frames}", FIX)
