"""The demo site opened from a folder (file://), as someone who downloaded the archive would."""

from __future__ import annotations

import pytest

from tests.browser.conftest import start_builds

pytestmark = pytest.mark.slow

ALL_IMAGES_LOADED = "[...document.images].every(i => i.complete && i.naturalWidth > 0)"


@pytest.fixture(scope="session", autouse=True)
def _build(tmp_path_factory):
    start_builds(tmp_path_factory, "demo")


def test_a_visitor_walks_the_site_from_a_folder(page, demo_site):
    home = demo_site.resolve().as_uri() + "/index.html"
    page.open(home)
    assert page.evaluate(ALL_IMAGES_LOADED)
    # home -> a production -> the video plays from the folder
    page.locator(".sc-card__title a", has_text="A picture painted by the sun").first.click()
    page.wait_for_url("**/records/a-picture-painted-by-the-sun/index.html")
    page.settle()
    page.evaluate("document.querySelector('video').muted = true")
    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function("document.querySelector('video').currentTime > 0.2", timeout=15000)
    # its captions show too (Chromium loads no <track> file from a folder: they are inline)
    page.wait_for_function(
        "(document.querySelector('video').textTracks[0].cues || []).length > 0", timeout=5000
    )
    # -> along its remix tree to a source, whose image shows
    page.locator(".sc-lineage a", has_text="Coffee cup at Pikolo Espresso Bar").first.click()
    page.wait_for_url("**/records/coffee-cup/index.html")
    page.settle()
    assert page.evaluate(ALL_IMAGES_LOADED)
    # -> a contributor's page, then Material's own navigation back to the productions
    page.locator(".sc-byline a").first.click()
    page.wait_for_url("**/people/*/index.html")
    page.settle()
    page.locator("a.md-nav__link", has_text="Productions").first.click()
    page.wait_for_url("**/productions/index.html")
    page.settle()
    assert page.locator("h1").inner_text() == "Productions"
    assert page.problems() == []


def test_every_link_of_the_home_page_opens_a_file(page, demo_site):
    page.open(demo_site.resolve().as_uri() + "/index.html")
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    local = sorted({h.split("#")[0] for h in hrefs if h.startswith("file:")})
    assert len(local) >= 6
    for href in local:
        page.open(href)
        assert page.evaluate("document.readyState") == "complete"
    assert page.problems() == []


def test_search_works_from_a_folder_and_the_polyfill_stays_out_of_the_way_on_a_server(
    page, demo_site, served_demo
):
    page.open(demo_site.resolve().as_uri() + "/index.html")
    page.locator(".md-search__input").focus()
    page.keyboard.type("please hold")
    result = page.locator(".md-search-result__item a", has_text="Please hold").first
    result.wait_for(timeout=10000)
    result.click()
    page.wait_for_url("**/records/please-hold/index.html")
    assert page.problems() == []
    page.open(served_demo)  # over http the real Web Worker runs the search
    assert page.evaluate("window.Worker !== window.IFrameWorker")
