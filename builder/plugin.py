"""The mkdocs plugin `showcase`: every event hands over to the core; nothing else lives here."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .core.credits import credits_of
from .core.graph import RemixGraph
from .core.report import Report, render_text
from .pipeline import Prepared, media_summary, prepare
from .site.pages import TEMPLATES, autoescape_showcase, media_file, record_page_files, text_html
from .site.views import record_view

log = logging.getLogger("mkdocs.plugins.showcase")


class ShowcaseConfig(base.Config):
    # Read again with line numbers by archive.config for `showcase check`; declared here
    # so that mkdocs validates types and reports unknown keys.
    licenses = c.Optional(c.ListOfItems(c.Type(str)))
    max_file_size_mb = c.Optional(c.Type((int, float)))
    max_megapixels = c.Optional(c.Type((int, float)))
    # Derivatives are cached here by content hash; relative to mkdocs.yml's folder.
    cache_dir = c.Type(str, default=".cache/showcase")


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
        self.record_pages: dict[str, str] = {}  # src_uri -> record id
        self.contribute_url: str | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # A live preview must survive a broken record: it reports and keeps serving.
        self.serving = command == "serve"

    def cache_dir(self, root: Path) -> Path:
        return (root / self.config.cache_dir).resolve()

    # Earliest: mkdocs empties site_dir right after on_pre_build, so a refusal has to
    # come before anything else runs for the output folder to stay untouched.
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).resolve().parent
        _add_showcase_theme(config)
        if self.prepared is None:
            self.prepared = prepare(self.root, self.cache_dir(self.root), partial=self.serving)
        if not self.prepared.ok:
            if not self.serving:
                raise ArchiveProblems(self.prepared.report)
            for line in render_text(self.prepared.report).splitlines():
                if line:
                    log.warning(line)
        log.info(self.prepared.report.summary())
        if self.prepared.media is not None:
            log.info(media_summary(self.prepared.media))
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.prepared is None:
            return files
        archive = self.prepared.loaded.archive
        graph = RemixGraph.of(archive)
        # The credits of every production as data, the same JSON `showcase credits --format json` prints.
        for record in archive.records.values():
            if record.kind == "production":
                data = json.dumps(credits_of(archive, graph, record.id).to_json(), ensure_ascii=False, indent=2)
                files.append(File.generated(config, f"records/{record.id}/credits.json", content=data + "\n"))
        # Pages link to the contribute page only when the archive has one.
        self.contribute_url = "contribute/" if files.get_file_from_path("contribute.md") else None
        self.record_pages = {}
        for src_uri, (file, record_id) in record_page_files(config, archive).items():
            files.append(file)
            self.record_pages[src_uri] = record_id
        # Captions and transcripts are published as they are (checked as UTF-8 WebVTT/text).
        for record in archive.records.values():
            for name in (record.captions, record.transcript):
                if name and record.withdrawn is None:
                    files.append(media_file(config, record.id, name, self.root / record.folder / name))
        # Derivatives are copied from the cache by mkdocs itself, as generated files.
        media = self.prepared.media
        for record_id, result in sorted((media.results if media else {}).items()):
            for d in result.info.derivatives:
                files.append(media_file(config, record_id, d.file, result.folder / d.file))
        return files

    def on_env(self, env, config: MkDocsConfig, files: Files):  # noqa: ANN001 - jinja2.Environment
        # mkdocs renders themes without autoescape; our templates show untrusted text.
        env.autoescape = autoescape_showcase
        return env

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        record_id = self.record_pages.get(page.file.src_uri)
        if record_id is None:
            return markdown
        page.meta["template"] = TEMPLATES["record"]
        page.meta["title"] = self.prepared.loaded.archive.records[record_id].title
        return ""

    def on_page_context(self, context, page: Page, config: MkDocsConfig, nav):  # noqa: ANN001
        record_id = self.record_pages.get(page.file.src_uri)
        if record_id is not None and self.prepared is not None:
            archive = self.prepared.loaded.archive
            media = {rid: r.info for rid, r in (self.prepared.media.results if self.prepared.media else {}).items()}
            context["showcase_record"] = record_view(archive, RemixGraph.of(archive), media, record_id,
                                                     config.site_url)
            context["showcase_text_html"] = text_html(self.root, archive, record_id)
            context["showcase_contribute_url"] = self.contribute_url
        return context

    def on_post_build(self, config: MkDocsConfig) -> None:
        # `mkdocs serve` rebuilds with the same plugin object: prepare afresh next time.
        self.prepared = None

    def on_serve(self, server, config: MkDocsConfig, builder):  # noqa: ANN001 - mkdocs' own types
        # records/ is outside docs_dir, so mkdocs would not rebuild when a record changes.
        if self.root is not None and (self.root / "records").is_dir():
            server.watch(str(self.root / "records"))
        return server


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
