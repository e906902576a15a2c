"""The site's feeds: plain RSS (rss.py), the podcast (podcast.py), their settings (settings.py)."""

from __future__ import annotations

from ..site.pages import SiteContext
from .podcast import podcast_files
from .rss import FeedError, rss_feeds
from .settings import FeedsConfig, FeedSettings, feed_settings, require_podcast


def feed_files(ctx: SiteContext, settings: FeedSettings) -> dict[str, str | bytes]:
    """{site path: content} of every feed of the site and the files they need."""
    files: dict[str, str | bytes] = dict(
        rss_feeds(ctx, settings.title, settings.description, settings.language)
    )
    files.update(podcast_files(ctx, settings))
    return files


__all__ = [
    "FeedError",
    "FeedSettings",
    "FeedsConfig",
    "feed_files",
    "feed_settings",
    "require_podcast",
    "rss_feeds",
]
