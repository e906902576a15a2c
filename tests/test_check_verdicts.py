"""Media files that passed their checks are not read again while unchanged
(builder/memo/verdicts.py): kept by stat as git's index keeps hashes, never for a file with a
problem, a changed file, other limits or other checks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from builder.archive import folder as folder_checks
from builder.check import check_archive
from builder.memo.verdicts import STORE, checks_version, kept_verdicts
from tests.archive_factory import image_record, make_archive

HOUR = 3600 * 1_000_000_000


@pytest.fixture
def checked(monkeypatch):
    """The record files whose checks ran, as record/name."""
    seen: list[str] = []
    original = folder_checks._check_named

    def counting(folder: Path, record, field, name, *rest):  # noqa: ANN001
        seen.append(f"{record.id}/{name}")
        return original(folder, record, field, name, *rest)

    monkeypatch.setattr(folder_checks, "_check_named", counting)
    return seen


def age(path: Path) -> None:
    """Last modified an hour ago: not racily clean (a file written just now is not kept)."""
    then = os.stat(path).st_mtime_ns - HOUR
    os.utime(path, ns=(then, then))


def archive(tmp_path: Path) -> Path:
    root = make_archive(tmp_path / "a")  # first-draft, second-draft (texts), teal-photo
    image_record(root, "gps-photo", gps=True)  # a problem: never kept
    for photo in root.glob("records/*/photo.jpg"):
        age(photo)
    return root


def check(root: Path, cache: Path, checked: list[str]) -> tuple[list[str], list[str]]:
    """(problem codes, the files whose checks ran) of one check with the kept verdicts."""
    checked.clear()
    with kept_verdicts(cache) as verdicts:
        report, _ = check_archive(root, verdicts=verdicts)
    return sorted(p.code for p in report.problems), sorted(checked)


def test_an_unchanged_photo_is_not_read_again_and_problems_and_texts_always_are(tmp_path, checked):
    root, cache = archive(tmp_path), tmp_path / "cache"
    every = [
        "first-draft/poem.md",
        "gps-photo/photo.jpg",
        "second-draft/poem.md",
        "teal-photo/photo.jpg",
    ]
    assert check(root, cache, checked) == (["location-metadata"], every)
    kept = json.loads((cache / STORE).read_text())
    assert (
        list(kept["files"]) == ["records/teal-photo/photo.jpg"]
        and kept["version"] == checks_version()
    )
    assert check(root, cache, checked) == (
        ["location-metadata"],
        [n for n in every if n != "teal-photo/photo.jpg"],
    )


def test_a_rewritten_photo_is_checked_again_even_with_its_size_and_mtime_put_back(
    tmp_path, checked
):
    root, cache = archive(tmp_path), tmp_path / "cache"
    check(root, cache, checked)
    photo = root / "records/teal-photo/photo.jpg"
    before = os.stat(photo)
    data = photo.read_bytes()
    photo.write_bytes(data[:100] + bytes(255 - b for b in data[100:110]) + data[110:])  # same size
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (
        os.stat(photo).st_size == before.st_size
        and os.stat(photo).st_mtime_ns == before.st_mtime_ns
    )
    assert "teal-photo/photo.jpg" in check(root, cache, checked)[1]  # its ctime moved


def test_other_limits_or_other_checks_check_again(tmp_path, checked):
    root, cache = archive(tmp_path), tmp_path / "cache"
    check(root, cache, checked)
    yml = root / "mkdocs.yml"
    yml.write_text(
        yml.read_text().replace("  - showcase\n", "  - showcase:\n      max_megapixels: 20\n")
    )
    assert (
        "teal-photo/photo.jpg" in check(root, cache, checked)[1]
    )  # the pixel limit is in the context
    assert "teal-photo/photo.jpg" not in check(root, cache, checked)[1]

    store = cache / STORE
    data = json.loads(store.read_text())
    store.write_text(json.dumps({**data, "version": "other checks"}))
    assert "teal-photo/photo.jpg" in check(root, cache, checked)[1]


def test_a_file_written_just_now_is_not_kept_and_a_damaged_store_is_ignored(tmp_path, checked):
    root, cache = archive(tmp_path), tmp_path / "cache"
    image_record(root, "fresh-photo")  # modified now: racily clean
    check(root, cache, checked)
    assert "records/fresh-photo/photo.jpg" not in json.loads((cache / STORE).read_text())["files"]
    assert "fresh-photo/photo.jpg" in check(root, cache, checked)[1]

    (cache / STORE).write_text("{not json")
    codes, ran = check(root, cache, checked)
    assert codes == ["location-metadata"] and "teal-photo/photo.jpg" in ran


def test_a_photo_replaced_by_a_symlink_is_refused_though_it_passed(tmp_path, checked):
    root, cache = archive(tmp_path), tmp_path / "cache"
    check(root, cache, checked)
    photo = root / "records/teal-photo/photo.jpg"
    target = tmp_path / "elsewhere.jpg"
    photo.rename(target)
    photo.symlink_to(target)
    assert "symlink" in check(root, cache, checked)[0]
