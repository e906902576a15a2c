"""Generated pages: people (being written)."""

from __future__ import annotations

from .pages import GeneratedPage, SiteContext


def pages(ctx: SiteContext) -> list[GeneratedPage]:
    return []
