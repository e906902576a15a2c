"""A lineage of dozens of records: every record drawn once, large branches folded, sizes said."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.site.views import FOLD_OVER, TreeNode, folded
from tests.archive_factory import lineage_archive
from tests.conftest import run_showcase
from tests.site.helpers import page

TREE = "//section[@class='sc-lineage']"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = lineage_archive(tmp_path_factory.mktemp("lineage") / "a")
    result = run_showcase("build", cwd=root, timeout=600)
    assert result.code == 0, result.out + result.err
    return root / "site"


def _nodes(doc, heading: str) -> list[tuple[str, str]]:
    """(href, note) of every node of the tree under a heading: sc-came-from or sc-went."""
    [tree] = doc.xpath(TREE + f"/ul[@class='sc-tree'][preceding-sibling::h2[1][@id='{heading}']]")
    return [
        (li.xpath("./a/@href")[0], "".join(li.xpath("./span[@class='sc-node__note']/text()")))
        for li in tree.xpath(".//li")
    ]


def _record(href: str) -> str:
    return href.split("/")[-2]


def test_every_record_of_a_lineage_of_forty_is_drawn_once(site):
    doc = page(site, "records/the-production")
    nodes = _nodes(doc, "sc-came-from")
    drawn = [_record(href) for href, note in nodes if note != "shown above"]
    expected = {f"chain-{i:02d}" for i in range(16)} | {f"fan-{i:02d}" for i in range(24)}
    # The chain is deeper than the page draws: its oldest steps are reached from its page.
    cut = [_record(href) for href, note in nodes if note == "more on its page"]
    assert len(cut) == 1
    assert len(drawn) == len(set(drawn)), "a record drawn twice"
    missing = expected - set(drawn)
    assert set(drawn) <= expected and missing  # (the fixture is deeper than the page draws)
    assert missing <= {f"chain-{i:02d}" for i in range(int(cut[0][-2:]))}  # all behind the cut
    # every "shown above" points at a record drawn earlier on the page
    seen: list[str] = []
    for href, note in nodes:
        assert note != "shown above" or _record(href) in seen
        seen.append(_record(href))
    assert (
        doc.xpath(TREE + "/p[@class='sc-lineage__size']/text()")[0]
        == "Made from 40 records by 13 people."
    )


def test_large_branches_are_folded_once_and_say_how_many_records_they_hold(site):
    doc = page(site, "records/the-production")
    folds = doc.xpath(TREE + "//details[@class='sc-tree__fold']")
    assert folds
    for fold in folds:
        inside = len(fold.xpath("./ul//li"))
        assert fold.xpath("./summary/text()")[0] == f"{inside} earlier records"
        assert inside > FOLD_OVER
        assert not fold.xpath(".//details"), "a fold inside a fold"
        assert len(fold.xpath("ancestor::li")) >= 2  # the first two generations stay open


def test_the_oldest_record_shows_everything_that_came_of_it(site):
    doc = page(site, "records/chain-00")
    assert doc.xpath(TREE + "/p[@class='sc-lineage__size']/text()") == ["Used by 40 records."]
    assert doc.xpath(TREE + "//details/summary/text()")[0].endswith("later records")
    went = [_record(href) for href, note in _nodes(doc, "sc-went") if note != "shown above"]
    assert "the-production" in went and len(went) == len(set(went))


def test_folding_is_decided_by_the_view_from_plain_data():
    def chain(n: int) -> tuple[TreeNode, ...]:
        node = None
        for i in range(n):
            kids = (node,) if node else ()
            node = TreeNode(
                f"r{i}",
                f"records/r{i}/index.html",
                None,
                children=kids,
                size=sum(1 + k.size for k in kids),
            )
        return (node,)

    short, long = folded(chain(FOLD_OVER + 2)), folded(chain(FOLD_OVER + 3))
    assert not short[0].fold and not short[0].children[0].fold  # 6 below the second: drawn
    assert not long[0].fold and long[0].children[0].fold  # 7 below the second: folded
    assert not long[0].children[0].children[0].fold  # once folded, drawn whole inside
