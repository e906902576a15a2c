"""What a record page shows, as plain data: every string escaped or sanitized here or by
the autoescaping templates, every URL derived from ids."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..core.credits import role_rank
from ..core.graph import RemixGraph
from ..core.licenses import lookup
from ..core.lineage_tree import Bounded, ListedPage, Node, first_page, lineage_pages
from ..core.markup import MarkupLimit
from ..core.model import Archive, OutsideSource, Record
from ..core.remix import RemixRules, commercial_note, must_carry, remix_ancestry
from ..core.tree import down_tree, up_tree
from ..media.results import MediaInfo
from ..memo.renders import Renderer
from ..timeline.model import Edit
from . import urls
from .edit_diagram import ClipRef, Diagram, UsedIn, diagram


@dataclass(frozen=True)
class Visual:
    srcset: tuple[tuple[str, int], ...]  # (url, width) of the responsive WebPs
    preview: str | None  # the JPEG
    width: int | None
    height: int | None


@dataclass(frozen=True)
class RecordRef:
    """What every list says of a record; cards, list items and credits add their own."""

    id: str
    title: str
    url: str
    type: str
    kind: str
    created: str  # ISO date
    withdrawn: bool

    @staticmethod
    def fields(record: Record) -> dict[str, Any]:
        return {
            "id": record.id,
            "title": record.title,
            "url": urls.record(record.id),
            "type": record.type,
            "kind": record.kind,
            "created": record.created.isoformat(),
            "withdrawn": record.withdrawn is not None,
        }


@dataclass(frozen=True)
class TreeNode:
    """One node of a remix tree: a record of the archive or an outside work."""

    label: str
    url: str | None  # None for an outside work without an address here
    thumb: str | None
    withdrawn: bool = False
    outside: bool = False
    note: str = ""
    children: tuple[TreeNode, ...] = ()
    size: int = 0  # how many nodes are below this one
    fold: bool = False  # draw the children folded away (<details>), saying how many
    anchor: str = ""  # the element id of a record drawn here: where a later mention links
    more: int = 0  # what follows this record that the bound leaves undrawn here


# A tree stays readable with dozens of records and needs no script: the first two
# generations are always drawn; below them, a branch of more than FOLD_OVER records is
# folded (once: what is inside an opened fold is drawn whole).
OPEN_GENERATIONS = 2
FOLD_OVER = 5


def folded(nodes: tuple[TreeNode, ...], generation: int = 1) -> tuple[TreeNode, ...]:
    # A branch with nothing to fold is kept as it is (the same objects): in a bounded tree
    # few branches fold, and copying every node was most of the work.
    out = []
    for n in nodes:
        if generation >= OPEN_GENERATIONS and n.size > FOLD_OVER:
            out.append(n if n.fold else replace(n, fold=True))
        elif n.children:
            kids = folded(n.children, generation + 1)
            out.append(n if kids is n.children else replace(n, children=kids))
        else:
            out.append(n)
    return nodes if all(a is b for a, b in zip(out, nodes)) else tuple(out)


@dataclass(frozen=True)
class RemixView:
    """The "Remix this" section of a record page: the license a remix must carry (check's rule)
    and the commands that start one; or, for a record nobody may adapt, why not."""

    open: bool
    rule: str  # "A remix of this must be CC BY-SA 4.0." / why it cannot be remixed
    licenses: tuple[tuple[str, str | None], ...]  # (badge name, license URL) a remix may carry
    note: str  # a NonCommercial condition passed on, or ""
    commands: tuple[str, ...]  # to type in the archive's folder


@dataclass(frozen=True)
class RecordView:
    id: str
    title: str
    type: str
    kind: str
    alt: str | None
    description_html: str  # sanitized by core.markup
    created: str
    contributors: tuple[tuple[str, str, str], ...]  # (name, role, person page url)
    license_spdx: str
    license_name: str
    license_url: str | None
    license_badge: str
    attribution: str  # TASL as plain text (escaped by the template)
    tags: tuple[str, ...]
    collaboration: tuple[str, str] | None  # (title, url)
    withdrawn: tuple[str, str] | None  # (date, reason)
    visual: Visual | None
    media_url: str | None  # the playable file: video/audio/original
    media_mime: str | None
    captions_url: str | None
    waveform_url: str | None
    download_url: str | None
    download_name: str | None
    duration: float | None
    duration_text: str | None  # "1:05", shown since players load nothing until played
    sources: tuple[TreeNode, ...] = field(default=())  # where it came from
    remixes: tuple[TreeNode, ...] = field(default=())  # where it went
    lineage: tuple[str, str] = ("", "")  # one line above each tree: how large it is
    credits_json: str | None = None
    # A full-size JPEG of a photo whose original browsers cannot show (HEIC): what the image
    # links to and a second download.
    full_url: str | None = None
    jsonld: str = ""  # schema.org JSON-LD, safe inside <script> (< > & escaped)
    og_image: str | None = None  # absolute, for link previews
    canonical: str | None = None
    edit: Diagram | None = None  # a production made from a timeline: its cut, drawn
    used_in: tuple[UsedIn, ...] = ()  # the productions whose cut uses this record, newest first
    remix: RemixView | None = None  # "Remix this"; None when withdrawn or not asked for
    # below each tree, what the bound left out: "And 312 more records by 97 people"
    lineage_rest: tuple[str, str] = ("", "")
    # the full lineage page where each direction's list begins, when a tree is not complete
    lineage_urls: tuple[str, str] = ("", "")


def record_view(
    archive: Archive,
    graph: RemixGraph,
    media: dict[str, MediaInfo],
    record_id: str,
    site_url: str | None = None,
    renderer: Renderer | None = None,
    edit: Edit | None = None,
    used_in: tuple[UsedIn, ...] = (),
    remix_rules: RemixRules | None = None,  # the archive's: given, the page says how to remix
    url_style: urls.UrlStyle = urls.UrlStyle(),  # of the absolute URLs (og:url, JSON-LD)
) -> RecordView:
    r = archive.records[record_id]
    info = media.get(record_id)
    lic = lookup(r.license)
    visual = _visual(r.id, info) if info and not r.withdrawn else None
    absolute = (
        (lambda path: site_url.rstrip("/") + "/" + url_style.link(path)) if site_url else None
    )
    trees = lineage_trees(archive, graph, media, r.id)
    return RecordView(
        id=r.id,
        title=r.title,
        type=r.type,
        kind=r.kind,
        alt=r.alt,
        description_html=description_html(r, renderer or Renderer()),
        created=r.created.isoformat(),
        contributors=tuple(
            (c.name or c.handle, c.role, urls.person(c.handle))
            for c in sorted(r.contributors, key=lambda c: role_rank(c.role))
        ),
        license_spdx=r.license,
        license_name=lic.name if lic else r.license,
        license_url=lic.url if lic else None,
        license_badge=lic.short if lic else r.license,
        attribution=attribution(r),
        tags=r.tags,
        collaboration=(
            (archive.collaborations[r.collaboration].title, urls.collaboration(r.collaboration))
            if r.collaboration in archive.collaborations
            else None
        ),
        withdrawn=(r.withdrawn.date.isoformat(), r.withdrawn.reason) if r.withdrawn else None,
        visual=visual,
        media_url=_playable(r, info),
        media_mime=_playable_mime(r, info),
        captions_url=urls.record_media(r.id, r.captions)
        if r.captions and not r.withdrawn
        else None,
        waveform_url=_first(r.id, info, "waveform"),
        download_url=_first(r.id, info, "original"),
        download_name=_first_name(info, "original"),
        full_url=_first(r.id, info, "full"),
        duration=info.duration if info else None,
        duration_text=clock(info.duration) if info and info.duration else None,
        sources=trees.sources,
        remixes=trees.remixes,
        lineage=lineage_summary(archive, graph, r.id),
        lineage_rest=trees.rest,
        lineage_urls=trees.urls,
        credits_json=urls.credits_json(r.id) if r.kind == "production" else None,
        jsonld=_jsonld(archive, r, info, visual, absolute),
        og_image=absolute(visual.preview) if absolute and visual and visual.preview else None,
        canonical=absolute(urls.record(r.id)) if absolute else None,
        edit=diagram(edit, clip_refs(archive, media, edit)) if edit else None,
        used_in=used_in,
        remix=remix_view(archive, graph, r, remix_rules)
        if remix_rules is not None and not r.withdrawn
        else None,
    )


def remix_view(archive: Archive, graph: RemixGraph, r: Record, rules: RemixRules) -> RemixView:
    terms = rules.terms(remix_ancestry(archive, graph, [r.id]))
    rule = must_carry(terms, "a remix of this", own=r.id)
    license_flag = f" --license {terms.licenses[0]}" if len(terms.licenses) == 1 else ""
    return RemixView(
        open=terms.open,
        rule=rule[0].upper() + rule[1:] + ".",
        licenses=tuple(
            (lic.short, lic.url) for s in terms.licenses if (lic := lookup(s)) is not None
        ),
        note=commercial_note(terms),
        commands=(f"showcase new FILE --source {r.id}{license_flag}", "showcase check")
        if terms.open
        else (),
    )


def clip_refs(archive: Archive, media: dict[str, MediaInfo], edit: Edit) -> dict[str, ClipRef]:
    """What the edit diagram shows of each record the cut uses: its title, page, picture
    (the smallest responsive WebP; for a sound its waveform, which a thin block shows whole)."""
    refs = {}
    for rid in edit.record_ids:
        r = archive.records.get(rid)
        if r is not None:
            wave = None if r.withdrawn else _first(rid, media.get(rid), "waveform")
            picture = (wave if r.type == "audio" else None) or thumbnail(media, r)
            refs[rid] = ClipRef(r.title, urls.record(rid), picture, r.type, r.withdrawn is not None)
    return refs


_SCHEMA_TYPES = {
    "image": "ImageObject",
    "audio": "AudioObject",
    "video": "VideoObject",
    "text": "CreativeWork",
}


def _jsonld(
    archive: Archive,
    r: Record,
    info: MediaInfo | None,
    visual: Visual | None,
    absolute: Callable[[str], str] | None,
) -> str:
    """schema.org description of the record, with its lineage (isBasedOn) and credits."""
    link = absolute or (lambda path: path)
    data: dict = {
        "@context": "https://schema.org",
        "@type": _SCHEMA_TYPES[r.type],
        "name": r.title,
        "url": link(urls.record(r.id)),
        "dateCreated": r.created.isoformat(),
        "contributor": [
            {"@type": "Person", "name": c.name or c.handle, "roleName": c.role}
            for c in r.contributors
        ],
    }
    lic = lookup(r.license)
    if lic:
        data["license"] = lic.url
    if r.alt:
        data["description"] = r.alt
    based_on = []
    for src in r.sources:
        if isinstance(src, OutsideSource):
            based_on.append(
                {"@type": "CreativeWork", "name": src.title, "url": src.url, "author": src.author}
            )
        elif src.id in archive.records:
            based_on.append(
                {
                    "@type": "CreativeWork",
                    "name": archive.records[src.id].title,
                    "url": link(urls.record(src.id)),
                }
            )
    if based_on:
        data["isBasedOn"] = based_on
    if visual and visual.preview:
        data["thumbnailUrl"] = link(visual.preview)
    if info and info.duration:
        data["duration"] = _iso_duration(info.duration)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # Inside <script>, "</script>" or "<!--" in a title must not end or alter the element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def clock(seconds: float) -> str:
    """A duration as players show it ("1:05", "1:02:03"), for lists as for record pages."""
    whole = round(seconds)
    return (
        f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
        if whole >= 3600
        else f"{whole // 60}:{whole % 60:02d}"
    )


def _iso_duration(seconds: float) -> str:
    whole = round(seconds)
    return f"PT{whole // 60}M{whole % 60}S" if whole >= 60 else f"PT{seconds:.1f}S"


def attribution(r: Record) -> str:
    """The Creative Commons TASL line: Title, Author, Source, License."""
    authors = ", ".join(dict.fromkeys(c.name or c.handle for c in r.contributors))
    lic = lookup(r.license)
    text = f"“{r.title}” by {authors}, {lic.short if lic else r.license}"
    outside = [s for s in r.sources if isinstance(s, OutsideSource)]
    if outside:
        text += ". Uses " + "; ".join(f"“{s.title}” by {s.author} ({s.license})" for s in outside)
    return text


def description_html(r: Record, renderer: Renderer) -> str:
    """A record's description, sanitized; "" when it has none or cannot be rendered safely."""
    if not r.description:
        return ""
    try:
        return renderer.render(r.description)
    except MarkupLimit:  # check reports it; a page never fails to build over it
        return ""


def _visual(record_id: str, info: MediaInfo) -> Visual | None:
    images = sorted(info.by_role("image"), key=lambda d: d.width or 0)
    preview = info.by_role("preview")
    if not images and not preview:
        return None
    biggest = images[-1] if images else preview[0]
    return Visual(
        tuple((urls.record_media(record_id, d.file), d.width or 0) for d in images),
        urls.record_media(record_id, preview[0].file) if preview else None,
        biggest.width,
        biggest.height,
    )


def _first(record_id: str, info: MediaInfo | None, role: str) -> str | None:
    found = info.by_role(role) if info else []
    return urls.record_media(record_id, found[0].file) if found else None


def _first_name(info: MediaInfo | None, role: str) -> str | None:
    found = info.by_role(role) if info else []
    return found[0].file if found else None


def _playable(r: Record, info: MediaInfo | None) -> str | None:
    if info is None or r.withdrawn or r.type not in ("audio", "video"):
        return None
    web = info.by_role(r.type) or info.by_role("original")
    return urls.record_media(r.id, web[0].file) if web else None


def _playable_mime(r: Record, info: MediaInfo | None) -> str | None:
    if info is None or r.type not in ("audio", "video"):
        return None
    web = info.by_role(r.type) or info.by_role("original")
    return web[0].mime if web else None


def thumbnail(media: dict[str, MediaInfo], record: Record) -> str | None:
    """The smallest responsive image of a record, for trees and lists; None when withdrawn or
    absent."""
    if record.withdrawn is not None:
        return None
    info = media.get(record.id)
    images = sorted(info.by_role("image"), key=lambda d: d.width or 0) if info else []
    return urls.record_media(record.id, images[0].file) if images else None


def names_by_handle(archive: Archive) -> dict[str, str]:
    """handle -> the name shown for a person everywhere: the profile's, else the first name
    given on a record (records in id order), else absent (show the handle)."""
    names: dict[str, str] = {}
    for record in archive.records.values():
        for c in record.contributors:
            if c.name and c.handle not in names:
                names[c.handle] = c.name
    for handle, person in archive.people.items():
        if person.name:
            names[handle] = person.name
    return names


SHOWN_AT_TOP = "shown at the top of this tree"


@dataclass(frozen=True)
class LineageTrees:
    """Both trees of a record page, bounded (core.lineage_tree), and what they leave out."""

    sources: tuple[TreeNode, ...]
    remixes: tuple[TreeNode, ...]
    rest: tuple[str, str]  # "And 312 more records by 97 people", per direction, or ""
    urls: tuple[str, str]  # the full lineage page (up, down) when either tree leaves records out


def lineage_trees(
    archive: Archive, graph: RemixGraph, media: dict[str, MediaInfo], record_id: str
) -> LineageTrees:
    up, down = up_tree(archive, graph, record_id), down_tree(graph, record_id)
    facts = tree_facts(archive, graph, media)
    return LineageTrees(
        folded(_tree_nodes(archive, up.nodes, "sc-from-", facts)),
        folded(_tree_nodes(archive, down.nodes, "sc-to-", facts)),
        (rest_summary(archive, graph, up), rest_summary(archive, graph, down)),
        ("", "") if up.complete and down.complete else lineage_links(graph, record_id),
    )


def lineage_links(graph: RemixGraph, record_id: str) -> tuple[str, str]:
    """Where the full lineage page lists the ancestors, and where the descendants."""
    pages = full_lineage(graph, record_id)
    down = urls.lineage(record_id, first_page(pages, up=False)) + "#sc-lineage-went"
    return urls.lineage(record_id), down


def full_lineage(graph: RemixGraph, record_id: str) -> tuple[ListedPage, ...]:
    """The pages of a record's full lineage (lineage.py), cut once per build: its record page
    links them, and they are written."""
    return graph.remember(
        ("lineage-pages", record_id),
        lambda: lineage_pages(graph.generations(record_id), graph.generations(record_id, up=False)),
    )


def rest_summary(archive: Archive, graph: RemixGraph, tree: Bounded) -> str:
    """ "And 312 more records by 97 people": what a bounded tree leaves for the lineage page."""
    if tree.complete:
        return ""
    people = people_of(archive, graph, tree.rest)
    return (
        f"And {_count(len(tree.rest), 'more record')} by {_count(len(people), 'person', 'people')}."
    )


def lineage_summary(archive: Archive, graph: RemixGraph, record_id: str) -> tuple[str, str]:
    """("Made from 37 records by 12 people, and 2 outside works", "Used by 5 records"):
    a lineage of dozens is read from its size first, then its tree (made once per record:
    its page and its lineage page say it)."""
    return graph.remember(
        ("summary", record_id), lambda: _lineage_summary(archive, graph, record_id)
    )


def _lineage_summary(archive: Archive, graph: RemixGraph, record_id: str) -> tuple[str, str]:
    up = [rid for rid in graph.ancestors(record_id) if rid in archive.records]
    people = people_of(archive, graph, up)
    # Outside works are rare: look among the few records that name any, not every source.
    named = graph.remember(
        ("outside",),
        lambda: {
            rid: {(s.title, s.url) for s in r.sources if isinstance(s, OutsideSource)}
            for rid, r in archive.records.items()
            if len(r.sources) != len(graph.sources.get(rid, ()))
        },
    )
    outside = set().union(*(named[rid] for rid in [record_id, *up] if rid in named))
    parts = []
    if up:
        parts.append(
            f"Made from {_count(len(up), 'record')} by {_count(len(people), 'person', 'people')}"
        )
    if outside:
        parts.append(("and " if parts else "Made from ") + _count(len(outside), "outside work"))
    down = [rid for rid in graph.descendants(record_id) if rid in archive.records]
    return (
        ", ".join(parts) + "." if parts else "",
        f"Used by {_count(len(down), 'record')}." if down else "",
    )


def people_of(archive: Archive, graph: RemixGraph, ids: Iterable[str]) -> set[str]:
    """The handles of everyone on these records (each record's handles gathered once)."""
    handles = graph.remember(
        ("handles",),
        lambda: {rid: {c.handle for c in r.contributors} for rid, r in archive.records.items()},
    )
    return set().union(*(handles[rid] for rid in ids))


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _tree_nodes(
    archive: Archive,
    nodes: tuple[Node, ...],
    prefix: str,
    facts: Callable[[str], tuple[str, str, str | None, bool, str]],
) -> tuple[TreeNode, ...]:
    """A bounded tree as the page draws it: a record drawn once carries an anchor; a later
    mention links there (never to the record's page again) and says under what it is.
    `facts`: what a record's node says wherever it is drawn (title, page, thumbnail,
    withdrawn, note), made once per record (tree_facts) rather than once per tree."""
    out = []
    for n in nodes:
        if n.outside is not None:
            o = n.outside
            out.append(
                TreeNode(
                    f"“{o.title}” by {o.author}",
                    o.url,
                    None,
                    outside=True,
                    note=f"outside work, {o.license}",
                )
            )
        elif n.again is not None:
            assert n.record is not None
            r = archive.records[n.record]
            # Where it is drawn may be above or below (breadth-first placing, depth-first
            # drawing): the note names the record it is drawn under.
            note = f"shown under {archive.records[n.again].title}" if n.again else SHOWN_AT_TOP
            out.append(
                TreeNode(r.title, "#" + prefix + r.id, None, r.withdrawn is not None, note=note)
            )
        else:
            assert n.record is not None
            kids = _tree_nodes(archive, n.children, prefix, facts) if n.children else ()
            label, url, thumb, withdrawn, note = facts(n.record)
            out.append(
                TreeNode(
                    label,
                    url,
                    thumb,
                    withdrawn=withdrawn,
                    note=note,
                    children=kids,
                    size=sum(1 + k.size for k in kids),
                    anchor=prefix + n.record,
                    more=n.more,
                )
            )
    return tuple(out)


def _node_facts(
    archive: Archive, media: dict[str, MediaInfo], rid: str
) -> tuple[str, str, str | None, bool, str]:
    r = archive.records[rid]
    withdrawn = r.withdrawn is not None
    note = "withdrawn" if withdrawn else r.type
    return r.title, urls.record(r.id), thumbnail(media, r), withdrawn, note


def tree_facts(
    archive: Archive, graph: RemixGraph, media: dict[str, MediaInfo]
) -> Callable[[str], tuple[str, str, str | None, bool, str]]:
    """What a record's node says in every tree it is drawn in, made once per build (kept on
    the graph with the media it was made from: a dense archive draws each record in
    hundreds of trees)."""
    held = graph.remember(("tree-facts",), lambda: [media, {}])
    if held[0] is not media:  # another build's media with the same graph: start again
        held[:] = [media, {}]
    known: dict[str, tuple[str, str, str | None, bool, str]] = held[1]

    def facts(rid: str) -> tuple[str, str, str | None, bool, str]:
        found = known.get(rid)
        if found is None:
            found = known[rid] = _node_facts(archive, media, rid)
        return found

    return facts
