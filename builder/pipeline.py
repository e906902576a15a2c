"""Everything that can fail, before anything is written: check, then media.

Shared by `showcase build` and the mkdocs plugin (two phases, as Pelican does:
build the whole model first, then write). mkdocs empties site_dir right after
on_pre_build, so a build that stops here leaves the last good site in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .archive.load import Loaded
from .check import check_archive
from .core.media_plan import MediaSettings, plan_media
from .core.report import Report
from .media.runner import MediaRun, run_media
from .memo.renders import kept_renders
from .memo.verdicts import kept_verdicts


@dataclass(frozen=True)
class Prepared:
    report: Report
    loaded: Loaded
    media: MediaRun | None  # None when the check failed and no media was made

    @property
    def ok(self) -> bool:
        return self.report.ok


def prepare(root: Path, cache_dir: Path, *, checked: tuple[Report, Loaded] | None = None,
            settings: MediaSettings = MediaSettings(), progress: bool | None = None,
            partial: bool = False) -> Prepared:
    """Check, then make the media. With `partial` (live preview), an archive with problems
    still gets the media of its sound records, so the preview shows everything that works."""
    if checked is None:
        with kept_renders(cache_dir):
            checked = warm_check(root, cache_dir)
    report, loaded = checked
    if not report.ok and not partial:
        return Prepared(report, loaded, None)
    broken = {p.record for p in report.problems}
    jobs = [job for job in plan_media(loaded.archive, settings, loaded.config.max_pixels)
            if job.record_id not in broken]
    media = run_media(root, jobs, cache_dir, settings, progress=progress)
    if media.problems:
        report = Report.of(report.problems + media.problems, report.checked)
    return Prepared(report, loaded, media)


def warm_check(root: Path, cache_dir: Path | None) -> tuple[Report, Loaded]:
    """The check of a build: media files that passed in an earlier build and have not changed
    are not read again (memo/verdicts.py). Inside kept_renders, only new texts are rendered."""
    with kept_verdicts(cache_dir) as verdicts:
        return check_archive(root, verdicts=verdicts)


def media_summary(media: MediaRun) -> str:
    return (f"media: {media.ran} job{'s' if media.ran != 1 else ''} run, {media.reused} reused "
            f"from the cache in {media.seconds:.1f} s")
