"""The site of a studio made with `showcase init`, in Chromium: the empty archive invites the
first record, and a visitor finds the way to contribute, served and from a folder."""

from __future__ import annotations

import pytest

from tests.browser.conftest import serve
from tests.conftest import run_showcase

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def init_site(tmp_path_factory):
    """`showcase init` then `showcase build`, as a new studio runs them: the site folder."""
    base = tmp_path_factory.mktemp("init")
    made = run_showcase("init", "studio", "--name", "Harbour Studio", cwd=base)
    assert made.code == 0, made.err
    built = run_showcase("build", cwd=base / "studio", timeout=300)
    assert built.code == 0, built.out + built.err
    return base / "studio" / "site"


@pytest.fixture(scope="module")
def served_init(init_site):
    with serve(init_site) as url:
        yield url


@pytest.mark.parametrize("path", ["", "records/index.html", "contribute.html"])
def test_pages_load_cleanly_at_desktop_and_phone_width(new_page, served_init, path):
    for phone in (False, True):
        page = new_page(phone=phone)
        response = page.open(served_init + path)
        assert response is not None and response.status == 200
        assert page.overflow() is None, (path, phone)
        assert page.problems() == [], (path, phone)


def test_the_empty_home_invites_the_first_record(page, served_init):
    page.open(served_init)
    assert page.locator("h1").first.inner_text().startswith("Harbour Studio")
    invite = page.get_by_role("link", name="Be the first")
    assert invite.count() >= 1
    invite.first.click()
    page.wait_for_url("**/contribute.html")
    page.settle()
    assert page.locator("h1").first.inner_text().startswith("Contribute a record")
    assert page.problems() == []


def test_the_examples_are_there_and_say_they_are_examples(page, served_init):
    page.open(served_init + "collaborations/example-call/index.html")
    assert "An example collaboration" in page.locator("article").inner_text()
    page.open(served_init + "people/example-person/index.html")
    assert "An example profile" in page.locator("article").inner_text()
    assert page.problems() == []


def test_from_a_folder_the_way_to_contribute_works_too(page, init_site):
    page.open(init_site.resolve().as_uri() + "/index.html")
    page.get_by_role("link", name="Be the first").first.click()
    page.wait_for_url("**/contribute.html")
    page.settle()
    assert page.locator("h1").first.inner_text().startswith("Contribute a record")
    assert page.problems() == []
