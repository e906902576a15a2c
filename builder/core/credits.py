"""Who made a record: everyone in its ancestry, with roles and the records that credit them.

Ordered as an end-credits roll: the people who made the production itself first,
then outward through its lineage; within a step, by the weight of their role.
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import RemixGraph
from .model import Archive, OutsideSource

# Roughly the order of film and album credits; unknown roles follow, alphabetically.
ROLE_ORDER = ("director", "producer", "writer", "editor", "composer", "performer", "voice",
              "photographer", "illustrator", "animator", "sound-designer", "musician")


@dataclass(frozen=True)
class CreditedRecord:
    id: str
    title: str
    withdrawn: bool
    roles: tuple[str, ...]  # what the person did on this record


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

    def to_json(self) -> dict:
        return {
            "id": self.id, "title": self.title, "kind": self.kind,
            "people": [{"handle": p.handle, "name": p.name, "roles": list(p.roles),
                        "records": [{"id": r.id, "title": r.title, "withdrawn": r.withdrawn,
                                     "roles": list(r.roles)} for r in p.records]}
                       for p in self.people],
            "outside_sources": [{"title": o.title, "author": o.author, "url": o.url, "license": o.license,
                                 "used_by": list(o.used_by)} for o in self.outside],
        }


def role_rank(role: str) -> tuple[int, str]:
    return (ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER), role)


def credits_of(archive: Archive, graph: RemixGraph, record_id: str) -> Credits:
    record = archive.records[record_id]
    lineage = [record_id] + graph.ancestors(record_id)  # breadth-first: nearest first
    step = {rid: i for i, rid in enumerate(lineage)}
    found: dict[str, dict] = {}
    outside: dict[tuple[str, str], dict] = {}
    for rid in lineage:
        rec = archive.records[rid]
        for c in rec.contributors:
            entry = found.setdefault(c.handle, {"name": None, "roles": set(), "records": {}, "first": step[rid]})
            entry["name"] = entry["name"] or c.name
            entry["roles"].add(c.role)
            entry["records"].setdefault(rid, []).append(c.role)
        for src in rec.sources:
            if isinstance(src, OutsideSource):
                o = outside.setdefault((src.title, src.url), {"src": src, "used_by": []})
                if rid not in o["used_by"]:
                    o["used_by"].append(rid)
    people = [PersonCredit(handle, e["name"] or handle, tuple(sorted(e["roles"], key=role_rank)),
                           tuple(CreditedRecord(rid, archive.records[rid].title,
                                                archive.records[rid].withdrawn is not None,
                                                tuple(sorted(set(roles), key=role_rank)))
                                 for rid, roles in e["records"].items()))
              for handle, e in found.items()]
    people.sort(key=lambda p: (found[p.handle]["first"], role_rank(p.roles[0]), p.name.casefold(), p.handle))
    outside_credits = [OutsideCredit(o["src"].title, o["src"].author, o["src"].url, o["src"].license,
                                     tuple(o["used_by"])) for o in outside.values()]
    return Credits(record_id, record.title, record.kind, tuple(people), tuple(outside_credits))


def render_roll(credits: Credits) -> str:
    """The credits as a plain-text end-credits roll: by role, then the outside works."""
    lines = [credits.title.upper(), ""]
    by_role: dict[str, list[str]] = {}
    for p in credits.people:
        for role in p.roles:
            via = ", ".join(r.id + (" (withdrawn)" if r.withdrawn else "") for r in p.records if role in r.roles)
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
    writer.writerow(["name", "handle", "roles", "records"])
    for p in credits.people:
        writer.writerow([_cell(p.name), p.handle, ";".join(p.roles), ";".join(r.id for r in p.records)])
    for o in credits.outside:
        writer.writerow([_cell(o.author), "", "outside source", ";".join(o.used_by)])
    return out.getvalue()


def _cell(text: str) -> str:
    """Names are untrusted: a leading = + - @ would be a formula in a spreadsheet (OWASP)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
