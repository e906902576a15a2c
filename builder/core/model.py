"""The archive as immutable data: what every later stage (graph, credits, pages, feeds) reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterable, Literal, Mapping

RecordType = Literal["text", "image", "audio", "video"]
RecordKind = Literal["contribution", "production"]
RECORD_TYPES: tuple[RecordType, ...] = ("text", "image", "audio", "video")
RECORD_KINDS: tuple[RecordKind, ...] = ("contribution", "production")


@dataclass(frozen=True)
class Contributor:
    handle: str
    role: str
    name: str | None = None


@dataclass(frozen=True)
class RecordSource:
    """A source that is another record of this archive."""

    id: str
    line: int


@dataclass(frozen=True)
class OutsideSource:
    """A Creative Commons work from elsewhere, credited and license-checked like a record."""

    title: str
    author: str
    url: str
    license: str
    line: int


Source = RecordSource | OutsideSource


@dataclass(frozen=True)
class Withdrawal:
    date: dt.date
    reason: str


@dataclass(frozen=True)
class Record:
    id: str
    title: str
    type: RecordType
    file: str | None  # None only for a withdrawn record whose media is gone
    contributors: tuple[Contributor, ...]
    license: str
    created: dt.date
    kind: RecordKind = "contribution"
    alt: str | None = None
    sources: tuple[Source, ...] = ()
    description: str = ""
    tags: tuple[str, ...] = ()
    collaboration: str | None = None
    poster: str | None = None
    captions: str | None = None
    transcript: str | None = None
    explicit: bool = False
    withdrawn: Withdrawal | None = None
    # field name -> line in record.yaml, so later checks can point at the right line
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    @property
    def folder(self) -> str:
        return f"records/{self.id}"

    @property
    def yaml_path(self) -> str:
        return f"records/{self.id}/record.yaml"

    def line_of(self, name: str) -> int:
        return self.lines.get(name, 1)

    @property
    def record_sources(self) -> tuple[RecordSource, ...]:
        return tuple(s for s in self.sources if isinstance(s, RecordSource))

    @property
    def named_files(self) -> dict[str, str]:
        """field -> file name, for every field that names a file in the folder."""
        names = {
            "file": self.file,
            "poster": self.poster,
            "captions": self.captions,
            "transcript": self.transcript,
        }
        return {k: v for k, v in names.items() if v is not None}


@dataclass(frozen=True)
class Person:
    handle: str
    path: str
    name: str | None = None
    links: tuple[str, ...] = ()
    avatar: str | None = None
    bio: str = ""
    avatar_line: int = 0  # where `avatar` is written, for problems with the file it names


@dataclass(frozen=True)
class Collaboration:
    slug: str
    path: str
    title: str
    status: Literal["open", "closed"]
    deadline: dt.date | None = None
    prompt: str = ""


@dataclass(frozen=True)
class Archive:
    records: Mapping[str, Record]
    people: Mapping[str, Person]
    collaborations: Mapping[str, Collaboration]
    # ids of record folders that exist but whose record.yaml could not be read into a
    # Record: references to them are not "unknown", their own problems say what is wrong
    unreadable: frozenset[str] = frozenset()

    @staticmethod
    def of(
        records: list[Record],
        people: list[Person] = (),
        collaborations: list[Collaboration] = (),
        unreadable: frozenset[str] = frozenset(),
    ) -> Archive:
        return Archive(
            MappingProxyType({r.id: r for r in sorted(records, key=lambda r: r.id)}),
            MappingProxyType({p.handle: p for p in sorted(people, key=lambda p: p.handle)}),
            MappingProxyType({c.slug: c for c in sorted(collaborations, key=lambda c: c.slug)}),
            frozenset(unreadable),
        )

    def exists(self, record_id: str) -> bool:
        return record_id in self.records or record_id in self.unreadable


def newest_first(records: Iterable[Record]) -> list[Record]:
    """The archive's one order for lists and feeds: newest `created` first; records of the
    same day by id, A to Z, so that every list (and every build) agrees."""
    return sorted(records, key=lambda r: (-r.created.toordinal(), r.id))
