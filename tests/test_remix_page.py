"""Open to remix (remix/index.html) and "Remix this" on record pages, built for real with
`showcase build` and read back as parsed HTML: twice, a remix added in between."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.site.gallery import PAGE_SIZE, page_count
from builder.site.remix import split
from tests.archive_factory import make_archive, text_record
from tests.conftest import run_showcase
from tests.site.helpers import page


def section_ids(doc, section: str) -> list[str]:
    """The record ids a section of the page links to, in order."""
    links = doc.xpath(f"//section[h2[@id='{section}']]//a[contains(@href, 'records/')]/@href")
    return [href.split("records/")[1].split("/")[0] for href in links]


def build(root: Path) -> Path:
    result = run_showcase("build", cwd=root, timeout=600)
    assert result.code == 0, result.out + result.err
    return root / "site"


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """first-draft <- second-draft (CC BY), teal-photo (CC BY-SA), an ND text, an NC text
    (the newest), a withdrawn text, and a withdrawn remix of the NC text."""
    root = make_archive(tmp_path_factory.mktemp("remix") / "a")
    text_record(root, "nd-poem", license="CC-BY-ND-4.0")
    text_record(root, "nc-poem", license="CC-BY-NC-4.0", extra="")
    nc = root / "records" / "nc-poem" / "record.yaml"
    nc.write_text(nc.read_text().replace("created: 2024-05-01", "created: 2024-06-01"))
    gone = "withdrawn: {date: 2024-07-01, reason: taken back}\n"
    text_record(root, "gone-poem", extra=gone)
    text_record(root, "gone-remix", sources=["nc-poem"], license="CC-BY-NC-4.0", extra=gone)
    return root


def test_never_remixed_updates_when_a_remix_is_added(archive):
    site = build(archive)
    doc = page(site, "remix/index.html")
    assert doc.xpath("//h1/text()") == ["Open to remix"]
    # newest first: nc-poem (June) before teal-photo (May 2) before the May 1 texts, by id;
    # a withdrawn remix does not count as a remix
    assert section_ids(doc, "sc-remix-never") == ["nc-poem", "teal-photo", "second-draft"]
    assert section_ids(doc, "sc-remix-again") == ["first-draft"]

    text_record(archive, "teal-poem", sources=["teal-photo"], license="CC-BY-SA-4.0")
    doc = page(build(archive), "remix/index.html")
    assert section_ids(doc, "sc-remix-never") == ["nc-poem", "second-draft", "teal-poem"]
    assert section_ids(doc, "sc-remix-again") == ["teal-photo", "first-draft"]


def test_withdrawn_and_noderivatives_records_are_left_out(archive):
    doc = page(build(archive), "remix/index.html")
    listed = section_ids(doc, "sc-remix-never") + section_ids(doc, "sc-remix-again")
    assert "gone-poem" not in listed and "gone-remix" not in listed
    assert "nd-poem" not in listed
    legend = " ".join(" ".join(doc.xpath("//section[h2[@id='sc-remix-licenses']]//text()")).split())
    assert "1 record is left out: its license forbids adaptations (NoDerivatives)" in legend
    assert "CC BY-SA 4.0" in legend and "remix as CC BY-SA 4.0" in legend


def remix_section(site: Path, rid: str):
    found = page(site, f"records/{rid}/index.html").xpath("//section[@class='sc-remix-this']")
    return found[0] if found else None


def test_record_pages_say_what_a_remix_must_carry(archive):
    site = archive / "site"
    if not (site / "remix" / "index.html").is_file():
        site = build(archive)
    sa = remix_section(site, "teal-photo")
    assert sa.xpath("h2/text()") == ["Remix this"]
    assert sa.xpath("p[@class='sc-remix-this__rule']/text()") == [
        "A remix of this must be CC BY-SA 4.0."
    ]
    assert sa.xpath(".//pre/code/text()") == [
        "showcase new FILE --source teal-photo --license CC-BY-SA-4.0\nshowcase check"
    ]
    assert sa.xpath(".//a[@rel='license']/@href") == [
        "https://creativecommons.org/licenses/by-sa/4.0/"
    ]

    nc = remix_section(site, "nc-poem")
    assert "non-commercial" in nc.xpath("string(p[@class='sc-remix-this__rule'])")
    assert "may be used commercially" in nc.xpath("string(p[@class='sc-remix-this__note'])")
    assert nc.xpath(".//pre/code/text()") == ["showcase new FILE --source nc-poem\nshowcase check"]

    nd = remix_section(site, "nd-poem")
    assert nd.xpath("h2/text()") == ["Not open to remix"]
    rule = nd.xpath("string(p[@class='sc-remix-this__rule'])")
    assert rule.startswith("It cannot be remixed: it is under CC BY-ND 4.0, a NoDerivatives")
    assert not nd.xpath(".//pre")

    assert remix_section(site, "gone-poem") is None  # a tombstone offers no remix


@pytest.mark.parametrize("never,remixed", [(0, 0), (5, 0), (0, 40), (36, 1), (50, 73), (71, 2)])
def test_pages_reach_every_record_once_never_remixed_first(never, remixed):
    seen: list[tuple[str, int]] = []
    count = page_count(never + remixed)
    for number in range(1, count + 1):
        first, then = split(never, remixed, number)
        part = [("never", i) for i in range(never)[first]]
        part += [("remixed", i) for i in range(remixed)[then]]
        assert len(part) == (PAGE_SIZE if number < count else never + remixed - len(seen))
        seen += part
    assert seen == [("never", i) for i in range(never)] + [("remixed", i) for i in range(remixed)]
