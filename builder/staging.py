"""A site is built beside its folder and swapped in whole: a failed build keeps the last good one.

mkdocs empties site_dir before it writes anything, so a build that fails half way (a
template error, a full disk, strict mode's warnings) would leave half a site behind.
The plugin points site_dir at a sibling folder instead and renames it into place when
the build is complete, for `mkdocs build`, `mkdocs gh-deploy` and `showcase build` alike.

The sibling is made by an ordinary mkdir, so the site's root gets the mode the user's umask
gives (0755 under 022) like every folder in it; mkdtemp's 0700 would make a site copied with
`rsync -a`, or served in place by another user, answer 403 everywhere.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StagedSite:
    final: Path  # where the site goes
    path: Path  # where it is being built: a sibling, so the swap is two renames

    @staticmethod
    def begin(final: Path) -> StagedSite:
        final = final.resolve()
        final.parent.mkdir(parents=True, exist_ok=True)
        _sweep(final)
        return StagedSite(final, _make_sibling(final, "building"))

    def commit(self) -> None:
        """Put the new site in place of the old; the old is deleted after the swap."""
        old = None
        if self.final.exists() or self.final.is_symlink():
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            self.final.rename(old)
        self.path.rename(self.final)
        if old is not None:
            _remove(old)

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


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


def _sweep(final: Path) -> None:
    """Leftovers of builds that were killed (no Python left to clean up after them)."""
    for prefix in (f".{final.name}.building-", f".{final.name}.old-"):
        for leftover in final.parent.glob(prefix + "*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
