"""The gallery's, the home page's and the collaboration pages' views, from plain data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builder.core.graph import RemixGraph
from builder.core.model import Archive, Collaboration, Contributor, Record, Withdrawal
from builder.media.results import CONTAIN, COVER, Derivative, MediaInfo, visual_fit
from builder.site import urls
from builder.site.collaborations import collaboration_view, days_left_text
from builder.site.gallery import (
    PAGE_SIZE,
    gallery_page,
    page_count,
    page_numbers,
    pages,
    tile,
    type_links,
)
from builder.site.lists import HOME_RECORDS, home
from builder.site.pages import SiteContext, build_date

DAY = dt.date(2025, 3, 1)


def record(rid: str, rtype: str = "image", days: int = 0, **more) -> Record:
    return Record(
        id=rid,
        title=rid.replace("-", " ").title(),
        type=rtype,  # type: ignore[arg-type]
        file="f",
        contributors=(Contributor("ana", "editor"), Contributor("ben", "director", "Ben O")),
        license="CC-BY-4.0",
        created=DAY - dt.timedelta(days=days),
        **more,
    )


def visual(width: int = 400, height: int = 300) -> tuple[Derivative, ...]:
    return (
        Derivative("image", "image-400.webp", "image/webp", width, height),
        Derivative("image", "image-200.webp", "image/webp", width // 2, height // 2),
    )


def context(records: list[Record], media=None, collaborations=(), today=DAY) -> SiteContext:
    archive = Archive.of(records, collaborations=list(collaborations))
    return SiteContext(
        Path("/nonexistent"),
        archive,
        RemixGraph.of(archive),
        media or {},
        None,
        "contribute.html",
        today=today,
    )


# -- pagination -------------------------------------------------------------------------


def test_page_count_keeps_one_page_for_an_empty_gallery():
    assert [page_count(n) for n in (0, 1, PAGE_SIZE, PAGE_SIZE + 1)] == [1, 1, 1, 2]


def test_page_numbers_show_the_ends_and_the_neighbourhood():
    assert page_numbers(1, 1) == (1,)
    assert page_numbers(1, 4) == (1, 2, 3, 4)
    assert page_numbers(10, 20) == (1, None, 8, 9, 10, 11, 12, None, 20)
    assert page_numbers(1, 20) == (1, 2, 3, None, 20)
    assert page_numbers(4, 20) == (1, 2, 3, 4, 5, 6, None, 20)  # no ellipsis for nothing


def test_gallery_urls_are_stable_and_never_a_record_page():
    assert urls.gallery() == "records/index.html"
    assert urls.gallery(2) == "records/page/2/index.html"
    assert urls.gallery(1, "audio") == "records/type/audio/index.html"
    assert urls.gallery(3, "audio") == "records/type/audio/page/3/index.html"
    # a record whose id is "page" or "type" has its own address
    assert urls.record("page") == "records/page/index.html" != urls.gallery(2)


def test_every_record_is_on_exactly_one_page_newest_first():
    records = [record(f"rec-{i:03d}", days=i) for i in range(2 * PAGE_SIZE + 5)]
    ctx = context(records)
    made = pages(ctx)
    everything = [p for p in made if not p.src.startswith("records/type/")]
    assert [p.src for p in everything] == [
        "records/index.md",
        "records/page/2/index.md",
        "records/page/3/index.md",
    ]
    assert not any(p.in_nav for p in made)
    seen = []
    for number, p in enumerate(everything, start=1):
        view = p.context()["showcase_gallery"]
        assert view.number == number and view.count == 3 and view.total == len(records)
        assert view.first == (number - 1) * PAGE_SIZE + 1
        seen += [t.id for t in view.tiles]
    assert seen == [r.id for r in records]  # each once, newest first


def test_previous_and_next_link_the_neighbours_only():
    first = gallery_page((), 100, 1, None, {"image": 100}, None)
    assert first.previous_url is None and first.next_url == "records/page/2/index.html"
    last = gallery_page((), 100, 3, "image", {"image": 100}, None)
    assert last.previous_url == "records/type/image/page/2/index.html" and last.next_url is None
    assert [p.current for p in last.pages if p] == [False, False, True]


def test_one_gallery_per_type_the_archive_has():
    ctx = context([record("a-photo"), record("a-text", "text"), record("b-text", "text")])
    srcs = [p.src for p in pages(ctx)]
    assert "records/type/text/index.md" in srcs and "records/type/image/index.md" in srcs
    assert not [s for s in srcs if "audio" in s or "video" in s]
    links = type_links({"text": 2, "image": 1}, "text")
    assert [(t.label, t.count, t.current) for t in links] == [
        ("All", 3, False),
        ("Texts", 2, True),
        ("Images", 1, False),
    ]


def test_an_empty_archive_still_has_a_gallery_that_invites():
    [only] = pages(context([]))
    view = only.context()["showcase_gallery"]
    assert only.src == "records/index.md" and view.total == 0 and view.tiles == ()
    assert view.contribute_url == "contribute.html"


# -- tiles ------------------------------------------------------------------------------


def test_a_tile_says_type_in_words_people_and_duration():
    song = record("song", "audio")
    info = MediaInfo(visual(1200, 1200), duration=65.4)
    t = tile(context([song], {"song": info}), song)
    assert (t.type_name, t.icon) == ("Audio", "material/music-note")
    assert t.contributors == ("Ben O", "ana")  # role order, names given
    assert t.duration == "1:05" and t.url == "records/song/index.html"
    assert t.thumb.src == "records/song/media/image-200.webp"
    assert (t.thumb.width, t.thumb.height) == (1200, 1200)
    assert t.thumb.fit == CONTAIN  # an audio's card or cover carries words


def test_a_photo_may_be_cropped_and_an_image_has_no_duration():
    photo = record("photo")
    t = tile(context([photo], {"photo": MediaInfo(visual(), duration=3.0)}), photo)
    assert t.thumb.fit == COVER and t.duration is None


def test_a_withdrawn_record_has_a_tile_without_a_picture():
    gone = record("gone", withdrawn=Withdrawal(DAY, "asked"))
    t = tile(context([gone], {"gone": MediaInfo(visual())}), gone)
    assert t.withdrawn and t.thumb is None


@pytest.mark.parametrize(
    ("kind", "fit"), [("image", COVER), ("text", CONTAIN), ("audio", CONTAIN), ("video", CONTAIN)]
)
def test_only_photos_are_cropped(kind, fit):
    assert visual_fit(kind) == fit
    assert MediaInfo(()).fit(kind) == fit


def test_what_the_recipe_said_wins_over_the_type():
    said = MediaInfo((), extra={"fit": CONTAIN})
    assert said.fit("image") == CONTAIN
    assert MediaInfo((), extra={"fit": "stretch"}).fit("image") == COVER  # unknown: the rule
    assert MediaInfo.from_json(said.to_json()).fit("image") == CONTAIN  # kept in the cache


# -- collaborations and the build's day -------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "text"),
    [
        (dt.date(2025, 3, 13), "12 days left"),
        (dt.date(2025, 3, 2), "1 day left"),
        (DAY, "last day today"),
        (dt.date(2025, 2, 27), "the deadline has passed"),
    ],
)
def test_days_left_count_from_the_day_given(deadline, text):
    assert days_left_text(deadline, DAY) == text


def test_a_collaboration_counts_days_from_the_build_and_shows_answers_as_tiles():
    call = Collaboration("night", "c.md", "Night", "open", dt.date(2025, 3, 11), "Bring sounds.")
    done = Collaboration("old", "o.md", "Old", "closed", dt.date(2024, 1, 1))
    answers = [
        record("a-one", collaboration="night", days=2),
        record("b-two", collaboration="night"),
    ]
    ctx = context(answers, collaborations=[call, done])
    view = collaboration_view(ctx, "night", DAY)
    assert view.days_left == "10 days left"
    assert collaboration_view(ctx, "night", dt.date(2025, 3, 10)).days_left == "1 day left"
    assert [t.id for t in view.records] == ["b-two", "a-one"]
    assert collaboration_view(ctx, "old", DAY).days_left is None  # closed: nothing to count


def test_the_build_date_is_today_or_source_date_epoch():
    assert build_date({"SOURCE_DATE_EPOCH": "1740787200"}) == dt.date(2025, 3, 1)
    assert build_date({"SOURCE_DATE_EPOCH": "soon"}) == dt.datetime.now(dt.timezone.utc).date()
    assert build_date({}) == dt.datetime.now(dt.timezone.utc).date()


# -- the home page ----------------------------------------------------------------------


def test_home_shows_the_latest_production_latest_records_and_open_calls():
    call = Collaboration("night", "c.md", "Night", "open", dt.date(2025, 3, 4), "# Bring\n\nsounds")
    records = [record(f"r-{i}", days=i) for i in range(HOME_RECORDS + 2)]
    records += [
        record("film", "video", days=50, kind="production"),
        record("newer-gone", "video", days=0, kind="production", withdrawn=Withdrawal(DAY, "x")),
    ]
    media = {"film": MediaInfo((*visual(640, 360), Derivative("video", "v.mp4", "video/mp4")))}
    h = home(context(records, media, [call]), {}, DAY)["showcase_home"]
    feature = h["feature"]
    assert feature.url == "records/film/index.html"  # the newest not withdrawn
    assert feature.view.media_url == "records/film/media/v.mp4"
    assert feature.credits_url == "records/film/credits/index.html"
    assert [t.id for t in h["latest"]] == [f"r-{i}" for i in range(HOME_RECORDS)]
    [open_call] = h["collaborations"]
    assert (open_call.title, open_call.prompt, open_call.days_left) == (
        "Night",
        "Bring",
        "3 days left",
    )
    assert h["gallery_url"] == "records/index.html" and h["remix_url"] == "remix/index.html"


def test_an_empty_home_has_no_feature_and_no_tiles():
    h = home(context([]), {}, DAY)["showcase_home"]
    assert h["feature"] is None and h["latest"] == [] and h["contribute_url"]
