"""The gallery, the home page and a collaboration page in a real browser: every tile opens
its record, the pages reach every record once, nothing moves while pictures load, cards
with words are never cropped, and it all fits a phone."""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from builder.site.gallery import PAGE_SIZE
from tests.browser.conftest import serve, start_builds
from tests.conftest import run_showcase

pytestmark = pytest.mark.slow

MANY = 2 * PAGE_SIZE + 3  # three pages, the last with three tiles
BUILD_DAY = dt.date(2025, 3, 1)
BUILD_EPOCH = "1740787200"  # 2025-03-01, UTC: the day the "many" archive is built on
TILE_BOXES = """() => [...document.querySelectorAll('.sc-tile')].map(t => {
  const r = t.getBoundingClientRect();
  return [Math.round(r.left), Math.round(r.top + scrollY), Math.round(r.width),
          Math.round(r.height)];
})"""
LOAD_EVERY_IMAGE = """async () => {
  for (const img of document.images) img.loading = 'eager';
  await Promise.all([...document.images].map(i => i.decode().catch(() => null)));
  return [...document.images].every(i => i.complete && i.naturalWidth > 0);
}"""


@pytest.fixture(scope="session", autouse=True)
def _build(tmp_path_factory):
    start_builds(tmp_path_factory, "demo")


def many_archive(root: Path) -> None:
    """MANY tiny photos on distinct days, an open collaboration ten days from the build's
    day that four of them answer, and a contribute page."""
    (root / "content" / "collaborations").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Many\n\nA gallery of many records.\n")
    (root / "content" / "contribute.md").write_text("# Contribute\n\nAdd a record.\n")
    (root / "content" / "collaborations" / "night.md").write_text(
        "---\ntitle: Night\nstatus: open\ndeadline: 2025-03-11\n---\n\nBring the night.\n"
    )
    (root / "mkdocs.yml").write_text(
        "site_name: Many\nsite_url: http://127.0.0.1:8000/\ndocs_dir: content\n"
        "theme:\n  name: material\n  font: false\nplugins:\n  - showcase\n"
    )
    for i in range(MANY):
        folder = root / "records" / f"photo-{i:03d}"
        folder.mkdir(parents=True)
        shade = (i * 7 % 255, 90, 255 - i * 3 % 255)
        Image.new("RGB", (64, 40 + i % 3 * 8), shade).save(folder / "photo.jpg")
        created = dt.date(2024, 1, 1) + dt.timedelta(days=i)
        (folder / "record.yaml").write_text(
            textwrap.dedent(f"""\
            title: Photo number {i}
            type: image
            file: photo.jpg
            alt: A plain coloured rectangle, number {i}.
            contributors:
              - {{handle: ana, role: photographer, name: Ana Lima}}
            license: CC-BY-4.0
            created: {created.isoformat()}
            """)
            + ("collaboration: night\n" if i % 20 == 0 else "")
        )


@pytest.fixture(scope="module")
def many_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("many") / "archive"
    many_archive(root)
    result = run_showcase("build", cwd=root, env={"SOURCE_DATE_EPOCH": BUILD_EPOCH}, timeout=600)
    assert result.code == 0, result.out + result.err
    return root / "site"


@pytest.fixture(scope="module")
def served_many(many_site):
    with serve(many_site) as url:
        yield url


def tile_links(page) -> list[str]:
    return page.eval_on_selector_all(".sc-tile .sc-card__title a", "as => as.map(a => a.href)")


def test_every_tile_of_the_demo_gallery_opens_its_record(page, served_demo):
    page.open(served_demo + "records/")  # /records/ works: the gallery is its index.html
    assert page.locator("h1").inner_text() == "Gallery"
    tiles = page.locator(".sc-tile")
    assert tiles.count() >= 15
    titles = []
    for i in range(tiles.count()):
        tile = tiles.nth(i)
        titles.append(tile.locator(".sc-card__title a").inner_text())
        assert tile.locator(".sc-tile__type").inner_text().strip() in {
            "Text",
            "Image",
            "Audio",
            "Video",
        }  # the type in words, beside its icon
        assert tile.locator(".sc-tile__type svg").count() == 1
    hrefs = tile_links(page)
    assert len(set(hrefs)) == len(hrefs) == tiles.count()
    for title, href in zip(titles, hrefs):
        assert "/records/" in href and href.endswith("/index.html")
        page.open(href)
        assert page.locator("h1").first.inner_text() == title, href
    # a click anywhere on a tile (its picture) opens the record too
    page.open(served_demo + "records/index.html")
    first = page.locator(".sc-tile").first
    name = first.locator(".sc-card__title a").inner_text()
    box = first.locator(".sc-card__thumb").bounding_box()  # under the title's stretched link
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == name
    assert page.problems() == []


def test_audio_and_video_tiles_say_how_long_they_last(page, served_demo):
    page.open(served_demo + "records/type/audio/index.html")
    durations = page.locator(".sc-tile:not(.sc-card--withdrawn) .sc-tile__duration")
    assert durations.count() == page.locator(".sc-tile:not(.sc-card--withdrawn)").count() > 0
    assert durations.first.inner_text().strip().endswith("1:00")
    page.open(served_demo + "records/type/image/index.html")
    assert page.locator(".sc-tile__duration").count() == 0
    assert page.problems() == []


def test_the_pages_reach_every_record_exactly_once(page, served_many):
    page.open(served_many + "records/index.html")
    seen: list[str] = []
    numbers = []
    while True:
        links = tile_links(page)
        assert len(links) == PAGE_SIZE or not page.locator("a[rel=next]").count()
        seen += links
        numbers.append(page.locator(".sc-gallery__pages [aria-current=page]").inner_text())
        following = page.locator(".sc-gallery__pages a[rel=next]")
        if not following.count():
            break
        following.click()
        page.wait_for_load_state()
    assert len(numbers) == 3 and [n.split()[-1] for n in numbers] == ["1", "2", "3"]
    ids = [href.split("/records/")[1].split("/")[0] for href in seen]
    assert sorted(ids) == [f"photo-{i:03d}" for i in range(MANY)]  # each once
    assert ids[0] == f"photo-{MANY - 1:03d}"  # newest first
    # the numbered links go back to the first page
    page.locator(".sc-gallery__pages a", has_text="1").first.click()
    page.wait_for_load_state()
    assert tile_links(page) == seen[:PAGE_SIZE]
    assert page.problems() == []


def test_nothing_moves_while_the_pictures_load(new_page, served_many, served_demo):
    for url in (served_many + "records/index.html", served_demo + "records/index.html"):
        bare = new_page()
        bare.page.route("**/*.webp", lambda route: route.abort())  # pictures that never come
        bare.page.goto(url, wait_until="domcontentloaded")
        before = bare.evaluate(TILE_BOXES)
        loaded = new_page()
        loaded.open(url)
        assert loaded.evaluate(LOAD_EVERY_IMAGE)
        loaded.evaluate("window.scrollTo(0, 0)")
        assert loaded.evaluate(TILE_BOXES) == before, url
        assert loaded.problems() == []


def test_cards_with_words_are_letterboxed_and_photos_cropped(page, served_demo):
    page.open(served_demo + "records/index.html")
    assert page.evaluate(LOAD_EVERY_IMAGE)
    fits = page.evaluate(
        """() => [...document.querySelectorAll('.sc-tile')].filter(t => t.querySelector('img'))
          .map(t => [t.className.match(/sc-tile--(\\w+)/)[1],
                     getComputedStyle(t.querySelector('img')).objectFit])"""
    )
    assert fits and all((kind == "image") == (fit == "cover") for kind, fit in fits), fits
    assert {fit for kind, fit in fits if kind != "image"} == {"contain"}
    # The demo's text card (title-cards) keeps its top edge, the accent bar above its
    # kind label: cropped to fill the 4:3 tile, a square card would lose it.
    card = page.locator(".sc-tile", has_text='Title cards for "A Picture').locator("img")
    shot = Image.open(io.BytesIO(card.screenshot())).convert("RGB")
    accent = (196, 72, 40)
    assert any(
        all(abs(a - b) < 40 for a, b in zip(shot.getpixel((x, y)), accent))
        for y in range(shot.height // 4)
        for x in range(shot.width // 4, shot.width * 3 // 4)
    )
    assert page.problems() == []


def test_the_home_page_plays_the_latest_production_and_leads_on(page, served_demo):
    page.open(served_demo + "index.html")
    feature = page.locator("section[aria-labelledby=sc-feature]")
    assert feature.locator("h2 a").inner_text() == "Please Hold"  # the newest production
    assert "Full credits" in feature.inner_text()
    page.evaluate("document.querySelector('.sc-home__feature audio').muted = true")
    page.evaluate("document.querySelector('.sc-home__feature audio').play()")
    page.wait_for_function(
        "document.querySelector('.sc-home__feature audio').currentTime > 0.2", timeout=15000
    )
    assert page.locator("section[aria-labelledby=sc-latest] .sc-tile").count() >= 3
    deadline = page.locator(".sc-collabs li", has_text="On Hold").inner_text()
    left = (dt.date(2027, 1, 31) - dt.datetime.now(dt.timezone.utc).date()).days
    assert f"{left} days left" in deadline
    page.locator("a", has_text="See every record in the gallery").click()
    page.wait_for_url("**/records/index.html")
    page.go_back()
    page.locator(".sc-home__more a", has_text="Open to remix").click()
    page.wait_for_url("**/remix/index.html")
    assert page.problems() == []


def test_a_collaboration_counts_its_days_and_shows_its_answers_as_tiles(page, served_many):
    page.open(served_many + "collaborations/night/index.html")
    assert "(10 days left)" in page.locator(".sc-collab__status").inner_text()
    links = page.eval_on_selector_all(
        "section[aria-labelledby=sc-answers] .sc-tile .sc-card__title a",
        "as => as.map(a => a.getAttribute('href'))",
    )
    assert links == [f"../../records/photo-{i:03d}/index.html" for i in (60, 40, 20, 0)]
    page.open(served_many + "index.html")
    assert "(10 days left)" in page.locator(".sc-collabs").inner_text()
    assert page.problems() == []


@pytest.mark.parametrize(
    "url", ["records/index.html", "records/type/audio/index.html", "index.html"]
)
def test_the_gallery_and_home_fit_a_phone_two_tiles_a_row(phone_page, served_demo, url):
    phone_page.open(served_demo + url)
    assert phone_page.overflow() is None
    lefts = phone_page.evaluate(
        "[...document.querySelectorAll('.sc-tile')].slice(0, 4)"
        ".map(t => Math.round(t.getBoundingClientRect().left))"
    )
    assert len(set(lefts)) == 2, lefts
    assert phone_page.problems() == []


def test_the_many_gallery_fits_a_phone(phone_page, served_many):
    phone_page.open(served_many + "records/page/2/index.html")
    assert phone_page.overflow() is None
    assert phone_page.problems() == []
