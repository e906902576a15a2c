"""The podcast, podcast.xml: the archive's audio and video productions, for podcast apps.

    podcast.xml                     RSS 2.0 with the iTunes and Podcasting 2.0 namespaces
    podcast/cover.jpg               the show's artwork, made from feeds.cover (settings.py)
    podcast/episodes/<id>.jpg       each episode's artwork

An episode is a production of type audio or video that is not withdrawn and whose web
rendition podcast apps play: the pipeline's `audio` (MP3) or `video` (H.264/AAC MP4)
derivative, else the metadata-free `original` when it is already MP3, M4A or MP4. Any
other production is left out with a logged reason. The enclosure gives that published
file's exact byte length and Apple's MIME type for its extension.

Per episode: the GUID of rss.py (from the record id alone, so it survives a new title,
file or site address; ids are never reused, so neither are GUIDs, and a withdrawn
record simply leaves the podcast), `itunes:duration` in whole seconds, `itunes:explicit`
true/false, `itunes:image`, and the Podcasting 2.0 tags written by podcast_ns.py:
`podcast:person` for everyone credited in the production's whole lineage (credits_of,
roles mapped onto the Podcast Taxonomy by roles.py), `podcast:license` (the SPDX id and
the license's URL), `podcast:transcript` for the record's captions (rel="captions") and
transcript. Channel: title, description, language, link, `itunes:image`, `itunes:author`,
`itunes:owner`, `itunes:category`, `itunes:explicit`, `podcast:guid`, `podcast:medium`.
With `feeds.value` (settings.py), each episode carries the archive's `podcast:value`, and an
audio production made from a timeline one `podcast:valueTimeSplit` per stretch of its sound,
paying the record heard then (`value_splits`, from the credits' usage).

Episode artwork must be square and 1400-3000 px like the show's (Apple), so it is not
the 800 px preview JPEG: it is made from the record's own poster/cover image when it has
one, else the record's typographic card, at 1400 px (builder/media/artwork.py): Apple's
minimum keeps each file light and the work small (about 0.2 s for a 12 MP poster), and
the build's media cache keeps it (builder/media/artwork_cache.py): a warm build draws none.
Artwork URLs end in .jpg: feedgen silently drops an itunes:image that does not end in
.jpg or .png, so _artwork_url refuses any other.

Deterministic like the other feeds: items newest first, every date from the records,
artwork bytes a pure function of their sources.
"""

from __future__ import annotations

import html
import logging
import re
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

import nh3

from ..core.licenses import lookup
from ..core.model import Record, newest_first
from ..media.artwork import MIN_SIDE, ArtworkError
from ..media.artwork_cache import cached_artwork_from_file, cached_card_artwork
from ..media.results import MediaInfo
from ..site import urls
from ..site.catalog import site_credits
from ..site.pages import SiteContext
from ..site.people import avatar_url
from ..site.views import names_by_handle
from ..timeline.model import seconds
from ..timeline.usage import heard_stretches
from . import podcast_ns
from .podcast_ns import Person, TimeSplit, Transcript
from .roles import taxonomy_credit
from .rss import channel, feed_path, guid, item, item_description
from .settings import FeedSettings, podcast_wanted, require_podcast

log = logging.getLogger("mkdocs.plugins.showcase")

PODCAST_PATH = "podcast.xml"
COVER_PATH = "podcast/cover.jpg"
# Namespace of podcast:guid (podcast-namespace docs/tags/guid.md).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
# (extension of the published file, the pipeline's MIME type) -> the enclosure type Apple lists.
ENCLOSURE_TYPES = {
    (".mp3", "audio/mpeg"): "audio/mpeg",
    (".m4a", "audio/mp4"): "audio/x-m4a",
    (".mp4", "video/mp4"): "video/mp4",
    (".m4v", "video/mp4"): "video/x-m4v",
}
DESCRIPTION_LIMIT = 4000  # bytes: Apple's limit for an episode's description
_SRT = re.compile(r"^\s*\d+\s*\r?\n\d{2}:\d{2}:\d{2},\d{3} --> ")


@dataclass(frozen=True)
class Enclosure:
    path: str  # site path of the published file
    length: int  # its size in bytes
    type: str


def podcast_files(ctx: SiteContext, settings: FeedSettings) -> dict[str, str | bytes]:
    """{site path: content} of the podcast and its artwork; {} when the archive has none."""
    if not settings.podcast.enabled or not podcast_wanted(ctx.archive):
        return {}
    require_podcast(settings, ctx.archive)
    episodes: list[tuple[Record, Enclosure]] = []
    for record in newest_first([r for r in ctx.archive.records.values() if _is_episode(r)]):
        found = enclosure(record, ctx.media.get(record.id))
        if isinstance(found, str):
            log.warning(f"podcast.xml: {record.id} is left out: {found}")
        else:
            episodes.append((record, found))
    files: dict[str, str | bytes] = {COVER_PATH: settings.podcast.cover_jpeg or b""}
    for record, _ in episodes:
        files[episode_artwork_path(record.id)] = episode_artwork(ctx, record)
    files[PODCAST_PATH] = podcast_xml(ctx, settings, episodes)
    if settings.podcast.guid is None:
        log.info(
            f"podcast.xml: podcast:guid {channel_guid(settings)} comes from site_url; set it as "
            "feeds.podcast_guid in mkdocs.yml before the site's address changes"
        )
    return files


def _is_episode(r: Record) -> bool:
    return r.kind == "production" and r.type in ("audio", "video") and r.withdrawn is None


def enclosure(record: Record, info: MediaInfo | None) -> Enclosure | str:
    """The file podcast apps get, or why there is none."""
    if info is None:
        return "its media was not made (see the problems above)"
    for d in [*info.by_role(record.type), *info.by_role("original")]:  # the web rendition first
        kind = ENCLOSURE_TYPES.get((PurePosixPath(d.file).suffix.lower(), d.mime))
        if kind and d.bytes > 0:  # 0: a size the cache does not know, never a true length
            return Enclosure(urls.record_media(record.id, d.file), d.bytes, kind)
    have = ", ".join(
        f"{d.file} ({d.mime})" for d in info.derivatives if d.role in ("original", record.type)
    )
    return (
        "no file in a format podcast apps play (MP3 or M4A audio, MP4 video) "
        f"among {have or 'its media'}: "
        "publish it as MP3, M4A (.m4a) or MP4"
    )


def episode_artwork_path(record_id: str) -> str:
    return f"podcast/episodes/{record_id}.jpg"


def episode_artwork(ctx: SiteContext, record: Record) -> bytes:
    """The record's poster/cover as square artwork, else its card (a poster that cannot be
    read, which check would have refused, falls back to the card too); from ctx.cache_dir
    when it was drawn before from the same inputs."""
    if record.poster:
        try:
            return cached_artwork_from_file(
                ctx.root / record.folder / record.poster, ctx.cache_dir, MIN_SIDE
            )
        except ArtworkError as exc:
            log.warning(
                f"podcast.xml: the poster of {record.id} cannot be artwork ({exc}): using its card"
            )
    credit = ", ".join(dict.fromkeys(c.name or c.handle for c in record.contributors))
    return cached_card_artwork(record.title, credit, record.type, ctx.cache_dir)


def channel_guid(settings: FeedSettings) -> str:
    return settings.podcast.guid or podcast_guid(settings.base + PODCAST_PATH)


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 podcast:guid of a feed URL: uuid5 over it without scheme and
    trailing slashes."""
    seed = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, seed))


def medium(records: list[Record]) -> str:
    """podcast:medium from the content: `video` when every episode is a video, else `podcast`."""
    return "video" if records and all(r.type == "video" for r in records) else "podcast"


def podcast_xml(
    ctx: SiteContext, settings: FeedSettings, episodes: list[tuple[Record, Enclosure]]
) -> str:
    base, podcast = settings.base, settings.podcast
    records = [record for record, _ in episodes]
    fg = channel(
        base,
        PODCAST_PATH,
        settings.title,
        settings.description,
        settings.language,
        records[0].created if records else None,
    )
    fg.load_extension("podcast")
    podcast_ns.load(fg)
    fg.podcast.itunes_image(_artwork_url(base + COVER_PATH))
    fg.podcast.itunes_author(podcast.author)
    fg.podcast.itunes_owner(name=podcast.owner_name, email=podcast.owner_email)
    fg.podcast.itunes_category(
        [{"cat": cat, **({"sub": sub} if sub else {})} for cat, sub in podcast.categories]
    )
    fg.explicit.explicit(podcast.explicit)
    fg.podcastindex.guid(channel_guid(settings))
    fg.podcastindex.medium(podcast.medium or medium(records))
    names = names_by_handle(ctx.archive)
    for record, enc in episodes:
        fe = fg.add_entry(order="append")
        _episode(ctx, base, fe, record, enc, names)
        if podcast.value is not None:
            fe.podcastindex.value(podcast.value, value_splits(ctx, settings, record))
    return fg.rss_str(pretty=True, encoding="UTF-8").decode("utf-8")


def _episode(
    ctx: SiteContext,
    base: str,
    fe,  # noqa: ANN001 - feedgen FeedEntry
    r: Record,
    enc: Enclosure,
    names: dict[str, str],
) -> None:
    item(fe, base, r, fit_description(item_description(ctx, base, r)), ctx.url_style)
    fe.enclosure(_absolute(base, enc.path), str(enc.length), enc.type)
    info = ctx.media.get(r.id)
    if info and info.duration:
        fe.podcast.itunes_duration(max(1, round(info.duration)))
    fe.podcast.itunes_image(_artwork_url(base + episode_artwork_path(r.id)))
    fe.explicit.explicit(r.explicit)
    for person in people(ctx, base, r.id, names):
        fe.podcastindex.person(person)
    lic = lookup(r.license)
    fe.podcastindex.license(r.license, lic.url if lic else None)
    for transcript in transcripts(ctx, base, r):
        fe.podcastindex.transcript(transcript)


def people(ctx: SiteContext, base: str, record_id: str, names: dict[str, str]) -> list[Person]:
    """Everyone credited in the production's lineage, once per taxonomy role, end-credits order."""
    out: list[Person] = []
    for credit in site_credits(ctx, record_id).people:
        profile = ctx.archive.people.get(credit.handle)
        avatar = avatar_url(ctx, profile.avatar) if profile else None
        name = names.get(credit.handle) or credit.name
        mapped: list[tuple[str, str]] = []
        for via in credit.records:
            record_type = ctx.archive.records[via.id].type
            for role in via.roles:
                group_role = taxonomy_credit(role, record_type)
                if group_role not in mapped:
                    mapped.append(group_role)
        for group, role in mapped:
            out.append(
                Person(
                    name[:128],
                    role,
                    group,
                    href=_absolute(base, ctx.url_style.link(urls.person(credit.handle))),
                    img=_absolute(base, avatar) if avatar else None,
                )
            )
    return out


def value_splits(ctx: SiteContext, settings: FeedSettings, r: Record) -> tuple[TimeSplit, ...]:
    """An audio production made from a timeline: one split per stretch of its sound, paying the
    record heard then (usage.heard_stretches: never overlapping), through that record's item in
    the archive's own feeds. Any other episode: none."""
    if r.type != "audio":
        return ()
    usage = {u.id: u.usage for u in site_credits(ctx, r.id).used}
    splits = []
    for h in heard_stretches(usage):
        source = ctx.archive.records[h.record_id]
        if source.withdrawn is not None:  # out of every feed: nothing to point at
            continue
        feed_guid, feed_url = remote_feed(settings, source)
        splits.append(
            TimeSplit(
                seconds(h.start),
                seconds(h.end - h.start),
                seconds(h.source_start),
                feed_guid,
                guid(source.id),
                feed_url,
            )
        )
    return tuple(splits)


def remote_feed(settings: FeedSettings, source: Record) -> tuple[str, str]:
    """(feed guid, feed URL) of the feed that has the record's item: the podcast for an episode,
    else records/feed.xml (every live record), whose guid follows the podcast:guid rule."""
    if _is_episode(source):
        return channel_guid(settings), settings.base + PODCAST_PATH
    url = settings.base + feed_path("records")
    return podcast_guid(url), url


def transcripts(ctx: SiteContext, base: str, r: Record) -> list[Transcript]:
    """The captions (WebVTT, rel="captions") and the transcript, as published beside the media."""
    out: list[Transcript] = []
    if r.captions:
        out.append(
            Transcript(_absolute(base, urls.record_media(r.id, r.captions)), "text/vtt", "captions")
        )
    if r.transcript and r.transcript != r.captions:
        head = _head(ctx, r, r.transcript)
        out.append(
            Transcript(
                _absolute(base, urls.record_media(r.id, r.transcript)), transcript_type(head)
            )
        )
    return out


def transcript_type(head: str) -> str:
    """The MIME type of a transcript, from its first lines (check accepts text, WebVTT or SRT)."""
    text = head.lstrip("\ufeff")
    if text.startswith("WEBVTT") and (len(text) == 6 or text[6] in " \t\r\n"):
        return "text/vtt"
    if _SRT.match(text):
        return "application/x-subrip"
    return "text/plain"


def _head(ctx: SiteContext, r: Record, name: str) -> str:
    try:
        with open(ctx.root / r.folder / name, "rb") as f:
            return f.read(512).decode("utf-8", errors="replace")
    except OSError:
        return ""


def fit_description(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """The item description within Apple's `limit` bytes: as it is when it fits, else its
    text without markup, cut at a word and ended with an ellipsis (escaped, one paragraph)."""
    if len(text.encode("utf-8")) <= limit:
        return text
    plain = " ".join(html.unescape(nh3.clean(text, tags=set())).split())
    room = limit - len("<p>…</p>".encode("utf-8"))
    cut = plain[:room]  # an upper bound: escaping and UTF-8 only lengthen it
    while len(_escaped(cut).encode("utf-8")) > room:
        shorter = cut.rsplit(" ", 1)[0]
        cut = shorter if shorter != cut else cut[:-1]  # a word as long as the limit: cut inside it
    return f"<p>{_escaped(cut.rstrip(' ,;:.-'))}…</p>"


def _escaped(text: str) -> str:
    return html.escape(text, quote=False)


def _absolute(base: str, path: str) -> str:
    """An absolute URL of a site path, ASCII (Apple refuses others): file names are
    percent-encoded."""
    return base + quote(path, safe="/")


def _artwork_url(url: str) -> str:
    if not url.endswith((".jpg", ".png")):  # feedgen would drop it without a word
        raise ValueError(f"itunes:image must end in .jpg or .png: {url}")
    return url
