"""A build cache committed to git is refused: builds publish its files as they are."""

from __future__ import annotations

from tests.archive_factory import make_archive
from tests.conftest import run_showcase
from tests.fixtures.problem_fixtures import HERE, maker, prepare

_FIXTURE = HERE / "committed-cache"


def test_a_build_refuses_a_committed_cache_and_writes_nothing(tmp_path):
    root = prepare(_FIXTURE, tmp_path / "archive")
    make_archive(root)  # a buildable archive (mkdocs.yml, content/) beside the planted cache
    result = run_showcase("build", cwd=root, timeout=300)
    assert result.code == 1
    assert "committed-cache" in result.out and "git rm -r --cached .cache/showcase" in result.out
    assert not (root / "site").exists()


def test_the_cache_a_build_makes_and_git_ignores_is_no_problem(tmp_path):
    git = maker(_FIXTURE)
    root = make_archive(tmp_path / "archive")
    (root / ".gitignore").write_text(".cache/\nsite/\n")
    git.git(root, "init", "-q")
    git.git(root, "add", "-A")
    git.git(root, "commit", "-q", "-m", "an archive")
    assert run_showcase("build", cwd=root, timeout=300).code == 0
    assert any((root / ".cache" / "showcase").iterdir())
    check = run_showcase("check", cwd=root)
    assert check.code == 0, check.out
    git.git(root, "add", "-f", ".cache/showcase/markdown.json")  # now one file of it is tracked
    check = run_showcase("check", cwd=root)
    assert check.code == 1 and check.out.startswith(
        ".cache/showcase/markdown.json:1: committed-cache:"
    )


def test_a_cache_elsewhere_is_looked_for_there(tmp_path):
    git = maker(_FIXTURE)
    root = make_archive(tmp_path / "archive")
    yml = root / "mkdocs.yml"
    yml.write_text(
        yml.read_text().replace("  - showcase\n", "  - showcase:\n      cache_dir: build-cache\n")
    )
    (root / "build-cache").mkdir()
    (root / "build-cache" / "hashes.json").write_text("{}")
    git.git(root, "init", "-q")
    git.git(root, "add", "-A")
    git.git(root, "commit", "-q", "-m", "an archive with its cache committed")
    check = run_showcase("check", cwd=root)
    assert check.code == 1 and "build-cache/hashes.json:1: committed-cache" in check.out
