"""The site's feeds: plain RSS (rss.py); the podcast comes later."""

from .rss import FeedError, rss_feeds

__all__ = ["FeedError", "rss_feeds"]
