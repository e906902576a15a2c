"""The archive edge: the repository on disk -> the immutable model, plus every problem met.

Only ever reads `records/`, `content/` and mkdocs.yml, never follows a symlink,
and reads each record.yaml once. Media inspection (reading file headers) is the
expensive part, so the caller chooses which records get it (`check --changed`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable

from ..core import sniff
from ..core.markup import MarkupLimit
from ..core.model import Archive, Person, Record
from ..core.names import unportable_reason
from ..core.problems import Problem, problem
from ..core.schema import HANDLE, RECORD_ID, SLUG, read_collaboration, read_person, read_record
from ..core.yamltree import YamlIssue, decode_text, parse_yaml, split_front_matter
from ..errors import ShowcaseError
from ..memo.renders import Renderer
from ..memo.verdicts import FileVerdicts
from ..timeline.model import Edit
from .changes import tracked_files
from .config import ArchiveConfig, read_config
from .folder import check_names, check_record_files
from .probe import NotRegular, case_twin, lstat_kind, read_bytes

YAML_LIMIT = 256 * 1024
PAGE_LIMIT = 1024 * 1024
_IGNORED_IN_RECORDS = {".gitkeep", "README.md"}


class NotAnArchive(ShowcaseError):
    """The root has neither records/ nor mkdocs.yml: nothing to check."""


@dataclass(frozen=True)
class Loaded:
    archive: Archive
    problems: list[Problem]
    config: ArchiveConfig
    inspected: frozenset[str]  # records whose files were inspected
    # record id -> the cut of every live record whose file is a timeline that could be read
    edits: Mapping[str, Edit] = field(default_factory=lambda: MappingProxyType({}))


def load_archive(
    root: Path,
    inspect: Callable[[str], bool] | None = None,
    verdicts: FileVerdicts | None = None,
    renderer: Renderer | None = None,
) -> Loaded:
    """`renderer`: what texts are rendered with (the build's, which keeps them); default a
    fresh one."""
    root = Path(root)
    if not (root / "records").is_dir() and not (root / "mkdocs.yml").is_file():
        raise NotAnArchive(f"{root} has no records/ folder and no mkdocs.yml")
    config, problems = read_config(root)
    records, unreadable, inspected, record_problems = _load_records(
        root, config, inspect or (lambda _: True), verdicts, renderer or Renderer()
    )
    people, people_problems = _load_pages(root, "content/people", HANDLE, "handle", read_person)
    collabs, collab_problems = _load_pages(
        root, "content/collaborations", SLUG, "slug", read_collaboration
    )
    archive = Archive.of(records, people, collabs, frozenset(unreadable))
    content_problems = (
        _check_content_links(root)
        + _check_avatars(root, people)
        + _check_committed_cache(root, config)
    )
    edits, edit_problems = _read_edits(root, archive)
    return Loaded(
        archive,
        problems
        + record_problems
        + people_problems
        + collab_problems
        + content_problems
        + edit_problems,
        config,
        frozenset(inspected),
        MappingProxyType(edits),
    )


def _read_edits(root: Path, archive: Archive) -> tuple[dict[str, Edit], list[Problem]]:
    """The cut of every live record whose file is a timeline, read whether or not its media is
    inspected: credits and the build use it, and its read problems belong to the record.
    A file that cannot be opened is left to the record's file checks."""
    from ..timeline.limits import MAX_BYTES  # noqa: PLC0415
    from ..timeline.read import read_timeline  # noqa: PLC0415
    from ..timeline.rules import is_timeline  # noqa: PLC0415

    types = {rid: r.type for rid, r in archive.records.items()}
    edits: dict[str, Edit] = {}
    out: list[Problem] = []
    for rid, record in archive.records.items():
        if record.withdrawn is not None or not is_timeline(record):
            continue
        try:
            data, _ = read_bytes(root / "records" / rid / record.file, MAX_BYTES + 1)
        except (NotRegular, OSError):
            continue
        edit, problems = read_timeline(data, f"{record.folder}/{record.file}", rid, types)
        out.extend(problems)
        if edit is not None:
            edits[rid] = edit
    return edits, out


def _check_committed_cache(root: Path, config: ArchiveConfig) -> list[Problem]:
    """Builds trust their cache: a derivative in it is published as it is. One committed to
    the repository (force-added past .gitignore) would put files in the site that no check
    has seen, such as an SVG "waveform" with a script in it."""
    tracked = tracked_files(root, root / config.cache_dir)
    if not tracked:
        return []
    folder = config.cache_dir.rstrip("/")
    more = f" and {len(tracked) - 1} more" if len(tracked) > 1 else ""
    return [
        problem(
            "committed-cache",
            tracked[0],
            1,
            f"the build cache {folder}/ is committed to git ({tracked[0]}{more})",
            f"remove it from git with `git rm -r --cached {folder}`: "
            "each build makes its own cache",
        )
    ]


def _check_content_links(root: Path) -> list[Problem]:
    """mkdocs follows symlinks in docs_dir and would publish whatever they point at."""
    out: list[Problem] = []
    base = root / "content"
    if lstat_kind(base) == "symlink":
        return [
            problem(
                "symlink",
                "content",
                1,
                "content/ is a symbolic link",
                "make content/ a real folder",
            )
        ]
    for folder, dirs, files in os.walk(base):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            if path.is_symlink():
                rel = path.relative_to(root).as_posix()
                out.append(
                    problem(
                        "symlink",
                        rel,
                        1,
                        f"{rel} is a symbolic link, which would publish whatever it points at",
                        "replace the link with the file itself",
                    )
                )
    return out


def _load_records(
    root: Path,
    config: ArchiveConfig,
    inspect: Callable[[str], bool],
    verdicts: FileVerdicts | None = None,
    renderer: Renderer | None = None,
) -> tuple[list[Record], set[str], set[str], list[Problem]]:
    records: list[Record] = []
    unreadable: set[str] = set()
    inspected: set[str] = set()
    out: list[Problem] = []
    base = root / "records"
    if lstat_kind(base) != "folder":
        if lstat_kind(base) is not None:
            out.append(
                problem(
                    "symlink" if lstat_kind(base) == "symlink" else "not-a-file",
                    "records",
                    1,
                    "records/ must be a plain folder",
                    "make records/ a real folder",
                )
            )
        return records, unreadable, inspected, out
    names, name_problems = check_names(base, "records", None)
    out.extend(p for p in name_problems)
    for name in names:
        rel = f"records/{name}"
        kind = lstat_kind(base / name)
        if kind != "folder":
            if name in _IGNORED_IN_RECORDS:
                continue
            if kind == "symlink":
                out.append(
                    problem(
                        "symlink",
                        rel,
                        1,
                        f"records/{name} is a symbolic link",
                        "replace it with a real folder",
                        name,
                    )
                )
            else:
                out.append(
                    problem(
                        "extra-file",
                        rel,
                        1,
                        f"{name!r} is not a record folder",
                        "records/ holds one folder per record: move it into one",
                        name,
                    )
                )
            continue
        if not RECORD_ID.fullmatch(name):
            if unportable_reason(name) is None:
                out.append(
                    problem(
                        "invalid-id",
                        rel,
                        1,
                        f"the folder name {name!r} is not a valid record id",
                        "rename the folder: 3 to 64 characters, lowercase letters, digits and -, "
                        "starting and ending with a letter or digit",
                        name,
                    )
                )
            unreadable.add(name)
            continue
        record, problems = _load_record(base / name, name)
        out.extend(problems)
        if record is None:
            unreadable.add(name)
        else:
            records.append(record)
        if inspect(name):
            inspected.add(name)
            folder_names, name_problems = check_names(base / name, rel, name)
            out.extend(name_problems)
            if record is not None:
                out.extend(
                    check_record_files(
                        base / name, record, folder_names, config, verdicts, renderer
                    )
                )
                out.extend(_check_description(record, renderer))
    return records, unreadable, inspected, out


def _check_description(record: Record, renderer: Renderer | None = None) -> list[Problem]:
    """Render the description once, as the site will: what cannot be rendered safely is a
    problem."""
    if not record.description:
        return []
    try:
        (renderer or Renderer()).render(record.description)
    except MarkupLimit as exc:
        return [
            problem(
                "markdown-limit",
                record.yaml_path,
                record.line_of("description"),
                f"the description cannot be rendered safely: {exc.message}",
                exc.fix,
                record.id,
            )
        ]
    return []


def _load_record(folder: Path, rid: str) -> tuple[Record | None, list[Problem]]:
    path = f"records/{rid}/record.yaml"
    text, issue = _read_text(folder / "record.yaml", YAML_LIMIT)
    if issue is not None:
        return None, [problem(issue.code, path, issue.line, issue.message, issue.fix, rid)]
    tree, issues = parse_yaml(text)
    found = [problem(i.code, path, i.line, i.message, i.fix, rid) for i in issues]
    if tree is None and issues:
        return None, found
    record, problems = read_record(rid, tree, path)
    return record, found + problems


def _read_text(path: Path, limit: int) -> tuple[str | None, YamlIssue | None]:
    try:
        data, size = read_bytes(path, limit + 1)
    except NotRegular as exc:
        # Only now find out why (one syscall less per record on the common path).
        kind = lstat_kind(path)
        if kind is None:
            return None, YamlIssue(
                "missing-record-yaml",
                1,
                "the record folder has no record.yaml",
                "add record.yaml describing the record (see the contribute page)",
            )
        if kind == "symlink":
            return None, YamlIssue(
                "symlink", 1, "record.yaml is a symbolic link", "replace it with the file itself"
            )
        if kind != "file":
            return None, YamlIssue(
                "not-a-file", 1, f"record.yaml is a {kind}", "make it a plain text file"
            )
        return None, YamlIssue(
            "not-a-file", 1, f"cannot be read: {exc}", "make it a plain, readable file"
        )
    if size > limit:
        return None, YamlIssue(
            "yaml-too-large",
            1,
            f"the file is {size // 1024} KiB, over the limit of {limit // 1024} KiB",
            "keep long texts in the record's own file",
        )
    return decode_text(data)


def _check_avatars(root: Path, people: list[Person]) -> list[Problem]:
    """A profile's `avatar` must be an image file in content/people/ (JPEG, PNG, GIF, WebP:
    an SVG published beside the pages could run script when opened on its own)."""
    out: list[Problem] = []
    for person in people:
        if person.avatar is None:
            continue
        path = root / "content" / "people" / person.avatar

        def bad(code: str, message: str, fix: str) -> None:
            out.append(problem(code, person.path, person.avatar_line, message, fix))

        kind = lstat_kind(path)
        if kind is None:
            twin = case_twin(path)
            bad(
                "missing-file",
                f"`avatar` names {person.avatar!r}, which is not in content/people/",
                f"did you mean {twin!r}? Names are case-sensitive"
                if twin
                else (
                    "add the image to content/people/ or correct the name "
                    "(names are case-sensitive)"
                ),
            )
        elif kind == "symlink":
            bad(
                "symlink",
                f"{person.avatar!r} is a symbolic link",
                "replace the link with the image itself",
            )
        elif kind != "file":
            bad(
                "not-a-file",
                f"{person.avatar!r} is a {kind}, not a regular file",
                "name an image file",
            )
        else:
            try:
                fmt = sniff.sniff(read_bytes(path, sniff.HEAD_BYTES)[0])
            except (NotRegular, OSError) as exc:
                bad(
                    "not-a-file",
                    f"{person.avatar!r} cannot be read: {exc}",
                    "name a regular, readable image",
                )
                continue
            if fmt.kind is None:
                bad(
                    "unsupported-format",
                    f"`avatar` {person.avatar!r} is {fmt.label}, which is not accepted",
                    fmt.advice or "use a JPEG, PNG, GIF or WebP image",
                )
            elif fmt.kind != "image":
                bad(
                    "wrong-media-type",
                    f"`avatar` {person.avatar!r} is {fmt.label}, not an image",
                    "use a JPEG, PNG, GIF or WebP image",
                )
    return out


def _load_pages(
    root: Path,
    rel: str,
    pattern: re.Pattern[str],
    what: str,
    reader: Callable[..., tuple[Any, list[Problem]]],
) -> tuple[list, list[Problem]]:
    """content/people/*.md or content/collaborations/*.md -> model objects and problems."""
    folder = root / rel
    items: list = []
    out: list[Problem] = []
    if lstat_kind(folder) != "folder":
        return items, out
    names, out = check_names(folder, rel, None)
    for name in names:
        if not name.endswith(".md"):
            continue
        path = f"{rel}/{name}"
        key = name[:-3]
        if not pattern.fullmatch(key):
            out.append(
                problem(
                    "invalid-handle",
                    path,
                    1,
                    f"{key!r} is not a valid {what}",
                    f"rename the file: lowercase letters, digits and - ({what} rules)",
                )
            )
            continue
        kind = lstat_kind(folder / name)
        if kind == "symlink":
            continue  # reported by _check_content_links with every other link under content/
        if kind != "file":
            out.append(
                problem(
                    "not-a-file",
                    path,
                    1,
                    f"{name} is a {kind}, not a plain file",
                    "replace it with a plain Markdown file",
                )
            )
            continue
        text, issue = _read_text(folder / name, PAGE_LIMIT)
        if issue is not None:
            out.append(problem(issue.code, path, issue.line, issue.message, issue.fix))
            continue
        front, body = split_front_matter(text)
        tree = None
        if front is not None:
            tree, issues = parse_yaml(front)
            out.extend(problem(i.code, path, i.line, i.message, i.fix) for i in issues)
            if tree is None and issues:
                continue
        item, problems = reader(key, tree, body, path)
        out.extend(problems)
        if item is not None:
            items.append(item)
    return items, out
