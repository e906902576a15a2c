"""Material's chrome drawn once per place gives the very pages Material draws for each page."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.archive_factory import MKDOCS_YML, lineage_archive, text_record
from tests.site.helpers import page

NAV_YML = (
    MKDOCS_YML.replace("  - showcase\n", "  - showcase:\n      reuse_chrome: {reuse}\n")
    + """\
use_directory_urls: false
not_in_nav: |
  /misc/
  /assets/
extra_css:
  - misc/extra.css
theme:
  name: material
  font: false
  features: [navigation.indexes, navigation.footer]
markdown_extensions:
  - toc:
      permalink: true
"""
)


HOSTILE = '<img src=x onerror=alert(1)> Tom & "Jerry"'


def _archive(root: Path, reuse: bool) -> Path:
    lineage_archive(root)
    text_record(root, "hostile", title=HOSTILE)
    yml = NAV_YML.format(reuse=str(reuse).lower())
    # One theme: block (the factory's, replaced by the one above).
    yml = yml.replace("theme:\n  name: material\n  font: false\nplugins:", "plugins:", 1)
    (root / "mkdocs.yml").write_text(yml)
    content = root / "content"
    (content / "about").mkdir()
    (content / "about" / "index.md").write_text("# About\n\nA section with an index page.\n")
    (content / "about" / "team.md").write_text(
        "# Team\n\n## Who\n\nPeople.\n\n## How\n\nTogether.\n"
    )
    (content / "guide.md").write_text("# Guide\n\n## First\n\nOne.\n\n## Second\n\nTwo.\n")
    # Two pages at the same depth outside the navigation, one beside the theme's assets
    # (its links to them are shorter): they must not share their chrome.
    for folder in ("misc/notes", "assets/notes"):
        (content / folder).mkdir(parents=True)
        (content / folder / "note.md").write_text("A note without headings.\n")
    # A stylesheet the chrome links, beside the misc/ page; a file it does not link
    # beside the people pages.
    (content / "misc" / "extra.css").write_text(".x { color: red }\n")
    (content / "people").mkdir(exist_ok=True)
    (content / "people" / "banner.txt").write_text("linked from no chrome\n")
    return root


def _build(root: Path) -> int:
    """Build as `mkdocs build` does; how many blocks came from the memo."""
    config = load_config(str(root / "mkdocs.yml"))
    build(config)
    return config.plugins["showcase"].chrome.hits  # (mkdocs reuses plugin objects: read it now)


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path, int]:
    base = tmp_path_factory.mktemp("chrome")
    hits = _build(_archive(base / "reused", True))
    assert _build(_archive(base / "drawn", False)) == 0
    return base / "reused" / "site", base / "drawn" / "site", hits


def _pages(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def test_reused_chrome_gives_byte_identical_pages(sites):
    reused, drawn, hits = sites
    ours, theirs = _pages(reused), _pages(drawn)
    assert ours.keys() == theirs.keys() and len(ours) > 50
    assert [name for name in ours if ours[name] != theirs[name]] == []
    # ...and the memo was really used: most pages are records, people and tags.
    assert hits > len(ours)


def test_each_record_page_links_the_navigation_relative_to_itself(sites):
    reused, _, _ = sites
    doc = page(reused, "records/fan-03/index.html")
    nav = doc.xpath(
        "//nav[contains(@class, 'md-nav--primary')]//a[contains(@class, 'md-nav__link')]/@href"
    )
    assert "../../about/index.html" in nav and "../../guide.html" in nav
    people = page(reused, "people/index.html").xpath(
        "//nav[contains(@class, 'md-nav--primary')]//a[contains(@class, 'md-nav__link')]/@href"
    )
    assert "../about/index.html" in people


def test_pages_in_the_navigation_keep_their_own_state(sites):
    reused, _, _ = sites
    team = page(reused, "about/team.html")
    assert team.xpath(
        "//nav[contains(@class, 'md-nav--primary')]//a[contains(@class, 'md-nav__link--active')]"
    )
    assert team.xpath("//nav[contains(@class, 'md-nav--secondary')]//a[@href='#who']")
    assert team.xpath("//footer//a[contains(@class, 'md-footer__link')]")  # previous / next


def test_every_page_keeps_its_own_title_in_the_header(sites):
    reused, _, _ = sites
    for rid, title in [
        ("chain-03", "Chain step 3 of a long lineage with a rather long title"),
        ("hostile", HOSTILE),
    ]:
        doc = page(reused, f"records/{rid}/index.html")
        topic = doc.xpath("//header//div[@data-md-component='header-topic']//span")[0]
        assert topic.text_content().strip() == title
        assert not doc.xpath("//header//img")  # the hostile title stayed text


def test_a_page_beside_the_theme_assets_links_them_from_where_it_is(sites):
    reused, _, _ = sites
    css = "//link[@rel='stylesheet' and contains(@href, 'main.')]/@href"
    assert (
        page(reused, "misc/notes/note.html").xpath(css)[0].startswith("../../assets/stylesheets/")
    )
    assert page(reused, "assets/notes/note.html").xpath(css)[0].startswith("../stylesheets/")


def test_a_page_beside_a_stylesheet_of_mkdocs_yml_links_it_from_where_it_is(sites):
    reused, _, _ = sites
    css = "//link[@rel='stylesheet' and contains(@href, 'extra.css')]/@href"
    assert page(reused, "misc/notes/note.html").xpath(css) == ["../extra.css"]
    assert page(reused, "records/fan-03/index.html").xpath(css) == ["../../misc/extra.css"]


def test_pages_beside_files_the_chrome_never_links_share_their_chrome(tmp_path):
    """An avatar in people/ does not stop the people pages sharing their chrome (it did: 100
    people pages at 1,000 records were each drawn in full)."""
    root = _archive(tmp_path, True)
    config = load_config(str(root / "mkdocs.yml"))
    build(config)
    memo = config.plugins["showcase"].chrome
    assert "people" not in memo._static_tops and {"assets", "misc"} <= memo._static_tops
