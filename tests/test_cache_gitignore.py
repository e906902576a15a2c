"""The build cache keeps itself out of git (issue 15): the folder made for it holds a
`.gitignore` of `*`, as pytest's and ruff's do, so `git add -A` after a build stages none of it.
The `committed-cache` check stays for caches added by force (tests/test_committed_cache.py)."""

from __future__ import annotations

from pathlib import Path

from builder.memo.store import GITIGNORE, make_cache_folder
from tests.archive_factory import git, make_archive
from tests.conftest import run_showcase


def staged(root: Path) -> list[str]:
    git(root, "add", "-A")
    return git(root, "diff", "--cached", "--name-only").splitlines()


def test_git_add_after_a_build_stages_nothing_of_the_cache(tmp_path):
    root = make_archive(tmp_path / "archive")
    git(root, "init", "-q", "-b", "main")  # and no .gitignore of the archive's own
    result = run_showcase("build", cwd=root, timeout=300)
    assert result.code == 0, result.out + result.err
    assert any((root / ".cache" / "showcase").rglob("manifest.json"))  # the cache is there
    files = staged(root)
    assert "mkdocs.yml" in files and "records/teal-photo/photo.jpg" in files
    assert [f for f in files if f.startswith(".cache")] == []
    # .cache/ was made for the cache too: the topmost folder made holds the .gitignore
    assert (root / ".cache" / ".gitignore").read_text() == GITIGNORE
    assert run_showcase("check", cwd=root).code == 0  # no committed-cache: nothing is tracked


def test_a_cache_elsewhere_is_kept_out_of_git_as_well(tmp_path):
    root = make_archive(tmp_path / "archive")
    yml = root / "mkdocs.yml"
    yml.write_text(
        yml.read_text().replace(
            "  - showcase\n", "  - showcase:\n      cache_dir: build/cache/showcase\n"
        )
    )
    (root / "build").mkdir()
    (root / "build" / "notes.txt").write_text("a file of the studio's, beside the cache\n")
    git(root, "init", "-q", "-b", "main")
    assert run_showcase("build", cwd=root, timeout=300).code == 0
    assert any((root / "build" / "cache" / "showcase").rglob("manifest.json"))
    files = staged(root)
    assert "build/notes.txt" in files  # a folder Showcase did not make is not ignored
    assert [f for f in files if f.startswith("build/cache")] == []
    assert not (root / "build" / ".gitignore").exists()


def test_only_the_topmost_folder_made_for_a_cache_is_marked(tmp_path):
    cache = tmp_path / "made" / "cache"
    make_cache_folder(cache / "artwork" / "ab")  # four folders made at once
    assert (tmp_path / "made" / ".gitignore").read_text() == GITIGNORE
    assert [p.parent.name for p in tmp_path.rglob(".gitignore")] == ["made"]
    make_cache_folder(cache / "staging")  # inside a marked folder: entries need no mark
    make_cache_folder(cache / "cd" / "cdef")
    assert [p.parent.name for p in tmp_path.rglob(".gitignore")] == ["made"]
    make_cache_folder(tmp_path / "archive" / "cache")  # the first folder made holds it
    assert (tmp_path / "archive" / ".gitignore").read_text() == GITIGNORE
    assert not (tmp_path / "archive" / "cache" / ".gitignore").exists()
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / ".gitignore").write_text("# the studio's own\n*.log\n")
    make_cache_folder(tmp_path / "kept")  # an existing folder is never touched
    assert (tmp_path / "kept" / ".gitignore").read_text() == "# the studio's own\n*.log\n"
