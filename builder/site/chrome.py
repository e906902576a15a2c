"""Material's page chrome, drawn once per place instead of once per page.

mkdocs-material renders the whole site navigation, the header, the footer and its
script settings into every page: at 1,000 record pages that is most of the build's
template time, and for a page outside the navigation (records, people, tags) the
result depends only on where the page sits, since nothing in the navigation is
active for it. So the chrome of such a page is rendered for the first page at a
place and reused, verbatim, for the others there.

What the chrome links to: the navigation's pages and links, the home page, the theme's
static files (stylesheets, scripts, search worker) and the docs' files mkdocs.yml names
(extra_css, extra_javascript, logo, favicon). Its
relative URLs from a page depend on the page's folder, and for targets outside that
folder's top-level folder only on its depth (`base_url`). So "the same place" is: the
same base_url, the same relative URL of every navigation link, and a top-level folder
that holds none of the static files (true of records/, people/ and browse/; a page in
assets/ is drawn as ever). Two pages at the same place get byte-identical chrome from
Material's own templates (tests/site/test_chrome.py builds a site both ways and compares).
"""

from __future__ import annotations

import os
from typing import Callable, Iterable, Iterator

from mkdocs.structure.files import File
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

# The blocks of Material's base.html reused here, and what else they read from the page:
#   header    the page's title (drawn once with a stand-in, which each page's title replaces)
#   site_nav  the navigation (links, active item) and the page's table of contents
#   footer    previous/next links, which only pages in the navigation have
#   config    the script settings: base_url and the search worker's URL
#   styles, libs, analytics, scripts: the theme's stylesheets and scripts
BLOCKS = frozenset(
    {"header", "site_nav", "footer", "config", "styles", "libs", "analytics", "scripts"}
)
TITLE = "\x00showcase:title\x00"  # cannot occur in a title: page titles are YAML strings

Key = tuple[str, ...]


class ChromeMemo:
    """Rendered blocks by key, for one build (a new navigation means a new memo)."""

    def __init__(self, nav: Navigation, static: Iterable[File] = ()) -> None:
        self._in_nav = {page.file.src_uri for page in nav.pages}
        homepage = [nav.homepage.url] if nav.homepage else []
        self._targets = sorted(set(_link_urls(nav.items)) | set(homepage))
        # Top-level folders of the files the chrome may link to (theme assets, extra CSS...).
        self._static_tops = {file.url.split("/", 1)[0] for file in static if "/" in file.url}
        self._html: dict[Key, str] = {}
        self._place: tuple[Page | None, Key | None] = (None, None)
        self.hits = 0

    @staticmethod
    def static_files(files: Iterable[File], docs_dir: str, named: Iterable[str] = ()) -> list[File]:
        """The files the chrome may link to: the theme's (stylesheets, scripts, the search
        worker, a custom_dir's assets) and the docs' files mkdocs.yml names (`named`: extra_css,
        extra_javascript, the logo and favicon). Not the plugin's own files (media, feeds) nor
        other docs files, such as the avatars in people/: page content links those, the
        chrome never does, so the pages beside them still share their chrome."""
        named = {str(n).lstrip("/") for n in named}
        docs = os.path.normpath(docs_dir)
        return [
            f
            for f in files
            if not f.is_documentation_page()
            and f.generated_by is None
            and (os.path.normpath(f.src_dir or "") != docs or f.src_uri in named)
        ]

    def key(self, block: str, page: Page | None, base_url: str) -> Key | None:
        """The key of `block` on `page`, or None when the page's own state shows in it."""
        if block not in BLOCKS or page is None:
            return None
        if block == "site_nav" and page.toc.items:
            return None  # its table of contents is drawn beside the navigation
        place = self._place_of(page, base_url)
        return None if place is None else (block, *place)

    def _place_of(self, page: Page, base_url: str) -> Key | None:
        """Worked out once per page (the blocks of one page are drawn one after another)."""
        if self._place[0] is not page:
            self._place = (page, self._compute_place(page, base_url))
        return self._place[1]

    def _compute_place(self, page: Page, base_url: str) -> Key | None:
        if page.file.src_uri in self._in_nav or page.meta.get("hide"):
            return None  # an active item or previous/next links; or parts hidden
        if page.url.split("/", 1)[0] in self._static_tops:
            return None  # beside the theme's files: their relative URLs depend on the folder
        return (base_url, *(normalize_url(url, page=page) for url in self._targets))

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
