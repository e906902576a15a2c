"""The mkdocs plugin `showcase`: every event hands over to the core; nothing else lives here.

A build's state, in the order mkdocs' events make it:

    on_config       the Prepared archive (checked, media made: pipeline.py), handed over by
                    `showcase build` (use_prepared) or made here; the build's Renderer
                    (memo/renders.py), which came with it; the feed settings; the staged site
    on_files        the site's files, each kind from one producer (_generate_*), all reading
                    one SiteContext (site/pages.py)
    on_post_build   the staged site swapped in, the renders saved for the next build
    on_build_error  the staged site and the renders dropped
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import pass_context
from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler

from .archive.config import KEYS, Key
from .core.credits import credits_of
from .core.graph import RemixGraph
from .core.report import Report, render_text
from .errors import ShowcaseError
from .feeds import FeedError, FeedsConfig, FeedSettings, feed_files, feed_settings, require_podcast
from .media.runner import MediaRun
from .memo.renders import Renderer
from .offline import add_polyfill, write_search_script
from .pipeline import Prepared, media_summary, prepare
from .site import urls
from .site.catalog import catalog
from .site.chrome import ChromeMemo
from .site.compiled import user_template_cache
from .site.feed_links import FeedLink, collaboration_feed, folder_sitemaps, site_feeds
from .site.icons import Icons
from .site.pages import (
    GeneratedPage,
    SiteContext,
    autoescape_showcase,
    media_file,
    page_file,
    site_pages,
)
from .staging import StagedSite

if TYPE_CHECKING:
    import jinja2
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.utils.templates import TemplateContext

log = logging.getLogger("mkdocs.plugins.showcase")


def _option(key: Key) -> c.BaseConfigOption:
    """The mkdocs option of a key that check reads too (archive/config.py KEYS): mkdocs
    checks types and reports unknown keys; check reads the values again, with lines."""
    if key.kind == "licenses":
        return c.Optional(c.ListOfItems(c.Type(str)))
    if key.kind == "number":
        return c.Type((int, float), default=key.default)
    return c.Type(str, default=key.default)


# The keys check reads, declared once in archive/config.py (derivatives are cached in
# cache_dir by content hash, relative to mkdocs.yml's folder).
_ArchiveKeys = type("_ArchiveKeys", (base.Config,), {key.name: _option(key) for key in KEYS})


class ShowcaseConfig(_ArchiveKeys):  # type: ignore[valid-type, misc]
    # Draw Material's navigation once per place, not once per page (builder/site/chrome.py).
    # Off only to compare, or for a theme override whose chrome shows page state.
    reuse_chrome = c.Type(bool, default=True)
    # The feeds' own settings (title, language, the podcast's owner and cover...).
    feeds = c.SubConfig(FeedsConfig)


class ArchiveProblems(PluginError, ShowcaseError):
    """The archive fails `showcase check`; carries the report so the CLI can exit 1."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__("The archive has problems; nothing was built.\n" + render_text(report))


class ShowcasePlugin(BasePlugin[ShowcaseConfig]):
    def __init__(self) -> None:
        self.root: Path | None = None
        # The checked archive and its media; handed over by `showcase build` (use_prepared),
        # which prepares (and reports) before mkdocs starts, or made in on_config.
        self.prepared: Prepared | None = None
        self.renderer: Renderer | None = None  # the build's: opened in on_config, saved after
        self.serving = False
        self.dirty = False  # a --dirty build writes into the existing site: nothing to stage
        self.staged: StagedSite | None = None
        self.warnings: CountHandler | None = None
        self.pages: dict[str, GeneratedPage] = {}  # src_uri -> our page
        self.feeds: FeedSettings | None = None
        self.site_feeds: tuple[FeedLink, ...] = ()  # advertised in every page's head
        self.chrome: ChromeMemo | None = None  # Material's navigation, drawn once per place
        self.url_style = urls.UrlStyle()  # pages as files, or as folders (on_config)

    def use_prepared(self, prepared: Prepared) -> None:
        """Build from an archive prepared already (`showcase build`): checked, its media made,
        its texts rendered with prepared.renderer, which this build then owns and saves."""
        self.prepared = prepared

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # A live preview must survive a broken record: it reports and keeps serving.
        self.serving = command == "serve"
        self.dirty = dirty

    def cache_dir(self, root: Path) -> Path:
        return (root / self.config.cache_dir).resolve()

    # Earliest: mkdocs empties site_dir right after on_pre_build, so a refusal has to
    # come before anything else runs for the output folder to stay untouched.
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).resolve().parent
        _add_showcase_theme(config)
        # A Showcase site works opened from a folder: every page is a file that links name
        # (mkdocs' folder URLs need a server to find index.html). Material's offline plugin
        # does the same. A site that says otherwise keeps its own URLs.
        self.url_style = urls.UrlStyle(directories=_directory_urls(config))
        config.use_directory_urls = self.url_style.directories
        if self.url_style.directories:
            log.info(
                "use_directory_urls: true in mkdocs.yml: pages are folders (records/<id>/), "
                "so the site needs a web server (opened from a folder, its links fail)"
            )
        add_polyfill(config)  # and search works there too (builder/offline.py)
        self.feeds = self._feed_settings(config)
        if self.prepared is None:
            cache = self.cache_dir(self.root)
            self.prepared = prepare(
                self.root, cache, partial=self.serving, renderer=Renderer.kept_in(cache)
            )
        self.renderer = self.prepared.renderer
        if not self.prepared.ok:
            if not self.serving:
                raise ArchiveProblems(self.prepared.report)
            for line in render_text(self.prepared.report).splitlines():
                if line:
                    log.warning(line)
        if self.feeds is not None and self.prepared.ok:
            # Whether the podcast's settings are required depends on the archive (an audio or
            # video production): known only now, and still before site_dir is touched.
            try:
                require_podcast(self.feeds, self.prepared.loaded.archive)
            except FeedError as error:
                raise PluginError(f"{Path(config.config_file_path).name}: {error}") from None
        log.info(self.prepared.report.summary())
        if self.prepared.media is not None:
            log.info(media_summary(self.prepared.media))
        self._stage(config)
        return config

    def _feed_settings(self, config: MkDocsConfig) -> FeedSettings | None:
        try:
            return feed_settings(self.config.feeds, config, self.root, self.cache_dir(self.root))
        except FeedError as error:
            raise PluginError(f"{Path(config.config_file_path).name}: {error}") from None

    def _stage(self, config: MkDocsConfig) -> None:
        """Build beside site_dir, swapped in by on_post_build (see builder/staging.py)."""
        self.staged = None
        if self.serving or self.dirty:
            return
        assert self.root is not None
        trash = self.cache_dir(self.root) / "trash"  # replaced sites: see builder/staging.py
        self.staged = StagedSite.begin(Path(config.site_dir), trash)
        config.site_dir = str(self.staged.path)
        # Strict mode aborts after on_post_build when warnings were logged: count them
        # too, so that such a build is not swapped in first.
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
        self.warnings = CountHandler()
        self.warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self.warnings)

    # --- the site's files: one producer for each kind, as Material's blog plugin does ----------

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        self.site_feeds = ()
        self.pages = {}
        if self.prepared is None:
            return files
        ctx = self._site_context(files, config)
        _add(files, _generate_credits(ctx, config))
        _add(files, _generate_catalog(ctx, config))
        feeds = self._generate_feeds(ctx, config)
        ctx = replace(ctx, feeds=frozenset(feeds))  # pages link the feeds this build publishes
        _add(files, feeds.values())
        pages = site_pages(ctx)
        _add(files, _generate_pages(pages, files, config))
        # Not a page the site's own took the address of (_generate_pages).
        self.pages = {p.src: p for p in pages if files.get_file_from_path(p.src) is not None}
        _add(files, self._generate_sitemaps(ctx, files, config))
        _add(files, _generate_captions(ctx, config))
        _add(files, _generate_derivatives(self.prepared.media, config))
        return files

    def _site_context(self, files: Files, config: MkDocsConfig) -> SiteContext:
        """What every page, feed and list reads, made once per build."""
        assert self.prepared is not None and self.root is not None
        loaded, media = self.prepared.loaded, self.prepared.media
        archive = loaded.archive
        return SiteContext(
            self.root,
            archive,
            RemixGraph.of(archive),
            {rid: r.info for rid, r in (media.results if media else {}).items()},
            config.site_url,
            _page_url(files, "contribute.md"),
            cache_dir=self.cache_dir(self.root),
            renderer=self.prepared.renderer,
            edits=loaded.edits,
            url_style=self.url_style,
        )

    def _generate_feeds(self, ctx: SiteContext, config: MkDocsConfig) -> dict[str, File]:
        """{site path: file} of every feed this build publishes (none with feeds off)."""
        if self.feeds is None:
            return {}
        published = feed_files(ctx, self.feeds)
        self.site_feeds = site_feeds(self.feeds.title, set(published))
        return {
            path: File.generated(config, path, content=content)
            for path, content in published.items()
        }

    def _generate_sitemaps(
        self, ctx: SiteContext, files: Files, config: MkDocsConfig
    ) -> list[File]:
        """A sitemap per folder that has a feed, listing the pages (see site/feed_links.py)."""
        if self.feeds is None:
            return []
        advertised = [
            *self.site_feeds,
            *filter(None, (collaboration_feed(ctx, slug) for slug in ctx.archive.collaborations)),
        ]
        page_urls = [files.get_file_from_path(src).url for src in self.pages]
        return [
            File.generated(config, path, content=xml)
            for path, xml in folder_sitemaps(self.feeds.base, advertised, page_urls).items()
        ]

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        theme = config.theme
        named = [*config.extra_css, *config.extra_javascript, theme.get("logo")]
        named.append(theme.get("favicon"))
        static = ChromeMemo.static_files(files, config.docs_dir, filter(None, named))
        self.chrome = ChromeMemo(nav, static)
        return nav

    def on_env(
        self, env: jinja2.Environment, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        # mkdocs renders themes without autoescape; our templates show untrusted text.
        env.autoescape = autoescape_showcase
        env.bytecode_cache = user_template_cache()  # compiled once per user (site/compiled.py)
        env.globals["showcase_feeds"] = self.site_feeds
        env.globals["showcase_chrome"] = self._chrome
        env.globals["showcase_icon"] = Icons(env)  # one render per icon (site/icons.py)
        env.filters["url"] = _styled_url_filter(env.filters["url"], self.url_style)
        return env

    def _chrome(self, block: str, page: Page | None, base_url: str, draw) -> str:  # noqa: ANN001 - jinja2 block
        """theme/main.html: a block of Material's chrome, from the memo where it is the same."""
        if self.chrome is None or not self.config.reuse_chrome:
            return draw()
        return self.chrome.render(block, page, base_url, draw)

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        ours = self.pages.get(page.file.src_uri)
        if ours is None:
            return markdown
        page.meta["template"] = ours.template
        # Escaped once here: mkdocs-material prints page titles unescaped (<title>, header,
        # nav), and a Markup value is not escaped again by our autoescaping templates.
        page.meta["title"] = escape(ours.title)
        return markdown if ours.keep_markdown else ""

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        ours = self.pages.get(page.file.src_uri)
        if ours is not None and ours.search_html is not None:
            return ours.search_html()  # read by the search index only: our template shows the page
        return html

    def on_page_context(
        self, context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        if page.is_homepage and config.site_url:
            # The site's address, not .../index.html (pages are files: see site/urls.py).
            page.canonical_url = config.site_url
        ours = self.pages.get(page.file.src_uri)
        if ours is not None:
            context.update(ours.context())
        return context

    # Last, after every other plugin has written its files (search index, sitemaps).
    @event_priority(-100)
    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.renderer is not None:
            self.renderer.save()  # every text of the build is rendered by now: keep them
        self._forget_archive()
        write_search_script(Path(config.site_dir))
        if self.staged is not None:
            failed = config.strict and self.warnings is not None and self.warnings.get_counts()
            (self.staged.abandon if failed else self.staged.commit)()
            config.site_dir = str(self.staged.final)
            self.staged = None
        self._stop_counting()

    def on_build_error(self, *, error: Exception) -> None:
        self._forget_archive()  # and the renders: what a failed build used is not all it needs
        if self.staged is not None:
            self.staged.abandon()
            self.staged = None
        self._stop_counting()

    def _forget_archive(self) -> None:
        # `mkdocs serve` rebuilds with the same plugin object: prepare afresh next time.
        self.prepared = None
        self.renderer = None

    def _stop_counting(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            self.warnings = None

    def on_serve(
        self, server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., None]
    ) -> LiveReloadServer:
        # records/ is outside docs_dir, so mkdocs would not rebuild when a record changes.
        if self.root is not None and (self.root / "records").is_dir():
            server.watch(str(self.root / "records"))
        return server


def _add(files: Files, made: Iterable[File]) -> None:
    for file in made:
        files.append(file)


def _generate_credits(ctx: SiteContext, config: MkDocsConfig) -> list[File]:
    """The credits of every production as data: what `showcase credits --format json` prints."""
    return [
        File.generated(config, urls.credits_json(record.id), content=_credits_json(ctx, record.id))
        for record in ctx.archive.records.values()
        if record.kind == "production"
    ]


def _credits_json(ctx: SiteContext, record_id: str) -> str:
    # With the record's timeline (ctx.edits) when it has one: the usage of what its cut uses.
    data = credits_of(ctx.archive, ctx.graph, record_id, ctx.edits.get(record_id)).to_json()
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _generate_catalog(ctx: SiteContext, config: MkDocsConfig) -> list[File]:
    return [File.generated(config, "catalog.json", content=catalog(ctx))]


def _generate_pages(pages: list[GeneratedPage], files: Files, config: MkDocsConfig) -> list[File]:
    """Our pages: views rendered by our templates (see site/pages.py). A page that takes the
    place of one of content/ removes it from `files`; one that takes over a page of content/
    (the home page) needs no file of its own. Where a page of the site has our page's address
    (with use_directory_urls, the site's tags.md is at tags/ too), the site's page stays."""
    for page in pages:
        replaced = files.get_file_from_path(page.replaces) if page.replaces else None
        if replaced is not None:
            files.remove(replaced)
    taken = {file.dest_uri: file for file in files}
    made: dict[str, File] = {}  # by src: a page listed twice is made once
    for page in pages:
        if files.get_file_from_path(page.src) is None and page.src not in made:
            file = page_file(config, page)
            theirs = taken.get(file.dest_uri)
            if theirs is None:
                made[page.src] = file
            else:
                log.warning(
                    f"{theirs.src_uri} is the site's own page at {file.url}: Showcase's page "
                    f"there ({page.title}) is not published"
                )
    return list(made.values())


def _generate_captions(ctx: SiteContext, config: MkDocsConfig) -> list[File]:
    """Captions and transcripts, published as they are (checked as UTF-8 WebVTT/text)."""
    return [
        media_file(config, record.id, name, ctx.root / record.folder / name)
        for record in ctx.archive.records.values()
        for name in (record.captions, record.transcript)
        if name and record.withdrawn is None
    ]


def _generate_derivatives(media: MediaRun | None, config: MkDocsConfig) -> list[File]:
    """The media made by the build, copied from the cache by mkdocs itself."""
    return [
        media_file(config, record_id, d.file, result.folder / d.file, cached=True)
        for record_id, result in sorted((media.results if media else {}).items())
        for d in result.info.derivatives
    ]


def _page_url(files: Files, src: str) -> str | None:
    file = files.get_file_from_path(src)
    return file.url if file is not None else None


def _directory_urls(config: MkDocsConfig) -> bool:
    """use_directory_urls as mkdocs.yml says it; off when it says nothing (mkdocs' default is
    on, which would need a server). Only the raw settings tell a value given from a default."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # mkdocs 1.6 keeps them; pinned <2
        given = any("use_directory_urls" in raw for raw in config.user_configs)
    return bool(config.use_directory_urls) if given else False


def _styled_url_filter(url_filter: Callable[..., str], style: urls.UrlStyle) -> Callable:
    """mkdocs' `url` filter, given our URLs in the site's style first (urls.UrlStyle.on_page):
    every template link passes through it, ours and Material's. Pages as files need no
    change: mkdocs' own filter is on_page then, and no call is added to its 60,000."""
    if not style.directories:
        return url_filter

    @pass_context
    def url(context: TemplateContext, value: object) -> str:
        return style.on_page(str(value), context["page"], context["base_url"])

    return url


def _add_showcase_theme(config: MkDocsConfig) -> None:
    """Make the builder's templates and styles (the repo's theme/, shipped in the wheel as
    builder/theme) available to any archive, after the archive's own custom_dir so that an
    archive can still override them."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "theme", here.parent / "theme"):
        if (candidate / "showcase").is_dir():
            folder = str(candidate)
            if folder not in config.theme.dirs:
                position = 1 if config.theme.custom_dir else 0
                config.theme.dirs.insert(position, folder)
            return


__all__ = ["ShowcasePlugin", "ArchiveProblems"]
