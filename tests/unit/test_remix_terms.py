"""Which licenses a remix may carry (builder/core/remix.py), from plain data: the rule check
applies, so the page, `new --source` and `check` agree."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.core.graph import RemixGraph
from builder.core.licenses import DEFAULT_ALLOWED, Inherited, judge_adaptation, lookup
from builder.core.model import Archive, Contributor, OutsideSource, Record, RecordSource
from builder.core.remix import (
    RemixRules,
    cannot_remix,
    commercial_note,
    license_for,
    must_carry,
    remix_ancestry,
    remix_terms,
    with_sources,
)


def inherit(*spdx: str) -> list[Inherited]:
    return [Inherited(f"'src-{i}'", lookup(s), None) for i, s in enumerate(spdx)]


def terms(*spdx: str, allowed: tuple[str, ...] = DEFAULT_ALLOWED):
    return remix_terms(inherit(*spdx), allowed)


def test_sharealike_source_allows_only_its_own_license():
    t = terms("CC-BY-SA-4.0")
    assert t.licenses == ("CC-BY-SA-4.0",)
    assert must_carry(t) == "a remix of this must be CC BY-SA 4.0"
    assert license_for(t, None) == ("CC-BY-SA-4.0", None)


def test_older_sharealike_allows_the_same_or_a_later_version():
    t = terms("CC-BY-SA-3.0", allowed=("CC-BY-SA-2.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0"))
    assert t.licenses == ("CC-BY-SA-3.0", "CC-BY-SA-4.0")
    assert must_carry(t) == "a remix of this must be CC BY-SA 3.0 or CC BY-SA 4.0"
    assert license_for(t, None) == (None, None)  # two are possible: the contributor chooses


def test_noncommercial_source_keeps_nc_and_says_so():
    t = terms("CC-BY-NC-4.0")
    assert t.licenses == ("CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-4.0")
    sentence = must_carry(t)
    assert "non-commercial" in sentence and "CC BY-NC 4.0" in sentence
    assert "CC BY 4.0," not in sentence
    assert "used commercially" in commercial_note(t)
    assert commercial_note(terms("CC-BY-4.0")) == ""


def test_nc_sharealike_needs_exactly_nc_sa():
    t = terms("CC-BY-NC-SA-4.0")
    assert t.licenses == ("CC-BY-NC-SA-4.0",)
    assert commercial_note(t)


def test_attribution_source_forbids_only_the_public_domain():
    t = terms("CC-BY-4.0")
    assert "CC0-1.0" not in t.licenses
    assert set(t.licenses) == set(DEFAULT_ALLOWED) - {"CC0-1.0"}
    assert "credit" in must_carry(t)


def test_cc0_source_allows_every_license_of_the_archive():
    t = terms("CC0-1.0")
    assert t.licenses == DEFAULT_ALLOWED
    assert must_carry(t) == "a remix of this may carry any license this archive accepts"
    assert license_for(t, "CC0-1.0") == ("CC0-1.0", None)


@pytest.mark.parametrize("nd", ["CC-BY-ND-4.0", "CC-BY-NC-ND-4.0"])
def test_noderivatives_cannot_be_remixed_and_says_why(nd):
    t = terms(nd)
    assert not t.open and t.licenses == () and t.noderivatives
    why = cannot_remix(t)
    assert "cannot be remixed" in why and "NoDerivatives" in why and "'src-0'" in why
    assert cannot_remix(t, own="src-0").startswith("it cannot be remixed: it is under")
    assert must_carry(t) == why
    assert license_for(t, "CC-BY-4.0")[1] == why


def test_two_sources_whose_rules_conflict_cannot_be_combined():
    t = terms("CC-BY-SA-4.0", "CC-BY-NC-4.0")
    assert not t.open and t.refusal.code == "license-conflict"
    assert "no remix may use them together" in cannot_remix(t)


def test_archive_that_accepts_no_fitting_license():
    t = terms("CC-BY-SA-4.0", allowed=("CC0-1.0", "CC-BY-4.0"))
    assert not t.open and t.refusal.code == "license-sa-mismatch"
    assert "does not accept" in cannot_remix(t)


def test_a_requested_license_the_sources_forbid_is_refused_with_the_rule():
    chosen, why = license_for(terms("CC-BY-SA-4.0"), "CC-BY-4.0")
    assert chosen is None
    assert why == "a remix of these sources cannot be CC-BY-4.0: it must be CC BY-SA 4.0"


@pytest.mark.parametrize("source", DEFAULT_ALLOWED)
def test_every_offered_license_passes_check_and_no_other_does(source):
    t = terms(source)
    for spdx in DEFAULT_ALLOWED:
        accepted = judge_adaptation(lookup(spdx), inherit(source)) is None
        assert (spdx in t.licenses) == accepted


def _record(rid: str, license: str, sources=(), withdrawn=None) -> Record:
    return Record(
        id=rid,
        title=rid,
        type="text",
        file="t.md",
        contributors=(Contributor("ana", "writer"),),
        license=license,
        created=dt.date(2024, 5, 1),
        sources=tuple(sources),
        withdrawn=withdrawn,
    )


def test_ancestry_reaches_grandparents_and_outside_works():
    outside = OutsideSource("Song", "Bo", "https://example.org/song", "CC-BY-NC-4.0", 3)
    archive = Archive.of(
        [
            _record("root", "CC-BY-SA-4.0"),
            _record("middle", "CC-BY-SA-4.0", [RecordSource("root", 5), outside]),
            _record("leaf", "CC0-1.0"),
        ]
    )
    graph = RemixGraph.of(archive)
    found = remix_ancestry(archive, graph, ["middle", "leaf"])
    assert [(a.ancestor, a.license.spdx, a.via) for a in found] == [
        ("'middle'", "CC-BY-SA-4.0", None),
        ("'Song' by Bo", "CC-BY-NC-4.0", "middle"),
        ("'leaf'", "CC0-1.0", None),
    ]  # one per license: 'root' (CC-BY-SA-4.0 again) adds nothing new
    assert not remix_terms(found, DEFAULT_ALLOWED).open  # SA and NC: a conflict
    assert remix_ancestry(archive, graph, ["nowhere"]) == []


def test_with_sources_lists_them_before_created():
    text = "title: X\nlicense: CC-BY-4.0\ncreated: 2024-05-01\n"
    assert with_sources(text, ["a", "b"], "A remix of 'a' must be CC BY-SA 4.0") == (
        "title: X\nlicense: CC-BY-4.0\n# A remix of 'a' must be CC BY-SA 4.0\n"
        "sources:\n  - a\n  - b\ncreated: 2024-05-01\n"
    )


def test_rules_of_a_build_judge_each_set_of_licenses_once_with_the_same_answer():
    rules = RemixRules(DEFAULT_ALLOWED)
    for source in DEFAULT_ALLOWED:
        for _ in range(2):
            assert rules.terms(inherit(source)) == terms(source)
    assert len(rules.memo) == len(DEFAULT_ALLOWED)
    # the refusal still names the record at hand, not the first one judged
    assert "'src-0'" in cannot_remix(rules.terms(inherit("CC-BY-ND-4.0")))


LICENSES = ["CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-ND-4.0"]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_ancestry_holds_every_license_of_the_lineage_once(data):
    """Made from each source's own (kept per record), it equals the licenses of a walk of the
    whole lineage."""
    n = data.draw(st.integers(1, 12))
    edges = {
        i: data.draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True)) for i in range(n)
    }
    licenses = [data.draw(st.sampled_from(LICENSES)) for _ in range(n)]
    archive = Archive.of(
        [
            _record(f"r{i}", licenses[i], [RecordSource(f"r{j}", 5) for j in edges[i] if j < i])
            for i in range(n)
        ]
    )
    graph = RemixGraph.of(archive)
    for i in range(n):
        rid = f"r{i}"
        found = remix_ancestry(archive, graph, [rid])
        walked = {archive.records[a].license for a in [rid, *graph.ancestors(rid)]}
        assert sorted(a.license.spdx for a in found) == sorted(walked)
        assert found[0].ancestor == f"'{rid}'" and found[0].via is None


def test_a_loop_which_check_refuses_still_ends():
    archive = Archive.of(
        [
            _record("a", "CC-BY-4.0", [RecordSource("b", 5)]),
            _record("b", "CC-BY-SA-4.0", [RecordSource("a", 5)]),
        ]
    )
    found = remix_ancestry(archive, RemixGraph.of(archive), ["a"])
    assert {x.license.spdx for x in found} == {"CC-BY-4.0", "CC-BY-SA-4.0"}
