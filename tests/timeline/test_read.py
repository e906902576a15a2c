"""read.py: .otio bytes -> Edit with OpenTimelineIO's own ranges, or problems naming the item."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from builder.timeline.model import Clip, Dissolve, Gap
from builder.timeline.read import read_timeline
from tests.conftest import ROOT
from tests.timeline.helpers import (
    RECORDS,
    RT,
    TR,
    clip,
    dissolve,
    gap,
    good_timeline,
    otio_bytes,
    timeline,
)

PATH = "records/prod/edit.otio"
TYPES = {rid: kind for rid, (kind, _) in RECORDS.items()}


def read(tl, types=TYPES):
    return read_timeline(otio_bytes(tl), PATH, "prod", types)


def rendered(problems) -> list[str]:
    return [p.render() for p in problems]


def test_the_good_timeline_reads_into_the_plain_edit():
    edit, problems = read(good_timeline())
    assert problems == []
    video, audio = edit.tracks
    title, bars, fade, still = video.items
    assert (title.style, title.start, title.duration) == ("title", 0, 1)
    assert isinstance(bars, Clip) and bars.style == "clip"
    assert (bars.start, bars.duration, bars.source_start) == (1, 2, Fraction(12, 25))
    assert (bars.head, bars.tail) == (0, Fraction(5, 25))  # the dissolve reads past its out point
    assert isinstance(fade, Dissolve)
    assert (fade.cut, fade.start, fade.end) == (3, 3 - Fraction(5, 25), 3 + Fraction(5, 25))
    assert (still.style, still.zoom, still.head) == ("still", 1.08, Fraction(5, 25))
    music, silence, sound = audio.items
    assert (music.style, music.gain_db) == ("sound", -6.0)
    assert isinstance(silence, Gap) and silence.start == 3
    assert (sound.record_id, sound.style, sound.start) == ("clip-a", "sound", Fraction(17, 5))
    otio_seconds = Fraction(str(good_timeline().duration().to_seconds()))
    assert edit.duration == Fraction(23, 5) == otio_seconds
    assert (edit.rate, edit.roll.seconds, edit.width, edit.height) == (25, 8, 1280, 720)
    assert edit.record_ids == ("music-c", "title-text", "clip-a", "photo-b")


def test_problems_name_the_file_line_track_index_and_clip():
    tl = timeline(video=[clip("clip-a", 0, 10), clip("photo-b", 0, 10, name="Harbour")])
    tl.tracks[0][1].effects.append(otio.schema.LinearTimeWarp(time_scalar=2))
    data = otio_bytes(tl)
    _, problems = read_timeline(data, PATH, "prod", TYPES)
    [p] = problems
    line = data.decode().splitlines()[p.line]
    assert '"OTIO_SCHEMA": "Clip.2"' in line
    assert p.render().startswith(
        f"{PATH}:{p.line}: timeline-unsupported: track 1, item 2 "
        "'Harbour' has an effect (LinearTimeWarp)"
    )
    assert p.record == "prod"


@pytest.mark.parametrize(
    "make,code,words",
    [
        (
            lambda c: setattr(c, "media_reference", otio.schema.MissingReference()),
            "timeline-unsupported",
            "has a MissingReference",
        ),
        (
            lambda c: setattr(c, "media_reference", otio.schema.GeneratorReference()),
            "timeline-unsupported",
            "has a GeneratorReference",
        ),
        (
            lambda c: setattr(c, "media_reference", otio.schema.ImageSequenceReference()),
            "timeline-unsupported",
            "has a ImageSequenceReference",
        ),
        (
            lambda c: setattr(c.media_reference, "target_url", "/etc/passwd"),
            "timeline-reference",
            "points at '/etc/passwd'",
        ),
        (
            lambda c: setattr(c.media_reference, "target_url", "https://example.com/a.mp4"),
            "timeline-reference",
            "never a path or a URL",
        ),
        (
            lambda c: setattr(c.media_reference, "target_url", "file:///tmp/clip-a"),
            "timeline-reference",
            "never a path or a URL",
        ),
        (
            lambda c: setattr(c.media_reference, "target_url", "showcase:../clip-a"),
            "timeline-reference",
            "never a path or a URL",
        ),
        (lambda c: setattr(c, "enabled", False), "timeline-unsupported", "is disabled"),
        (
            lambda c: c.effects.append(otio.schema.FreezeFrame()),
            "timeline-unsupported",
            "FreezeFrame",
        ),
        (
            lambda c: setattr(c, "source_range", TR(RT(0, 25), RT(-10, 25))),
            "timeline-invalid",
            "is -0.4 seconds long",
        ),
        (
            lambda c: setattr(c, "source_range", TR(RT(-10, 25), RT(10, 25))),
            "timeline-invalid",
            "starts 0.4 seconds before the start",
        ),
        (
            lambda c: c.metadata.update(showcase={"gain_db": 40}),
            "timeline-invalid",
            "gain_db is 40",
        ),
        (
            lambda c: c.metadata.update(showcase={"zoom": 1.5}),
            "timeline-invalid",
            "showcase.zoom applies to image records",
        ),
        (
            lambda c: c.metadata.update(showcase={"colour": "red"}),
            "timeline-invalid",
            "showcase.colour is not a setting",
        ),
        (lambda c: c.metadata.update(showcase="loud"), "timeline-invalid", "not a mapping"),
    ],
)
def test_clips_outside_the_subset(make, code, words):
    tl = timeline(video=[clip("clip-a", 0, 10)])
    make(tl.tracks[0][0])
    edit, problems = read(tl)
    assert edit is None
    assert [p.code for p in problems] == [code]
    assert words in problems[0].message


def test_transitions_outside_the_subset():
    def problems_of(items):
        return [p.message for p in read(timeline(video=items))[1]]

    wipe = otio.schema.Transition(
        transition_type="SMPTE_Wipe", in_offset=RT(2, 25), out_offset=RT(2, 25)
    )
    a, b = (lambda: clip("clip-a", 10, 10)), (lambda: clip("clip-a", 30, 10))
    assert "'SMPTE_Wipe' transition" in problems_of([a(), wipe, b()])[0]
    assert "at the start of the track" in problems_of([dissolve(2, 2), a()])[0]
    assert "at the end of the track" in problems_of([a(), dissolve(2, 2)])[0]
    assert "between a Gap and a Gap" in problems_of([gap(5), dissolve(2, 2), gap(5), a()])[0]
    assert "longer than the item before" in problems_of([a(), dissolve(20, 2), b()])[0]
    assert problems_of([gap(5), dissolve(2, 2), a()]) == []  # a fade from black


def test_nested_stacks_and_unknown_track_kinds():
    tl = timeline(video=[clip("clip-a", 0, 10)])
    nested = otio.schema.Stack(name="compound")
    nested.append(otio.schema.Track(kind="Video"))
    tl.tracks[0].append(nested)
    tl.tracks.append(otio.schema.Stack())
    problems = read(tl)[1]
    assert [p.code for p in problems] == ["timeline-unsupported"] * 2
    assert "track 1, item 2 'compound' is a Stack" in problems[0].message
    assert "track 2 is a Stack" in problems[1].message


def test_markers_change_nothing():
    tl = good_timeline()
    tl.tracks[0][1].markers.append(
        otio.schema.Marker(name="look", marked_range=TR(RT(0, 25), RT(0, 25)))
    )

    def cut(edit):
        return [
            (c.record_id, c.start, c.duration, c.source_start, c.head, c.tail) for c in edit.clips
        ], edit.duration

    assert read(tl)[1] == []
    assert cut(read(tl)[0]) == cut(read(good_timeline())[0])


def test_style_comes_from_record_type_and_track():
    tl = timeline(video=[clip("title-text", 0, 25)])
    upper = otio.schema.Track(kind="Video")
    upper.append(clip("title-text", 0, 25, lines=[3, 4]))
    upper.append(clip("title-text", 0, 25, style="title"))
    tl.tracks.append(upper)
    edit = read(tl)[0]
    assert [c.style for c in edit.clips] == ["title", "lower-third", "title"]
    assert edit.clips[1].lines == (3, 4)


def test_timeline_settings_are_checked():
    edit = read(timeline(video=[clip("clip-a", 0, 10)], size=[640, 360], roll={"enabled": False}))[
        0
    ]
    assert (edit.width, edit.height, edit.roll.enabled) == (640, 360, False)
    for bad, words in [
        ({"size": [641, 360]}, "size is [641, 360]"),
        ({"size": [4000, 360]}, "size is"),
        ({"roll": {"seconds": 600}}, "roll.seconds is 600"),
        ({"roll": {"enabled": "yes"}}, 'roll.enabled is "yes"'),
        ({"music": 1}, "showcase.music is not a setting"),
    ]:
        problems = read(timeline(video=[clip("clip-a", 0, 10)], **bad))[1]
        assert [p.code for p in problems] == ["timeline-invalid"], bad
        assert words in problems[0].message


def test_library_refusals_are_problems_never_exceptions():
    for text in [
        '{"OTIO_SCHEMA": "Timeline.1"}',
        '{"OTIO_SCHEMA": "Timeline.9", "name": "x"}',
        '{"OTIO_SCHEMA": "Clip.2", "name": "x"}',
        '{"OTIO_SCHEMA": "Timeline.1", "name": "\\ud800"}',
    ]:
        edit, problems = read(text)
        assert edit is None and problems and problems[0].code == "timeline-invalid", text


def test_an_empty_timeline_is_a_problem():
    problems = read(timeline(video=[gap(10)]))[1]
    assert [p.message for p in problems] == ["the timeline has no clips"]


PLUGIN = """
import pathlib
pathlib.Path({marker!r}).write_text("plugin code ran")
def read_from_string(input_str): raise RuntimeError("adapter ran")
def read_from_file(filepath): raise RuntimeError("adapter ran")
"""


def test_reading_loads_no_plugin_and_runs_no_adapter(tmp_path: Path):
    """A manifest on OTIO_PLUGIN_MANIFEST_PATH names a Python adapter, a schemadef, a media
    linker and a hook that would each write a file: reading a timeline loads none of them."""
    marker = tmp_path / "ran.txt"
    (tmp_path / "evil.py").write_text(PLUGIN.format(marker=str(marker)))
    plugin = {"filepath": "evil.py", "execution_scope": "in process"}
    manifest = {
        "OTIO_SCHEMA": "PluginManifest.1",
        "adapters": [{"OTIO_SCHEMA": "Adapter.1", "name": "evil", "suffixes": ["otio"], **plugin}],
        "schemadefs": [{"OTIO_SCHEMA": "SchemaDef.1", "name": "evil_def", **plugin}],
        "media_linkers": [{"OTIO_SCHEMA": "MediaLinker.1", "name": "evil_linker", **plugin}],
        "hook_scripts": [{"OTIO_SCHEMA": "HookScript.1", "name": "evil_hook", **plugin}],
        "hooks": {"post_adapter_read": ["evil_hook"]},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "edit.otio").write_bytes(otio_bytes(good_timeline()))
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from builder.timeline.read import read_timeline
        edit, problems = read_timeline(Path({str(tmp_path / "edit.otio")!r}).read_bytes(), "e", "p",
                                       {TYPES!r})
        import opentimelineio as otio
        assert edit is not None and problems == [], problems
        assert otio.plugins.manifest._MANIFEST is None, "the plugin manifest was loaded"
        assert "evil" not in sys.modules
        print("ok", len(edit.clips))
    """)
    env = {
        "OTIO_PLUGIN_MANIFEST_PATH": str(tmp_path / "manifest.json"),
        "OTIO_DEFAULT_MEDIA_LINKER": "evil_linker",
        "PATH": "/usr/bin:/bin",
    }
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok 5"
    assert not marker.exists()
    # The manifest does work when something asks for it: the test can fail.
    control = "import opentimelineio as otio; otio.plugins.ActiveManifest()"
    subprocess.run([sys.executable, "-c", control], env=env, capture_output=True, timeout=60)
    assert marker.read_text() == "plugin code ran"


def test_clips_without_a_range_and_trimmed_tracks():
    tl = timeline(video=[clip("clip-a", 0, 10)])
    tl.tracks[0][0].source_range = None
    [p] = read(tl)[1]
    assert p.code == "timeline-invalid" and "has no length OpenTimelineIO can measure" in p.message
    tl.tracks[0][0].media_reference.available_range = TR(RT(0, 25), RT(50, 25))
    edit = read(tl)[0]  # OpenTimelineIO falls back to the reference's range (checked by rules)
    assert (edit.clips[0].duration, edit.duration) == (2, 2)
    tl.tracks[0].source_range = TR(RT(0, 25), RT(5, 25))
    assert "track 1 is trimmed" in read(tl)[1][0].message


def test_an_editor_start_timecode_is_not_part_of_the_length():
    tl = timeline(video=[clip("clip-a", 0, 10)])
    tl.global_start_time = RT(25 * 3600, 25)  # 01:00:00:00, as Resolve exports
    edit, problems = read(tl)
    assert problems == [] and edit.duration == Fraction(2, 5)
