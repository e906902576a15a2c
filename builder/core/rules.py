"""Checks across records: references, the remix graph and the license rules of whole lineages.

Pure: an Archive in, problems out. File-system facts (missing files, media
content) are the archive edge's job; this module only sees the model.
"""

from __future__ import annotations

import difflib
from typing import Iterable

from .graph import RemixGraph
from .licenses import Inherited, judge_adaptation, lookup
from .model import Archive, OutsideSource, Record, RecordSource
from .problems import Problem, problem


def check_references(archive: Archive, deleted: frozenset[str] = frozenset()) -> list[Problem]:
    """Sources and collaborations that point at nothing; `deleted` are ids this change removed."""
    out: list[Problem] = []
    for record in archive.records.values():
        seen: set[str] = set()
        for src in record.sources:
            key = src.id if isinstance(src, RecordSource) else f"{src.title}|{src.url}"
            if key in seen:
                out.append(
                    problem(
                        "duplicate-source",
                        record.yaml_path,
                        src.line,
                        f"the source {_name(src)} is listed twice",
                        "remove the repeated entry",
                        record.id,
                    )
                )
            seen.add(key)
            if not isinstance(src, RecordSource) or archive.exists(src.id):
                continue
            if src.id == record.id:
                continue  # reported as a cycle
            if src.id in deleted:
                out.append(
                    problem(
                        "deleted-record",
                        record.yaml_path,
                        src.line,
                        f"uses '{src.id}', which this change deletes",
                        f"restore records/{src.id}/ and withdraw it instead "
                        "(`withdrawn: {date: ..., reason: ...}`), "
                        "so lineage and credits stay intact",
                        record.id,
                    )
                )
            else:
                out.append(
                    problem(
                        "unknown-source",
                        record.yaml_path,
                        src.line,
                        f"the source '{src.id}' is not a record in this archive",
                        _id_hint(src.id, archive.records) + " If it was deleted, restore it "
                        "and withdraw it instead",
                        record.id,
                    )
                )
        if record.collaboration and record.collaboration not in archive.collaborations:
            out.append(
                problem(
                    "unknown-collaboration",
                    record.yaml_path,
                    record.line_of("collaboration"),
                    f"the collaboration '{record.collaboration}' does not exist",
                    _id_hint(
                        record.collaboration, archive.collaborations, "content/collaborations/"
                    )
                    + f" Or add content/collaborations/{record.collaboration}.md",
                    record.id,
                )
            )
    return out


def check_cycles(archive: Archive, graph: RemixGraph) -> list[Problem]:
    out: list[Problem] = []
    for loop in graph.cycles():
        shown = " → ".join(loop + [loop[0]])
        for i, rid in enumerate(loop):
            record = archive.records[rid]
            nxt = loop[(i + 1) % len(loop)]
            line = next(
                (s.line for s in record.record_sources if s.id == nxt), record.line_of("sources")
            )
            out.append(
                problem(
                    "remix-cycle",
                    record.yaml_path,
                    line,
                    f"remix loop {shown}: a record cannot be its own ancestor",
                    f"remove '{nxt}' from the sources of '{rid}' (or the link that is wrong)",
                    rid,
                )
            )
    return out


def check_licenses(
    archive: Archive, graph: RemixGraph, allowed: Iterable[str], only: set[str] | None = None
) -> list[Problem]:
    """Each record's own license, its outside sources' licenses, and the lineage rules."""
    allowed = tuple(allowed)
    out: list[Problem] = []
    ancestry = _Ancestry(archive, graph)
    # A record in a remix loop would inherit its own license; the loop is the problem to fix.
    looped = {rid for loop in graph.cycles() for rid in loop}
    for rid, record in archive.records.items():
        if only is not None and rid not in only:
            continue
        own = lookup(record.license)
        if record.license not in allowed or own is None:
            out.append(_not_allowed(record, allowed))
        for src in record.sources:
            if isinstance(src, OutsideSource) and lookup(src.license) is None:
                out.append(
                    problem(
                        "unknown-license",
                        record.yaml_path,
                        src.line,
                        f"the outside source '{src.title}' has the license {src.license!r}, "
                        "which is not a known Creative Commons license",
                        "give its SPDX id (for example CC-BY-SA-3.0); only Creative Commons "
                        "and public-domain works can be remixed here",
                        rid,
                    )
                )
        if own is None or rid in looped:
            continue
        verdict = judge_adaptation(own, ancestry.of(rid))
        if verdict:
            out.append(
                problem(
                    verdict.code,
                    record.yaml_path,
                    record.line_of("license"),
                    f"'{rid}' {verdict.message}",
                    verdict.fix,
                    rid,
                )
            )
    return out


def _not_allowed(record: Record, allowed: tuple[str, ...]) -> Problem:
    close = difflib.get_close_matches(record.license, allowed, n=1, cutoff=0.6)
    hint = f"did you mean `{close[0]}`? " if close else ""
    return problem(
        "license-not-allowed",
        record.yaml_path,
        record.line_of("license"),
        f"the license {record.license!r} is not accepted by this archive",
        f"{hint}use one of: " + ", ".join(allowed),
        record.id,
    )


class _Ancestry:
    """Every license a record inherits through its lineage, nearest first, memoised.

    Memoising per record keeps the whole archive linear in size: a lineage of
    thousands is summarised once, not re-walked for every descendant.
    """

    def __init__(self, archive: Archive, graph: RemixGraph) -> None:
        self.archive = archive
        self.graph = graph
        self.memo: dict[str, tuple[Inherited, ...]] = {}

    def of(self, rid: str) -> list[Inherited]:
        self._fill(rid)
        return list(self.memo[rid])

    def _fill(self, root: str) -> None:
        # Post-order DFS; an edge back into the current path (a cycle) is skipped,
        # cycles are reported separately.
        stack: list[tuple[str, bool]] = [(root, False)]
        on_path: set[str] = set()
        while stack:
            rid, expanded = stack.pop()
            if rid in self.memo:
                continue
            if expanded:
                on_path.discard(rid)
                self.memo[rid] = self._summarise(rid)
                continue
            on_path.add(rid)
            stack.append((rid, True))
            for parent in self.graph.sources.get(rid, ()):
                if parent not in self.memo and parent not in on_path:
                    stack.append((parent, False))

    def _summarise(self, rid: str) -> tuple[Inherited, ...]:
        record = self.archive.records[rid]
        items: list[Inherited] = []
        seen: set[str] = set()

        def add(item: Inherited) -> None:
            # One representative per license (the nearest) is all the rules need, and
            # it bounds each summary to the size of the license table.
            key = item.license.spdx
            if key not in seen:
                seen.add(key)
                items.append(item)

        for src in record.sources:
            if isinstance(src, OutsideSource):
                lic = lookup(src.license)
                if lic:
                    add(Inherited(f"'{src.title}' by {src.author}", lic, None))
            elif src.id in self.archive.records:
                parent = self.archive.records[src.id]
                lic = lookup(parent.license)
                if lic:
                    add(Inherited(f"'{src.id}'", lic, None))
        for src in record.record_sources:
            for inherited in self.memo.get(src.id, ()):
                add(Inherited(inherited.ancestor, inherited.license, inherited.via or f"{src.id}"))
        return tuple(items)


def _name(src: RecordSource | OutsideSource) -> str:
    return f"'{src.id}'" if isinstance(src, RecordSource) else f"'{src.title}'"


def _id_hint(value: str, known: Iterable[str], where: str = "records/") -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.7)
    return f"did you mean '{close[0]}'?" if close else f"check the name against {where}."
