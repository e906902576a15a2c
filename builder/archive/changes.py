"""What a branch changes, from git: the records, pages and other files it touches."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import ShowcaseError


class GitError(ShowcaseError):
    """git is missing, the folder is not a repository, or the base cannot be found."""


@dataclass(frozen=True)
class Changes:
    records: frozenset[str]  # record ids whose folder the change touches and that still exist
    deleted: frozenset[str]  # record ids whose folder the change removes
    pages: frozenset[str]  # content/people/*.md and content/collaborations/*.md touched
    other: tuple[str, ...]  # anything outside records/ and content/: code, not a contribution


def classify(paths: list[str], root: Path) -> Changes:
    records: set[str] = set()
    deleted: set[str] = set()
    pages: set[str] = set()
    other: set[str] = set()
    for path in paths:
        parts = path.split("/")
        if parts[0] == "records" and len(parts) >= 2:
            rid = parts[1]
            (records if os.path.lexists(root / "records" / rid) else deleted).add(rid)
        elif parts[0] == "content":
            if (
                len(parts) == 3
                and parts[1] in ("people", "collaborations")
                and parts[2].endswith(".md")
            ):
                pages.add(path)
        else:
            other.add(path)
    return Changes(frozenset(records), frozenset(deleted), frozenset(pages), tuple(sorted(other)))


def changed_paths(root: Path, base: str | None) -> list[str]:
    """Paths (relative to root) that differ between the merge base with `base` and the work tree,
    plus untracked files: what a pull request from this checkout would contain."""
    base = base or _default_base(root)
    merge_base = _git(root, "merge-base", base, "HEAD").strip()
    diff = _git(root, "diff", "--name-only", "--no-renames", "--relative", "-z", merge_base, "--")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    return sorted({p for p in (diff + untracked).split("\0") if p})


def tracked_files(root: Path, folder: Path) -> list[str]:
    """The files under `folder` that git tracks (relative to root); [] when `folder` is outside
    root, or root is not a git work tree, or git is not installed."""
    try:
        rel = folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return []
    try:
        listed = _git(root, "ls-files", "-z", "--", rel)
    except GitError:
        return []
    return sorted(p for p in listed.split("\0") if p)


def _default_base(root: Path) -> str:
    candidates = []
    if os.environ.get("GITHUB_BASE_REF"):  # set by GitHub Actions on pull requests
        candidates.append(f"origin/{os.environ['GITHUB_BASE_REF']}")
    candidates += ["origin/main", "main", "origin/master", "master"]
    for ref in candidates:
        try:
            _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
            return ref
        except GitError:
            continue
    raise GitError(
        "no base branch found to compare with (tried origin/main, main): pass --base REF"
    )


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=60
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed, and --changed needs it") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} took more than 60 s") from exc
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["failed"])[-1]
        named = " ".join(a for a in args[1:] if not a.startswith("-"))
        raise GitError(f"git {args[0]} {named}: {detail}".strip())
    return result.stdout
