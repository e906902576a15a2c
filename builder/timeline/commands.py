"""`showcase render ID [--out FILE]`: one timeline rendered, for a local preview.

The render is the build's own: the archive is checked as `build` checks it, then that
record's media job runs through the media runner (the same cache, so a render already
made is not made again, and a later build reuses it). Problems of the record, or of a
record it uses, stop it with exit 1 in `check`'s words; problems elsewhere in the
archive are only counted, since they do not change this render.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..archive.load import Loaded
from ..core.model import Record
from ..core.problems import Problem
from ..core.report import RENDERERS, Report
from ..errors import CommandError
from .rules import is_timeline


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    render = sub.add_parser(
        "render",
        parents=[common],
        help="render one timeline production for a local preview",
        description="Check the archive, then render the production whose file is a timeline "
        "(.otio) exactly as `showcase build` does, with its end-credits roll; the "
        "render is kept in the build's cache. Exit 1 with the problems when it cannot "
        "be rendered.",
    )
    render.add_argument("id", metavar="ID", help="the production's id (its folder name)")
    render.add_argument(
        "--out",
        metavar="FILE",
        help="also copy the render to FILE (an existing folder: FILE/<id>.mp4 or .mp3)",
    )
    render.set_defaults(run=run_render)


def run_render(args: argparse.Namespace, root: Path) -> int:
    from ..archive.config import read_config
    from ..memo.renders import kept_renders
    from ..pipeline import warm_check

    config, _ = read_config(root)  # a broken setting is check's to report; defaults apply here
    cache = (root / config.cache_dir).resolve()
    with kept_renders(cache) as renderer:  # the texts' renders, kept for the next build too
        report, loaded = warm_check(root, cache, renderer)
    if args.id in loaded.archive.unreadable:  # its record.yaml has problems: they are the answer
        sys.stdout.write(
            RENDERERS["text"](
                Report.of([p for p in report.problems if p.record == args.id], report.checked)
            )
        )
        return 1
    record = _timeline_record(loaded.archive.records, args.id)
    edit = loaded.edits.get(args.id)
    blocking = blocking_problems(report.problems, record, edit.record_ids if edit else ())
    if blocking:
        sys.stdout.write(RENDERERS["text"](Report.of(blocking, report.checked)))
        return 1
    if edit is None:  # read without problems, yet no cut: a bug of ours
        raise CommandError(f"'{args.id}' could not be read as a timeline; please report this")
    _note_others(report, blocking)
    return _render(root, cache, loaded, args.id, args.out)


def _timeline_record(records: Mapping[str, Record], record_id: str) -> Record:
    """The record to render; exit 2 when there is none, or it is not a timeline."""
    record = records.get(record_id)
    if record is None:
        close = difflib.get_close_matches(record_id, list(records), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise CommandError(f"no record '{record_id}' in records/{hint}")
    if record.withdrawn is not None or record.file is None:
        raise CommandError(f"'{record_id}' is withdrawn: it is not rendered")
    if not is_timeline(record):
        raise CommandError(
            f"'{record_id}' is not a timeline: its file is {record.file}, and "
            "only a production whose `file` is an .otio timeline is rendered"
        )
    return record


def blocking_problems(
    problems: list[Problem], record: Record, cut: Iterable[str] = ()
) -> list[Problem]:
    """The problems that stop this render: the record's own and those of the records it uses
    (its `sources`, and the records its cut uses, listed there or not)."""
    used = {record.id, *cut} | {s.id for s in record.record_sources}
    return [p for p in problems if p.record in used]


def _note_others(report: Report, blocking: list[Problem]) -> None:
    others = len(report.problems) - len(blocking)
    if others:
        print(
            f"note: {others} problem{'s' if others != 1 else ''} elsewhere in the archive "
            "(`showcase check` lists them); they do not change this render",
            file=sys.stderr,
        )


def _render(root: Path, cache: Path, loaded: Loaded, record_id: str, out: str | None) -> int:
    from ..core.media_plan import MediaSettings
    from ..media.runner import run_media
    from ..media.tools import ToolsError
    from ..pipeline import media_plan

    settings = MediaSettings()
    jobs = [job for job in media_plan(loaded, settings) if job.record_id == record_id]
    try:
        media = run_media(root, jobs, cache, settings)
    except ToolsError as exc:
        raise CommandError(str(exc)) from exc
    if media.problems:
        sys.stdout.write(RENDERERS["text"](Report.of(media.problems, 1)))
        return 1
    result = media.results[record_id]
    made = [d for d in result.info.derivatives if d.role in ("video", "audio")]
    if not made:
        raise CommandError(
            f"the render of '{record_id}' made no video or audio; please report this"
        )
    rendered = result.folder / made[0].file
    how = "rendered" if media.ran else "already rendered (from the cache)"
    length = f", {result.info.duration:.2f} s" if result.info.duration else ""
    if out is None:
        print(f"{record_id}: {how}{length}: {rendered}")
        return 0
    target = _copy(rendered, Path(out), record_id)
    print(f"{record_id}: {how}{length}: {target}")
    return 0


def _copy(rendered: Path, out: Path, record_id: str) -> Path:
    """The render copied to `out` whole (a temporary file renamed): never half a file."""
    target = out / f"{record_id}{rendered.suffix}" if out.is_dir() else out
    if not target.parent.is_dir():
        raise CommandError(f"--out {out}: the folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as sink, rendered.open("rb") as source:
            shutil.copyfileobj(source, sink)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the preview from the rest of the system
        os.replace(tmp, target)
    except OSError as exc:
        raise CommandError(f"--out {out}: cannot write it ({exc.strerror})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
