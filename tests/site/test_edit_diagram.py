"""The edit on a production's page (builder/site/edit_diagram.py, showcase/edit_diagram.html).

First the pure part, with plain Edits: where each block sits, what it says, the ruler, the
used-in index. Then a real build of a small archive whose production is a timeline, read
back as parsed HTML: blocks, links, labels and the used-in lines.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import replace
from fractions import Fraction as F
from pathlib import Path
from types import MappingProxyType

import pytest

from builder.core.model import Archive, Contributor, Record
from builder.site.edit_diagram import (
    ClipRef,
    diagram,
    ruler,
    stretches_text,
    track_labels,
    used_in_index,
)
from builder.timeline.model import Clip, Dissolve, Edit, Gap, Roll, Track, Where
from tests.archive_factory import MKDOCS_YML
from tests.site.helpers import page


def where(track: int, index: int) -> Where:
    return Where(track, index, "", 1)


def clip(rid: str, track: int, index: int, start: F, duration: F, style: str = "clip") -> Clip:
    return Clip(rid, where(track, index), style, F(start), F(duration), F(0))


REFS = {
    "cam": ClipRef(
        "Man with a camera", "records/cam/index.html", "records/cam/media/s.webp", "video"
    ),
    "cup": ClipRef("Coffee cup", "records/cup/index.html", None, "image"),
    "song": ClipRef("Hold music", "records/song/index.html", "records/song/media/w.png", "audio"),
    "gone": ClipRef("Old take", "records/gone/index.html", None, "video", withdrawn=True),
}


def sample_edit() -> Edit:
    """Two video layers and one audio track over 20 s: a dissolve, a fade in, a gap."""
    v1 = Track(
        "video",
        1,
        "",
        (
            clip("cam", 1, 1, 0, 8),
            Dissolve(where(1, 2), F(8), F(1), F(1)),
            clip("cup", 1, 3, 8, 7, "still"),
            Gap(where(1, 4), F(15), F(2)),
            clip("cam", 1, 5, 17, 3),
        ),
        F(20),
    )
    v2 = Track(
        "video",
        2,
        "",
        (
            Gap(where(2, 1), F(0), F(4)),
            Dissolve(where(2, 2), F(4), F(0), F(1, 2)),
            clip("gone", 2, 3, 4, 2, "lower-third"),
        ),
        F(6),
    )
    a1 = Track("audio", 3, "", (clip("song", 3, 1, 0, 12, "sound"),), F(12))
    return Edit(F(25), (v1, v2, a1), F(20), Roll(True, F(8)))


def test_rows_are_the_tracks_top_layer_first_then_sound():
    d = diagram(sample_edit(), REFS)
    assert [r.label for r in d.rows] == ["Video 2", "Video 1", "Audio 1"]
    assert [r.kind for r in d.rows] == ["video", "video", "audio"]
    assert track_labels(sample_edit()) == {1: "Video 1", 2: "Video 2", 3: "Audio 1"}


def test_blocks_are_placed_and_sized_as_percentages_of_the_duration():
    d = diagram(sample_edit(), REFS)
    v1 = d.rows[1].blocks
    assert [(b.kind, b.left, b.width) for b in v1] == [
        ("clip", 0.0, 40.0),
        ("clip", 40.0, 35.0),
        ("gap", 75.0, 10.0),
        ("clip", 85.0, 15.0),
        ("dissolve", 35.0, 10.0),  # 7 s to 9 s, drawn last: over the two clips it joins
    ]
    [song] = d.rows[2].blocks
    assert (song.left, song.width) == (0.0, 60.0)


def test_every_block_says_what_it_is_where_and_when():
    d = diagram(sample_edit(), REFS)
    labels = [b.label for row in d.rows for b in row.blocks]
    assert labels == [
        "Gap, Video 2, 0:00–0:04",
        "Old take (withdrawn), Video 2, 0:04–0:06",
        "Fade in to Old take, Video 2, 0:04–0:05",
        "Man with a camera, Video 1, 0:00–0:08",
        "Coffee cup, Video 1, 0:08–0:15",
        "Gap, Video 1, 0:15–0:17",
        "Man with a camera, Video 1, 0:17–0:20",
        "Dissolve from Man with a camera to Coffee cup, Video 1, 0:07–0:09",
        "Hold music, Audio 1, 0:00–0:12",
    ]


def test_clip_blocks_link_to_their_record_and_show_its_picture():
    d = diagram(sample_edit(), REFS)
    cam = d.rows[1].blocks[0]
    assert (cam.text, cam.url, cam.thumb, cam.style) == (
        "Man with a camera",
        "records/cam/index.html",
        "records/cam/media/s.webp",
        "clip",
    )
    cup = d.rows[1].blocks[1]
    assert (cup.thumb, cup.style, cup.record_type) == (None, "still", "image")
    old = d.rows[0].blocks[1]
    assert old.withdrawn and old.text == "Old take"  # the strike-through is the page's
    gap = d.rows[1].blocks[2]
    assert (gap.url, gap.text) == (None, "")


def test_a_record_missing_from_the_archive_is_named_by_its_id_without_a_link():
    edit = Edit(F(25), (Track("video", 1, "", (clip("lost", 1, 1, 0, 5),), F(5)),), F(5))
    [block] = diagram(edit, {}).rows[0].blocks
    assert (block.text, block.url, block.label) == ("lost", None, "lost, Video 1, 0:00–0:05")


def test_fade_out_and_an_empty_gap_that_only_carries_a_fade():
    edit = Edit(
        F(25),
        (
            Track(
                "audio",
                1,
                "",
                (
                    Gap(where(1, 1), F(0), F(0)),
                    Dissolve(where(1, 2), F(0), F(0), F(1, 2)),
                    clip("song", 1, 3, 0, 5, "sound"),
                    Dissolve(where(1, 4), F(5), F(1), F(0)),
                    Gap(where(1, 5), F(5), F(1)),
                ),
                F(6),
            ),
        ),
        F(6),
    )
    blocks = diagram(edit, REFS).rows[0].blocks
    assert [b.kind for b in blocks] == ["clip", "gap", "dissolve", "dissolve"]
    assert blocks[2].label == "Fade in to Hold music, Audio 1, 0:00–0:01"
    assert blocks[-1].label == "Fade out from Hold music, Audio 1, 0:04–0:05"
    assert blocks[-1].left == pytest.approx(100 * 4 / 6, abs=0.001)


def test_ruler_ticks_at_a_round_step_before_the_end():
    ticks = ruler(F(20))
    assert [t.text for t in ticks] == ["0:00", "0:05", "0:10", "0:15"]
    assert [t.left for t in ticks] == [0.0, 25.0, 50.0, 75.0]
    assert [t.text for t in ruler(F(600))] == ["0:00", "2:00", "4:00", "6:00", "8:00"]
    assert len(ruler(F(40000))) <= 8
    assert [t.text for t in ruler(F(3, 2))] == ["0:00", "0:01"]
    assert ruler(F(19))[-1].end is False and ruler(F(10))[-1].end is False
    assert any(t.end for t in ruler(F(31)))  # a mark at 0:30 of 0:31 is drawn leftwards


def test_summary_and_width():
    d = diagram(sample_edit(), REFS)
    assert d.summary == "2 video tracks and 1 audio track, 0:20 long, then 8 s of end credits."
    assert d.width_rem == 24  # short cuts fill their box, at least 24 rem
    long = Edit(
        F(25),
        (Track("audio", 1, "", (clip("song", 1, 1, 0, 90, "sound"),), F(90)),),
        F(90),
        Roll(False),
    )
    assert diagram(long, REFS).width_rem == 90  # a rem a second: it scrolls, blocks stay readable
    assert diagram(long, REFS).summary == "1 audio track, 1:30 long."
    assert diagram(Edit(F(25), (), F(0)), REFS) is None


def _record(rid: str, title: str, created: str) -> Record:
    return Record(
        rid,
        title,
        "video",
        f"{rid}.mp4",
        (Contributor("ana", "editor"),),
        "CC0-1.0",
        dt.date.fromisoformat(created),
        kind="production",
    )


def test_used_in_merges_a_records_spans_per_production_newest_first():
    archive = Archive.of(
        [
            _record("cam", "Camera", "2024-01-01"),
            _record("old-cut", "An old cut", "2024-02-01"),
            _record("new-cut", "A new cut", "2024-03-01"),
        ]
    )
    old = Edit(F(25), (Track("video", 1, "", (clip("cam", 1, 1, 12, 6),), F(18)),), F(18))
    new = Edit(
        F(25),
        (
            Track(
                "video",
                1,
                "",
                (clip("cam", 1, 1, 0, 4), clip("cup", 1, 2, 4, 4), clip("cam", 1, 3, 8, 2)),
                F(10),
            ),
            Track("audio", 2, "", (clip("cam", 2, 1, 2, 5, "sound"),), F(7)),
        ),
        F(10),
    )
    index = used_in_index(archive, {"old-cut": old, "new-cut": new, "not-a-record": old})
    assert [(u.production_id, u.title, u.url, u.when) for u in index["cam"]] == [
        ("new-cut", "A new cut", "records/new-cut/index.html", "0:00–0:07, 0:08–0:10"),
        ("old-cut", "An old cut", "records/old-cut/index.html", "0:12–0:18"),
    ]
    assert [u.production_id for u in index["cup"]] == ["new-cut"]


def test_stretches_that_touch_at_whole_seconds_read_as_one():
    assert stretches_text(((F(1), F(16, 5)), (F(17, 5), F(22, 5)))) == "0:01–0:04"
    assert stretches_text(((F(0), F(4)), (F(9), F(12)))) == "0:00–0:04, 0:09–0:12"
    assert stretches_text(((F(3), F(17, 5)), (F(9), F(12)))) == "0:03, 0:09–0:12"


# --- a real build --------------------------------------------------------------------------------


def _build_with_edit(root: Path, timeline) -> None:
    """mkdocs with our plugin, as `showcase build` runs it (builder/cli.py), except that the
    production's file is a finished video and its cut, read from `timeline` by the real
    reader, is handed to the build as Loaded.edits: the page does not wait for a render."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from builder.pipeline import prepare
    from builder.timeline.read import read_timeline
    from tests.timeline.helpers import otio_bytes

    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["showcase"]
    prepared = prepare(root, plugin.cache_dir(root))
    assert prepared.ok, prepared.report.problems
    types = {rid: r.type for rid, r in prepared.loaded.archive.records.items()}
    edit, problems = read_timeline(otio_bytes(timeline), "records/prod/edit.otio", "prod", types)
    assert edit is not None and not problems, problems
    loaded = replace(prepared.loaded, edits=MappingProxyType({"prod": edit}))
    plugin.use_prepared(replace(prepared, loaded=loaded))
    build(config)


# Light and dark, as the demo archive has them: the browser tests look at both.
PALETTE = """\
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      accent: deep orange
      toggle: {icon: material/weather-night, name: Switch to dark mode}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      accent: deep orange
      toggle: {icon: material/weather-sunny, name: Switch to light mode}
"""


def build_edit_site(base: Path) -> Path:
    """tests/timeline/helpers' four records and `prod`, which uses them all through its cut
    (good_timeline: a title, video into a still by a dissolve, music, a gap), with the
    mkdocs.yml of tests/archive_factory and a light and a dark scheme: its site folder."""
    from tests.timeline.helpers import RECORDS, good_timeline, make_archive, make_media, record_yaml

    media = make_media(base / "media")
    root = make_archive(base / "a", media, None)
    prod = root / "records" / "prod"
    shutil.copy(media / "clip.mp4", prod / "prod.mp4")
    (prod / "record.yaml").write_text(record_yaml("prod", "video", "prod.mp4", sorted(RECORDS)))
    config = MKDOCS_YML.replace("  font: false\n", "  font: false\n" + PALETTE)
    (root / "mkdocs.yml").write_text(config)
    (root / "content").mkdir()
    (root / "content" / "index.md").write_text("# Test archive\n")
    _build_with_edit(root, good_timeline())
    return root / "site"


@pytest.fixture(scope="module")
def timeline_site(tmp_path_factory) -> Path:
    return build_edit_site(tmp_path_factory.mktemp("edit"))


def test_the_production_page_draws_its_edit(timeline_site):
    doc = page(timeline_site, "records/prod/index.html")
    [section] = doc.xpath("//section[@class='sc-edit']")
    assert section.xpath("string(h2)") == "The edit"
    rows = section.xpath(".//li[contains(@class,'sc-edit__track ')]")
    assert [r.xpath("string(span[@class='sc-edit__name'])") for r in rows] == ["Video 1", "Audio 1"]
    clips = section.xpath(".//a[@class='sc-edit__clip']")
    labels = [a.xpath("string(span[@class='sc-sr'])") for a in clips]
    assert labels == [
        "title-text, Video 1, 0:00–0:01",
        "clip-a, Video 1, 0:01–0:03",
        "photo-b, Video 1, 0:03–0:05",
        "music-c, Audio 1, 0:00–0:03",
        "clip-a, Audio 1, 0:03–0:04",
    ]
    assert [a.get("href") for a in clips] == [
        f"../{rid}/index.html" for rid in ("title-text", "clip-a", "photo-b", "music-c", "clip-a")
    ]
    # Pictures that exist in the site: the video's and the photo's WebP, the music's waveform.
    for a in clips[1:4]:
        [img] = a.xpath("img")
        assert img.get("alt") == ""
        assert (timeline_site / "records" / "prod" / img.get("src")).is_file()
    [dissolve] = section.xpath(".//li[contains(@class,'sc-edit__block--dissolve')]")
    said = "Dissolve from clip-a to photo-b, Video 1, at 0:03"
    assert dissolve.xpath("normalize-space(.)") == said
    [gap] = section.xpath(".//li[contains(@class,'sc-edit__block--gap')]")
    assert gap.xpath("normalize-space(.)") == "Gap, Audio 1, at 0:03"
    # Placed by custom properties: the 1 s title of a 4.6 s cut is 21.739 % of it.
    first = section.xpath(".//li[contains(@class,'sc-edit__block--clip')]")[0]
    assert re.fullmatch(r"--at: 0\.0%; --len: 21\.739%", first.get("style"))
    assert [t.text for t in section.xpath(".//span[contains(@class,'sc-edit__tick')]")] == [
        "0:00",
        "0:01",
        "0:02",
        "0:03",
        "0:04",
    ]


def test_a_used_record_says_where_it_went(timeline_site):
    doc = page(timeline_site, "records/clip-a/index.html")
    [line] = doc.xpath("//ul[@class='sc-used-in']/li")
    assert " ".join(line.text_content().split()) == "Used in prod at 0:01–0:04"
    assert line.xpath("a/@href") == ["../prod/index.html"]
    assert line.xpath("string(a/cite)") == "prod"
    assert not page(timeline_site, "records/prod/index.html").xpath("//ul[@class='sc-used-in']")
    assert not page(timeline_site, "records/clip-a/index.html").xpath("//section[@class='sc-edit']")
