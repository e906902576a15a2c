"""Open to remix and "Remix this" on the demo archive, in a real browser: the tiles open
their records, a record page says what a remix must carry and how to start one, and both
fit a phone, served and opened from a folder."""

from __future__ import annotations

import pytest

from tests.browser.conftest import start_builds

pytestmark = pytest.mark.slow

TILE_LINKS = "[...document.querySelectorAll('.sc-remix .sc-tile a')].map(a => a.href)"


@pytest.fixture(scope="session", autouse=True)
def _build(tmp_path_factory):
    start_builds(tmp_path_factory, "demo")


def test_every_tile_opens_its_record_which_says_how_to_remix_it(page, served_demo):
    page.open(served_demo + "remix/index.html")
    assert page.locator("h1").inner_text() == "Open to remix"
    never = page.locator("section:has(#sc-remix-never) .sc-tile")
    again = page.locator("section:has(#sc-remix-again) .sc-tile")
    assert never.count() >= 1 and again.count() >= 1
    links = page.evaluate(TILE_LINKS)
    assert len(links) == len(set(links)) == never.count() + again.count()
    for url in links:
        response = page.request.get(url)
        assert response.status == 200, url
    first = never.first
    title = first.locator(".sc-card__title").inner_text()
    first.locator(".sc-card__title a").click()
    page.wait_for_url("**/records/*/index.html")
    assert page.locator("h1").inner_text() == title
    rid = page.url.rsplit("/records/", 1)[1].split("/")[0]
    section = page.locator("section.sc-remix-this")
    assert section.locator("h2").inner_text() == "Remix this"
    assert section.locator(".sc-remix-this__rule").inner_text().startswith("A remix of this ")
    assert f"showcase new FILE --source {rid}" in section.locator("pre").inner_text()
    section.get_by_role("link", name="More records open to remix").click()
    page.wait_for_url("**/remix/index.html")
    assert page.problems() == []


def test_sharealike_record_names_the_one_license(page, served_demo):
    page.open(served_demo + "records/chime-sequence/index.html")
    section = page.locator("section.sc-remix-this")
    rule = section.locator(".sc-remix-this__rule").inner_text()
    assert rule == "A remix of this must be CC BY-SA 4.0."
    assert "--license CC-BY-SA-4.0" in section.locator("pre").inner_text()
    assert page.problems() == []


@pytest.mark.parametrize("path", ["remix/index.html", "records/chime-sequence/index.html"])
def test_fits_a_phone(phone_page, served_demo, path):
    phone_page.open(served_demo + path)
    assert phone_page.overflow() is None
    assert phone_page.problems() == []


def test_works_from_a_folder(page, demo_site):
    page.open(demo_site.resolve().as_uri() + "/records/chime-sequence/index.html")
    page.get_by_role("link", name="More records open to remix").click()
    page.wait_for_url("**/remix/index.html")
    page.locator(".sc-remix .sc-tile a").first.click()
    page.wait_for_url("**/records/*/index.html")
    assert page.locator("section.sc-remix-this h2").count() == 1
    assert page.problems() == []
