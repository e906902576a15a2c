"""Counting the texts the Markdown parser of core.markup is run on, for tests of its memos."""

from __future__ import annotations

import pytest

from builder.core import markup


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The list that the texts parsed from now on are appended to, in order."""
    seen: list[str] = []
    convert = markup._convert

    def counting(text: str) -> str:
        seen.append(text)
        return convert(text)

    monkeypatch.setattr(markup, "_convert", counting)
    return seen
