"""The site's generated pages as mkdocs files, the way Material's blog plugin makes its views.

A generated page's Markdown source is empty: record text never becomes an mkdocs
page source (no front matter, template syntax or raw HTML of a contributor can take
effect). Its content comes from a view model rendered by an autoescaping template.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ..core.graph import RemixGraph
from ..core.markup import MarkupLimit
from ..core.model import Archive
from ..core.remix import RemixRules
from ..media.results import MediaInfo
from ..memo.renders import Renderer
from ..timeline.model import Edit
from . import urls
from .edit_diagram import UsedIn, used_in_index

# Each module defines `pages(ctx: SiteContext) -> list[GeneratedPage]`.
PAGE_MODULES = (
    "builder.site.records",
    "builder.site.people",
    "builder.site.collaborations",
    "builder.site.lists",
    "builder.site.gallery",
    "builder.site.remix",
    "builder.site.lineage",
)


@dataclass(frozen=True)
class SiteContext:
    """Everything a page view may read: the archive, its graph, the media results, the
    timelines' cuts; and the build's renderer, which every record text is rendered with."""

    root: Path
    archive: Archive
    graph: RemixGraph
    media: dict[str, MediaInfo]
    site_url: str | None
    contribute_url: str | None  # the contribute page's URL, when the archive has one
    feeds: frozenset[str] = frozenset()  # site paths of the feeds this build publishes
    cache_dir: Path | None = (
        None  # the media cache folder (podcast artwork is kept there); None: none
    )
    renderer: Renderer = field(default_factory=Renderer)
    # record id -> the cut of every record whose file is a readable timeline (Loaded.edits)
    edits: Mapping[str, Edit] = field(default_factory=lambda: MappingProxyType({}))
    # Page URLs as files or, with mkdocs.yml's use_directory_urls: true, as folders (urls.py)
    url_style: urls.UrlStyle = urls.UrlStyle()
    # The build's day: pages that count days (a collaboration's deadline) count from it.
    today: dt.date = field(default_factory=lambda: build_date(os.environ))

    @cached_property
    def used_in(self) -> dict[str, tuple[UsedIn, ...]]:
        """record id -> the productions whose cut uses it: made once, read by every record page."""
        return used_in_index(self.archive, self.edits)

    @cached_property
    def credits_memo(self) -> dict[str, Any]:
        """record id -> its Credits (catalog.site_credits): each made once per build, however
        many pages, feeds and the catalog read them."""
        return {}

    @cached_property
    def tree_writer(self) -> Callable[..., Markup]:
        """`showcase_tree` of the record pages (tree_html.py), one per build."""
        from .tree_html import tree_writer

        return tree_writer(self.url_style)

    @cached_property
    def remix_rules(self) -> RemixRules:
        """The licenses this archive accepts (mkdocs.yml, as check reads them), among which
        a remix's are chosen: one per build, read by "Remix this" and "Open to remix"."""
        from ..archive.config import read_config

        return RemixRules(read_config(self.root)[0].licenses)


@dataclass(frozen=True)
class GeneratedPage:
    """A page the plugin renders from a view with one of our (autoescaping) templates.

    `src` is an mkdocs source path: a new, empty generated file (records/<id>/index.md),
    or an existing page of content/ that the view takes over (the home page). A page of
    content/ that `replaces` names (people/<handle>.md) is dropped from the build: its
    body is rendered by the view, sanitized, on a page at a folder's index.html like every
    other. Unless `keep_markdown`, the page's own Markdown is discarded.
    """

    src: str
    template: str
    title: str
    context: Callable[[], dict[str, Any]]  # built when the page is rendered
    keep_markdown: bool = False
    replaces: str | None = None
    in_nav: bool = False
    # HTML that stands for the page in the search index (our pages have no Markdown of
    # their own, so mkdocs' search would otherwise index nothing). Escaped/sanitized.
    search_html: Callable[[], str] | None = None


def build_date(environ: Mapping[str, str]) -> dt.date:
    """Today (UTC), or the day of SOURCE_DATE_EPOCH when it is set (reproducible builds)."""
    try:
        stamp = float(environ["SOURCE_DATE_EPOCH"])
        return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).date()
    except (KeyError, ValueError, OverflowError, OSError):
        return dt.datetime.now(dt.timezone.utc).date()


def site_pages(ctx: SiteContext) -> list[GeneratedPage]:
    pages: list[GeneratedPage] = []
    for module in PAGE_MODULES:
        pages.extend(importlib.import_module(module).pages(ctx))
    return pages


def page_file(config: MkDocsConfig, page: GeneratedPage) -> File:
    file = File.generated(
        config,
        page.src,
        content="",
        inclusion=InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV,
    )
    ViewPage(
        None, file, config
    )  # becomes file.page, which mkdocs then uses (as Material's blog posts do)
    return file


class ViewPage(Page):
    """A generated page: its source is empty, and its content is the view's template.

    mkdocs renders every page's Markdown with a new parser carrying every configured
    extension; for a thousand record pages with nothing to parse that was a fifth of a
    second. An empty source renders to nothing, no table of contents and no anchors."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown:
            super().render(config, files)
            return
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


def safe_html(text: str, renderer: Renderer) -> str:
    """Untrusted Markdown of content pages (a bio, a prompt), sanitized; '' if it cannot be."""
    try:
        return renderer.render(text)
    except MarkupLimit:
        return ""


def text_html(root: Path, archive: Archive, record_id: str, renderer: Renderer) -> str:
    """A text record's own text, rendered safely for its page ('' when it cannot be)."""
    record = archive.records[record_id]
    if record.type != "text" or record.withdrawn or record.file is None:
        return ""
    try:
        data = (root / record.folder / record.file).read_bytes()
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        if record.file.endswith(".txt"):  # plain text: keep its lines, no Markdown meaning
            return '<pre class="sc-plain">' + _escape(text) + "</pre>"
        return renderer.render(text)
    except (OSError, UnicodeDecodeError, MarkupLimit):
        return ""


# Captions up to this size are written into the page (see captions_data_url).
MAX_INLINE_CAPTIONS = 64 * 1024


def captions_data_url(root: Path, archive: Archive, record_id: str) -> str | None:
    """A record's captions as a data: URL, or None (then the published file is linked).

    Chromium loads no <track> from a file:// URL (every file is an origin of its own), so
    captions would vanish when the site is opened from a folder; inline data has no
    origin to check. The file is published too; only large ones are linked instead.
    """
    record = archive.records[record_id]
    if not record.captions or record.withdrawn:
        return None
    try:
        data = (root / record.folder / record.captions).read_bytes()
    except OSError:
        return None
    if len(data) > MAX_INLINE_CAPTIONS:
        return None
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(data).decode("ascii")


class MediaFile(File):
    """A file published as it is, whatever its name: a text record's `poem.md` is a
    download, never an mkdocs page (its Markdown must not become a page source)."""

    def is_documentation_page(self) -> bool:
        return False

    def is_static_page(self) -> bool:
        return False


class CachedMediaFile(MediaFile):
    """A derivative from the media cache, hard-linked into the site rather than copied.

    At 1,000 records a link saves copying ~190 MB on every build (copies cost 2.4 to 4 s
    more on ext4, which has no reflinks). A link shares its inode with the cache entry, so
    an edit in place to the published file (an optimiser, an appended line) edits the
    entry too: the cache stamps each entry's files when it is made and remakes an entry
    that no longer matches (media/cache.py), and the build publishes the new one. Across
    file systems (a --site-dir on a tmpfs), or where links are refused, it copies.
    """

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        src, dest = self.abs_src_path, self.abs_dest_path
        try:
            _link(src, dest)
        except OSError:
            super().copy_file(dirty)


def _link(src: str, dest: str) -> None:
    """Hard-link src at dest, making the folder or replacing a file only when needed
    (thousands of links per build: the common case is one system call)."""
    try:
        os.link(src, dest)
    except FileNotFoundError:
        if not os.path.exists(src):
            raise
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        os.link(src, dest)
    except FileExistsError:
        os.unlink(dest)
        os.link(src, dest)


def media_file(
    config: MkDocsConfig, record_id: str, name: str, abs_src_path: Path, cached: bool = False
) -> File:
    kind = CachedMediaFile if cached else MediaFile
    return kind.generated(
        config, urls.record_media(record_id, name), abs_src_path=str(abs_src_path)
    )


def autoescape_showcase(name: str | None) -> bool:
    """Our templates autoescape; mkdocs-material's own expect raw HTML strings."""
    return bool(name) and name.startswith("showcase/")


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
