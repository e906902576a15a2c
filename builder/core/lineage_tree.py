"""One direction of a record's lineage as a bounded tree: what a page or a terminal draws.

A dense archive has far more paths through its remix graph than records: drawing a record
once per path made pages of megabytes. Here every record is drawn at most once per
direction, nearest generations first (breadth-first), and at most `bound` nodes in all;
a record met again is a reference to where it is drawn, not a second subtree. What the
bound leaves out is listed by `rest` (the full lineage page lists it).

Pure: the caller says what follows a record (`next_of`) and which records the lineage
holds, by generation (RemixGraph.generations).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from .model import OutsideSource

BOUND = 60  # nodes drawn per direction, at most
MAX_GENERATIONS = 12  # deeper is the lineage page's: a phone cannot indent further

Step = str | OutsideSource  # a record's id, or a work from outside the archive


@dataclass(frozen=True)
class Node:
    """A record (`record`), an outside work (`outside`), or a reference to a record drawn
    elsewhere in the same tree (`again`: the record it is drawn under, "" for the root)."""

    record: str | None
    outside: OutsideSource | None = None
    children: tuple[Node, ...] = ()
    again: str | None = None
    more: int = 0  # what follows this record that the bound leaves undrawn here


@dataclass(frozen=True)
class Bounded:
    nodes: tuple[Node, ...]  # the root's children
    drawn: tuple[str, ...]  # records drawn (not counting references), nearest first
    rest: tuple[str, ...]  # records of the lineage not drawn, nearest first
    size: int  # every node drawn: records, references and outside works
    more: int = 0  # the root's own steps left undrawn

    @property
    def complete(self) -> bool:
        return not self.rest


# A step drawn under a record: (its place among the record's steps, to draw in the record's
# own order; the step; whether it is a record met again, drawn as a reference).
_Entry = tuple[int, Step, bool]


def bounded_tree(
    root: str,
    next_of: Callable[[str], Sequence[Step]],
    lineage: Sequence[str],
    bound: int = BOUND,
    generations: int = MAX_GENERATIONS,
) -> Bounded:
    """The tree of `root` in one direction. `next_of` gives a record's steps (existing
    records and outside works, in their order); `lineage` every record reachable from the
    root, nearest first. Work is bounded by the nodes drawn and their steps."""
    memo: dict[str, Sequence[Step]] = {}

    def steps_of(rid: str) -> Sequence[Step]:
        if rid not in memo:
            memo[rid] = next_of(rid)
        return memo[rid]

    placed: dict[str, str] = {root: ""}  # record -> the record it is drawn under
    entries: dict[str, list[_Entry]] = {root: []}
    outside_seen: set[tuple[str, str]] = set()
    budget = bound
    frontier = [root]
    depth = 0
    again: list[tuple[str, _Entry]] = []  # records met again, nearest first
    while frontier and budget and depth < generations:
        nxt: list[str] = []
        for parent in frontier:
            if not budget:
                break
            drawn = entries[parent]
            steps = steps_of(parent)
            todo: Iterable[tuple[int, Step]] = enumerate(steps)
            if len(again) >= budget:
                # No more references can be drawn (the room only shrinks): only the steps
                # not placed yet matter, picked out in C, each at its place among the steps.
                todo = [(steps.index(s), s) for s in [s for s in steps if s not in placed]]
            for i, step in todo:
                if not budget:
                    break
                if isinstance(step, OutsideSource):
                    key = (step.title, step.url)
                    if key in outside_seen:
                        continue  # an outside work is named once, where first met
                    outside_seen.add(key)
                elif step in placed:
                    # Only the first references the bound leaves room for are drawn (below),
                    # and the room only shrinks: in a dense lineage almost every step meets a
                    # record again, and those past the room are not even kept.
                    if len(again) < budget:
                        again.append((parent, (i, step, True)))
                    continue
                else:
                    placed[step] = parent
                    entries[step] = []
                    nxt.append(step)
                drawn.append((i, step, False))
                budget -= 1
        frontier = nxt
        depth += 1
    # References only with what the records left of the bound: a reference costs as much
    # as a record, and in a dense lineage almost every step meets a record again.
    for parent, entry in again[:budget]:
        entries[parent].append(entry)
    nodes = _nodes(root, steps_of, entries, placed)
    drawn_ids = tuple(rid for rid in placed if rid != root)
    rest = tuple(rid for rid in lineage if rid not in placed)
    size = sum(len(e) for e in entries.values())  # (<= bound)
    return Bounded(nodes, drawn_ids, rest, size, _more(root, steps_of, entries))


def _nodes(
    rid: str,
    next_of: Callable[[str], Sequence[Step]],
    entries: dict[str, list[_Entry]],
    placed: dict[str, str],
) -> tuple[Node, ...]:
    # Depth is at most MAX_GENERATIONS-ish (the caller's bound): recursion is safe here.
    out = []
    mine = entries[rid]
    # In the record's own order (references were added after its records and outside works).
    for _, step, again in sorted(mine, key=itemgetter(0)) if len(mine) > 1 else mine:
        if again:
            out.append(Node(step, again=placed[step]))
        elif isinstance(step, OutsideSource):
            out.append(Node(None, outside=step))
        else:
            kids = _nodes(step, next_of, entries, placed) if entries[step] else ()
            out.append(Node(step, children=kids, more=_more(step, next_of, entries)))
    return tuple(out)


def _more(
    rid: str, next_of: Callable[[str], Sequence[Step]], entries: dict[str, list[_Entry]]
) -> int:
    return len(next_of(rid)) - len(entries[rid])


# --- the full lineage page, paged --------------------------------------------------------

PAGE_SIZE = 1000  # records listed per lineage page (a page of ~80 KB)

Generations = tuple[tuple[int, tuple[str, ...]], ...]  # (generation from 1, record ids)


@dataclass(frozen=True)
class ListedPage:
    """One page of a full lineage: ancestors, then descendants, by generation (what does not
    fit continues on the next page, a generation split where it must be)."""

    number: int  # from 1
    up: Generations
    down: Generations


def lineage_pages(
    up: Sequence[Sequence[str]], down: Sequence[Sequence[str]], size: int = PAGE_SIZE
) -> tuple[ListedPage, ...]:
    """Ancestors then descendants (RemixGraph.generations) cut into pages of `size` records,
    each record listed once per direction. At least one page, even when both are empty."""
    pages: list[ListedPage] = []
    current: dict[bool, list[tuple[int, tuple[str, ...]]]] = {True: [], False: []}
    room = size
    for is_up, gens in ((True, up), (False, down)):
        for g, ids in enumerate(gens, 1):
            rest = tuple(ids)
            while rest:
                take, rest = rest[:room], rest[room:]
                current[is_up].append((g, take))
                room -= len(take)
                if not room:
                    pages.append(ListedPage(len(pages) + 1, *_page(current)))
                    current, room = {True: [], False: []}, size
    if current[True] or current[False] or not pages:
        pages.append(ListedPage(len(pages) + 1, *_page(current)))
    return tuple(pages)


def _page(current: dict[bool, list[tuple[int, tuple[str, ...]]]]) -> tuple[Generations, ...]:
    return tuple(current[True]), tuple(current[False])


def first_page(pages: Sequence[ListedPage], up: bool) -> int:
    """The number of the first page listing a direction (1 when it has none)."""
    return next((p.number for p in pages if (p.up if up else p.down)), 1)
