"""The media runner and cache with real recipes: reuse, change detection, failures as problems."""

from __future__ import annotations

import io
import os
import time
from dataclasses import replace
from pathlib import Path

from PIL import Image

from builder.archive.load import load_archive
from builder.core.media_plan import MediaSettings, plan_media
from builder.media.cache import STALE_STAGING_SECONDS, MediaCache
from builder.media.runner import run_media
from tests.archive_factory import image_record, text_record

SETTINGS = MediaSettings(widths=(160, 320), preview_width=300)


def archive_with(tmp_path: Path, photos: int = 2, texts: int = 1) -> Path:
    root = tmp_path / "archive"
    for i in range(photos):
        folder = image_record(root, f"photo-{i}")
        Image.new("RGB", (640, 480), (40 * i, 120, 200)).save(folder / "photo.jpg", quality=90)
    for i in range(texts):
        text_record(root, f"poem-{i}")
    return root


def run(root: Path, cache: Path, settings: MediaSettings = SETTINGS, workers: int | None = 2):
    archive = load_archive(root).archive
    return run_media(
        root, plan_media(archive, settings), cache, settings, workers=workers, progress=False
    )


def test_cold_then_warm_then_one_change(tmp_path):
    root, cache = archive_with(tmp_path), tmp_path / "cache"
    cold = run(root, cache)
    assert (cold.ran, cold.reused, cold.problems) == (3, 0, [])
    photo = cold.results["photo-0"]
    files = {d.file for d in photo.info.derivatives}
    assert {"image-160.webp", "image-320.webp", "preview.jpg"} <= files
    for d in photo.info.derivatives:
        assert (photo.folder / d.file).stat().st_size == d.bytes > 0
    warm = run(root, cache)
    assert (warm.ran, warm.reused) == (0, 3)
    assert warm.results["photo-0"].folder == photo.folder
    Image.new("RGB", (640, 480), "orange").save(root / "records/photo-1/photo.jpg")
    changed = run(root, cache)
    assert (changed.ran, changed.reused) == (1, 2)
    assert changed.results["photo-1"].key != cold.results["photo-1"].key


def test_settings_are_part_of_the_key(tmp_path):
    root, cache = archive_with(tmp_path, photos=1, texts=0), tmp_path / "cache"
    run(root, cache)
    again = run(root, cache, replace(SETTINGS, widths=(200,)))
    assert again.ran == 1
    assert {d.width for d in again.results["photo-0"].info.by_role("image")} == {200}


def test_a_corrupt_image_is_a_problem_for_its_record_only(tmp_path):
    root, cache = archive_with(tmp_path, photos=2, texts=0), tmp_path / "cache"
    good = io.BytesIO()
    Image.new("RGB", (640, 480), "red").save(good, "JPEG", quality=95)
    (root / "records/photo-1/photo.jpg").write_bytes(good.getvalue()[: len(good.getvalue()) // 3])
    result = run(root, cache)
    assert sorted(result.results) == ["photo-0"]
    [p] = result.problems
    assert (p.path, p.line, p.code, p.record) == (
        "records/photo-1/record.yaml",
        3,
        "media-failed",
        "photo-1",
    )
    assert "photo.jpg" in p.message
    assert list((cache / "staging").iterdir()) == []  # no partial output kept
    assert run(root, cache).ran == 1  # failures are not cached: fixing the file is enough


def test_in_process_and_parallel_runs_agree(tmp_path):
    root = archive_with(tmp_path, photos=2, texts=1)
    serial = run(root, tmp_path / "c1", workers=1)
    parallel = run(root, tmp_path / "c2", workers=2)
    assert {k: v.key for k, v in serial.results.items()} == {
        k: v.key for k, v in parallel.results.items()
    }
    for rid, result in serial.results.items():
        for d in result.info.derivatives:
            assert (result.folder / d.file).read_bytes() == (
                parallel.results[rid].folder / d.file
            ).read_bytes()


def test_an_interrupted_build_leaves_only_staging_which_is_swept(tmp_path):
    cache = MediaCache(tmp_path / "cache")
    old = cache.staging()
    (old / "image-160.webp").write_bytes(b"half")
    past = time.time() - STALE_STAGING_SECONDS - 10
    os.utime(old, (past, past))
    fresh = cache.staging()
    cache.sweep()
    assert not old.exists() and fresh.exists()


def test_a_damaged_manifest_means_redo(tmp_path):
    root, cache = archive_with(tmp_path, photos=1, texts=0), tmp_path / "cache"
    first = run(root, cache)
    (first.results["photo-0"].folder / "manifest.json").write_text("{not json")
    assert run(root, cache).ran == 1


def test_another_tool_version_means_another_cache_key(tmp_path):
    import PIL

    root = archive_with(tmp_path, photos=1, texts=0)
    result = run(root, tmp_path / "cache").results["photo-0"]
    job, cache = result.job, MediaCache(tmp_path / "cache")
    assert result.key == cache.key(job, root, f"pillow {PIL.__version__}")  # what the runner uses
    keys = {
        cache.key(job, root, tools)
        for tools in (
            "pillow 12.0.0",
            "pillow 12.1.0",
            "pillow 12.0.0; ffmpeg 6.0",
            "pillow 12.0.0; ffmpeg 7.1",
        )
    }
    assert len(keys) == 4
    assert cache.key(job, root, "pillow 12.0.0") == cache.key(job, root, "pillow 12.0.0")
