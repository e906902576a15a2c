"""`showcase check` as a function: load the archive, run every rule, scope to a change."""

from __future__ import annotations

from pathlib import Path

from .archive.changes import Changes
from .archive.config import unfilled
from .archive.identify import limits_of
from .archive.load import Loaded, load_archive
from .core.graph import RemixGraph
from .core.problems import Problem
from .core.report import Report
from .core.rules import check_cycles, check_licenses, check_references
from .memo.renders import Renderer
from .memo.verdicts import FileVerdicts
from .timeline.measure import check_timelines

# Problems that a change to one record can cause in another one.
GRAPH_CODES = frozenset(
    {
        "unknown-source",
        "deleted-record",
        "remix-cycle",
        "unknown-collaboration",
        "license-nd-source",
        "license-sa-mismatch",
        "license-nc-required",
        "license-by-required",
        "license-conflict",
        # a timeline's clips depend on the records they use (their type, length, withdrawal)
        "timeline-reference",
        "timeline-trim",
        "timeline-source",
    }
)


def run_rules(
    loaded: Loaded,
    deleted: frozenset[str] = frozenset(),
    root: Path | None = None,
    timelines: set[str] | None = None,
) -> list[Problem]:
    """`root`: where to measure the records timelines use (no timeline rules without it);
    `timelines`: only these records' timelines (None: all)."""
    archive = loaded.archive
    graph = RemixGraph.of(archive)
    return (
        loaded.problems
        + check_references(archive, deleted)
        + check_cycles(archive, graph)
        + check_licenses(archive, graph, loaded.config.licenses)
        + (
            check_timelines(root, archive, loaded.edits, limits_of(loaded.config), timelines)
            if root is not None
            else []
        )
    )


def check_archive(
    root: Path,
    changes: Changes | None = None,
    verdicts: FileVerdicts | None = None,
    renderer: Renderer | None = None,
) -> tuple[Report, Loaded]:
    """Every problem of the archive (or of a change to it). `verdicts`: files that passed
    in an earlier build (builder/memo/verdicts.py); `renderer`: the build's (memo/renders.py)."""
    if changes is None:
        loaded = load_archive(root, verdicts=verdicts, renderer=renderer)
        return Report.of(
            run_rules(loaded, root=root),
            len(loaded.archive.records) + len(loaded.archive.unreadable),
            unfilled(root),
        ), loaded
    loaded = load_archive(root, inspect=lambda rid: rid in changes.records, renderer=renderer)
    reached = _reached(loaded, changes)
    problems = run_rules(loaded, changes.deleted, root, changes.records | reached)
    kept = [p for p in problems if _in_scope(p, changes, reached)]
    notes = []
    if changes.other:
        shown = ", ".join(changes.other[:5]) + (
            f" and {len(changes.other) - 5} more" if len(changes.other) > 5 else ""
        )
        notes.append(
            f"this change touches files outside records/ and content/ ({shown}): "
            "it is code, not a contribution; review it as code"
        )
    return Report.of(kept, len(changes.records | reached), notes), loaded


def _reached(loaded: Loaded, changes: Changes) -> set[str]:
    """Unchanged records that graph rules tie to the change: remixes downstream of it,
    users of a deleted record, members of a changed collaboration."""
    archive = loaded.archive
    graph = RemixGraph.of(archive)
    reached = graph.descendants_of_all(changes.records)
    slugs = {
        p.rsplit("/", 1)[-1][:-3] for p in changes.pages if p.startswith("content/collaborations/")
    }
    for rid, record in archive.records.items():
        edit = loaded.edits.get(rid)
        if edit is not None and not (changes.records | changes.deleted).isdisjoint(edit.record_ids):
            reached.add(rid)  # a timeline using a changed record, listed in sources or not
            reached.update(graph.descendants(rid))
        if (
            any(s.id in changes.deleted for s in record.record_sources)
            or record.collaboration in slugs
        ):
            reached.add(rid)
            reached.update(graph.descendants(rid))
    return reached - changes.records


# Problems of the archive as a whole: reported whatever the change touches.
ARCHIVE_CODES = frozenset({"committed-cache"})


def _in_scope(p: Problem, changes: Changes, reached: set[str]) -> bool:
    if p.code in ARCHIVE_CODES:
        return True
    if p.record in changes.records or p.path in changes.pages or p.path == "mkdocs.yml":
        return True
    return p.record in reached and p.code in GRAPH_CODES
