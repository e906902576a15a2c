"""limits.py on bytes: every limit is met before any parser recurses or OpenTimelineIO reads."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest

from builder.timeline import limits
from tests.timeline.helpers import clip, gap, good_timeline, otio_bytes, timeline


def test_a_good_timeline_parses_with_the_lines_of_its_objects():
    data = otio_bytes(good_timeline())
    tree, limit = limits.check_and_parse(data)
    assert limit is None
    first_clip = tree["tracks"]["children"][0]["children"][0]
    text_lines = data.decode().splitlines()
    # the line where the object opens; its schema follows
    assert text_lines[first_clip.line - 1].strip() == "{"
    assert '"OTIO_SCHEMA": "Clip.2"' in text_lines[first_clip.line]
    assert tree.line == 1


@pytest.mark.parametrize("opener,closer", [(b"[", b"]"), (b'{"a":', b"}")])
def test_deep_nesting_is_refused_by_the_scanner_in_linear_time(opener, closer):
    data = opener * 100_000 + closer * 100_000
    started = time.perf_counter()
    tree, limit = limits.check_and_parse(data)
    assert tree is None
    assert limit.code == "timeline-limit" and "nested more than 64" in limit.message
    assert time.perf_counter() - started < 2


def test_brackets_inside_strings_and_escapes_are_text():
    data = b'{"OTIO_SCHEMA": "Timeline.1", "name": "' + b'[{\\"' * 5000 + b'"}'
    _, limit = limits.check_and_parse(data)
    assert limit is None or "nested" not in limit.message


def test_an_unterminated_string_of_escaped_quotes_is_scanned_linearly():
    data = b'"' + b'\\"' * 1_000_000
    started = time.perf_counter()
    limits.scan(data)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    "number,word",
    [
        (b"NaN", "NaN"),
        (b"Infinity", "Infinity"),
        (b"-Infinity", "-Infinity"),
        (b"1e400", "too large"),
        (b"1" * 400, "too large"),
    ],
)
def test_non_finite_and_huge_numbers_are_refused(number, word):
    data = b'{"OTIO_SCHEMA": "Timeline.1", "x": ' + number + b"}"
    tree, limit = limits.check_and_parse(data)
    assert tree is None
    assert limit.code == "timeline-invalid" and word in limit.message


def test_a_key_given_twice_is_refused():
    _, limit = limits.check_and_parse(b'{"OTIO_SCHEMA": "Timeline.1", "name": "a", "name": "b"}')
    assert limit.code == "timeline-invalid" and "twice" in limit.message


def test_size_limit_comes_first():
    _, limit = limits.check_and_parse(b" " * (limits.MAX_BYTES + 1))
    assert limit.code == "timeline-limit" and "MiB" in limit.message


def test_not_json_and_not_a_timeline():
    assert limits.check_and_parse(b'{\n  "a": ')[1].line == 2
    assert "not an OpenTimelineIO timeline" in limits.check_and_parse(b"[1, 2]")[1].message
    assert limits.check_and_parse(b"\xff\xfe")[1].code == "timeline-invalid"


def test_item_and_track_counts():
    many = timeline(video=[gap(1) for _ in range(limits.MAX_ITEMS + 1)])
    assert "more than 2000 clips" in limits.check_and_parse(otio_bytes(many))[1].message
    tracks = timeline(video=[clip("clip-a", 0, 1)])
    for _ in range(limits.MAX_TRACKS):
        tracks.tracks.append(tracks.tracks[0].clone())
    assert "more than 16 tracks" in limits.check_and_parse(otio_bytes(tracks))[1].message


def test_a_track_longer_than_an_hour():
    data = otio_bytes(timeline(video=[gap(25 * 3000), gap(25 * 700)]))
    limit = limits.check_and_parse(data)[1]
    assert limit.code == "timeline-limit" and "62 minutes" in limit.message


@pytest.mark.parametrize(
    "rate,known",
    [
        (23.976, Fraction(24000, 1001)),
        (29.97, Fraction(30000, 1001)),
        (23.976023976023978, Fraction(24000, 1001)),
        (25.0, Fraction(25)),
        (59.94, Fraction(60000, 1001)),
    ],
)
def test_float_rates_match_the_ntsc_fractions(rate, known):
    assert limits.match_rate(rate) == known


@pytest.mark.parametrize("rate", [0, -25, 12, 48000, 1e-300, 29.5])
def test_unknown_rates_are_refused(rate):
    data = otio_bytes(timeline(video=[clip("clip-a", 0, 10)]))
    data = data.replace(b'"rate": 25.0', b'"rate": ' + str(rate).encode(), 1)
    limit = limits.check_and_parse(data)[1]
    assert limit is not None and limit.code == "timeline-invalid"
    assert "frame rate" in limit.message
