"""Property: any valid timeline written with OpenTimelineIO reads back to an Edit that agrees
with OpenTimelineIO's own algorithms (duration, each item's range, each clip's handles)."""

from __future__ import annotations

from fractions import Fraction

import opentimelineio as otio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.timeline.model import RATES, Clip, Dissolve, Gap
from builder.timeline.read import read_timeline
from tests.timeline.helpers import RECORDS, otio_bytes

RT, TR = otio.opentime.RationalTime, otio.opentime.TimeRange
TYPES = {rid: kind for rid, (kind, _) in RECORDS.items()}
ON_TRACK = {"Video": ("clip-a", "photo-b", "title-text"), "Audio": ("clip-a", "music-c")}


@st.composite
def tracks(draw, kind: str, rate: float) -> otio.schema.Track:
    track = otio.schema.Track(kind=kind)
    count = draw(st.integers(1, 8))
    for index in range(count):
        frames = draw(st.integers(1, 120))
        if draw(st.booleans()) or index == 0:
            rid = draw(st.sampled_from(ON_TRACK[kind]))
            start = draw(st.integers(0, 200))
            item = otio.schema.Clip(
                name=f"c{index}",
                source_range=TR(RT(start, rate), RT(frames, rate)),
                media_reference=otio.schema.ExternalReference(target_url=f"showcase:{rid}"),
            )
        else:
            item = otio.schema.Gap(source_range=TR(RT(0, rate), RT(frames, rate)))
        previous = track[-1] if len(track) else None
        # A dissolve between this item and the one before, if one fits and one is a clip.
        if (
            previous is not None
            and draw(st.booleans())
            and (isinstance(previous, otio.schema.Clip) or isinstance(item, otio.schema.Clip))
        ):
            room_before = int(previous.source_range.duration.value)
            in_off = draw(st.integers(0, room_before))
            out_off = draw(st.integers(0, frames))
            track.append(
                otio.schema.Transition(
                    transition_type="SMPTE_Dissolve",
                    in_offset=RT(in_off, rate),
                    out_offset=RT(out_off, rate),
                )
            )
        track.append(item)
    return track


@st.composite
def timelines(draw) -> otio.schema.Timeline:
    rate = float(draw(st.sampled_from(RATES)))
    tl = otio.schema.Timeline(name="property")
    for kind in draw(st.lists(st.sampled_from(["Video", "Audio"]), min_size=1, max_size=3)):
        tl.tracks.append(draw(tracks(kind, rate)))
    return tl


def seconds(time) -> float:
    return time.to_seconds()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines())
def test_the_edit_agrees_with_opentimelineio(tl):
    edit, problems = read_timeline(otio_bytes(tl), "records/p/edit.otio", "p", TYPES)
    assert problems == []
    assert abs(float(edit.duration) - seconds(tl.duration())) < 1e-9
    assert edit.rate in RATES
    by_number = {t.number: t for t in edit.tracks}
    for number, track in enumerate(tl.tracks, 1):
        mine = by_number[number]
        assert mine.kind == track.kind.lower()
        assert abs(float(mine.duration) - seconds(track.duration())) < 1e-9
        assert len(mine.items) == len(track)
        for index, (item, child) in enumerate(zip(mine.items, track)):
            span = track.range_of_child_at_index(index)
            assert (item.where.track, item.where.index, item.where.name) == (
                number,
                index + 1,
                child.name,
            )
            if isinstance(item, Dissolve):
                assert abs(float(item.start) - seconds(span.start_time)) < 1e-9
                assert abs(float(item.end - item.start) - seconds(span.duration)) < 1e-9
                continue
            assert abs(float(item.start) - seconds(span.start_time)) < 1e-9
            assert abs(float(item.duration) - seconds(span.duration)) < 1e-9
            if isinstance(item, Clip):
                head, tail = track.handles_of_child(child)
                assert abs(float(item.head) - (seconds(head) if head is not None else 0)) < 1e-9
                assert abs(float(item.tail) - (seconds(tail) if tail is not None else 0)) < 1e-9
                frames = Fraction(int(child.source_range.start_time.value))
                assert item.source_start == frames / edit.rate  # exact, also at 29.97
            else:
                assert isinstance(item, Gap)
