"""Record pages built for real (mkdocs, Pillow, ffmpeg) and read back as parsed HTML."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import FIXTURES, run_showcase
from tests.site.helpers import page


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The minimal archive plus a record full of hostile text and a withdrawn source."""
    root = Path(
        shutil.copytree(FIXTURES / "archives" / "minimal", tmp_path_factory.mktemp("site") / "a")
    )
    folder = root / "records" / "hostile-words"
    folder.mkdir()
    (folder / "words.md").write_text(
        "# Words\n\n<script>alert('text')</script> [x](javascript:alert(1))\n"
    )
    (folder / "record.yaml").write_text(
        textwrap.dedent("""\
        title: "<script>alert('title')</script> & {{ config.site_name }}"
        type: text
        file: words.md
        contributors:
          - {handle: mal, role: writer, name: "<img src=x onerror=alert(1)>"}
        license: CC-BY-4.0
        created: 2024-06-01
        description: |
          Hello <iframe src="https://evil.example"></iframe> **bold**
          <a href="javascript:alert(2)" onclick="alert(3)">click</a>
        sources: [night-poem, gone-draft]
        """)
    )
    gone = root / "records" / "gone-draft"
    gone.mkdir()
    (gone / "record.yaml").write_text(
        textwrap.dedent("""\
        title: Gone draft
        type: text
        file: draft.md
        contributors:
          - {handle: ana, role: writer, name: Ana Lima}
        license: CC0-1.0
        created: 2024-05-03
        withdrawn: {date: 2024-07-01, reason: The author took it back.}
        """)
    )
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("http://127.0.0.1:8000/", "https://showcase.example/archive/")
    )
    result = run_showcase("build", cwd=root, timeout=600)
    assert result.code == 0, result.out + result.err
    return root / "site"


def test_every_record_has_a_page_with_its_title(hostile_site):
    for rid in ("harbour-at-dawn", "harbour-bells", "night-poem", "hostile-words", "gone-draft"):
        doc = page(hostile_site, f"records/{rid}")
        assert len(doc.xpath("//h1")) == 1


def test_hostile_text_is_neutralized(hostile_site):
    html = (hostile_site / "records" / "hostile-words" / "index.html").read_text()
    doc = lxml.html.fromstring(html)
    content = doc.xpath("//div[contains(@class,'sc-record')]")[0]
    assert content.xpath(".//script | .//iframe | .//img[@onerror] | .//*[@onclick]") == []
    assert not [
        a for a in content.xpath(".//a/@href") if a.strip().lower().startswith("javascript")
    ]
    h1 = content.xpath(".//h1")[0].text_content()
    assert (
        h1 == "<script>alert('title')</script> & {{ config.site_name }}"
    )  # shown as text, not run
    assert (
        "<img src=x onerror=alert(1)>"
        in content.xpath(".//p[@class='sc-byline']")[0].text_content()
    )
    assert content.xpath(".//div[@class='sc-description']//strong")[0].text == "bold"


def test_media_viewers(hostile_site):
    photo = page(hostile_site, "records/harbour-at-dawn")
    [img] = photo.xpath("//figure[contains(@class,'sc-media')]//img")
    assert img.get("alt") == "Fishing boats moored in a grey harbour at first light."
    assert "w," in img.get("srcset") or img.get("srcset").endswith("w")
    for src in [img.get("src")] + [part.split()[0] for part in img.get("srcset").split(",")]:
        assert (hostile_site / "records" / "harbour-at-dawn" / src).is_file()
    bells = page(hostile_site, "records/harbour-bells")
    [audio] = bells.xpath("//audio")
    assert (hostile_site / "records" / "harbour-bells" / audio.get("src")).is_file()
    assert bells.xpath("//img[@class='sc-waveform']")


def test_remix_trees_link_both_ways_and_tombstones_keep_their_place(hostile_site):
    words = page(hostile_site, "records/hostile-words")
    came_from = words.xpath("//section[contains(@class,'sc-lineage')]/ul[1]//a/@href")
    assert "../night-poem/index.html" in came_from and "../gone-draft/index.html" in came_from
    poem = page(hostile_site, "records/night-poem")
    went = poem.xpath("//section[contains(@class,'sc-lineage')]//a/@href")
    assert "../hostile-words/index.html" in went and "../harbour-bells/index.html" in went
    gone = page(hostile_site, "records/gone-draft")
    assert (
        "The author took it back." in gone.xpath("//div[@class='sc-tombstone']")[0].text_content()
    )
    assert gone.xpath("//audio | //video | //figure") == []
    assert "../hostile-words/index.html" in gone.xpath(
        "//section[contains(@class,'sc-lineage')]//a/@href"
    )
    assert not (hostile_site / "records" / "gone-draft" / "media").exists()


def test_pages_link_only_to_what_exists(hostile_site):
    for rid in ("harbour-at-dawn", "harbour-bells", "night-poem", "hostile-words", "gone-draft"):
        base = hostile_site / "records" / rid
        for href in page(hostile_site, f"records/{rid}").xpath(
            "//div[contains(@class,'sc-record')]//a/@href"
        ):
            if href.startswith(("http://", "https://", "#")):
                continue
            target = (base / href).resolve()
            assert target.is_file(), (rid, href)  # a file: the site works from a folder


def test_record_markdown_is_published_as_a_file_never_as_a_page(hostile_site):
    original = hostile_site / "records" / "hostile-words" / "media" / "words.md"
    assert original.read_text().startswith("# Words")  # the download, byte for byte
    assert not (hostile_site / "records" / "hostile-words" / "media" / "words").exists()


def test_link_previews_and_json_ld(hostile_site):
    import json

    doc = page(hostile_site, "records/harbour-bells")
    meta = {m.get("property"): m.get("content") for m in doc.xpath("//meta[@property]")}
    assert meta["og:title"] == "Harbour bells"
    assert (
        meta["og:image"]
        == "https://showcase.example/archive/records/harbour-bells/media/preview.jpg"
    )
    assert meta["og:url"] == "https://showcase.example/archive/records/harbour-bells/index.html"
    assert doc.xpath("//link[@rel='canonical']/@href") == [meta["og:url"]]  # one address per page
    [ld] = doc.xpath("//script[@type='application/ld+json']")
    data = json.loads(ld.text)
    assert (
        data["@type"] == "AudioObject"
        and data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    )
    assert {b["name"] for b in data["isBasedOn"]} == {"Harbour at dawn", "Night poem"}
    assert data["duration"].startswith("PT") and data["thumbnailUrl"].endswith("preview.jpg")
    hostile = (hostile_site / "records" / "hostile-words" / "index.html").read_text()
    script = hostile.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in script and json.loads(script)["name"].startswith("<script>")


def test_titles_are_text_in_the_theme_too(hostile_site):
    doc = page(hostile_site, "records/hostile-words")
    title = doc.xpath("//title")[0]
    assert len(title) == 0 and title.text.startswith(
        "<script>alert('title')</script> & {{ config.site_name }}"
    )
    assert (
        doc.xpath(
            "//head//script[not(@type) or @type='text/javascript'][contains(., \"alert('title')\")]"
        )
        == []
    )
    for topic in doc.xpath("//*[contains(@class,'md-header__topic')]"):
        assert topic.xpath(".//script | .//img") == []
    assert (
        doc.xpath("//script[contains(., \"alert('title')\") and not(@type='application/ld+json')]")
        == []
    )


def test_search_finds_records_by_title_contributor_tag_and_description(tmp_path):
    import json

    root = Path(shutil.copytree(FIXTURES / "archives" / "minimal", tmp_path / "a"))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - showcase", "  - search\n  - showcase"))
    assert run_showcase("build", cwd=root, timeout=600).code == 0
    index = json.loads((root / "site" / "search" / "search_index.json").read_text())
    entries = {d["location"]: d for d in index["docs"]}
    bells = entries["records/harbour-bells/index.html"]
    assert bells["title"] == "Harbour bells"
    for words in ("Ben Okafor", "soundscape", "A bell over the water"):
        assert words in bells["text"]
    assert "Ana Lima" in entries["records/harbour-at-dawn/index.html"]["text"]


def test_two_cold_builds_give_identical_sites(tmp_path):
    """Deterministic output: pages, feeds-to-be and every media derivative, byte for byte,
    even when the media is made again from nothing."""
    root = Path(shutil.copytree(FIXTURES / "archives" / "minimal", tmp_path / "a"))
    assert (
        run_showcase("build", "--site-dir", str(tmp_path / "one"), cwd=root, timeout=600).code == 0
    )
    shutil.rmtree(root / ".cache")
    assert (
        run_showcase("build", "--site-dir", str(tmp_path / "two"), cwd=root, timeout=600).code == 0
    )
    one = {
        p.relative_to(tmp_path / "one"): p.read_bytes()
        for p in (tmp_path / "one").rglob("*")
        if p.is_file()
    }
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes()
        for p in (tmp_path / "two").rglob("*")
        if p.is_file()
    }
    assert sorted(one) == sorted(two)
    assert [str(p) for p in one if one[p] != two[p]] == []
