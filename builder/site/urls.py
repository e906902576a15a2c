"""Every URL derives from ids alone, so links never break when a title or file changes.

Page URLs name the page's file (`records/<id>/index.html`), not its folder: a browser
opening the site from a local folder does not look for index.html in a folder, and
every web server serves the file at that address too. So the same site works from a
server and from a folder (Showcase turns `use_directory_urls` off unless mkdocs.yml sets
it, so that Material's own navigation links name files as well; see UrlStyle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from mkdocs.utils import normalize_url

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page

INDEX = "index.html"


@dataclass(frozen=True)
class UrlStyle:
    """How the site publishes its pages' URLs. By default as files (what every function here
    makes). When mkdocs.yml sets `use_directory_urls: true` (plugin.py), as folders:
    `records/<id>/`, mkdocs' own URLs for such a site, which then needs a web server.

    The one place a URL takes the site's style is where it leaves the builder: the
    templates' `url` filter (plugin.py on_env) and where feeds and link previews join it to
    site_url (feeds, a record's link preview). The catalog keeps the file style, which a
    server serves as well."""

    directories: bool = False

    def link(self, url: str) -> str:
        """A site-relative URL in this style (query and fragment kept)."""
        if not self.directories:
            return url
        cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
        path, rest = url[:cut], url[cut:]
        if path == INDEX:
            return rest
        if path.endswith("/" + INDEX):
            return path.removesuffix(INDEX) + rest
        if path.endswith(".html"):  # a page of its own name (lineage.html): mkdocs' lineage/
            return path.removesuffix(".html") + "/" + rest
        return url

    def on_page(self, url: str, page: Page | None, base_url: str) -> str:
        """A site-relative URL as `page` links it: in this style, then relative to the page,
        as mkdocs' `url` filter makes it (normalize_url). The templates' `url` filter
        (plugin.py) is this; `linker` gives the same for many links of one page."""
        return normalize_url(self.link(url), page=page, base=base_url)

    def linker(
        self, page: Page | None, base_url: str, plain: dict[str, bool] | None = None
    ) -> Callable[[str], str]:
        """on_page(url, page, base_url) for the links of one page, where most go to its
        siblings (a dense archive's record page links ~240 other records in its remix
        trees): records/a/'s link to records/b/... is always `../b/...`, given without
        normalize_url's steps when both paths are plain, as that would give it. `plain`:
        which URLs were found plain, shared by the linkers of one build."""
        sibling = _sibling_prefix(page.url) if page is not None else None
        known = {} if plain is None else plain

        def link(url: str) -> str:
            url = self.link(url)
            if sibling is not None and url.startswith(sibling[0]):
                rest = url[len(sibling[0]) :]
                if rest and rest != sibling[1] and not rest.startswith(sibling[2]):
                    ok = known.get(url)
                    if ok is None:
                        ok = known[url] = _plain(url)
                    if ok:
                        return "../" + rest
            return normalize_url(url, page=page, base=base_url)

        return link


# What makes a path other than plain (normalize_url would change or read it differently):
# an empty, "." or ".." segment, a backslash, a scheme, a query or a fragment.
_ODD = re.compile(r"//|/\.\.?/|[\\:?#]")


def _sibling_prefix(page_url: str) -> tuple[str, str, str] | None:
    """("records/", "a", "a/") for a page at records/a/: its siblings' folders start with the
    first, and a link starting with the second and then the end or the third is its own
    folder's; None when the page's folder is not plain or has no parent."""
    folder, _, name = page_url.rpartition("/")
    if "." not in name:  # a page at a folder URL (records/a/): the folder is all of it
        folder = page_url.rstrip("/")
    parent, _, own = folder.rpartition("/")
    if not (parent and own) or not _plain(folder):
        return None
    return parent + "/", own, own + "/"


def _plain(path: str) -> bool:
    return path[:1] not in ("", "/", "#") and not _ODD.search("/" + path.removesuffix("/") + "/")


def page(folder: str) -> str:
    """The URL of the page generated at `<folder>/index.md` ("" for the home page)."""
    return f"{folder}/{INDEX}" if folder else INDEX


def page_source(url: str) -> str:
    """The mkdocs source path of the generated page at `url` (inverse of page())."""
    return url.removesuffix(INDEX) + "index.md"


def record(record_id: str) -> str:
    return page(f"records/{record_id}")


def record_media(record_id: str, file: str) -> str:
    return f"records/{record_id}/media/{file}"


def credits_json(record_id: str) -> str:
    return f"records/{record_id}/credits.json"


def credits_page(record_id: str) -> str:
    return page(f"records/{record_id}/credits")


def lineage(record_id: str, number: int = 1) -> str:
    """A record's full lineage page (`lineage.html`), or its page `number` (`lineage-2.html`)."""
    return f"records/{record_id}/lineage{'' if number == 1 else f'-{number}'}.html"


def lineage_source(record_id: str, number: int = 1) -> str:
    """The mkdocs source of lineage(): a file beside the record's page, not a folder's index."""
    return lineage(record_id, number).removesuffix(".html") + ".md"


def productions() -> str:
    return page("productions")


def gallery(number: int = 1, record_type: str | None = None) -> str:
    """Page `number` of the gallery of every record (records/index.html), or of one type's
    (records/type/<type>/...). No record's page is at these addresses: a record "page" or
    "type" is published at records/page/index.html, and a number or a type is never one of
    the folders a record page has (media/, credits/)."""
    base = f"records/type/{record_type}" if record_type else "records"
    return page(base if number == 1 else f"{base}/page/{number}")


def browse() -> str:
    return page("browse")


def remix(number: int = 1) -> str:
    """Page `number` of "Open to remix": the records whose license allows adaptations."""
    return page("remix" if number == 1 else f"remix/page/{number}")


def tags() -> str:
    return page("tags")


def record_type(name: str) -> str:
    return page(f"browse/{name}")


def tag(name: str) -> str:
    return page(f"tags/{name}")


def people() -> str:
    return page("people")


def person(handle: str) -> str:
    return page(f"people/{handle}")


def collaborations() -> str:
    return page("collaborations")


def collaboration(slug: str) -> str:
    return page(f"collaborations/{slug}")


def collaboration_feed(slug: str) -> str:
    return f"collaborations/{slug}/feed.xml"


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` to `to_url`, both site-relative: relative links
    keep the site working from a local folder as well as from a server."""
    depth = from_url.count("/")
    return "../" * depth + to_url
