"""A page for every record (records/<id>/index.html)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from markupsafe import escape

from . import urls
from .pages import GeneratedPage, SiteContext, captions_data_url, text_html
from .views import RecordView, description_html, record_view


def pages(ctx: SiteContext) -> list[GeneratedPage]:
    return [
        GeneratedPage(
            urls.page_source(urls.record(rid)),
            "showcase/record.html",
            record.title,
            _context(ctx, rid),
            search_html=_search(ctx, rid),
        )
        for rid, record in ctx.archive.records.items()
    ]


def _search(ctx: SiteContext, record_id: str) -> Callable[[], str]:
    """Title, contributors, tags and description: what search should find a record by."""

    def build() -> str:
        r = ctx.archive.records[record_id]
        people = ", ".join(f"{c.name or c.handle} ({c.role})" for c in r.contributors)
        parts = [f"<p>{escape(r.title)} by {escape(people)}. {escape(r.type)}.</p>"]
        if r.tags:
            parts.append(f"<p>Tags: {escape(', '.join(r.tags))}</p>")
        return "".join(parts) + description_html(r, ctx.renderer)

    return build


def _with_inline_captions(ctx: SiteContext, view: RecordView) -> RecordView:
    inline = captions_data_url(ctx.root, ctx.archive, view.id)
    return replace(view, captions_url=inline) if inline else view


def _context(ctx: SiteContext, record_id: str) -> Callable[[], dict]:
    def build() -> dict:
        return {
            "showcase_record": _with_inline_captions(
                ctx,
                record_view(
                    ctx.archive,
                    ctx.graph,
                    ctx.media,
                    record_id,
                    ctx.site_url,
                    ctx.renderer,
                    ctx.edits.get(record_id),
                    ctx.used_in.get(record_id, ()),
                    remix_rules=ctx.remix_rules,  # for "Remix this" (views.remix_view)
                    url_style=ctx.url_style,
                ),
            ),
            "showcase_text_html": text_html(ctx.root, ctx.archive, record_id, ctx.renderer),
            "showcase_contribute_url": ctx.contribute_url,
            "showcase_tree": ctx.tree_writer,  # the remix trees (tree_html.py)
        }

    return build
