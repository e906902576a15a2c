"""People and collaboration pages built for real and read back as parsed HTML."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from tests.conftest import FIXTURES, run_showcase
from tests.site.helpers import page

PAGES = (
    "people/ana",
    "people/ben",
    "people",
    "collaborations/night-sounds",
    "collaborations/old-call",
    "collaborations",
)


def content(site: Path, url: str) -> lxml.html.HtmlElement:
    [div] = page(site, url).xpath("//div[contains(concat(' ', @class, ' '), ' sc-page ')]")
    return div


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The minimal archive with a hostile profile for ana (with an avatar), a withdrawn
    record by ben, a closed collaboration and a contribute page. ben has no profile."""
    root = Path(
        shutil.copytree(FIXTURES / "archives" / "minimal", tmp_path_factory.mktemp("people") / "a")
    )
    Image.new("RGB", (32, 32), (200, 80, 40)).save(root / "content" / "people" / "ana.png")
    (root / "content" / "people" / "ana.md").write_text(
        textwrap.dedent("""\
        ---
        name: "<script>x</script>"
        avatar: ana.png
        links:
          - https://example.org/ana
        ---
        Ana photographs harbours. <script>alert(1)</script>

        <img src=x onerror=alert(1)> and [a trap](javascript:alert(2)) **bold**
        """)
    )
    (root / "content" / "collaborations" / "old-call.md").write_text(
        "---\ntitle: Old call\nstatus: closed\ndeadline: 2023-12-31\n---\nOver.\n"
    )
    (root / "content" / "contribute.md").write_text("# Contribute\n\nSend a pull request.\n")
    gone = root / "records" / "gone-draft"
    gone.mkdir()
    (gone / "record.yaml").write_text(
        textwrap.dedent("""\
        title: Gone draft
        type: text
        file: draft.md
        contributors:
          - {handle: ben, role: writer}
        license: CC0-1.0
        created: 2024-05-20
        collaboration: night-sounds
        withdrawn: {date: 2024-07-01, reason: Taken back.}
        """)
    )
    result = run_showcase("build", cwd=root, timeout=600)
    assert result.code == 0, result.out + result.err
    return root / "site"


def _items(div: lxml.html.HtmlElement, heading_id: str) -> list[lxml.html.HtmlElement]:
    return div.xpath(f".//section[@aria-labelledby='{heading_id}']/ul/li")


def test_profile_and_generated_pages_list_records_and_crediting_productions(site):
    ana = content(site, "people/ana")
    records = [li.xpath(".//a")[0].get("href") for li in _items(ana, "sc-their-records")]
    assert records == [
        "../../records/harbour-bells/index.html",
        "../../records/night-poem/index.html",
        "../../records/harbour-at-dawn/index.html",
    ]  # newest first
    [bells] = _items(ana, "sc-credited-in")
    assert bells.xpath(".//a")[0].get("href") == "../../records/harbour-bells/index.html"
    assert "photographer" in bells.text_content() and "writer" in bells.text_content()
    assert [a.get("href") for a in ana.xpath(".//ul[@class='sc-links']//a")] == [
        "https://example.org/ana"
    ]
    assert ana.xpath(".//ul[@class='sc-links']//a")[0].get("rel") == "me nofollow noopener"
    [avatar] = ana.xpath(".//img[@class='sc-avatar']")
    assert (site / "people" / "ana" / avatar.get("src")).resolve().is_file()

    ben = content(site, "people/ben")  # no profile: a generated page
    assert not (site.parent / "content" / "people" / "ben.md").exists()
    assert ben.xpath(".//h1")[0].text_content() == "Ben Okafor"  # the name given in his records
    titles = [
        li.xpath(".//span[@class='sc-item__title']")[0].text
        for li in _items(ben, "sc-their-records")
    ]
    assert titles == ["Gone draft", "Harbour bells"]
    gone = _items(ben, "sc-their-records")[0]
    assert "withdrawn" in gone.text_content() and not gone.xpath(".//img")
    [credit] = _items(ben, "sc-credited-in")
    assert (
        credit.xpath(".//a")[0].get("href") == "../../records/harbour-bells/index.html"
        and "composer" in credit.text_content()
    )
    for url in PAGES:
        doc = page(site, url)
        assert len(doc.xpath("//h1")) == 1, url
        for img in content(site, url).xpath(".//img"):
            assert img.get("alt") is not None and img.get("width") and img.get("height"), url


def test_people_index_lists_everyone_alphabetically(site):
    index = content(site, "people")
    links = index.xpath(".//li/a")
    # by display name, casefolded: ana's hostile name "<script>x</script>" sorts before "Ben Okafor"
    assert [(a.text, a.get("href")) for a in links] == [
        ("<script>x</script>", "ana/index.html"),
        ("Ben Okafor", "ben/index.html"),
    ]
    assert "3 records" in index.xpath(".//li")[0].text_content()
    assert "2 records" in index.xpath(".//li")[1].text_content()


def test_hostile_profile_is_neutralized(site):
    ana = content(site, "people/ana")
    assert ana.xpath(".//script | .//iframe | .//*[@onerror] | .//*[@onclick]") == []
    assert not [a for a in ana.xpath(".//a/@href") if a.strip().lower().startswith("javascript")]
    assert not [el for el in ana.iter() if any(name.lower().startswith("on") for name in el.attrib)]
    assert ana.xpath(".//h1")[0].text_content() == "<script>x</script>"  # shown as text, not run
    bio = ana.xpath(".//div[@class='sc-bio']")[0]
    assert "Ana photographs harbours." in bio.text_content() and "a trap" in bio.text_content()
    assert bio.xpath(".//strong")[0].text == "bold"
    assert [img.get("class") for img in ana.xpath(".//img")].count("sc-avatar") == 1
    assert not ana.xpath(".//img[@src='x']")
    # the record pages keep the names given in the records, whatever a profile says
    assert (
        "Ana Lima"
        in page(site, "records/harbour-at-dawn").xpath("//p[@class='sc-byline']")[0].text_content()
    )


def test_collaboration_page_lists_its_answers_and_invites_while_open(site):
    night = content(site, "collaborations/night-sounds")
    assert night.xpath(".//h1")[0].text == "Night sounds"
    assert "Open" in night.xpath(".//p[@class='sc-collab__status']")[0].text_content()
    assert night.xpath(".//time/@datetime") == [
        "2024-06-30",
        "2024-05-20",
        "2024-05-10",
        "2024-05-02",
    ]
    assert (
        night.xpath(".//div[@class='sc-collab-prompt']")[0]
        .text_content()
        .startswith("Record, write")
    )
    answers = [li.xpath(".//a")[0].get("href") for li in _items(night, "sc-answers")]
    assert answers == [
        "../../records/gone-draft/index.html",
        "../../records/harbour-bells/index.html",
        "../../records/night-poem/index.html",
    ]
    [cta] = night.xpath(".//p[@class='sc-cta']/a")
    assert cta.text == "Add your record" and cta.get("href") == "../../contribute.html"
    old = content(site, "collaborations/old-call")
    assert "Closed" in old.text_content() and not old.xpath(".//p[@class='sc-cta']")
    index = content(site, "collaborations")
    assert [a.get("href") for a in index.xpath(".//ul/li/a")] == [
        "night-sounds/index.html",
        "old-call/index.html",
    ]  # open first
    # a record links back to its collaboration
    assert "../../collaborations/night-sounds/index.html" in page(site, "records/night-poem").xpath(
        "//a/@href"
    )


def test_pages_link_only_to_what_exists(site):
    for url in PAGES:
        base = site / url
        div = content(site, url)
        for href in div.xpath(".//a/@href") + div.xpath(".//img/@src"):
            if href.startswith(("http://", "https://", "#")):
                continue
            target = (base / href).resolve()
            assert target.is_file(), (url, href)  # a file: the site works from a folder


def test_every_contributor_has_a_page(site):
    for handle in ("ana", "ben"):
        assert (site / "people" / handle / "index.html").is_file()
    # record pages' contributor links land on a page (ben has no profile)
    for href in page(site, "records/harbour-bells").xpath("//p[@class='sc-byline']//a/@href"):
        assert (site / "records" / "harbour-bells" / href).resolve().is_file()
