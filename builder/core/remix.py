"""What a remix of some records may be: the licenses it may carry, in words, and the
`sources` lines that start one. Pure: the archive model in, plain data out.

The licenses come from the one rule `check` applies to every lineage
(licenses.judge_adaptation): a license is open to a remix exactly when check would
accept it on a record whose sources are these records. So the record page, the
"Open to remix" page and `showcase new --source` can never promise what check refuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .graph import RemixGraph
from .licenses import Inherited, Verdict, judge_adaptation, lookup
from .model import Archive, OutsideSource


@dataclass(frozen=True)
class RemixTerms:
    """The licenses a remix of some records may carry, and why no others."""

    licenses: tuple[str, ...]  # SPDX ids, in the archive's order; () when none may
    sharealike: bool  # a ShareAlike license in the lineage fixes the remix's license
    noncommercial: bool  # a NonCommercial one forbids commercial use of the remix
    attribution: bool  # an Attribution one forbids dedicating the remix to the public domain
    refusal: Verdict | None = None  # when nothing may remix them: check's own reason

    @property
    def open(self) -> bool:
        return bool(self.licenses)

    @property
    def noderivatives(self) -> bool:
        return self.refusal is not None and self.refusal.code == "license-nd-source"


@dataclass(frozen=True)
class RemixRules:
    """The archive's licenses, and what it has judged already: made once per build, so that
    every page asks the rule of each set of lineage licenses once."""

    allowed: tuple[str, ...]
    memo: dict[frozenset[str], tuple[str, ...]] = field(default_factory=dict, compare=False)

    def terms(self, ancestry: list[Inherited]) -> RemixTerms:
        return remix_terms(ancestry, self.allowed, self.memo)


def remix_ancestry(archive: Archive, graph: RemixGraph, ids: Iterable[str]) -> list[Inherited]:
    """Every license a new record whose sources are `ids` inherits, nearest first, one per
    license: each source's own, then its lineage's (outside works included), as check
    gathers them for a record already in the archive."""
    items: list[Inherited] = []
    seen: set[str] = set()
    for sid in ids:
        if sid not in archive.records:
            continue
        own = f"'{sid}'"
        for label, spdx in _lineage_licenses(archive, graph, sid):
            lic = lookup(spdx)
            if lic is not None and lic.spdx not in seen:
                seen.add(lic.spdx)
                items.append(Inherited(label, lic, None if label == own else sid))
    return items


Licensed = tuple[tuple[str, str], ...]  # (who carries it, SPDX id), one per license


def _lineage_licenses(archive: Archive, graph: RemixGraph, record_id: str) -> Licensed:
    """The licenses in `record_id`'s lineage, itself first, one per license. Kept per record
    on the graph and made from its sources' own (one pass over the links, never a walk of
    every lineage: in a dense archive each record has hundreds of ancestors)."""

    def key(rid: str) -> tuple[str, str]:
        return ("lineage-licenses", rid)

    stack, path = [(record_id, False)], set()
    while stack:  # depth first without recursion: sources before the records using them
        rid, expanded = stack.pop()
        if graph.known(key(rid)):
            continue
        if expanded:
            path.discard(rid)
            graph.remember(key(rid), lambda rid=rid: _licenses_of(archive, graph, rid))
            continue
        path.add(rid)
        stack.append((rid, True))
        # A source on the current path is a loop (check reports it): not followed.
        stack.extend(
            (s, False)
            for s in graph.sources.get(rid, ())
            if s not in path and not graph.known(key(s))
        )
    return graph.remember(key(record_id), tuple)


def _licenses_of(archive: Archive, graph: RemixGraph, rid: str) -> Licensed:
    record = archive.records[rid]
    found: dict[str, str] = {record.license: f"'{rid}'"}
    for src in record.sources:
        if isinstance(src, OutsideSource):
            found.setdefault(src.license, f"'{src.title}' by {src.author}")
    for sid in graph.sources.get(rid, ()):
        if graph.known(("lineage-licenses", sid)):  # not when a loop leads back to it
            for label, spdx in graph.remember(("lineage-licenses", sid), tuple):
                found.setdefault(spdx, label)
    return tuple((label, spdx) for spdx, label in found.items())


def remix_terms(
    ancestry: list[Inherited],
    allowed: Iterable[str],
    memo: dict[frozenset[str], tuple[str, ...]] | None = None,
) -> RemixTerms:
    """The archive's licenses (`allowed`, in its order) that check accepts on a remix whose
    lineage carries `ancestry`. Which ones depends on the lineage's licenses alone: `memo`
    (one per `allowed`) keeps the answer for each set of them, for callers that judge many."""
    allowed = tuple(allowed)
    key = frozenset(a.license.spdx for a in ancestry)
    fits = memo.get(key) if memo is not None else None
    if fits is None:
        fits = tuple(
            spdx
            for spdx in allowed
            if (lic := lookup(spdx)) is not None and judge_adaptation(lic, ancestry) is None
        )
        if memo is not None:
            memo[key] = fits
    elements = {e for a in ancestry for e in a.license.elements}
    refusal = None
    if not fits:
        # check's reason for the first license it would refuse says why none will do
        first = next((lic for spdx in allowed if (lic := lookup(spdx))), None)
        refusal = judge_adaptation(first, ancestry) if first else None
    return RemixTerms(fits, "SA" in elements, "NC" in elements, "BY" in elements, refusal)


def license_for(terms: RemixTerms, requested: str | None) -> tuple[str | None, str | None]:
    """(the license a new remix gets, why `requested` cannot be it): the one requested when
    the rules allow it, else the only one they allow, else None (the contributor chooses
    among terms.licenses)."""
    if requested is not None:
        if requested in terms.licenses:
            return requested, None
        return None, _refused_license(terms, requested)
    return (terms.licenses[0] if len(terms.licenses) == 1 else None), None


def _refused_license(terms: RemixTerms, requested: str) -> str:
    if not terms.open:
        return cannot_remix(terms)
    return f"a remix of these sources cannot be {requested}: " + must_carry(terms, "it")


# --- in words ---------------------------------------------------------------------------------


def short(spdx: str) -> str:
    lic = lookup(spdx)
    return lic.short if lic else spdx


def must_carry(terms: RemixTerms, what: str = "a remix of this", own: str | None = None) -> str:
    """The license rule as a sentence, no final stop ("a remix of this must be CC BY-SA 4.0");
    for records that cannot be remixed, why not (`own`: the id of the record the page is about)."""
    if not terms.open:
        return cannot_remix(terms, own)
    names = [short(s) for s in terms.licenses]
    if len(names) == 1:
        return f"{what} must be {names[0]}"
    if terms.sharealike:
        return f"{what} must be {_either(names)}"
    needs = []
    if terms.attribution:
        needs.append("credit its sources (so not public domain)")
    if terms.noncommercial:
        needs.append("stay non-commercial (NC)")
    if not needs:
        return f"{what} may carry any license this archive accepts"
    return f"{what} must {' and '.join(needs)}: any of {', '.join(names)}"


def cannot_remix(terms: RemixTerms, own: str | None = None) -> str:
    """Why nothing may remix these records, in check's words; "this record" for `own`."""
    verdict = terms.refusal
    if verdict is None:
        return "this archive accepts no license at all"
    if verdict.code == "license-nd-source":
        a = verdict.culprit
        who = "it" if own is not None and a.ancestor == f"'{own}'" else a.ancestor
        return (
            f"it cannot be remixed: {who} is under {a.license.short}, a NoDerivatives "
            "license, which lets anyone share it as it is, with credit, but forbids "
            "publishing anything adapted from it"
        )
    if verdict.code == "license-conflict":
        return f"no remix may use them together: a remix {verdict.message}"
    return (
        f"it cannot be remixed here: {verdict.message}, and this archive does not accept "
        f"that license ({verdict.fix})"
    )


def commercial_note(terms: RemixTerms) -> str:
    """The NonCommercial condition a source passes on to its remixes (no final stop), or ""."""
    if not terms.open or not terms.noncommercial:
        return ""
    return (
        "Neither this work nor any remix of it may be used commercially: a remix carries "
        "that condition on"
    )


def _either(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " or " + names[-1]


# --- record.yaml ------------------------------------------------------------------------------


def with_sources(text: str, ids: Iterable[str], note: str = "") -> str:
    """`new`'s record.yaml with `sources` before `created` (a comment above: `note`)."""
    lines = text.splitlines()
    at_created = next(i for i, line in enumerate(lines) if line.startswith("created: "))
    listed = [
        *([f"# {note}"] if note else []),
        "sources:",
        *(f"  - {rid}" for rid in ids),
    ]
    lines[at_created:at_created] = listed
    return "\n".join(lines) + "\n"
