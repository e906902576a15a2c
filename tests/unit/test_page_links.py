"""A page's links made many at a time (urls.UrlStyle.linker, the remix trees') are exactly
what mkdocs' `url` filter makes of them, its shortcut for links between siblings included."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from mkdocs.utils import normalize_url

from builder.site.urls import UrlStyle

SEGMENTS = st.sampled_from(
    ["records", "a", "b", "a-1", "media", "index.html", "x.webp", ".", "..", "", "page", "2"]
    + ["...", "a\\b", "c:d"]
)
PATHS = st.lists(SEGMENTS, min_size=0, max_size=5).map("/".join)
URLS = st.one_of(
    PATHS,
    PATHS.map(lambda p: p + "/"),
    PATHS.map(lambda p: p + "#top"),
    PATHS.map(lambda p: p + "?q=1"),
    PATHS.map(lambda p: "/" + p),
    st.just("https://example.org/records/a/index.html"),
)


class Page:
    def __init__(self, url: str) -> None:
        self.url = url


@settings(max_examples=1500, deadline=None)
@given(url=URLS, page_url=URLS, directories=st.booleans())
@example(url="records/b/index.html", page_url="records/a/index.html", directories=False)
@example(url="records/b/media/x.webp", page_url="records/a/", directories=True)
@example(url="records/a/index.html", page_url="records/a/index.html", directories=False)
@example(url="records/b/index.html", page_url="records/./a/index.html", directories=False)
def test_a_link_is_what_mkdocs_url_filter_makes_of_it(url, page_url, directories):
    style = UrlStyle(directories=directories)
    page = Page(page_url)
    expected = normalize_url(style.link(url), page=page, base="../..")
    assert style.linker(page, "../..")(url) == expected == style.on_page(url, page, "../..")


def test_a_link_between_sibling_records_takes_the_shortcut():
    plain: dict[str, bool] = {}  # shared by a build's linkers
    link = UrlStyle().linker(Page("records/a/index.html"), "../..", plain)
    assert link("records/b/index.html") == "../b/index.html"
    assert link("records/a/media/x.webp") == "media/x.webp"
    other = UrlStyle().linker(Page("records/b/index.html"), "../..", plain)
    assert other("records/b/index.html") == "index.html" and other("records/a/") == "../a/"
    assert plain == {"records/b/index.html": True, "records/a/": True}
    assert UrlStyle(directories=True).linker(Page("records/a/"), "")("records/b/index.html") == (
        "../b/"
    )


NAMES = st.sampled_from(
    ["a", "b", "a-1", "x.webp", "index.html", "", ".", "..", "...", "media", "a\\b", "c:d"]
)


@settings(max_examples=1000, deadline=None)
@given(
    parent=st.lists(NAMES, min_size=1, max_size=3).map("/".join),
    own=NAMES,
    other=NAMES,
    page_name=st.sampled_from(["index.html", "lineage.html", "", "x"]),
    rest=st.lists(NAMES, max_size=3).map("/".join),
    slash=st.booleans(),
)
def test_links_shaped_like_siblings_are_what_mkdocs_makes_of_them(
    parent, own, other, page_name, rest, slash
):
    """Pages and targets under one parent folder: where the shortcut applies, and its edges."""
    page = Page(f"{parent}/{own}/{page_name}")
    url = f"{parent}/{other}" + (f"/{rest}" if rest else "") + ("/" if slash else "")
    assert UrlStyle().linker(page, "..")(url) == normalize_url(url, page=page, base="..")
