"""Rendered Markdown kept between builds in <cache_dir>/markdown.json: a warm build parses
no Markdown, a changed text is rendered again, and a damaged store costs only rendering."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from builder import cli
from builder.core import markup
from builder.core.markup import render_key
from builder.memo.renders import STORE, Renderer, kept_renders
from builder.pipeline import prepare
from tests.archive_factory import make_archive, text_record
from tests.parse_counter import count_parses


@pytest.fixture
def parses(monkeypatch):
    """The texts the Markdown parser is run on; the in-process memo is emptied first, so
    each build below starts as a new process would."""
    seen = count_parses(monkeypatch)
    markup._render_memo.cache_clear()
    yield seen
    markup._render_memo.cache_clear()


def archive(tmp_path: Path) -> Path:
    root = make_archive(tmp_path / "a")
    text_record(root, "with-description", extra="description: |\n  A *described* record.\n")
    return root


def prepared(root: Path, cache: Path, parses: list[str]) -> list[str]:
    """The texts parsed by the check of a build of the plugin's path (`mkdocs build`)."""
    parses.clear()
    markup._render_memo.cache_clear()
    result = prepare(root, cache)
    assert result.ok, result.report.problems
    return sorted(parses)


def test_a_warm_check_parses_nothing_and_a_changed_text_alone_is_rendered_again(tmp_path, parses):
    root, cache = archive(tmp_path), tmp_path / "cache"
    cold = prepared(root, cache, parses)
    assert cold == sorted(
        [
            "# first-draft\n\nA few lines.\n",
            "# second-draft\n\nA few lines.\n",
            "# with-description\n\nA few lines.\n",
            "A *described* record.",
        ]
    )
    stored = json.loads((cache / STORE).read_text())["renders"]
    assert stored[render_key("A *described* record.")] == "<p>A <em>described</em> record.</p>"

    assert prepared(root, cache, parses) == []

    (root / "records/second-draft/poem.md").write_text("# second draft\n\nNew lines.\n")
    assert prepared(root, cache, parses) == ["# second draft\n\nNew lines.\n"]
    stored = json.loads((cache / STORE).read_text())["renders"]
    assert len(stored) == 4  # the old text's render is not kept: only what a build uses
    assert render_key("# second-draft\n\nA few lines.\n") not in stored


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00\xff not json",
        b'{"renders": [1, 2]}',
        b'{"renders": {"k": 3}}',
        b"[]",
        b'{"other": {}}',
        b"",
    ],
)
def test_a_damaged_store_is_ignored_and_replaced(tmp_path, parses, damage):
    root, cache = archive(tmp_path), tmp_path / "cache"
    cache.mkdir()
    (cache / STORE).write_bytes(damage)
    assert len(prepared(root, cache, parses)) == 4
    assert prepared(root, cache, parses) == []


def test_a_store_that_cannot_be_written_is_no_error(tmp_path, parses):
    cache = tmp_path / "a-file"
    cache.write_text("not a folder")
    with kept_renders(cache) as renderer:
        assert renderer.render("*x*") == "<p><em>x</em></p>"
    assert cache.read_text() == "not a folder"


def test_renders_are_kept_only_when_the_block_ends_normally(tmp_path, parses):
    cache = tmp_path / "cache"
    with pytest.raises(KeyboardInterrupt):
        with kept_renders(cache) as renderer:
            renderer.render("*x*")
            raise KeyboardInterrupt
    assert not (cache / STORE).exists()  # what the interrupted build used is not all it needs
    renderer.save()  # saved by its owner, it is kept
    kept = json.loads((cache / STORE).read_text())["renders"]
    assert kept == {render_key("*x*"): "<p><em>x</em></p>"}


def test_showcase_build_renders_nothing_the_second_time(tmp_path, parses, monkeypatch):
    root = archive(tmp_path)
    (root / "content" / "people").mkdir(parents=True)
    (root / "content" / "people" / "ana.md").write_text("---\nname: Ana\n---\n\nWrites *poems*.\n")
    monkeypatch.chdir(root)
    assert cli.main(["build", "--site-dir", str(tmp_path / "site")]) == 0
    assert "\nWrites *poems*.\n" in parses  # a bio: rendered for its page only, not by the check
    stored = json.loads((root / ".cache/showcase" / STORE).read_text())["renders"]
    assert render_key("\nWrites *poems*.\n") in stored  # kept after the pages, not only the check
    parses.clear()
    markup._render_memo.cache_clear()
    assert cli.main(["build", "--site-dir", str(tmp_path / "site")]) == 0
    assert parses == []
    page = tmp_path / "site" / "records" / "with-description" / "index.html"
    assert "<em>described</em>" in page.read_text()
    assert not hasattr(markup, "_memo")  # the build's renders are its own, in no module global


def test_a_planted_render_is_sanitized_on_the_way_in(tmp_path, parses):
    """The store lives in a folder a pull request could write to: what it holds for a text
    passes the same allow-list as a fresh render before it reaches a page."""
    root, cache = archive(tmp_path), tmp_path / "cache"
    cache.mkdir()
    planted = (
        "<p>A <em>described</em> record.</p><script>alert(1)</script>"
        '<a href="javascript:alert(2)" onclick="alert(3)">x</a><img src="https://evil.example/x.png">'
    )
    (cache / STORE).write_text(
        json.dumps({"renders": {render_key("A *described* record."): planted}})
    )
    prepared(root, cache, parses)
    with kept_renders(cache) as renderer:
        html = renderer.render("A *described* record.")
    assert (
        "script" not in html
        and "javascript" not in html
        and "onclick" not in html
        and "<img" not in html
    )
    assert html.startswith("<p>A <em>described</em> record.</p>")
    # ...while a clean render comes back byte for byte: sanitizing is idempotent on it.
    text = "# Title\n\n[a](https://example.org) *b*\n\n| x |\n|---|\n| 1 |\n\n> q\n\n1. one\n"
    with kept_renders(cache) as renderer:
        fresh = renderer.render(text)
    markup._render_memo.cache_clear()
    assert Renderer.kept_in(cache).render(text) == fresh
    assert parses[-1] == text and parses.count(text) == 1  # the second came from the store


MKDOCS = Path(sys.executable).parent / "mkdocs"


def test_plain_mkdocs_build_keeps_the_renders_of_its_pages_too(tmp_path):
    """The plugin's own path (`mkdocs build`): the renderer it opens in on_config is saved
    in on_post_build, after the pages, so a bio (rendered by its page alone) is kept."""
    root = archive(tmp_path)
    (root / "content" / "people").mkdir(parents=True)
    (root / "content" / "people" / "ana.md").write_text("---\nname: Ana\n---\n\nWrites *poems*.\n")
    build = subprocess.run(
        [str(MKDOCS), "build"], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert build.returncode == 0, build.stderr
    stored = json.loads((root / ".cache/showcase" / STORE).read_text())["renders"]
    assert (
        render_key("\nWrites *poems*.\n") in stored
        and render_key("A *described* record.") in stored
    )


def test_a_build_that_fails_after_the_check_keeps_no_renders(tmp_path):
    """on_build_error drops the renderer: what a failed build used is not all it needs."""
    root = archive(tmp_path)
    (root / "theme" / "showcase").mkdir(parents=True)
    (root / "theme" / "showcase" / "record.html").write_text(
        "{% extends 'main.html' %}{% block content %}{{ 1 / 0 }}{% endblock %}"
    )
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: theme\n")
    )
    build = subprocess.run(
        [str(MKDOCS), "build"], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert build.returncode != 0 and "ZeroDivisionError" in build.stderr + build.stdout
    assert not (root / ".cache/showcase" / STORE).exists()
