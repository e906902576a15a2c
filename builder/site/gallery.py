"""The gallery: every record as a picture tile, newest first, in pages of a fixed size.

All records at records/index.html (so that /records/ works), then records/page/<n>/;
one gallery per type at records/type/<type>/ (then .../page/<n>/). Pages are static and
out of the nav, as record pages are: at 5,000 records the nav stays small and each page
holds PAGE_SIZE tiles, whatever the archive's size.

A tile (also the home page's grid) is plain data: the type said by an icon and in words,
title, contributors, the duration of a sound or a film, and its thumbnail with the way it
may fill the tile (photos are cropped from the centre, anything with words is letterboxed:
builder/media/results.py visual_fit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..core.credits import role_rank
from ..core.model import RECORD_TYPES, Record, newest_first
from ..media.results import COVER
from . import urls
from .pages import GeneratedPage, SiteContext
from .views import RecordRef, clock, names_by_handle

# A multiple of 2, 3, 4 and 6: every full row of the grid is full at common widths.
PAGE_SIZE = 36
AROUND = 2  # page links either side of the current one (then an ellipsis, then the last)
TYPE_NAMES = {"text": "Text", "image": "Image", "audio": "Audio", "video": "Video"}
TYPE_PLURALS = {"text": "Texts", "image": "Images", "audio": "Audio", "video": "Video"}
# Material's icon for each type (theme/showcase/macros.html draws it: site/icons.py).
TYPE_ICONS = {
    "text": "material/text-box-outline",
    "image": "material/image-outline",
    "audio": "material/music-note",
    "video": "material/movie-open-outline",
}


@dataclass(frozen=True)
class Thumb:
    src: str
    srcset: tuple[tuple[str, int], ...]  # (url, width) of the responsive WebPs
    width: int
    height: int
    alt: str
    fit: str = COVER  # "cover": may be cropped; "contain": shown whole, letterboxed


@dataclass(frozen=True)
class Tile(RecordRef):
    """A record in a grid of pictures."""

    type_name: str  # "Image": said in words beside the icon, never by colour alone
    icon: str  # Material icon path, e.g. "material/image-outline"
    contributors: tuple[str, ...]  # names, in role order, each once
    thumb: Thumb | None  # None when withdrawn or without a visual
    duration: str | None  # "1:05" for audio and video


@dataclass(frozen=True)
class TypeLink:
    label: str  # "Images"
    url: str
    count: int
    current: bool


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


@dataclass(frozen=True)
class GalleryPage:
    heading: str
    tiles: tuple[Tile, ...]
    number: int  # this page, from 1
    count: int  # pages in this gallery
    total: int  # records in this gallery
    first: int  # the position of the first tile, from 1 (0 when empty)
    previous_url: str | None
    next_url: str | None
    pages: tuple[PageLink | None, ...]  # None: an ellipsis between distant numbers
    types: tuple[TypeLink, ...]  # "All" first, then each type the archive has
    contribute_url: str | None
    remix_url: str


def pages(ctx: SiteContext) -> list[GeneratedPage]:
    names = names_by_handle(ctx.archive)
    ordered = newest_first(ctx.archive.records.values())
    counts = type_counts(ordered)
    result = _gallery_pages(ctx, names, ordered, None, counts)
    for record_type in RECORD_TYPES:
        if counts.get(record_type):
            chosen = [r for r in ordered if r.type == record_type]
            result += _gallery_pages(ctx, names, chosen, record_type, counts)
    return result


def _gallery_pages(
    ctx: SiteContext,
    names: dict[str, str],
    records: Sequence[Record],
    record_type: str | None,
    counts: dict[str, int],
) -> list[GeneratedPage]:
    count = page_count(len(records))
    title = f"Gallery: {TYPE_PLURALS[record_type]}" if record_type else "Gallery"
    return [
        GeneratedPage(
            urls.page_source(urls.gallery(number, record_type)),
            "showcase/gallery.html",
            title if number == 1 else f"{title}, page {number}",
            _context(ctx, names, records, record_type, counts, number),
        )
        for number in range(1, count + 1)
    ]


def _context(
    ctx: SiteContext,
    names: dict[str, str],
    records: Sequence[Record],
    record_type: str | None,
    counts: dict[str, int],
    number: int,
) -> Callable[[], dict]:
    def build() -> dict:
        start = (number - 1) * PAGE_SIZE
        tiles = tuple(tile(ctx, r, names) for r in records[start : start + PAGE_SIZE])
        return {
            "showcase_gallery": gallery_page(
                tiles, len(records), number, record_type, counts, ctx.contribute_url
            )
        }

    return build


# -- views ------------------------------------------------------------------------------


def gallery_page(
    tiles: tuple[Tile, ...],
    total: int,
    number: int,
    record_type: str | None,
    counts: dict[str, int],
    contribute_url: str | None,
) -> GalleryPage:
    """Page `number` of a gallery of `total` records whose tiles are `tiles`."""
    count = page_count(total)
    link = lambda n: urls.gallery(n, record_type)  # noqa: E731 - one line, read once below
    return GalleryPage(
        heading=f"Gallery: {TYPE_PLURALS[record_type]}" if record_type else "Gallery",
        tiles=tiles,
        number=number,
        count=count,
        total=total,
        first=(number - 1) * PAGE_SIZE + 1 if tiles else 0,
        previous_url=link(number - 1) if number > 1 else None,
        next_url=link(number + 1) if number < count else None,
        pages=tuple(
            None if n is None else PageLink(n, link(n), n == number)
            for n in page_numbers(number, count)
        ),
        types=type_links(counts, record_type),
        contribute_url=contribute_url,
        remix_url=urls.remix(),
    )


def page_count(total: int) -> int:
    """Pages of a gallery of `total` records: at least one (an empty gallery invites)."""
    return max(1, -(-total // PAGE_SIZE))


def page_numbers(current: int, count: int, around: int = AROUND) -> tuple[int | None, ...]:
    """The page numbers to link: the first, the last, `around` either side of the current
    one; None where numbers are left out (drawn as an ellipsis)."""
    shown = sorted(
        {1, count, *range(current - around, current + around + 1)} & set(range(1, count + 1))
    )
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return tuple(out)


def type_counts(records: Iterable[Record]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in records:
        counts[r.type] = counts.get(r.type, 0) + 1
    return counts


def type_links(counts: dict[str, int], current: str | None) -> tuple[TypeLink, ...]:
    everything = TypeLink("All", urls.gallery(), sum(counts.values()), current is None)
    return (everything,) + tuple(
        TypeLink(TYPE_PLURALS[t], urls.gallery(1, t), counts[t], t == current)
        for t in RECORD_TYPES
        if counts.get(t)
    )


def tile(ctx: SiteContext, record: Record, names: dict[str, str] | None = None) -> Tile:
    info = ctx.media.get(record.id)
    timed = record.type in ("audio", "video") and info is not None and info.duration
    return Tile(
        **RecordRef.fields(record),
        type_name=TYPE_NAMES[record.type],
        icon=TYPE_ICONS[record.type],
        contributors=contributor_names(record, names or {}),
        thumb=None if record.withdrawn else thumb(ctx, record),
        duration=clock(info.duration) if timed and info and info.duration else None,
    )


def contributor_names(record: Record, names: dict[str, str]) -> tuple[str, ...]:
    """The record's people as shown: the name given, else the profile's, else the handle;
    in role order, each once."""
    return tuple(
        dict.fromkeys(
            c.name or names.get(c.handle, c.handle)
            for c in sorted(record.contributors, key=lambda c: role_rank(c.role))
        )
    )


def thumb(ctx: SiteContext, record: Record) -> Thumb | None:
    info = ctx.media.get(record.id)
    images = sorted(info.by_role("image"), key=lambda d: (d.width or 0, d.file)) if info else []
    if not info or not images:
        return None
    smallest, biggest = images[0], images[-1]
    return Thumb(
        urls.record_media(record.id, smallest.file),
        tuple((urls.record_media(record.id, d.file), d.width or 0) for d in images if d.width),
        biggest.width or 0,
        biggest.height or 0,
        record.alt or "",
        info.fit(record.type),
    )
