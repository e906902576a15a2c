"""Reading a built site back as a person's browser would: parsed HTML, not grepped text."""

from __future__ import annotations

from pathlib import Path

import lxml.html


def page(site: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / url / "index.html").read_text())
