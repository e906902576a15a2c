"""Feed-wide settings: the `feeds:` block of the showcase plugin's config in mkdocs.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig

from .rss import FeedError, _base


class FeedsConfig(base.Config):
    # Feeds need absolute URLs: with feeds on (the default) a missing site_url is an error.
    enabled = c.Type(bool, default=True)
    title = c.Optional(c.Type(str))  # default: site_name
    description = c.Optional(c.Type(str))  # default: site_description
    language = c.Optional(c.Type(str))  # default: theme.language, else "en"


@dataclass(frozen=True)
class FeedSettings:
    base: str  # the site's absolute address, ending in "/"
    title: str
    description: str
    language: str


def feed_settings(feeds: FeedsConfig, config: MkDocsConfig, root: Path) -> FeedSettings | None:
    """The validated settings, None when feeds are off; FeedError says what to change."""
    if not feeds.enabled:
        return None
    return FeedSettings(
        base=_base(config.site_url),
        title=feeds.title or config.site_name,
        description=feeds.description or config.site_description or config.site_name,
        language=feeds.language or config.theme.get("language") or "en",
    )
