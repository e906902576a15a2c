"""Generated pages: the lists (productions archive, credits pages, browse by type and tag)
and the home page.

Every view is plain data: strings are escaped by the autoescaping templates, URLs are
site-relative and derived from ids (templates pass them through the `url` filter).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..core.credits import role_rank
from ..core.model import RECORD_TYPES, Record, newest_first
from ..timeline.usage import when_text
from . import urls
from .catalog import site_credits
from .collaborations import days_left_text
from .gallery import TYPE_PLURALS, Thumb, contributor_names, thumb, tile
from .pages import GeneratedPage, SiteContext, captions_data_url
from .views import RecordRef, RecordView, names_by_handle, record_view

SUMMARY_NAMES = 4  # names in a production card's credits summary
HOME_RECORDS = 6  # the latest records on the home page: full rows of 2 or 3 tiles


@dataclass(frozen=True)
class Card(RecordRef):
    """A record as a card of a grid: a large thumbnail, names, and for productions the credits."""

    year: int
    contributors: tuple[str, ...]  # names, in role order, each once
    thumb: Thumb | None  # None when withdrawn or without a visual
    credits_summary: tuple[str, ...] = ()  # productions: the first names of the roll
    credits_more: int = 0  # how many more people the roll credits
    credits_url: str | None = None


@dataclass(frozen=True)
class RoleGroup:
    role: str  # as shown: "Sound designer"
    people: tuple[tuple[str, str | None, tuple[tuple[str, str, bool], ...]], ...]
    # (name, profile url or None, ((record title, record url, withdrawn), ...))


@dataclass(frozen=True)
class OutsideWork:
    title: str
    author: str
    license: str
    url: str
    used_by: tuple[tuple[str, str], ...]  # (record title, record url)


@dataclass(frozen=True)
class UsedLine:
    """A record of a timeline's cut: "Morning Coffee — 0:00–0:28 (28 s), music"."""

    title: str
    url: str
    when: str  # stretches on the production's clock and the seconds seen or heard
    what: str  # footage, image, words, music or sound


def pages(ctx: SiteContext) -> list[GeneratedPage]:
    archive = ctx.archive
    names = names_by_handle(ctx.archive)
    result = [
        GeneratedPage(
            urls.page_source(urls.productions()),
            "showcase/productions.html",
            "Productions",
            lambda: {"showcase_years": productions_by_year(ctx)},
            in_nav=True,
        ),
        GeneratedPage(
            urls.page_source(urls.browse()),
            "showcase/browse.html",
            "Browse",
            lambda: {"showcase_browse": browse_index(ctx)},
            in_nav=True,
        ),
        GeneratedPage(
            urls.page_source(urls.tags()),
            "showcase/browse.html",
            "Tags",
            lambda: {"showcase_tags": tag_counts(ctx)},
        ),
        GeneratedPage(
            "index.md",
            "showcase/home.html",
            "Home",
            lambda: home(ctx, names, ctx.today),
            keep_markdown=True,
        ),
    ]
    for rid, record in archive.records.items():
        if record.kind == "production":
            result.append(
                GeneratedPage(
                    urls.page_source(urls.credits_page(rid)),
                    "showcase/credits.html",
                    f"Credits: {record.title}",
                    _credits_context(ctx, rid),
                )
            )
    types = {r.type for r in archive.records.values()}
    for record_type in RECORD_TYPES:
        if record_type in types:
            result.append(
                GeneratedPage(
                    urls.page_source(urls.record_type(record_type)),
                    "showcase/browse.html",
                    TYPE_PLURALS[record_type],
                    _grid_context(ctx, names, record_type=record_type),
                )
            )
    for tag, _count in tag_counts(ctx):
        result.append(
            GeneratedPage(
                urls.page_source(urls.tag(tag)),
                "showcase/browse.html",
                f"Tag: {tag}",
                _grid_context(ctx, names, tag=tag),
            )
        )
    return result


# -- views ------------------------------------------------------------------------------


def card(
    ctx: SiteContext,
    record: Record,
    with_credits: bool = False,
    names: dict[str, str] | None = None,
) -> Card:
    contributors = contributor_names(record, names if names is not None else {})
    summary: tuple[str, ...] = ()
    more = 0
    credits_url = None
    if with_credits and record.kind == "production":
        people = site_credits(ctx, record.id).people
        summary = tuple(p.name for p in people[:SUMMARY_NAMES])
        more = max(0, len(people) - SUMMARY_NAMES)
        credits_url = urls.credits_page(record.id)
    return Card(
        **RecordRef.fields(record),
        year=record.created.year,
        contributors=contributors,
        thumb=None if record.withdrawn else thumb(ctx, record),
        credits_summary=summary,
        credits_more=more,
        credits_url=credits_url,
    )


def productions_by_year(ctx: SiteContext) -> list[tuple[int, list[Card]]]:
    years: dict[int, list[Card]] = {}
    for record in newest_first(r for r in ctx.archive.records.values() if r.kind == "production"):
        years.setdefault(record.created.year, []).append(card(ctx, record, with_credits=True))
    return list(years.items())


def tag_counts(ctx: SiteContext) -> list[tuple[str, int]]:
    counts = Counter(tag for r in ctx.archive.records.values() for tag in r.tags)
    return sorted(counts.items())


def browse_index(ctx: SiteContext) -> dict:
    counts = Counter(r.type for r in ctx.archive.records.values())
    return {
        "types": [
            (TYPE_PLURALS[t], urls.record_type(t), counts[t]) for t in RECORD_TYPES if counts[t]
        ],
        "tags": [(tag, urls.tag(tag), n) for tag, n in tag_counts(ctx)],
        "gallery_url": urls.gallery(),
        "remix_url": urls.remix(),
    }


def _grid_context(
    ctx: SiteContext, names: dict[str, str], record_type: str | None = None, tag: str | None = None
) -> Callable[[], dict]:
    def build() -> dict:
        chosen = [
            r
            for r in ctx.archive.records.values()
            if (record_type is None or r.type == record_type) and (tag is None or tag in r.tags)
        ]
        heading = TYPE_PLURALS[record_type] if record_type else f"Tagged “{tag}”"
        return {
            "showcase_grid": {
                "heading": heading,
                "tag": tag,
                "cards": [card(ctx, r, names=names) for r in newest_first(chosen)],
            }
        }

    return build


def credits_view(ctx: SiteContext, record_id: str) -> dict:
    """The credits of a production as an end-credits roll, from the same data as credits.json."""
    credits = site_credits(ctx, record_id)
    records = ctx.archive.records
    by_role: dict[str, list] = {}
    for p in credits.people:
        profile = urls.person(p.handle)  # every contributor has a page (builder/site/people.py)
        for role in p.roles:
            via = tuple(
                (r.title, urls.record(r.id), r.withdrawn) for r in p.records if role in r.roles
            )
            by_role.setdefault(role, []).append((p.name, profile, via))
    roles = [
        RoleGroup(role.replace("-", " ").capitalize(), tuple(by_role[role]))
        for role in sorted(by_role, key=role_rank)
    ]
    outside = [
        OutsideWork(
            o.title,
            o.author,
            o.license,
            o.url,
            tuple((records[rid].title, urls.record(rid)) for rid in o.used_by),
        )
        for o in credits.outside
    ]
    return {
        "id": record_id,
        "title": credits.title,
        "url": urls.record(record_id),
        "json": urls.credits_json(record_id),
        "roles": roles,
        "outside": outside,
        "people": len(credits.people),
        # Made from a timeline: what the cut uses, in order of first appearance.
        "used": [
            UsedLine(u.title, urls.record(u.id), when_text(u.usage), u.what) for u in credits.used
        ],
    }


def _credits_context(ctx: SiteContext, record_id: str) -> Callable[[], dict]:
    return lambda: {"showcase_credits": credits_view(ctx, record_id)}


def first_line(text: str) -> str:
    """The first non-blank line of a Markdown prompt as plain text (escaped by the template)."""
    for line in text.splitlines():
        line = line.strip().lstrip("#>*-+ ").strip()
        if line:
            return line
    return ""


@dataclass(frozen=True)
class Feature:
    """The latest production, playable on the home page, with its credits line."""

    url: str  # its record page
    view: RecordView  # what its record page plays (theme/showcase/macros.html player)
    credits_summary: tuple[str, ...]  # the first names of its roll
    credits_more: int  # how many more people it credits
    credits_url: str


@dataclass(frozen=True)
class OpenCall:
    title: str
    url: str
    prompt: str  # the first line of the prompt, plain text
    deadline: str | None  # ISO date
    days_left: str | None  # "12 days left", counted from the build's day


def home(ctx: SiteContext, names: dict[str, str], today: dt.date) -> dict:
    """The home page as of `today`, the build's day (open calls count their days from it)."""
    live = newest_first(r for r in ctx.archive.records.values() if r.withdrawn is None)
    productions = [r for r in live if r.kind == "production"]
    open_collabs = sorted(
        (c for c in ctx.archive.collaborations.values() if c.status == "open"),
        key=lambda c: (c.deadline is None, c.deadline or 0, c.slug),
    )
    return {
        "showcase_home": {
            "feature": feature(ctx, productions[0]) if productions else None,
            "latest": [tile(ctx, r, names) for r in live[:HOME_RECORDS]],
            "productions_url": urls.productions(),
            "gallery_url": urls.gallery(),
            "remix_url": urls.remix(),
            "collaborations": [
                OpenCall(
                    c.title,
                    urls.collaboration(c.slug),
                    first_line(c.prompt),
                    c.deadline.isoformat() if c.deadline else None,
                    days_left_text(c.deadline, today) if c.deadline else None,
                )
                for c in open_collabs
            ],
            "contribute_url": ctx.contribute_url,
        }
    }


def feature(ctx: SiteContext, record: Record) -> Feature:
    view = record_view(
        ctx.archive,
        ctx.graph,
        ctx.media,
        record.id,
        ctx.site_url,
        ctx.renderer,
        ctx.edits.get(record.id),
    )
    inline = captions_data_url(ctx.root, ctx.archive, record.id)  # plays from a folder too
    people = site_credits(ctx, record.id).people
    return Feature(
        urls.record(record.id),
        replace(view, captions_url=inline) if inline else view,
        tuple(p.name for p in people[:SUMMARY_NAMES]),
        max(0, len(people) - SUMMARY_NAMES),
        urls.credits_page(record.id),
    )
