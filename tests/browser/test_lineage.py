"""A dense archive's last record in a phone's browser: its bounded record page and its full
lineage page fit the screen, and their links lead where they say."""

from __future__ import annotations

import pytest

from tests.browser.conftest import serve
from tests.conftest import run_showcase
from tests.site.test_lineage_layout import DENSE_N, dense_archive

pytestmark = pytest.mark.slow
LAST = f"r{DENSE_N - 1:03d}"


@pytest.fixture(scope="module")
def served_dense(tmp_path_factory):
    root = dense_archive(tmp_path_factory.mktemp("dense") / "archive")
    result = run_showcase("build", cwd=root, timeout=600)
    assert result.code == 0, result.out + result.err
    with serve(root / "site") as url:
        yield url


def test_the_record_page_of_a_dense_lineage_fits_a_phone(phone_page, served_dense):
    phone_page.open(served_dense + f"records/{LAST}/index.html")
    assert phone_page.overflow() is None
    assert phone_page.locator(".sc-lineage li").count() <= 60 + 60
    rest = phone_page.locator(".sc-lineage__rest a").first
    assert rest.is_visible()
    rest.click()
    phone_page.wait_for_url(f"**/records/{LAST}/lineage.html")
    assert phone_page.problems() == []


def test_the_lineage_page_fits_a_phone_and_every_link_opens_a_record(phone_page, served_dense):
    phone_page.open(served_dense + f"records/{LAST}/lineage.html")
    assert phone_page.overflow() is None
    links = phone_page.locator(".sc-lineage-page__list a")
    assert links.count() == DENSE_N - 1  # every ancestor, once
    hrefs = phone_page.evaluate(
        "[...document.querySelectorAll('.sc-lineage-page__list a')].map(a => a.href)"
    )
    assert len(set(hrefs)) == len(hrefs)
    for href in hrefs[:: DENSE_N // 7]:  # a sample: each opens a record page that exists
        assert phone_page.open(href).status == 200
        assert phone_page.locator("h1").count() == 1
    phone_page.open(served_dense + f"records/{LAST}/lineage.html")
    links.first.click()
    phone_page.wait_for_url(hrefs[0])
    assert phone_page.problems() == []
