"""A page for every record (records/<id>/)."""

from __future__ import annotations

from . import urls
from .pages import GeneratedPage, SiteContext, text_html
from .views import record_view


def pages(ctx: SiteContext) -> list[GeneratedPage]:
    return [GeneratedPage(f"{urls.record(rid)}index.md", "showcase/record.html", record.title,
                          _context(ctx, rid))
            for rid, record in ctx.archive.records.items()]


def _context(ctx: SiteContext, record_id: str):
    def build() -> dict:
        return {
            "showcase_record": record_view(ctx.archive, ctx.graph, ctx.media, record_id, ctx.site_url),
            "showcase_text_html": text_html(ctx.root, ctx.archive, record_id),
            "showcase_contribute_url": ctx.contribute_url,
        }
    return build
