"""The remix graph: records as nodes, `sources` as edges from a remix to what it uses.

All traversals are iterative (lineages can be thousands deep in a large archive)
and visit nodes in sorted order so every output built on them is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping

from .model import Archive


@dataclass(frozen=True)
class RemixGraph:
    sources: Mapping[str, tuple[str, ...]]  # id -> record ids it uses (existing records only)
    remixes: Mapping[str, tuple[str, ...]]  # id -> record ids that use it

    @staticmethod
    def of(archive: Archive) -> RemixGraph:
        sources: dict[str, tuple[str, ...]] = {}
        remixes: dict[str, list[str]] = {rid: [] for rid in archive.records}
        for rid, record in archive.records.items():
            used = tuple(
                dict.fromkeys(s.id for s in record.record_sources if s.id in archive.records)
            )
            sources[rid] = used
            for parent in used:
                remixes[parent].append(rid)
        return RemixGraph(
            MappingProxyType(sources),
            MappingProxyType({k: tuple(sorted(v)) for k, v in remixes.items()}),
        )

    def ancestors(self, record_id: str) -> list[str]:
        """Everything `record_id` uses, directly or through other records (breadth-first)."""
        return _walk(record_id, self.sources)

    def descendants(self, record_id: str) -> list[str]:
        """Everything that uses `record_id`, directly or through other records."""
        return _walk(record_id, self.remixes)

    def descendants_of_all(self, ids: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        stack = [i for i in ids if i in self.remixes]
        while stack:
            node = stack.pop()
            for child in self.remixes.get(node, ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen

    def cycles(self) -> list[list[str]]:
        """Each remix loop as a list of ids, starting at its smallest id (Tarjan, iterative)."""
        loops = []
        for component in _strongly_connected(self.sources):
            if len(component) > 1 or component[0] in self.sources.get(component[0], ()):
                loops.append(_loop_path(sorted(component), self.sources))
        return sorted(loops)


def _walk(start: str, edges: Mapping[str, tuple[str, ...]]) -> list[str]:
    seen = {start}
    order: list[str] = []
    frontier = [start]
    while frontier:
        nxt: list[str] = []
        for node in frontier:
            for other in edges.get(node, ()):
                if other not in seen:
                    seen.add(other)
                    order.append(other)
                    nxt.append(other)
        frontier = nxt
    return order


def _strongly_connected(edges: Mapping[str, tuple[str, ...]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(component)
    return result


def _loop_path(component: list[str], edges: Mapping[str, tuple[str, ...]]) -> list[str]:
    """A concrete loop through the component, from its smallest id back to it."""
    members = set(component)
    start = component[0]
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for child in sorted(edges.get(node, ())):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return list(reversed(path))
                if child in members and child not in parent:
                    parent[child] = node
                    nxt.append(child)
        frontier = nxt
    return component
