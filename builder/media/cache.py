"""A content-addressed cache of media results: <cache>/<key[:2]>/<key>/ with manifest.json.

The key is the hash of the job's fingerprint (recipe, recipe version, parameters,
input names), of the versions of the tools that make it (Pillow; ffmpeg for audio and
video: another encoder gives other bytes) and of its input files' bytes, so an
unchanged record is never redone and any change to a file, a setting or a tool is. A result folder appears in one
rename, manifest included: an interrupted build leaves at most a staging folder,
which the next run sweeps away.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from ..core.media_plan import MediaJob
from .results import MediaInfo

MANIFEST = "manifest.json"
STALE_STAGING_SECONDS = 3600


class MediaCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.staging_root = self.folder / "staging"

    def key(self, job: MediaJob, root: Path, tools: str = "") -> str:
        """`tools`: the versions of what makes this job's output, e.g. "pillow 12.0.0; ffmpeg 6.0"."""
        digest = hashlib.sha256(job.fingerprint().encode() + b"\0" + tools.encode())
        for rel in job.inputs:
            digest.update(b"\0" + _file_hash(root / rel).encode())
        return digest.hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def lookup(self, key: str) -> MediaInfo | None:
        try:
            data = json.loads((self.path(key) / MANIFEST).read_text())
            return MediaInfo.from_json(data)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: redo the job

    def staging(self) -> Path:
        self.staging_root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="job-", dir=self.staging_root))

    def commit(self, staging: Path, key: str, info: MediaInfo) -> Path:
        tmp = staging / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(info.to_json(), sort_keys=True, indent=1))
        os.replace(tmp, staging / MANIFEST)
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staging, final)
        except OSError:
            if self.lookup(key) is not None:  # another build made the same result first: keep it
                shutil.rmtree(staging, ignore_errors=True)
                return final
            shutil.rmtree(final, ignore_errors=True)  # a damaged result: replace it
            os.rename(staging, final)
        return final

    @staticmethod
    def discard(staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def sweep(self) -> None:
        """Remove staging folders left by interrupted builds (old enough not to be in use)."""
        if not self.staging_root.is_dir():
            return
        cutoff = time.time() - STALE_STAGING_SECONDS
        for entry in self.staging_root.iterdir():
            try:
                if entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry, ignore_errors=True)
            except OSError:
                continue


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
