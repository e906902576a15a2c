"""A site that can leave GitHub Pages (issue 18): readable modes, and a media cache that no
edit of the published site can corrupt."""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from builder.archive.load import load_archive
from builder.core.media_plan import MediaSettings, plan_media
from builder.media.cache import MANIFEST, STAMPS
from builder.media.runner import run_media
from tests.archive_factory import text_record
from tests.conftest import FIXTURES, Run, run_showcase

WAVEFORM = Path("records/harbour-bells/media/waveform.svg")


def minimal(dest: Path) -> Path:
    """The minimal archive (a photo, an audio production with a waveform, a text)."""
    return Path(shutil.copytree(FIXTURES / "archives" / "minimal", dest))


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """The builds run as subprocesses, which inherit this process's umask."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def build(root: Path, *args: str) -> Run:
    result = run_showcase("build", *args, cwd=root, timeout=600)
    assert result.code == 0, result.out + result.err
    return result


def modes(site: Path) -> dict[str, set[str]]:
    """{"root"/"folders"/"files": the octal modes found} of a site."""
    found: dict[str, set[str]] = {"root": {oct(stat.S_IMODE(site.stat().st_mode))}}
    for path in site.rglob("*"):
        kind = "folders" if path.is_dir() else "files"
        found.setdefault(kind, set()).add(oct(stat.S_IMODE(path.lstat().st_mode)))
    return found


def media_bytes(site: Path) -> dict[str, bytes]:
    """Every derivative and media file the site publishes, by site path."""
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in sorted(site.glob("records/*/media/*"))
        if p.is_file()
    }


# --- modes ------------------------------------------------------------------------------------


def test_a_site_built_under_umask_022_is_0755_and_0644_root_included(tmp_path):
    root = minimal(tmp_path / "archive")
    with umask(0o022):
        build(root)
        assert modes(root / "site") == {
            "root": {"0o755"},
            "folders": {"0o755"},
            "files": {"0o644"},
        }
        build(root)  # a warm build swaps a new site in: the same modes again
    assert modes(root / "site") == {"root": {"0o755"}, "folders": {"0o755"}, "files": {"0o644"}}
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".site.")]
    assert leftovers == []  # the staged folder was renamed into place, the old site removed


def test_the_site_follows_another_umask_too(tmp_path):
    """Not a fixed 0755: the umask's own mode, as mkdir and open give (here 027)."""
    root = minimal(tmp_path / "archive")
    with umask(0o027):
        build(root)
    assert modes(root / "site") == {"root": {"0o750"}, "folders": {"0o750"}, "files": {"0o640"}}


# --- tampering --------------------------------------------------------------------------------


def test_an_edit_in_place_to_a_published_derivative_never_reaches_the_next_site(tmp_path):
    cold = minimal(tmp_path / "cold")
    build(cold)
    truth = media_bytes(cold / "site")
    assert WAVEFORM.as_posix() in truth and truth[WAVEFORM.as_posix()].startswith(b"<svg")

    root = minimal(tmp_path / "archive")
    build(root)
    published = root / "site" / WAVEFORM
    [entry] = [p for p in (root / ".cache").rglob("waveform.svg") if p.samefile(published)]
    with published.open("a") as fh:  # an optimiser, or a script, editing the site in place
        fh.write("<!-- appended after the build -->\n")
    assert b"appended" in entry.read_bytes()  # a hard link: the cache entry changed with it

    again = build(root)
    assert "media: 1 job run, 2 reused" in again.err
    warnings = [line for line in again.err.splitlines() if "media cache:" in line]
    assert len(warnings) == 1 and "waveform.svg" in warnings[0], again.err
    assert "making it again" in warnings[0]
    assert media_bytes(root / "site") == truth  # the true bytes, as a cold build publishes
    # (the cache's entry: the replaced site waiting in the cache's trash holds the edit)
    remade = [p for p in (root / ".cache").rglob("waveform.svg") if "trash" not in p.parts]
    assert [p.read_bytes() for p in remade] == [truth[WAVEFORM.as_posix()]]

    third = build(root)  # the remade entry is stamped: reused, and nothing said
    assert "media: 0 jobs run, 3 reused" in third.err and "media cache:" not in third.err
    assert media_bytes(root / "site") == truth


def test_a_derivative_replaced_rather_than_edited_leaves_the_cache_alone(tmp_path):
    """Tools that write a new file and rename it over the old one break the link: the
    cache keeps its entry, and the next build publishes it again without remaking it."""
    root = minimal(tmp_path / "archive")
    build(root)
    truth = media_bytes(root / "site")
    published = root / "site" / WAVEFORM
    tmp = published.with_name("waveform.svg.tmp")
    tmp.write_bytes(b"<svg/>")
    os.replace(tmp, published)
    again = build(root)
    assert "media: 0 jobs run, 3 reused" in again.err and "media cache:" not in again.err
    assert media_bytes(root / "site") == truth


def run(root: Path, cache: Path):
    archive = load_archive(root).archive
    settings = MediaSettings()
    return run_media(root, plan_media(archive, settings), cache, settings, workers=1)


def test_the_cache_stamps_each_entry_and_remakes_one_that_changed(tmp_path, caplog):
    root, cache = tmp_path / "archive", tmp_path / "cache"
    text_record(root, "a-poem")
    text_record(root, "b-poem")
    first = run(root, cache)
    assert first.ran == 2
    entry = first.results["a-poem"]
    manifest = json.loads((entry.folder / MANIFEST).read_text())
    for d in entry.info.derivatives:
        st = (entry.folder / d.file).stat()
        assert manifest[STAMPS][d.file] == [st.st_size, st.st_mtime_ns]

    file = entry.folder / entry.info.derivatives[0].file
    size, original = file.stat().st_size, file.read_bytes()
    with file.open("r+b") as fh:  # the same size, another mtime: still a change
        fh.write(b"\0")
    assert file.stat().st_size == size
    os.utime(file, ns=(file.stat().st_atime_ns, file.stat().st_mtime_ns + 1_000_000_000))
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.showcase"):
        second = run(root, cache)
    assert (second.ran, second.reused) == (1, 1)
    said = [r.getMessage() for r in caplog.records if "media cache:" in r.getMessage()]
    assert len(said) == 1 and entry.key[:12] in said[0]
    assert second.results["a-poem"].folder == entry.folder  # the same key, made again
    assert file.read_bytes() == original
    assert run(root, cache).ran == 0


def test_an_entry_made_before_stamps_is_made_again_without_a_word(tmp_path, caplog):
    root, cache = tmp_path / "archive", tmp_path / "cache"
    text_record(root, "a-poem")
    entry = run(root, cache).results["a-poem"]
    manifest = json.loads((entry.folder / MANIFEST).read_text())
    del manifest[STAMPS]
    (entry.folder / MANIFEST).write_text(json.dumps(manifest))
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.showcase"):
        assert run(root, cache).ran == 1
    assert not [r for r in caplog.records if "media cache:" in r.getMessage()]
    assert STAMPS in json.loads((entry.folder / MANIFEST).read_text())


# --- another file system ----------------------------------------------------------------------


def _tmpfs() -> Path | None:
    shm = Path("/dev/shm")
    try:
        kind = subprocess.run(
            ["stat", "-f", "-c", "%T", str(shm)], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return shm if kind == "tmpfs" and os.access(shm, os.W_OK) else None


@pytest.mark.skipif(_tmpfs() is None, reason="no writable tmpfs at /dev/shm")
def test_a_site_dir_on_another_file_system_is_built_and_swapped(tmp_path):
    root = minimal(tmp_path / "archive")
    out = Path("/dev/shm") / f"showcase-test-{uuid.uuid4().hex}"
    assert os.stat("/dev/shm").st_dev != root.stat().st_dev
    try:
        with umask(0o022):
            build(root, "--site-dir", str(out / "site"))
            build(root, "--site-dir", str(out / "site"))  # swapped in on that file system too
        site = out / "site"
        assert (site / "index.html").is_file()
        published = site / WAVEFORM
        [entry] = [p for p in (root / ".cache").rglob("waveform.svg")]
        assert published.read_bytes() == entry.read_bytes()
        assert not published.samefile(entry)  # a copy: no link crosses file systems
        assert modes(site) == {"root": {"0o755"}, "folders": {"0o755"}, "files": {"0o644"}}
        assert sorted(p.name for p in out.iterdir()) == ["site"]
    finally:
        shutil.rmtree(out, ignore_errors=True)
