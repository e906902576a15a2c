"""Record pages of the demo archive in a real browser: players play, trees navigate."""

from __future__ import annotations

import pytest

from tests.browser.conftest import start_builds

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session", autouse=True)
def _build(tmp_path_factory):
    start_builds(tmp_path_factory, "minimal", "demo")


def test_video_poster_shows_and_the_video_plays(page, served_demo):
    response = page.open(served_demo + "records/a-picture-painted-by-the-sun/index.html")
    assert response.status == 200
    video = page.locator("video")
    assert video.get_attribute("poster")
    page.evaluate("document.querySelector('video').muted = true")
    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function("document.querySelector('video').currentTime > 0.2", timeout=15000)
    assert page.evaluate("document.querySelector('video').textTracks.length") == 1
    assert page.problems() == []


def test_audio_plays(page, served_demo):
    page.open(served_demo + "records/please-hold/index.html")
    page.evaluate("document.querySelector('audio').muted = true")
    page.evaluate("document.querySelector('audio').play()")
    page.wait_for_function("document.querySelector('audio').currentTime > 0.2", timeout=15000)
    assert page.problems() == []


def test_images_load_and_tree_links_navigate(page, served_demo):
    page.open(served_demo + "records/photo-motion-study/index.html")
    thumbs = page.locator(".sc-lineage img.sc-thumb")
    assert thumbs.count() >= 5
    assert page.evaluate(
        "[...document.querySelectorAll('.sc-lineage img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    page.locator(".sc-lineage a", has_text="Coffee cup at Pikolo Espresso Bar").first.click()
    page.wait_for_url("**/records/coffee-cup/index.html")
    assert page.locator("h1").inner_text() == "Coffee cup at Pikolo Espresso Bar"
    assert page.evaluate("document.querySelector('figure img').naturalWidth") > 0
    assert page.problems() == []


def test_record_page_fits_a_phone(phone_page, served_demo):
    phone_page.open(served_demo + "records/a-picture-painted-by-the-sun/index.html")
    assert phone_page.overflow() is None
    assert phone_page.problems() == []


def test_a_lineage_of_forty_fits_a_phone_and_its_folds_open_from_the_keyboard(
    phone_page, lineage_site
):
    phone_page.open(lineage_site.resolve().as_uri() + "/records/the-production/index.html")
    assert phone_page.overflow() is None
    fold = phone_page.locator("details.sc-tree__fold").first
    hidden = fold.locator("ul a").first
    assert not hidden.is_visible()
    fold.locator("summary").focus()
    phone_page.keyboard.press("Enter")
    assert fold.evaluate("d => d.open") and hidden.is_visible()
    phone_page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert phone_page.overflow() is None  # even with every branch open, twelve generations deep
    hidden.click()
    phone_page.wait_for_url("**/records/fan-*/index.html")
    assert phone_page.problems() == []
