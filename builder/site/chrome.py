"""Material's page chrome, drawn once per place instead of once per page.

mkdocs-material renders the whole site navigation, the footer and its script
settings into every page: at 1,000 record pages that is a third of the build's
template time, and for a page outside the navigation (records, people, tags) the
result depends only on where the page sits, since nothing in the navigation is
active for it. So the chrome of such a page is rendered for the first page at a
place and reused, verbatim, for the others there.

"The same place" is decided by what the chrome's markup depends on: the relative
root (`base_url`) and the relative URL of every navigation link as seen from the
page. Two pages with equal keys get byte-identical chrome from Material's own
templates (tests/site/test_chrome.py builds a site both ways and compares).
"""

from __future__ import annotations

from typing import Callable, Iterator

from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

# The blocks of Material's base.html reused here, and what else they read from the page:
#   header    the page's title (drawn once with a stand-in, which each page's title replaces)
#   site_nav  the navigation (links, active item) and the page's table of contents
#   footer    previous/next links, which only pages in the navigation have
#   config    the script settings: base_url and the search worker's URL
BLOCKS = ("header", "site_nav", "footer", "config")
TITLE = "\x00showcase:title\x00"  # cannot occur in a title: page titles are YAML strings

Key = tuple[str, ...]


class ChromeMemo:
    """Rendered blocks by key, for one build (a new navigation means a new memo)."""

    def __init__(self, nav: Navigation) -> None:
        self._in_nav = {page.file.src_uri for page in nav.pages}
        homepage = [nav.homepage.url] if nav.homepage else []
        self._targets = sorted(set(_link_urls(nav.items)) | set(homepage))
        self._html: dict[Key, str] = {}
        self.hits = 0

    def key(self, block: str, page: Page | None, base_url: str) -> Key | None:
        """The key of `block` on `page`, or None when the page's own state shows in it."""
        if block not in BLOCKS or page is None or page.file.src_uri in self._in_nav:
            return None
        if page.meta.get("hide"):
            return None  # a page that hides parts of the chrome
        if block == "config":
            return (block, base_url)
        if block == "site_nav" and page.toc.items:
            return None  # its table of contents is drawn beside the navigation
        return (block, base_url, *(normalize_url(url, page=page) for url in self._targets))

    def render(self, block: str, page: Page | None, base_url: str, draw: Callable[[], str]) -> str:
        """The block as Material draws it on this page: from the memo when its key was seen."""
        key = self.key(block, page, base_url)
        if key is None:
            return draw()
        if block == "header":
            return self._header(key, page, draw)
        if key in self._html:
            self.hits += 1
        else:
            self._html[key] = draw()
        return self._html[key]

    def _header(self, key: Key, page: Page, draw: Callable[[], str]) -> str:
        title = page.meta.get("title")
        if not title:
            return draw()  # Material would show page.title: not ours to second-guess
        if key in self._html:
            self.hits += 1
        else:
            page.meta["title"] = TITLE
            try:
                html = str(draw())  # plain text: Markup.replace would escape the title again
            finally:
                page.meta["title"] = title
            if html.count(TITLE) != 1:
                return draw()  # a header that shows the title twice, or not at all: draw each
            self._html[key] = html
        # Material prints the title as it is (its templates do not escape): so do we.
        return self._html[key].replace(TITLE, str(title))


def _link_urls(items: list) -> Iterator[str]:
    for item in items:
        if isinstance(item, Section):
            yield from _link_urls(item.children)
        elif isinstance(item, (Page, Link)):
            yield item.url
