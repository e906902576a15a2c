import datetime as dt

from builder.core.graph import RemixGraph
from builder.core.model import Archive, Contributor, Record, RecordSource


def rec(rid, *sources):
    return Record(
        id=rid,
        title=rid,
        type="text",
        file="a.md",
        contributors=(Contributor("ana", "writer"),),
        license="CC-BY-4.0",
        created=dt.date(2024, 1, 1),
        sources=tuple(RecordSource(s, 1) for s in sources),
    )


def graph(*records):
    return RemixGraph.of(Archive.of(list(records)))


def test_ancestors_and_descendants_link_both_ways():
    g = graph(rec("a"), rec("b", "a"), rec("c", "b"), rec("d", "a", "c"))
    assert g.ancestors("d") == ["a", "c", "b"]
    assert sorted(g.descendants("a")) == ["b", "c", "d"]
    assert g.remixes["a"] == ("b", "d")
    assert g.cycles() == []


def test_unknown_sources_are_not_edges():
    g = graph(rec("a", "ghost"))
    assert g.sources["a"] == ()


def test_cycles_are_found_with_a_concrete_path():
    g = graph(rec("a", "c"), rec("b", "a"), rec("c", "b"), rec("x", "x"), rec("y"))
    assert g.cycles() == [["a", "c", "b"], ["x"]]  # a uses c, c uses b, b uses a


def test_deep_lineage_does_not_recurse():
    records = [rec("n0000")] + [rec(f"n{i:04d}", f"n{i - 1:04d}") for i in range(1, 5000)]
    g = graph(*records)
    assert len(g.ancestors("n4999")) == 4999
    assert len(g.descendants("n0000")) == 4999
    assert g.cycles() == []


def test_a_dense_graph_is_walked_by_bits_in_the_same_order():
    import random

    from builder.core.graph import DENSE, _walk

    rng = random.Random(17)
    walked_by_bits = 0
    for _ in range(60):
        n = rng.randint(2, 40)
        ids = [f"r{i:02d}" for i in range(n)]
        # Sources in any order, loops and self-references included (check reports those).
        records = [
            rec(r, *rng.sample(ids, rng.randint(DENSE, max(DENSE, n)) % (n + 1))) for r in ids
        ]
        g = graph(*records)
        for up, edges in ((True, g.sources), (False, g.remixes)):
            dense = sum(map(len, edges.values())) >= DENSE * len(edges)
            for r in ids:
                assert (g.ancestors(r) if up else g.descendants(r)) == list(_walk(r, edges)[0])
                gens = g.generations(r, up)
                assert [x for gen in gens for x in gen] == list(_walk(r, edges)[0])
            walked_by_bits += g.remember(("masks", up), lambda: None).dense
            assert g.remember(("masks", up), lambda: None).dense == dense
    assert walked_by_bits > 20
    assert graph(rec("a")).ancestors("nobody") == []
