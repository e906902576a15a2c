"""Podcast artwork from the content-addressed cache (builder/media/artwork_cache.py): drawn once,
redrawn when an input changes or the entry is damaged, never trusted half-written. Real Pillow;
drawing is counted by wrapping artwork.square_jpeg (every artwork, poster or card, is encoded
there)."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from builder.archive.load import load_archive
from builder.core.graph import RemixGraph
from builder.feeds.podcast import episode_artwork
from builder.media import artwork, artwork_cache
from builder.media.artwork_cache import (
    cached_artwork_from_file,
    cached_card_artwork,
    card_key,
    entry,
    file_key,
)
from builder.site.pages import SiteContext
from tests.conftest import FIXTURES

POSTER = """\
title: Night film
type: video
file: film.mp4
kind: production
alt: A black screen.
poster: poster.png
contributors:
  - {handle: cy, role: director, name: Cy Moreau}
license: CC-BY-4.0
created: 2024-06-01
"""


@pytest.fixture()
def drawn(monkeypatch) -> list[tuple[int, int]]:
    """The size of every artwork encoded from now on."""
    calls: list[tuple[int, int]] = []
    real = artwork.square_jpeg

    def counting(picture: Image.Image, largest: int = artwork.MAX_SIDE) -> bytes:
        calls.append(picture.size)
        return real(picture, largest)

    monkeypatch.setattr(artwork, "square_jpeg", counting)
    return calls


def picture(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (600, 400)) -> Path:
    Image.new("RGB", size, colour).save(path)
    return path


def both(poster: Path, cache: Path | None) -> tuple[bytes, bytes]:
    """An episode's artwork from a poster, and one from a card."""
    return (
        cached_artwork_from_file(poster, cache, artwork.MIN_SIDE),
        cached_card_artwork("Bells", "Ben", "audio", cache),
    )


def entries(cache: Path) -> dict[Path, tuple[int, int, bytes]]:
    """Every cache file (temp files too) with its inode, mtime and bytes."""
    return {
        p: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted((cache / "artwork").rglob("*"))
        if p.is_file()
    }


# --- what the cache returns ----------------------------------------------------------------------


def test_a_second_call_draws_nothing_and_returns_the_same_bytes(tmp_path, drawn):
    poster, cache = picture(tmp_path / "poster.png", (200, 30, 30)), tmp_path / "cache"
    first = both(poster, cache)
    assert len(drawn) == 2
    stored = entries(cache)
    assert sorted(p.name for p in stored) == sorted(
        [f"{file_key(poster, artwork.MIN_SIDE)}.jpg", f"{card_key('Bells', 'Ben', 'audio')}.jpg"]
    )
    again = both(poster, cache)
    assert len(drawn) == 2  # nothing decoded or encoded
    assert again == first
    assert entries(cache) == stored  # nothing rewritten either
    # The very bytes artwork.py draws, and what the entries hold.
    assert first == (
        artwork.artwork_from_file(poster, artwork.MIN_SIDE),
        artwork.card_artwork("Bells", "Ben", "audio"),
    )
    assert {data for _, _, data in stored.values()} == set(first)


def test_without_a_cache_folder_it_draws_every_time(tmp_path, drawn):
    poster = picture(tmp_path / "poster.png", (200, 30, 30))
    for _ in range(2):
        both(poster, None)
    assert len(drawn) == 4


def test_the_same_bytes_elsewhere_are_the_same_entry(tmp_path, drawn):
    cache = tmp_path / "cache"
    a = picture(tmp_path / "a.png", (20, 160, 30))
    b = tmp_path / "b.png"
    shutil.copyfile(a, b)
    assert cached_artwork_from_file(a, cache) == cached_artwork_from_file(b, cache)
    assert len(drawn) == 1


# --- the key covers every input -----------------------------------------------------------------


def test_a_changed_poster_is_a_new_key_and_new_artwork(tmp_path, drawn):
    poster, cache = picture(tmp_path / "poster.png", (200, 30, 30)), tmp_path / "cache"
    red_key, red = file_key(poster), cached_artwork_from_file(poster, cache)
    picture(poster, (30, 30, 200))  # the same name, other bytes
    blue_key, blue = file_key(poster), cached_artwork_from_file(poster, cache)
    assert blue_key != red_key and blue != red and len(drawn) == 2
    assert blue == artwork.artwork_from_file(poster)
    assert entry(cache, red_key).read_bytes() == red  # the old entry is left as it was
    with Image.open(entry(cache, blue_key)) as img:
        assert img.getpixel((700, 700))[2] > 150  # the new poster's blue


def test_a_changed_title_credit_or_type_is_a_new_card(tmp_path, drawn):
    cache = tmp_path / "cache"
    cards = [
        ("Bells", "Ben", "audio"),
        ("Bells, renamed", "Ben", "audio"),
        ("Bells", "Ben, Ana", "audio"),
        ("Bells", "Ben", "video"),
    ]
    made = [cached_card_artwork(*card, cache) for card in cards]
    assert len({card_key(*card) for card in cards}) == len(cards)
    assert len(set(made)) == len(cards) and len(drawn) == len(cards)
    # No two inputs run together into one key.
    assert card_key("a", "b c", "audio") != card_key("a b", "c", "audio")


def test_the_size_the_recipe_and_pillow_are_in_the_key(tmp_path, monkeypatch):
    poster = picture(tmp_path / "poster.png", (200, 30, 30))
    keys = {file_key(poster), file_key(poster, artwork.MIN_SIDE), card_key("Bells", "Ben", "audio")}
    monkeypatch.setattr(artwork_cache, "ARTWORK_VERSION", "test-bumped")
    keys |= {file_key(poster), card_key("Bells", "Ben", "audio")}
    monkeypatch.setattr(artwork_cache.PIL, "__version__", "0.0.0-test")
    keys |= {file_key(poster), card_key("Bells", "Ben", "audio")}
    assert len(keys) == 7


# --- damaged and half-written entries -----------------------------------------------------------


@pytest.mark.parametrize("damage", [b"", b"not a jpeg at all", "truncated"])
def test_a_damaged_entry_is_drawn_again(tmp_path, drawn, damage):
    poster, cache = picture(tmp_path / "poster.png", (200, 30, 30)), tmp_path / "cache"
    good = cached_artwork_from_file(poster, cache)
    path = entry(cache, file_key(poster))
    path.write_bytes(good[: len(good) // 2] if damage == "truncated" else damage)
    assert cached_artwork_from_file(poster, cache) == good
    assert len(drawn) == 2
    assert path.read_bytes() == good  # repaired for the next build


def test_an_interrupted_write_leaves_no_entry_and_no_temp_file(tmp_path, drawn, monkeypatch):
    poster, cache = picture(tmp_path / "poster.png", (200, 30, 30)), tmp_path / "cache"

    def interrupted(src, dst):  # noqa: ANN001 - os.replace's signature
        raise KeyboardInterrupt  # Ctrl-C after the temp file is written, before it is published

    monkeypatch.setattr(artwork_cache.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cached_artwork_from_file(poster, cache)
    assert entries(cache) == {}
    monkeypatch.undo()
    cached_artwork_from_file(poster, cache)
    assert [p.name for p in entries(cache)] == [f"{file_key(poster)}.jpg"]


def test_a_temp_file_left_by_a_killed_build_is_never_read(tmp_path, drawn):
    poster, cache = picture(tmp_path / "poster.png", (200, 30, 30)), tmp_path / "cache"
    path = entry(cache, file_key(poster))
    path.parent.mkdir(parents=True)
    left = path.parent / f".{path.stem[:16]}-killed.tmp"
    left.write_bytes(b"\xff\xd8\xff half")
    data = cached_artwork_from_file(poster, cache)
    assert len(drawn) == 1 and data == artwork.artwork_from_file(poster)
    assert path.read_bytes() == data and left.read_bytes() == b"\xff\xd8\xff half"


def test_the_entry_appears_whole_in_one_replace(tmp_path, drawn, monkeypatch):
    poster, cache = picture(tmp_path / "poster.png", (200, 30, 30)), tmp_path / "cache"
    seen: list[tuple[bool, bytes]] = []
    real = os.replace

    def watching(src, dst):  # noqa: ANN001 - os.replace's signature
        seen.append((Path(dst).exists(), Path(src).read_bytes()))
        real(src, dst)

    monkeypatch.setattr(artwork_cache.os, "replace", watching)
    data = cached_artwork_from_file(poster, cache)
    assert seen == [(False, data)]  # the entry did not exist until the finished file took its name


def test_a_cache_that_cannot_be_written_still_gives_the_artwork(tmp_path, drawn):
    poster = picture(tmp_path / "poster.png", (200, 30, 30))
    cache = tmp_path / "cache"
    cache.write_text("a file where the folder should be")
    assert cached_artwork_from_file(poster, cache) == artwork.artwork_from_file(poster)
    assert cached_card_artwork("Bells", "Ben", "audio", cache) == artwork.card_artwork(
        "Bells", "Ben", "audio"
    )


def test_a_poster_edited_while_drawn_is_not_stored_under_its_old_key(tmp_path, monkeypatch):
    poster, cache = picture(tmp_path / "poster.png", (200, 30, 30)), tmp_path / "cache"
    old_key = file_key(poster)
    real = artwork.square_jpeg

    def edited_meanwhile(picture_: Image.Image, largest: int = artwork.MAX_SIDE) -> bytes:
        picture(poster, (30, 30, 200))
        return real(picture_, largest)

    monkeypatch.setattr(artwork, "square_jpeg", edited_meanwhile)
    cached_artwork_from_file(poster, cache)
    assert not entry(cache, old_key).exists()


# --- the podcast's episodes ---------------------------------------------------------------------


@pytest.fixture()
def archive_root(tmp_path) -> Path:
    root = Path(
        shutil.copytree(
            FIXTURES / "archives" / "minimal",
            tmp_path / "a",
            ignore=shutil.ignore_patterns("expected"),
        )
    )
    (root / "records" / "night-film").mkdir()
    (root / "records" / "night-film" / "record.yaml").write_text(POSTER)
    picture(root / "records" / "night-film" / "poster.png", (200, 30, 30))
    (root / "records" / "night-film" / "film.mp4").write_bytes(b"")  # never read here
    return root


def context(root: Path, cache_dir: Path | None) -> SiteContext:
    archive = load_archive(root).archive
    return SiteContext(
        root,
        archive,
        RemixGraph.of(archive),
        {},
        "https://showcase.example/",
        None,
        cache_dir=cache_dir,
    )


def test_episode_artwork_comes_from_the_cache_on_the_second_build(archive_root, tmp_path, drawn):
    cache = tmp_path / "cache"
    ctx = context(archive_root, cache)
    records = [
        ctx.archive.records[rid] for rid in ("night-film", "harbour-bells")
    ]  # a poster, a card
    first = [episode_artwork(ctx, r) for r in records]
    assert len(drawn) == 2
    again = [episode_artwork(context(archive_root, cache), r) for r in records]
    assert len(drawn) == 2 and again == first
    assert first == [
        episode_artwork(context(archive_root, None), r) for r in records
    ]  # as drawn uncached


def test_an_unreadable_poster_still_warns_and_falls_back_to_the_card(
    archive_root, tmp_path, drawn, caplog
):
    (archive_root / "records" / "night-film" / "poster.png").write_bytes(
        b"\x89PNG\r\n\x1a\n broken"
    )
    cache = tmp_path / "cache"
    ctx = context(archive_root, cache)
    film = ctx.archive.records["night-film"]
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.showcase"):
        data = episode_artwork(ctx, film)
    assert "the poster of night-film cannot be artwork" in caplog.text
    assert data == artwork.card_artwork("Night film", "Cy Moreau", "video")
    assert [p.name for p in entries(cache)] == [
        f"{card_key('Night film', 'Cy Moreau', 'video')}.jpg"
    ]
