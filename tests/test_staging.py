"""The site swap (builder/staging.py) on a real file system: a replaced site waits in the
cache's trash and the next build deletes it, in a child process, while it builds."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from builder.staging import StagedSite


def _site(folder: Path, marker: str) -> None:
    (folder / "records" / "a" / "media").mkdir(parents=True)
    (folder / "index.html").write_text(marker)
    (folder / "records" / "a" / "media" / "poster.webp").write_bytes(b"x" * 100)


def _build(final: Path, marker: str, trash: Path | None) -> StagedSite:
    staged = StagedSite.begin(final, trash)
    _site(staged.path, marker)
    staged.commit()
    return staged


def _beside(final: Path) -> list[str]:
    return sorted(p.name for p in final.parent.iterdir())


def _sites_in(trash: Path) -> list[Path]:
    """The replaced sites waiting in the trash (which may also hold its .gitignore)."""
    return sorted(trash.glob("site-*")) if trash.exists() else []


def test_the_replaced_site_waits_in_the_trash_and_the_next_build_deletes_it(tmp_path):
    final, trash = tmp_path / "site", tmp_path / "cache" / "trash"
    _build(final, "one", trash)
    assert _beside(final) == ["site"] and not trash.exists()  # nothing was replaced
    _build(final, "two", trash)
    [first] = _sites_in(trash)
    assert (first / "index.html").read_text() == "one"
    assert (trash.parent / ".gitignore").read_text().splitlines()[-1] == "*"  # git never sees it
    staged = _build(final, "three", trash)
    assert staged.sweeper is not None and staged.sweeper.returncode == 0  # waited for
    [second] = _sites_in(trash)
    assert not first.exists() and (second / "index.html").read_text() == "two"
    assert (final / "index.html").read_text() == "three" and _beside(final) == ["cache", "site"]


def test_without_a_trash_the_replaced_site_is_deleted_at_once(tmp_path):
    final = tmp_path / "site"
    _build(final, "one", None)
    _build(final, "two", None)
    assert _beside(final) == ["site"] and (final / "index.html").read_text() == "two"


def test_folders_of_killed_builds_are_deleted_by_the_next_build(tmp_path):
    final, trash = tmp_path / "site", tmp_path / "trash"
    for name in (".site.building-dead", ".site.old-4242"):
        _site(tmp_path / name, "killed")
    (tmp_path / ".site.building-note").write_text("a file, not ours: kept")
    _build(final, "one", trash)
    assert _beside(final) == [".site.building-note", "site"]


def test_an_abandoned_build_keeps_the_last_site_and_still_sweeps(tmp_path):
    final, trash = tmp_path / "site", tmp_path / "trash"
    _build(final, "one", trash)
    _build(final, "two", trash)
    staged = StagedSite.begin(final, trash)
    _site(staged.path, "half")
    staged.abandon()
    assert (final / "index.html").read_text() == "two"
    assert not staged.path.exists() and _sites_in(trash) == []


def test_only_the_builds_own_entries_in_the_trash_are_deleted(tmp_path):
    final, trash = tmp_path / "site", tmp_path / "trash"
    trash.mkdir()
    (trash / "notes.txt").write_text("someone's")
    _build(final, "one", trash)
    _build(final, "two", trash)
    _build(final, "three", trash)
    assert (trash / "notes.txt").read_text() == "someone's" and len(_sites_in(trash)) == 1


@pytest.mark.skipif(
    not (os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK)), reason="no /dev/shm"
)
def test_a_site_on_another_file_system_than_the_trash_is_deleted_at_once(tmp_path):
    out = Path("/dev/shm") / f"showcase-test-{uuid.uuid4().hex}"
    if os.stat("/dev/shm").st_dev == tmp_path.stat().st_dev:
        pytest.skip("/dev/shm is on the same file system here")
    try:
        out.mkdir()
        final, trash = out / "site", tmp_path / "trash"
        _build(final, "one", trash)
        _build(final, "two", trash)
        assert _beside(final) == ["site"] and (final / "index.html").read_text() == "two"
        assert _sites_in(trash) == []
    finally:
        shutil.rmtree(out, ignore_errors=True)
