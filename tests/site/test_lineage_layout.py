"""Lineages on record pages: every record drawn once per tree, at most BOUND nodes, nearest
first, the rest counted and listed once each on the record's full lineage page."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.core.lineage_tree import BOUND
from builder.site.views import FOLD_OVER, TreeNode, folded
from tests.archive_factory import MKDOCS_YML, lineage_archive, text_record
from tests.conftest import run_showcase
from tests.site.helpers import page

TREE = "//section[@class='sc-lineage']"
DENSE_N, DENSE_K = 70, 12  # the last record has 69 ancestors: more than the bound


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = lineage_archive(tmp_path_factory.mktemp("lineage") / "a")
    result = run_showcase("build", cwd=root, timeout=600)
    assert result.code == 0, result.out + result.err
    return root / "site"


def dense_archive(root: Path, n: int = DENSE_N, k: int = DENSE_K) -> Path:
    """n text records, each remixing the k before it, by seven people (p<i mod 7>)."""
    for i in range(n):
        text_record(
            root,
            f"r{i:03d}",
            sources=[f"r{j:03d}" for j in range(max(0, i - k), i)],
            contributors=((f"p{i % 7}", "writer"),),
        )
    (root / "content").mkdir(exist_ok=True)
    (root / "content" / "index.md").write_text("# Dense\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    return root


@pytest.fixture(scope="module")
def dense(tmp_path_factory) -> Path:
    root = dense_archive(tmp_path_factory.mktemp("dense") / "a")
    result = run_showcase("build", cwd=root, timeout=600)
    assert result.code == 0, result.out + result.err
    return root / "site"


def ancestors(i: int) -> set[str]:
    """The oracle: each record of the dense archive uses the k before it, so it reaches every
    record before it."""
    return {f"r{j:03d}" for j in range(i)}


def _tree(doc, heading: str):
    [tree] = doc.xpath(TREE + f"/ul[@class='sc-tree'][preceding-sibling::h2[1][@id='{heading}']]")
    return tree


def _record(href: str) -> str:
    return href.split("/")[-2]


def _check_linked_once(doc, heading: str) -> list[str]:
    """Each record's page linked at most once in the tree; every other mention links to where
    it is drawn, in the same tree. Returns the records drawn."""
    tree = _tree(doc, heading)
    items = tree.xpath(".//li")
    assert len(items) <= BOUND
    pages = [h for h in tree.xpath(".//li/a/@href") if not h.startswith(("#", "http"))]
    drawn = [_record(h) for h in pages]
    assert len(drawn) == len(set(drawn)), "a record linked twice in one tree"
    anchors = set(tree.xpath(".//li/@id"))
    for href in tree.xpath(".//li/a/@href"):
        assert not href.startswith("#") or href[1:] in anchors
    return drawn


def test_every_record_of_a_lineage_of_forty_is_linked_once(site):
    doc = page(site, "records/the-production")
    drawn = _check_linked_once(doc, "sc-came-from")
    expected = {f"chain-{i:02d}" for i in range(16)} | {f"fan-{i:02d}" for i in range(24)}
    assert set(drawn) < expected  # the chain is deeper than the page draws
    assert (
        doc.xpath(TREE + "/p[@class='sc-lineage__size']/text()")[0]
        == "Made from 40 records by 13 people."
    )
    rest = doc.xpath(TREE + "/p[@class='sc-lineage__rest']")[0]
    missing = expected - set(drawn)
    assert missing <= {f"chain-{i:02d}" for i in range(16)}  # the oldest, deepest steps
    people = {"ana"} | {f"p{int(m[-2:]) % 12:02d}" for m in missing}  # archive_factory._by
    assert rest.text.strip() == f"And {len(missing)} more records by {len(people)} people."
    assert rest.xpath("./a/@href") == ["lineage.html"]
    _check_linked_once(page(site, "records/chain-00"), "sc-went")


def test_the_lineage_page_lists_every_ancestor_exactly_once(site):
    doc = page(site, "records/the-production/lineage.html")
    listed = [_record(h) for h in doc.xpath("//section[h2/@id='sc-lineage-came-from']//li/a/@href")]
    expected = {f"chain-{i:02d}" for i in range(16)} | {f"fan-{i:02d}" for i in range(24)}
    assert sorted(listed) == sorted(expected)
    # nearest first: the four it uses directly head the list
    assert listed[:4] == [f"fan-{i:02d}" for i in range(20, 24)]
    assert doc.xpath("//h3/text()")[:2] == ["What it uses directly", "2 steps back"]


def test_a_dense_lineage_stays_small_and_says_what_it_leaves_out(dense):
    last = f"r{DENSE_N - 1:03d}"
    doc = page(dense, f"records/{last}")
    drawn = _check_linked_once(doc, "sc-came-from")
    assert len(drawn) == BOUND  # records before references: the bound is spent on records
    top = _tree(doc, "sc-came-from").xpath("./li/a/@href")
    assert [_record(h) for h in top] == [f"r{j:03d}" for j in range(DENSE_N - 1 - DENSE_K, 69)]
    assert set(drawn) == {f"r{j:03d}" for j in range(DENSE_N - 1 - BOUND, DENSE_N - 1)}
    rest = sorted(ancestors(DENSE_N - 1) - set(drawn))
    people = {f"p{int(r[1:]) % 7}" for r in rest}
    [note] = doc.xpath(TREE + "/p[@class='sc-lineage__rest']/text()")
    assert note.strip() == f"And {len(rest)} more records by {len(people)} people."
    assert (dense / f"records/{last}/index.html").stat().st_size < 120_000
    listed = page(dense, f"records/{last}/lineage.html").xpath(
        "//section[h2/@id='sc-lineage-came-from']//li/a/@href"
    )
    assert sorted(_record(h) for h in listed) == sorted(ancestors(DENSE_N - 1))
    first = page(dense, "records/r000")
    went = _check_linked_once(first, "sc-went")
    assert len(went) <= BOUND
    assert first.xpath(TREE + "/p[@class='sc-lineage__rest']/a/@href") == [
        "lineage.html#sc-lineage-went"
    ]


def test_a_lineage_page_exactly_where_a_tree_leaves_records_out(dense):
    for i in range(DENSE_N):
        doc = page(dense, f"records/r{i:03d}")
        cut = bool(doc.xpath(TREE + "/p[@class='sc-lineage__rest']"))
        assert cut == (dense / f"records/r{i:03d}/lineage.html").exists()


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
