"""The check edge of timelines: the real length of each record a timeline uses, measured from
its file, never read from the .otio.

Measured by the one inspection every file goes through (archive/inspect.py): a duration is
ffprobe's as the recipes read it, with the decode verdict kept by content, and a text's lines
are those of the text check passed; nothing here probes a file its own way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

from ..archive.inspect import Facts, Limits, inspect_file
from ..core.model import Archive
from ..core.problems import Problem
from .model import Edit
from .rules import Measured, check_timeline, is_timeline


def check_timelines(
    root: Path,
    archive: Archive,
    edits: Mapping[str, Edit],
    limits: Limits,
    only: Iterable[str] | None = None,
) -> list[Problem]:
    """The timeline rules for every readable timeline (or those in `only`)."""
    chosen = sorted(edits if only is None else set(only) & set(edits))
    used = sorted({rid for key in chosen for rid in edits[key].record_ids})
    measured = measure_records(root, archive, used, limits)
    out: list[Problem] = []
    for key in chosen:
        record = archive.records.get(key)
        if record is not None:
            out.extend(check_timeline(record, edits[key], archive, measured))
    return out


def measure_records(
    root: Path, archive: Archive, ids: Iterable[str], limits: Limits
) -> dict[str, Measured]:
    out: dict[str, Measured] = {}
    for rid in ids:
        record = archive.records.get(rid)
        if record is None or record.file is None or record.withdrawn is not None:
            continue
        if is_timeline(record) or record.type == "image":
            continue
        found = inspect_file(root / record.folder / record.file, record.file, record.type, limits)
        if not isinstance(found, Facts):
            out[rid] = Measured(why=found.message)
        elif record.type == "text":
            out[rid] = Measured(lines=len((found.text or "").splitlines()))
        else:
            why = "" if found.duration is not None else "ffprobe gives no duration"
            out[rid] = Measured(seconds=found.duration, why=why)
    return out
