"""Everything that can fail, before anything is written: check, then media.

Shared by `showcase build` and the mkdocs plugin (two phases, as Pelican does:
build the whole model first, then write). mkdocs empties site_dir right after
on_pre_build, so a build that stops here leaves the last good site in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .archive.load import Loaded
from .check import check_archive
from .core.media_plan import MediaJob, MediaSettings, plan_media
from .core.report import Report
from .media.runner import MediaRun, run_media
from .memo.renders import Renderer, kept_renders
from .memo.verdicts import kept_verdicts


@dataclass(frozen=True)
class Prepared:
    report: Report
    loaded: Loaded
    media: MediaRun | None  # None when the check failed and no media was made
    # What the check rendered the texts with: the pages render with it too, and whoever
    # holds the Prepared (the plugin) saves it when the build is done.
    renderer: Renderer = field(default_factory=Renderer, compare=False)

    @property
    def ok(self) -> bool:
        return self.report.ok


def prepare(
    root: Path,
    cache_dir: Path,
    *,
    checked: tuple[Report, Loaded] | None = None,
    settings: MediaSettings = MediaSettings(),
    progress: bool | None = None,
    partial: bool = False,
    renderer: Renderer | None = None,
) -> Prepared:
    """Check, then make the media. With `partial` (live preview), an archive with problems
    still gets the media of its sound records, so the preview shows everything that works.
    `renderer`: the build's, which the caller saves (and `checked` was made with); without
    one, the renders of this check are kept in cache_dir at once."""
    if renderer is None:  # no one to save it after the pages: keep the check's renders now
        with kept_renders(cache_dir if checked is None else None) as renderer:
            checked = checked or warm_check(root, cache_dir, renderer)
    elif checked is None:
        checked = warm_check(root, cache_dir, renderer)
    report, loaded = checked
    if not report.ok and not partial:
        return Prepared(report, loaded, None, renderer)
    broken = {p.record for p in report.problems}
    jobs = [job for job in media_plan(loaded, settings) if job.record_id not in broken]
    media = run_media(root, jobs, cache_dir, settings, progress=progress)
    if media.problems:
        report = Report.of(report.problems + media.problems, report.checked)
    return Prepared(report, loaded, media, renderer)


def warm_check(
    root: Path, cache_dir: Path | None, renderer: Renderer | None = None
) -> tuple[Report, Loaded]:
    """The check of a build: media files that passed in an earlier build and have not changed
    are not read again (memo/verdicts.py); with a renderer kept from an earlier build
    (memo/renders.py), only new texts are rendered."""
    with kept_verdicts(cache_dir) as verdicts:
        return check_archive(root, verdicts=verdicts, renderer=renderer)


def media_summary(media: MediaRun) -> str:
    return (
        f"media: {media.ran} job{'s' if media.ran != 1 else ''} run, {media.reused} reused "
        f"from the cache in {media.seconds:.1f} s"
    )


def media_plan(loaded: Loaded, settings: MediaSettings) -> list[MediaJob]:
    """The media jobs of a loaded archive, with the limits its check applied (the build and
    `showcase render` both ask here, so a new limit cannot reach one and not the other)."""
    return plan_media(
        loaded.archive,
        settings,
        loaded.config.max_pixels,
        loaded.edits,
        max_jpeg_pixels=loaded.config.max_jpeg_pixels,
    )
