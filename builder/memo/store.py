"""Writing the memo files whole or not at all, and the stat stamps that say a file is unchanged.

A memo of files (input hashes, passed checks) keys each file by its stamp: size, mtime,
inode and ctime, as git's index does (ctime too: restoring a file's mtime after writing it
changes its ctime). A file modified within RACY_SECONDS of saving is not kept ("racily
clean": it could change again within the same timestamp), so it is looked at again.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

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
    os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:16]}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
