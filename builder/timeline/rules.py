"""What the archive adds to a timeline that reads: its clips point at live records of a kind
their track can use, stay inside those records' real lengths (measured, never read from the
file), and every record used is in the production's `sources`. Pure: plain data in, problems
out; the lengths come from the check edge (measure.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

from ..core.model import Archive, Record
from ..core.problems import Problem, problem
from .model import Clip, Edit, TrackKind

# Which records each kind of track can draw: a video track shows pictures and cards, an
# audio track plays sound (a video record's own sound included).
TRACK_TYPES: dict[TrackKind, tuple[str, ...]] = {
    "video": ("video", "image", "text"),
    "audio": ("audio", "video"),
}
TIMELINE_EXTENSION = ".otio"


@dataclass(frozen=True)
class Measured:
    """What the check edge measured of one record a timeline uses."""

    seconds: float | None = None  # audio and video: ffprobe's duration; None: not measurable
    lines: int | None = None  # text: the number of lines of its file
    why: str = ""  # why it could not be measured


def is_timeline(record: Record) -> bool:
    return record.file is not None and record.file.lower().endswith(TIMELINE_EXTENSION)


def check_timeline(
    record: Record, edit: Edit, archive: Archive, measured: Mapping[str, Measured]
) -> list[Problem]:
    """Every problem the archive finds with one production's timeline."""
    path = f"{record.folder}/{record.file}"
    out = _check_type(record, edit)
    for track in edit.tracks:
        for clip in track.clips:
            found = _check_reference(record, path, track.kind, clip, archive)
            if found is None:
                out.extend(
                    _check_trim(
                        record,
                        path,
                        clip,
                        archive.records[clip.record_id],
                        measured.get(clip.record_id),
                        edit.rate,
                    )
                )
            else:
                out.append(found)
    return out + _check_sources(record, path, edit, archive)


def _at(clip: Clip) -> str:
    name = f" {clip.where.name!r}" if clip.where.name else ""
    return f"track {clip.where.track}, item {clip.where.index}{name}"


def _check_type(record: Record, edit: Edit) -> list[Problem]:
    def bad(message: str, fix: str) -> list[Problem]:
        return [
            problem(
                "timeline-unsupported",
                record.yaml_path,
                record.line_of("type"),
                message,
                fix,
                record.id,
            )
        ]

    if record.type not in ("video", "audio"):
        return bad(
            f"a timeline renders to video or audio, but the record is of type {record.type!r}",
            "set `type: video` (a film) or `type: audio` (a mix)",
        )
    if record.type == "video" and not any(t.clips for t in edit.video_tracks()):
        return bad(
            f"{record.file!r} renders a video but has no clip on a video track",
            "put pictures on a video track, or set `type: audio` for a sound mix",
        )
    if record.type == "audio" and edit.video_tracks():
        return bad(
            f"{record.file!r} renders audio but has video tracks, which would be left out",
            "delete the video tracks, or set `type: video`",
        )
    return []


def _check_reference(
    record: Record, path: str, kind: TrackKind, clip: Clip, archive: Archive
) -> Problem | None:
    rid = clip.record_id

    def bad(message: str, fix: str) -> Problem:
        return problem(
            "timeline-reference", path, clip.where.line, f"{_at(clip)}: {message}", fix, record.id
        )

    used = archive.records.get(rid)
    if rid == record.id:
        return bad("the clip uses this production itself", "point the clip at another record")
    if used is None:
        if rid in archive.unreadable:
            return None  # its own record.yaml problems say what is wrong
        return bad(
            f"there is no record {rid!r}",
            "correct the id after showcase: in the clip's target_url, or add the record",
        )
    if used.withdrawn is not None:
        return bad(f"the record {rid!r} is withdrawn", "remove the clip, or use another record")
    if is_timeline(used):
        return bad(f"{rid!r} is itself a timeline", "use the records it is made of instead")
    if used.type not in TRACK_TYPES[kind]:
        other: TrackKind = "audio" if kind == "video" else "video"
        return bad(
            f"{rid!r} is {_a(used.type)} record, which {_a(kind)} track cannot use",
            f"move it to {_a(other)} track",
        )
    return None


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _check_trim(
    record: Record, path: str, clip: Clip, used: Record, measured: Measured | None, rate: Fraction
) -> list[Problem]:
    def bad(message: str, fix: str) -> list[Problem]:
        return [
            problem(
                "timeline-trim", path, clip.where.line, f"{_at(clip)}: {message}", fix, record.id
            )
        ]

    if used.type == "text":
        count = measured.lines if measured is not None else None
        if clip.lines is not None and count is not None and clip.lines[1] > count:
            return bad(
                f"showcase.lines {list(clip.lines)} reaches past the end of "
                f"{used.id!r}, which has {count} lines",
                f"choose lines from 1 to {count}",
            )
        return []
    if used.type not in ("video", "audio"):
        return []  # a still is held for as long as the clip lasts
    if measured is None or measured.seconds is None:
        why = f" ({measured.why})" if measured is not None and measured.why else ""
        return bad(
            f"the length of {used.id!r} could not be measured{why}, so the trim cannot be checked",
            "fix the record's media file first",
        )
    first = clip.source_start - clip.head
    last = clip.source_end + clip.tail
    # Editors round to their own frames: overshooting by less than half a frame is no error
    # (the renderer holds the last frame for it).
    slack = 1 / (2 * rate)
    if first >= -slack and float(last) <= measured.seconds + float(slack):
        return []
    handles = _handles_text(clip)
    return bad(
        f"it uses {_s(first)} to {_s(last)} s of {used.id!r}{handles}, which is "
        f"{measured.seconds:.3f} s long",
        "move the clip's in and out points inside the "
        "recording" + (", or shorten the dissolve" if handles else ""),
    )


def _handles_text(clip: Clip) -> str:
    parts = []
    if clip.head:
        parts.append(f"{_s(clip.head)} s before it")
    if clip.tail:
        parts.append(f"{_s(clip.tail)} s after it")
    return f" (with {' and '.join(parts)} for dissolves)" if parts else ""


def _s(value: Fraction) -> str:
    return f"{float(value):.3f}"


def _check_sources(record: Record, path: str, edit: Edit, archive: Archive) -> list[Problem]:
    listed = {s.id for s in record.record_sources}
    missing = [
        rid
        for rid in edit.record_ids
        if rid not in listed and rid != record.id and rid in archive.records
    ]
    if not missing:
        return []
    first = {}
    for clip in edit.clips:
        first.setdefault(clip.record_id, clip)
    used = "; ".join(f"{rid} ({_at(first[rid])})" for rid in missing)
    return [
        problem(
            "timeline-source",
            record.yaml_path,
            record.line_of("sources") if "sources" in record.lines else record.line_of("file"),
            f"{record.file} uses records that are not in `sources`: {used}",
            f"add to `sources`: {', '.join(missing)}",
            record.id,
        )
    ]
