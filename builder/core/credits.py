"""Who made a record: everyone in its ancestry, with roles and the records that credit them.

Ordered as an end-credits roll: the people who made the production itself first,
then outward through its lineage; within a step, by the weight of their role.

A production made from a timeline (an `Edit`) says more: every record its cut uses
directly carries its usage (builder/timeline/usage.py: where it appears on the
production's clock, which part of it was taken, for how long it is seen or heard), and
the people of those records come in order of their first appearance in the cut, then by
role; records reached only through the lineage keep their lineage credit, after them.
Without an edit the credits are what they always were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cached_property
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Literal

from ..timeline.model import Edit, seconds
from ..timeline.usage import Usage, usage_of, when_text
from .graph import RemixGraph
from .model import Archive, OutsideSource, Record

# Roughly the order of film and album credits; unknown roles follow, alphabetically.
ROLE_ORDER = (
    "director",
    "producer",
    "writer",
    "editor",
    "composer",
    "performer",
    "voice",
    "photographer",
    "illustrator",
    "animator",
    "sound-designer",
    "musician",
)


@dataclass(frozen=True)
class CreditedRecord:
    id: str
    title: str
    withdrawn: bool
    roles: tuple[str, ...]  # what the person did on this record
    usage: Usage | None = None  # what the record gave the production's cut, when used directly

    @cached_property
    def json_text(self) -> str:
        """Its credits.json entry as compact JSON (credits_json_text): made once, however
        many credits hold the same record (credits_of shares them when unused by a cut)."""
        return _compact(_record_json(self))


@dataclass(frozen=True)
class UsedRecord:
    """A record the production's cut uses directly, with what the roll and the page say of it."""

    id: str
    title: str
    type: str
    license: str
    # contributors' names, in role order, each once; music: its artists (see `_used`)
    makers: tuple[str, ...]
    what: str  # footage, image, words, music or sound (see `what_it_is`)
    usage: Usage


@dataclass(frozen=True)
class PersonCredit:
    handle: str
    name: str
    roles: tuple[str, ...]
    records: tuple[CreditedRecord, ...]  # nearest first


@dataclass(frozen=True)
class OutsideCredit:
    title: str
    author: str
    url: str
    license: str
    used_by: tuple[str, ...]  # record ids in the lineage that use it


@dataclass(frozen=True)
class Credits:
    id: str
    title: str
    kind: str
    people: tuple[PersonCredit, ...]
    outside: tuple[OutsideCredit, ...]
    # Made from a timeline: the records its cut uses, in order of first appearance.
    used: tuple[UsedRecord, ...] = ()
    license: str = ""  # the production's own (the roll ends with the licenses)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "people": [
                {
                    "handle": p.handle,
                    "name": p.name,
                    "roles": list(p.roles),
                    "records": [_record_json(r) for r in p.records],
                }
                for p in self.people
            ],
            "outside_sources": [_outside_json(o) for o in self.outside],
        }


def _outside_json(o: OutsideCredit) -> dict:
    return {
        "title": o.title,
        "author": o.author,
        "url": o.url,
        "license": o.license,
        "used_by": list(o.used_by),
    }


def credits_json_text(credits: Credits) -> str:
    """`json.dumps(credits.to_json(), ensure_ascii=False, sort_keys=True)`, as catalog.json
    holds every record's credits, written from each credited record's own text: in a dense
    archive the catalog names each record once per credits whose lineage holds it, hundreds
    of times, and encoding those dicts again each time was most of the catalog's work."""
    text = encode_basestring  # a string exactly as json.dumps writes it (ensure_ascii off)
    people = ", ".join(
        f'{{"handle": {text(p.handle)}, "name": {text(p.name)}, '
        f'"records": [{", ".join([r.json_text for r in p.records])}], '
        f'"roles": [{", ".join(map(text, p.roles))}]}}'
        for p in credits.people
    )
    outside = _compact([_outside_json(o) for o in credits.outside])
    return (
        f'{{"id": {text(credits.id)}, "kind": {text(credits.kind)}, '
        f'"outside_sources": {outside}, "people": [{people}], "title": {text(credits.title)}}}'
    )


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _record_json(r: CreditedRecord) -> dict:
    data = {"id": r.id, "title": r.title, "withdrawn": r.withdrawn, "roles": list(r.roles)}
    if r.usage is not None:  # only records a timeline uses: other credits keep their shape
        data["usage"] = r.usage.to_json()
    return data


def role_rank(role: str) -> tuple[int, str]:
    return (ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER), role)


def _by_rank(roles: list[str] | set[str]) -> tuple[str, ...]:
    """Roles once each, by role_rank (one role, the common case, needs no sort)."""
    if len(roles) == 1:
        return tuple(roles)
    return tuple(sorted(set(roles), key=role_rank))


def credits_of(
    archive: Archive, graph: RemixGraph, record_id: str, edit: Edit | None = None
) -> Credits:
    """The credits of a record; with its `edit` (Loaded.edits), what its cut uses, and how."""
    record = archive.records[record_id]
    usage = {rid: u for rid, u in usage_of(edit).items() if rid in archive.records} if edit else {}
    ancestors = graph.ancestors(record_id)  # breadth-first: nearest first
    # The production, then what its cut uses by first appearance, then the rest of the lineage.
    lineage = dict.fromkeys([record_id, *usage, *ancestors]) if usage else [record_id, *ancestors]
    shares = graph.remember(("credit-shares",), lambda: _shares(archive))
    # handle -> [name, roles, records, first]; `first`: when the person enters the credits,
    # (0, 0) the production itself, (1, first second in the cut) a record it uses, (2, step) a
    # record of its lineage. Without an edit: the step alone.
    found: dict[str, list] = {}
    outside: dict[tuple[str, str], dict] = {}
    for i, rid in enumerate(lineage):
        used = usage.get(rid)
        first = (0, 0) if rid == record_id else (1, used.first) if used is not None else (2, i)
        share = shares[rid]
        for handle, name, roles, credited in share.people:
            if used is not None:  # what the cut took of it: this production's alone
                credited = replace(credited, usage=used)
            entry = found.get(handle)
            if entry is None:
                found[handle] = [name, set(roles), [credited], first]
                continue
            entry[0] = entry[0] or name
            entry[1].update(roles)
            entry[2].append(credited)
            if first < entry[3]:
                entry[3] = first
        for src in share.outside:
            o = outside.setdefault((src.title, src.url), {"src": src, "used_by": []})
            if rid not in o["used_by"]:
                o["used_by"].append(rid)
    people = [
        PersonCredit(handle, e[0] or handle, _by_rank(e[1]), tuple(e[2]))
        for handle, e in found.items()
    ]
    people.sort(
        key=lambda p: (found[p.handle][3], role_rank(p.roles[0]), p.name.casefold(), p.handle)
    )
    outside_credits = [
        OutsideCredit(
            o["src"].title, o["src"].author, o["src"].url, o["src"].license, tuple(o["used_by"])
        )
        for o in outside.values()
    ]
    used = tuple(_used(archive, graph, archive.records[rid], u) for rid, u in usage.items())
    return Credits(
        record_id,
        record.title,
        record.kind,
        tuple(people),
        tuple(outside_credits),
        used,
        record.license,
    )


@dataclass(frozen=True)
class _Share:
    """What one record gives every credits whose lineage holds it, made once per graph: per
    person on it, (handle, name, roles on it, the record as credited to them), and the
    outside works it names. A dense archive's credits hold each record hundreds of times."""

    people: tuple[tuple[str, str | None, tuple[str, ...], CreditedRecord], ...]
    outside: tuple[OutsideSource, ...]


def _shares(archive: Archive) -> dict[str, _Share]:
    return {rid: _share(record) for rid, record in archive.records.items()}


def _share(record: Record) -> _Share:
    names: dict[str, str | None] = {}
    roles: dict[str, list[str]] = {}
    for c in record.contributors:
        names[c.handle] = names.get(c.handle) or c.name
        roles.setdefault(c.handle, []).append(c.role)
    withdrawn = record.withdrawn is not None
    return _Share(
        tuple(
            (
                handle,
                names[handle],
                tuple(own),
                CreditedRecord(record.id, record.title, withdrawn, _by_rank(own)),
            )
            for handle, own in roles.items()
        ),
        tuple(s for s in record.sources if isinstance(s, OutsideSource)),
    )


# Roles that make an audio record music rather than sound, and name its artists.
MUSIC_ROLES = frozenset({"composer", "musician"})
WhatItIs = Literal["footage", "image", "words", "music", "sound"]


def what_it_is(record: Record, usage: Usage, musicians: tuple[str, ...]) -> WhatItIs:
    """What a record is in the cut, as credits name it: what is seen first, else what is heard
    (music when someone composed or played it, in the record or its own lineage: a cut of a
    song is still music)."""
    styles = {s.style for s in usage.spans}
    if "clip" in styles:
        return "footage"
    if "still" in styles:
        return "image"
    if styles & {"title", "lower-third"}:
        return "words"
    return "music" if record.type == "audio" and musicians else "sound"


def _used(archive: Archive, graph: RemixGraph, record: Record, usage: Usage) -> UsedRecord:
    ordered = sorted(record.contributors, key=lambda c: role_rank(c.role))
    makers = tuple(dict.fromkeys(c.name or c.handle for c in ordered))
    # Music is credited to its artists: whoever composed or played it, nearest first.
    musicians = tuple(
        dict.fromkeys(
            c.name or c.handle
            for rid in [record.id, *graph.ancestors(record.id)]
            for c in archive.records[rid].contributors
            if c.role in MUSIC_ROLES
        )
    )
    what = what_it_is(record, usage, musicians)
    return UsedRecord(
        record.id,
        record.title,
        record.type,
        record.license,
        musicians if what == "music" else makers,
        what,
        usage,
    )


def used_line(used: UsedRecord) -> str:
    """A record of the cut as the credits page says it:
    "Morning Coffee — 0:00–0:28 (28 s), music"."""
    return f"{used.title} — {when_text(used.usage)}, {used.what}"


def render_roll(credits: Credits) -> str:
    """The credits as a plain-text end-credits roll: by role, then the outside works."""
    lines = [credits.title.upper(), ""]
    if credits.used:  # made from a timeline: what the cut uses, in order of appearance
        lines.append("In the cut")
        lines.extend(f"  {u.id}: {used_line(u)}" for u in credits.used)
        lines.append("")
    by_role: dict[str, list[str]] = {}
    for p in credits.people:
        for role in p.roles:
            via = ", ".join(
                r.id + (" (withdrawn)" if r.withdrawn else "") for r in p.records if role in r.roles
            )
            by_role.setdefault(role, []).append(f"{p.name}  ({via})")
    for role in sorted(by_role, key=role_rank):
        lines.append(role.replace("-", " ").capitalize())
        lines.extend(f"  {entry}" for entry in by_role[role])
        lines.append("")
    if credits.outside:
        lines.append("Also using")
        for o in credits.outside:
            lines.append(f"  “{o.title}” by {o.author}, {o.license}  ({', '.join(o.used_by)})")
            lines.append(f"  {o.url}")
        lines.append("")
    return "\n".join(lines)


def render_csv(credits: Credits) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # A timeline's credits add a column: per record used directly, `id=SECONDS@START-END+...`,
    # the seconds seen or heard and when (the same figures as credits.json's `usage`).
    timed = bool(credits.used)
    writer.writerow(["name", "handle", "roles", "records"] + (["usage"] if timed else []))
    for p in credits.people:
        row = [_cell(p.name), p.handle, ";".join(p.roles), ";".join(r.id for r in p.records)]
        usage = ";".join(f"{r.id}={usage_cell(r.usage)}" for r in p.records if r.usage is not None)
        writer.writerow(row + ([usage] if timed else []))
    for o in credits.outside:
        row = [_cell(o.author), "", "outside source", ";".join(o.used_by)]
        writer.writerow(row + ([""] if timed else []))
    return out.getvalue()


def usage_cell(usage: Usage) -> str:
    """`28@0-28` or `22.5@0-2.5+12.5-32.5`: seconds, then when, in published seconds."""
    stretches = "+".join(f"{_num(a)}-{_num(b)}" for a, b in usage.intervals)
    return f"{_num(usage.seconds)}@{stretches}"


def _num(value: Fraction) -> str:
    return format(seconds(value), ".3f").rstrip("0").rstrip(".")


# --- the end-credits roll of a rendered production -------------------------------------------

# (style, text): "title" the production's, "heading" a section's, "line" a credit, "small" a
# note (URLs, licenses), "space" an empty line. Plain JSON-able pairs: the render job's params.
RollLine = tuple[str, str]
DIRECTION = ("director", "producer", "writer", "editor")
ON_SCREEN = ("performer", "voice")
SECTIONS = (
    ("footage", "Footage"),
    ("image", "Images"),
    ("words", "Words"),
    ("music", "Music"),
    ("sound", "Sound"),
)


def roll_lines(credits: Credits) -> list[RollLine]:
    """The production's end-credits roll, in the conventional sequence: direction and writing,
    the people on screen, then what the cut uses (footage, images, words; music with title,
    artist and license), everyone else by role, the outside works and the licenses. Names keep
    the credits' order (first appearance in the cut, then role)."""
    lines: list[RollLine] = [("title", credits.title)]
    by_role = _names_by_role(credits)
    for role in (*DIRECTION, *ON_SCREEN):
        _section(lines, _role_heading(role), [("line", n) for n in by_role.pop(role, [])])
    for what, heading in SECTIONS:
        used = [u for u in credits.used if u.what == what]
        _section(lines, heading, [entry for u in used for entry in _used_lines(u)])
    for role in sorted(by_role, key=role_rank):
        _section(lines, _role_heading(role), [("line", n) for n in by_role[role]])
    _section(
        lines,
        "Also using",
        [
            entry
            for o in credits.outside
            for entry in (("line", f"“{o.title}” by {o.author}"), ("small", o.license))
        ],
    )
    licenses = list(
        dict.fromkeys([*(u.license for u in credits.used), *(o.license for o in credits.outside)])
    )
    notes = [("small", f"“{credits.title}”: {credits.license}")] if credits.license else []
    if licenses:
        notes.append(("small", "Works used: " + ", ".join(licenses)))
    _section(lines, "Licenses", notes)
    return lines


def _names_by_role(credits: Credits) -> dict[str, list[str]]:
    by_role: dict[str, list[str]] = {}
    for p in credits.people:
        for role in p.roles:
            by_role.setdefault(role, []).append(p.name)
    return by_role


def _used_lines(u: UsedRecord) -> list[RollLine]:
    by = f" by {', '.join(u.makers)}" if u.makers else ""
    if u.what in ("music", "sound"):
        return [("line", f"“{u.title}”{by}"), ("small", u.license)]
    return [("line", f"“{u.title}”{by}")]


def _role_heading(role: str) -> str:
    return role.replace("-", " ").capitalize()


def _section(lines: list[RollLine], heading: str, entries: list[RollLine]) -> None:
    if entries:
        lines.extend([("space", ""), ("heading", heading), *entries])


def _cell(text: str) -> str:
    """Names are untrusted: a leading = + - @ would be a formula in a spreadsheet (OWASP)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
