"""Feed-wide settings: the `feeds:` block of the showcase plugin's config in mkdocs.yml.

    plugins:
      - showcase:
          feeds:
            enabled: true              # every feed; feeds need an absolute site_url
            title: …                   # default: site_name
            description: …             # default: site_description, else site_name
            language: en               # ISO 639-1, optionally with a region (en-gb); default: theme.language, else en
            # The podcast, podcast.xml: the archive's audio and video productions.
            podcast: true              # false: publish no podcast at all
            owner_email: you@example.org   # required for a podcast: Apple Podcasts' contact (itunes:owner)
            owner_name: …              # default: author
            author: …                  # itunes:author; default: site_author, else the title
            cover: content/podcast-cover.png   # required for a podcast, see below
            category: Arts/Visual Arts # Apple's list: "Category" or "Category/Subcategory", or a list; default Arts
            explicit: false            # the show's itunes:explicit; each episode says its own (record.yaml `explicit`)
            medium: podcast            # podcast:medium; default: video when every episode is a video, else podcast
            podcast_guid: …            # the podcast's permanent podcast:guid (a UUID); see below

When is the podcast built? When the archive has at least one audio or video production
(withdrawn or not: a podcast whose last episode was withdrawn stays up, empty, rather
than vanish under its subscribers). Then `owner_email` and `cover` are required and a
build without them fails, naming the keys; an archive without such productions needs
neither and publishes no podcast.xml. `podcast: false` turns the podcast off. A value
that is given is checked either way, so a mistake shows before the podcast is turned on.

`cover` is a path relative to mkdocs.yml's folder, inside the archive: a JPEG, PNG, GIF
or WebP image at least 1400 px on its short side. The builder makes the published
artwork from it (podcast/cover.jpg): the centred square, resized to 1400-3000 px.

`podcast_guid`: the channel's `podcast:guid` identifies the show for good, across moves.
The Podcasting 2.0 rule computes it once, from the feed's URL at the time (uuid5 of the
namespace ead4c236-bf58-58c6-a2c6-a6b28d128cb6 and the URL without scheme and trailing
slashes). Without `podcast_guid` the builder computes it from the current site_url,
every build: right as long as the address stays, but a change of site_url would make
the show look new to podcast apps. Before moving the site, copy the `podcast:guid` of the
published podcast.xml into `podcast_guid` (the build logs it too); from then on it never
changes. (Episode GUIDs need nothing of the kind: they derive from record ids alone.)

Every error names mkdocs.yml and the key (the plugin prefixes the config file's name).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig

from ..core.model import Archive
from ..media.artwork import MIN_SIDE, ArtworkError, image_size
from ..media.artwork_cache import cached_artwork_from_file
from .categories import Category, parse_category
from .podcast_ns import MEDIUMS
from .rss import FeedError, _base

DEFAULT_CATEGORY = "Arts"
# Deliberately plain: one @, no spaces or brackets, a dotted domain. Apple writes to it.
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2}(?:-[A-Za-z0-9]{1,8})*$")


class _Raw(c.BaseConfigOption):
    """Any YAML value: feed_settings checks it and says, naming mkdocs.yml and the key,
    what to write instead (mkdocs' own type errors name neither the file nor the fix)."""


class FeedsConfig(base.Config):
    # Feeds need absolute URLs: with feeds on (the default) a missing site_url is an error.
    enabled = c.Type(bool, default=True)
    title = c.Optional(c.Type(str))  # default: site_name
    description = c.Optional(c.Type(str))  # default: site_description
    language = c.Optional(c.Type(str))  # default: theme.language, else "en"
    # The podcast (see the module docstring).
    podcast = _Raw()
    author = _Raw()
    owner_name = _Raw()
    owner_email = _Raw()
    category = _Raw()
    cover = _Raw()
    explicit = _Raw()
    medium = _Raw()
    podcast_guid = _Raw()


@dataclass(frozen=True)
class PodcastSettings:
    enabled: bool = True
    author: str = ""
    owner_name: str = ""
    owner_email: str | None = None  # required when the podcast is built
    categories: tuple[Category, ...] = ((DEFAULT_CATEGORY, None),)
    cover: Path | None = None  # required when the podcast is built
    cover_jpeg: bytes | None = field(default=None, repr=False)  # the published artwork, made from `cover`
    explicit: bool = False
    medium: str | None = None  # None: chosen from the episodes
    guid: str | None = None  # None: computed from the feed URL


@dataclass(frozen=True)
class FeedSettings:
    base: str  # the site's absolute address, ending in "/"
    title: str
    description: str
    language: str
    podcast: PodcastSettings = PodcastSettings()


def feed_settings(feeds: FeedsConfig, config: MkDocsConfig, root: Path,
                  cache_dir: Path | None = None) -> FeedSettings | None:
    """The validated settings, None when feeds are off; FeedError says what to change.
    The cover's artwork is kept in `cache_dir` (builder/media/artwork_cache.py)."""
    if not feeds.enabled:
        return None
    title = feeds.title or config.site_name
    language = feeds.language or config.theme.get("language") or "en"
    if not _LANGUAGE.match(language):
        raise _bad("language", language, "not a language code",
                   "write an ISO 639-1 code, optionally with a region (en, en-gb, pt-br), as feeds.language "
                   "or theme.language")
    return FeedSettings(
        base=_base(config.site_url),
        title=title,
        description=feeds.description or config.site_description or config.site_name,
        language=language,
        podcast=podcast_settings(feeds, root, config.site_author or title, cache_dir),
    )


def podcast_settings(feeds: FeedsConfig, root: Path, default_author: str,
                     cache_dir: Path | None = None) -> PodcastSettings:
    """The podcast's settings, each value checked when given (whether it is required is
    decided later, when the archive is known: require_podcast)."""
    # Checked even with the podcast off: a mistake shows before the day it is turned on.
    author = _text(feeds, "author") or default_author
    cover = _cover_path(feeds, root)
    return PodcastSettings(
        enabled=_flag(feeds, "podcast", True),
        author=author,
        owner_name=_text(feeds, "owner_name") or author,
        owner_email=_email(feeds),
        categories=_categories(feeds),
        cover=cover,
        cover_jpeg=_artwork(cover, _value(feeds, "cover"), cache_dir) if cover else None,
        explicit=_flag(feeds, "explicit", False),
        medium=_choice(feeds, "medium", MEDIUMS),
        guid=_guid(feeds),
    )


def podcast_wanted(archive: Archive) -> bool:
    """Whether the archive publishes a podcast: it has an audio or video production."""
    return any(r.kind == "production" and r.type in ("audio", "video") for r in archive.records.values())


def require_podcast(settings: FeedSettings, archive: Archive) -> None:
    """FeedError when the archive publishes a podcast and a required setting is missing."""
    podcast = settings.podcast
    if not podcast.enabled or not podcast_wanted(archive):
        return
    wanted = {"owner_email": (podcast.owner_email, "the address Apple Podcasts may write to"),
              "cover": (podcast.cover, f"a JPEG or PNG at least {MIN_SIDE} px on its short side, "
                                       "as a path relative to mkdocs.yml")}
    missing = {key: why for key, (value, why) in wanted.items() if not value}
    if missing:
        keys = " and ".join(f"feeds.{key}" for key in missing)
        how = "; ".join(f"{key} ({why})" for key, why in missing.items())
        raise FeedError(f"the archive has audio or video productions, so it publishes a podcast (podcast.xml), "
                        f"which needs {keys} in mkdocs.yml: under `plugins: - showcase: feeds:` set {how}; "
                        "or set feeds.podcast: false to publish no podcast")


# --- one key each ---------------------------------------------------------------------------


def _bad(key: str, value: Any, problem: str, fix: str) -> FeedError:
    return FeedError(f"feeds.{key} in mkdocs.yml ({value!r}) is {problem}: {fix}")


def _value(feeds: FeedsConfig, key: str) -> Any:
    return feeds.get(key)


def _text(feeds: FeedsConfig, key: str) -> str | None:
    value = _value(feeds, key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _bad(key, value, "not a text", f"write the {key.replace('_', ' ')} as text, or leave feeds.{key} out")
    if len(value) > 255 or any(ord(ch) < 32 for ch in value):
        raise _bad(key, value, "not one line of at most 255 characters", "shorten it to one line")
    return value.strip()


def _flag(feeds: FeedsConfig, key: str, default: bool) -> bool:
    value = _value(feeds, key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _bad(key, value, "not true or false", f"write feeds.{key}: true or feeds.{key}: false (no quotes)")
    return value


def _email(feeds: FeedsConfig) -> str | None:
    value = _text(feeds, "owner_email")
    if value is not None and (len(value) > 254 or not _EMAIL.match(value)):
        fix = ("leave out the mailto: and write just the address" if value.lower().startswith("mailto:")
               else "write one address, like podcast@example.org")
        raise _bad("owner_email", value, "not an email address", fix)
    return value


def _categories(feeds: FeedsConfig) -> tuple[Category, ...]:
    value = _value(feeds, "category")
    if value is None:
        return ((DEFAULT_CATEGORY, None),)
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise _bad("category", value, "not a category or a list of them",
                   'write an Apple Podcasts category, like "Arts" or "Arts/Visual Arts"')
    found: list[Category] = []
    for item in items:
        try:
            category = parse_category(item)
        except ValueError as exc:
            raise FeedError(f"feeds.category in mkdocs.yml: {exc} (Apple's list: "
                            "https://podcasters.apple.com/support/1691-apple-podcasts-categories)") from None
        if category not in found:
            found.append(category)
    return tuple(found)


def _choice(feeds: FeedsConfig, key: str, choices: tuple[str, ...]) -> str | None:
    value = _value(feeds, key)
    if value is not None and value not in choices:
        raise _bad(key, value, "not a known value", f"write one of {', '.join(choices)}, or leave feeds.{key} out")
    return value


def _guid(feeds: FeedsConfig) -> str | None:
    value = _value(feeds, "podcast_guid")
    if value is None:
        return None
    fix = "copy the <podcast:guid> of the published podcast.xml here (36 characters, four hyphens)"
    try:
        parsed = uuid.UUID(str(value))
    except ValueError:
        raise _bad("podcast_guid", value, "not a UUID", fix) from None
    if parsed.version != 5 or str(parsed) != str(value).lower():
        raise _bad("podcast_guid", value, "not a UUIDv5 written in the usual 8-4-4-4-12 form", fix)
    return str(parsed)


def _cover_path(feeds: FeedsConfig, root: Path) -> Path | None:
    value = _text(feeds, "cover")
    if value is None:
        return None
    path = (root / value).resolve()
    if not path.is_relative_to(root.resolve()):
        raise _bad("cover", value, "outside the archive", "give a path inside the archive, relative to mkdocs.yml")
    if not path.is_file():
        raise _bad("cover", value, "not a file", "give the image's path relative to mkdocs.yml's folder")
    return path


def _artwork(path: Path, value: str, cache_dir: Path | None) -> bytes:
    """The published cover, made now: a broken or small image stops the build before anything is written."""
    try:
        width, height = image_size(path)
        if min(width, height) < MIN_SIDE:
            raise ArtworkError(f"{width} × {height} px, smaller than Apple's {MIN_SIDE} × {MIN_SIDE}",
                               f"give an image at least {MIN_SIDE} px on its short side (3000 × 3000 is best)")
        return cached_artwork_from_file(path, cache_dir)
    except ArtworkError as exc:
        raise _bad("cover", value, f"not usable as artwork ({exc.message})", exc.fix) from None
