"""Which feeds a page advertises, and the sitemaps that advertising needs.

Every page's head names the site-wide feeds (<link rel="alternate">, the way feed readers
discover them) and a collaboration's page its own feed too; the home and productions
pages show them as subscribe links.

mkdocs-material takes every <link rel="alternate"> for a translated version of the site
and fetches the sitemap.xml beside it (to map a page to its translation). Beside
records/feed.xml and collaborations/<slug>/feed.xml there is none, so each of those
folders gets a sitemap of its own pages: a valid sitemap (sitemaps.org allows one per
folder, listing that folder's URLs) that also spares every page view a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from . import urls
from .pages import SiteContext

RSS = "application/rss+xml"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class FeedLink:
    url: str  # site-relative
    title: str
    kind: str  # "productions", "records", "podcast", "collaboration"


def site_feeds(title: str, published: set[str]) -> tuple[FeedLink, ...]:
    """The site-wide feeds that this build publishes, in the order a reader lists them."""
    candidates = (
        FeedLink("feed.xml", f"{title}: productions", "productions"),
        FeedLink("podcast.xml", f"{title}: podcast", "podcast"),
        FeedLink("records/feed.xml", f"{title}: new records", "records"),
    )
    return tuple(link for link in candidates if link.url in published)


def collaboration_feed(ctx: SiteContext, slug: str) -> FeedLink | None:
    """A collaboration's own feed, when this build publishes it (ctx.feeds)."""
    url = urls.collaboration_feed(slug)
    if url not in ctx.feeds:
        return None
    return FeedLink(
        url, f"{ctx.archive.collaborations[slug].title}: records that answered", "collaboration"
    )


def folder_sitemaps(base: str, feeds: list[FeedLink], page_urls: list[str]) -> dict[str, str]:
    """{path: sitemap XML} for the folder of every advertised feed not at the site's root,
    listing the site's pages (site-relative URLs) inside that folder."""
    out: dict[str, str] = {}
    for feed in feeds:
        folder = feed.url.rpartition("/")[0]
        if folder:
            pages = sorted(url for url in page_urls if url.startswith(folder + "/"))
            out[f"{folder}/sitemap.xml"] = _sitemap(base, pages)
    return out


def _sitemap(base: str, pages: list[str]) -> str:
    entries = "".join(f"  <url><loc>{escape(base + page)}</loc></url>\n" for page in pages)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
        f"{entries}</urlset>\n"
    )
