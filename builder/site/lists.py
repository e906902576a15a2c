"""Generated pages: lists (being written)."""

from __future__ import annotations

from .pages import GeneratedPage, SiteContext


def pages(ctx: SiteContext) -> list[GeneratedPage]:
    return []
