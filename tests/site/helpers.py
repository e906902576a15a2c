"""Reading a built site back as a person's browser would: parsed HTML, not grepped text."""

from __future__ import annotations

from pathlib import Path

import lxml.html


def page(site: Path, url: str) -> lxml.html.HtmlElement:
    """The page at a site URL: a file (records/x/index.html) or a folder (records/x/)."""
    path = site / url if url.endswith(".html") else site / url / "index.html"
    return lxml.html.fromstring(path.read_text())
