"""The check edge of timelines: the real length of each record a timeline uses, measured from
its file (ffprobe for sound and pictures, a line count for texts), never read from the .otio.

`media_seconds` is the one place a duration is looked up, so that it can switch to a memo of
media inspections without touching the rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

from ..archive.probe import NotRegular, lstat_kind, read_bytes
from ..core.model import Archive
from ..core.problems import Problem
from .model import Edit
from .rules import Measured, check_timeline, is_timeline

TEXT_LIMIT = 2 * 1024 * 1024  # as archive/folder.py reads texts


def check_timelines(
    root: Path, archive: Archive, edits: Mapping[str, Edit], only: Iterable[str] | None = None
) -> list[Problem]:
    """The timeline rules for every readable timeline (or those in `only`)."""
    chosen = sorted(edits if only is None else set(only) & set(edits))
    used = sorted({rid for key in chosen for rid in edits[key].record_ids})
    measured = measure_records(root, archive, used)
    out: list[Problem] = []
    for key in chosen:
        record = archive.records.get(key)
        if record is not None:
            out.extend(check_timeline(record, edits[key], archive, measured))
    return out


def measure_records(root: Path, archive: Archive, ids: Iterable[str]) -> dict[str, Measured]:
    out: dict[str, Measured] = {}
    for rid in ids:
        record = archive.records.get(rid)
        if record is None or record.file is None or record.withdrawn is not None:
            continue
        if is_timeline(record) or record.type == "image":
            continue
        path = root / "records" / rid / record.file
        if record.type == "text":
            out[rid] = Measured(lines=text_lines(path))
        else:
            seconds, why = media_seconds(path)
            out[rid] = Measured(seconds=seconds, why=why)
    return out


def text_lines(path: Path) -> int | None:
    try:
        data, _ = read_bytes(path, TEXT_LIMIT)
    except (NotRegular, OSError):
        return None
    return len(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace").splitlines())


def media_seconds(path: Path) -> tuple[float | None, str]:
    """ffprobe's duration of an audio or video file, or None and why not."""
    from ..media import tools  # noqa: PLC0415 - ffmpeg only for archives with timelines
    from ..media.results import MediaError  # noqa: PLC0415

    if lstat_kind(path) != "file":
        return None, "its file is missing or not a regular file"
    try:
        fmt = tools.sniff_file(path)
        data = tools.probe(path, fmt.name, timeout=30, memory_mb=512)
    except MediaError as exc:
        return None, str(getattr(exc, "message", exc))
    except tools.ToolsError as exc:
        return None, str(exc)
    streams = data.get("streams") or [{}]
    seconds = tools.probe_duration(
        data.get("format", {}).get("duration"), *(s.get("duration") for s in streams)
    )
    return seconds, "" if seconds is not None else "ffprobe gives no duration"
