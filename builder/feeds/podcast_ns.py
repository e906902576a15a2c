"""feedgen extensions for what feedgen 1.0 cannot write.

`PodcastIndexExtension` / `PodcastIndexEntryExtension`: the Podcasting 2.0 namespace
(https://podcastindex.org/namespace/1.0, prefix `podcast:`) — channel `podcast:guid`
and `podcast:medium`; item `podcast:person`, `podcast:license`, `podcast:transcript` and
`podcast:value` with its `podcast:valueRecipient`s and `podcast:valueTimeSplit`s (each
pointing at the record heard then through a `podcast:remoteItem`).

`ExplicitExtension`: `<itunes:explicit>` as Apple documents
it today, `true` or `false`. feedgen's own podcast extension only writes the legacy
"yes"/"no"/"clean" (and drops anything else without a word), so feeds leave its
itunes_explicit unset and load this one instead.

Both go through feedgen's extension mechanism:

    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    fg.podcastindex.guid("…"); fe.podcastindex.person("Ana Lima", role="writer", group="writing")

Values are plain text (lxml escapes them); elements are written in the order they were
given, so the same calls give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml.etree import SubElement, _Element

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
# podcast:medium values for a feed of items (the "…L" list mediums hold no items).
MEDIUMS = ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "course")


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # from the Podcast Taxonomy, lower case
    group: str
    href: str | None = None
    img: str | None = None


@dataclass(frozen=True)
class Transcript:
    url: str
    type: str  # a MIME type: text/vtt, text/plain, application/x-subrip, ...
    rel: str | None = None  # "captions" for timed captions


@dataclass(frozen=True)
class ValueRecipient:
    """Who the archive's value block pays (podcast-namespace docs/tags/value-recipient.md)."""

    name: str
    type: str  # the kind of address: "node", "lnaddress", ...
    address: str
    split: int  # shares of each payment
    fee: bool = False
    custom_key: str | None = None
    custom_value: str | None = None


@dataclass(frozen=True)
class ValueBlock:
    """The archive's `podcast:value` (docs/tags/value.md), from feeds.value in mkdocs.yml."""

    type: str  # the payment layer: "lightning", ...
    method: str  # its transport: "keysend", ...
    recipients: tuple[ValueRecipient, ...]
    suggested: str | None = None
    remote_percentage: int = 90  # what the record heard gets during its stretch (valueTimeSplit)


@dataclass(frozen=True)
class TimeSplit:
    """A stretch of the episode paid to the item of the record heard then
    (docs/tags/value-time-split.md, remote-item.md). Times in seconds."""

    start: float
    duration: float
    remote_start: float  # where in the record the stretch begins
    feed_guid: str
    item_guid: str
    feed_url: str


def _number(value: float) -> str:
    """Seconds as the namespace writes them: 60, 12.5 (no exponent, no trailing zeros)."""
    return format(value, ".3f").rstrip("0").rstrip(".")


def _element(
    parent: _Element, tag: str, text: str | None = None, **attributes: str | None
) -> _Element:
    elem = SubElement(parent, f"{{{PODCAST_NS}}}{tag}")
    for key, value in attributes.items():
        if value is not None:
            elem.attrib[key] = value
    if text is not None:
        elem.text = text
    return elem


class PodcastIndexExtension(BaseExtension):
    """Channel tags of the Podcasting 2.0 namespace."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._medium: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, feed: _Element) -> _Element:  # the <rss> root
        channel = feed[0]
        if self._guid:
            _element(channel, "guid", self._guid)
        if self._medium:
            _element(channel, "medium", self._medium)
        return feed

    def guid(self, value: str) -> str:
        """The podcast's permanent UUIDv5 (see builder/feeds/settings.py for where it comes
        from)."""
        self._guid = value
        return value

    def medium(self, value: str) -> str:
        if value not in MEDIUMS:
            raise ValueError(f"podcast:medium {value!r} is not one of {', '.join(MEDIUMS)}")
        self._medium = value
        return value


class PodcastIndexEntryExtension(BaseEntryExtension):
    """Item tags of the Podcasting 2.0 namespace."""

    def __init__(self) -> None:
        self._people: list[Person] = []
        self._license: tuple[str, str | None] | None = None
        self._transcripts: list[Transcript] = []
        self._value: tuple[ValueBlock, tuple[TimeSplit, ...]] | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, item: _Element) -> _Element:  # an <item>
        for p in self._people:
            _element(item, "person", p.name, role=p.role, group=p.group, img=p.img, href=p.href)
        if self._license:
            spdx, url = self._license
            _element(item, "license", spdx, url=url)
        for t in self._transcripts:
            _element(item, "transcript", url=t.url, type=t.type, rel=t.rel)
        if self._value:
            _value(item, *self._value)
        return item

    def person(self, person: Person) -> None:
        self._people.append(person)

    def license(self, spdx: str, url: str | None) -> None:
        self._license = (spdx, url)

    def transcript(self, transcript: Transcript) -> None:
        self._transcripts.append(transcript)

    def value(self, block: ValueBlock, splits: tuple[TimeSplit, ...]) -> None:
        """The item's value block; `splits` must not overlap (usage.heard_stretches)."""
        for a, b in zip(splits, splits[1:]):
            if a.start + a.duration > b.start:
                raise ValueError(
                    f"podcast:valueTimeSplit at {a.start} s overlaps the next, at {b.start} s"
                )
        self._value = (block, splits)


def _value(item: _Element, block: ValueBlock, splits: tuple[TimeSplit, ...]) -> None:
    value = _element(item, "value", type=block.type, method=block.method, suggested=block.suggested)
    for r in block.recipients:
        _element(
            value,
            "valueRecipient",
            name=r.name,
            type=r.type,
            address=r.address,
            split=str(r.split),
            fee="true" if r.fee else None,
            customKey=r.custom_key,
            customValue=r.custom_value,
        )
    for s in splits:
        split = _element(
            value,
            "valueTimeSplit",
            startTime=_number(s.start),
            duration=_number(s.duration),
            remoteStartTime=_number(s.remote_start),
            remotePercentage=str(block.remote_percentage),
        )
        _element(
            split, "remoteItem", feedGuid=s.feed_guid, itemGuid=s.item_guid, feedUrl=s.feed_url
        )


class ExplicitExtension(BaseEntryExtension):
    """`<itunes:explicit>true|false</itunes:explicit>`, on the channel and on items alike
    (one class serves both: feedgen hands the <rss> root or the <item>)."""

    def __init__(self) -> None:
        self._explicit: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES_NS}

    def extend_rss(self, elem: _Element) -> _Element:  # the <rss> root or an <item>
        if self._explicit is not None:
            parent = elem[0] if elem.tag == "rss" else elem
            SubElement(parent, f"{{{ITUNES_NS}}}explicit").text = (
                "true" if self._explicit else "false"
            )
        return elem

    def explicit(self, value: bool) -> None:
        self._explicit = bool(value)


def load(fg) -> None:  # noqa: ANN001 - a feedgen FeedGenerator
    """Register both extensions on `fg` (before its entries are added)."""
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    fg.register_extension("explicit", ExplicitExtension, ExplicitExtension)
