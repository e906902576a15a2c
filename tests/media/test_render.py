"""The timeline recipe on real renders: frames at their times, sound and silence, the roll,
each ffmpeg trap, determinism, the cache, hostile text, and a property over arbitrary cuts.

Edits are built here as plain data (builder/timeline/model.py); sources are tiny files made
by ffmpeg's test sources and Pillow (160x90, a few seconds).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image

from builder.core.media_plan import RENDER, MediaJob, MediaSettings
from builder.media import render
from builder.media.cache import MediaCache
from builder.media.render import (
    cut_points,
    draw_text,
    make_timeline,
    pieces,
    segments,
    within,
    zoom_expr,
)
from builder.media.results import MediaError
from builder.media.runner import run_media
from builder.media.tools import find_tools
from builder.timeline.model import Clip, Dissolve, Edit, Gap, Roll, Track, Where, edit_to_json
from tests.media.fixtures import ffmpeg

pytestmark = pytest.mark.slow
SETTINGS = MediaSettings(widths=(160,), preview_width=160)
W, H = 160, 90
RED, GREEN, BLUE = (255, 0, 0), (0, 200, 0), (0, 0, 255)
ROLL = [
    ["title", "A Test Production"],
    ["space", ""],
    ["heading", "Director"],
    ["line", "Ana Lima"],
]


# --- sources and jobs ---------------------------------------------------------------------------


def ffprobe(path: Path, *args: str) -> dict:
    proc = subprocess.run(
        [find_tools().ffprobe, "-v", "error", "-of", "json", *args, str(path)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, tuple[str, Path]]:
    """record id -> (type, file): made once for the module."""
    d = tmp_path_factory.mktemp("sources")
    out: dict[str, tuple[str, Path]] = {}
    red = d / "red.mp4"  # 25 fps, MP4 time base, with a 440 Hz tone
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "color=c=red:s=160x90:r=25:d=4",
        "-f",
        "lavfi",
        "-i",
        "sine=f=440:d=4",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        str(red),
    )
    out["red"] = ("video", red)
    blue = d / "blue.mkv"  # 29.97 fps, Matroska's 1/1000 time base, another size: xfade's trap
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "color=c=blue:s=200x150:r=30000/1001:d=4",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        str(blue),
    )
    out["blue"] = ("video", blue)
    vfr = d / "phone.mp4"  # variable frame rate, as phones record
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=160x90:r=30:d=3",
        "-vf",
        "setpts='PTS+if(gt(N,20),0.02/TB*mod(N,3),0)'",
        "-fps_mode",
        "vfr",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        str(vfr),
    )
    out["phone"] = ("video", vfr)
    green = d / "green.png"  # an odd size: fitted and padded
    Image.new("RGB", (333, 201), GREEN).save(green)
    out["green"] = ("image", green)
    words = d / "words.md"
    words.write_text("# Opening\n\nThe **first** line\nthe second line\n\nA later paragraph.\n")
    out["words"] = ("text", words)
    tone = d / "tone.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=f=220:d=6", str(tone))
    out["tone"] = ("audio", tone)
    return out


def where(track: int, index: int) -> Where:
    return Where(track, index, f"item {index}", 1)


def clip(rid: str, style: str, start, duration, source_start=0, track=1, index=1, **kw) -> Clip:
    return Clip(rid, where(track, index), style, F(start), F(duration), F(source_start), **kw)


def edit_of(*tracks: Track, rate=F(25), roll=Roll(False), size=(W, H)) -> Edit:
    return Edit(F(rate), tracks, max(t.duration for t in tracks), roll, "test", *size)


def vtrack(*items, number=1) -> Track:
    return Track("video", number, f"V{number}", items, _end(items))


def atrack(*items, number=9) -> Track:
    return Track("audio", number, f"A{number}", items, _end(items))


def _end(items) -> F:
    return max((i.start + i.duration for i in items if not isinstance(i, Dissolve)), default=F(0))


def place(root: Path, sources: dict, rids: list[str]) -> list[str]:
    rels = []
    for rid in rids:
        kind, src = sources[rid]
        folder = root / "records" / rid
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / src.name).exists():
            shutil.copyfile(src, folder / src.name)
        rels.append(f"records/{rid}/{src.name}")
    return rels


def job_for(
    root: Path, sources: dict, edit: Edit, kind: str = "video", roll=ROLL, rid: str = "prod"
) -> MediaJob:
    folder = root / "records" / rid
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cut.otio").write_text(json.dumps(edit_to_json(edit)))
    used = list(edit.record_ids)
    rolled = kind == "video" and edit.roll.enabled
    params = {
        "widths": [160],
        "preview_width": 160,
        "webp_quality": 80,
        "jpeg_quality": 85,
        "max_pixels": 50_000_000,
        "title": "Test",
        "credit": "Ana",
        "type": kind,
        "edit": edit_to_json(edit),
        "render": dict(RENDER),
        "sources": [[r, sources[r][0]] for r in used],
        "roll": roll if rolled else [],
        "seconds": float(edit.duration + (edit.roll.seconds if rolled else 0)),
    }
    inputs = (f"records/{rid}/cut.otio", *place(root, sources, used))
    return MediaJob(rid, "timeline", inputs, tuple(sorted(params.items())))


def run(tmp_path: Path, sources: dict, edit: Edit, kind: str = "video", name: str = "out", **kw):
    root = tmp_path / "archive"
    out = tmp_path / name
    out.mkdir()
    info = make_timeline(job_for(root, sources, edit, kind, **kw), root, out, SETTINGS)
    return info, out


def frame(path: Path, n: int) -> Image.Image:
    """Frame number `n` of a video, decoded exactly (no seeking)."""
    proc = subprocess.run(
        [
            find_tools().ffmpeg,
            "-v",
            "error",
            "-i",
            str(path),
            "-vf",
            f"select=eq(n\\,{n})",
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    info = ffprobe(path, "-show_streams", "-select_streams", "v:0")["streams"][0]
    return Image.frombytes("RGB", (info["width"], info["height"]), proc.stdout)


def near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


def mean_volume(path: Path, start: float, end: float) -> float:
    proc = subprocess.run(
        [
            find_tools().ffmpeg,
            "-nostats",
            "-ss",
            str(start),
            "-to",
            str(end),
            "-i",
            str(path),
            "-map",
            "0:a",
            "-af",
            "volumedetect",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    line = next(ln for ln in proc.stderr.splitlines() if "mean_volume" in ln)
    return float(line.split("mean_volume:")[1].split()[0])


def counted_frames(path: Path) -> int:
    data = ffprobe(
        path, "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames"
    )
    return int(data["streams"][0]["nb_read_frames"])


def stream_durations(path: Path) -> dict[str, float]:
    data = ffprobe(path, "-show_streams")
    return {s["codec_type"]: float(s["duration"]) for s in data["streams"]}


# --- what a render shows and plays --------------------------------------------------------------


def test_each_clip_shows_at_its_time_and_sound_plays_only_where_a_clip_is(tmp_path, sources):
    edit = edit_of(
        vtrack(
            clip("red", "clip", 0, 1, source_start=1),
            clip("green", "still", 1, 1, index=2),
            Gap(where(1, 3), F(2), F(1)),
            clip("words", "title", 3, 1, index=4),
        ),
        atrack(Gap(where(9, 1), F(0), F(1)), clip("tone", "sound", 1, 1, index=2, track=9)),
    )
    info, out = run(tmp_path, sources, edit)
    video = out / "video.mp4"
    assert counted_frames(video) == 100 and info.duration == 4.0
    assert near(frame(video, 12).getpixel((80, 45)), RED)
    still = frame(video, 37)
    assert near(still.getpixel((80, 45)), GREEN)
    # 333x201 fitted to 160x90: bars at the sides
    assert near(still.getpixel((2, 45)), (0, 0, 0), 20)
    assert near(frame(video, 62).getpixel((80, 45)), (0, 0, 0), 20)  # the gap is black
    card = frame(video, 87)
    assert near(card.getpixel((5, 5)), (250, 248, 243), 12)  # a title card on paper
    assert min(card.convert("L").getdata()) < 120  # with dark text on it
    assert mean_volume(video, 0.0, 0.95) < -80  # the red clip's own sound is not on an audio track
    assert mean_volume(video, 1.05, 1.95) > -40
    assert mean_volume(video, 2.05, 4.0) < -80
    assert [d.role for d in info.derivatives] == ["original", "video", "image", "preview"]
    assert sorted(os.listdir(out)) == sorted(d.file for d in info.derivatives)
    probe = ffprobe(video, "-show_streams", "-show_format")
    assert [s["codec_name"] for s in probe["streams"]] == ["h264", "aac"]
    assert probe["streams"][0]["pix_fmt"] == "yuv420p"
    assert "encoder" not in probe["format"].get("tags", {})  # bitexact: no muxer version string


def test_a_dissolve_blends_both_sides_and_a_fade_comes_from_black(tmp_path, sources):
    edit = edit_of(
        vtrack(
            Gap(where(1, 1), F(0), F(1)),
            Dissolve(where(1, 2), F(1), F(1, 2), F(1, 2)),
            clip("red", "clip", 1, 1, source_start=1, index=3, head=F(1, 2), tail=F(1, 2)),
            Dissolve(where(1, 4), F(2), F(1, 2), F(1, 2)),
            clip("blue", "clip", 2, 1, source_start=1, index=5, head=F(1, 2)),
        )
    )
    _, out = run(tmp_path, sources, edit)
    video = out / "video.mp4"
    assert counted_frames(video) == 75
    fading = frame(video, 25).getpixel((80, 45))  # halfway through the fade from black
    assert 60 < fading[0] < 200 and fading[2] < 40
    middle = frame(video, 50).getpixel((80, 45))  # the cut point: half red, half blue
    assert 60 < middle[0] < 200 and 60 < middle[2] < 200
    assert near(frame(video, 70).getpixel((80, 45)), BLUE)


def test_an_upper_track_lays_a_lower_third_over_the_picture_and_is_clear_in_its_gaps(
    tmp_path, sources
):
    upper = vtrack(
        Gap(where(2, 1), F(0), F(1)), clip("words", "lower-third", 1, 1, track=2, index=2), number=2
    )
    edit = edit_of(vtrack(clip("red", "clip", 0, 2)), upper)
    _, out = run(tmp_path, sources, edit)
    video = out / "video.mp4"
    before, during = frame(video, 12), frame(video, 37)
    assert near(before.getpixel((80, 75)), RED)  # the upper track's gap shows what is below
    assert near(during.getpixel((80, 10)), RED)  # above the band: the picture
    band = during.getpixel((150, 58))
    assert band[0] < 90  # the dark band over the red, low in the frame


def test_the_roll_follows_the_cut_with_light_text_on_dark_and_its_length_is_the_edits(
    tmp_path, sources
):
    edit = edit_of(vtrack(clip("red", "clip", 0, 1)), roll=Roll(True, F(3)))
    info, out = run(tmp_path, sources, edit)
    video = out / "video.mp4"
    assert counted_frames(video) == 25 + 75 and info.duration == 4.0
    assert stream_durations(video)["audio"] == pytest.approx(4.0, abs=0.03)
    frames = [frame(video, n).convert("L") for n in (26, 62, 99)]
    assert max(frames[0].getdata()) < 40 and max(frames[2].getdata()) < 40  # starts and ends empty
    grey = sorted(frames[1].getdata())
    assert grey[len(grey) // 2] < 40 and grey[-1] > 180  # mostly dark, with light text


def test_a_roll_turned_off_adds_nothing(tmp_path, sources):
    edit = edit_of(vtrack(clip("red", "clip", 0, 1)), roll=Roll(False))
    info, out = run(tmp_path, sources, edit)
    assert counted_frames(out / "video.mp4") == 25 and info.duration == 1.0


# --- the ffmpeg traps ----------------------------------------------------------------------


def test_xfade_gets_inputs_of_one_rate_and_time_base_whatever_the_sources(tmp_path, sources):
    """25 fps MP4 into 29.97 fps Matroska (another time base and size), in a 24 fps edit."""
    edit = edit_of(
        vtrack(
            clip("red", "clip", 0, 1, tail=F(1, 4)),
            Dissolve(where(1, 2), F(1), F(1, 4), F(1, 4)),
            clip("blue", "clip", 1, 1, source_start=1, index=3, head=F(1, 4)),
        ),
        rate=24,
    )
    _, out = run(tmp_path, sources, edit)
    assert counted_frames(out / "video.mp4") == 48
    assert ffprobe(out / "video.mp4", "-show_streams")["streams"][0]["r_frame_rate"] == "24/1"


def test_a_zoomed_still_keeps_its_last_frame(tmp_path, sources):
    """zoompan then fps drops the last frame: the still ends the cut, every frame is there."""
    edit = edit_of(
        vtrack(
            clip("red", "clip", 0, F(1, 5)), clip("green", "still", F(1, 5), 1, index=2, zoom=1.3)
        ),
        rate=F(30000, 1001),
    )
    _, out = run(tmp_path, sources, edit)
    video = out / "video.mp4"
    frames = round(F(6, 5) * F(30000, 1001))
    assert counted_frames(video) == frames
    last = frame(video, frames - 1)
    assert near(last.getpixel((80, 45)), GREEN) and near(last.getpixel((2, 45)), GREEN)  # zoomed in
    assert zoom_expr(1.3, 30).startswith("1.000000+0.300000*on/29")
    assert zoom_expr(0.5, 10).startswith("2.000000+-1.000000")  # a pull out ends on the whole


def test_variable_frame_rate_footage_is_normalised(tmp_path, sources):
    edit = edit_of(vtrack(clip("phone", "clip", 0, 2, source_start=F(1, 2))))
    _, out = run(tmp_path, sources, edit)
    video = out / "video.mp4"
    assert counted_frames(video) == 50
    data = ffprobe(video, "-show_streams")["streams"][0]
    assert data["r_frame_rate"] == data["avg_frame_rate"] == "25/1"


def test_sound_shorter_than_the_picture_is_padded_with_silence(tmp_path, sources):
    edit = edit_of(vtrack(clip("red", "clip", 0, 3)), atrack(clip("tone", "sound", 0, 1, track=9)))
    _, out = run(tmp_path, sources, edit)
    durations = stream_durations(out / "video.mp4")
    assert durations["audio"] == pytest.approx(durations["video"], abs=0.03)
    assert durations["video"] == pytest.approx(3.0, abs=0.03)
    assert mean_volume(out / "video.mp4", 1.1, 3.0) < -80


def test_gain_and_a_sound_of_a_video_record(tmp_path, sources):
    edit = edit_of(
        vtrack(Gap(where(1, 1), F(0), F(2))),
        atrack(
            clip("tone", "sound", 0, 1, track=9, gain_db=-12.0),
            clip("red", "sound", 1, 1, track=9, index=2),
        ),
    )
    _, out = run(tmp_path, sources, edit)
    quiet, loud = mean_volume(out / "video.mp4", 0.1, 0.9), mean_volume(out / "video.mp4", 1.1, 1.9)
    assert loud - quiet == pytest.approx(12, abs=1.5)  # both test tones are at the same level


def test_long_cuts_render_in_segments_joined_without_a_seam(tmp_path, sources, monkeypatch):
    monkeypatch.setattr(render, "SEGMENT_SECONDS", 1)
    edit = edit_of(
        vtrack(
            clip("red", "clip", 0, 1),
            clip("green", "still", 1, 1, index=2),
            Dissolve(where(1, 3), F(2), F(1, 2), F(1, 2)),
            clip("blue", "clip", 2, 1, index=4, head=F(1, 2)),
            clip("red", "clip", 3, 1, index=5),
        ),
        roll=Roll(True, F(1)),
    )
    tracks = [pieces(edit.tracks[0], edit.rate)]
    # never inside the dissolve (2 s +- 0.5 s)
    assert segments(cut_points(tracks, 100), 100, 25) == [(0, 25), (25, 75), (75, 100)]
    _, out = run(tmp_path, sources, edit)
    video = out / "video.mp4"
    assert counted_frames(video) == 125
    assert near(frame(video, 24).getpixel((80, 45)), RED)
    assert near(frame(video, 25).getpixel((80, 45)), GREEN)
    assert near(frame(video, 80).getpixel((80, 45)), RED)


def test_a_gap_can_be_cut_anywhere_outside_its_dissolves():
    rate = F(25)
    track = vtrack(
        Gap(where(1, 1), F(0), F(2)),
        Dissolve(where(1, 2), F(2), F(1), F(0)),
        clip("x", "clip", 2, 2, index=3, head=F(1)),
    )
    ps = pieces(track, rate)
    assert [(p.start, p.frames, p.blend) for p in ps] == [(0, 50, 0), (25, 75, 25)]
    assert cut_points([ps], 100) == [0, 25, 100]  # not inside the dissolve (25-50) or the clip
    assert [(p.start, p.frames) for p in within(ps, 0, 25)] == [(0, 25)]


# --- determinism, cache, failures ---------------------------------------------------------------


def cut_with_everything() -> Edit:
    return edit_of(
        vtrack(
            clip("red", "clip", 0, 1, tail=F(1, 5)),
            Dissolve(where(1, 2), F(1), F(1, 5), F(1, 5)),
            clip("green", "still", 1, 1, index=3, head=F(1, 5), zoom=1.2),
            clip("words", "title", 2, 1, index=4),
        ),
        vtrack(
            Gap(where(2, 1), F(0), F(1)),
            clip("words", "lower-third", 1, 1, track=2, index=2),
            number=2,
        ),
        atrack(clip("tone", "sound", 0, 3, track=9)),
        roll=Roll(True, F(1)),
    )


def test_two_renders_are_byte_identical(tmp_path, sources):
    edit = cut_with_everything()
    _, one = run(tmp_path, sources, edit, name="one")
    _, two = run(tmp_path, sources, edit, name="two")
    for name in ("video.mp4", "image-160.webp", "preview.jpg"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_a_warm_rebuild_renders_nothing_and_one_changed_clip_renders_one_production(
    tmp_path, sources
):
    root, cache = tmp_path / "archive", tmp_path / "cache"
    first = job_for(root, sources, edit_of(vtrack(clip("green", "still", 0, 1))), rid="first")
    second = job_for(root, sources, edit_of(vtrack(clip("red", "clip", 0, 1))), rid="second")
    cold = run_media(root, [first, second], cache, SETTINGS, workers=1, progress=False)
    assert (cold.ran, cold.reused, cold.problems) == (2, 0, [])
    warm = run_media(root, [first, second], cache, SETTINGS, workers=1, progress=False)
    assert (warm.ran, warm.reused) == (0, 2)
    Image.new("RGB", (64, 36), BLUE).save(root / "records/green/green.png")
    changed = run_media(root, [first, second], cache, SETTINGS, workers=1, progress=False)
    assert (changed.ran, changed.reused) == (1, 1)
    result = changed.results["first"]
    assert result.key != cold.results["first"].key
    rendered = MediaCache(cache).path(result.key) / "video.mp4"
    assert near(frame(rendered, 12).getpixel((80, 45)), BLUE)


def test_a_render_that_fails_is_a_media_error_and_leaves_nothing(tmp_path, sources):
    edit = edit_of(vtrack(clip("red", "clip", 0, 1)))
    root = tmp_path / "archive"
    job = job_for(root, sources, edit)
    (root / "records/red/red.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(MediaError) as err:
        make_timeline(job, root, out, SETTINGS)
    assert err.value.fix and os.listdir(out) == []
    params = {**dict(job.params), "sources": []}  # the record is gone: no input for it
    bad = MediaJob("prod", "timeline", job.inputs[:1], tuple(sorted(params.items())))
    with pytest.raises(MediaError, match="'red', which is missing or withdrawn"):
        make_timeline(bad, root, out, SETTINGS)
    assert os.listdir(out) == []


def test_a_hostile_text_record_is_drawn_inside_the_frame(tmp_path, sources):
    hostile = tmp_path / "hostile.md"
    hostile.write_text(
        "<script>alert(1)</script>\u202eevil\u202c "
        + "W" * 400
        + "\n"
        + "Z\u0301\u0302\u0303\u0304\u0305\u0306" * 50
        + "\n"
        + "\x00\x1b[31m" * 20
        + "\n"
        + "line\n" * 500
    )
    sources = {**sources, "hostile": ("text", hostile)}
    for style in ("title", "lower-third"):
        img = draw_text(render.text_lines(hostile, None), style, W, H)
        assert img.size == (W, H)
    edit = edit_of(
        vtrack(clip("hostile", "title", 0, 1)),
        vtrack(clip("hostile", "lower-third", 0, 1, track=2), number=2),
    )
    _, out = run(tmp_path, sources, edit)
    assert counted_frames(out / "video.mp4") == 25


def test_an_audio_production_is_an_mp3_with_a_waveform_and_a_card(tmp_path, sources):
    edit = edit_of(
        atrack(
            clip("tone", "sound", 0, 2, track=9),
            Gap(where(9, 2), F(2), F(1)),
            clip("red", "sound", 3, 1, track=9, index=3),
        ),
        roll=Roll(True, F(5)),
    )
    info, out = run(tmp_path, sources, edit, kind="audio")
    assert info.duration == 4.0
    roles = [d.role for d in info.derivatives]
    assert roles == ["original", "audio", "waveform", "image", "preview"]
    data = ffprobe(out / "audio.mp3", "-show_streams", "-show_format")
    assert data["streams"][0]["codec_name"] == "mp3"
    assert int(data["format"]["bit_rate"]) in range(155_000, 165_000)  # CBR 160k
    assert float(data["format"]["duration"]) == pytest.approx(4.0, abs=0.06)  # no roll on sound
    assert mean_volume(out / "audio.mp3", 2.1, 2.9) < -80
    assert mean_volume(out / "audio.mp3", 3.1, 3.9) > -40


# --- a property: whatever the cut, the render lasts what the Edit says ---------------------


@st.composite
def edits(draw) -> Edit:
    rate = draw(st.sampled_from([F(24), F(25), F(30000, 1001)]))
    items: list = []
    t = F(0)
    for n in range(draw(st.integers(1, 3))):
        length = F(draw(st.integers(3, 12)), rate)
        kind = draw(st.sampled_from(["red", "green", "words", "gap"]))
        index = len(items) + 1
        if kind == "gap":
            items.append(Gap(where(1, index), t, length))
        else:
            style = {"red": "clip", "green": "still", "words": "title"}[kind]
            zoom = draw(st.sampled_from([1.0, 1.2])) if kind == "green" else 1.0
            items.append(clip(kind, style, t, length, index=index, zoom=zoom))
        t += length
    for i in range(len(items) - 1, 0, -1):  # dissolves where both neighbours have room
        if draw(st.booleans()):
            a, b = items[i - 1], items[i]
            half = F(1, rate) * draw(st.integers(1, 2))
            if a.duration > 2 * half and b.duration > 2 * half:
                items.insert(i, Dissolve(where(1, i + 1), b.start, half, half))
    roll = Roll(draw(st.booleans()), F(draw(st.integers(1, 2))))
    tracks = [Track("video", 1, "V1", tuple(items), t)]
    if draw(st.booleans()):
        tracks.append(atrack(clip("tone", "sound", 0, min(t, F(2)), track=9)))
    return Edit(rate, tuple(tracks), t, roll, "prop", 64, 36)


@hsettings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edit=edits())
def test_any_valid_cut_renders_to_the_duration_it_states(tmp_path_factory, sources, edit):
    tmp = tmp_path_factory.mktemp("prop")
    info, out = run(tmp, sources, edit)
    rolled = round(edit.roll.seconds * edit.rate) if edit.roll.enabled else 0
    frames = round(edit.duration * edit.rate) + rolled
    assert counted_frames(out / "video.mp4") == frames
    assert info.duration == pytest.approx(float(F(frames) / edit.rate), abs=0.001)


# --- the plan: what a timeline job holds (pure) ----------------------------------------------


def test_plan_media_makes_a_render_job_with_every_input_and_the_roll():
    import datetime as dt

    from builder.core.media_plan import plan_media
    from builder.core.model import Archive, Contributor, Record, RecordSource

    def record(rid, type_, file, sources=(), **kw):
        return Record(
            rid,
            rid.title(),
            type_,
            file,
            (Contributor("ana", "director", "Ana Lima"),),
            "CC-BY-4.0",
            dt.date(2024, 5, 1),
            sources=tuple(RecordSource(s, 1) for s in sources),
            **kw,
        )

    edit = edit_of(
        vtrack(clip("green", "still", 0, 1), clip("red", "clip", 1, 1, index=2)),
        roll=Roll(True, F(4)),
    )
    archive = Archive.of(
        [
            record("green", "image", "g.png"),
            record("red", "video", "r.mp4"),
            record("prod", "video", "cut.otio", ("green", "red"), kind="production"),
            record("raw", "video", "other.otio"),
        ]
    )
    jobs = {j.record_id: j for j in plan_media(archive, edits={"prod": edit})}
    assert "raw" not in jobs  # a timeline without a readable cut: check reports it, no job
    job = jobs["prod"]
    assert job.recipe == "timeline"
    assert job.inputs == ("records/prod/cut.otio", "records/green/g.png", "records/red/r.mp4")
    assert job.param("sources") == [["green", "image"], ["red", "video"]]
    assert job.param("edit") == edit_to_json(edit) and job.param("render") == RENDER
    assert job.param("seconds") == 6.0
    assert ["line", "Ana Lima"] in job.param("roll") and job.param("roll")[0][0] == "title"
    assert job.time_limit(MediaSettings(job_seconds=300)) == 360
    changed = plan_media(archive, edits={"prod": edit_of(vtrack(clip("red", "clip", 0, 1)))})
    assert next(j for j in changed if j.record_id == "prod").fingerprint() != job.fingerprint()
