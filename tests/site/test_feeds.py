"""The plain RSS feeds: parsed back with feedparser, deterministic, stable GUIDs, inert record
text."""

from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import lxml.etree
import lxml.html
import pytest

from builder.archive.load import load_archive
from builder.core.graph import RemixGraph
from builder.feeds import FeedError, rss_feeds
from builder.media.results import Derivative, MediaInfo
from builder.site.pages import SiteContext
from tests.conftest import FIXTURES

SITE = "https://showcase.example/a/"
HOSTILE = """\
title: <script>alert(1)</script> Evil <img src=x onerror=alert(2)>
type: text
file: evil.md
kind: production
contributors:
  - {handle: eve, role: writer, name: "<b onmouseover=alert(3)>Eve</b>"}
license: CC0-1.0
created: 2024-05-20
tags: [harbour, "<script>x</script>"]
description: |
  Hello <script>alert(4)</script> <a href="javascript:alert(5)">click</a>
  <img src=x onerror=alert(6)> [md link](javascript:alert(7))
  <iframe src="https://evil.example/"></iframe>
"""
WITHDRAWN = """\
title: Gone
type: image
kind: production
contributors:
  - {handle: ana, role: photographer}
license: CC-BY-4.0
created: 2024-06-01
collaboration: night-sounds
withdrawn: {date: 2024-06-02, reason: asked by the photographer}
"""


@pytest.fixture()
def root(tmp_path):
    root = Path(shutil.copytree(FIXTURES / "archives" / "minimal", tmp_path / "a"))
    for rid, text in (("evil", HOSTILE), ("gone", WITHDRAWN)):
        (root / "records" / rid).mkdir()
        (root / "records" / rid / "record.yaml").write_text(text)
    (root / "records" / "evil" / "evil.md").write_text("A poem.\n")
    return root


def context(root: Path, site_url: str | None = SITE, media: dict | None = None) -> SiteContext:
    loaded = load_archive(root)
    archive = loaded.archive
    assert {"evil", "gone", "harbour-bells"} <= set(archive.records)  # the records above did load
    return SiteContext(root, archive, RemixGraph.of(archive), media or {}, site_url, None)


def feeds(root: Path, **kwargs) -> dict[str, str]:
    return rss_feeds(context(root, **kwargs), "Showcase", "A test archive")


def parse(xml: str):
    parsed = feedparser.parse(xml.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def ids(parsed) -> list[str]:
    return [
        e.link.removeprefix(SITE + "records/").removesuffix("/index.html") for e in parsed.entries
    ]


def test_publishes_the_productions_every_record_and_each_collaboration(root):
    out = feeds(root)
    assert sorted(out) == ["collaborations/night-sounds/feed.xml", "feed.xml", "records/feed.xml"]
    productions, records, collab = (
        parse(out[p])
        for p in ("feed.xml", "records/feed.xml", "collaborations/night-sounds/feed.xml")
    )
    # Newest first; withdrawn records are left out of every feed.
    assert ids(productions) == ["evil", "harbour-bells"]
    assert ids(records) == ["evil", "harbour-bells", "night-poem", "harbour-at-dawn"]
    assert ids(collab) == ["harbour-bells", "night-poem"]
    for xml in out.values():
        assert "records/gone/" not in xml and "Gone" not in xml


def test_channel_and_items_carry_absolute_links_dates_credits_and_tags(root):
    out = feeds(root)
    channel = parse(out["feed.xml"])
    assert channel.feed.link == SITE
    assert channel.feed.language == "en"
    assert [(link.rel, link.href) for link in channel.feed.links if link.rel == "self"] == [
        ("self", SITE + "feed.xml")
    ]
    assert (
        channel.feed.updated == "Mon, 20 May 2024 00:00:00 +0000"
    )  # the newest item, not the clock
    assert "python-feedgen" not in out["feed.xml"]
    collab = parse(out["collaborations/night-sounds/feed.xml"])
    assert collab.feed.link == SITE + "collaborations/night-sounds/index.html"
    assert collab.feed.updated == "Fri, 10 May 2024 00:00:00 +0000"
    bells = parse(out["feed.xml"]).entries[1]
    assert bells.title == "Harbour bells"
    assert bells.link == SITE + "records/harbour-bells/index.html"
    assert bells.published == "Fri, 10 May 2024 00:00:00 +0000"
    assert [t.term for t in bells.tags] == ["harbour", "soundscape"]
    assert "<dc:creator>Ben Okafor</dc:creator>" in out["feed.xml"]
    assert "“Harbour bells” by Ben Okafor" in bells.description
    assert "<em>Harbour at dawn</em>" in bells.description
    assert bells.guidislink is False and bells.id.startswith("urn:uuid:")


def test_thumbnail_is_the_absolute_preview_jpeg(root):
    media = {
        "harbour-at-dawn": MediaInfo(
            (
                Derivative("image", "harbour-480.webp", "image/webp", 480, 320, 10),
                Derivative("preview", "harbour.jpg", "image/jpeg", 1200, 800, 100),
            ),
            1200,
            800,
        )
    }
    entry = parse(feeds(root, media=media)["records/feed.xml"]).entries[-1]
    (img,) = lxml.html.fragment_fromstring(entry.description, create_parent="div").iter("img")
    assert img.get("src") == SITE + "records/harbour-at-dawn/media/harbour.jpg"
    assert img.get("alt").startswith("Fishing boats")


def test_two_builds_are_byte_identical(root):
    assert feeds(root) == feeds(root)


def test_guids_depend_on_the_record_id_only(root):
    def guids(out):
        return {
            e.link.removesuffix("/index.html").rsplit("/", 1)[1]: e.id
            for e in parse(out["records/feed.xml"]).entries
        }

    before = guids(feeds(root))
    yaml = root / "records" / "harbour-bells" / "record.yaml"
    yaml.write_text(
        yaml.read_text()
        .replace("title: Harbour bells", "title: Bells renamed")
        .replace("created: 2024-05-10", "created: 2024-05-11")
    )
    after_out = feeds(root, site_url="https://elsewhere.example/b")
    assert "Bells renamed" in after_out["records/feed.xml"]
    assert guids(after_out) == before
    assert len(set(before.values())) == len(before)


def test_hostile_record_text_is_inert(root):
    seen = 0
    for xml in feeds(root).values():
        parse(xml)
        # feedparser sanitizes on its own: read the descriptions as published instead.
        doc = lxml.etree.fromstring(xml.encode("utf-8"))
        for description in doc.iter("description"):
            if description.getparent().tag != "item":
                continue
            html = lxml.html.fragment_fromstring(description.text, create_parent="div")
            assert not html.xpath("//script | //iframe | //object | //embed | //style")
            for element in html.iter():
                for name, value in element.attrib.items():
                    assert not name.lower().startswith("on"), (name, value)
                    assert "javascript:" not in value.lower(), (name, value)
            if "Evil" in description.text:
                text = html.text_content()
                assert "<script>alert(1)</script>" in text  # shown as text, not markup
                assert "click" in text
                seen += 1
    assert seen == 2  # feed.xml and records/feed.xml


def test_feeds_need_an_absolute_site_url(root):
    for site_url in (None, "", "/a/", "showcase.example"):
        with pytest.raises(FeedError, match="site_url"):
            feeds(root, site_url=site_url)
    assert issubclass(FeedError, ValueError)
