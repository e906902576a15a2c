"""Cross-record rules on plain data: references, loops and lineage licensing."""

import datetime as dt

from builder.core.graph import RemixGraph
from builder.core.licenses import DEFAULT_ALLOWED
from builder.core.model import (
    Archive,
    Collaboration,
    Contributor,
    OutsideSource,
    Record,
    RecordSource,
)
from builder.core.rules import check_cycles, check_licenses, check_references


def rec(rid, license="CC-BY-4.0", sources=(), collaboration=None):
    srcs = tuple(s if isinstance(s, OutsideSource) else RecordSource(s, 9) for s in sources)
    return Record(
        id=rid,
        title=rid,
        type="text",
        file="a.md",
        contributors=(Contributor("ana", "writer"),),
        license=license,
        created=dt.date(2024, 1, 1),
        sources=srcs,
        collaboration=collaboration,
        lines={"license": 5, "collaboration": 7},
    )


def run(
    *records,
    collabs=(),
    allowed=DEFAULT_ALLOWED + ("CC-BY-SA-3.0",),
    deleted=frozenset(),
    unreadable=frozenset(),
):
    archive = Archive.of(list(records), [], list(collabs), unreadable)
    graph = RemixGraph.of(archive)
    found = (
        check_references(archive, deleted)
        + check_cycles(archive, graph)
        + check_licenses(archive, graph, allowed)
    )
    return sorted((p.record, p.code, p.line) for p in found), found


def test_clean_lineage():
    assert run(rec("a"), rec("b", sources=["a"]), rec("c", sources=["b", "a"]))[0] == []


def test_unknown_deleted_and_duplicate_sources():
    got, found = run(
        rec("a", sources=["ghost", "b", "b"]),
        rec("b"),
        rec("c", sources=["gone"]),
        deleted=frozenset({"gone"}),
    )
    assert got == [
        ("a", "duplicate-source", 9),
        ("a", "unknown-source", 9),
        ("c", "deleted-record", 9),
    ]
    assert "withdraw it instead" in next(p.fix for p in found if p.code == "deleted-record")


def test_unreadable_records_are_not_unknown():
    assert run(rec("a", sources=["broken"]), unreadable=frozenset({"broken"}))[0] == []


def test_collaborations():
    c = Collaboration("night", "content/collaborations/night.md", "Night", "open")
    assert run(rec("a", collaboration="night"), collabs=[c])[0] == []
    got, found = run(rec("a", collaboration="nigth"), collabs=[c])
    assert got == [("a", "unknown-collaboration", 7)] and "did you mean 'night'?" in found[0].fix


def test_cycle_reported_at_every_member_and_no_license_noise():
    got, found = run(rec("a", "CC-BY-SA-4.0", ["b"]), rec("b", "CC-BY-4.0", ["a"]))
    assert got == [("a", "remix-cycle", 9), ("b", "remix-cycle", 9)]
    assert "a → b → a" in found[0].message


def test_license_rules_hold_across_the_whole_lineage():
    # grandparent NC, parent wrongly BY: the child is still an adaptation of the NC work
    got, found = run(
        rec("gp", "CC-BY-NC-4.0"), rec("p", "CC-BY-4.0", ["gp"]), rec("c", "CC-BY-4.0", ["p"])
    )
    assert got == [("c", "license-nc-required", 5), ("p", "license-nc-required", 5)]
    child = next(p for p in found if p.record == "c")
    assert "'gp' (CC-BY-NC-4.0) (through 'p')" in child.message


def test_outside_sources_count_like_records():
    sa_photo = OutsideSource("Sea", "Bo", "https://example.org/sea", "CC-BY-SA-3.0", 12)
    assert run(rec("a", "CC-BY-SA-4.0", [sa_photo]))[0] == []
    assert run(rec("a", "CC-BY-4.0", [sa_photo]))[0] == [("a", "license-sa-mismatch", 5)]
    nd = OutsideSource("Still", "Cy", "https://example.org/x", "CC-BY-ND-4.0", 12)
    assert run(rec("a", "CC-BY-4.0", [nd]))[0] == [("a", "license-nd-source", 5)]
    gpl = OutsideSource("Code", "Dee", "https://example.org/c", "GPL-3.0", 13)
    assert run(rec("a", "CC-BY-4.0", [gpl]))[0] == [("a", "unknown-license", 13)]


def test_conflicts_and_allowed_list():
    got, _ = run(
        rec("sa", "CC-BY-SA-4.0"),
        rec("nc", "CC-BY-NC-4.0"),
        rec("mix", "CC-BY-SA-4.0", ["sa", "nc"]),
    )
    assert got == [("mix", "license-conflict", 5)]
    got, found = run(rec("a", "CC-BY-4"))
    assert got == [("a", "license-not-allowed", 5)] and "did you mean `CC-BY-4.0`?" in found[0].fix
    assert run(rec("a", "CC-BY-SA-3.0"), allowed=DEFAULT_ALLOWED)[0] == [
        ("a", "license-not-allowed", 5)
    ]


def test_long_chains_are_linear():
    records = [rec("n0000", "CC-BY-NC-SA-4.0")] + [
        rec(f"n{i:04d}", "CC-BY-NC-SA-4.0", [f"n{i - 1:04d}"]) for i in range(1, 3000)
    ]
    records.append(rec("tail", "CC-BY-4.0", ["n2999"]))
    got, _ = run(*records)
    assert got == [("tail", "license-sa-mismatch", 5)]
