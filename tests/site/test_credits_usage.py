"""Credits from what a timeline really uses: the same figures in credits.json, `showcase credits`
(text, CSV, JSON), catalog.json, the credits page and the podcast's value time splits.

The `cut` archive (tests/fixtures/archives/cut, its expected/README.md says what the cut holds)
is copied and its sounds made with ffmpeg; the build is real (the render included).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import lxml.etree
import pytest

from builder.media.tools import find_tools
from tests.conftest import FIXTURES, run_showcase
from tests.site.helpers import page

CUT = FIXTURES / "archives" / "cut"
GOLDEN = json.loads((CUT / "expected" / "credits.json").read_text())
SOUNDS = {
    "voice-take/voice.wav": (440, 6),
    "harbour-hum/hum.wav": (110, 6),
    "night-bed/bed.wav": (220, 9),
}
P = "{https://podcastindex.org/namespace/1.0}"


def make_archive(dest: Path) -> Path:
    shutil.copytree(CUT, dest, ignore=shutil.ignore_patterns("expected"))
    ffmpeg = find_tools().ffmpeg
    for name, (hz, seconds) in SOUNDS.items():
        tone = f"sine=frequency={hz}:duration={seconds}"
        subprocess.run(
            [
                ffmpeg,
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                tone,
                "-ar",
                "8000",
                "-ac",
                "1",
                str(dest / "records" / name),
            ],
            check=True,
        )
    return dest


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return make_archive(tmp_path_factory.mktemp("cut") / "archive")


@pytest.fixture(scope="module")
def site(archive) -> Path:
    result = run_showcase("build", cwd=archive, timeout=600)
    assert result.code == 0, result.out + result.err
    return archive / "site"


def usage_by_record(credits: dict) -> dict[str, dict]:
    return {r["id"]: r["usage"] for p in credits["people"] for r in p["records"] if "usage" in r}


def test_the_cli_prints_the_golden_credits_in_all_three_formats(archive):
    result = run_showcase("credits", "night-call", "--format", "json", cwd=archive)
    assert result.code == 0, result.err
    assert json.loads(result.out) == GOLDEN
    usage = usage_by_record(GOLDEN)
    assert usage["night-bed"] == {
        "seconds": 6.0,
        "spans": [
            {
                "track": 2,
                "kind": "audio",
                "start": 0.0,
                "end": 6.0,
                "source_start": 2.0,
                "source_end": 8.0,
            }
        ],
    }
    assert usage["voice-take"]["seconds"] == 4.5  # 1-5 s, and the fade's 0.5 s after the cut
    # the maker, then by first appearance (0:00, 0:01), then the lineage
    assert [p["handle"] for p in GOLDEN["people"]] == ["dee", "ben", "ana", "cy"]
    rows = list(
        csv.DictReader(
            io.StringIO(run_showcase("credits", "night-call", "--format", "csv", cwd=archive).out)
        )
    )
    assert [r["handle"] for r in rows] == [p["handle"] for p in GOLDEN["people"]]
    for row in rows:  # the CSV's figures are the JSON's
        for cell in filter(None, row["usage"].split(";")):
            rid, figures = cell.split("=")
            secs, stretches = figures.split("@")
            assert float(secs) == usage[rid]["seconds"]
            spans = usage[rid]["spans"]
            assert stretches == "+".join(f"{s['start']:g}-{s['end']:g}" for s in spans)
    text = run_showcase("credits", "night-call", cwd=archive).out
    assert text.startswith(
        "NIGHT CALL\n\nIn the cut\n"
        "  night-bed: Night bed — 0:00–0:06 (6 s), music\n"
        "  voice-take: Voice take — 0:01–0:06 (4.5 s), sound\n\n"
    )


def test_credits_json_catalog_and_page_agree_with_the_cli(archive, site):
    assert json.loads((site / "records" / "night-call" / "credits.json").read_text()) == GOLDEN
    catalog = json.loads((site / "catalog.json").read_text())
    entry = next(r for r in catalog["records"] if r["id"] == "night-call")
    assert entry["credits"] == GOLDEN
    plain = next(r for r in catalog["records"] if r["id"] == "night-bed")
    assert "usage" not in json.dumps(plain["credits"])  # not made from a timeline: as before
    doc = page(site, "records/night-call/credits")
    cut = doc.xpath("//section[contains(@class, 'sc-roll__cut')]//li")
    assert [li.text_content().strip() for li in cut] == [
        "Night bed — 0:00–0:06 (6 s), music",
        "Voice take — 0:01–0:06 (4.5 s), sound",
    ]
    assert cut[0].xpath(".//a/@href") == ["../../night-bed/index.html"]


def test_the_podcast_pays_each_stretch_of_sound_to_the_record_heard(site):
    feed = lxml.etree.parse(str(site / "podcast.xml"))
    item = next(i for i in feed.iter("item") if i.findtext("title") == "Night call")
    value = item.find(f"{P}value")
    assert value.attrib == {"type": "lightning", "method": "keysend", "suggested": "0.00000005000"}
    [recipient] = value.findall(f"{P}valueRecipient")
    assert recipient.get("split") == "100" and recipient.get("type") == "node"
    splits = [
        (
            s.get("startTime"),
            s.get("duration"),
            s.get("remoteStartTime"),
            s.get("remotePercentage"),
            s.find(f"{P}remoteItem").get("itemGuid"),
        )
        for s in value.findall(f"{P}valueTimeSplit")
    ]
    records_feed = lxml.etree.parse(str(site / "records" / "feed.xml"))
    guids = {
        i.findtext("link").rsplit("/", 2)[-2]: i.findtext("guid") for i in records_feed.iter("item")
    }
    # A2's bed alone, then the voice on A1 (its fade included), then the bed: never overlapping.
    assert splits == [
        ("0", "1", "2", "90", guids["night-bed"]),
        ("1", "4.5", "1", "90", guids["voice-take"]),
        ("5.5", "0.5", "7.5", "90", guids["night-bed"]),
    ]
    remote = value.find(f"{P}valueTimeSplit/{P}remoteItem")
    assert remote.get("feedUrl") == "http://127.0.0.1:8000/records/feed.xml"


# --- the feeds.value setting, and nothing without it --------------------------------------------

from builder.feeds import FeedError  # noqa: E402
from builder.feeds.podcast_ns import ValueBlock, ValueRecipient  # noqa: E402
from builder.feeds.settings import FeedsConfig, Value  # noqa: E402

GOOD = {
    "type": "lightning",
    "method": "keysend",
    "recipients": [
        {"name": "Studio", "type": "node", "address": "02d5c1bf", "split": 95},
        {"type": "lnaddress", "address": "host@example.org", "split": 5, "fee": True},
    ],
}


def test_a_value_block_is_read_and_every_mistake_named():
    block = Value().read("value", GOOD, Path("."))
    assert block == ValueBlock(
        "lightning",
        "keysend",
        (
            ValueRecipient("Studio", "node", "02d5c1bf", 95),
            ValueRecipient("host@example.org", "lnaddress", "host@example.org", 5, True),
        ),
        None,
        90,
    )
    assert Value().read("value", None, Path(".")) is None  # the default: no value block at all
    assert "value" in dict(FeedsConfig._schema)
    bad = {
        "recipients": ({**GOOD, "recipients": []}, "feeds.value.recipients"),
        "split": (
            {**GOOD, "recipients": [{"type": "node", "address": "x", "split": 0}]},
            "feeds.value.recipients[0].split",
        ),
        "address": (
            {**GOOD, "recipients": [{"type": "node", "address": "a b", "split": 1}]},
            "feeds.value.recipients[0].address",
        ),
        "percent": ({**GOOD, "remote_percentage": 101}, "feeds.value.remote_percentage"),
        "type": ({**GOOD, "type": "Lightning Network"}, "feeds.value.type"),
        "unknown key": ({**GOOD, "splits": 3}, "feeds.value in mkdocs.yml"),
        "not a mapping": ("lightning", "feeds.value in mkdocs.yml"),
    }
    for why, (value, key) in bad.items():
        with pytest.raises(FeedError) as error:
            Value().read("value", value, Path("."))
        assert str(error.value).startswith(key), why


def test_without_a_value_block_the_podcast_has_no_value_tags(tmp_path):
    root = make_archive(tmp_path / "archive")
    config = root / "mkdocs.yml"
    text = config.read_text()
    config.write_text(text[: text.index("        value:")])
    assert run_showcase("build", cwd=root, timeout=600).code == 0
    xml = (root / "site" / "podcast.xml").read_text()
    assert "<item>" in xml and "podcast:value" not in xml and "valueTimeSplit" not in xml
