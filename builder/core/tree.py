"""A record's remix lineage as a terminal tree: what it uses, and what uses it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .graph import RemixGraph
from .model import Archive, OutsideSource, Record

MAX_DEPTH = 40


def label(record: Record) -> str:
    flags = [record.type]
    if record.kind == "production":
        flags.insert(0, "production")
    if record.withdrawn:
        flags.append("withdrawn")
    return f"{record.id} — {record.title} ({', '.join(flags)}, {record.license})"


def render_tree(archive: Archive, graph: RemixGraph, record_id: str) -> str:
    record = archive.records[record_id]
    lines = [label(record)]
    up = _branch(archive, record_id, lambda rid: _sources(archive, rid), set())
    down = _branch(archive, record_id, lambda rid: list(graph.remixes.get(rid, ())), set())
    lines.append("├── uses")
    lines.extend("│   " + line for line in (up or ["(nothing: an original work)"]))
    lines.append("└── used by")
    lines.extend("    " + line for line in (down or ["(nothing yet)"]))
    return "\n".join(lines) + "\n"


def _sources(archive: Archive, rid: str) -> list[str | OutsideSource]:
    return [s if isinstance(s, OutsideSource) else s.id for s in archive.records[rid].sources]


def _branch(
    archive: Archive,
    rid: str,
    children: Callable[[str], Sequence[str | OutsideSource]],
    seen: set[str],
    depth: int = 0,
) -> list[str]:
    """Lines for the children of `rid`; a record met before is named, not expanded again
    (lineages are DAGs: the same ancestor can be reached by several paths)."""
    if depth >= MAX_DEPTH:
        return ["…"]
    items = children(rid)
    lines: list[str] = []
    for i, child in enumerate(items):
        last = i == len(items) - 1
        head, pad = ("└── ", "    ") if last else ("├── ", "│   ")
        if isinstance(child, OutsideSource):
            lines.append(f"{head}“{child.title}” by {child.author} (outside work, {child.license})")
            continue
        if child not in archive.records:
            lines.append(f"{head}{child} (missing)")
            continue
        if child in seen:
            lines.append(f"{head}{child} (shown above)")
            continue
        seen.add(child)
        lines.append(head + label(archive.records[child]))
        lines.extend(pad + line for line in _branch(archive, child, children, seen, depth + 1))
    return lines
