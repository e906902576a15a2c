"""The mkdocs plugin `showcase`: every event hands over to the core; nothing else lives here."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from .check import check_archive
from .core.report import Report, render_text

log = logging.getLogger("mkdocs.plugins.showcase")


class ShowcaseConfig(base.Config):
    # Read again with line numbers by archive.config for `showcase check`; declared here
    # so that mkdocs validates types and reports unknown keys.
    licenses = c.Optional(c.ListOfItems(c.Type(str)))
    max_file_size_mb = c.Optional(c.Type((int, float)))
    max_megapixels = c.Optional(c.Type((int, float)))


class ArchiveProblems(PluginError):
    """The archive fails `showcase check`; carries the report so the CLI can exit 1."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__("The archive has problems; nothing was built.\n" + render_text(report))


class ShowcasePlugin(BasePlugin[ShowcaseConfig]):
    def __init__(self) -> None:
        self.root: Path | None = None
        # Set by `showcase build`, which has already run the same check and printed it.
        self.checked: Report | None = None

    # Earliest: mkdocs empties site_dir right after on_pre_build, so a refusal has to
    # come before anything else runs for the output folder to stay untouched.
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).resolve().parent
        report = self.checked or check_archive(self.root)[0]
        if not report.ok:
            raise ArchiveProblems(report)
        log.info(report.summary())
        return config

    def on_serve(self, server, config: MkDocsConfig, builder):  # noqa: ANN001 - mkdocs' own types
        # records/ is outside docs_dir, so mkdocs would not rebuild when a record changes.
        if self.root is not None and (self.root / "records").is_dir():
            server.watch(str(self.root / "records"))
        return server


__all__ = ["ShowcasePlugin", "ArchiveProblems"]
