"""The plain RSS 2.0 feeds: productions, every record, one per collaboration.

    feed.xml                          productions
    records/feed.xml                  every record (fresh material to remix)
    collaborations/<slug>/feed.xml    the records that answered a collaboration

Two builds of the same archive give byte-identical feeds: items are ordered newest
first by `created` (ties by id, ascending), every date derives from the records
(an item's pubDate is its `created` at 00:00 UTC; the channel's lastBuildDate and
pubDate are its newest item's), never from the wall clock, and the generator is a
fixed string. feedgen prepends entries and stamps the current time by default, so
entries are added with order='append' and every date is set explicitly.

An item's GUID is `urn:uuid:` + uuid5(NAMESPACE_URL, "showcase:record:<id>")
(isPermaLink="false"): it depends on the record id alone, so it never changes when a
title, date, URL, file or the site's address changes, and ids are never reused.

Withdrawn records are left out (their media is gone). Record text is escaped or
sanitized as on pages: the item description is built from escaped text, the
record's Markdown rendered by the build's renderer, and the whole passed once more
through the same allow-list (plus our own <img>).
"""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlsplit

import nh3
from feedgen.feed import FeedGenerator
from markupsafe import escape

from ..core.markup import _ATTRIBUTES, _TAGS, MarkupLimit
from ..core.model import Record, newest_first
from ..errors import FixableError
from ..site import urls
from ..site.pages import SiteContext
from ..site.views import attribution

GENERATOR = "Showcase"
DOCS = "https://www.rssboard.org/rss-specification"
# An archive (or a collaboration) with no item yet still needs a fixed date.
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

_FEED_TAGS = _TAGS | {"img"}
_FEED_ATTRIBUTES = {**_ATTRIBUTES, "img": {"src", "alt", "width", "height"}}


class FeedError(FixableError, ValueError):
    """The feeds cannot be built as configured: `message` says what is wrong, `fix` what to
    change; str(error) is both, for the plugin to prefix with mkdocs.yml's name."""

    def __str__(self) -> str:
        return f"{self.message}: {self.fix}"


def feed_path(slug: str | None = None) -> str:
    """Site path of a feed: the productions' (None), "records", or a collaboration's slug."""
    if slug is None:
        return "feed.xml"
    if slug == "records":
        return "records/feed.xml"
    return urls.collaboration_feed(slug)


def rss_feeds(
    ctx: SiteContext, title: str, description: str, language: str = "en"
) -> dict[str, str]:
    """{site path: RSS XML} of every plain feed of the site."""
    base = _base(ctx.site_url)
    live = newest_first([r for r in ctx.archive.records.values() if r.withdrawn is None])
    feeds = {
        "feed.xml": _feed(
            ctx,
            base,
            "feed.xml",
            title,
            description,
            language,
            [r for r in live if r.kind == "production"],
        ),
        "records/feed.xml": _feed(
            ctx,
            base,
            "records/feed.xml",
            f"{title}: new records",
            f"Every new record of {title}, to remix.",
            language,
            live,
        ),
    }
    for slug, collab in ctx.archive.collaborations.items():
        path = feed_path(slug)
        feeds[path] = _feed(
            ctx,
            base,
            path,
            f"{title}: {collab.title}",
            f"The records made for “{collab.title}”.",
            language,
            [r for r in live if r.collaboration == slug],
            home=urls.collaboration(slug),
        )
    return feeds


def guid(record_id: str) -> str:
    """An item GUID, from the record id alone (see the module docstring)."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"showcase:record:{record_id}"))


def _base(site_url: str | None) -> str:
    parts = urlsplit(site_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        if not site_url:
            raise FeedError("feeds need absolute URLs", "set site_url in mkdocs.yml")
        raise FeedError(
            "feeds need absolute URLs",
            f"site_url {site_url!r} in mkdocs.yml "
            "must start with https:// (or http://) and a host name",
        )
    return site_url.rstrip("/") + "/"


def _day(date: dt.date) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(0), tzinfo=dt.timezone.utc)


def channel(
    base: str,
    path: str,
    title: str,
    description: str,
    language: str,
    newest: dt.date | None,
    home: str = "",
) -> FeedGenerator:
    """A feed at `path` with its channel set; every date from `newest` (the newest item's
    `created`)."""
    fg = FeedGenerator()
    fg.title(title)
    fg.description(description)
    fg.language(language)
    # The RSS <link> is the last link given; the self link becomes <atom:link rel="self">.
    fg.link(href=base + path, rel="self", type="application/rss+xml")
    fg.link(href=base + home, rel="alternate")
    fg.generator(GENERATOR)
    fg.docs(DOCS)
    date = _day(newest) if newest else _EPOCH
    fg.lastBuildDate(date)
    fg.pubDate(date)
    return fg


def item(fe, base: str, r: Record, description: str, style: urls.UrlStyle) -> None:  # noqa: ANN001 - feedgen FeedEntry
    """What every feed says of a record: title, link (in the site's URL style), GUID, date,
    description."""
    fe.title(r.title)
    fe.link(href=base + style.link(urls.record(r.id)))
    fe.guid(guid(r.id), permalink=False)
    fe.pubDate(_day(r.created))
    fe.description(description)


def _feed(
    ctx: SiteContext,
    base: str,
    path: str,
    title: str,
    description: str,
    language: str,
    records: list[Record],
    home: str = "",
) -> str:
    newest = records[0].created if records else None
    fg = channel(base, path, title, description, language, newest, ctx.url_style.link(home))
    fg.load_extension("dc")
    for r in records:
        _entry(ctx, base, fg.add_entry(order="append"), r)
    return fg.rss_str(pretty=True, encoding="UTF-8").decode("utf-8")


def _entry(ctx: SiteContext, base: str, fe, r: Record) -> None:  # noqa: ANN001 - feedgen FeedEntry
    item(fe, base, r, item_description(ctx, base, r), ctx.url_style)
    for name in dict.fromkeys(c.name or c.handle for c in r.contributors):
        fe.dc.dc_creator(name)
    for tag in r.tags:
        fe.category(term=tag)


def item_description(ctx: SiteContext, base: str, r: Record) -> str:
    """The item description: preview image, attribution line, the record's sanitized Markdown."""
    parts = []
    info = ctx.media.get(r.id)
    preview = info.by_role("preview") if info else []
    if preview:
        d = preview[0]
        size = f' width="{d.width}" height="{d.height}"' if d.width and d.height else ""
        parts.append(
            f'<p><img src="{escape(base + urls.record_media(r.id, d.file))}" '
            f'alt="{escape(r.alt or r.title)}"{size}></p>'
        )
    parts.append(f"<p>{escape(attribution(r))}</p>")
    if r.description:
        try:
            parts.append(ctx.renderer.render(r.description))
        except MarkupLimit:  # check reports it; a feed never fails to build over it
            pass
    return nh3.clean(
        "\n".join(parts),
        tags=_FEED_TAGS,
        attributes=_FEED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )
