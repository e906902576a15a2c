"""The remix graph: records as nodes, `sources` as edges from a remix to what it uses.

All traversals are iterative (lineages can be thousands deep in a large archive)
and visit nodes in sorted order so every output built on them is deterministic. A record's
ancestors and descendants are walked once per graph and kept (credits, license rules, pages
and the catalog all ask): the work grows with records and links, not with the askers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, TypeVar

from .model import Archive

T = TypeVar("T")


@dataclass(frozen=True)
class RemixGraph:
    sources: Mapping[str, tuple[str, ...]]  # id -> record ids it uses (existing records only)
    remixes: Mapping[str, tuple[str, ...]]  # id -> record ids that use it
    # (direction, id) -> the walk: ids nearest first, and where each generation ends
    _walks: dict[tuple[bool, str], tuple[tuple[str, ...], tuple[int, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _facts: dict[tuple, Any] = field(default_factory=dict, compare=False, repr=False)

    def remember(self, key: tuple, make: Callable[[], T]) -> T:
        """A fact derived from this graph and the archive it was made of (a record's bounded
        tree, the people of its lineage), made once however many pages ask for it."""
        if key not in self._facts:
            self._facts[key] = make()
        return self._facts[key]

    def known(self, key: tuple) -> bool:
        return key in self._facts

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
        return list(self._walk(True, record_id)[0])

    def descendants(self, record_id: str) -> list[str]:
        """Everything that uses `record_id`, directly or through other records."""
        return list(self._walk(False, record_id)[0])

    def generations(self, record_id: str, up: bool = True) -> tuple[tuple[str, ...], ...]:
        """The ancestors (up) or descendants, by generation: its sources (or remixes) first,
        then theirs; each record once, in the generation nearest to `record_id`."""
        order, ends = self._walk(up, record_id)
        return tuple(order[a:b] for a, b in zip((0, *ends), ends))

    def _walk(self, up: bool, record_id: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        key = (up, record_id)
        if key not in self._walks:
            edges = self.sources if up else self.remixes
            masks = self.remember(("masks", up), lambda: _Masks.of(edges))
            self._walks[key] = (
                masks.walk(record_id, edges) if masks.dense else _walk(record_id, edges)
            )
        return self._walks[key]

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


def _walk(
    start: str, edges: Mapping[str, tuple[str, ...]]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Breadth-first from `start`: the ids reached, and the end of each generation."""
    seen = {start}
    order: list[str] = []
    ends: list[int] = []
    frontier = [start]
    while frontier:
        nxt: list[str] = []
        for node in frontier:
            for other in edges.get(node, ()):
                if other not in seen:
                    seen.add(other)
                    order.append(other)
                    nxt.append(other)
        if nxt:
            ends.append(len(order))
        frontier = nxt
    return tuple(order), tuple(ends)


# Records use this many others each, on average, or more: a dense graph, walked by sets of bits.
DENSE = 8


@dataclass(frozen=True)
class _Masks:
    """One direction of the graph as sets of bits (Python ints), for dense graphs: there a
    walk meets each record through dozens of edges, nearly all leading to records already
    met, and `next & unseen` answers for all of a record's edges at once."""

    dense: bool
    position: Mapping[str, int]  # id -> its bit (ids sorted)
    ids: tuple[str, ...]  # bit -> id
    next: Mapping[str, int]  # id -> the bits of the records its edges lead to
    ascending: frozenset[str]  # ids whose edges are in the order of their bits

    @staticmethod
    def of(edges: Mapping[str, tuple[str, ...]]) -> _Masks:
        ids = tuple(sorted(edges))
        links = sum(len(e) for e in edges.values())
        if links < DENSE * len(ids):
            return _Masks(False, {}, ids, {}, frozenset())
        position = {rid: i for i, rid in enumerate(ids)}
        nexts: dict[str, int] = {}
        ascending = set()
        for rid, targets in edges.items():
            places = [position[t] for t in targets]
            nexts[rid] = sum(1 << p for p in set(places))
            if places == sorted(places):
                ascending.add(rid)
        return _Masks(True, position, ids, nexts, frozenset(ascending))

    def walk(
        self, start: str, edges: Mapping[str, tuple[str, ...]]
    ) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """What _walk gives, in the same order: each frontier record's new edges in their own
        order (by their bits when they are in that order; else by going through them)."""
        ids, nexts, ascending, position = self.ids, self.next, self.ascending, self.position
        if start not in position:
            return _walk(start, edges)
        seen = 1 << position[start]
        order: list[str] = []
        ends: list[int] = []
        frontier = [start]
        while frontier:
            nxt: list[str] = []
            for node in frontier:
                reach = nexts[node]
                new = reach ^ (reach & seen)
                if not new:
                    continue
                seen |= new
                if not new & (new - 1):  # one record
                    nxt.append(ids[new.bit_length() - 1])
                elif node in ascending:
                    while new:
                        low = new & -new
                        nxt.append(ids[low.bit_length() - 1])
                        new ^= low
                else:
                    for other in edges[node]:
                        bit = 1 << position[other]
                        if new & bit:
                            nxt.append(other)
                            new ^= bit
                            if not new:
                                break
            if nxt:
                order.extend(nxt)
                ends.append(len(order))
            frontier = nxt
        return tuple(order), tuple(ends)


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
