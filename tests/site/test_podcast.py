"""podcast.xml: built for real, read back as a podcast app and Apple would, and its settings.

Golden files: the minimal fixture's podcast.xml, feed.xml and records/feed.xml are kept in
tests/fixtures/archives/minimal/expected/ and compared byte for byte. After a deliberate
change to the feeds, regenerate them and review the diff:

    SHOWCASE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/site/test_podcast.py -k golden
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import uuid
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
from feedgen.feed import FeedGenerator
from PIL import Image

from builder.core.model import Contributor, Record
from builder.feeds import podcast_ns
from builder.feeds.categories import APPLE_CATEGORIES, parse_category
from builder.feeds.podcast import (
    DESCRIPTION_LIMIT,
    _artwork_url,
    enclosure,
    fit_description,
    medium,
    podcast_guid,
    transcript_type,
)
from builder.feeds.roles import TAXONOMY, taxonomy_credit
from builder.feeds.rss import guid
from builder.media import artwork
from builder.media.results import Derivative, MediaInfo
from tests.conftest import FIXTURES, run_showcase
from tests.media.fixtures import media_fixture  # noqa: F401 - the session's generated media

SITE = "http://127.0.0.1:8000/"
MOVED = "https://showcase.example/podcast-moved/"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = podcast_ns.PODCAST_NS
NS = {"itunes": ITUNES, "podcast": PODCAST, "atom": "http://www.w3.org/2005/Atom"}
GOLDEN = FIXTURES / "archives" / "minimal" / "expected"
GOLDEN_FEEDS = ("podcast.xml", "feed.xml", "records/feed.xml")
HOSTILE_TITLE = "<script>alert(1)</script> Tune <img src=x onerror=alert(2)>"
HOSTILE_NAME = "<b onmouseover=alert(3)>Eve</b>"

FILM = """\
title: Night film
type: video
file: film.mp4
kind: production
alt: A black screen, then a test pattern.
poster: poster.png
captions: film.vtt
transcript: film.srt
explicit: true
contributors:
  - {handle: cy, role: director, name: Cy Moreau}
  - {handle: cy, role: animator}
  - {handle: dee, role: performer, name: Dee Jones}
license: CC-BY-SA-4.0
created: 2024-06-01
sources:
  - harbour-bells
"""
TUNE = f"""\
title: "{HOSTILE_TITLE}"
type: audio
file: tune.mp3
kind: production
transcript: tune.txt
contributors:
  - {{handle: eve, role: musician, name: "{HOSTILE_NAME}"}}
license: CC0-1.0
created: 2024-05-20
description: |
  Hello <script>alert(4)</script> <a href="javascript:alert(5)">click</a>
  <img src=x onerror=alert(6)> [md link](javascript:alert(7))
"""
GONE = """\
title: Gone song
type: audio
kind: production
contributors:
  - {handle: ben, role: composer, name: Ben Okafor}
license: CC-BY-4.0
created: 2024-07-01
withdrawn: {date: 2024-07-02, reason: asked by the composer}
"""
CAPTIONS = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nA black screen.\n"
SRT = "1\n00:00:00,000 --> 00:00:02,000\nA black screen.\n"


# --- building real sites -----------------------------------------------------------------------


def minimal_copy(tmp: Path) -> Path:
    """The minimal archive, without its golden files."""
    return Path(
        shutil.copytree(
            FIXTURES / "archives" / "minimal", tmp / "a", ignore=shutil.ignore_patterns("expected")
        )
    )


def add_records(root: Path, media) -> None:  # noqa: ANN001 - tests.media.fixtures.MediaFiles
    """A video production (poster, captions, SRT transcript, explicit), a hostile audio
    production (MP3, plain-text transcript), a withdrawn one, and an avatar for ben."""
    files = {
        "night-film": (
            FILM,
            {"film.mp4": media.black_start_mp4(), "poster.png": media.cover_png()},
            {"film.vtt": CAPTIONS, "film.srt": SRT},
        ),
        "hostile-tune": (TUNE, {"tune.mp3": media.tone("mp3")}, {"tune.txt": "Just a tone.\n"}),
        "gone-song": (GONE, {}, {}),
    }
    for rid, (yaml, binaries, texts) in files.items():
        folder = root / "records" / rid
        folder.mkdir()
        (folder / "record.yaml").write_text(yaml)
        for name, src in binaries.items():
            shutil.copyfile(src, folder / name)
        for name, text in texts.items():
            (folder / name).write_text(text)
    Image.new("RGB", (64, 64), (40, 80, 200)).save(root / "content" / "people" / "ben.png")
    (root / "content" / "people" / "ben.md").write_text(
        "---\nname: Ben Okafor\navatar: ben.png\n---\nBells.\n"
    )


def build(root: Path, *args: str) -> Path:
    result = run_showcase("build", *args, cwd=root, timeout=600)
    assert result.code == 0, result.out + result.err
    return Path(args[args.index("--site-dir") + 1]) if "--site-dir" in args else root / "site"


def set_config(root: Path, old: str, new: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def archive(tmp_path_factory, media) -> Path:  # noqa: F811 - the imported fixture
    root = minimal_copy(tmp_path_factory.mktemp("podcast"))
    add_records(root, media)
    return root


@pytest.fixture(scope="module")
def site(archive) -> Path:
    return build(archive)


@pytest.fixture(scope="module")
def feed(site):
    return lxml.etree.parse(str(site / "podcast.xml")).getroot()


def items(feed) -> dict[str, lxml.etree._Element]:
    """Items by record id (from their link)."""
    return {
        i.findtext("link").removeprefix(SITE + "records/").split("/")[0]: i
        for i in feed.iter("item")
    }


def local(site: Path, url: str) -> Path:
    assert url.startswith(SITE), url
    return site / unquote(urlsplit(url).path.removeprefix(urlsplit(SITE).path))


# --- the feed as podcast apps read it ------------------------------------------------------------


def test_episodes_are_the_live_audio_and_video_productions_newest_first(feed):
    assert list(items(feed)) == [
        "night-film",
        "hostile-tune",
        "harbour-bells",
    ]  # not gone-song, not texts


def test_feedparser_reads_it_without_complaint(site):
    parsed = feedparser.parse((site / "podcast.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Minimal" and parsed.feed.language == "en"
    assert [e.title for e in parsed.entries][1] == HOSTILE_TITLE
    assert all(e.enclosures for e in parsed.entries)


def test_channel_has_apples_tags(feed):
    channel = feed.find("channel")
    assert channel.findtext("link") == SITE
    assert channel.find("atom:link[@rel='self']", NS).get("href") == SITE + "podcast.xml"
    assert channel.find("itunes:image", NS).get("href") == SITE + "podcast/cover.jpg"
    assert channel.findtext("itunes:author", namespaces=NS) == "Minimal"
    assert channel.findtext("itunes:owner/itunes:email", namespaces=NS) == "podcast@example.org"
    assert channel.findtext("itunes:owner/itunes:name", namespaces=NS) == "Minimal"
    [category] = channel.findall("itunes:category", NS)
    assert category.get("text") == "Arts"
    assert [c.get("text") for c in category.findall("itunes:category", NS)] == ["Visual Arts"]
    assert [e.text for e in channel.findall("itunes:explicit", NS)] == ["false"]
    assert (
        channel.findtext("pubDate") == "Sat, 01 Jun 2024 00:00:00 +0000"
    )  # the newest episode, not the clock


def test_channel_guid_is_the_uuid5_of_the_feed_url(feed):
    [value] = [e.text for e in feed.find("channel").findall("podcast:guid", NS)]
    parsed = uuid.UUID(value)
    assert parsed.version == 5 and str(parsed) == value
    assert value == str(
        uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "127.0.0.1:8000/podcast.xml")
    )
    assert feed.find("channel").findtext("podcast:medium", namespaces=NS) == "podcast"


def test_podcast_guid_follows_the_spec_examples():
    assert (
        podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml")
        == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    assert podcast_guid("http://podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_enclosures_give_the_published_files_true_size_and_type(site, feed):
    expected = {
        "night-film": ("film.mp4", "video/mp4"),
        "hostile-tune": ("tune.mp3", "audio/mpeg"),
        "harbour-bells": ("audio.mp3", "audio/mpeg"),
    }  # the WAV's MP3 rendition
    for rid, item in items(feed).items():
        enc = item.find("enclosure")
        name, kind = expected[rid]
        assert enc.get("url") == f"{SITE}records/{rid}/media/{name}"
        assert enc.get("type") == kind
        assert int(enc.get("length")) == local(site, enc.get("url")).stat().st_size > 0


def test_durations_explicit_and_dates(feed):
    found = items(feed)
    assert found["night-film"].findtext("itunes:duration", namespaces=NS) == "3"
    assert found["hostile-tune"].findtext("itunes:duration", namespaces=NS) == "3"
    assert (
        found["harbour-bells"].findtext("itunes:duration", namespaces=NS) == "1"
    )  # 0.5 s, at least 1
    assert [found[r].findtext("itunes:explicit", namespaces=NS) for r in found] == [
        "true",
        "false",
        "false",
    ]
    assert found["harbour-bells"].findtext("pubDate") == "Fri, 10 May 2024 00:00:00 +0000"
    for item in found.values():  # Apple's values only, never feedgen's legacy yes/no/clean
        assert item.findtext("itunes:explicit", namespaces=NS) in ("true", "false")


def test_artwork_is_square_jpeg_between_1400_and_3000_px(site, feed):
    urls = [feed.find("channel/itunes:image", NS).get("href")]
    urls += [item.find("itunes:image", NS).get("href") for item in feed.iter("item")]
    assert len(urls) == 4 and all(url.endswith(".jpg") for url in urls)
    for url in urls:
        with Image.open(local(site, url)) as img:
            assert img.format == "JPEG" and img.mode == "RGB"
            assert img.width == img.height and 1400 <= img.width <= 3000, (url, img.size)
    # The film's 600x400 poster, centred and scaled up to the minimum; the cover (1600x1400)
    # cropped.
    with Image.open(local(site, urls[1])) as film:
        assert film.size == (1400, 1400)
        assert film.getpixel((700, 700))[0] > 150  # the poster's red, not a card


def test_guids_are_unique_and_from_the_record_id(feed):
    found = items(feed)
    guids = {rid: item.find("guid") for rid, item in found.items()}
    assert {rid: g.text for rid, g in guids.items()} == {rid: guid(rid) for rid in found}
    assert all(g.get("isPermaLink") == "false" for g in guids.values())
    assert len({g.text for g in guids.values()}) == len(guids)


def test_people_of_the_whole_lineage_with_taxonomy_roles(feed):
    persons = items(feed)["night-film"].findall("podcast:person", NS)
    credits = [(p.text, p.get("group"), p.get("role")) for p in persons]
    assert (
        credits
        == [  # end-credits order: the film's own people, then outward through its lineage
            ("Cy Moreau", "creative direction", "director"),
            ("Cy Moreau", "visuals", "graphic designer"),  # animator: not in the taxonomy
            ("Dee Jones", "cast", "guest"),  # a performer in a video appears in it
            ("Ana Lima", "audio post-production", "audio editor"),  # editor of the audio source
            ("Ana Lima", "visuals", "graphic designer"),  # photographer, two steps up
            ("Ana Lima", "writing", "writer"),
            ("Ben Okafor", "audio post-production", "composer"),
        ]
    )
    for p in feed.iter(f"{{{PODCAST}}}person"):
        assert p.get("role") in TAXONOMY[p.get("group")]
        assert p.get("href").startswith(SITE + "people/")
    ben = [p for p in persons if p.text == "Ben Okafor"][0]
    assert ben.get("img") == SITE + "people/ben.png"
    assert [p for p in persons if p.text == "Cy Moreau"][0].get("img") is None


def test_license_per_episode_with_its_url(feed):
    found = items(feed)
    [film] = found["night-film"].findall("podcast:license", NS)
    assert (film.text, film.get("url")) == (
        "CC-BY-SA-4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    )
    assert found["hostile-tune"].find("podcast:license", NS).text == "CC0-1.0"


def test_transcripts_and_captions_link_to_published_files(site, feed):
    found = items(feed)
    film = [
        (t.get("type"), t.get("rel"), t.get("url"))
        for t in found["night-film"].findall("podcast:transcript", NS)
    ]
    assert film == [
        ("text/vtt", "captions", SITE + "records/night-film/media/film.vtt"),
        ("application/x-subrip", None, SITE + "records/night-film/media/film.srt"),
    ]
    tune = found["hostile-tune"].find("podcast:transcript", NS)
    assert tune.get("type") == "text/plain"
    assert found["harbour-bells"].find("podcast:transcript", NS) is None
    for t in feed.iter(f"{{{PODCAST}}}transcript"):
        assert local(site, t.get("url")).is_file()
    assert local(site, film[0][2]).read_text() == CAPTIONS


def test_hostile_text_is_inert(feed):
    tune = items(feed)["hostile-tune"]
    assert tune.findtext("title") == HOSTILE_TITLE  # text in XML, escaped on the way out
    assert [p.text for p in tune.findall("podcast:person", NS)] == [HOSTILE_NAME]
    html = lxml.html.fragment_fromstring(tune.findtext("description"), create_parent="div")
    assert not html.xpath("//script | //iframe | //object | //embed | //style")
    for element in html.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on") and "javascript:" not in value.lower(), (
                name,
                value,
            )
    assert "<script>alert(1)</script>" in html.text_content()
    # Nothing but our own elements: the hostile markup never became XML.
    tags = {lxml.etree.QName(e).localname for e in feed.iter() if isinstance(e.tag, str)}
    assert not tags & {"script", "img", "b", "a", "iframe"}


def test_descriptions_fit_apples_limit(feed):
    for item in feed.iter("item"):
        assert len(item.findtext("description").encode("utf-8")) <= DESCRIPTION_LIMIT


def test_the_home_page_advertises_the_podcast(site):
    head = lxml.html.fromstring((site / "index.html").read_text())
    assert head.xpath(
        "//link[@rel='alternate' and @type='application/rss+xml'"
        " and contains(@href, 'podcast.xml')]"
    )


# --- stability ---------------------------------------------------------------------------------


def test_two_cold_builds_are_byte_identical(archive, site, tmp_path):
    shutil.rmtree(archive / ".cache")  # the second build makes every derivative again
    again = build(archive, "--site-dir", str(tmp_path / "again"))
    paths = [
        "podcast.xml",
        "podcast/cover.jpg",
        *(f"podcast/episodes/{rid}.jpg" for rid in ("night-film", "hostile-tune", "harbour-bells")),
    ]
    for path in paths:
        assert (again / path).read_bytes() == (site / path).read_bytes(), path


def test_a_warm_build_takes_the_artwork_from_the_cache_untouched(archive, site, tmp_path):
    # The build of `site` (or a later one of the same archive) left the artwork in the media cache.
    cache = archive / ".cache" / "showcase" / "artwork"
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cache.rglob("*.jpg")}
    assert len(before) == 4  # the show's cover, the film's poster, two cards
    again = build(archive, "--site-dir", str(tmp_path / "again"))
    assert {
        p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cache.rglob("*.jpg")
    } == before  # none redrawn
    assert not [
        p for p in cache.rglob("*") if p.is_file() and p.suffix != ".jpg"
    ]  # no temp file left
    paths = [
        "podcast/cover.jpg",
        *(f"podcast/episodes/{rid}.jpg" for rid in ("night-film", "hostile-tune", "harbour-bells")),
    ]
    published = {(again / path).read_bytes() for path in paths}
    assert (
        published
        == {p.read_bytes() for p in before}
        == {(site / path).read_bytes() for path in paths}
    )


def test_guids_survive_a_new_title_and_a_new_site_url_and_a_pinned_guid_too(
    archive, feed, tmp_path
):
    root = Path(shutil.copytree(archive, tmp_path / "moved", ignore=shutil.ignore_patterns("site")))
    yaml = root / "records" / "harbour-bells" / "record.yaml"
    yaml.write_text(yaml.read_text().replace("title: Harbour bells", "title: Bells, renamed"))
    pinned = feed.find("channel").findtext("podcast:guid", namespaces=NS)
    set_config(root, f"site_url: {SITE}", f"site_url: {MOVED}")
    set_config(root, "        category:", f"        podcast_guid: {pinned}\n        category:")
    moved = lxml.etree.parse(str(build(root) / "podcast.xml")).getroot()
    before = {rid: item.findtext("guid") for rid, item in items(feed).items()}
    after = {
        i.findtext("link").removeprefix(MOVED + "records/").split("/")[0]: i.findtext("guid")
        for i in moved.iter("item")
    }
    assert after == before
    assert "Bells, renamed" in [i.findtext("title") for i in moved.iter("item")]
    assert moved.find("channel").findtext("podcast:guid", namespaces=NS) == pinned
    assert moved.find("channel/itunes:image", NS).get("href") == MOVED + "podcast/cover.jpg"


def test_shared_validator_finds_no_podcast_problem(site):
    checker = Path("/work/shared/validators/podcast_check.py")
    python = (
        Path(os.environ.get("VALIDATORS_HOME", "/tmp/site-validators")) / "venv" / "bin" / "python"
    )
    if not (checker.is_file() and python.is_file()):
        pytest.skip("the shared site validators are not installed")
    import subprocess

    proc = subprocess.run(
        [
            str(python),
            str(checker),
            str(site / "podcast.xml"),
            "--site-dir",
            str(site),
            "--site-url",
            SITE,
            "--expect-podcast",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and "PODCAST: 0 problems" in proc.stdout + proc.stderr, (
        proc.stdout + proc.stderr
    )


# --- golden files --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def minimal_site(tmp_path_factory) -> Path:
    return build(minimal_copy(tmp_path_factory.mktemp("golden")))


@pytest.mark.parametrize("path", GOLDEN_FEEDS)
def test_golden_feeds_of_the_minimal_archive(minimal_site, path):
    built = (minimal_site / path).read_text(encoding="utf-8")
    golden = GOLDEN / path
    if os.environ.get("SHOWCASE_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(built, encoding="utf-8")
    # Enclosure lengths depend on the MP3 encoder of the ffmpeg at hand (Debian's or the
    # PyPI build); they are checked against the published files' sizes elsewhere.
    assert _lengths_out(built) == _lengths_out(golden.read_text(encoding="utf-8")), (
        f"{path} differs from {golden}; if the change is meant, regenerate with "
        "SHOWCASE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/site/test_podcast.py -k golden"
    )


def _lengths_out(xml: str) -> str:
    return re.sub(r'(<enclosure [^>]*?length=")\d+"', r'\1(bytes)"', xml)


def test_no_podcast_without_audio_or_video_productions(tmp_path):
    root = minimal_copy(tmp_path)
    shutil.rmtree(root / "records" / "harbour-bells")
    set_config(root, "        owner_email: podcast@example.org\n", "")  # not needed then
    site = build(root)
    assert not (site / "podcast.xml").exists() and not (site / "podcast").exists()
    assert (site / "feed.xml").is_file()


# --- settings: each mistake named, with the key and the fix --------------------------------------


@pytest.fixture(scope="module")
def config_root(tmp_path_factory) -> Path:
    root = minimal_copy(tmp_path_factory.mktemp("config"))
    big = root / "content" / "big.jpg"
    Image.new("RGB", (1400, 2000), (10, 120, 60)).save(big)
    Image.new("RGB", (1200, 1200), (10, 120, 60)).save(root / "content" / "small.png")
    (root / "content" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    return root


FEEDS = "      feeds:\n"
BAD_SETTINGS = [
    ("owner_email: bob at example", "feeds.owner_email", "not an email address"),
    ("owner_email: mailto:bob@example.org", "feeds.owner_email", "mailto"),
    ("category: Art", "feeds.category", "did you mean 'Arts'"),
    ("category: Arts/Podcasting", "feeds.category", "not a subcategory of 'Arts'"),
    ("category: History/Ancient", "feeds.category", "no subcategories"),
    ("cover: content/missing.png", "feeds.cover", "not a file"),
    ("cover: content/small.png", "feeds.cover", "1200 × 1200 px"),
    ("cover: content/broken.png", "feeds.cover", "not an image Pillow can read"),
    ("cover: ../outside.png", "feeds.cover", "outside the archive"),
    ('explicit: "no"', "feeds.explicit", "true or false"),
    ("medium: radio", "feeds.medium", "podcast, music, video"),
    ("podcast_guid: not-a-uuid", "feeds.podcast_guid", "not a UUID"),
    ("podcast_guid: 3f2a8e4e-263a-41aa-9d3d-0d71f82a1564", "feeds.podcast_guid", "UUIDv5"),
    ("language: English", "feeds.language", "ISO 639-1"),
]


def with_feeds(text: str, settings: str) -> str:
    """mkdocs.yml's text with `settings` ("key: value" lines) in its feeds block, replacing those
    keys."""
    for line in settings.splitlines():
        text = re.sub(rf"^        {re.escape(line.split(':')[0])}:.*\n", "", text, flags=re.M)
    return text.replace(
        FEEDS, FEEDS + "".join(f"        {line}\n" for line in settings.splitlines())
    )


def _run_with(root: Path, settings: str, *args: str):
    original = (root / "mkdocs.yml").read_text()
    try:
        (root / "mkdocs.yml").write_text(with_feeds(original, settings))
        return run_showcase("build", *args, cwd=root, timeout=600)
    finally:
        (root / "mkdocs.yml").write_text(original)


@pytest.mark.parametrize("setting, key, words", BAD_SETTINGS, ids=[s[0] for s in BAD_SETTINGS])
def test_a_bad_setting_stops_the_build_naming_mkdocs_yml_and_the_key(
    config_root, setting, key, words
):
    result = _run_with(config_root, setting)
    output = result.out + result.err
    assert result.code == 2, output
    [line] = [line for line in output.splitlines() if key in line]
    assert line.startswith("mkdocs.yml: ") and "in mkdocs.yml" in line and words in line, line
    assert "Traceback" not in output and not (config_root / "site").exists()


def test_missing_podcast_settings_are_named_when_the_archive_has_a_podcast(config_root):
    original = (config_root / "mkdocs.yml").read_text()
    try:
        (config_root / "mkdocs.yml").write_text(
            re.sub(r"      feeds:\n(        .*\n)+", "", original)
        )
        result = run_showcase("build", cwd=config_root, timeout=600)
    finally:
        (config_root / "mkdocs.yml").write_text(original)
    output = result.out + result.err
    assert result.code == 2, output
    assert (
        "feeds.owner_email and feeds.cover in mkdocs.yml" in output
        and "feeds.podcast: false" in output
    )
    assert "Traceback" not in output and not (config_root / "site").exists()


def test_good_settings_build(config_root, tmp_path):
    settings = (
        "author: The Harbour Collective\nowner_name: Ana Lima\ncover: content/big.jpg\n"
        "category: [arts / visual arts, Music, music]\nexplicit: true\nmedium: music\n"
    )
    result = _run_with(config_root, settings, "--site-dir", str(tmp_path / "site"))
    assert result.code == 0, result.out + result.err
    channel = lxml.etree.parse(str(tmp_path / "site" / "podcast.xml")).getroot().find("channel")
    assert channel.findtext("itunes:author", namespaces=NS) == "The Harbour Collective"
    assert channel.findtext("itunes:owner/itunes:name", namespaces=NS) == "Ana Lima"
    assert [
        (c.get("text"), [s.get("text") for s in c]) for c in channel.findall("itunes:category", NS)
    ] == [("Arts", ["Visual Arts"]), ("Music", [])]
    assert channel.findtext("itunes:explicit", namespaces=NS) == "true"
    assert channel.findtext("podcast:medium", namespaces=NS) == "music"
    with Image.open(tmp_path / "site" / "podcast" / "cover.jpg") as cover:
        assert cover.size == (1400, 1400)  # the centre of 1400x2000


def test_podcast_false_publishes_no_podcast_and_needs_nothing(config_root, tmp_path):
    result = _run_with(
        config_root,
        "podcast: false\nowner_email: not checked?",
        "--site-dir",
        str(tmp_path / "site"),
    )
    assert result.code == 2 and "feeds.owner_email" in result.err  # a value given is still checked
    original = (config_root / "mkdocs.yml").read_text()
    try:
        (config_root / "mkdocs.yml").write_text(
            re.sub(
                r"      feeds:\n(        .*\n)+", "      feeds:\n        podcast: false\n", original
            )
        )
        result = run_showcase(
            "build", "--site-dir", str(tmp_path / "site"), cwd=config_root, timeout=600
        )
    finally:
        (config_root / "mkdocs.yml").write_text(original)
    assert result.code == 0, result.out + result.err
    assert (
        not (tmp_path / "site" / "podcast.xml").exists()
        and (tmp_path / "site" / "feed.xml").is_file()
    )


# --- the pure parts ------------------------------------------------------------------------------


def info(*derivatives: Derivative, duration: float = 60.0) -> MediaInfo:
    return MediaInfo(tuple(derivatives), duration=duration)


def record(type_: str, rid: str = "r") -> Record:
    return Record(
        rid,
        "T",
        type_,
        "f",
        (Contributor("a", "writer"),),
        "CC0-1.0",
        dt.date(2024, 1, 1),
        "production",
    )


@pytest.mark.parametrize(
    "kind, derivatives, expected",
    [
        ("audio", [("original", "song.mp3", "audio/mpeg")], ("song.mp3", "audio/mpeg")),
        ("audio", [("original", "song.m4a", "audio/mp4")], ("song.m4a", "audio/x-m4a")),
        (
            "audio",
            [("original", "song.flac", "audio/flac"), ("audio", "audio.mp3", "audio/mpeg")],
            ("audio.mp3", "audio/mpeg"),
        ),
        ("video", [("original", "clip.mp4", "video/mp4")], ("clip.mp4", "video/mp4")),
        ("video", [("original", "clip.m4v", "video/mp4")], ("clip.m4v", "video/x-m4v")),
        (
            "video",
            [("original", "clip.mov", "video/quicktime"), ("video", "video.mp4", "video/mp4")],
            ("video.mp4", "video/mp4"),
        ),
    ],
)
def test_enclosure_is_the_web_rendition_in_a_podcast_format(kind, derivatives, expected):
    found = enclosure(
        record(kind), info(*(Derivative(r, f, m, bytes=123) for r, f, m in derivatives))
    )
    assert (found.path.rsplit("/", 1)[1], found.type, found.length) == (*expected, 123)


@pytest.mark.parametrize(
    "kind, derivatives",
    [
        ("audio", [("original", "song.aac", "audio/aac")]),  # raw AAC: Apple takes no .aac
        (
            "audio",
            [("original", "song.mp4", "audio/mp4")],
        ),  # audio in .mp4: Apple reads .mp4 as video
        ("audio", [("original", "song.wav", "audio/wav")]),
        ("video", [("original", "clip.webm", "video/webm")]),
    ],
)
def test_no_podcast_format_is_a_reason_not_an_enclosure(kind, derivatives):
    reason = enclosure(
        record(kind), info(*(Derivative(r, f, m, bytes=1) for r, f, m in derivatives))
    )
    assert isinstance(reason, str) and "MP3, M4A (.m4a) or MP4" in reason
    assert isinstance(enclosure(record(kind), None), str)


@pytest.mark.parametrize(
    "role, record_type, expected",
    [
        ("director", "video", ("creative direction", "director")),
        ("producer", "video", ("creative direction", "producer")),
        ("writer", "text", ("writing", "writer")),
        ("composer", "audio", ("audio post-production", "composer")),
        ("sound-designer", "audio", ("audio post-production", "sound designer")),
        ("voice", "audio", ("cast", "voice actor")),
        ("narrator", "audio", ("cast", "narrator")),
        ("co-host", "audio", ("cast", "co-host")),
        ("editor", "video", ("video post-production", "editor")),
        ("editor", "audio", ("audio post-production", "audio editor")),
        ("editor", "text", ("writing", "editor")),
        ("performer", "audio", ("audio post-production", "music contributor")),
        ("performer", "video", ("cast", "guest")),
        ("musician", "audio", ("audio post-production", "music contributor")),
        ("illustrator", "image", ("visuals", "graphic designer")),
        ("photographer", "image", ("visuals", "graphic designer")),
        ("animator", "video", ("visuals", "graphic designer")),
        ("knitter", "image", ("visuals", "graphic designer")),
        ("field-recordist", "audio", ("audio post-production", "music contributor")),
        ("gaffer", "video", ("video production", "camera operator")),
        ("poet", "text", ("writing", "writer")),
    ],
)
def test_roles_map_onto_the_podcast_taxonomy(role, record_type, expected):
    group, mapped = taxonomy_credit(role, record_type)
    assert (group, mapped) == expected and mapped in TAXONOMY[group]


def test_categories_are_apples_with_its_spelling():
    assert parse_category("Arts") == ("Arts", None)
    assert parse_category(" tv & film /  film history ") == ("TV & Film", "Film History")
    assert parse_category("Society & Culture/Documentary") == ("Society & Culture", "Documentary")
    for bad in (
        "Podcasts",
        "Arts/Visual",
        "Arts/Visual Arts/Painting",
        "/Arts",
        "Technology/Gadgets",
    ):
        with pytest.raises(ValueError):
            parse_category(bad)
    assert len(APPLE_CATEGORIES) == 19 and sum(map(len, APPLE_CATEGORIES.values())) == 91


@pytest.mark.parametrize(
    "head, expected",
    [
        ("WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n", "text/vtt"),
        ("\ufeffWEBVTT - a title\n", "text/vtt"),
        ("1\n00:00:00,000 --> 00:00:01,000\nHi\n", "application/x-subrip"),
        ("1\r\n00:00:00,000 --> 00:00:01,000\r\nHi\r\n", "application/x-subrip"),
        ("WEBVTTish notes\n", "text/plain"),
        ("Interviewer: hello\n", "text/plain"),
    ],
)
def test_transcript_type_from_its_content(head, expected):
    assert transcript_type(head) == expected


def test_a_long_description_is_cut_to_fit_as_escaped_text():
    text = "<p>" + " ".join(["<b>words</b> & more"] * 800) + "</p>"
    fitted = fit_description(text)
    assert len(fitted.encode("utf-8")) <= DESCRIPTION_LIMIT
    assert (
        fitted.startswith("<p>words &amp; more")
        and fitted.endswith("…</p>")
        and "<b>" not in fitted
    )
    assert fit_description("<p>short</p>") == "<p>short</p>"
    assert len(fit_description("x" * 10_000).encode("utf-8")) <= DESCRIPTION_LIMIT


def test_medium_follows_the_content():
    assert medium([record("video"), record("video")]) == "video"
    assert medium([record("video"), record("audio")]) == "podcast"
    assert medium([]) == "podcast"


def test_feedgen_drops_other_image_urls_silently_so_ours_must_end_in_jpg():
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.podcast.itunes_image("https://example.org/cover.webp")
    assert fg.podcast.itunes_image() is None  # no error, no image: why _artwork_url checks
    with pytest.raises(ValueError):
        _artwork_url("https://example.org/cover.webp")
    assert _artwork_url("https://example.org/cover.jpg").endswith(".jpg")


def test_extensions_write_apples_explicit_and_the_podcast_namespace():
    fg = FeedGenerator()
    fg.title("t"), fg.link(href="https://example.org/"), fg.description("d")
    podcast_ns.load(fg)
    fg.explicit.explicit(True)
    fg.podcastindex.guid("917393e3-1b1e-5cef-ace4-edaa54e1f810")
    fg.podcastindex.medium("music")
    fe = fg.add_entry(order="append")
    fe.title("e"), fe.guid("g", permalink=False)
    fe.explicit.explicit(False)
    fe.podcastindex.person(podcast_ns.Person("A & B", "host", "cast", href="https://example.org/a"))
    fe.podcastindex.license("CC0-1.0", None)
    fe.podcastindex.transcript(
        podcast_ns.Transcript("https://example.org/t.vtt", "text/vtt", "captions")
    )
    xml = fg.rss_str(pretty=True).decode()
    assert f'xmlns:podcast="{PODCAST}"' in xml
    assert (
        "<itunes:explicit>true</itunes:explicit>" in xml
        and "<itunes:explicit>false</itunes:explicit>" in xml
    )
    assert "<podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>" in xml
    assert (
        '<podcast:person role="host" group="cast" href="https://example.org/a">'
        "A &amp; B</podcast:person>" in xml
    )
    assert "<podcast:license>CC0-1.0</podcast:license>" in xml
    assert (
        '<podcast:transcript url="https://example.org/t.vtt" type="text/vtt" rel="captions"/>'
        in xml
    )
    with pytest.raises(ValueError):
        fg.podcastindex.medium("radio")


@pytest.mark.parametrize(
    "size, mode, side",
    [
        ((1600, 1400), "RGB", 1400),
        ((4000, 5000), "RGB", 3000),
        ((600, 400), "RGBA", 1400),
        ((2000, 2000), "CMYK", 2000),
        ((1500, 1500), "P", 1500),
        ((800, 800), "L", 1400),
    ],
)
def test_artwork_is_square_rgb_jpeg_within_apples_sizes(tmp_path, size, mode, side):
    path = tmp_path / ("a.jpg" if mode in ("RGB", "CMYK", "L") else "a.png")
    Image.new(mode, size).save(path)
    data = artwork.artwork_from_file(path)
    assert data == artwork.artwork_from_file(path)  # deterministic
    with Image.open(io.BytesIO(data)) as img:
        assert (img.format, img.mode, img.size) == ("JPEG", "RGB", (side, side))
        assert not img.info.get("exif") and not img.info.get("icc_profile")
    assert artwork.image_size(path) == size


def test_episode_artwork_stays_at_apples_minimum(tmp_path):
    Image.new("RGB", (4000, 3000), (200, 40, 40)).save(tmp_path / "big.jpg")
    with Image.open(
        io.BytesIO(artwork.artwork_from_file(tmp_path / "big.jpg", largest=artwork.MIN_SIDE))
    ) as img:
        assert img.size == (1400, 1400)
    assert artwork.artwork_side(900, 5000, largest=1400) == 1400  # scaled up only to the minimum


def test_artwork_crops_the_centre_and_turns_by_exif(tmp_path):
    img = Image.new("RGB", (3000, 1400), (0, 0, 255))
    img.paste((255, 0, 0), (800, 0, 2200, 1400))  # the centre square is red
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter: 1400 wide, 3000 tall
    img.save(tmp_path / "wide.jpg", exif=exif.tobytes())
    assert artwork.image_size(tmp_path / "wide.jpg") == (1400, 3000)
    with Image.open(io.BytesIO(artwork.artwork_from_file(tmp_path / "wide.jpg"))) as out:
        assert out.size == (1400, 1400) and out.getpixel((700, 700))[0] > 200


def test_a_card_is_the_artwork_of_a_record_without_a_picture():
    data = artwork.card_artwork("Bells <b>", "Ben Okafor", "audio")
    assert data == artwork.card_artwork("Bells <b>", "Ben Okafor", "audio")
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (1400, 1400) and img.format == "JPEG"


def test_unreadable_pictures_say_so(tmp_path):
    (tmp_path / "x.png").write_bytes(b"not an image")
    with pytest.raises(artwork.ArtworkError):
        artwork.image_size(tmp_path / "x.png")
    with pytest.raises(artwork.ArtworkError):
        artwork.artwork_from_file(tmp_path / "x.png")
    with pytest.raises(artwork.ArtworkError):
        artwork.image_size(tmp_path / "missing.png")


def test_a_raw_aac_production_is_an_episode_with_its_m4a(media, tmp_path):  # noqa: F811
    """Podcast apps take no .aac: the build puts the same AAC stream in an M4A and that is
    the enclosure, with the published file's length."""
    root = minimal_copy(tmp_path)
    folder = root / "records" / "raw-aac-song"
    folder.mkdir()
    shutil.copyfile(media.tone("aac"), folder / "song.aac")
    (folder / "record.yaml").write_text(
        "title: Raw AAC song\ntype: audio\nfile: song.aac\nkind: production\n"
        "contributors:\n  - {handle: ana, role: musician, name: Ana Lima}\n"
        "license: CC-BY-4.0\ncreated: 2024-08-01\n"
    )
    site = build(root)
    [enclosure] = items(lxml.etree.parse(str(site / "podcast.xml")).getroot())[
        "raw-aac-song"
    ].findall("enclosure")
    assert enclosure.get("url") == SITE + "records/raw-aac-song/media/audio.m4a"
    assert enclosure.get("type") == "audio/x-m4a"
    assert (
        int(enclosure.get("length"))
        == (site / "records/raw-aac-song/media/audio.m4a").stat().st_size
    )
    page = lxml.html.fromstring((site / "records/raw-aac-song/index.html").read_text())
    assert page.xpath("//audio//source/@src | //audio/@src")[0].endswith("media/audio.m4a")
