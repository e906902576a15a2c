"""Usage: what each record gave a cut, from plain Edits (examples and hypothesis properties)."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.timeline.model import Clip, Dissolve, Edit, Gap, Track, Where
from builder.timeline.usage import clock, duration_text, usage_of, when_text

RATE = F(25)
W = Where(1, 1, "", 1)


def clip(rid: str, start, duration, source_start=0, head=0, tail=0, style="clip") -> Clip:
    return Clip(rid, W, style, F(start), F(duration), F(source_start), F(head), F(tail))


def track(kind, number, *items) -> Track:
    end = max((i.start + i.duration for i in items if not isinstance(i, Dissolve)), default=F(0))
    return Track(kind, number, f"{kind[0].upper()}{number}", tuple(items), end)


def edit(*tracks: Track) -> Edit:
    return Edit(RATE, tuple(tracks), max(t.duration for t in tracks))


def test_a_dissolve_shows_both_clips_and_a_record_on_two_tracks_counts_once():
    # V1: a 0-10, dissolve of 2 s centred on the cut at 10 (1 s each side), b 10-20.
    v1 = track(
        "video",
        1,
        clip("a", 0, 10, 5, tail=1),
        Dissolve(W, F(10), F(1), F(1)),
        clip("b", 10, 10, 0, head=1),
    )
    # The same music on two audio tracks, overlapping 4-8: heard 0-12, 12 s, not 8 + 8.
    a1 = track("audio", 2, clip("music", 0, 8, style="sound"))
    a2 = track("audio", 3, Gap(W, F(0), F(4)), clip("music", 4, 8, 30, style="sound"))
    usage = usage_of(edit(v1, a1, a2))
    assert list(usage) == ["a", "music", "b"]  # first appearance: 0, 0 (a first by id), 9
    a, b, music = usage["a"], usage["b"], usage["music"]
    assert [(s.start, s.end, s.source_start, s.source_end) for s in a.spans] == [(0, 11, 5, 16)]
    assert [(s.start, s.end, s.source_start, s.source_end) for s in b.spans] == [(9, 20, -1, 10)]
    assert a.seconds == 11 and b.seconds == 11  # the dissolve's 2 s count for both records
    assert music.seconds == 12 and music.intervals == ((0, 12),)
    assert music.to_json() == {
        "seconds": 12.0,
        "spans": [
            {
                "track": 2,
                "kind": "audio",
                "start": 0.0,
                "end": 8.0,
                "source_start": 0.0,
                "source_end": 8.0,
            },
            {
                "track": 3,
                "kind": "audio",
                "start": 4.0,
                "end": 12.0,
                "source_start": 30.0,
                "source_end": 38.0,
            },
        ],
    }
    assert when_text(music) == "0:00–0:12 (12 s)"


def test_stretches_and_times_as_people_read_them():
    cut = edit(
        track(
            "video",
            1,
            clip("t", 0, F(5, 2), style="title"),
            clip("x", F(5, 2), 10),
            clip("t", F(25, 2), 20, style="title"),
        )
    )
    assert when_text(usage_of(cut)["t"]) == "0:00–0:03, 0:13–0:33 (23 s)"
    assert clock(3725) == "1:02:05" and duration_text(F(1, 3)) == "0.3 s"
    assert duration_text(28) == "28 s"
    assert (
        duration_text(F(5, 2)) == "2.5 s"
        and clock(F(59, 2)) == "0:30"
        and clock(F(1199, 20)) == "1:00"
    )
    # 30000/1001 fps: exact fractions, published to the millisecond.
    ntsc = edit(track("video", 1, clip("n", 0, F(1001, 30000) * 3)))
    assert usage_of(ntsc)["n"].to_json()["seconds"] == 0.1


# --- properties over arbitrary timelines -------------------------------------------------------

FRAMES = st.integers(min_value=1, max_value=40)
IDS = st.sampled_from(["a", "b", "c", "d"])


@st.composite
def tracks(draw, number: int, kind: str, dissolves: bool) -> Track:
    """A track of clips and gaps (lengths in frames), with dissolves between neighbours."""
    items: list = []
    t = F(0)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        length = draw(FRAMES) / RATE
        if draw(st.booleans()) or not items:
            items.append(clip(draw(IDS), t, length, draw(FRAMES) / RATE))
        else:
            items.append(Gap(W, t, length))
        t += length
    if dissolves:
        out: list = [items[0]]
        for before, after in zip(items, items[1:]):
            if isinstance(before, Clip) or isinstance(after, Clip):
                if draw(st.booleans()):
                    reach_in = draw(st.integers(0, int(before.duration * RATE))) / RATE
                    reach_out = draw(st.integers(0, int(after.duration * RATE))) / RATE
                    out.append(Dissolve(W, after.start, reach_in, reach_out))
            out.append(after)
        items = _with_handles(out)
    return Track(kind, number, "", tuple(items), t)


def _with_handles(items: list) -> list:
    """Each clip's head/tail = the reach of the dissolve before/after it (as read.py gives them)."""
    result = list(items)
    for i, item in enumerate(items):
        if isinstance(item, Clip):
            head = items[i - 1].in_offset if i > 0 and isinstance(items[i - 1], Dissolve) else F(0)
            after = items[i + 1] if i + 1 < len(items) else None
            tail = after.out_offset if isinstance(after, Dissolve) else F(0)
            result[i] = Clip(
                item.record_id,
                W,
                item.style,
                item.start,
                item.duration,
                item.source_start,
                head,
                tail,
            )
    return result


@st.composite
def edits(draw, dissolves: bool = True) -> Edit:
    kinds = draw(st.lists(st.sampled_from(["video", "audio"]), min_size=1, max_size=4))
    made = tuple(draw(tracks(n, kind, dissolves)) for n, kind in enumerate(kinds, 1))
    return Edit(RATE, made, max(t.duration for t in made))


def frames_covered(spans) -> set[int]:
    """An independent oracle: the frames a set of spans covers (every time is on a frame)."""
    return {f for s in spans for f in range(int(s.start * RATE), int(s.end * RATE))}


PROPS = settings(max_examples=200, deadline=None)


@PROPS
@given(edits())
def test_usage_never_exceeds_the_duration_per_track(cut):
    for rid, usage in usage_of(cut).items():
        assert 0 < usage.seconds <= cut.duration
        for t in cut.tracks:
            on_track = [s for s in usage.spans if s.track == t.number]
            assert len(frames_covered(on_track)) / RATE <= t.duration
            assert all(0 <= s.start < s.end <= cut.duration for s in on_track)
    for t in cut.tracks:  # all records of a track together: never more than the track
        spans = [s for u in usage_of(cut).values() for s in u.spans if s.track == t.number]
        assert len(frames_covered(spans)) / RATE <= t.duration


@PROPS
@given(edits())
def test_overlaps_are_counted_once(cut):
    for usage in usage_of(cut).values():
        assert usage.seconds == len(frames_covered(usage.spans)) / RATE
        assert usage.seconds <= sum(s.end - s.start for s in usage.spans)
        # the record's part taken is as long as its time on the clock, span by span
        assert all(s.source_end - s.source_start == s.end - s.start for s in usage.spans)


@PROPS
@given(edits(dissolves=False))
def test_the_clips_of_a_track_fill_its_non_gap_time(cut):
    usage = usage_of(cut)
    for t in cut.tracks:
        gaps = sum((i.duration for i in t.items if isinstance(i, Gap)), F(0))
        spans = [s for u in usage.values() for s in u.spans if s.track == t.number]
        clips = sum((s.end - s.start for s in spans), F(0))
        assert clips == t.duration - gaps


# --- the podcast's value time splits: stretches of sound, one record each ----------------------

from builder.timeline.usage import heard_stretches, union  # noqa: E402


def test_stretches_give_each_moment_of_sound_to_one_record():
    voice = track(
        "audio",
        1,
        Gap(W, F(0), F(2)),
        clip("voice", 2, 6, 10, style="sound"),
        clip("voice", 8, 2, 16, style="sound"),
    )  # continues itself: one stretch
    bed = track("audio", 2, clip("music", 0, 12, 0, style="sound"))
    picture = track("video", 3, clip("film", 0, 12))
    stretches = heard_stretches(usage_of(edit(picture, voice, bed)))
    assert [(h.record_id, h.start, h.end, h.source_start) for h in stretches] == [
        ("music", 0, 2, 0),
        ("voice", 2, 10, 10),
        ("music", 10, 12, 10),
    ]


@PROPS
@given(edits())
def test_stretches_never_overlap_and_cover_exactly_the_sound(cut):
    usage = usage_of(cut)
    stretches = heard_stretches(usage)
    assert all(h.start < h.end for h in stretches)
    assert all(a.end <= b.start for a, b in zip(stretches, stretches[1:]))
    audio = tuple((s.start, s.end) for u in usage.values() for s in u.spans if s.kind == "audio")
    assert union(tuple((h.start, h.end) for h in stretches)) == union(audio)
    for h in stretches:  # the record is really heard there, from that point of it
        own = [s for s in usage[h.record_id].spans if s.kind == "audio"]
        assert any(
            s.start <= h.start < s.end and s.source_start + (h.start - s.start) == h.source_start
            for s in own
        )
        heard = union(tuple((s.start, s.end) for s in own))
        assert any(a <= h.start and h.end <= b for a, b in heard)
