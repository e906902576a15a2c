"""A page for every contributor (people/<handle>/) and the people index (people/).

A contributor with a profile (content/people/<handle>.md) gets that page taken over: its
Markdown body is discarded by the plugin and the bio is rendered here, sanitized. Anyone
named only in records gets a generated page. Every string reaches the page through the
autoescaping template; the only HTML is the bio from pages.safe_html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core.credits import role_rank
from ..core.model import Archive, Record, newest_first
from . import urls
from .catalog import site_credits
from .pages import GeneratedPage, SiteContext, safe_html
from .views import RecordRef, names_by_handle, thumbnail

# What a profile's avatar may be: an image a browser shows in <img> (never a page or a script).
AVATAR_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")
THUMB_SIZE = 64


@dataclass(frozen=True)
class RecordItem(RecordRef):
    """A record in a list: title, link, thumbnail (None when withdrawn or without media)."""

    thumb: str | None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProductionCredit(RecordRef):
    """A production that credits a person: their roles in it and the records that put them there."""

    thumb: str | None
    roles: tuple[str, ...]
    via: tuple[tuple[str, str], ...]  # (title, url) of the records through which they are credited


@dataclass(frozen=True)
class PersonView:
    handle: str
    name: str
    has_profile: bool
    links: tuple[str, ...]
    bio_html: str  # sanitized by core.markup
    avatar: str | None  # site-relative URL of the avatar image, when the file exists
    records: tuple[RecordItem, ...]  # newest first
    productions: tuple[ProductionCredit, ...]  # newest first


@dataclass(frozen=True)
class PersonEntry:
    """One line of the people index."""

    handle: str
    name: str
    url: str
    records: int
    productions: int


def pages(ctx: SiteContext) -> list[GeneratedPage]:
    handles = contributor_handles(ctx.archive)
    index = _People(ctx)
    out = []
    for handle in handles:
        # A profile's own page (content/people/<handle>.md) is replaced: its body is
        # rendered by the view, sanitized, at the same URL as a person without one.
        replaces = f"people/{handle}.md" if handle in ctx.archive.people else None
        out.append(
            GeneratedPage(
                urls.page_source(urls.person(handle)),
                "showcase/person.html",
                index.name(handle),
                _person_context(ctx, handle, index),
                replaces=replaces,
            )
        )
    if "index" not in ctx.archive.people:  # content/people/index.md would be a profile page
        out.append(
            GeneratedPage(
                urls.page_source(urls.people()),
                "showcase/person.html",
                "People",
                _index_context(ctx, handles, index),
            )
        )
    return out


def contributor_handles(archive: Archive) -> list[str]:
    """Every handle named in any record, plus every profile, sorted."""
    found = {c.handle for r in archive.records.values() for c in r.contributors}
    found.update(archive.people)
    return sorted(found)


def record_item(ctx: SiteContext, record: Record, roles: tuple[str, ...] = ()) -> RecordItem:
    return RecordItem(**RecordRef.fields(record), thumb=thumbnail(ctx.media, record), roles=roles)


class _People:
    """What every person's page reads about everyone, worked out once for all of them:
    names, each person's records (newest first, with their roles) and, when first asked,
    the productions that credit them."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self._names = names_by_handle(ctx.archive)
        self._records: dict[str, list[RecordItem]] = {}
        for record in newest_first(list(ctx.archive.records.values())):
            roles: dict[str, list[str]] = {}
            for c in record.contributors:
                roles.setdefault(c.handle, []).append(c.role)
            for handle, mine in roles.items():
                self._records.setdefault(handle, []).append(
                    record_item(ctx, record, tuple(sorted(set(mine), key=role_rank)))
                )
        self._credits: dict[str, list[ProductionCredit]] | None = None

    def name(self, handle: str) -> str:
        return self._names.get(handle, handle)

    def records(self, handle: str) -> list[RecordItem]:
        return self._records.get(handle, [])

    def credits(self, handle: str) -> list[ProductionCredit]:
        if self._credits is None:
            self._credits = {}
            archive = self.ctx.archive
            productions = newest_first(
                [r for r in archive.records.values() if r.kind == "production"]
            )
            for prod in productions:
                for p in site_credits(self.ctx, prod.id).people:
                    self._credits.setdefault(p.handle, []).append(
                        ProductionCredit(
                            **RecordRef.fields(prod),
                            thumb=thumbnail(self.ctx.media, prod),
                            roles=p.roles,
                            via=tuple((r.title, urls.record(r.id)) for r in p.records),
                        )
                    )
        return self._credits.get(handle, [])


def person_view(ctx: SiteContext, handle: str, index: _People) -> PersonView:
    person = ctx.archive.people.get(handle)
    links: tuple[str, ...] = ()
    bio = ""
    avatar = None
    if person is not None:
        links = tuple(
            link for link in person.links if link.lower().startswith(("http://", "https://"))
        )
        bio = safe_html(person.bio, ctx.renderer) if person.bio.strip() else ""
        avatar = avatar_url(ctx, person.avatar)
    return PersonView(
        handle,
        index.name(handle),
        person is not None,
        links,
        bio,
        avatar,
        tuple(index.records(handle)),
        tuple(index.credits(handle)),
    )


def avatar_url(ctx: SiteContext, name: str | None) -> str | None:
    if not name or name.startswith("/") or "\\" in name or ".." in name.split("/"):
        return None
    if not name.lower().endswith(AVATAR_SUFFIXES):
        return None
    path = ctx.root / "content" / "people" / name
    return f"people/{name}" if path.is_file() and not path.is_symlink() else None


def _person_context(ctx: SiteContext, handle: str, index: _People) -> Callable[[], dict]:
    def build() -> dict:
        return {
            "showcase_person": person_view(ctx, handle, index),
            "showcase_contribute_url": ctx.contribute_url,
        }

    return build


def _index_context(ctx: SiteContext, handles: list[str], index: _People) -> Callable[[], dict]:
    def build() -> dict:
        entries = [
            PersonEntry(
                h, index.name(h), urls.person(h), len(index.records(h)), len(index.credits(h))
            )
            for h in handles
        ]
        entries.sort(key=lambda e: (e.name.casefold(), e.handle))
        return {"showcase_people": tuple(entries)}

    return build
