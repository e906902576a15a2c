"""A content-addressed cache of media results: <cache>/<key[:2]>/<key>/ with manifest.json.

The key is the hash of the job's fingerprint (recipe, recipe version, parameters,
input names), of the versions of the tools that make it (Pillow; ffmpeg for audio and
video: another encoder gives other bytes) and of its input files' bytes, so an
unchanged record is never redone and any change to a file, a setting or a tool is.
A result folder appears in one rename, manifest included: an interrupted build leaves
at most a staging folder, which the next run sweeps away.

The site publishes results as hard links (site/pages.py), so an edit made in place to a
published file (an optimiser, a script appending a line) edits the entry too. The manifest
therefore stamps each file's size and mtime when the entry is made, and an entry whose files
no longer match is discarded on reuse, with one log line, and made again (lookup).

Hashing every input on every build reads the whole archive, so the hashes are kept in
<cache>/hashes.json keyed by each file's stat, as git's index does (FileHashes).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from ..core.media_plan import MediaJob
from ..memo.store import is_stamped, make_cache_folder, save_stamped, stamp
from .results import MediaInfo

log = logging.getLogger("mkdocs.plugins.showcase")

MANIFEST = "manifest.json"
STAMPS = "stamps"  # in the manifest: {file name: [size, mtime_ns]} of the entry's files
HASHES = "hashes.json"
STALE_STAGING_SECONDS = 3600


class MediaCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.staging_root = self.folder / "staging"

    def key(
        self, job: MediaJob, root: Path, tools: str = "", hashes: FileHashes | None = None
    ) -> str:
        """`tools`: the versions of what makes this job's output, e.g. "pillow 12.0.0; ffmpeg 6.0";
        `hashes`: the inputs' hashes known from earlier runs."""
        digest = hashlib.sha256(job.fingerprint().encode() + b"\0" + tools.encode())
        for rel in job.inputs:
            file_hash = hashes.hash(root, rel) if hashes is not None else _file_hash(root / rel)
            digest.update(b"\0" + file_hash.encode())
        return digest.hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def lookup(self, key: str) -> MediaInfo | None:
        """The entry's result, or None: missing, damaged, made before entries were stamped, or
        changed since it was made (then discarded, and said so)."""
        folder = self.path(key)
        try:
            data = json.loads((folder / MANIFEST).read_text())
            info = MediaInfo.from_json(data)
            changed = _changed_files(folder, info, data[STAMPS])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # missing or damaged: redo the job
        if changed:
            # A warning, not info: `showcase build` prints no info lines, and this one says
            # that something outside Showcase wrote into its cache.
            log.warning(
                f"media cache: {', '.join(changed)} of entry {key[:12]} changed after it was "
                "made (a file of the site edited in place?): making it again"
            )
            shutil.rmtree(folder, ignore_errors=True)
            return None
        return info

    def staging(self) -> Path:
        make_cache_folder(self.staging_root)
        return Path(tempfile.mkdtemp(prefix="job-", dir=self.staging_root))

    def commit(self, staging: Path, key: str, info: MediaInfo) -> Path:
        manifest = {**info.to_json(), STAMPS: _stamps(staging, info)}
        tmp = staging / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest, sort_keys=True, indent=1))
        os.replace(tmp, staging / MANIFEST)
        final = self.path(key)
        make_cache_folder(final.parent)
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


class FileHashes:
    """The sha256 of input files, kept between runs as {relative path: [*stamp, sha256]}
    (memo/store.py: a kept hash is used only while the file's stat stamp is unchanged; a
    racily clean file is hashed again). Only the files of this run are kept; a damaged
    memo is ignored."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.known = _read_hashes(self.path)
        self.used: dict[str, list] = {}

    def hash(self, root: Path, rel: str) -> str:
        path = Path(root) / rel
        kept = self.known.get(rel)
        if kept is not None and stamp(os.stat(path, follow_symlinks=False)) == kept[:4]:
            self.used[rel] = kept
            return kept[4]
        digest, stat = _hash_and_stat(path)
        self.used[rel] = [*stamp(stat), digest]
        return digest

    def save(self) -> None:
        save_stamped(self.path, self.used, self.known)


def _stamps(folder: Path, info: MediaInfo) -> dict[str, list[int]]:
    """The size and mtime of each of the result's files, as made. Not the inode or ctime of
    memo/store.py's stamps: each hard link into a site changes the ctime."""
    stamps = {}
    for d in info.derivatives:
        st = os.stat(folder / d.file)
        stamps[d.file] = [st.st_size, st.st_mtime_ns]
    return stamps


def _changed_files(folder: Path, info: MediaInfo, stamps: dict[str, list[int]]) -> list[str]:
    """The entry's files whose size or mtime is no longer the stamped one, or that are gone.
    KeyError when a file has no stamp (an entry made before stamps): it is then redone."""
    changed = []
    for name in dict.fromkeys(d.file for d in info.derivatives):
        expected = stamps[name]
        try:
            st = os.stat(folder / name)
        except FileNotFoundError:
            changed.append(name)
            continue
        if [st.st_size, st.st_mtime_ns] != expected:
            changed.append(name)
    return changed


_HEX64 = re.compile(r"[0-9a-f]{64}")


def _read_hashes(path: Path) -> dict[str, list]:
    try:
        files = json.loads(path.read_bytes())["files"]
        if all(
            isinstance(rel, str)
            and is_stamped(e, 5)
            and isinstance(e[4], str)
            and _HEX64.fullmatch(e[4])
            for rel, e in files.items()
        ):
            return files
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return {}  # missing or damaged: every file is hashed again


def _file_hash(path: Path) -> str:
    return _hash_and_stat(path)[0]


def _hash_and_stat(path: Path) -> tuple[str, os.stat_result]:
    """The file's sha256 and its stat from before it was read: a change while it is read
    shows as another stat next time. Never follows a symlink."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        stat = os.fstat(fh.fileno())
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest(), stat
