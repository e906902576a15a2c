"""Writing the memo files whole or not at all, and the stat stamps that say a file is unchanged.

A memo of files (input hashes, passed checks) keys each file by its stamp: size, mtime,
inode and ctime, as git's index does (ctime too: restoring a file's mtime after writing it
changes its ctime). A file modified within RACY_SECONDS of saving is not kept ("racily
clean": it could change again within the same timestamp), so it is looked at again.

Memo files and media results live in caches, and a cache must never reach git: the folder
made for one holds a `.gitignore` of `*`, as pytest's, ruff's and mypy's do (make_cache_folder).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

GITIGNORE = "# Made by Showcase: a cache, never committed.\n*\n"
RACY_SECONDS = 2  # a file changed this recently may change again unseen within its timestamp's tick

Stamped = dict[str, list]  # relative path -> [size, mtime_ns, inode, ctime_ns, what is kept...]


def stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


def is_stamped(entry: object, length: int) -> bool:
    """An entry read back from a memo file has the right form: a stamp and what follows it."""
    return (
        isinstance(entry, list) and len(entry) == length and all(type(n) is int for n in entry[:4])
    )


def save_stamped(
    path: Path, used: Stamped, known: Stamped, header: dict[str, Any] | None = None
) -> None:
    """Keep this run's entries but the racily clean ones, when they differ from what was read;
    a memo that cannot be written only costs the work again next time."""
    racy = time.time_ns() - RACY_SECONDS * 1_000_000_000
    keep = {rel: entry for rel, entry in sorted(used.items()) if entry[1] < racy}
    if keep != known:
        with contextlib.suppress(OSError):
            write_atomically(
                path, json.dumps({**(header or {}), "files": keep}, separators=(",", ":")).encode()
            )


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: a temp file in the same folder, then
    os.replace. Its folder is made as a cache folder (make_cache_folder)."""
    make_cache_folder(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:16]}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def make_cache_folder(folder: Path) -> None:
    """Make `folder` and its missing parents. The topmost folder this makes gets a .gitignore
    holding `*` (git then ignores everything below it, so `git add -A` never takes a cache),
    unless it is made inside a folder that holds one already: entries need none of their own.
    Only folders made here are marked; an existing one is never touched."""
    if folder.is_dir():  # the common case: one stat
        return
    missing = [folder]
    for parent in folder.parents:
        if parent.exists():
            break
        missing.append(parent)
    inside_a_cache = any(_ignores_all(p) for p in missing[-1].parents)
    marked = inside_a_cache
    for path in reversed(missing):
        try:
            os.mkdir(path)
        except FileExistsError:  # another process made it: it is that one's to mark
            marked = True
            continue
        if not marked:
            with contextlib.suppress(OSError):  # without it the cache still works
                (path / ".gitignore").write_text(GITIGNORE)
            marked = True


def _ignores_all(folder: Path) -> bool:
    try:
        lines = (folder / ".gitignore").read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")] == ["*"]
