"""Record files that passed their checks, remembered between builds by stat, as git's index does.

Checking a record's files reads their headers, walks PNG chunks and MP4 boxes, parses
EXIF and renders Markdown: a third of a warm build's check at 1,000 records, for files
that have not changed since the last build. A file is taken as unchanged when its size,
mtime, inode and ctime all match what they were when it passed (ctime changes whenever
the file is written or its times are set back: memo/store.py), and when what it was checked against
is the same: the field naming it, the record's type, the archive's limits, and the code
of the checks themselves (a hash of their source files, so a new rule re-checks every
file). Only passes are remembered; a problem is found again every time. A file changed
within two seconds of saving is not remembered (it could change again unseen within
its timestamp's tick). The memo is <cache>/checked.json; a damaged one is ignored.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

from ..core.problems import Problem
from .store import is_stamped, save_stamped, stamp

STORE = "checked.json"
# The modules whose code decides whether a record's file passes: the inspection and the
# decoders it runs (the recipes' own functions, memo/decoded.py's keys).
_CHECK_MODULES = (
    "archive/folder.py",
    "archive/probe.py",
    "archive/config.py",
    "core/sniff.py",
    "core/heif.py",
    "archive/identify.py",
    "core/markup.py",
    "core/names.py",
    "archive/inspect.py",
    "archive/decode.py",
    "media/images.py",
    "media/video.py",
    "media/audio.py",
    "media/tools.py",
    "core/media_plan.py",
    "memo/decoded.py",
)


@functools.cache
def checks_version() -> str:
    """A hash of the checks' source: any edit to them re-checks every file."""
    digest = hashlib.sha256()
    base = Path(__file__).resolve().parent.parent
    for rel in _CHECK_MODULES:
        digest.update(rel.encode() + b"\0" + (base / rel).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class FileVerdicts:
    def __init__(self, known: dict[str, list] | None = None) -> None:
        self.known = known or {}
        self.used: dict[str, list] = {}

    def check(
        self, path: Path, rel: str, context: str, run: Callable[[], list[Problem]]
    ) -> list[Problem]:
        """run()'s problems for the file at `path`, or [] without running it when the file
        passed against the same `context` and has not changed since."""
        try:
            before = os.stat(path, follow_symlinks=False)
        except OSError:
            return run()
        if not stat.S_ISREG(before.st_mode):
            return run()
        entry = [*stamp(before), context]
        if self.known.get(rel) == entry:
            self.used[rel] = entry
            return []
        problems = run()
        if not problems:
            self.used[rel] = entry
        return problems

    def save(self, path: Path) -> None:
        save_stamped(path, self.used, self.known, {"version": checks_version()})


@contextlib.contextmanager
def kept_verdicts(cache_dir: Path | None) -> Iterator[FileVerdicts | None]:
    """The verdicts kept in cache_dir for the checks inside; kept again on leaving (not on
    an exception). With no cache_dir, None: every file is checked."""
    if cache_dir is None:
        yield None
        return
    path = Path(cache_dir) / STORE
    verdicts = FileVerdicts(_read(path))
    yield verdicts
    verdicts.save(path)


def _read(path: Path) -> dict[str, list]:
    try:
        data = json.loads(path.read_bytes())
        files = data["files"]
        if data["version"] == checks_version() and all(
            isinstance(rel, str) and is_stamped(e, 5) and isinstance(e[4], str)
            for rel, e in files.items()
        ):
            return files
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return {}  # missing, damaged or of other checks: every file is checked
