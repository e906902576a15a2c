"""The edit diagram of a production in a real browser, at desktop and phone width: drawn where
the cut puts each clip, inside its own scrolling box on a phone, its blocks links that go
to the records (tests/site/test_edit_diagram.py builds the site)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import serve
from tests.site.test_edit_diagram import build_edit_site

pytestmark = pytest.mark.slow

PROD = "records/prod/index.html"
# Where a block starts and ends in its lane, as fractions of the lane's width.
_PLACES_JS = """() => [...document.querySelectorAll('.sc-edit__lane')].map(lane => {
  const box = lane.getBoundingClientRect();
  return [...lane.children].map(li => {
    const r = li.getBoundingClientRect();
    const at = x => (x - box.left) / box.width;
    return [li.className.split(' ')[1], at(r.left), at(r.right)];
  });
})"""


@pytest.fixture(scope="module")
def served_edit(tmp_path_factory):
    with serve(build_edit_site(tmp_path_factory.mktemp("edit"))) as url:
        yield url


def test_the_diagram_places_each_clip_where_the_cut_does(page, served_edit):
    page.open(served_edit + PROD)
    assert page.locator(".sc-edit").is_visible()
    video, audio = page.evaluate(_PLACES_JS)
    # The cut is 4.6 s: title 0-1 s, clip 1-3 s, still 3-4.6 s, a dissolve 2.8-3.2 s.
    kinds = [kind.removeprefix("sc-edit__block--") for kind, _, _ in video]
    assert kinds == ["clip", "clip", "clip", "dissolve"]
    expected = [(0, 1), (1, 3), (3, 4.6)]
    for (_, left, right), (start, end) in zip(video, expected):
        assert left == pytest.approx(start / 4.6, abs=0.01)
        assert right == pytest.approx(end / 4.6, abs=0.01)
    dissolve = video[3]
    assert dissolve[1] < 3 / 4.6 < dissolve[2]  # over the cut it softens
    # Sound: music 0-3 s, a gap 3-3.4 s, the clip's sound 3.4-4.4 s.
    assert [(k, round(a * 4.6, 1), round(b * 4.6, 1)) for k, a, b in audio] == [
        ("sc-edit__block--clip", 0.0, 3.0),
        ("sc-edit__block--gap", 3.0, 3.4),
        ("sc-edit__block--clip", 3.4, 4.4),
    ]
    assert page.evaluate(
        "[...document.querySelectorAll('.sc-edit img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    assert page.problems() == []


def test_a_block_links_to_its_record(page, served_edit):
    page.open(served_edit + PROD)
    block = page.get_by_role("link", name="photo-b, Video 1, 0:03–0:05")
    assert block.is_visible()
    block.click()
    page.wait_for_url("**/records/photo-b/index.html")
    assert page.locator("h1").inner_text() == "photo-b"
    used = page.locator(".sc-used-in li")
    assert used.inner_text() == "Used in prod at 0:03–0:05"
    used.get_by_role("link").click()
    page.wait_for_url("**/" + PROD)
    assert page.problems() == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_diagram_scrolls_in_its_own_box(new_page, served_edit, scheme):
    phone = new_page(phone=True, color_scheme=scheme)
    phone.open(served_edit + PROD)
    assert phone.overflow() is None  # the page itself never scrolls sideways
    box = phone.locator(".sc-edit__scroll")
    box.scroll_into_view_if_needed()
    assert box.is_visible()
    width, inner = box.evaluate("b => [b.clientWidth, b.scrollWidth]")
    assert width <= 390 and inner > width  # the drawing keeps its width and scrolls
    # Readable: the titles on the blocks are no smaller than 11 CSS pixels.
    assert (
        box.locator(".sc-edit__text").first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        >= 11
    )
    # Scrolled to its end, the last block shows and can be followed.
    box.evaluate("b => b.scrollLeft = b.scrollWidth")
    last = phone.get_by_role("link", name="photo-b, Video 1, 0:03–0:05")
    assert last.is_visible()
    scheme_seen = phone.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert scheme_seen == ("slate" if scheme == "dark" else "default")
    assert phone.problems() == []
