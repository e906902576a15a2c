"""A production's edit as a page draws it, and where each record went: plain data, no I/O.

The diagram is one row per track and one block per item (clip, gap, dissolve), each placed
by `left` and sized by `width`, both percentages of the timeline's duration, so the page
needs no script: the template sets them as CSS custom properties. Every block carries the
text a screen reader says ("Coffee cup, Video 1, 0:04–0:08"); its time follows the
credits' clock (timeline.usage.clock), so the page and the credits never disagree.

`used_in_index` turns the build's edits around once: record id -> the productions whose
cut uses it, with when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from ..core.model import Archive
from ..timeline.model import Clip, Dissolve, Edit, Gap, Item, Track
from ..timeline.usage import clock, duration_text, usage_of
from . import urls

BlockKind = Literal["clip", "gap", "dissolve"]
# Ruler steps, in seconds: the first that gives at most MAX_TICKS ticks is used.
TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
MAX_TICKS = 8
# The drawing's own width grows with the duration (rem per second), so that a long cut keeps
# blocks wide enough to read and scrolls sideways in its box rather than squeezing them.
REM_PER_SECOND = 1.0
MIN_REM, MAX_REM = 24, 200


@dataclass(frozen=True)
class ClipRef:
    """What a block says of the record a clip uses (built by the record page view)."""

    title: str
    url: str | None  # None: the record is not in the archive
    thumb: str | None  # a small picture of it (responsive WebP or waveform), None when none
    type: str  # the record's type: image, video, audio, text
    withdrawn: bool = False


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    left: float  # percent of the timeline's duration
    width: float
    label: str  # the whole of what a screen reader says
    text: str = ""  # what the block shows (a title), "" for gaps and dissolves
    url: str | None = None
    thumb: str | None = None
    record_type: str = ""
    style: str = ""  # the clip's ClipStyle (clip, still, title, lower-third, sound)
    withdrawn: bool = False


@dataclass(frozen=True)
class Row:
    label: str  # "Video 1", "Audio 2"
    kind: str  # video or audio
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Tick:
    left: float  # percent
    text: str  # "0:30"
    end: bool = False  # in the last tenth: its label is drawn to the left of the mark


@dataclass(frozen=True)
class Diagram:
    rows: tuple[Row, ...]  # top to bottom: video tracks top layer first, then audio tracks
    ticks: tuple[Tick, ...]
    summary: str  # "2 video tracks and 1 audio track, 0:16 long, then 8 s of end credits."
    width_rem: float  # the drawing's width before it scrolls (never less than its box)


@dataclass(frozen=True)
class UsedIn:
    """One production that uses a record: "used in <title> at 0:12–0:18"."""

    production_id: str
    title: str
    url: str
    when: str  # the record's spans in that cut, merged: "0:00–0:04, 0:09–0:12"
    created: str  # ISO date of the production (newest first)


# --- the diagram --------------------------------------------------------------------------------


def percent(value: Fraction, total: Fraction) -> float:
    """`value` as a percentage of `total`, clamped to 0..100 and rounded for the page."""
    if total <= 0:
        return 0.0
    return round(float(min(max(value / total, Fraction(0)), Fraction(1)) * 100), 3)


def times(start: Fraction, end: Fraction) -> str:
    """ "0:12–0:18"; what begins and ends within one second of the clock: "at 0:03"."""
    first, last = clock(start), clock(end)
    return f"at {first}" if first == last else f"{first}–{last}"


def track_labels(edit: Edit) -> dict[int, str]:
    """Track.number -> "Video 1", "Audio 2": counted per kind, in the file's order."""
    labels: dict[int, str] = {}
    counts = {"video": 0, "audio": 0}
    for track in edit.tracks:
        counts[track.kind] += 1
        labels[track.number] = f"{track.kind.capitalize()} {counts[track.kind]}"
    return labels


def diagram(edit: Edit, refs: Mapping[str, ClipRef]) -> Diagram | None:
    """The edit as rows of blocks; None when it has nothing to draw (no duration)."""
    if edit.duration <= 0:
        return None
    labels = track_labels(edit)
    # Editors draw the top video layer highest (it covers those below), sound underneath.
    ordered = tuple(reversed(edit.video_tracks())) + edit.audio_tracks()
    rows = tuple(
        Row(labels[t.number], t.kind, blocks(t, labels[t.number], edit.duration, refs))
        for t in ordered
    )
    width = min(max(float(edit.duration) * REM_PER_SECOND, MIN_REM), MAX_REM)
    return Diagram(rows, ruler(edit.duration), summary(edit), round(width, 1))


def blocks(
    track: Track, label: str, total: Fraction, refs: Mapping[str, ClipRef]
) -> tuple[Block, ...]:
    out: list[Block] = []
    for index, item in enumerate(track.items):
        if isinstance(item, Clip):
            out.append(clip_block(item, label, total, refs))
        elif isinstance(item, Gap):
            if item.duration > 0:  # an empty gap only carries a fade: nothing to draw or say
                out.append(gap_block(item, label, total))
        else:
            before = track.items[index - 1] if index > 0 else None
            after = track.items[index + 1] if index + 1 < len(track.items) else None
            out.append(dissolve_block(item, before, after, label, total, refs))
    # Dissolves last: drawn over the two blocks they join (later siblings paint on top).
    return tuple(sorted(out, key=lambda b: b.kind == "dissolve"))  # stable: the rest keep order


def _ref(refs: Mapping[str, ClipRef], record_id: str) -> ClipRef:
    return refs.get(record_id) or ClipRef(record_id, None, None, "")


def clip_block(clip: Clip, track: str, total: Fraction, refs: Mapping[str, ClipRef]) -> Block:
    ref = _ref(refs, clip.record_id)
    name = f"{ref.title} (withdrawn)" if ref.withdrawn else ref.title
    return Block(
        "clip",
        percent(clip.start, total),
        percent(clip.duration, total),
        f"{name}, {track}, {times(clip.start, clip.end)}",
        ref.title,
        ref.url,
        ref.thumb,
        ref.type,
        clip.style,
        ref.withdrawn,
    )


def gap_block(gap: Gap, track: str, total: Fraction) -> Block:
    return Block(
        "gap",
        percent(gap.start, total),
        percent(gap.duration, total),
        f"Gap, {track}, {times(gap.start, gap.start + gap.duration)}",
    )


def dissolve_block(
    item: Dissolve,
    before: Item | None,
    after: Item | None,
    track: str,
    total: Fraction,
    refs: Mapping[str, ClipRef],
) -> Block:
    return Block(
        "dissolve",
        percent(item.start, total),
        percent(item.end - item.start, total),
        f"{dissolve_words(before, after, refs)}, {track}, {times(item.start, item.end)}",
    )


def dissolve_words(before: Item | None, after: Item | None, refs: Mapping[str, ClipRef]) -> str:
    """ "Dissolve from A to B"; against a gap it is a fade: "Fade in to B", "Fade out from A"."""
    first = _ref(refs, before.record_id).title if isinstance(before, Clip) else None
    second = _ref(refs, after.record_id).title if isinstance(after, Clip) else None
    if first and second:
        return f"Dissolve from {first} to {second}"
    if second:
        return f"Fade in to {second}"
    if first:
        return f"Fade out from {first}"
    return "Dissolve"


def ruler(total: Fraction) -> tuple[Tick, ...]:
    """Marks at a round step (0:00, 0:05, 0:10 ...), at most MAX_TICKS, all before the end."""
    step = next((s for s in TICK_STEPS if total / s <= MAX_TICKS), TICK_STEPS[-1])
    while total / step > MAX_TICKS:  # longer than TICK_STEPS foresaw: whole hours, doubled
        step *= 2
    ticks = []
    at = 0
    while at < total:
        left = percent(Fraction(at), total)
        ticks.append(Tick(left, clock(at), end=left > 90))
        at += step
    return tuple(ticks)


def summary(edit: Edit) -> str:
    """One sentence over the drawing: what it holds and how long it is."""
    parts = [
        _count(len(edit.video_tracks()), "video track"),
        _count(len(edit.audio_tracks()), "audio track"),
    ]
    tracks = " and ".join(p for p in parts if p) or "No tracks"
    text = f"{tracks}, {clock(edit.duration)} long"
    if edit.roll.enabled and edit.roll.seconds > 0:
        text += f", then {duration_text(edit.roll.seconds)} of end credits"
    return text + "."


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}" if n else ""


# --- used in ------------------------------------------------------------------------------------


def used_in_index(archive: Archive, edits: Mapping[str, Edit]) -> dict[str, tuple[UsedIn, ...]]:
    """record id -> every production whose cut uses it, newest first (then by title, id).
    Made once per build: each record page looks its own entry up."""
    found: dict[str, list[UsedIn]] = {}
    for production_id, edit in edits.items():
        production = archive.records.get(production_id)
        if production is None:
            continue
        for record_id, usage in usage_of(edit).items():
            when = stretches_text(usage.intervals)
            found.setdefault(record_id, []).append(
                UsedIn(
                    production_id,
                    production.title,
                    urls.record(production_id),
                    when,
                    production.created.isoformat(),
                )
            )
    return {rid: newest_first(items) for rid, items in found.items()}


def stretches_text(intervals: tuple[tuple[Fraction, Fraction], ...]) -> str:
    """ "0:00–0:04, 0:09–0:12": stretches that read as touching at whole seconds (a pause of
    a fifth of a second, 0:01–0:03 then 0:03–0:04) are read as one (0:01–0:04)."""
    shown: list[list[str]] = []
    for start, end in intervals:
        if shown and shown[-1][1] == clock(start):
            shown[-1][1] = clock(end)
        else:
            shown.append([clock(start), clock(end)])
    return ", ".join(a if a == b else f"{a}–{b}" for a, b in shown)  # "used in X at 0:03"


def newest_first(items: list[UsedIn]) -> tuple[UsedIn, ...]:
    by_name = sorted(items, key=lambda u: (u.title, u.production_id))
    return tuple(sorted(by_name, key=lambda u: u.created, reverse=True))  # stable: ties by name
