"""One record folder on disk: its names, its files and what their bytes really are."""

from __future__ import annotations

import os
from pathlib import Path

from ..core.markup import MarkupLimit
from ..core.model import Record
from ..core.names import case_collisions, unportable_reason
from ..core.problems import Problem, problem
from ..memo.renders import Renderer
from ..memo.verdicts import FileVerdicts
from .config import ArchiveConfig
from .identify import limits_of
from .inspect import Finding, decoded, inspect_file
from .probe import case_twin, lstat_kind


def check_names(folder: Path, rel: str, record: str | None) -> tuple[list[str], list[Problem]]:
    """The entries of a folder (no symlink followed) and problems with their names."""
    names = sorted(os.listdir(folder))
    out: list[Problem] = []
    for name in names:
        reason = unportable_reason(name)
        if reason:
            out.append(
                problem(
                    "unportable-name",
                    f"{rel}/{name}",
                    1,
                    f"the name {name!r} {reason}",
                    "rename it with plain lowercase letters, digits, - and _",
                    record if record is not None or rel != "records" else name,
                )
            )
    for first, second in case_collisions(names):
        out.append(
            problem(
                "case-collision",
                f"{rel}/{second}",
                1,
                f"{second!r} and {first!r} differ only in upper/lower case",
                "rename or remove one: on macOS and Windows they are the same file",
                record if record is not None or rel != "records" else second,
            )
        )
    return names, out


def check_record_files(
    folder: Path,
    record: Record,
    names: list[str],
    config: ArchiveConfig,
    verdicts: FileVerdicts | None = None,
    renderer: Renderer | None = None,
) -> list[Problem]:
    """Named files exist, are plain files of the right content, and nothing else is there.
    With `verdicts`, a file that passed before and has not changed is not checked again."""
    out: list[Problem] = []
    named = record.named_files
    for name in names:
        if name != "record.yaml" and name not in named.values():
            kind = lstat_kind(folder / name)
            what = "folder" if kind == "folder" else "file"
            out.append(
                problem(
                    "extra-file",
                    f"{record.folder}/{name}",
                    1,
                    f"the {what} {name!r} is not named in record.yaml",
                    "remove it, or name it in record.yaml (file, poster, captions, transcript)",
                    record.id,
                )
            )
    for field, name in named.items():
        if field == "file" and record.withdrawn is not None:
            continue  # a tombstone's media is gone on purpose
        if verdicts is None or (field == "file" and record.type == "text"):
            # A text is checked every time: it is rendered anyway (from the kept renders),
            # and rendering it here is what keeps its render for the pages.
            out.extend(_check_named(folder, record, field, name, config, renderer))
            continue
        limits = f"{config.max_file_size} {config.max_pixels} {config.max_jpeg_pixels}"
        context = f"{field} {record.type} {name} {limits}"
        out.extend(
            verdicts.check(
                folder / name,
                f"{record.folder}/{name}",
                context,
                lambda f=field, n=name: _check_named(folder, record, f, n, config),
            )
        )
    return out


def _check_named(
    folder: Path,
    record: Record,
    field: str,
    name: str,
    config: ArchiveConfig,
    renderer: Renderer | None = None,
) -> list[Problem]:
    line = record.line_of(field)

    def bad(code: str, message: str, fix: str) -> list[Problem]:
        return [problem(code, record.yaml_path, line, message, fix, record.id)]

    path = folder / name
    expected = {
        "file": record.type,
        "poster": "image",
        "captions": "captions",
        "transcript": "transcript",
    }[field]
    limits = limits_of(config)
    found = inspect_file(path, name, expected, limits, decode=False, field=field)
    if isinstance(found, Finding):
        if found.code == "missing-file":  # said from record.yaml's side, with the likeliest slip
            twin = case_twin(path)
            return bad(
                "missing-file",
                f"`{field}` names {name!r}, which is not in {record.folder}/",
                f"did you mean {twin!r}? Names are case-sensitive"
                if twin
                else "add the file to the folder or correct the name (names are case-sensitive)",
            )
        return bad(found.code, found.message, found.fix)
    if found.has_location and found.format.kind == "image":
        return bad(
            "location-metadata",
            f"{name!r} carries GPS coordinates of where it was taken",
            "strip them: `showcase new FILE --strip-gps` adds a copy without them, or "
            "`exiftool -gps:all= FILE`, or export without location",
        )
    if found.has_location:
        return bad(
            "location-metadata",
            f"{name!r} carries the location where it was filmed",
            "remove it: `ffmpeg -i IN -map_metadata -1 -c copy OUT`",
        )
    found = decoded(path, name, found, limits)  # what the build will decode, decoded now
    if isinstance(found, Finding):
        return bad(found.code, found.message, found.fix)
    if found.text is not None and field == "file":
        try:
            (renderer or Renderer()).render(found.text)
        except MarkupLimit as exc:
            return bad(
                "markdown-limit", f"{name!r} cannot be rendered safely: {exc.message}", exc.fix
            )
    return []
