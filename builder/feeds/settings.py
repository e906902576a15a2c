"""Feed-wide settings: the `feeds:` block of the showcase plugin's config in mkdocs.yml.

    plugins:
      - showcase:
          feeds:
            enabled: true              # every feed; feeds need an absolute site_url
            title: …                   # default: site_name
            description: …             # default: site_description, else site_name
            language: en               # ISO 639-1, optionally with a region (en-gb);
                                       # default: theme.language, else en
            # The podcast, podcast.xml: the archive's audio and video productions.
            podcast: true              # false: publish no podcast at all
            owner_email: you@example.org   # required for a podcast: Apple Podcasts' contact
                                           # (itunes:owner)
            owner_name: …              # default: author
            author: …                  # itunes:author; default: site_author, else the title
            cover: content/podcast-cover.png   # required for a podcast, see below
            category: Arts/Visual Arts # Apple's list: "Category" or "Category/Subcategory",
                                       # or a list; default Arts
            explicit: false            # the show's itunes:explicit; each episode says its own
                                       # (record.yaml `explicit`)
            medium: podcast            # podcast:medium; default: video when every episode is
                                       # a video, else podcast
            podcast_guid: …            # the podcast's permanent podcast:guid (a UUID); see below
            value:                     # Podcasting 2.0 payments (podcast:value); default none
              type: lightning          # the payment layer's slug
              method: keysend          # its transport's slug
              suggested: "0.00000005000"   # optional: a suggested amount per payment
              remote_percentage: 90    # the share paid to the record heard in each stretch (0-100)
              recipients:              # who is paid the rest, by shares
                - {name: Showcase studio, type: node, address: 02d5…, split: 100}

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

`value`: with a value block, each episode carries `podcast:value` with the recipients,
and an audio production made from a timeline adds a `podcast:valueTimeSplit` for every
stretch of its sound, never overlapping: `remote_percentage` of each payment then goes to
the record heard (where several are heard at once, the one on the lowest audio track),
named by a `podcast:remoteItem`: its item in podcast.xml when it is an episode, else in
records/feed.xml (the item GUIDs of rss.py; the feed's guid is uuid5 of its URL, like
podcast:guid, and `feedUrl` says where it is). Without `value`, none of this is written.

Every error names mkdocs.yml and the key (the plugin prefixes the config file's name).
Each podcast key is an option class below (Text, Flag, Email...): mkdocs takes its value as
it is, and the option's `read` checks it, raising a FeedError that carries the fix.
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
from .podcast_ns import MEDIUMS, ValueBlock, ValueRecipient
from .rss import FeedError, _base

DEFAULT_CATEGORY = "Arts"
# Deliberately plain: one @, no spaces or brackets, a dotted domain. Apple writes to it.
_EMAIL = re.compile(
    r"^[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_LANGUAGE = re.compile(r"^[A-Za-z]{2}(?:-[A-Za-z0-9]{1,8})*$")


# --- the options: one class per kind of value ----------------------------------------------


class FeedOption(c.BaseConfigOption):
    """Any YAML value, which `read` checks and says, naming mkdocs.yml and the key, what to
    write instead (mkdocs' own type errors name neither the file nor the fix). `read` gets
    None when the key is not given, and returns the setting's value."""

    def read(self, key: str, value: Any, root: Path) -> Any:
        return value


class Text(FeedOption):
    """One line of text, at most 255 characters."""

    def read(self, key: str, value: Any, root: Path) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise _bad(
                key,
                value,
                "not a text",
                f"write the {key.replace('_', ' ')} as text, or leave feeds.{key} out",
            )
        if len(value) > 255 or any(ord(ch) < 32 for ch in value):
            raise _bad(
                key, value, "not one line of at most 255 characters", "shorten it to one line"
            )
        return value.strip()


class Flag(FeedOption):
    def __init__(self, default: bool) -> None:
        super().__init__()
        self.when_missing = default

    def read(self, key: str, value: Any, root: Path) -> bool:
        if value is None:
            return self.when_missing
        if not isinstance(value, bool):
            raise _bad(
                key,
                value,
                "not true or false",
                f"write feeds.{key}: true or feeds.{key}: false (no quotes)",
            )
        return value


class Email(Text):
    def read(self, key: str, value: Any, root: Path) -> str | None:
        text = super().read(key, value, root)
        if text is not None and (len(text) > 254 or not _EMAIL.match(text)):
            fix = (
                "leave out the mailto: and write just the address"
                if text.lower().startswith("mailto:")
                else "write one address, like podcast@example.org"
            )
            raise _bad(key, text, "not an email address", fix)
        return text


_APPLE_LIST = "https://podcasters.apple.com/support/1691-apple-podcasts-categories"


class Categories(FeedOption):
    """An Apple Podcasts category ("Category" or "Category/Subcategory"), or a list of them."""

    def read(self, key: str, value: Any, root: Path) -> tuple[Category, ...]:
        if value is None:
            return ((DEFAULT_CATEGORY, None),)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            raise _bad(
                key,
                value,
                "not a category or a list of them",
                'write an Apple Podcasts category, like "Arts" or "Arts/Visual Arts"',
            )
        found: list[Category] = []
        for item in items:
            try:
                category = parse_category(item)
            except ValueError as exc:
                raise FeedError(
                    f"feeds.{key} in mkdocs.yml: {exc}", f"see Apple's list, {_APPLE_LIST}"
                ) from None
            if category not in found:
                found.append(category)
        return tuple(found)


class Choice(FeedOption):
    def __init__(self, choices: tuple[str, ...]) -> None:
        super().__init__()
        self.choices = choices

    def read(self, key: str, value: Any, root: Path) -> str | None:
        if value is not None and value not in self.choices:
            raise _bad(
                key,
                value,
                "not a known value",
                f"write one of {', '.join(self.choices)}, or leave feeds.{key} out",
            )
        return value


class Guid(FeedOption):
    """A UUIDv5 in its usual form (the podcast's permanent podcast:guid)."""

    def read(self, key: str, value: Any, root: Path) -> str | None:
        if value is None:
            return None
        fix = (
            "copy the <podcast:guid> of the published podcast.xml here "
            "(36 characters, four hyphens)"
        )
        try:
            parsed = uuid.UUID(str(value))
        except ValueError:
            raise _bad(key, value, "not a UUID", fix) from None
        if parsed.version != 5 or str(parsed) != str(value).lower():
            raise _bad(key, value, "not a UUIDv5 written in the usual 8-4-4-4-12 form", fix)
        return str(parsed)


class FilePath(Text):
    """A file inside the archive, relative to mkdocs.yml's folder."""

    def read(self, key: str, value: Any, root: Path) -> Path | None:
        text = super().read(key, value, root)
        if text is None:
            return None
        path = (root / text).resolve()
        if not path.is_relative_to(root.resolve()):
            raise _bad(
                key,
                text,
                "outside the archive",
                "give a path inside the archive, relative to mkdocs.yml",
            )
        if not path.is_file():
            raise _bad(
                key, text, "not a file", "give the image's path relative to mkdocs.yml's folder"
            )
        return path


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_VALUE_KEYS = {"type", "method", "suggested", "remote_percentage", "recipients"}
_RECIPIENT_KEYS = {"name", "type", "address", "split", "fee", "custom_key", "custom_value"}


class Value(FeedOption):
    """The podcast's Podcasting 2.0 value block (`podcast:value`): who is paid, and how. With
    it, an audio production made from a timeline pays, during each stretch of its sound, the
    record heard then (`podcast:valueTimeSplit`, `remote_percentage` of each payment, default
    90). Without it, nothing of the kind is written."""

    def read(self, key: str, value: Any, root: Path) -> ValueBlock | None:
        if value is None:
            return None
        example = (
            "write a mapping: type: lightning, method: keysend, "
            "recipients: - {name: …, type: node, address: …, split: 100}"
        )
        if not isinstance(value, dict) or set(value) - _VALUE_KEYS:
            raise _bad(key, value, "not a value block", example)
        recipients = value.get("recipients")
        if not isinstance(recipients, list) or not recipients:
            raise _bad(f"{key}.recipients", recipients, "not a list of recipients", example)
        suggested = value.get("suggested")
        if suggested is not None and not re.fullmatch(r"[0-9]+(\.[0-9]+)?", str(suggested)):
            raise _bad(
                f"{key}.suggested",
                suggested,
                "not an amount",
                'write a number in quotes, like "0.00000005000"',
            )
        percent = value.get("remote_percentage", 90)
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise _bad(
                f"{key}.remote_percentage",
                percent,
                "not a whole percentage",
                "write a number from 0 to 100",
            )
        return ValueBlock(
            _slug(f"{key}.type", value.get("type")),
            _slug(f"{key}.method", value.get("method")),
            tuple(_recipient(f"{key}.recipients[{i}]", r) for i, r in enumerate(recipients)),
            None if suggested is None else str(suggested),
            percent,
        )


def _slug(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise _bad(
            key,
            value,
            "not a slug",
            "write it as the namespace lists it, in lower case: lightning, keysend, node…",
        )
    return value


def _recipient(key: str, value: Any) -> ValueRecipient:
    if not isinstance(value, dict) or set(value) - _RECIPIENT_KEYS:
        raise _bad(
            key, value, "not a recipient", "write {name: …, type: node, address: …, split: N}"
        )
    address, split, fee = value.get("address"), value.get("split"), value.get("fee", False)
    if (
        not isinstance(address, str)
        or not 0 < len(address) <= 512
        or any(c.isspace() for c in address)
    ):
        raise _bad(
            f"{key}.address",
            address,
            "not an address",
            "write the recipient's address, without spaces",
        )
    if isinstance(split, bool) or not isinstance(split, int) or split < 1:
        raise _bad(
            f"{key}.split", split, "not a number of shares", "write a whole number, 1 or more"
        )
    if not isinstance(fee, bool):
        raise _bad(f"{key}.fee", fee, "not true or false", "write fee: true or leave it out")
    texts = {
        name: Text().read(f"{key}.{name}", value.get(name), Path())
        for name in ("name", "custom_key", "custom_value")
    }
    return ValueRecipient(
        texts["name"] or address[:32],
        _slug(f"{key}.type", value.get("type")),
        address,
        split,
        fee,
        texts["custom_key"],
        texts["custom_value"],
    )


class FeedsConfig(base.Config):
    # Feeds need absolute URLs: with feeds on (the default) a missing site_url is an error.
    enabled = c.Type(bool, default=True)
    title = c.Optional(c.Type(str))  # default: site_name
    description = c.Optional(c.Type(str))  # default: site_description
    language = c.Optional(c.Type(str))  # default: theme.language, else "en"
    # The podcast (see the module docstring).
    podcast = Flag(True)
    author = Text()
    owner_name = Text()
    owner_email = Email()
    category = Categories()
    cover = FilePath()
    explicit = Flag(False)
    medium = Choice(MEDIUMS)
    podcast_guid = Guid()
    value = Value()  # Podcasting 2.0 payments: see Value


@dataclass(frozen=True)
class PodcastSettings:
    enabled: bool = True
    author: str = ""
    owner_name: str = ""
    owner_email: str | None = None  # required when the podcast is built
    categories: tuple[Category, ...] = ((DEFAULT_CATEGORY, None),)
    cover: Path | None = None  # required when the podcast is built
    cover_jpeg: bytes | None = field(
        default=None, repr=False
    )  # the published artwork, made from `cover`
    explicit: bool = False
    medium: str | None = None  # None: chosen from the episodes
    guid: str | None = None  # None: computed from the feed URL
    value: ValueBlock | None = None  # the value block; None: no podcast:value at all


@dataclass(frozen=True)
class FeedSettings:
    base: str  # the site's absolute address, ending in "/"
    title: str
    description: str
    language: str
    podcast: PodcastSettings = PodcastSettings()


def feed_settings(
    feeds: FeedsConfig, config: MkDocsConfig, root: Path, cache_dir: Path | None = None
) -> FeedSettings | None:
    """The validated settings, None when feeds are off; FeedError says what to change.
    The cover's artwork is kept in `cache_dir` (builder/media/artwork_cache.py)."""
    if not feeds.enabled:
        return None
    title = feeds.title or config.site_name
    language = feeds.language or config.theme.get("language") or "en"
    if not _LANGUAGE.match(language):
        raise _bad(
            "language",
            language,
            "not a language code",
            "write an ISO 639-1 code, optionally with a region (en, en-gb, pt-br), "
            "as feeds.language or theme.language",
        )
    return FeedSettings(
        base=_base(config.site_url),
        title=title,
        description=feeds.description or config.site_description or config.site_name,
        language=language,
        podcast=podcast_settings(feeds, root, config.site_author or title, cache_dir),
    )


def podcast_settings(
    feeds: FeedsConfig, root: Path, default_author: str, cache_dir: Path | None = None
) -> PodcastSettings:
    """The podcast's settings, each value checked when given (whether it is required is
    decided later, when the archive is known: require_podcast)."""
    # Checked even with the podcast off: a mistake shows before the day it is turned on.
    author = _read(feeds, "author", root) or default_author
    cover = _read(feeds, "cover", root)
    return PodcastSettings(
        enabled=_read(feeds, "podcast", root),
        author=author,
        owner_name=_read(feeds, "owner_name", root) or author,
        owner_email=_read(feeds, "owner_email", root),
        categories=_read(feeds, "category", root),
        cover=cover,
        cover_jpeg=_artwork(cover, feeds.get("cover"), cache_dir) if cover else None,
        explicit=_read(feeds, "explicit", root),
        medium=_read(feeds, "medium", root),
        guid=_read(feeds, "podcast_guid", root),
        value=_read(feeds, "value", root),
    )


def podcast_wanted(archive: Archive) -> bool:
    """Whether the archive publishes a podcast: it has an audio or video production."""
    return any(
        r.kind == "production" and r.type in ("audio", "video") for r in archive.records.values()
    )


def require_podcast(settings: FeedSettings, archive: Archive) -> None:
    """FeedError when the archive publishes a podcast and a required setting is missing."""
    podcast = settings.podcast
    if not podcast.enabled or not podcast_wanted(archive):
        return
    wanted = {
        "owner_email": (podcast.owner_email, "the address Apple Podcasts may write to"),
        "cover": (
            podcast.cover,
            f"a JPEG or PNG at least {MIN_SIDE} px on its short side, "
            "as a path relative to mkdocs.yml",
        ),
    }
    missing = {key: why for key, (value, why) in wanted.items() if not value}
    if missing:
        keys = " and ".join(f"feeds.{key}" for key in missing)
        how = "; ".join(f"{key} ({why})" for key, why in missing.items())
        raise FeedError(
            f"the archive has audio or video productions, so it publishes a podcast (podcast.xml), "
            f"which needs {keys} in mkdocs.yml",
            f"under `plugins: - showcase: feeds:` set {how}; "
            "or set feeds.podcast: false to publish no podcast",
        )


# --- one key each ---------------------------------------------------------------------------


def _bad(key: str, value: Any, problem: str, fix: str) -> FeedError:
    return FeedError(f"feeds.{key} in mkdocs.yml ({value!r}) is {problem}", fix)


def _read(feeds: FeedsConfig, key: str, root: Path) -> Any:
    """The checked value of a podcast key, by its option class."""
    option = dict(base.get_schema(FeedsConfig))[key]
    assert isinstance(option, FeedOption), key
    return option.read(key, feeds.get(key), root)


def _artwork(path: Path, value: str, cache_dir: Path | None) -> bytes:
    """The published cover, made now: a broken or small image stops the build before anything
    is written."""
    try:
        width, height = image_size(path)
        if min(width, height) < MIN_SIDE:
            raise ArtworkError(
                f"{width} × {height} px, smaller than Apple's {MIN_SIDE} × {MIN_SIDE}",
                f"give an image at least {MIN_SIDE} px on its short side (3000 × 3000 is best)",
            )
        return cached_artwork_from_file(path, cache_dir)
    except ArtworkError as exc:
        raise _bad("cover", value, f"not usable as artwork ({exc.message})", exc.fix) from None
