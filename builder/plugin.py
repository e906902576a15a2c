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

from .core.credits import credits_of
from .core.graph import RemixGraph
from .core.report import Report, render_text
from .pipeline import Prepared, media_summary, prepare

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
        # Derivatives are copied from the cache by mkdocs itself, as generated files.
        media = self.prepared.media
        for record_id, result in sorted((media.results if media else {}).items()):
            for d in result.info.derivatives:
                files.append(File.generated(config, f"records/{record_id}/media/{d.file}",
                                            abs_src_path=str(result.folder / d.file)))
        return files

    def on_post_build(self, config: MkDocsConfig) -> None:
        # `mkdocs serve` rebuilds with the same plugin object: prepare afresh next time.
        self.prepared = None

    def on_serve(self, server, config: MkDocsConfig, builder):  # noqa: ANN001 - mkdocs' own types
        # records/ is outside docs_dir, so mkdocs would not rebuild when a record changes.
        if self.root is not None and (self.root / "records").is_dir():
            server.watch(str(self.root / "records"))
        return server


__all__ = ["ShowcasePlugin", "ArchiveProblems"]
