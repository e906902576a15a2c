"""Showcase added to an existing Material site (blog and tags plugins): the site keeps every
URL it had, its blog builds, and the Showcase pages appear beside it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from builder.site.urls import UrlStyle
from tests.conftest import run_showcase

pytestmark = pytest.mark.slow

MKDOCS = Path(sys.executable).parent / "mkdocs"

SETTINGS = """\
site_name: Existing site
site_url: https://blog.example.org/
use_directory_urls: true
theme:
  name: material
  font: false
plugins:
  - search
  - blog
  - tags
"""

POSTS = {
    "first-post": ("2024-01-31", "[news, launch]", "First post"),
    "second-post": ("2024-02-15", "[news]", "Second post"),
}

RECORD = """\
title: Night train
type: text
file: night-train.md
contributors:
  - {handle: ana, role: writer, name: Ana Lima}
license: CC-BY-4.0
created: 2024-05-01
tags: [rails]
"""


def _site(root: Path, settings: str = SETTINGS) -> None:
    docs = root / "docs"
    (docs / "blog/posts").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(settings)
    (docs / "index.md").write_text("# Welcome\n\nOur site.\n")
    (docs / "about.md").write_text("# About\n\nWho we are.\n")
    (docs / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n")
    (docs / "blog/index.md").write_text("# Blog\n")
    for slug, (date, tags, title) in POSTS.items():
        (docs / "blog/posts" / f"{slug}.md").write_text(
            f"---\ndate: {date}\ntags: {tags}\n---\n\n# {title}\n\nHello.\n\n<!-- more -->\n\n"
            "The rest.\n"
        )


def _add_showcase(root: Path) -> None:
    settings = (root / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text(settings + "  - showcase\n")
    record = root / "records/night-train"
    record.mkdir(parents=True)
    (record / "record.yaml").write_text(RECORD)
    (record / "night-train.md").write_text("# Night train\n\nThe rails hum all night.\n")


def _mkdocs_build(root: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [str(MKDOCS), "build", "-q"], cwd=root, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr


def _files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_every_url_of_the_site_is_kept_and_the_showcase_pages_join_it(tmp_path):
    _site(tmp_path)
    _mkdocs_build(tmp_path)
    before = _files(tmp_path / "site")
    assert "blog/2024/01/31/first-post/index.html" in before  # folder URLs, mkdocs' default

    _add_showcase(tmp_path)
    built = run_showcase("build", cwd=tmp_path)
    assert built.code == 0, built.out + built.err
    assert "the site needs a web server" in built.out  # said in the build's output
    site = tmp_path / "site"
    after = _files(site)
    assert before - after == set()

    post = (site / "blog/2024/01/31/first-post/index.html").read_text("utf-8")
    assert "First post" in post and "Hello." in post
    assert "First post" in (site / "blog/index.html").read_text("utf-8")
    tags = (site / "tags/index.html").read_text("utf-8")
    assert "launch" in tags  # the site's own tags page keeps its address and content

    # The Showcase pages, at folder URLs like the rest of the site.
    record = (site / "records/night-train/index.html").read_text("utf-8")
    assert "Night train" in record and "The rails hum" in record
    assert {"people/ana/index.html", "productions/index.html", "tags/rails/index.html"} <= after
    assert 'href="../../people/ana/"' in record
    assert "index.html" not in _hrefs(record)
    assert 'og:url" content="https://blog.example.org/records/night-train/"' in record
    feed = (site / "records/feed.xml").read_text("utf-8")
    assert "<link>https://blog.example.org/records/night-train/</link>" in feed
    # Material's navigation and the blog link the Showcase pages the same way.
    assert 'href="../../about/"' in record and 'href="../../blog/"' in record


def _hrefs(html: str) -> str:
    return " ".join(
        h for h in re.findall(r'href="([^"]*)"', html) if not h.startswith(("http", "assets"))
    )


def test_without_the_setting_pages_are_files_and_work_from_a_folder(tmp_path):
    _site(tmp_path, SETTINGS.replace("use_directory_urls: true\n", ""))
    _add_showcase(tmp_path)
    built = run_showcase("build", cwd=tmp_path)
    assert built.code == 0, built.out + built.err
    assert "web server" not in built.out
    site = tmp_path / "site"
    assert (site / "blog/2024/01/31/first-post.html").is_file()
    record = (site / "records/night-train/index.html").read_text("utf-8")
    assert 'href="../../people/ana/index.html"' in record
    assert "<link>https://blog.example.org/records/night-train/index.html</link>" in (
        site / "records/feed.xml"
    ).read_text("utf-8")


def test_an_explicit_false_is_kept_too(tmp_path):
    _site(tmp_path, SETTINGS.replace("use_directory_urls: true", "use_directory_urls: false"))
    _add_showcase(tmp_path)
    assert run_showcase("build", cwd=tmp_path).code == 0
    assert (tmp_path / "site/about.html").is_file()


@pytest.mark.parametrize(
    "url, folders",
    [
        ("records/a/index.html", "records/a/"),
        ("index.html", ""),
        ("records/a/index.html#sources", "records/a/#sources"),
        ("people/ana/index.html?x=1", "people/ana/?x=1"),
        ("records/a/media/index.html.txt", "records/a/media/index.html.txt"),
        ("records/a/media/preview.jpg", "records/a/media/preview.jpg"),
        ("feed.xml", "feed.xml"),
        ("records/a/lineage-2.html#up", "records/a/lineage-2/#up"),  # mkdocs' lineage-2/
    ],
)
def test_url_style(url, folders):
    assert UrlStyle().link(url) == url
    assert UrlStyle(directories=True).link(url) == folders
