"""List pages (productions, credits, browse, tags) and the home page, built for real
from a copy of the minimal archive and read back as parsed HTML."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from tests.conftest import FIXTURES, run_showcase
from tests.site.helpers import page

CONTENT = "//div[contains(@class,'sc-list')]"


def hrefs(doc: lxml.html.HtmlElement) -> list[str]:
    return doc.xpath(CONTENT + "//a/@href")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The minimal archive plus a newer production (with an outside source and a person
    without a profile), a withdrawn production and a contribute page."""
    root = Path(
        shutil.copytree(FIXTURES / "archives" / "minimal", tmp_path_factory.mktemp("lists") / "a")
    )
    folder = root / "records" / "night-reading"
    folder.mkdir()
    (folder / "reading.md").write_text("# Night reading\n\nThe poem, read over the bells.\n")
    (folder / "record.yaml").write_text(
        textwrap.dedent("""\
        title: "Night <reading> & bells"
        type: text
        file: reading.md
        kind: production
        contributors:
          - {handle: cy, role: voice, name: Cy Moreau}
          - {handle: ana, role: director}
        license: CC-BY-4.0
        created: 2025-02-01
        sources:
          - harbour-bells
          - {title: Foghorn, author: Dee Jones, url: "https://example.org/foghorn", license: CC-BY-4.0}
        tags: [night, harbour]
        """)  # noqa: E501 - a record.yaml as written, one outside source per line
    )
    gone = root / "records" / "old-mix"
    gone.mkdir()
    (gone / "record.yaml").write_text(
        textwrap.dedent("""\
        title: Old mix
        type: audio
        file: mix.mp3
        kind: production
        contributors:
          - {handle: ben, role: composer, name: Ben Okafor}
        license: CC-BY-4.0
        created: 2023-11-01
        withdrawn: {date: 2024-01-05, reason: Replaced by a better mix.}
        """)
    )
    (root / "content" / "contribute.md").write_text("# Contribute\n\nHow to add a record.\n")
    result = run_showcase("build", cwd=root, timeout=600)
    assert result.code == 0, result.out + result.err
    return root


@pytest.fixture(scope="module")
def site(archive) -> Path:
    return archive / "site"


def test_productions_newest_first_by_year(site):
    doc = page(site, "productions")
    assert len(doc.xpath("//h1")) == 1
    years = doc.xpath(CONTENT + "//section[starts-with(@aria-labelledby, 'sc-year-')]/h2")
    assert [h.text_content() for h in years] == ["2025", "2024", "2023"]
    titles = doc.xpath(CONTENT + "//li[contains(@class,'sc-card')]//h3/a")
    assert [a.get("href") for a in titles] == [
        "../records/night-reading/index.html",
        "../records/harbour-bells/index.html",
        "../records/old-mix/index.html",
    ]
    assert titles[0].text_content() == "Night <reading> & bells"  # escaped, shown as text
    assert "../records/night-reading/credits/index.html" in hrefs(doc)


def test_production_cards_have_thumbnails_credits_and_withdrawn_marks(site):
    doc = page(site, "productions")
    cards = doc.xpath(CONTENT + "//li[contains(@class,'sc-card')]")
    bells = cards[1]
    [img] = bells.xpath(".//img")
    assert img.get("loading") == "lazy" and img.get("width") and img.get("height")
    assert img.get("srcset") and img.get("alt") == ""
    for src in [img.get("src")] + [part.split()[0] for part in img.get("srcset").split(",")]:
        assert (site / "productions" / src).resolve().is_file()
    assert "Ben Okafor" in bells.xpath(".//p[@class='sc-card__credits']")[0].text_content()
    old = cards[2]
    assert "sc-card--withdrawn" in old.get("class")
    assert "Withdrawn" in old.text_content() and old.xpath(".//img") == []


def test_credits_page_equals_the_json(archive, site):
    result = run_showcase("credits", "night-reading", "--format", "json", cwd=archive)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert json.loads((site / "records" / "night-reading" / "credits.json").read_text()) == data
    doc = page(site, "records/night-reading/credits")
    assert len(doc.xpath("//h1")) == 1
    roll = doc.xpath(CONTENT + "//span[@class='sc-roll__name']")
    shown = {s.text_content() for s in roll}
    assert {p["name"] for p in data["people"]} <= shown
    assert len(data["people"]) == 3  # cy, ana, ben: the union of the lineage
    base = site / "records" / "night-reading" / "credits"
    links = {(base / href).resolve() for href in hrefs(doc) if not href.startswith("https://")}
    for person in data["people"]:
        for rec in person["records"]:
            assert (site / "records" / rec["id"] / "index.html").resolve() in links
    assert "../credits.json" in hrefs(doc)
    outside = [s for s in roll if "Foghorn" in s.text_content()]
    assert outside and outside[0].xpath(".//a/@href") == ["https://example.org/foghorn"]
    roles = [h.text_content() for h in doc.xpath(CONTENT + "//h2")]
    assert roles.index("Director") < roles.index("Composer") < roles.index("Photographer")
    assert roles[-1] == "Also using"


def test_every_production_has_a_credits_page(site):
    for rid in ("harbour-bells", "night-reading", "old-mix"):
        assert (site / "records" / rid / "credits" / "index.html").is_file()
    assert not (site / "records" / "night-poem" / "credits").exists()


def test_browse_by_type_and_tag(site):
    doc = page(site, "browse")
    links = hrefs(doc)
    assert {"text/index.html", "image/index.html", "audio/index.html"} <= set(
        links
    ) and "video/index.html" not in links
    assert not (site / "browse" / "video").exists()
    text = page(site, "browse/text")
    assert [a.get("href") for a in text.xpath(CONTENT + "//h2/a")] == [
        "../../records/night-reading/index.html",
        "../../records/night-poem/index.html",
    ]
    audio = page(site, "browse/audio")
    assert [a.get("href") for a in audio.xpath(CONTENT + "//h2/a")] == [
        "../../records/harbour-bells/index.html",
        "../../records/old-mix/index.html",
    ]
    harbour = page(site, "tags/harbour")
    assert [a.get("href") for a in harbour.xpath(CONTENT + "//h2/a")] == [
        "../../records/night-reading/index.html",
        "../../records/harbour-bells/index.html",
        "../../records/harbour-at-dawn/index.html",
    ]


def test_tags_index_counts(site):
    doc = page(site, "tags")
    counts = {
        li.xpath("./a")[0].text_content(): li.xpath("./span")[0].text_content()
        for li in doc.xpath(CONTENT + "//ul[contains(@class,'sc-tags')]/li")
    }
    assert counts == {
        "dawn": "1 record",
        "harbour": "3 records",
        "night": "1 record",
        "soundscape": "1 record",
    }


def test_home_has_the_grid_collaborations_and_one_call_to_action(site):
    doc = page(site, "")
    assert len(doc.xpath("//h1")) == 1
    assert "A tiny archive" in doc.xpath("//article")[0].text_content()  # the owner's Markdown
    # the latest production, shown (a text production: its card) with its credits line
    feature = doc.xpath(CONTENT + "//section[@aria-labelledby='sc-feature']")[0]
    assert feature.xpath(".//h2/a/@href") == ["records/night-reading/index.html"]
    assert feature.xpath(".//figure//img/@src")
    assert "With Ana Lima, Cy Moreau, Ben Okafor" in feature.text_content()
    assert "records/night-reading/credits/index.html" in feature.xpath(".//a/@href")
    # then the latest records as tiles, newest first, the withdrawn left out
    grid = doc.xpath(CONTENT + "//ul[contains(@class,'sc-grid')]/li//h3/a/@href")
    assert grid == [
        "records/night-reading/index.html",
        "records/harbour-bells/index.html",
        "records/night-poem/index.html",
        "records/harbour-at-dawn/index.html",
    ]
    by = doc.xpath(CONTENT + "//ul[contains(@class,'sc-grid')]/li//p[@class='sc-card__by']")
    assert (
        by[1].text_content() == "Ana Lima, Ben Okafor"
    )  # a name given on another record, not the handle
    assert {"records/index.html", "remix/index.html"} <= set(hrefs(doc))
    collabs = doc.xpath(CONTENT + "//ul[@class='sc-collabs']/li")
    assert collabs[0].xpath("./a/@href") == ["collaborations/night-sounds/index.html"]
    assert "Record, write or photograph the harbour after dark." in collabs[0].text_content()
    cta = [
        a
        for a in doc.xpath("//article//a")
        if a.text_content().strip().lower() == "add your record"
    ]
    assert len(cta) == 1 and cta[0].get("href") == "contribute.html"


def test_list_pages_are_in_the_nav(site):
    doc = page(site, "")
    nav = {
        a.text_content().strip() for a in doc.xpath("//nav[contains(@class,'md-nav--primary')]//a")
    }
    assert {"Productions", "Browse"} <= nav


def test_every_relative_link_resolves(site):
    urls = [
        "",
        "productions",
        "browse",
        "browse/text",
        "browse/image",
        "browse/audio",
        "tags",
        "tags/harbour",
        "tags/night",
        "records/night-reading/credits",
        "records/harbour-bells/credits",
        "records",
        "records/type/audio",
    ]
    for url in urls:
        base = site / url
        doc = page(site, url)
        links = doc.xpath("//article//a/@href") + doc.xpath("//article//img/@src")
        assert links, url
        for href in links:
            if href.startswith(("http://", "https://", "#", "mailto:")):
                continue
            target = (base / href.split("#")[0]).resolve()
            assert target.is_file() or (target / "index.html").is_file(), (url, href)


def test_feeds_are_advertised_in_every_head_and_offered_on_home_and_productions(site):
    for url in ("", "productions", "browse", "records/night-poem", "people/ana"):
        doc = page(site, url)
        folder = site / url
        alternate = doc.xpath("//head/link[@rel='alternate'][@type='application/rss+xml']")
        assert [(folder / link.get("href")).resolve() for link in alternate] == [
            site / "feed.xml",
            site / "podcast.xml",
            site / "records" / "feed.xml",
        ], url
        assert all(link.get("title") for link in alternate)
    for url, up in (("", ""), ("productions", "../")):
        links = page(site, url).xpath("//section[@class='sc-subscribe']//a")
        assert [a.get("href") for a in links] == [
            up + "feed.xml",
            up + "podcast.xml",
            up + "records/feed.xml",
        ]
        assert all(
            a.get("type") == "application/rss+xml" and a.text_content().strip() for a in links
        )


def test_a_collaboration_page_links_its_own_feed_and_each_feed_folder_has_a_sitemap(site):
    doc = page(site, "collaborations/night-sounds")
    head = doc.xpath("//head/link[@rel='alternate']/@href")
    assert "feed.xml" in head and "feed.xml" in doc.xpath("//p[@class='sc-collab__feed']/a/@href")
    assert (site / "collaborations" / "night-sounds" / "feed.xml").is_file()
    # Material fetches the sitemap.xml beside every rel=alternate link: it must exist there
    # and list only pages of its own folder (a valid per-folder sitemap).
    for folder in ("records", "collaborations/night-sounds"):
        xml = lxml.etree.parse(str(site / folder / "sitemap.xml"))
        locs = xml.xpath(
            "//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        )
        assert locs and all(loc.startswith(f"http://127.0.0.1:8000/{folder}/") for loc in locs)
        for loc in locs:
            assert (site / loc.removeprefix("http://127.0.0.1:8000/")).is_file()


def test_the_home_page_is_known_by_the_sites_address_and_search_is_a_named_dialog(site):
    home = page(site, "")
    assert home.xpath("//link[@rel='canonical']/@href") == ["http://127.0.0.1:8000/"]
    assert page(site, "productions").xpath("//link[@rel='canonical']/@href") == [
        "http://127.0.0.1:8000/productions/index.html"
    ]
    assert home.xpath("//div[@role='dialog'][contains(@class,'md-search')]/@aria-label") == [
        "Search"
    ]
