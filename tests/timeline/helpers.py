"""Small archives with a timeline production, written with OpenTimelineIO itself.

Media is tiny (160x90, a few seconds) and made once per test session by ffmpeg.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import opentimelineio as otio

from tests.media.fixtures import ffmpeg

RT, TR = otio.opentime.RationalTime, otio.opentime.TimeRange
RATE = 25

# id -> (type, file name); clip-a is 3 s of video with sound, music-c 4 s of sound.
RECORDS = {
    "clip-a": ("video", "clip.mp4"),
    "photo-b": ("image", "photo.png"),
    "music-c": ("audio", "music.mp3"),
    "title-text": ("text", "title.md"),
}
TEXT = "# A title\n\nLine three\nLine four\n"  # four lines


def make_media(folder: Path) -> Path:
    """The four records' media files in `folder` (made once, copied into each archive)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "clip.mp4").exists():
        ffmpeg(
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=160x90:r=25:d=3",
            "-f",
            "lavfi",
            "-i",
            "sine=d=3",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(folder / "clip.mp4"),
        )
        ffmpeg(
            "-f", "lavfi", "-i", "sine=f=440:d=4", "-c:a", "libmp3lame", str(folder / "music.mp3")
        )
        ffmpeg(
            "-f", "lavfi", "-i", "testsrc2=s=160x90", "-frames:v", "1", str(folder / "photo.png")
        )
        (folder / "title.md").write_text(TEXT)
    return folder


def record_yaml(rid: str, type_: str, file: str, sources: list[str] = (), extra: str = "") -> str:
    lines = [f"title: {rid}", f"type: {type_}", f"file: {file}"]
    if type_ in ("video", "image"):
        lines.append("alt: A test picture of coloured bars.")
    lines += [
        "contributors:",
        "  - {handle: ana, role: editor, name: Ana Lima}",
        "license: CC-BY-4.0",
        "created: 2024-05-01",
    ]
    if sources:
        lines += ["sources:"] + [f"  - {s}" for s in sources]
    return "\n".join(lines) + "\n" + extra


def make_archive(
    root: Path,
    media: Path,
    timeline: otio.schema.Timeline | str | bytes | None,
    sources: list[str] | None = None,
    type_: str = "video",
    withdrawn: tuple[str, ...] = (),
) -> Path:
    """An archive of the four records plus `prod`, a production whose file is the timeline."""
    for rid, (type_of, name) in RECORDS.items():
        folder = root / "records" / rid
        folder.mkdir(parents=True)
        shutil.copy(media / name, folder / name)
        extra = ""
        if rid in withdrawn:
            extra = "withdrawn:\n  date: 2024-06-01\n  reason: The contributor asked.\n"
        (folder / "record.yaml").write_text(record_yaml(rid, type_of, name, extra=extra))
    prod = root / "records" / "prod"
    prod.mkdir(parents=True)
    if timeline is not None:
        (prod / "edit.otio").write_bytes(otio_bytes(timeline))
    used = sorted(RECORDS) if sources is None else sources
    (prod / "record.yaml").write_text(record_yaml("prod", type_, "edit.otio", used))
    return root


def otio_bytes(timeline: otio.schema.Timeline | str | bytes) -> bytes:
    if isinstance(timeline, bytes):
        return timeline
    if isinstance(timeline, str):
        return timeline.encode()
    # The core serializer, not an adapter: writing must not load plugins either.
    return otio.core.serialize_json_to_string(timeline, indent=2).encode()


def clip(
    rid: str, start: float, frames: float, name: str = "", **showcase: Any
) -> otio.schema.Clip:
    reference = otio.schema.ExternalReference(target_url=f"showcase:{rid}")
    c = otio.schema.Clip(
        name=name or rid,
        media_reference=reference,
        source_range=TR(RT(start, RATE), RT(frames, RATE)),
    )
    if showcase:
        c.metadata["showcase"] = showcase
    return c


def gap(frames: float) -> otio.schema.Gap:
    return otio.schema.Gap(source_range=TR(RT(0, RATE), RT(frames, RATE)))


def dissolve(in_frames: float, out_frames: float) -> otio.schema.Transition:
    return otio.schema.Transition(
        transition_type="SMPTE_Dissolve",
        in_offset=RT(in_frames, RATE),
        out_offset=RT(out_frames, RATE),
    )


def timeline(
    video: list | None = None, audio: list | None = None, **showcase: Any
) -> otio.schema.Timeline:
    tl = otio.schema.Timeline(name="A test cut")
    if showcase:
        tl.metadata["showcase"] = showcase
    for kind, items in (("Video", video), ("Audio", audio)):
        if items is None:
            continue
        track = otio.schema.Track(kind=kind)
        for item in items:
            track.append(item)
        tl.tracks.append(track)
    return tl


def good_timeline() -> otio.schema.Timeline:
    """Every kind of clip: a title, video into a still by a dissolve, a lower third, music."""
    return timeline(
        video=[
            clip("title-text", 0, 25),
            clip("clip-a", 12, 50, "Bars"),
            dissolve(5, 5),
            clip("photo-b", 0, 40, zoom=1.08),
        ],
        audio=[clip("music-c", 0, 75, gain_db=-6), gap(10), clip("clip-a", 0, 25)],
        roll={"enabled": True, "seconds": 8},
    )
