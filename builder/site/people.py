"""A page for every contributor (people/<handle>/) and the people index (people/).

A contributor with a profile (content/people/<handle>.md) gets that page taken over: its
Markdown body is discarded by the plugin and the bio is rendered here, sanitized. Anyone
named only in records gets a generated page. Every string reaches the page through the
autoescaping template; the only HTML is the bio from pages.safe_html.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.credits import credits_of, role_rank
from ..core.model import Archive, Record, newest_first
from . import urls
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
    credited = _Credited(ctx)
    out = []
    for handle in handles:
        # A profile's own page (content/people/<handle>.md) is replaced: its body is
        # rendered by the view, sanitized, at the same URL as a person without one.
        replaces = f"people/{handle}.md" if handle in ctx.archive.people else None
        out.append(GeneratedPage(urls.page_source(urls.person(handle)), "showcase/person.html",
                                 display_name(ctx.archive, handle), _person_context(ctx, handle, credited),
                                 replaces=replaces))
    if "index" not in ctx.archive.people:  # content/people/index.md would be a profile page
        out.append(GeneratedPage(urls.page_source(urls.people()), "showcase/person.html", "People",
                                 _index_context(ctx, handles, credited)))
    return out


def contributor_handles(archive: Archive) -> list[str]:
    """Every handle named in any record, plus every profile, sorted."""
    found = {c.handle for r in archive.records.values() for c in r.contributors}
    found.update(archive.people)
    return sorted(found)


def display_name(archive: Archive, handle: str) -> str:
    return names_by_handle(archive).get(handle, handle)


def record_item(ctx: SiteContext, record: Record, roles: tuple[str, ...] = ()) -> RecordItem:
    return RecordItem(**RecordRef.fields(record), thumb=thumbnail(ctx.media, record), roles=roles)


class _Credited:
    """handle -> [(production, roles, via)], computed once for all pages, when first needed."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self._by_handle: dict[str, list[ProductionCredit]] | None = None

    def of(self, handle: str) -> list[ProductionCredit]:
        if self._by_handle is None:
            self._by_handle = {}
            archive = self.ctx.archive
            productions = newest_first([r for r in archive.records.values() if r.kind == "production"])
            for prod in productions:
                for p in credits_of(archive, self.ctx.graph, prod.id).people:
                    self._by_handle.setdefault(p.handle, []).append(ProductionCredit(
                        **RecordRef.fields(prod), thumb=thumbnail(self.ctx.media, prod), roles=p.roles,
                        via=tuple((r.title, urls.record(r.id)) for r in p.records)))
        return self._by_handle.get(handle, [])


def person_view(ctx: SiteContext, handle: str, credited: _Credited) -> PersonView:
    archive = ctx.archive
    person = archive.people.get(handle)
    records = []
    for record in newest_first(list(archive.records.values())):
        roles = [c.role for c in record.contributors if c.handle == handle]
        if roles:
            records.append(record_item(ctx, record, tuple(sorted(set(roles), key=role_rank))))
    links: tuple[str, ...] = ()
    bio = ""
    avatar = None
    if person is not None:
        links = tuple(link for link in person.links if link.lower().startswith(("http://", "https://")))
        bio = safe_html(person.bio) if person.bio.strip() else ""
        avatar = avatar_url(ctx, person.avatar)
    return PersonView(handle, display_name(archive, handle), person is not None, links, bio, avatar,
                      tuple(records), tuple(credited.of(handle)))


def avatar_url(ctx: SiteContext, name: str | None) -> str | None:
    if not name or name.startswith("/") or "\\" in name or ".." in name.split("/"):
        return None
    if not name.lower().endswith(AVATAR_SUFFIXES):
        return None
    path = ctx.root / "content" / "people" / name
    return f"people/{name}" if path.is_file() and not path.is_symlink() else None


def _person_context(ctx: SiteContext, handle: str, credited: _Credited):
    def build() -> dict:
        return {"showcase_person": person_view(ctx, handle, credited),
                "showcase_contribute_url": ctx.contribute_url}
    return build


def _index_context(ctx: SiteContext, handles: list[str], credited: _Credited):
    def build() -> dict:
        counts: dict[str, int] = {}
        for record in ctx.archive.records.values():
            for handle in {c.handle for c in record.contributors}:
                counts[handle] = counts.get(handle, 0) + 1
        entries = [PersonEntry(h, display_name(ctx.archive, h), urls.person(h), counts.get(h, 0),
                               len(credited.of(h))) for h in handles]
        entries.sort(key=lambda e: (e.name.casefold(), e.handle))
        return {"showcase_people": tuple(entries)}
    return build
