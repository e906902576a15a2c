"""A check's outcome and its three renderings: text for people, GitHub annotations, JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .problems import Problem, sort_problems


@dataclass(frozen=True)
class Report:
    problems: list[Problem]
    checked: int  # records checked
    notes: list[str] = field(default_factory=list)  # things a reviewer should know, not problems

    @staticmethod
    def of(problems: list[Problem], checked: int, notes: list[str] | None = None) -> Report:
        return Report(sort_problems(problems), checked, notes or [])

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        records = f"{self.checked} record{'s' if self.checked != 1 else ''} checked"
        if self.ok:
            return f"{records}: no problems."
        groups = len({p.record or p.path for p in self.problems})
        n = len(self.problems)
        return (
            f"{records}: {n} problem{'s' if n != 1 else ''} "
            f"in {groups} place{'s' if groups != 1 else ''}."
        )


def render_text(report: Report) -> str:
    """Problems grouped by record, a blank line between groups, then notes and a summary."""
    lines: list[str] = []
    previous: str | None = None
    for p in report.problems:
        group = p.record or p.path
        if previous is not None and group != previous:
            lines.append("")
        lines.append(p.render())
        previous = group
    if report.problems:
        lines.append("")
    lines.extend(f"note: {n}" for n in report.notes)
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def render_github(report: Report) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line."""
    lines = [
        f"::error file={_prop(p.path)},line={p.line}::"
        f"{_data(p.code + ': ' + p.message + ' — ' + p.fix)}"
        for p in report.problems
    ]
    lines.extend(f"::notice::{_data(n)}" for n in report.notes)
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    doc = {
        "ok": report.ok,
        "checked": report.checked,
        "problems": [
            {
                "path": p.path,
                "line": p.line,
                "code": p.code,
                "message": p.message,
                "fix": p.fix,
                "record": p.record,
            }
            for p in report.problems
        ],
        "notes": report.notes,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "github": render_github, "json": render_json}


# Escaping from GitHub's workflow-command rules (actions/toolkit, command.ts).
def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")
