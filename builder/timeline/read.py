""".otio bytes -> the plain Edit, or the problems that say why not.

The file is untrusted. limits.py measures and parses it first; only then does OpenTimelineIO
read the text, with `deserialize_json_from_string` alone: never an adapter, a plugin, a hook
or a media linker (those load Python named by the environment). Positions, durations,
handles and transitions come from OpenTimelineIO's own algorithms, never from arithmetic of
ours. What lies outside the subset of SPEC section 6 is a problem that names it.

Pure apart from OpenTimelineIO (a library over a string): no file is opened here. The record
types of the archive come in as plain data, to choose how each clip is drawn.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Mapping

from ..core.problems import Problem, problem
from .limits import MAX_SECONDS, check_and_parse, match_rate
from .model import Clip, ClipStyle, Dissolve, Edit, Gap, Item, Roll, Track, TrackKind, Where

TARGET = re.compile(r"showcase:([a-z0-9][a-z0-9-]{1,62}[a-z0-9])")
GAIN_DB = (-60.0, 12.0)
ZOOM = (1.0, 2.0)
ROLL_SECONDS = (3, 60)
SIZE = (160, 1920)
CLIP_KEYS = ("gain_db", "zoom", "lines", "style")
TIMELINE_KEYS = ("roll", "size")
_REEXPORT = "export the timeline again from your editor"


@dataclass
class _Reader:
    """One file's reading: where problems go and what they name."""

    path: str
    record: str | None
    types: Mapping[str, str]
    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, line: int, message: str, fix: str) -> None:
        self.problems.append(problem(code, self.path, line, message, fix, self.record))


def read_timeline(
    data: bytes, path: str, record: str | None = None, types: Mapping[str, str] | None = None
) -> tuple[Edit | None, list[Problem]]:
    """The cut in a .otio file. `path`: the file as problems name it; `types`: record id ->
    record type, to draw each clip (a clip of an unknown record is left to rules.py).
    An Edit only when the file has no problem at all."""
    reader = _Reader(path, record, types or {})
    tree, limit = check_and_parse(data)
    if limit is not None:
        reader.add(limit.code, limit.line, limit.message, limit.fix)
        return None, reader.problems
    timeline = _deserialize(data, reader)
    if timeline is None:
        return None, reader.problems
    edit = _edit(timeline, tree, reader)
    return (edit if not reader.problems else None), reader.problems


def _deserialize(data: bytes, reader: _Reader) -> Any:
    import opentimelineio as otio  # noqa: PLC0415 - only for commands that read timelines

    text = data.decode("utf-8").removeprefix("\ufeff")  # limits.py decoded it already
    try:
        timeline = otio.core.deserialize_json_from_string(text)
    except Exception as exc:  # noqa: BLE001 - any refusal by the library is a problem
        reader.add(
            "timeline-invalid",
            _near_line(str(exc)),
            f"OpenTimelineIO cannot read it: {_library_message(str(exc))}",
            _REEXPORT,
        )
        return None
    if not isinstance(timeline, otio.schema.Timeline):
        reader.add(
            "timeline-invalid",
            1,
            "the file holds an OpenTimelineIO "
            f"{timeline.schema_name() if hasattr(timeline, 'schema_name') else 'value'}, "
            "not a Timeline",
            "export the whole timeline from your editor",
        )
        return None
    return timeline


def _library_message(text: str) -> str:
    """OpenTimelineIO's message without C++ type names, one short line."""
    text = re.sub(r"\(of type '[^']*'\)", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:200]


def _near_line(text: str) -> int:
    found = re.search(r"line (\d+)", text)
    return int(found.group(1)) if found else 1


# --- the timeline and its tracks ------------------------------------------------------------


def _edit(timeline: Any, tree: dict, reader: _Reader) -> Edit | None:
    import opentimelineio as otio  # noqa: PLC0415

    stack, stack_json = timeline.tracks, _get(tree, "tracks")
    _check_composable(stack, stack_json, "the timeline's stack", reader)
    if stack.source_range is not None:
        reader.add(
            "timeline-unsupported",
            _line(stack_json),
            "the timeline's stack is trimmed (it has a source_range)",
            "remove the trim in your editor",
        )
    children = _get(stack_json, "children")
    video_numbers = [
        n
        for n, child in enumerate(stack, 1)
        if isinstance(child, otio.schema.Track) and child.kind == "Video"
    ]
    tracks: list[Track] = []
    for number, child in enumerate(stack, 1):
        child_json = _get(children, number - 1)
        if not isinstance(child, otio.schema.Track):
            reader.add(
                "timeline-unsupported",
                _line(child_json),
                f"track {number} is a "
                f"{child.schema_name()} (a nested stack or compound clip), not a track",
                "flatten it into plain video and audio tracks in your editor",
            )
            continue
        first_video = bool(video_numbers) and number == video_numbers[0]
        track = _track(child, child_json, number, first_video, reader)
        if track is not None:
            tracks.append(track)
    if reader.problems:
        return None  # OpenTimelineIO may not be able to measure what was refused
    try:
        duration = _seconds(timeline.duration())
    except Exception as exc:  # noqa: BLE001 - the library's refusal is a problem
        reader.add(
            "timeline-invalid",
            1,
            f"OpenTimelineIO cannot measure the timeline: {_library_message(str(exc))}",
            _REEXPORT,
        )
        return None
    if duration > MAX_SECONDS:
        reader.add(
            "timeline-limit",
            1,
            f"the timeline is {float(duration) / 60:.0f} minutes "
            f"long, over the limit of {MAX_SECONDS // 60} minutes",
            "split the production into shorter ones",
        )
    if not any(t.clips for t in tracks):
        reader.add(
            "timeline-invalid",
            1,
            "the timeline has no clips",
            "put at least one clip of a record on a track",
        )
    roll, size = _timeline_metadata(_get(tree, "metadata"), reader)
    ordered = tuple(sorted(tracks, key=lambda t: (t.kind != "video", t.number)))
    return Edit(_rate(timeline), ordered, duration, roll, str(timeline.name), size[0], size[1])


def _rate(timeline: Any) -> Fraction:
    """The production's frame rate: its start time's, or that of the first item's length."""
    if timeline.global_start_time is not None:
        return match_rate(timeline.global_start_time.rate) or Fraction(25)
    for track in timeline.tracks:
        for item in track:
            if item.schema_name() in ("Clip", "Gap"):
                return match_rate(item.duration().rate) or Fraction(25)
    return Fraction(25)


def _track(
    track: Any, track_json: Any, number: int, first_video: bool, reader: _Reader
) -> Track | None:
    before = len(reader.problems)
    what = f"track {number}"
    if track.kind not in ("Video", "Audio"):
        reader.add(
            "timeline-unsupported",
            _line(track_json),
            f"{what} is of kind {str(track.kind)[:40]!r}; a production has Video and Audio tracks",
            "keep video and audio tracks only",
        )
        return None
    kind: TrackKind = "video" if track.kind == "Video" else "audio"
    _check_composable(track, track_json, what, reader)
    if track.source_range is not None:
        reader.add(
            "timeline-unsupported",
            _line(track_json),
            f"{what} is trimmed (it has a source_range)",
            "remove the trim of the track in your editor",
        )
    children = _get(track_json, "children")
    items: list[Item] = []
    for index, child in enumerate(track):
        child_json = _get(children, index)
        where = Where(number, index + 1, str(child.name), _line(child_json))
        item = _item(track, index, child, child_json, where, kind, first_video, reader)
        if item is not None:
            items.append(item)
    if len(reader.problems) > before:
        return None
    return Track(kind, number, str(track.name), tuple(items), _seconds(track.duration()))


def _check_composable(obj: Any, obj_json: Any, what: str, reader: _Reader) -> None:
    """What an item, a track and the stack may not carry: effects, and being switched off."""
    line = _line(obj_json)
    effects = getattr(obj, "effects", ())  # a transition has neither effects nor a switch
    if effects:
        names = ", ".join(sorted({e.schema_name() for e in effects}))
        reader.add(
            "timeline-unsupported",
            line,
            f"{what} has an effect ({names}), which a production cannot render",
            "remove the effect in your editor (speed changes and freeze frames included)",
        )
    if not getattr(obj, "enabled", True):
        reader.add(
            "timeline-unsupported",
            line,
            f"{what} is disabled, so it would be left out",
            "enable it, or delete it from the timeline",
        )


# --- items ------------------------------------------------------------------------------------


def _at(where: Where) -> str:
    name = f" {where.name!r}" if where.name else ""
    return f"track {where.track}, item {where.index}{name}"


def _item(
    track: Any,
    index: int,
    child: Any,
    child_json: Any,
    where: Where,
    kind: TrackKind,
    first_video: bool,
    reader: _Reader,
) -> Item | None:
    schema = child.schema_name()
    if schema not in ("Clip", "Gap", "Transition"):
        reader.add(
            "timeline-unsupported",
            where.line,
            f"{_at(where)} is a {schema}: a track holds clips, gaps and dissolves",
            "flatten it into plain clips in your editor",
        )
        return None
    _check_composable(child, child_json, _at(where), reader)
    if schema == "Transition":
        return _dissolve(track, index, child, where, reader)
    try:
        span = track.range_of_child_at_index(index)
        own = child.trimmed_range()
    except Exception as exc:  # noqa: BLE001 - e.g. a clip with no range at all
        reader.add(
            "timeline-invalid",
            where.line,
            f"{_at(where)} has no length OpenTimelineIO can measure ({_library_message(str(exc))})",
            "give the clip in and out points (a source_range)",
        )
        return None
    start, duration = _seconds(span.start_time), _seconds(span.duration)
    if duration <= 0:
        reader.add(
            "timeline-invalid",
            where.line,
            f"{_at(where)} is {float(duration):g} seconds long",
            "give it a positive length",
        )
        return None
    if schema == "Gap":
        return Gap(where, start, duration)
    return _clip(
        child,
        child_json,
        where,
        kind,
        first_video,
        start,
        duration,
        _seconds(own.start_time),
        _handles(track, child),
        reader,
    )


def _handles(track: Any, child: Any) -> tuple[Fraction, Fraction]:
    head, tail = track.handles_of_child(child)
    return (
        _seconds(head) if head is not None else Fraction(0),
        _seconds(tail) if tail is not None else Fraction(0),
    )


def _dissolve(track: Any, index: int, child: Any, where: Where, reader: _Reader) -> Dissolve | None:
    kind = str(child.transition_type)
    if kind != "SMPTE_Dissolve":
        reader.add(
            "timeline-unsupported",
            where.line,
            f"{_at(where)} is a {kind[:40]!r} "
            "transition; a production has cross-dissolves and fades",
            "use a plain cross-dissolve (SMPTE_Dissolve) instead",
        )
        return None
    before = track[index - 1] if index > 0 else None
    after = track[index + 1] if index + 1 < len(track) else None
    if before is None or after is None:
        reader.add(
            "timeline-unsupported",
            where.line,
            f"{_at(where)} is a dissolve at the "
            f"{'start' if before is None else 'end'} of the track, with nothing to "
            "dissolve from or to",
            "put a gap on that side to fade from or to black",
        )
        return None
    names = (before.schema_name(), after.schema_name())
    if "Transition" in names or names == ("Gap", "Gap"):
        reader.add(
            "timeline-unsupported",
            where.line,
            f"{_at(where)} is a dissolve between a {names[0]} and a {names[1]}",
            "put a dissolve between two clips, or between a clip and a gap (a fade)",
        )
        return None
    in_offset, out_offset = _seconds(child.in_offset), _seconds(child.out_offset)
    if in_offset < 0 or out_offset < 0:
        reader.add("timeline-invalid", where.line, f"{_at(where)} has a negative length", _REEXPORT)
        return None
    try:
        span = track.range_of_child_at_index(index)
        room = (_seconds(before.trimmed_range().duration), _seconds(after.trimmed_range().duration))
    except Exception as exc:  # noqa: BLE001
        reader.add(
            "timeline-invalid",
            where.line,
            f"{_at(where)} cannot be placed ({_library_message(str(exc))})",
            _REEXPORT,
        )
        return None
    if in_offset > room[0] or out_offset > room[1]:
        reader.add(
            "timeline-unsupported",
            where.line,
            f"{_at(where)} is longer than the item "
            f"{'before' if in_offset > room[0] else 'after'} it",
            "shorten the dissolve, or lengthen that item",
        )
        return None
    # OpenTimelineIO places a transition from in_offset before the cut to out_offset after it.
    return Dissolve(where, _seconds(span.start_time) + in_offset, in_offset, out_offset)


def _clip(
    child: Any,
    child_json: Any,
    where: Where,
    kind: TrackKind,
    first_video: bool,
    start: Fraction,
    duration: Fraction,
    source_start: Fraction,
    handles: tuple[Fraction, Fraction],
    reader: _Reader,
) -> Clip | None:
    record_id = _reference(child, where, reader)
    if record_id is None:
        return None
    if source_start < 0:
        reader.add(
            "timeline-invalid",
            where.line,
            f"{_at(where)} starts "
            f"{float(-source_start):g} seconds before the start of {record_id!r}",
            "move the clip's in point to 0 or later",
        )
        return None
    meta = _clip_metadata(_get(_get(child_json, "metadata"), "showcase"), where, reader)
    if meta is None:
        return None
    style = _style(
        kind,
        record_type=reader.types.get(record_id),
        first_video=first_video,
        override=meta.get("style"),
    )
    if not _applies(meta, style, reader.types.get(record_id), where, reader):
        return None
    lines = meta.get("lines")
    return Clip(
        record_id,
        where,
        style,
        start,
        duration,
        source_start,
        handles[0],
        handles[1],
        gain_db=float(meta.get("gain_db", 0.0)),
        zoom=float(meta.get("zoom", 1.0)),
        lines=(int(lines[0]), int(lines[1])) if lines else None,
    )


def _reference(child: Any, where: Where, reader: _Reader) -> str | None:
    import opentimelineio as otio  # noqa: PLC0415

    references = child.media_references()
    if len(references) != 1:
        reader.add(
            "timeline-unsupported",
            where.line,
            f"{_at(where)} has {len(references)} media references; a clip points at one record",
            "keep one media reference",
        )
        return None
    ref = child.media_reference
    if type(ref) is not otio.schema.ExternalReference:
        reader.add(
            "timeline-unsupported",
            where.line,
            f"{_at(where)} has a {ref.schema_name()}; "
            'a clip points at a record with target_url "showcase:<record-id>"',
            "point the clip at a record: an ExternalReference to showcase:<record-id>",
        )
        return None
    target = str(ref.target_url)
    found = TARGET.fullmatch(target)
    if found is None:
        reader.add(
            "timeline-reference",
            where.line,
            f"{_at(where)} points at {target[:80]!r}; "
            'only records resolve ("showcase:<record-id>"), never a path or a URL',
            "add the media as a record and point the clip at showcase:<its id>",
        )
        return None
    return found.group(1)


def _style(
    kind: TrackKind, record_type: str | None, first_video: bool, override: str | None
) -> ClipStyle:
    if kind == "audio":
        return "sound"
    if record_type == "image":
        return "still"
    if record_type == "text":
        return override or ("title" if first_video else "lower-third")  # type: ignore[return-value]
    return "clip"


def _applies(
    meta: dict, style: ClipStyle, record_type: str | None, where: Where, reader: _Reader
) -> bool:
    """Each setting belongs to one kind of clip: set on another, it would be ignored."""
    if record_type is None:
        return True  # an unknown record: rules.py reports the reference
    wanted = {
        "gain_db": ("sound",),
        "zoom": ("still",),
        "lines": ("title", "lower-third"),
        "style": ("title", "lower-third"),
    }
    for key in CLIP_KEYS:
        if key in meta and style not in wanted[key]:
            what = {
                "gain_db": "clips on audio tracks",
                "zoom": "image records on video tracks",
                "lines": "text records on video tracks",
                "style": "text records on video tracks",
            }[key]
            reader.add(
                "timeline-invalid",
                where.line,
                f"{_at(where)}: showcase.{key} applies to {what} only, and would be ignored here",
                f"remove showcase.{key}",
            )
            return False
    return True


# --- metadata ----------------------------------------------------------------------------------


def _clip_metadata(meta: Any, where: Where, reader: _Reader) -> dict | None:
    """The clip's `showcase` metadata, checked; None when it is wrong (a problem says why)."""
    if meta is None:
        return {}
    line = _line(meta)

    def bad(message: str, fix: str) -> None:
        reader.add("timeline-invalid", line, f"{_at(where)}: {message}", fix)

    if not isinstance(meta, dict):
        bad("metadata showcase is not a mapping", 'write it as {"gain_db": -6}, for example')
        return None
    unknown = sorted(set(meta) - set(CLIP_KEYS))
    if unknown:
        bad(f"metadata showcase.{unknown[0][:40]} is not a setting", f"use {', '.join(CLIP_KEYS)}")
        return None
    if "gain_db" in meta and not _in_range(meta["gain_db"], GAIN_DB):
        bad(
            f"showcase.gain_db is {_shown(meta['gain_db'])}",
            f"give a number of decibels from {GAIN_DB[0]:g} to +{GAIN_DB[1]:g}",
        )
        return None
    if "zoom" in meta and not _in_range(meta["zoom"], ZOOM):
        bad(
            f"showcase.zoom is {_shown(meta['zoom'])}",
            f"give a scale from {ZOOM[0]:g} (none) to {ZOOM[1]:g}, such as 1.08 for a slow push in",
        )
        return None
    lines = meta.get("lines")
    if lines is not None and not (
        isinstance(lines, list)
        and len(lines) == 2
        and all(_is_int(n) for n in lines)
        and 1 <= lines[0] <= lines[1]
    ):
        bad(
            f"showcase.lines is {_shown(lines)}",
            "give the first and last line of the text to show, such as [3, 4] (lines count from 1)",
        )
        return None
    if "style" in meta and meta["style"] not in ("title", "lower-third"):
        bad(f"showcase.style is {_shown(meta['style'])}", 'use "title" or "lower-third"')
        return None
    return dict(meta)


def _timeline_metadata(meta: Any, reader: _Reader) -> tuple[Roll, tuple[int, int]]:
    roll, size = Roll(), (1280, 720)
    showcase = _get(meta, "showcase")
    if showcase is None:
        return roll, size
    line = _line(showcase)

    def bad(message: str, fix: str) -> None:
        reader.add("timeline-invalid", line, f"the timeline's metadata: {message}", fix)

    if not isinstance(showcase, dict):
        bad("showcase is not a mapping", 'write it as {"roll": {"seconds": 8}}, for example')
        return roll, size
    unknown = sorted(set(showcase) - set(TIMELINE_KEYS))
    if unknown:
        bad(f"showcase.{unknown[0][:40]} is not a setting", f"use {', '.join(TIMELINE_KEYS)}")
    if "roll" in showcase:
        roll = _roll(showcase["roll"], bad)
    if "size" in showcase:
        value = showcase["size"]
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(_is_int(n) for n in value)
            and all(SIZE[0] <= n <= SIZE[1] and n % 2 == 0 for n in value)
        ):
            size = (int(value[0]), int(value[1]))
        else:
            bad(
                f"showcase.size is {_shown(value)}",
                f"give [width, height] in pixels, even "
                f"numbers from {SIZE[0]} to {SIZE[1]}, such as [1280, 720]",
            )
    return roll, size


def _roll(value: Any, bad) -> Roll:  # noqa: ANN001 - the caller's problem maker
    if not isinstance(value, dict) or set(value) - {"enabled", "seconds"}:
        bad(f"showcase.roll is {_shown(value)}", 'write it as {"enabled": true, "seconds": 8}')
        return Roll()
    enabled = value.get("enabled", True)
    if not isinstance(enabled, bool):
        bad(f"showcase.roll.enabled is {_shown(enabled)}", "write true or false")
        return Roll()
    seconds = value.get("seconds", 10)
    if not _in_range(seconds, ROLL_SECONDS):
        bad(
            f"showcase.roll.seconds is {_shown(seconds)}",
            f"give a number of seconds from {ROLL_SECONDS[0]} to {ROLL_SECONDS[1]}",
        )
        return Roll()
    return Roll(enabled, Fraction(repr(seconds)))


# --- small helpers ----------------------------------------------------------------------------


def _seconds(time: Any) -> Fraction:
    """An OpenTimelineIO time as exact seconds: its frames (to a thousandth of a frame, which
    undoes float noise) over its rate (the exact NTSC fraction for 29.97)."""
    value = float(time.value)
    if not math.isfinite(value):
        return Fraction(10**9)  # out of every limit; limits.py keeps these out anyway
    rate = match_rate(float(time.rate)) or Fraction(repr(float(time.rate))).limit_denominator(1001)
    if value.is_integer():  # whole frames: the common case, and the quick one
        return Fraction(int(value)) / rate
    return Fraction(repr(value)).limit_denominator(1000) / rate


def _get(obj: Any, key: Any) -> Any:
    """A part of the JSON tree, or None (the tree only gives lines and metadata)."""
    if isinstance(obj, dict) and isinstance(key, str):
        return obj.get(key)
    if isinstance(obj, list) and isinstance(key, int) and 0 <= key < len(obj):
        return obj[key]
    return None


def _line(obj: Any) -> int:
    return getattr(obj, "line", 1)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _in_range(value: Any, bounds: tuple[float, float]) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and bounds[0] <= value <= bounds[1]
    )


def _shown(value: Any) -> str:
    import json  # noqa: PLC0415

    return json.dumps(value)[:60]
