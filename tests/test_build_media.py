"""`showcase build` makes and publishes every record's media, and a rebuild redoes nothing."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from PIL import Image

from tests.conftest import FIXTURES, run_showcase


def minimal(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "archives" / "minimal", tmp_path / "archive"))


def test_build_publishes_derivatives_and_rebuilds_nothing(tmp_path):
    root = minimal(tmp_path)
    first = run_showcase("build", cwd=root, timeout=600)
    assert first.code == 0, first.out + first.err
    assert "media: 3 jobs run, 0 reused" in first.err
    media = root / "site" / "records" / "harbour-at-dawn" / "media"
    names = sorted(p.name for p in media.iterdir())
    assert "preview.jpg" in names and any(n.endswith(".webp") for n in names)
    assert (root / "site" / "records" / "harbour-bells" / "media" / "waveform.svg").is_file()
    second = run_showcase("build", cwd=root, timeout=600)
    assert second.code == 0 and "media: 0 jobs run, 3 reused" in second.err
    assert sorted(p.name for p in media.iterdir()) == names


def test_media_that_cannot_be_processed_stops_the_build_and_keeps_the_site(tmp_path):
    root = minimal(tmp_path)
    assert run_showcase("build", cwd=root, timeout=600).code == 0
    photo = root / "records" / "harbour-at-dawn" / "harbour.jpg"
    buffer = io.BytesIO()
    Image.effect_noise((320, 240), 40).convert("RGB").save(buffer, "JPEG", quality=80)
    photo.write_bytes(
        buffer.getvalue()[: len(buffer.getvalue()) * 6 // 10]
    )  # header intact, data cut
    result = run_showcase("build", cwd=root, timeout=600)
    assert result.code == 1
    # The build's check decodes it as the image recipe would (issue 13): refused before any job.
    assert (
        "records/harbour-at-dawn/record.yaml:3: corrupt-media: 'harbour.jpg' is truncated"
        in result.out
    )
    assert (root / "site" / "index.html").is_file()


def test_derivatives_are_hard_links_into_the_cache_and_captions_are_copies(tmp_path):
    root = minimal(tmp_path)
    assert run_showcase("build", cwd=root, timeout=600).code == 0
    preview = root / "site" / "records" / "harbour-at-dawn" / "media" / "preview.jpg"
    cached = [p for p in (root / ".cache" / "showcase").rglob("preview.jpg") if p.samefile(preview)]
    assert len(cached) == 1  # the same file: nothing copied
    assert (
        run_showcase("build", cwd=root, timeout=600).code == 0
    )  # the swap unlinks the old site only
    assert cached[0].is_file() and preview.samefile(cached[0])
    # a record's own files (captions, transcripts) stay copies: the site never shares an inode
    # with records/
    for published in (root / "site" / "records").rglob("media/*"):
        for original in (root / "records").rglob(published.name):
            assert not published.samefile(original)
