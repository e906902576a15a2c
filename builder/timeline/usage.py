"""What each record gave a cut: where it appears on the production's clock, which part of the
record it took, and for how long it is seen or heard. Pure: an Edit in, plain data out.

A clip is on screen (or heard) from its start minus the reach of a dissolve before it to its
end plus the reach of a dissolve after it: its `head` and `tail` (model.Clip), the extra
source time a dissolve shows. So both sides of a dissolve count it, and a record's `seconds`
is the length of the UNION of its spans across all tracks: a dissolve between two clips of
the same record, or the same recording on two audio tracks, counts once.

Everything the credits say about usage (credits.json, `showcase credits`, catalog.json, the
credits page, the end-credits roll, the podcast's value time splits) comes from `usage_of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .model import Clip, Edit, TrackKind, seconds

Interval = tuple[Fraction, Fraction]


@dataclass(frozen=True)
class Span:
    """One clip of a record, as seen or heard (dissolve reach included)."""

    track: int  # Track.number, 1-based
    kind: TrackKind
    start: Fraction  # on the production's clock
    end: Fraction
    source_start: Fraction  # on the record's own clock
    source_end: Fraction
    style: str  # model.ClipStyle: how it is drawn (clip, still, title, lower-third, sound)

    def to_json(self) -> dict:
        return {
            "track": self.track,
            "kind": self.kind,
            "start": seconds(self.start),
            "end": seconds(self.end),
            "source_start": seconds(self.source_start),
            "source_end": seconds(self.source_end),
        }


@dataclass(frozen=True)
class Usage:
    """What one record gave the cut."""

    spans: tuple[Span, ...]  # by start, then track

    @property
    def intervals(self) -> tuple[Interval, ...]:
        """The spans merged on the production's clock: when the record is seen or heard."""
        return union(tuple((s.start, s.end) for s in self.spans))

    @property
    def seconds(self) -> Fraction:
        return sum((end - start for start, end in self.intervals), Fraction(0))

    @property
    def first(self) -> Fraction:
        return self.spans[0].start

    def kinds(self) -> tuple[TrackKind, ...]:
        return tuple(dict.fromkeys(s.kind for s in self.spans))

    def to_json(self) -> dict:
        return {"seconds": seconds(self.seconds), "spans": [s.to_json() for s in self.spans]}


def union(intervals: tuple[Interval, ...]) -> tuple[Interval, ...]:
    """Intervals merged where they overlap or meet; empty ones dropped."""
    merged: list[list[Fraction]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


def span_of(clip: Clip, number: int, kind: TrackKind, limit: Fraction) -> Span:
    # Clamped to the production's clock: a handle is never shown before 0 or after the end.
    start = max(Fraction(0), clip.start - clip.head)
    end = min(limit, clip.end + clip.tail)
    return Span(
        number,
        kind,
        start,
        end,
        clip.source_start - (clip.start - start),
        clip.source_end + (end - clip.end),
        clip.style,
    )


def usage_of(edit: Edit) -> dict[str, Usage]:
    """record id -> its usage, in order of first appearance (then id)."""
    found: dict[str, list[Span]] = {}
    for track in edit.tracks:
        for clip in track.clips:
            span = span_of(clip, track.number, track.kind, edit.duration)
            if span.end > span.start:
                found.setdefault(clip.record_id, []).append(span)
    usages = {
        rid: Usage(tuple(sorted(spans, key=lambda s: (s.start, s.track, s.end))))
        for rid, spans in found.items()
    }
    return dict(sorted(usages.items(), key=lambda item: (item[1].first, item[0])))


def clock(value: Fraction | float) -> str:
    """A time on the production's clock as people read it: 0:28, 1:02:03 (the nearest whole
    second, half up: a clip ending at 59.96 s ends at 1:00, as its length says)."""
    total = int(float(value) + 0.5)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration_text(value: Fraction | float) -> str:
    """A length as people read it: "28 s", "2.5 s" (tenths only where they matter)."""
    tenths = int(float(value) * 10 + 0.5) / 10  # half up: 22.5 s reads "23 s", not "22 s"
    if tenths >= 10:
        return f"{int(tenths + 0.5)} s"
    return f"{int(tenths)} s" if tenths == int(tenths) else f"{tenths:.1f} s"


def when_text(usage: Usage) -> str:
    """ "0:00–0:28 (28 s)"; several stretches: "0:00–0:12, 0:20–0:28 (20 s)"."""
    stretches = ", ".join(f"{clock(a)}–{clock(b)}" for a, b in usage.intervals)
    return f"{stretches} ({duration_text(usage.seconds)})"


@dataclass(frozen=True)
class Heard:
    """A stretch of the production's sound given to one record: the podcast's value time splits."""

    record_id: str
    start: Fraction  # on the production's clock
    end: Fraction
    source_start: Fraction  # where in the record the stretch begins


def heard_stretches(usage: dict[str, Usage]) -> tuple[Heard, ...]:
    """The production's sound cut into stretches that never overlap, each given to one record:
    where several are heard at once, the one on the lowest audio track (the main track by
    convention: the voice over the music bed), then the first by id. Neighbouring stretches
    of one record that continue each other are one."""
    spans = [(rid, s) for rid, u in usage.items() for s in u.spans if s.kind == "audio"]
    cuts = sorted({t for _, s in spans for t in (s.start, s.end)})
    stretches: list[Heard] = []
    for start, end in zip(cuts, cuts[1:]):
        heard = [(s.track, rid, s) for rid, s in spans if s.start <= start and end <= s.end]
        if not heard:
            continue
        _, rid, span = min(heard, key=lambda h: (h[0], h[1]))
        source_start = span.source_start + (start - span.start)
        last = stretches[-1] if stretches else None
        if (
            last
            and last.record_id == rid
            and last.end == start
            and last.source_start + (last.end - last.start) == source_start
        ):
            stretches[-1] = Heard(rid, last.start, end, last.source_start)
        else:
            stretches.append(Heard(rid, start, end, source_start))
    return tuple(stretches)
