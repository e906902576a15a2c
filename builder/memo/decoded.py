"""Decode verdicts remembered by content: a file whose bytes decoded before is not decoded again.

`showcase check` decodes every media file it approves (archive/decode.py): a full image
decode, ffprobe and the first seconds of each stream. The verdict depends only on the
file's bytes and what they were checked against, so it is keyed by the SHA-256 of the
bytes, what the file was checked as, the limits, the checks' code (memo/verdicts.py
checks_version) and the decoders' versions (Pillow, ffmpeg). Only passes are kept, with
the few facts the decode found (duration, frame size, streams).

It lives in the user's cache folder ($XDG_CACHE_HOME/showcase/decoded, else
~/.cache/showcase/decoded), never in the archive's .cache/: a pull request can write
files into the repository, and a verdict planted there would let a broken file through.
One small file per key, written whole (temp file, then rename): checks running at the
same time never see half a verdict. A folder that cannot be made only costs the decode.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .store import write_atomically

CHUNK = 1 << 20


def user_folder() -> Path:
    """Where decode verdicts are kept: the user's cache folder, outside any archive."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "showcase" / "decoded"


def content_hash(path: Path) -> str:
    """The SHA-256 of the file's bytes, read in chunks (never followed through a link)."""
    digest = hashlib.sha256()
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    with os.fdopen(os.open(path, flags), "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verdict_key(content: str, *context: object) -> str:
    """The key of a verdict: the content hash and everything it was checked against."""
    return hashlib.sha256(json.dumps([content, *map(str, context)]).encode()).hexdigest()


class DecodeVerdicts:
    """Passed decodes by key, as files under `folder` (None: nothing is kept)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key[2:]}.json"

    def passed(self, key: str) -> dict[str, Any] | None:
        """The facts a passed decode found, or None when this key never passed here."""
        if self.folder is None:
            return None
        try:
            found = json.loads(self._path(key).read_bytes())
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def remember(self, key: str, facts: dict[str, Any]) -> None:
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            write_atomically(self._path(key), json.dumps(facts, sort_keys=True).encode())
