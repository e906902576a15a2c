"""The video recipe on real files made by ffmpeg: posters, web MP4s, clean originals, hostile
input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from builder.core.media_plan import MediaJob, MediaSettings
from builder.media import video
from builder.media.results import MediaError, MediaInfo
from builder.media.video import (
    VideoProbe,
    choose_poster,
    make_video,
    poster_times,
    web_plan,
    web_size,
)
from tests.media.fixtures import (  # noqa: F401
    SECRET,
    MediaFiles,
    ffprobe,
    has_versioned_encoder,
    is_faststart,
    media_fixture,
    personal_tags,
    place,
)

pytestmark = pytest.mark.slow
SETTINGS = MediaSettings(widths=(160, 320), preview_width=300)


def run(
    media_path: Path, tmp_path: Path, poster: Path | None = None, settings: MediaSettings = SETTINGS
) -> tuple[MediaInfo, Path]:
    root = tmp_path / "archive"
    inputs = [place(media_path, root, "clip")]
    if poster is not None:
        inputs.append(place(poster, root, "clip"))
    out = tmp_path / "out"
    out.mkdir(parents=True)
    info = make_video(MediaJob("clip", "video", tuple(inputs)), root, out, settings)
    return info, out


def assert_outputs_match(info: MediaInfo, out: Path) -> None:
    """Every file written is a derivative with its true size, and nothing else is there."""
    assert sorted(os.listdir(out)) == sorted(d.file for d in info.derivatives)
    for d in info.derivatives:
        assert d.bytes == os.path.getsize(out / d.file) > 0


def assert_failed_cleanly(media_path: Path, tmp_path: Path, match: str | None = None) -> MediaError:
    with pytest.raises(MediaError, match=match) as err:
        run(media_path, tmp_path)
    assert os.listdir(tmp_path / "out") == []
    assert err.value.fix
    return err.value


def brightness(path: Path) -> float:
    with Image.open(path) as img:
        return ImageStat.Stat(img.convert("L")).mean[0]


# --- what is made ----------------------------------------------------------------------------


def test_a_playable_mp4_gets_a_clean_faststart_original_and_a_poster_past_the_black(
    media: MediaFiles, tmp_path
):
    src = media.black_start_mp4()
    assert not is_faststart(src)
    info, out = run(src, tmp_path)
    assert_outputs_match(info, out)
    assert (info.width, info.height) == (320, 240)
    assert info.duration == pytest.approx(3.0, abs=0.1)
    assert info.by_role("video") == []  # H.264/AAC in MP4 already plays everywhere
    [original] = info.by_role("original")
    assert (original.file, original.mime) == ("black-start.mp4", "video/mp4")
    assert is_faststart(out / original.file)
    probed = ffprobe(out / original.file)
    assert [s["codec_name"] for s in probed["streams"]] == ["h264", "aac"]
    assert info.extra["poster_time"] >= 1.0
    [preview] = info.by_role("preview")
    assert (preview.width, preview.height) == (300, 225)
    assert brightness(out / preview.file) > 40  # not the black first second
    assert [d.width for d in info.by_role("image")] == [160, 320]


def test_webm_is_transcoded_to_h264_aac_mp4_with_faststart(media: MediaFiles, tmp_path):
    info, out = run(media.black_start_webm(), tmp_path)
    assert_outputs_match(info, out)
    [web] = info.by_role("video")
    assert (web.file, web.mime, web.width, web.height) == ("video.mp4", "video/mp4", 320, 240)
    assert is_faststart(out / web.file)
    probed = ffprobe(out / web.file)
    video, audio = probed["streams"]
    assert (video["codec_name"], video["pix_fmt"], video["width"], video["height"]) == (
        "h264",
        "yuv420p",
        320,
        240,
    )
    assert audio["codec_name"] == "aac"
    assert float(probed["format"]["duration"]) == pytest.approx(3.0, abs=0.15)
    assert "isom" in probed["format"]["tags"]["compatible_brands"]
    [original] = info.by_role("original")
    assert original.mime == "video/webm"
    assert ffprobe(out / original.file)["format"]["format_name"].startswith("matroska")
    assert brightness(out / "preview.jpg") > 40


def test_mov_with_h264_is_remuxed_not_reencoded(media: MediaFiles, tmp_path):
    info, out = run(media.black_start_mov(), tmp_path)
    assert_outputs_match(info, out)
    [web] = info.by_role("video")
    assert is_faststart(out / web.file)
    web_probe, source_probe = ffprobe(out / web.file), ffprobe(media.black_start_mov())
    assert web_probe["format"]["tags"]["major_brand"] == "isom"  # MP4, not QuickTime
    # The same H.264 bitstream: stream copy keeps every packet (an encode would not match).
    assert web_probe["streams"][0]["bit_rate"] == source_probe["streams"][0]["bit_rate"]
    assert web_probe["streams"][0]["nb_frames"] == source_probe["streams"][0]["nb_frames"]
    [original] = info.by_role("original")
    assert (original.file, original.mime) == ("black-start.mov", "video/quicktime")
    assert ffprobe(out / original.file)["format"]["tags"]["major_brand"] == "qt  "
    assert is_faststart(out / original.file)


def test_the_original_carries_no_location_or_other_metadata(media: MediaFiles, tmp_path):
    src = media.located_mp4()
    assert "location" in ffprobe(src)["format"]["tags"]  # the fixture really has it
    info, out = run(src, tmp_path)
    for d in info.by_role("original") + info.by_role("video"):
        probed = ffprobe(out / d.file)
        assert personal_tags(probed) == {}, d.file
        assert probed["format"].get("tags", {}).keys() <= {
            "major_brand",
            "minor_version",
            "compatible_brands",
        }
        raw = (out / d.file).read_bytes()
        assert (
            b"+48.8584" not in raw and b"Phone Camera" not in raw and not has_versioned_encoder(raw)
        )


def test_a_rotated_phone_video_reports_and_shows_its_display_size(media: MediaFiles, tmp_path):
    info, out = run(media.rotated_mp4(), tmp_path)
    assert (info.width, info.height) == (240, 320)
    [preview] = info.by_role("preview")
    assert (preview.width, preview.height) == (240, 320)
    with Image.open(out / preview.file) as img:
        assert img.size == (240, 320)
    [original] = info.by_role("original")
    assert (original.width, original.height) == (240, 320)
    stream = ffprobe(out / original.file)["streams"][0]
    rotation = [sd.get("rotation") for sd in stream.get("side_data_list", []) if "rotation" in sd]
    assert rotation and abs(int(rotation[0])) == 90  # the display matrix is kept with the stream


def test_a_poster_image_is_used_when_the_record_names_one(media: MediaFiles, tmp_path):
    info, out = run(media.black_start_webm(), tmp_path, poster=media.cover_png())
    assert "poster_time" not in info.extra
    [preview] = info.by_role("preview")
    assert (preview.width, preview.height) == (300, 200)
    with Image.open(out / preview.file) as img:
        r, g, b = ImageStat.Stat(img.convert("RGB")).mean
    assert r > 150 and g < 80 and b < 80


# --- what fails, and leaves nothing behind --------------------------------------------------------


def test_an_empty_file_fails_cleanly(media: MediaFiles, tmp_path):
    assert_failed_cleanly(media.empty(), tmp_path, "empty")


def test_a_text_file_named_mp4_fails_cleanly(media: MediaFiles, tmp_path):
    assert_failed_cleanly(media.text_as(), tmp_path, "not a video")


def test_a_truncated_mp4_fails_cleanly(media: MediaFiles, tmp_path):
    assert_failed_cleanly(media.truncated_mp4(), tmp_path)


def test_a_truncated_faststart_mp4_fails_cleanly(media: MediaFiles, tmp_path):
    # Its index is intact, so it probes fine; the copy finds the missing data.
    info, out = run(media.black_start_mp4(), tmp_path / "first")
    data = (out / "black-start.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 6 // 10])
    assert_failed_cleanly(cut, tmp_path)


@pytest.mark.parametrize("attack", ["hls_playlist", "hls_behind_ftyp", "concat_script"])
def test_a_playlist_disguised_as_video_is_refused_and_leaks_nothing(
    media: MediaFiles, tmp_path, attack
):
    err = assert_failed_cleanly(getattr(media, attack)(), tmp_path)
    assert SECRET.decode() not in err.message + err.fix
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.name != "secret.txt":
            assert SECRET not in path.read_bytes(), path


def test_audio_is_not_a_video(media: MediaFiles, tmp_path):
    assert_failed_cleanly(media.tone("m4a"), tmp_path, "not a video")


def test_the_time_limit_fails_the_job_cleanly(media: MediaFiles, tmp_path):
    with pytest.raises(MediaError, match="longer than"):
        run(
            media.black_start_webm(), tmp_path, settings=MediaSettings(widths=(160,), job_seconds=0)
        )
    assert os.listdir(tmp_path / "out") == []


# --- the decisions, as pure functions -------------------------------------------------------------


def _probe(codec="h264", pix_fmt="yuv420p", audio="aac", w=1920, h=1080) -> VideoProbe:
    return VideoProbe(3.0, w, h, 0, codec, pix_fmt, 25.0, audio, 2 if audio else None, 48000, 0)


@pytest.mark.parametrize(
    "fmt, probe, plan",
    [
        ("mp4", _probe(), None),
        ("mp4", _probe(audio=None), None),
        ("mp4", _probe(audio="mp3"), None),
        ("mp4", _probe(audio="pcm_s16le"), "remux"),
        ("mov", _probe(), "remux"),
        ("mkv", _probe(), "remux"),
        ("mp4", _probe(codec="hevc"), "transcode"),
        ("mp4", _probe(pix_fmt="yuv420p10le"), "transcode"),
        ("mp4", _probe(pix_fmt="yuv422p"), "transcode"),
        ("webm", _probe(codec="vp9", audio="opus"), "transcode"),
    ],
)
def test_web_plan(fmt, probe, plan):
    assert web_plan(fmt, probe) == plan


@pytest.mark.parametrize(
    "size, expected",
    [
        ((1920, 1080), (1280, 720)),
        ((1080, 1920), (720, 1280)),
        ((320, 240), (320, 240)),
        ((321, 241), (320, 240)),
        ((3840, 1606), (1280, 536)),
        ((1, 1), (2, 2)),
    ],
)
def test_web_size_fits_720p_and_is_even(size, expected):
    assert web_size(*size) == expected


def test_poster_times_stay_inside_the_video():
    assert poster_times(3.0) == [0.0, 1.0, 2.0]
    assert poster_times(0.5) == [0.0]
    assert poster_times(None) == [0.0]
    assert poster_times(600) == [0.0, 1.0, 2.0, 4.0, 8.0, 15.0]


def test_choose_poster_skips_black_and_flat_frames():
    black = Image.new("RGB", (64, 48))
    grey = Image.new("RGB", (64, 48), (128, 128, 128))
    busy = Image.effect_noise((64, 48), 60).convert("RGB")
    assert choose_poster([black, grey, busy]) == 2
    assert choose_poster([black, grey]) == 1  # nothing good: the most varied, then the brightest


def test_probe_reads_negative_display_rotation_as_portrait():
    # Phones store portrait video as landscape frames with a display matrix of -90 degrees.
    data = {
        "format": {"duration": "N/A"},
        "streams": [
            {
                "index": 0,
                "codec_type": "video",
                "codec_name": "h264",
                "width": 1920,
                "height": 1080,
                "duration": "3.5",
                "side_data_list": [{"side_data_type": "Display Matrix", "rotation": -90}],
            }
        ],
    }
    probed = video.read_video(data, "phone.mp4")
    assert (probed.width, probed.height, probed.rotation, probed.duration) == (1080, 1920, 270, 3.5)
