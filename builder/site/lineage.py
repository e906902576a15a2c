"""The full lineage of a record (records/<id>/lineage.html, then lineage-2.html, ...): every
ancestor and every descendant once, by generation, for records whose page draws only part of
it (core.lineage_tree bounds the trees). Plain links: no script needed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..core.graph import RemixGraph
from ..core.lineage_tree import Generations, ListedPage, first_page
from ..core.model import Archive
from ..core.tree import down_tree, up_tree
from . import urls
from .pages import GeneratedPage, SiteContext
from .views import full_lineage, lineage_summary

# (heading, the generation's <li> items) per generation. A lineage page lists up to a
# thousand records and an archive has as many such pages: each record's item is escaped
# and written once per build (markupsafe), then joined, rather than templated each time.
Listing = tuple[tuple[str, Markup], ...]


@dataclass(frozen=True)
class LineagePageView:
    id: str
    title: str
    url: str  # the record's page
    summary: tuple[str, str]  # "Made from 399 records by 97 people.", "Used by 12 records."
    up: Listing  # the ancestors on this page
    down: Listing  # the descendants on this page
    up_id: bool  # this page starts the ancestors: its heading carries their anchor
    down_id: bool
    pages: tuple[tuple[int, str, bool], ...]  # (number, url, this page) of every page
    prev_url: str | None
    next_url: str | None


def pages(ctx: SiteContext) -> list[GeneratedPage]:
    out: list[GeneratedPage] = []
    for rid, record in ctx.archive.records.items():
        if not needs_page(ctx, rid):
            continue
        listed = full_lineage(ctx.graph, rid)
        summary: dict[str, tuple[str, str]] = {}  # made once for all the record's pages
        for page in listed:
            title = f"Lineage: {record.title}" + (f" ({page.number})" if page.number > 1 else "")
            out.append(
                GeneratedPage(
                    urls.lineage_source(rid, page.number),
                    "showcase/lineage.html",
                    title,
                    _context(ctx, rid, listed, page, summary),
                )
            )
    return out


def needs_page(ctx: SiteContext, record_id: str) -> bool:
    """A record whose page leaves part of its lineage undrawn (the page links here)."""
    up = up_tree(ctx.archive, ctx.graph, record_id)
    return not up.complete or not down_tree(ctx.graph, record_id).complete


def _context(
    ctx: SiteContext,
    record_id: str,
    listed: tuple[ListedPage, ...],
    page: ListedPage,
    summary: dict[str, tuple[str, str]],
) -> Callable[[], dict]:
    def build() -> dict:
        if "sizes" not in summary:
            summary["sizes"] = lineage_summary(ctx.archive, ctx.graph, record_id)
        view = lineage_view(ctx.archive, ctx.graph, record_id, listed, page, summary["sizes"])
        return {"showcase_lineage": view}

    return build


def lineage_view(
    archive: Archive,
    graph: RemixGraph,
    record_id: str,
    listed: tuple[ListedPage, ...],
    page: ListedPage,
    summary: tuple[str, str],
) -> LineagePageView:
    record = archive.records[record_id]
    n = page.number
    return LineagePageView(
        id=record_id,
        title=record.title,
        url=urls.record(record_id),
        summary=summary,
        up=_listing(archive, graph, page.up, True),
        down=_listing(archive, graph, page.down, False),
        up_id=bool(page.up) and first_page(listed, up=True) == n,
        down_id=bool(page.down) and first_page(listed, up=False) == n,
        pages=tuple((p.number, urls.lineage(record_id, p.number), p is page) for p in listed),
        prev_url=urls.lineage(record_id, n - 1) if n > 1 else None,
        next_url=urls.lineage(record_id, n + 1) if n < len(listed) else None,
    )


def _listing(archive: Archive, graph: RemixGraph, gens: Generations, up: bool) -> Listing:
    items = _items(archive, graph)
    return tuple((_heading(g, up), Markup("".join(map(items.__getitem__, ids)))) for g, ids in gens)


def _heading(generation: int, up: bool) -> str:
    if generation == 1:
        return "What it uses directly" if up else "What uses it directly"
    return f"{generation} steps back" if up else f"{generation} steps on"


def _items(archive: Archive, graph: RemixGraph) -> dict[str, str]:
    """Every record's item, written once per build: the lineage pages list each record up to
    twice per record of the archive, and are joined from these (in C, not item by item)."""
    return graph.remember(
        ("lineage-items",), lambda: {rid: _write_item(archive, rid) for rid in archive.records}
    )


def _write_item(archive: Archive, rid: str) -> str:
    r = archive.records[rid]
    # Lineage pages sit beside the record pages' folders (records/<id>/): "../<rid>/...".
    href = "../" + urls.record(rid).removeprefix("records/")
    mark = ' class="sc-lineage-page__withdrawn"' if r.withdrawn else ""
    return f'<li{mark}><a href="{escape(href)}">{escape(r.title)}</a></li>'
