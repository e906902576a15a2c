"""Every URL derives from ids alone, so links never break when a title or file changes."""

from __future__ import annotations


def record(record_id: str) -> str:
    return f"records/{record_id}/"


def record_media(record_id: str, file: str) -> str:
    return f"records/{record_id}/media/{file}"


def credits_json(record_id: str) -> str:
    return f"records/{record_id}/credits.json"


def credits_page(record_id: str) -> str:
    return f"records/{record_id}/credits/"


def productions() -> str:
    return "productions/"


def record_type(name: str) -> str:
    return f"browse/{name}/"


def tag(name: str) -> str:
    return f"tags/{name}/"


def person(handle: str) -> str:
    return f"people/{handle}/"


def collaboration(slug: str) -> str:
    return f"collaborations/{slug}/"


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` (a folder URL) to `to_url`, both site-relative:
    relative links keep the site working from a local folder as well as from a server."""
    depth = from_url.count("/")
    return "../" * depth + to_url
