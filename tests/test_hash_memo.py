"""Media inputs are hashed once while they are unchanged: hashes kept by stat in
<cache>/hashes.json, as git's index keeps them, never trusted for a file that changed."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from builder.archive.load import load_archive
from builder.core.media_plan import MediaSettings, plan_media
from builder.media import cache as media_cache
from builder.media.cache import HASHES, FileHashes
from builder.media.runner import run_media
from tests.archive_factory import image_record

HOUR = 3600 * 1_000_000_000


@pytest.fixture
def reads(monkeypatch):
    """The files whose bytes were hashed, in order."""
    seen: list[str] = []
    original = media_cache._hash_and_stat

    def counting(path: Path):
        seen.append(Path(path).name)
        return original(path)

    monkeypatch.setattr(media_cache, "_hash_and_stat", counting)
    return seen


def old_file(folder: Path, name: str, data: bytes) -> Path:
    """A file last modified an hour ago: not racily clean."""
    path = folder / name
    path.write_bytes(data)
    os.utime(path, ns=(time.time_ns() - HOUR, time.time_ns() - HOUR))
    return path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def a_run(tmp_path: Path, *names: str) -> dict[str, str]:
    """One run: the hashes of the named files, then the memo saved, as run_media does."""
    hashes = FileHashes(tmp_path / "cache" / HASHES)
    found = {name: hashes.hash(tmp_path / "root", name) for name in names}
    hashes.save()
    return found


def test_a_hash_is_reused_while_the_stat_matches(tmp_path, reads):
    root = tmp_path / "root"
    root.mkdir()
    old_file(root, "a.jpg", b"aaaa")
    old_file(root, "b.jpg", b"bbbb")
    assert a_run(tmp_path, "a.jpg", "b.jpg") == {"a.jpg": sha(b"aaaa"), "b.jpg": sha(b"bbbb")}
    assert reads == ["a.jpg", "b.jpg"]
    assert a_run(tmp_path, "a.jpg", "b.jpg") == {"a.jpg": sha(b"aaaa"), "b.jpg": sha(b"bbbb")}
    assert reads == ["a.jpg", "b.jpg"]  # nothing read again
    kept = json.loads((tmp_path / "cache" / HASHES).read_text())["files"]
    stat = os.stat(root / "a.jpg")
    assert kept["a.jpg"] == [
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ino,
        stat.st_ctime_ns,
        sha(b"aaaa"),
    ]


def test_same_size_and_mtime_but_new_bytes_is_seen_by_its_ctime(tmp_path, reads):
    root = tmp_path / "root"
    root.mkdir()
    path = old_file(root, "a.jpg", b"aaaa")
    a_run(tmp_path, "a.jpg")
    before = os.stat(path)
    time.sleep(0.05)  # past the clock tick of the first write: the ctime will differ
    path.write_bytes(b"zzzz")
    os.utime(
        path, ns=(before.st_atime_ns, before.st_mtime_ns)
    )  # the mtime put back, as some tools do
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    assert after.st_ctime_ns != before.st_ctime_ns
    assert a_run(tmp_path, "a.jpg") == {"a.jpg": sha(b"zzzz")}
    assert reads == ["a.jpg", "a.jpg"]


def test_a_file_modified_just_now_is_not_kept(tmp_path, reads):
    root = tmp_path / "root"
    root.mkdir()
    old_file(root, "old.jpg", b"old")
    (root / "new.jpg").write_bytes(
        b"new"
    )  # racily clean: could change again within its mtime's tick
    a_run(tmp_path, "old.jpg", "new.jpg")
    assert set(json.loads((tmp_path / "cache" / HASHES).read_text())["files"]) == {"old.jpg"}
    assert a_run(tmp_path, "old.jpg", "new.jpg") == {"old.jpg": sha(b"old"), "new.jpg": sha(b"new")}
    assert reads == ["old.jpg", "new.jpg", "new.jpg"]


def test_only_the_files_of_the_last_run_are_kept(tmp_path, reads):
    root = tmp_path / "root"
    root.mkdir()
    old_file(root, "a.jpg", b"a")
    old_file(root, "b.jpg", b"b")
    a_run(tmp_path, "a.jpg", "b.jpg")
    a_run(tmp_path, "a.jpg")
    assert set(json.loads((tmp_path / "cache" / HASHES).read_text())["files"]) == {"a.jpg"}


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00garbage",
        b"[]",
        b'{"files": []}',
        b'{"files": {"a.jpg": [1, 2]}}',
        b'{"files": {"a.jpg": [4, 1, 2, 3, "not a hash"]}}',
        b"",
    ],
)
def test_a_damaged_memo_is_ignored(tmp_path, reads, damage):
    root = tmp_path / "root"
    root.mkdir()
    old_file(root, "a.jpg", b"aaaa")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / HASHES).write_bytes(damage)
    assert a_run(tmp_path, "a.jpg") == {"a.jpg": sha(b"aaaa")}
    assert a_run(tmp_path, "a.jpg") == {"a.jpg": sha(b"aaaa")}
    assert reads == ["a.jpg"]


def test_a_warm_media_run_reads_no_input_and_sees_a_change(tmp_path, reads):
    root = tmp_path / "archive"
    for i in range(2):
        folder = image_record(root, f"photo-{i}")
        Image.new("RGB", (64, 48), (90 * i, 120, 200)).save(folder / "photo.jpg")
        os.utime(folder / "photo.jpg", ns=(time.time_ns() - HOUR, time.time_ns() - HOUR))
    settings = MediaSettings(widths=(32,), preview_width=32)

    def run():
        reads.clear()
        return run_media(
            root,
            plan_media(load_archive(root).archive, settings),
            tmp_path / "cache",
            settings,
            workers=1,
            progress=False,
        )

    cold = run()
    assert (cold.ran, len(reads)) == (2, 2)
    warm = run()
    assert (warm.ran, warm.reused, reads) == (0, 2, [])
    Image.new("RGB", (64, 48), "orange").save(root / "records/photo-1/photo.jpg")
    changed = run()
    assert (changed.ran, changed.reused, reads) == (1, 1, ["photo.jpg"])
    assert changed.results["photo-1"].key != cold.results["photo-1"].key
