"""A site is built beside its folder and swapped in whole: a failed build keeps the last good one.

mkdocs empties site_dir before it writes anything, so a build that fails half way (a
template error, a full disk, strict mode's warnings) would leave half a site behind.
The plugin points site_dir at a sibling folder instead and renames it into place when
the build is complete, for `mkdocs build`, `mkdocs gh-deploy` and `showcase build` alike.

The sibling is made by an ordinary mkdir, so the site's root gets the mode the user's umask
gives (0755 under 022) like every folder in it; mkdtemp's 0700 would make a site copied with
`rsync -a`, or served in place by another user, answer 403 everywhere.

The site it replaces is not deleted on the spot: at 1,000 records that is ~6,000 files and
~2,300 folders, half a second of system calls on an ext4 disk that discards as it frees,
spent after the new site is in place. It is moved into a trash folder in the cache
(`trash`, git-ignored with the rest of the cache) and deleted by the next build, in a child
process that runs on another core while that build renders its pages (a thread would wait
for the interpreter's lock after each of its thousands of system calls). Without a trash
folder on the same file system (a site_dir on tmpfs, say), it is deleted at once.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .memo.store import make_cache_folder


@dataclass(frozen=True)
class StagedSite:
    final: Path  # where the site goes
    path: Path  # where it is being built: a sibling, so the swap is two renames
    trash: Path | None = None  # where the replaced site waits for the next build to delete it
    # Deleting what earlier builds left (their replaced sites, killed builds' folders).
    sweeper: subprocess.Popen | None = field(default=None, compare=False)

    @staticmethod
    def begin(final: Path, trash: Path | None = None) -> StagedSite:
        final = final.resolve()
        final.parent.mkdir(parents=True, exist_ok=True)
        sweeper = _sweep(_leftovers(final, trash))
        return StagedSite(final, _make_sibling(final, "building"), trash, sweeper)

    def commit(self) -> None:
        """Put the new site in place of the old; the old goes to the trash after the swap."""
        old = None
        if self.final.exists() or self.final.is_symlink():
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            self.final.rename(old)
        self.path.rename(self.final)
        self._finish()
        if old is not None and not _into_trash(old, self.trash):
            _remove(old)

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._finish()

    def _finish(self) -> None:
        if self.sweeper is not None:
            self.sweeper.wait()  # done by now, as a rule: a build takes longer than a delete


def _make_sibling(final: Path, what: str, attempts: int = 100) -> Path:
    """A new, empty folder beside `final` with a name no other build uses: mkdtemp's way,
    but with mkdir's own mode (0o777 less the umask), the umask never read or changed."""
    for _ in range(attempts):
        path = final.with_name(f".{final.name}.{what}-{secrets.token_hex(4)}")
        try:
            os.mkdir(path, 0o777)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free name for a folder beside {final}")


def _leftovers(final: Path, trash: Path | None) -> list[Path]:
    """What earlier builds left: sites replaced since (in the trash), and the folders of
    builds that were killed (no Python left to clean up after them)."""
    found = [
        leftover
        for prefix in (f".{final.name}.building-", f".{final.name}.old-")
        for leftover in final.parent.glob(prefix + "*")
        if leftover.is_dir() and not leftover.is_symlink()
    ]
    if trash is not None and trash.is_dir():
        found.extend(trash.glob("site-*"))
    return found


def _into_trash(old: Path, trash: Path | None) -> bool:
    """Move `old` into the trash; False when it cannot go there (no trash, another disk)."""
    if trash is None:
        return False
    try:
        make_cache_folder(trash)
        old.rename(trash / f"site-{secrets.token_hex(4)}")
    except OSError:
        return False
    return True


def _sweep(paths: list[Path]) -> subprocess.Popen | None:
    """Delete `paths` in a child process; None when there is nothing to delete, or it is
    done already (no child could be started: deleted here and now)."""
    if not paths:
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _DELETE, *map(str, paths)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
    except OSError:
        for path in paths:
            _remove(path)
        return None


# The child's whole program (-I -S: no site-packages, no environment, starts in ~10 ms).
_DELETE = "import shutil, sys\nfor p in sys.argv[1:]: shutil.rmtree(p, ignore_errors=True)"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
