"""rules.py on plain data: references, track kinds, trims with dissolve handles, sources."""

from __future__ import annotations

import datetime as dt

from builder.core.model import Archive, Contributor, Record, RecordSource, Withdrawal
from builder.timeline.read import read_timeline
from builder.timeline.rules import Measured, check_timeline
from tests.timeline.helpers import RECORDS, clip, dissolve, good_timeline, otio_bytes, timeline

MEASURED = {
    "clip-a": Measured(seconds=3.0),
    "music-c": Measured(seconds=4.0),
    "title-text": Measured(lines=4),
}


def record(rid, type_, file, sources=(), withdrawn=False) -> Record:
    return Record(
        rid,
        rid,
        type_,
        file,
        (Contributor("ana", "editor"),),
        "CC-BY-4.0",
        dt.date(2024, 5, 1),
        sources=tuple(RecordSource(s, 5) for s in sources),
        withdrawn=Withdrawal(dt.date(2024, 6, 1), "asked") if withdrawn else None,
        lines={"type": 2, "file": 3, "sources": 9},
    )


def check(tl, sources=tuple(RECORDS), type_="video", withdrawn=(), extra=(), measured=MEASURED):
    records = [
        record(rid, kind, name, withdrawn=rid in withdrawn) for rid, (kind, name) in RECORDS.items()
    ]
    prod = record("prod", type_, "edit.otio", sources)
    archive = Archive.of(records + [prod, *extra])
    types = {r.id: r.type for r in archive.records.values()}
    edit, problems = read_timeline(otio_bytes(tl), "records/prod/edit.otio", "prod", types)
    assert problems == [] and edit is not None
    return [p.render() for p in check_timeline(prod, edit, archive, measured)]


def test_the_good_timeline_passes():
    assert check(good_timeline()) == []


def test_references_resolve_to_live_records_of_a_kind_the_track_can_use():
    tl = timeline(
        video=[
            clip("nobody-here", 0, 10),
            clip("music-c", 0, 10),
            clip("prod", 0, 10),
            clip("clip-a", 0, 10),
        ],
        audio=[clip("title-text", 0, 10), clip("photo-b", 0, 10)],
    )
    out = check(tl, withdrawn=("clip-a",), sources=())
    assert out[:6] == [
        "records/prod/edit.otio:26: timeline-reference: track 1, item 1 'nobody-here': there is no "
        "record 'nobody-here' — correct the id after showcase: in the clip's target_url, or add "
        "the record",
        "records/prod/edit.otio:59: timeline-reference: track 1, item 2 'music-c': 'music-c' is an "
        "audio record, which a video track cannot use — move it to an audio track",
        "records/prod/edit.otio:92: timeline-reference: track 1, item 3 'prod': the clip uses this "
        "production itself — point the clip at another record",
        "records/prod/edit.otio:125: timeline-reference: track 1, item 4 'clip-a': the record "
        "'clip-a' is withdrawn — remove the clip, or use another record",
        "records/prod/edit.otio:171: timeline-reference: track 2, item 1 'title-text': "
        "'title-text' is a text record, which an audio track cannot use — move it to a video "
        "track",
        "records/prod/edit.otio:204: timeline-reference: track 2, item 2 'photo-b': 'photo-b' is "
        "an image record, which an audio track cannot use — move it to a video track",
    ]


def test_a_timeline_record_cannot_be_a_clip():
    other = record("other-cut", "video", "cut.otio")
    out = check(timeline(video=[clip("other-cut", 0, 10)]), sources=("other-cut",), extra=(other,))
    assert "'other-cut' is itself a timeline" in out[0]


def test_trims_include_the_dissolve_handles():
    # clip-a is 3 s (75 frames): 60..75 fits, but the dissolve after it reads 5 frames more.
    tl = timeline(video=[clip("clip-a", 60, 15), dissolve(5, 5), clip("photo-b", 0, 25)])
    [out] = check(tl)
    assert out == (
        "records/prod/edit.otio:26: timeline-trim: track 1, item 1 'clip-a': it uses "
        "2.400 to 3.200 s of 'clip-a' (with 0.200 s after it for dissolves), which is "
        "3.000 s long — move the clip's in and out points inside the recording, or "
        "shorten the dissolve"
    )
    # the head of the clip after a dissolve: it starts 5 frames before its in point of 0
    tl = timeline(video=[clip("photo-b", 0, 25), dissolve(5, 5), clip("clip-a", 0, 25)])
    assert "uses -0.200 to 1.000 s of 'clip-a'" in check(tl)[0]
    # stills and titles are held for any length; lines must exist
    held = timeline(video=[clip("photo-b", 0, 25 * 600), clip("title-text", 0, 25 * 60)])
    assert check(held) == []
    [lines] = check(timeline(video=[clip("title-text", 0, 25, lines=[3, 5])]))
    assert "showcase.lines [3, 5] reaches past the end of 'title-text', which has 4 lines" in lines


def test_half_a_frame_of_rounding_is_no_error():
    assert check(timeline(video=[clip("clip-a", 0, 75.4)])) == []
    assert "timeline-trim" in check(timeline(video=[clip("clip-a", 0, 75.6)]))[0]


def test_an_unmeasurable_record_is_a_trim_problem():
    out = check(
        timeline(video=[clip("clip-a", 0, 10)]),
        measured={"clip-a": Measured(None, why="ffprobe gives no duration")},
    )
    assert "the length of 'clip-a' could not be measured (ffprobe gives no duration)" in out[0]


def test_every_record_used_is_in_sources_and_the_fix_names_them():
    out = check(good_timeline(), sources=("clip-a",))
    assert out == [
        "records/prod/record.yaml:9: timeline-source: edit.otio uses records that are not in "
        "`sources`: music-c (track 2, item 1 'music-c'); title-text (track 1, item 1 "
        "'title-text'); photo-b (track 1, item 4 'photo-b') — add to `sources`: music-c, "
        "title-text, photo-b"
    ]


def test_the_record_type_fits_the_tracks():
    assert "has no clip on a video track" in check(timeline(audio=[clip("music-c", 0, 10)]))[0]
    out = check(good_timeline(), type_="audio")
    assert out[0].startswith(
        "records/prod/record.yaml:2: timeline-unsupported: 'edit.otio' "
        "renders audio but has video tracks"
    )
    assert "renders to video or audio" in check(good_timeline(), type_="image")[0]
