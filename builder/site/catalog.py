"""catalog.json: the archive as data, for anyone who wants to build on it.

Shape (version 1):
  {"version": 1, "site_url": str|null,
   "records": [{"id", "url", "title", "type", "kind", "created",
                "license": {"spdx", "name", "url"},
                "contributors": [{"handle", "name", "role"}], "tags", "collaboration", "alt",
                "withdrawn": {"date", "reason"}|null,
                "media": {"width", "height", "duration",
                          "derivatives": [{"role", "url", "mime", "width", "height",
                                           "bytes"}]}|null,
                "sources": [{"id", "url"} | {"title", "author", "url", "license"}],
                "remixes": [id, ...],
                "credits": <credits.json of the record>}]}
Records are sorted by id; every URL is site-relative (prefix site_url for absolute ones).

credits.json (builder/core/credits.py Credits.to_json):
  {"id", "title", "kind",
   "people": [{"handle", "name", "roles": [role, ...],
               "records": [{"id", "title", "withdrawn", "roles",
                            "usage": {"seconds", "spans": [{"track", "kind", "start", "end",
                                                            "source_start", "source_end"}]}}]}],
   "outside_sources": [{"title", "author", "url", "license", "used_by": [id, ...]}]}
`usage` is there only for a record that a production made from a timeline uses directly
(builder/timeline/usage.py): `seconds` seen or heard (the union of its spans across all
tracks, overlaps counted once), each span on a `track` (1-based) of a `kind` ("video" or
"audio"), `start`/`end` on the production's clock and `source_start`/`source_end` on the
record's own, all in seconds (numbers, to the millisecond). People then come in order of
first appearance in the cut, then by role; records reached only through the lineage carry
no usage. A production without a timeline has no `usage` anywhere.
"""

from __future__ import annotations

import json

from ..core.credits import Credits, credits_json_text, credits_of
from ..core.licenses import lookup
from ..core.model import OutsideSource
from . import urls
from .pages import SiteContext

VERSION = 1


def catalog(ctx: SiteContext) -> str:
    # No indent: Python's C encoder only runs without it (0.11 s instead of 0.31 s at
    # 1,000 records, and a third smaller); `python -m json.tool` shows it to a person.
    # Each record's credits come written already (credits_json_text): in a dense archive
    # they are most of the catalog, and their records' entries repeat hundreds of times.
    records = ", ".join(
        _with_raw(_record(ctx, rid), "credits", credits_json_text(site_credits(ctx, rid)))
        for rid in sorted(ctx.archive.records)
    )
    doc = {"version": VERSION, "site_url": ctx.site_url}
    return _with_raw(doc, "records", f"[{records}]") + "\n"


def _with_raw(doc: dict, key: str, raw: str) -> str:
    """`json.dumps(doc | {key: value}, ensure_ascii=False, sort_keys=True)` where `raw` is
    the value as JSON already: the key goes where sort_keys puts it."""

    def dumped(items: dict) -> str:
        return json.dumps(items, ensure_ascii=False, sort_keys=True)[1:-1]  # no braces

    parts = (
        dumped({k: v for k, v in doc.items() if k < key}),
        f"{json.dumps(key)}: {raw}",
        dumped({k: v for k, v in doc.items() if k > key}),
    )
    return "{" + ", ".join(part for part in parts if part) + "}"


def _record(ctx: SiteContext, rid: str) -> dict:
    """A record's entry in the catalog, but for its credits (catalog() adds them)."""
    r = ctx.archive.records[rid]
    lic = lookup(r.license)
    info = None if r.withdrawn else ctx.media.get(rid)
    return {
        "id": r.id,
        "url": urls.record(r.id),
        "title": r.title,
        "type": r.type,
        "kind": r.kind,
        "created": r.created.isoformat(),
        "license": {
            "spdx": r.license,
            "name": lic.name if lic else None,
            "url": lic.url if lic else None,
        },
        "contributors": [
            {"handle": c.handle, "name": c.name, "role": c.role} for c in r.contributors
        ],
        "tags": list(r.tags),
        "collaboration": r.collaboration,
        "alt": r.alt,
        "withdrawn": {"date": r.withdrawn.date.isoformat(), "reason": r.withdrawn.reason}
        if r.withdrawn
        else None,
        "media": None
        if info is None
        else {
            "width": info.width,
            "height": info.height,
            "duration": info.duration,
            "derivatives": [
                {
                    "role": d.role,
                    "url": urls.record_media(r.id, d.file),
                    "mime": d.mime,
                    "width": d.width,
                    "height": d.height,
                    "bytes": d.bytes,
                }
                for d in info.derivatives
            ],
        },
        "sources": [
            {"title": s.title, "author": s.author, "url": s.url, "license": s.license}
            if isinstance(s, OutsideSource)
            else {"id": s.id, "url": urls.record(s.id)}
            for s in r.sources
        ],
        "remixes": list(ctx.graph.remixes.get(r.id, ())),
    }


def site_credits(ctx: SiteContext, record_id: str) -> Credits:
    """A record's credits as the site publishes them everywhere (credits.json, this catalog, the
    credits page, the podcast): with the record's timeline when it has one (Loaded.edits)."""
    memo = ctx.credits_memo
    if record_id not in memo:
        memo[record_id] = credits_of(ctx.archive, ctx.graph, record_id, ctx.edits.get(record_id))
    return memo[record_id]
