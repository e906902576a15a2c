"""The mkdocs plugin refuses a broken archive before mkdocs touches the output folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.archive_factory import make_archive, text_record
from tests.conftest import run_showcase

MKDOCS = Path(sys.executable).parent / "mkdocs"


def mkdocs_build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(MKDOCS), "build"], cwd=root, capture_output=True, text=True, timeout=300
    )


def test_plain_mkdocs_build_refuses_in_the_same_words_as_check(tmp_path):
    root = make_archive(tmp_path / "a")
    text_record(root, "bad", license="CC-BY-4", sources=["ghost"])
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("last good site")
    result = mkdocs_build(root)
    check = run_showcase("check", cwd=root)
    assert result.returncode == 1
    problem_lines = [line for line in check.out.splitlines() if line.startswith("records/")]
    assert len(problem_lines) == 2
    for line in problem_lines:
        assert line in result.stderr + result.stdout
    assert (root / "site" / "index.html").read_text() == "last good site"
    assert sorted(p.name for p in (root / "site").iterdir()) == ["index.html"]


def test_showcase_build_writes_a_site_and_keeps_it_when_the_next_build_fails(tmp_path):
    root = make_archive(tmp_path / "a")
    result = run_showcase("build", cwd=root, timeout=300)
    assert result.code == 0, result.err
    index = root / "site" / "index.html"
    assert "Test archive" in index.read_text()
    text_record(root, "bad", license="MIT")
    result = run_showcase("build", cwd=root, timeout=300)
    assert result.code == 1
    assert "records/bad/record.yaml:6: license-not-allowed: " in result.out
    assert index.is_file() and "Test archive" in index.read_text()
    assert [p.name for p in root.iterdir() if p.name.startswith(".site")] == []


def test_showcase_build_site_dir_option(tmp_path):
    root = make_archive(tmp_path / "a")
    result = run_showcase("build", "--site-dir", str(tmp_path / "out"), cwd=root, timeout=300)
    assert result.code == 0, result.err
    assert (tmp_path / "out" / "index.html").is_file() and not (root / "site").exists()


def _good_site(root: Path) -> str:
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    return (root / "site" / "index.html").read_text()


def _leftovers(root: Path) -> list[str]:
    return [p.name for p in root.iterdir() if p.name.startswith(".site")]


def test_plain_mkdocs_build_keeps_the_last_good_site_when_rendering_fails(tmp_path):
    root = make_archive(tmp_path / "a")
    before = _good_site(root)
    # A template error: mkdocs fails while writing pages, long after on_config.
    (root / "theme" / "showcase").mkdir(parents=True)
    (root / "theme" / "showcase" / "record.html").write_text(
        "{% extends 'main.html' %}{% block content %}{{ 1 / 0 }}{% endblock %}"
    )
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: theme\n")
    )
    result = mkdocs_build(root)
    assert result.returncode != 0 and "ZeroDivisionError" in result.stderr + result.stdout
    assert (root / "site" / "index.html").read_text() == before
    assert (
        root / "site" / "records" / "first-draft" / "index.html"
    ).is_file()  # the whole last site
    assert _leftovers(root) == []


def test_strict_mode_warnings_keep_the_last_good_site(tmp_path):
    root = make_archive(tmp_path / "a")
    before = _good_site(root)
    (root / "content" / "index.md").write_text("# Changed\n\n[a broken link](missing.md)\n")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "strict: true\n")
    result = mkdocs_build(root)
    assert result.returncode == 1 and "strict mode" in result.stdout + result.stderr
    assert (root / "site" / "index.html").read_text() == before
    assert _leftovers(root) == []
    # and a good build replaces it whole
    (root / "content" / "index.md").write_text("# Changed\n")
    assert "Changed" in _good_site(root) and _leftovers(root) == []
