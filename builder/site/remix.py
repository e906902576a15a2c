"""The "Open to remix" page (remix/index.html): every live record whose license lets anyone
adapt it, and first among them those nobody has remixed yet ("never remixed"), newest first;
in pages of the gallery's size (remix/page/<n>/), so that 5,000 records stay light.

What a record lets a remix be is decided by builder/core/remix.py, with the rule `check`
applies; this module only arranges the records, as the gallery's tiles (gallery.tile).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import escape

from ..core.licenses import lookup
from ..core.model import Record, newest_first
from ..core.remix import RemixTerms, remix_ancestry, short
from . import urls
from .gallery import PAGE_SIZE, PageLink, Tile, page_count, page_numbers, tile
from .pages import GeneratedPage, SiteContext
from .views import names_by_handle

TITLE = "Open to remix"


@dataclass(frozen=True)
class LicenseRule:
    """One line of the page's legend: a license of the records shown, and what it asks."""

    license: str  # "CC BY-SA 4.0"
    url: str | None  # the license's deed
    asks: str  # "remix as CC BY-SA 4.0"
    count: int  # records of the page under it


@dataclass(frozen=True)
class Selection:
    """Which live records the page lists, decided once for all its pages."""

    never: tuple[Record, ...]  # open to remix, used by no live record; newest first
    remixed: tuple[Record, ...]  # open to remix, used already; newest first
    rules: tuple[LicenseRule, ...]  # the licenses of both lists, most records first
    closed: int  # live records that nothing may adapt (NoDerivatives)


@dataclass(frozen=True)
class RemixPage:
    """One page: the never remixed come first, then the others, PAGE_SIZE tiles a page."""

    never: tuple[Tile, ...]  # this page's part of each list
    remixed: tuple[Tile, ...]
    never_total: int
    remixed_total: int
    number: int  # this page, from 1
    count: int  # pages in all
    previous_url: str | None
    next_url: str | None
    pages: tuple[PageLink | None, ...]  # None: an ellipsis between distant numbers
    rules: tuple[LicenseRule, ...]
    closed: int
    contribute_url: str | None


def pages(ctx: SiteContext) -> list[GeneratedPage]:
    chosen = select(ctx)
    count = page_count(len(chosen.never) + len(chosen.remixed))
    return [
        GeneratedPage(
            urls.page_source(urls.remix(number)),
            "showcase/remix.html",
            TITLE if number == 1 else f"{TITLE}, page {number}",
            _context(ctx, chosen, number),
            search_html=_search if number == 1 else None,
        )
        for number in range(1, count + 1)
    ]


def select(ctx: SiteContext) -> Selection:
    """The records of the page, withdrawn ones left out; a record counts as remixed only
    when a live record uses it (a withdrawn remix invites a new one)."""
    live = [r for r in ctx.archive.records.values() if r.withdrawn is None]
    never: list[Record] = []
    remixed: list[Record] = []
    rules: dict[tuple[str, str], int] = {}
    closed = 0
    for record in newest_first(live):
        terms = ctx.remix_rules.terms(remix_ancestry(ctx.archive, ctx.graph, [record.id]))
        if not terms.open:
            closed += 1
            continue
        key = (record.license, brief(terms))
        rules[key] = rules.get(key, 0) + 1
        (remixed if _used(ctx, record.id) else never).append(record)
    return Selection(tuple(never), tuple(remixed), _legend(rules), closed)


def split(never: int, remixed: int, number: int) -> tuple[slice, slice]:
    """The part of each list on page `number`: the never remixed fill the first pages,
    the others follow on, PAGE_SIZE tiles a page whatever the split."""
    start, stop = (number - 1) * PAGE_SIZE, number * PAGE_SIZE
    return slice(min(start, never), min(stop, never)), slice(
        max(start - never, 0), max(stop - never, 0)
    )


def _context(ctx: SiteContext, chosen: Selection, number: int) -> Callable[[], dict]:
    def build() -> dict:
        names = names_by_handle(ctx.archive)
        first, then = split(len(chosen.never), len(chosen.remixed), number)
        count = page_count(len(chosen.never) + len(chosen.remixed))
        return {
            "showcase_remix": RemixPage(
                never=tuple(tile(ctx, r, names) for r in chosen.never[first]),
                remixed=tuple(tile(ctx, r, names) for r in chosen.remixed[then]),
                never_total=len(chosen.never),
                remixed_total=len(chosen.remixed),
                number=number,
                count=count,
                previous_url=urls.remix(number - 1) if number > 1 else None,
                next_url=urls.remix(number + 1) if number < count else None,
                pages=tuple(
                    None if n is None else PageLink(n, urls.remix(n), n == number)
                    for n in page_numbers(number, count)
                ),
                rules=chosen.rules,
                closed=chosen.closed,
                contribute_url=ctx.contribute_url,
            )
        }

    return build


def _used(ctx: SiteContext, record_id: str) -> bool:
    records = ctx.archive.records
    return any(not records[rid].withdrawn for rid in ctx.graph.remixes.get(record_id, ()))


def _legend(rules: dict[tuple[str, str], int]) -> tuple[LicenseRule, ...]:
    ordered = sorted(rules.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        LicenseRule(short(spdx), lic.url if (lic := lookup(spdx)) else None, asks, count)
        for (spdx, asks), count in ordered
    )


def brief(terms: RemixTerms) -> str:
    """What a remix must carry, in the few words a card has room for."""
    if len(terms.licenses) == 1:
        return f"remix as {short(terms.licenses[0])}"
    if terms.sharealike:
        return "remix as " + " or ".join(short(s) for s in terms.licenses)
    if terms.noncommercial:
        return "non-commercial remixes, with credit"
    if terms.attribution:
        return "any remix, with credit"
    return "any remix, no credit needed"


def _search() -> str:
    return (
        f"<p>{escape(TITLE)}: records whose license lets anyone remix them, "
        "and those never remixed yet.</p>"
    )
