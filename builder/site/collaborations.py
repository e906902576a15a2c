"""A page for every collaboration (collaborations/<slug>/) and the collaborations index.

Each collaboration's content page (content/collaborations/<slug>.md) is taken over: its
Markdown body is discarded by the plugin and the prompt is rendered here, sanitized.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ..core.model import newest_first
from . import urls
from .feed_links import FeedLink, collaboration_feed
from .gallery import Tile, tile
from .pages import GeneratedPage, SiteContext, safe_html
from .views import names_by_handle


@dataclass(frozen=True)
class CollaborationView:
    slug: str
    title: str
    url: str
    open: bool
    deadline: str | None  # ISO date
    days_left: str | None  # while open: "12 days left", counted from the build's day
    prompt_html: str  # sanitized by core.markup
    records: tuple[Tile, ...]  # the records that answered, newest first, as a grid
    contribute_url: str | None  # only while open and when the archive has a contribute page
    feed: FeedLink | None  # the collaboration's own feed, when the build publishes feeds


def pages(ctx: SiteContext) -> list[GeneratedPage]:
    out = [
        GeneratedPage(
            urls.page_source(urls.collaboration(slug)),
            "showcase/collaboration.html",
            c.title,
            _context(ctx, slug),
            replaces=f"collaborations/{slug}.md",
        )
        for slug, c in ctx.archive.collaborations.items()
    ]
    index = ctx.root / "content" / "collaborations" / "index.md"
    if "index" not in ctx.archive.collaborations and not index.exists():
        out.append(
            GeneratedPage(
                urls.page_source(urls.collaborations()),
                "showcase/collaboration.html",
                "Collaborations",
                _index_context(ctx),
            )
        )
    return out


def collaboration_view(
    ctx: SiteContext, slug: str, today: dt.date, names: dict[str, str] | None = None
) -> CollaborationView:
    """A collaboration's page as of `today`, the build's day (days left are counted from it)."""
    c = ctx.archive.collaborations[slug]
    answered = newest_first([r for r in ctx.archive.records.values() if r.collaboration == slug])
    is_open = c.status == "open"
    return CollaborationView(
        slug,
        c.title,
        urls.collaboration(slug),
        is_open,
        c.deadline.isoformat() if c.deadline else None,
        days_left_text(c.deadline, today) if is_open and c.deadline else None,
        safe_html(c.prompt, ctx.renderer) if c.prompt.strip() else "",
        tuple(tile(ctx, r, names) for r in answered),
        ctx.contribute_url if is_open else None,
        collaboration_feed(ctx, slug),
    )


def days_left_text(deadline: dt.date, today: dt.date) -> str:
    """How long an open call has, as of `today`: the deadline's day is the last day."""
    days = (deadline - today).days
    if days < 0:
        return "the deadline has passed"
    if days == 0:
        return "last day today"
    return f"{days} day{'' if days == 1 else 's'} left"


def ordered(ctx: SiteContext) -> list[CollaborationView]:
    """Open ones first; within each, the nearest deadline first, then by title."""
    names = names_by_handle(ctx.archive)
    views = [collaboration_view(ctx, slug, ctx.today, names) for slug in ctx.archive.collaborations]
    return sorted(
        views,
        key=lambda v: (
            not v.open,
            v.deadline is None,
            v.deadline or "",
            v.title.casefold(),
            v.slug,
        ),
    )


def _context(ctx: SiteContext, slug: str) -> Callable[[], dict]:
    def build() -> dict:
        names = names_by_handle(ctx.archive)
        return {"showcase_collaboration": collaboration_view(ctx, slug, ctx.today, names)}

    return build


def _index_context(ctx: SiteContext) -> Callable[[], dict]:
    def build() -> dict:
        return {
            "showcase_collaborations": tuple(ordered(ctx)),
            "showcase_contribute_url": ctx.contribute_url,
        }

    return build
