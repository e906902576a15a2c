"""Small audio and video fixtures, generated with ffmpeg's test sources at test time.

Nothing binary is committed: `MediaFiles` makes each file on first use into a
session-wide temporary folder and returns its path (the same path on later calls).
Also: helpers that check outputs the way a browser or podcast app would see them.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from builder.media.tools import find_tools

SECONDS = 3.0
SIZE = "320x240"
SECRET = b"SHOWCASE-SECRET-7f3a9c"  # what the HLS-playlist attack tries to leak
LOCATION = "+48.8584+002.2945/"


def ffmpeg(*args: str) -> None:
    """Trusted ffmpeg for fixtures (test sources, no safety flags needed)."""
    subprocess.run(
        [find_tools().ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
        timeout=60,
    )


def ffprobe(path: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [
            find_tools().ffprobe,
            "-v",
            "error",
            "-of",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return json.loads(proc.stdout)


def top_level_boxes(path: Path) -> list[str]:
    """The ISO-BMFF boxes at the top of an MP4/MOV, in file order."""
    boxes = []
    with open(path, "rb") as fh:
        size_total = path.stat().st_size
        offset = 0
        while offset + 8 <= size_total:
            fh.seek(offset)
            size, kind = struct.unpack(">I4s", fh.read(8))
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0]
            elif size == 0:
                size = size_total - offset
            boxes.append(kind.decode("latin-1"))
            if size < 8:
                break
            offset += size
    return boxes


def has_versioned_encoder(data: bytes) -> bool:
    """Whether ffmpeg's muxer stamped its version ("Lavf60.3.100") into a container's tags:
    -fflags +bitexact was missing. (Encoders may name themselves inside the codec data of
    streams that are copied; that says nothing about the work or its maker.)"""
    return re.search(rb"Lavf\d", data) is not None


def is_faststart(path: Path) -> bool:
    boxes = top_level_boxes(path)
    return "moov" in boxes and "mdat" in boxes and boxes.index("moov") < boxes.index("mdat")


# Tags that describe the container itself (read back from the file type box), not the work.
STRUCTURAL_TAGS = {"major_brand", "minor_version", "compatible_brands"}
# Tags every muxer writes for each stream whatever the input.
DEFAULT_STREAM_TAGS = {"language", "handler_name", "vendor_id"}


def personal_tags(info: dict[str, Any]) -> dict[str, str]:
    """Every tag in an ffprobe result that could carry something about the work or its maker."""
    found = {
        k: v for k, v in (info["format"].get("tags") or {}).items() if k not in STRUCTURAL_TAGS
    }
    for s in info["streams"]:
        for k, v in (s.get("tags") or {}).items():
            # The MP3 Info header's unversioned encoder field ("Lavf lame" under
            # -fflags +bitexact): nothing about the work.
            if k == "encoder" and v.split()[0] in ("Lavf", "Lavc"):
                continue
            if k not in DEFAULT_STREAM_TAGS:
                found[f"{s['index']}:{k}"] = v
            elif k == "handler_name" and v not in (
                "VideoHandler",
                "SoundHandler",
                "SubtitleHandler",
            ):
                found[f"{s['index']}:{k}"] = v
    return found


class MediaFiles:
    """Fixture media made on demand into `folder`, each once per test session."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: dict[str, Path] = {}

    def _make(self, name: str, build: Callable[[Path], None]) -> Path:
        if name not in self._made:
            path = self.folder / name
            build(path)
            self._made[name] = path
        return self._made[name]

    # --- video: the first second black, then two seconds of test pattern, a tone throughout

    def _black_start_args(self) -> list[str]:
        return [
            "-f",
            "lavfi",
            "-i",
            f"color=c=black:s={SIZE}:r=25:d=1",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=s={SIZE}:r=25:d={SECONDS - 1}",
            "-f",
            "lavfi",
            "-i",
            f"sine=f=440:sample_rate=44100:d={SECONDS}",
            "-filter_complex",
            "[0:v][1:v]concat=n=2:v=1:a=0[v]",
            "-map",
            "[v]",
            "-map",
            "2:a",
        ]

    def black_start_mp4(self) -> Path:
        """H.264/AAC MP4, moov at the end (not faststart): playable, only the original is made."""
        return self._make(
            "black-start.mp4",
            lambda p: ffmpeg(
                *self._black_start_args(),
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-b:a",
                "64k",
                "-f",
                "mp4",
                str(p),
            ),
        )

    def black_start_webm(self) -> Path:
        """VP9/Opus WebM: transcoded to H.264/AAC."""
        return self._make(
            "black-start.webm",
            lambda p: ffmpeg(
                *self._black_start_args(),
                "-c:v",
                "libvpx-vp9",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-b:v",
                "200k",
                "-c:a",
                "libopus",
                "-b:a",
                "48k",
                "-f",
                "webm",
                str(p),
            ),
        )

    def black_start_mov(self) -> Path:
        """H.264/AAC in QuickTime: remuxed to MP4 without re-encoding."""
        return self._make(
            "black-start.mov",
            lambda p: ffmpeg("-i", str(self.black_start_mp4()), "-c", "copy", "-f", "mov", str(p)),
        )

    def located_mp4(self) -> Path:
        """A phone-style video whose container says where it was filmed."""
        return self._make(
            "located.mp4",
            lambda p: ffmpeg(
                "-i",
                str(self.black_start_mp4()),
                "-c",
                "copy",
                "-metadata",
                f"location={LOCATION}",
                "-metadata",
                "title=Private title",
                "-metadata",
                "comment=made by someone",
                "-metadata:s:v:0",
                "handler_name=Phone Camera",
                "-metadata:s:a:0",
                "title=Interview",
                "-f",
                "mp4",
                str(p),
            ),
        )

    def rotated_mp4(self) -> Path:
        """Stored 320x240 landscape, shown 240x320 portrait (a display matrix rotating 90°)."""

        def build(p: Path) -> None:
            try:  # ffmpeg 6+: set the display matrix directly
                ffmpeg(
                    "-display_rotation",
                    "90",
                    "-i",
                    str(self.black_start_mp4()),
                    "-c",
                    "copy",
                    str(p),
                )
            except subprocess.CalledProcessError:  # older: the `rotate` tag becomes the matrix
                ffmpeg(
                    "-i",
                    str(self.black_start_mp4()),
                    "-c",
                    "copy",
                    "-metadata:s:v:0",
                    "rotate=90",
                    str(p),
                )

        return self._make("rotated.mp4", build)

    def truncated_mp4(self) -> Path:
        """The first 60% of an MP4 whose index (moov) was at the end: a failed upload."""

        def build(p: Path) -> None:
            data = self.black_start_mp4().read_bytes()
            p.write_bytes(data[: len(data) * 6 // 10])

        return self._make("truncated.mp4", build)

    # --- audio: a tone for the first half, silence for the second

    def _tone_args(self) -> list[str]:
        return [
            "-f",
            "lavfi",
            "-i",
            f"sine=f=440:sample_rate=44100:d={SECONDS / 2},apad=whole_dur={SECONDS}",
            "-ac",
            "2",
            "-metadata",
            "title=Private title",
            "-metadata",
            "artist=Someone",
        ]

    def tone(self, ext: str) -> Path:
        codecs = {
            "wav": ["-c:a", "pcm_s16le", "-f", "wav"],
            "flac": ["-c:a", "flac", "-f", "flac"],
            "mp3": ["-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"],
            "ogg": ["-c:a", "libvorbis", "-q:a", "2", "-f", "ogg"],
            "opus": ["-c:a", "libopus", "-b:a", "48k", "-f", "ogg"],
            "m4a": ["-c:a", "aac", "-b:a", "96k", "-f", "ipod"],
            "aac": ["-c:a", "aac", "-b:a", "96k", "-f", "adts"],
        }
        return self._make(f"tone.{ext}", lambda p: ffmpeg(*self._tone_args(), *codecs[ext], str(p)))

    # --- images and hostile files

    def cover_png(self) -> Path:
        def build(p: Path) -> None:
            from PIL import Image

            Image.new("RGB", (600, 400), (200, 40, 40)).save(p)

        return self._make("cover.png", build)

    def secret(self) -> Path:
        return self._make("secret.txt", lambda p: p.write_bytes(SECRET + b"\n"))

    def hls_playlist(self) -> Path:
        """An HLS playlist named like a video, pointing at a local file it hopes to leak."""
        secret = self.secret()
        text = (
            f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n"
            f"#EXTINF:10.0,\nfile://{secret}\n#EXTINF:10.0,\n{secret}\n#EXT-X-ENDLIST\n"
        )
        return self._make("playlist.mp4", lambda p: p.write_text(text))

    def hls_behind_ftyp(self) -> Path:
        """The same playlist behind an MP4 file-type box, so sniffing calls it MP4."""
        playlist = self.hls_playlist().read_bytes()
        ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp41")
        return self._make("playlist-ftyp.mp4", lambda p: p.write_bytes(ftyp + b"\n" + playlist))

    def concat_script(self) -> Path:
        """An ffconcat script named like a video, listing a local file."""
        text = f"ffconcat version 1.0\nfile '{self.secret()}'\n"
        return self._make("concat.mp4", lambda p: p.write_text(text))

    def empty(self, name: str = "empty.mp4") -> Path:
        return self._make(name, lambda p: p.write_bytes(b""))

    def text_as(self, name: str = "notes.mp4") -> Path:
        return self._make(name, lambda p: p.write_text("These are my notes, not a video.\n"))


def place(src: Path, root: Path, record: str, name: str | None = None) -> str:
    """Copy a fixture into `root/records/<record>/` and return its archive-relative path."""
    folder = root / "records" / record
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, folder / (name or src.name))
    return f"records/{record}/{name or src.name}"


_files: MediaFiles | None = None


@pytest.fixture(scope="session", name="media")
def media_fixture(tmp_path_factory: pytest.TempPathFactory) -> MediaFiles:
    """The session's fixture media (import this fixture into a test module to use it).

    One MediaFiles for the whole session, even when several modules import the fixture.
    """
    global _files
    if _files is None:
        _files = MediaFiles(tmp_path_factory.mktemp("media-fixtures"))
    return _files
