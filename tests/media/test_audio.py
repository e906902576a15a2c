"""The audio recipe on real files made by ffmpeg: MP3 for podcasts, waveforms, clean originals,
visuals."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageStat

from builder.core.media_plan import MediaJob, MediaSettings
from builder.media.audio import bin_peaks, make_audio, rebin, waveform_svg
from builder.media.results import MediaError, MediaInfo
from tests.media.fixtures import (  # noqa: F401
    MediaFiles,
    ffprobe,
    has_versioned_encoder,
    media_fixture,
    personal_tags,
    place,
)

pytestmark = pytest.mark.slow
SETTINGS = MediaSettings(widths=(160, 320), preview_width=300)
SVG = "{http://www.w3.org/2000/svg}"


def run(
    media_path: Path,
    tmp_path: Path,
    poster: Path | None = None,
    settings: MediaSettings = SETTINGS,
    **params,
) -> tuple[MediaInfo, Path]:
    root = tmp_path / "archive"
    inputs = [place(media_path, root, "song")]
    if poster is not None:
        inputs.append(place(poster, root, "song"))
    out = tmp_path / "out"
    out.mkdir(parents=True)
    params = {"credit": "Ada Lovelace", "title": "A Tone", **params}
    job = MediaJob("song", "audio", tuple(inputs), tuple(sorted(params.items())))
    return make_audio(job, root, out, settings), out


def assert_outputs_match(info: MediaInfo, out: Path) -> None:
    assert sorted(os.listdir(out)) == sorted(d.file for d in info.derivatives)
    for d in info.derivatives:
        assert d.bytes == os.path.getsize(out / d.file) > 0


# --- MP3 for podcasts -----------------------------------------------------------------------------


@pytest.mark.parametrize("ext", ["wav", "flac", "ogg", "opus"])
def test_formats_podcast_apps_reject_get_an_exact_mp3(media: MediaFiles, tmp_path, ext):
    info, out = run(media.tone(ext), tmp_path)
    assert_outputs_match(info, out)
    assert info.duration == pytest.approx(3.0, abs=0.1)
    [mp3] = info.by_role("audio")
    assert (mp3.file, mp3.mime) == ("audio.mp3", "audio/mpeg")
    probed = ffprobe(out / mp3.file)
    [stream] = probed["streams"]
    assert stream["codec_name"] == "mp3" and stream["channels"] == 2
    assert float(probed["format"]["duration"]) == pytest.approx(3.0, abs=0.1)
    assert personal_tags(probed) == {}
    data = (out / mp3.file).read_bytes()
    assert not data.startswith(b"ID3") and b"Private title" not in data
    assert b"Xing" in data[:4096] or b"Info" in data[:4096]  # the header that makes durations exact


@pytest.mark.parametrize("ext, codec", [("mp3", "mp3"), ("m4a", "aac")])
def test_mp3_and_m4a_are_published_as_they_are(media: MediaFiles, tmp_path, ext, codec):
    info, out = run(media.tone(ext), tmp_path)
    assert_outputs_match(info, out)
    assert info.by_role("audio") == []
    [original] = info.by_role("original")
    assert original.file == f"tone.{ext}"
    probed = ffprobe(out / original.file)
    assert [s["codec_name"] for s in probed["streams"]] == [codec]
    assert personal_tags(probed) == {}
    assert float(probed["format"]["duration"]) == pytest.approx(3.0, abs=0.1)
    assert info.duration == pytest.approx(3.0, abs=0.1)


def test_raw_aac_gets_an_m4a_with_the_same_stream_for_podcast_apps(media: MediaFiles, tmp_path):
    src = media.tone("aac")
    info, out = run(src, tmp_path)
    assert_outputs_match(info, out)
    [original] = info.by_role("original")
    assert original.file == "tone.aac" and original.mime == "audio/aac"
    [m4a] = info.by_role("audio")  # not an MP3: the AAC stream is kept as it is
    assert (m4a.file, m4a.mime) == ("audio.m4a", "audio/mp4")
    probed = ffprobe(out / m4a.file)
    assert "mp4" in probed["format"]["format_name"]
    [stream] = probed["streams"]
    assert stream["codec_name"] == "aac" and personal_tags(probed) == {}
    assert float(probed["format"]["duration"]) == pytest.approx(3.0, abs=0.1)
    raw = (out / m4a.file).read_bytes()
    assert b"Private title" not in raw and raw.index(b"moov") < raw.index(b"mdat")  # faststart


@pytest.mark.parametrize(
    "ext, mime",
    [("wav", "audio/wav"), ("flac", "audio/flac"), ("ogg", "audio/ogg"), ("mp3", "audio/mpeg")],
)
def test_originals_keep_their_container_and_lose_their_tags(media: MediaFiles, tmp_path, ext, mime):
    src = media.tone(ext)
    assert personal_tags(ffprobe(src))  # the fixture has a title and an artist
    info, out = run(src, tmp_path)
    [original] = info.by_role("original")
    assert original.mime == mime
    assert personal_tags(ffprobe(out / original.file)) == {}
    raw = (out / original.file).read_bytes()
    assert b"Private title" not in raw and b"Someone" not in raw and not has_versioned_encoder(raw)
    assert (
        ffprobe(out / original.file)["streams"][0]["codec_name"]
        == ffprobe(src)["streams"][0]["codec_name"]
    )


# --- the waveform ---------------------------------------------------------------------------------


def test_the_waveform_is_one_themeable_path_of_600_bars(media: MediaFiles, tmp_path):
    info, out = run(media.tone("flac"), tmp_path)
    [wave] = info.by_role("waveform")
    assert (wave.file, wave.mime) == ("waveform.svg", "image/svg+xml")
    text = (out / wave.file).read_text()
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 1200 200" and root.get("preserveAspectRatio") == "none"
    elements = list(root.iter())
    assert [e.tag for e in elements] == [f"{SVG}svg", f"{SVG}path"]
    assert "script" not in text.lower()
    assert not [
        a for e in elements for a in e.attrib if a.lower().startswith("on")
    ]  # no event handlers
    path = elements[1]
    assert path.get("fill") == "currentColor"
    bars = [int(seg.split("v")[1].split("h")[0]) for seg in path.get("d").split("z") if seg]
    assert len(bars) == 600
    # A tone for the first half, silence for the second.
    assert min(bars[:290]) > 150 and max(bars[310:]) <= 2


def test_peaks_are_binned_whatever_the_chunking():
    samples = [0, 5, -7, 3, 32767, -32768, 1, 2, 3]
    data = b"".join(s.to_bytes(2, "little", signed=True) for s in samples)
    chunks = [data[:3], data[3:4], data[4:11], data[11:]]
    assert bin_peaks(chunks, 2) == ([5, 7, 32768, 2, 3], 9)
    assert bin_peaks([data], 100) == ([32768], 9)


@given(st.lists(st.integers(0, 32768), min_size=1, max_size=3000), st.integers(1, 700))
@settings(max_examples=60, deadline=None)
def test_rebin_keeps_the_loudest_peak_and_the_count(bins, count):
    levels = rebin(bins, count)
    assert len(levels) == count
    assert all(0.0 <= v <= 1.0 for v in levels)
    if max(bins) > 0:
        assert max(levels) == 1.0


def test_waveform_svg_bars_stay_inside_the_box():
    svg = waveform_svg([0.0, 0.5, 1.0])
    path = ET.fromstring(svg).find(f"{SVG}path")
    assert path.get("d") == "M0 99h1v2h-1zM2 50h1v100h-1zM4 0h1v200h-1z"


# --- the visual -----------------------------------------------------------------------------------


def test_cover_art_becomes_the_visual(media: MediaFiles, tmp_path):
    info, out = run(media.tone("mp3"), tmp_path, poster=media.cover_png())
    assert_outputs_match(info, out)
    [preview] = info.by_role("preview")
    assert (preview.width, preview.height) == (300, 200)
    with Image.open(out / preview.file) as img:
        r, g, b = ImageStat.Stat(img.convert("RGB")).mean
    assert r > 150 and g < 80 and b < 80


def test_without_cover_art_a_card_is_the_visual(media: MediaFiles, tmp_path):
    info, out = run(media.tone("mp3"), tmp_path)
    assert_outputs_match(info, out)
    [preview] = info.by_role("preview")
    assert preview.width == preview.height == 300  # the square card
    assert [d.width for d in info.by_role("image")] == [160, 320]


def test_a_broken_cover_fails_cleanly(media: MediaFiles, tmp_path):
    bad = tmp_path / "cover.png"
    bad.write_bytes(media.cover_png().read_bytes()[:60])
    with pytest.raises(MediaError, match="poster"):
        run(media.tone("mp3"), tmp_path, poster=bad)
    assert os.listdir(tmp_path / "out") == []


def test_an_oversized_cover_is_refused_before_decoding(media: MediaFiles, tmp_path, monkeypatch):
    with pytest.raises(MediaError, match="pixels"):  # the archive's limit, from the job
        run(media.tone("mp3"), tmp_path / "a", poster=media.cover_png(), max_pixels=200_000)
    assert os.listdir(tmp_path / "a" / "out") == []
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # Pillow's own limit
    with pytest.raises(MediaError, match="pixels"):
        run(media.tone("mp3"), tmp_path / "b", poster=media.cover_png())
    assert os.listdir(tmp_path / "b" / "out") == []


# --- what fails -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "maker, match",
    [
        (lambda m: m.empty("empty.wav"), "empty"),
        (lambda m: m.text_as("notes.mp3"), "not audio"),
        (lambda m: m.black_start_mp4(), "not audio"),
        (lambda m: m.hls_playlist(), "not audio"),
    ],
)
def test_what_is_not_audio_fails_cleanly(media: MediaFiles, tmp_path, maker, match):
    with pytest.raises(MediaError, match=match) as err:
        run(maker(media), tmp_path)
    assert err.value.fix
    assert os.listdir(tmp_path / "out") == []


def test_a_corrupt_flac_fails_cleanly(media: MediaFiles, tmp_path):
    data = bytearray(media.tone("flac").read_bytes())
    broken = tmp_path / "broken.flac"
    broken.write_bytes(bytes(data[:42]) + b"\xff" * 64)  # the STREAMINFO header, then junk
    with pytest.raises(MediaError):
        run(broken, tmp_path)
    assert os.listdir(tmp_path / "out") == []
