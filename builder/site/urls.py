"""Every URL derives from ids alone, so links never break when a title or file changes.

Page URLs name the page's file (`records/<id>/index.html`), not its folder: a browser
opening the site from a local folder does not look for index.html in a folder, and
every web server serves the file at that address too. So the same site works from a
server and from a folder, whatever `use_directory_urls` says (mkdocs.yml turns it off,
so that Material's own navigation links name files as well).
"""

from __future__ import annotations

INDEX = "index.html"


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


def productions() -> str:
    return page("productions")


def browse() -> str:
    return page("browse")


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
