"""feedgen extensions for what feedgen 1.0 cannot write.

`PodcastIndexExtension` / `PodcastIndexEntryExtension`: the Podcasting 2.0 namespace
(https://podcastindex.org/namespace/1.0, prefix `podcast:`) — channel `podcast:guid`
and `podcast:medium`; item `podcast:person`, `podcast:license` and `podcast:transcript`.

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
from lxml.etree import SubElement

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


def _element(parent, name: str, text: str | None = None, **attributes: str | None):
    elem = SubElement(parent, f"{{{PODCAST_NS}}}{name}")
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

    def extend_rss(self, feed):  # noqa: ANN001 - the lxml <rss> root
        channel = feed[0]
        if self._guid:
            _element(channel, "guid", self._guid)
        if self._medium:
            _element(channel, "medium", self._medium)
        return feed

    def guid(self, value: str) -> str:
        """The podcast's permanent UUIDv5 (see builder/feeds/settings.py for where it comes from)."""
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

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, item):  # noqa: ANN001 - the lxml <item>
        for p in self._people:
            _element(item, "person", p.name, role=p.role, group=p.group, img=p.img, href=p.href)
        if self._license:
            spdx, url = self._license
            _element(item, "license", spdx, url=url)
        for t in self._transcripts:
            _element(item, "transcript", url=t.url, type=t.type, rel=t.rel)
        return item

    def person(self, person: Person) -> None:
        self._people.append(person)

    def license(self, spdx: str, url: str | None) -> None:
        self._license = (spdx, url)

    def transcript(self, transcript: Transcript) -> None:
        self._transcripts.append(transcript)


class ExplicitExtension(BaseEntryExtension):
    """`<itunes:explicit>true|false</itunes:explicit>`, on the channel and on items alike
    (one class serves both: feedgen hands the <rss> root or the <item>)."""

    def __init__(self) -> None:
        self._explicit: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES_NS}

    def extend_rss(self, elem):  # noqa: ANN001 - the lxml <rss> root or an <item>
        if self._explicit is not None:
            parent = elem[0] if elem.tag == "rss" else elem
            SubElement(parent, f"{{{ITUNES_NS}}}explicit").text = "true" if self._explicit else "false"
        return elem

    def explicit(self, value: bool) -> None:
        self._explicit = bool(value)


def load(fg) -> None:  # noqa: ANN001 - a feedgen FeedGenerator
    """Register both extensions on `fg` (before its entries are added)."""
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    fg.register_extension("explicit", ExplicitExtension, ExplicitExtension)
