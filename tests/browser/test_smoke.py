"""Today's site in a real browser: it loads cleanly, asks nothing of other hosts, fits a phone
and can be used from the keyboard."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.browser.conftest import start_builds
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow

# (site fixture, page): the minimal fixture archive's home, the demo archive's home and
# its contribute page (the minimal archive has neither a contribute page nor search).
PAGES = [("served_site", ""), ("served_demo", ""), ("served_demo", "contribute.html")]
IDS = ["minimal-home", "demo-home", "demo-contribute"]


@pytest.fixture(scope="session", autouse=True)
def _build_both_sites_at_once(tmp_path_factory):
    start_builds(tmp_path_factory, "minimal", "demo")


@pytest.fixture(params=PAGES, ids=IDS)
def url(request) -> str:
    site, path = request.param
    return request.getfixturevalue(site) + path


def test_page_loads_with_no_error_and_no_request_to_another_host(page, url):
    response = page.open(url)
    assert response is not None and response.status == 200, url
    assert page.problems() == []
    assert page.locator("h1").count() >= 1
    viewport = page.locator('meta[name="viewport"]')
    assert viewport.count() == 1
    assert "width=device-width" in viewport.get_attribute("content").replace(" ", "")


def test_no_horizontal_overflow_at_phone_width(phone_page, url):
    assert phone_page.open(url).status == 200
    assert phone_page.evaluate("() => screen.width") == 390
    assert phone_page.overflow() is None
    assert phone_page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")
    assert phone_page.problems() == []


def test_google_fonts_are_off():
    """Material asks fonts.googleapis.com for Roboto unless `theme.font: false`."""
    config = yaml.safe_load((FIXTURES / "archives" / "minimal" / "mkdocs.yml").read_text())
    assert config["theme"]["font"] is False


def test_built_pages_name_no_font_host(built_site, demo_site):
    for site in (built_site, demo_site):
        for html in site.rglob("*.html"):
            text = html.read_text(encoding="utf-8")
            assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, html


def test_add_your_record_leads_to_the_contribute_page(page, served_demo):
    assert page.open(served_demo).status == 200
    link = page.get_by_role("link", name=re.compile(r"add your record", re.IGNORECASE))
    assert link.count() >= 1, "the home page has no 'Add your record' link"
    link.first.click()
    page.wait_for_url(served_demo + "contribute.html")
    page.wait_for_load_state("load")
    assert page.locator("h1").first.is_visible()
    assert page.problems() == []


FOCUS_JS = """() => {
  const e = document.activeElement, moved = e !== window.__lastFocus;
  window.__lastFocus = e;
  const name = !e ? 'nothing' : e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.getAttribute('href') ? '[href=' + e.getAttribute('href') + ']' : '');
  return {moved, name, search: !!(e && e.matches('input.md-search__input'))};
}"""


def test_keyboard_reaches_the_search(page, served_demo):
    assert page.open(served_demo).status == 200
    path = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        path.append(focus["name"])
        assert focus["moved"], f"Tab did not move the focus: {path}"
        if focus["search"]:
            break
    else:
        pytest.fail(f"40 presses of Tab never reached the search field: {path}")
    page.keyboard.type("harbour")
    assert page.locator("input.md-search__input").input_value() == "harbour"
    assert page.problems() == []
