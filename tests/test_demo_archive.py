"""The repository's own demo archive: real works, complete, and clean under `showcase check`."""

from __future__ import annotations

from builder.archive.load import load_archive
from builder.core.graph import RemixGraph
from builder.core.model import OutsideSource
from tests.conftest import ROOT, run_showcase


def depth(graph: RemixGraph, rid: str) -> int:
    """Length of the longest chain of sources above `rid` (1 = no sources)."""
    best, stack = 1, [(rid, 1)]
    while stack:
        node, d = stack.pop()
        best = max(best, d)
        stack.extend((parent, d + 1) for parent in graph.sources[node])
    return best


def test_demo_archive_passes_check():
    result = run_showcase("check", cwd=ROOT)
    assert result.code == 0, result.out + result.err
    assert result.out.endswith("no problems.\n")


def test_demo_archive_is_complete():
    archive = load_archive(ROOT).archive
    records = archive.records.values()
    assert len(records) >= 15
    assert {r.type for r in records} == {"text", "image", "audio", "video"}
    graph = RemixGraph.of(archive)
    productions = [r for r in records if r.kind == "production"]
    assert len([p for p in productions if depth(graph, p.id) >= 3]) >= 2
    assert any(isinstance(s, OutsideSource) for r in records for s in r.sources)
    assert any(r.withdrawn for r in records)
    assert len(archive.collaborations) >= 2
    handles = {c.handle for r in records for c in r.contributors}
    with_profile = handles & set(archive.people)
    assert len(with_profile) >= 2 and handles - with_profile


def test_demo_media_stays_small_and_credits_real_authors():
    total = sum(p.stat().st_size for p in (ROOT / "records").rglob("*") if p.is_file())
    assert total < 20 * 1024 * 1024
    archive = load_archive(ROOT).archive
    for record in archive.records.values():
        # every original work (no sources) names its author and says where it comes from
        if not record.sources:
            assert all(c.name for c in record.contributors), record.id
            assert record.description.strip(), record.id


def test_remade_productions_are_timelines():
    """ "A Picture Painted by the Sun" and "Please Hold" are cut in the archive: their files are
    timelines the build renders, with no committed render and no pasted ffmpeg command."""
    loaded = load_archive(ROOT)
    for rid, kind in (("a-picture-painted-by-the-sun", "video"), ("please-hold", "audio")):
        record = loaded.archive.records[rid]
        assert record.file.endswith(".otio") and record.type == kind and rid in loaded.edits
        folder = ROOT / "records" / rid
        assert not [p.name for p in folder.iterdir() if p.suffix in (".mp4", ".mp3")]
        assert "ffmpeg" not in record.description
    film = loaded.edits["a-picture-painted-by-the-sun"]
    cards = [(c.style, c.lines) for c in film.clips if c.record_id == "title-cards"]
    assert cards == [("title", (7, 8)), ("lower-third", (10, 11)), ("lower-third", (13, 14))]
    assert film.roll.enabled and float(film.duration) == 24.0
    mix = loaded.edits["please-hold"]
    assert float(mix.duration) == 60.0
    assert len([c for c in mix.clips if c.record_id == "hold-line-prompts"]) == 9
