"""Bounded lineage trees (core.lineage_tree), the paged lineage page's plan, and credits, over
random remix graphs, against small independent oracles."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.core.credits import credits_of
from builder.core.graph import RemixGraph
from builder.core.lineage_tree import Node, bounded_tree, lineage_pages
from builder.core.model import Archive, OutsideSource
from builder.core.tree import down_tree, render_tree, up_tree
from tests.unit.test_credits import rec

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def dags(draw) -> Archive:
    """Up to 40 records, each using some of those before it (and now and then an outside
    work), by a handful of people."""
    n = draw(st.integers(1, 40))
    records = []
    for i in range(n):
        earlier = [f"r{j:02d}" for j in range(i)]
        sources: list = draw(st.lists(st.sampled_from(earlier), max_size=8)) if earlier else []
        if draw(st.integers(0, 9)) == 0:
            sources.append(OutsideSource(f"w{i % 3}", "X", f"https://e.org/{i % 3}", "CC0-1.0", 1))
        people = [(f"p{draw(st.integers(0, 6))}", "writer", None)]
        records.append(rec(f"r{i:02d}", people, list(dict.fromkeys(sources))))
    return Archive.of(records)


def reach(start: str, edges) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        for other in edges.get(stack.pop(), ()):
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen - {start}


def walk(nodes: tuple[Node, ...]):
    for n in nodes:
        yield n
        yield from walk(n.children)


@PROPS
@given(dags(), st.integers(1, 70), st.integers(1, 14))
def test_bounded_trees_draw_each_record_once_within_the_bound(archive, bound, generations):
    graph = RemixGraph.of(archive)
    for rid in archive.records:
        for up in (True, False):
            lineage = graph.ancestors(rid) if up else graph.descendants(rid)
            tree = bounded_tree(
                rid,
                (lambda r: graph.sources[r]) if up else (lambda r: graph.remixes[r]),
                lineage,
                bound,
                generations,
            )
            nodes = list(walk(tree.nodes))
            assert len(nodes) == tree.size <= bound
            drawn = [n.record for n in nodes if n.again is None]
            assert len(drawn) == len(set(drawn)) == len(tree.drawn)
            assert set(drawn) | set(tree.rest) == set(lineage) and not set(drawn) & set(tree.rest)
            for n in nodes:  # a reference names a record drawn in this tree, and where
                assert n.again is None or (n.record in drawn and not n.children)
            if len(lineage) <= bound and generations >= len(graph.generations(rid, up)):
                assert tree.complete or tree.size == bound


@PROPS
@given(dags(), st.integers(1, 30))
def test_the_lineage_pages_list_every_ancestor_and_descendant_exactly_once(archive, size):
    graph = RemixGraph.of(archive)
    for rid in archive.records:
        pages = lineage_pages(graph.generations(rid), graph.generations(rid, False), size)
        listed_up = [x for p in pages for _, ids in p.up for x in ids]
        listed_down = [x for p in pages for _, ids in p.down for x in ids]
        assert sorted(listed_up) == sorted(reach(rid, graph.sources))
        assert sorted(listed_down) == sorted(reach(rid, graph.remixes))
        assert all(sum(len(ids) for _, ids in (*p.up, *p.down)) <= size for p in pages)
        assert [p.number for p in pages] == list(range(1, len(pages) + 1))


@PROPS
@given(dags())
def test_credits_are_the_people_of_the_whole_ancestry_exactly(archive):
    """The oracle: everyone on the record or anything it reaches, with those records."""
    graph = RemixGraph.of(archive)
    for rid, record in archive.records.items():
        lineage = {rid} | reach(rid, graph.sources)
        expected: dict[str, set[str]] = {}
        for x in lineage:
            for c in archive.records[x].contributors:
                expected.setdefault(c.handle, set()).add(x)
        credits = credits_of(archive, graph, rid)
        got = {p.handle: {r.id for r in p.records} for p in credits.people}
        assert got == expected
        outside = {
            (s.title, s.url)
            for x in lineage
            for s in archive.records[x].sources
            if isinstance(s, OutsideSource)
        }
        assert {(o.title, o.url) for o in credits.outside} == outside
        assert credits.people[0].handle in {c.handle for c in record.contributors}


def dense(n: int, k: int) -> Archive:
    return Archive.of(
        [
            rec(
                f"r{i:04d}",
                [(f"p{i % 7}", "writer", None)],
                [f"r{j:04d}" for j in range(max(0, i - k), i)],
            )
            for i in range(n)
        ]
    )


def test_a_dense_lineage_is_drawn_nearest_first_and_the_rest_counted():
    archive = dense(200, 30)
    graph = RemixGraph.of(archive)
    up = up_tree(archive, graph, "r0199")
    assert up.size == 60 and len(up.drawn) == 60
    # the 30 sources first, then the generation before them: nearest first
    assert [n.record for n in up.nodes] == [f"r{j:04d}" for j in range(169, 199)]
    assert set(up.drawn) == {f"r{j:04d}" for j in range(139, 199)}
    assert len(up.rest) == 199 - 60 and not up.complete
    down = down_tree(graph, "r0000")
    assert down.size <= 60 and len(down.rest) == 199 - len(down.drawn)
    text = render_tree(archive, graph, "r0199")
    assert "… and 139 more records by 7 people" in text
    assert len(text.splitlines()) < 200
    assert text.count("r0170 — ") == 1  # each record once per direction


def test_a_reference_counts_and_says_where_the_record_is():
    diamond = Archive.of(
        [rec("a", []), rec("b", [], ["a"]), rec("c", [], ["a"]), rec("d", [], ["b", "c"])]
    )
    tree = up_tree(diamond, RemixGraph.of(diamond), "d")
    b, c = tree.nodes
    assert b.children == (Node("a"),) and c.children == (Node("a", again="b"),)
    assert tree.size == 4 and tree.complete
    tight = bounded_tree("d", lambda r: RemixGraph.of(diamond).sources[r], ["b", "c", "a"], 3)
    assert tight.size == 3 and tight.complete  # records first: the reference is left out
    assert tight.nodes[1].more == 1  # and c says one of its sources is not drawn there
