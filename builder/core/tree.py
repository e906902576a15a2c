"""A record's remix lineage as a terminal tree: what it uses, and what uses it.

The same bounded trees as a record page (core.lineage_tree): each record once per
direction, nearest generations first, at most BOUND nodes; the rest is counted.
"""

from __future__ import annotations

from collections.abc import Sequence

from .graph import RemixGraph
from .lineage_tree import BOUND, MAX_GENERATIONS, Bounded, Node, Step, bounded_tree
from .model import Archive, OutsideSource, Record


def label(record: Record) -> str:
    flags = [record.type]
    if record.kind == "production":
        flags.insert(0, "production")
    if record.withdrawn:
        flags.append("withdrawn")
    return f"{record.id} — {record.title} ({', '.join(flags)}, {record.license})"


def up_tree(archive: Archive, graph: RemixGraph, record_id: str) -> Bounded:
    """What the record uses, up to outside works (missing records are left out)."""
    return graph.remember(("up-tree", record_id), lambda: _up_tree(archive, graph, record_id))


def _up_tree(archive: Archive, graph: RemixGraph, record_id: str) -> Bounded:

    def sources(rid: str) -> Sequence[Step]:
        used = graph.sources.get(rid, ())
        if len(used) == len(archive.records[rid].sources):
            return used  # records only, all there, each once: the graph has them in order
        return [
            s if isinstance(s, OutsideSource) else s.id
            for s in archive.records[rid].sources
            if isinstance(s, OutsideSource) or s.id in archive.records
        ]

    return bounded_tree(record_id, sources, graph.ancestors(record_id))


def down_tree(graph: RemixGraph, record_id: str) -> Bounded:
    """What uses the record, and what uses those."""
    return graph.remember(
        ("down-tree", record_id),
        lambda: bounded_tree(
            record_id, lambda rid: graph.remixes.get(rid, ()), graph.descendants(record_id)
        ),
    )


def render_tree(archive: Archive, graph: RemixGraph, record_id: str) -> str:
    record = archive.records[record_id]
    lines = [label(record)]
    up = _branch(archive, up_tree(archive, graph, record_id), "(nothing: an original work)")
    down = _branch(archive, down_tree(graph, record_id), "(nothing yet)")
    lines.append("├── uses")
    lines.extend("│   " + line for line in up)
    lines.append("└── used by")
    lines.extend("    " + line for line in down)
    return "\n".join(lines) + "\n"


def _branch(archive: Archive, tree: Bounded, empty: str) -> list[str]:
    lines = _lines(archive, tree.nodes, tree.more)
    if tree.rest:
        people = {c.handle for rid in tree.rest for c in archive.records[rid].contributors}
        lines.append(
            f"… and {_count(len(tree.rest), 'more record')} by "
            f"{_count(len(people), 'person', 'people')} (not drawn: at most {BOUND} "
            f"nodes and {MAX_GENERATIONS} generations per direction)"
        )
    return lines or [empty]


def _lines(archive: Archive, nodes: tuple[Node, ...], more: int) -> list[str]:
    lines: list[str] = []
    for i, node in enumerate(nodes):
        last = i == len(nodes) - 1 and not more
        head, pad = ("└── ", "    ") if last else ("├── ", "│   ")
        if node.outside is not None:
            o = node.outside
            lines.append(f"{head}“{o.title}” by {o.author} (outside work, {o.license})")
        elif node.again is not None:
            where = f"under {node.again}" if node.again else "at the top"
            lines.append(f"{head}{node.record} (shown {where})")
        else:
            assert node.record is not None
            lines.append(head + label(archive.records[node.record]))
            lines.extend(pad + line for line in _lines(archive, node.children, node.more))
    if more:
        lines.append(f"└── … {more} more not drawn here")
    return lines


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
