"""The mkdocs plugin `showcase`: every event hands over to the core; nothing else lives here."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

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

from .core.credits import credits_of
from .core.graph import RemixGraph
from .core.report import Report, render_text
from .offline import add_polyfill, write_search_script
from .pipeline import Prepared, media_summary, prepare
from .staging import StagedSite
from .feeds import FeedError, FeedSettings, FeedsConfig, feed_files, feed_settings, require_podcast
from .site import urls
from .site.catalog import catalog
from .site.feed_links import FeedLink, collaboration_feed, folder_sitemaps, site_feeds
from .site.chrome import ChromeMemo
from .site.compiled import user_template_cache
from .site.pages import GeneratedPage, SiteContext, autoescape_showcase, media_file, page_file, site_pages

log = logging.getLogger("mkdocs.plugins.showcase")


class ShowcaseConfig(base.Config):
    # Read again with line numbers by archive.config for `showcase check`; declared here
    # so that mkdocs validates types and reports unknown keys.
    licenses = c.Optional(c.ListOfItems(c.Type(str)))
    max_file_size_mb = c.Optional(c.Type((int, float)))
    max_megapixels = c.Optional(c.Type((int, float)))
    # Derivatives are cached here by content hash; relative to mkdocs.yml's folder.
    cache_dir = c.Type(str, default=".cache/showcase")
    # Draw Material's navigation once per place, not once per page (builder/site/chrome.py).
    # Off only to compare, or for a theme override whose chrome shows page state.
    reuse_chrome = c.Type(bool, default=True)
    # The feeds' own settings (title, language, the podcast's owner and cover...).
    feeds = c.SubConfig(FeedsConfig)


class ArchiveProblems(PluginError):
    """The archive fails `showcase check`; carries the report so the CLI can exit 1."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__("The archive has problems; nothing was built.\n" + render_text(report))


class ShowcasePlugin(BasePlugin[ShowcaseConfig]):
    def __init__(self) -> None:
        self.root: Path | None = None
        # Set by `showcase build`, which prepares (and reports) before mkdocs starts.
        self.prepared: Prepared | None = None
        self.serving = False
        self.dirty = False  # a --dirty build writes into the existing site: nothing to stage
        self.staged: StagedSite | None = None
        self.warnings: CountHandler | None = None
        self.pages: dict[str, GeneratedPage] = {}  # src_uri -> our page
        self.feeds: FeedSettings | None = None
        self.site_feeds: tuple[FeedLink, ...] = ()  # advertised in every page's head
        self.chrome: ChromeMemo | None = None  # Material's navigation, drawn once per place

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
        # does the same.
        config.use_directory_urls = False
        add_polyfill(config)  # and search works there too (builder/offline.py)
        try:
            self.feeds = feed_settings(self.config.feeds, config, self.root, self.cache_dir(self.root))
        except FeedError as error:
            raise PluginError(f"{Path(config.config_file_path).name}: {error}") from None
        if self.prepared is None:
            self.prepared = prepare(self.root, self.cache_dir(self.root), partial=self.serving)
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

    def _stage(self, config: MkDocsConfig) -> None:
        """Build beside site_dir, swapped in by on_post_build (see builder/staging.py)."""
        self.staged = None
        if self.serving or self.dirty:
            return
        self.staged = StagedSite.begin(Path(config.site_dir))
        config.site_dir = str(self.staged.path)
        # Strict mode aborts after on_post_build when warnings were logged: count them
        # too, so that such a build is not swapped in first.
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
        self.warnings = CountHandler()
        self.warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self.warnings)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        self.site_feeds = ()
        if self.prepared is None:
            return files
        archive = self.prepared.loaded.archive
        graph = RemixGraph.of(archive)
        # The credits of every production as data, the same JSON `showcase credits --format json` prints.
        for record in archive.records.values():
            if record.kind == "production":
                data = json.dumps(credits_of(archive, graph, record.id).to_json(), ensure_ascii=False, indent=2)
                files.append(File.generated(config, urls.credits_json(record.id), content=data + "\n"))
        # Our pages: views rendered by our templates (see builder/site/pages.py).
        media = self.prepared.media
        ctx = SiteContext(self.root, archive, graph,
                          {rid: r.info for rid, r in (media.results if media else {}).items()},
                          config.site_url, _page_url(files, "contribute.md"), cache_dir=self.cache_dir(self.root))
        files.append(File.generated(config, "catalog.json", content=catalog(ctx)))
        if self.feeds is not None:
            published = feed_files(ctx, self.feeds)
            for path, content in published.items():
                files.append(File.generated(config, path, content=content))
            ctx = replace(ctx, feeds=frozenset(published))
            self.site_feeds = site_feeds(self.feeds.title, set(published))
        self.pages = {}
        for page in site_pages(ctx):
            replaced = files.get_file_from_path(page.replaces) if page.replaces else None
            if replaced is not None:
                files.remove(replaced)
            if files.get_file_from_path(page.src) is None:
                files.append(page_file(config, page))
            self.pages[page.src] = page
        if self.feeds is not None:
            advertised = [*self.site_feeds, *filter(None, (
                collaboration_feed(ctx, slug) for slug in archive.collaborations))]
            page_urls = [files.get_file_from_path(src).url for src in self.pages]
            for path, xml in folder_sitemaps(self.feeds.base, advertised, page_urls).items():
                files.append(File.generated(config, path, content=xml))
        # Captions and transcripts are published as they are (checked as UTF-8 WebVTT/text).
        for record in archive.records.values():
            for name in (record.captions, record.transcript):
                if name and record.withdrawn is None:
                    files.append(media_file(config, record.id, name, self.root / record.folder / name))
        # Derivatives are copied from the cache by mkdocs itself, as generated files.
        for record_id, result in sorted((media.results if media else {}).items()):
            for d in result.info.derivatives:
                files.append(media_file(config, record_id, d.file, result.folder / d.file, cached=True))
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.chrome = ChromeMemo(nav, ChromeMemo.static_files(files))
        return nav

    def on_env(self, env, config: MkDocsConfig, files: Files):  # noqa: ANN001 - jinja2.Environment
        # mkdocs renders themes without autoescape; our templates show untrusted text.
        env.autoescape = autoescape_showcase
        env.bytecode_cache = user_template_cache()  # compiled once per user (site/compiled.py)
        env.globals["showcase_feeds"] = self.site_feeds
        env.globals["showcase_chrome"] = self._chrome
        return env

    def _chrome(self, block: str, page: Page | None, base_url: str, draw) -> str:  # noqa: ANN001 - jinja2 block
        """theme/main.html: a block of Material's chrome, from the memo where it is the same."""
        if self.chrome is None or not self.config.reuse_chrome:
            return draw()
        return self.chrome.render(block, page, base_url, draw)

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
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

    def on_page_context(self, context, page: Page, config: MkDocsConfig, nav):  # noqa: ANN001
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
        # `mkdocs serve` rebuilds with the same plugin object: prepare afresh next time.
        self.prepared = None
        write_search_script(Path(config.site_dir))
        if self.staged is not None:
            failed = config.strict and self.warnings is not None and self.warnings.get_counts()
            (self.staged.abandon if failed else self.staged.commit)()
            config.site_dir = str(self.staged.final)
            self.staged = None
        self._stop_counting()

    def on_build_error(self, *, error: Exception) -> None:
        if self.staged is not None:
            self.staged.abandon()
            self.staged = None
        self._stop_counting()

    def _stop_counting(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            self.warnings = None

    def on_serve(self, server, config: MkDocsConfig, builder):  # noqa: ANN001 - mkdocs' own types
        # records/ is outside docs_dir, so mkdocs would not rebuild when a record changes.
        if self.root is not None and (self.root / "records").is_dir():
            server.watch(str(self.root / "records"))
        return server


def _page_url(files: Files, src: str) -> str | None:
    file = files.get_file_from_path(src)
    return file.url if file is not None else None


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
