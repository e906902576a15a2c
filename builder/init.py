"""`showcase init [DIR]`: a new, empty archive that checks clean and builds.

    showcase init [DIR] [--name NAME] [--url URL] [--owner-email ADDRESS]
                        [--licenses SPDX,SPDX,...]

It writes the files of builder/starter/ (names starting `dot-` get their dot back:
`dot-github/` becomes `.github/`) with the studio's values filled in, plus a podcast cover
card of the studio's name. Two files are not copies but this repository's own, so that
they never drift apart: content/contribute.md (its problem codes, licenses and commands are
the installed version's) and the pull-request template. In a wheel they are shipped inside
builder/starter/ (pyproject.toml force-include); in a checkout they are read where they live.

The workflows install the Showcase that ran `init`, pinned to its repository's git tag
(`v<version>`, requirements.txt); the repository's URL is declared once, in pyproject.toml
[project.urls] Repository. It never prompts, refuses a folder that is not empty, and writes
the archive beside DIR first, moving it in whole.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from .core.licenses import DEFAULT_ALLOWED, lookup
from .errors import CommandError

HERE = Path(__file__).resolve().parent
STARTER = HERE / "starter"
# starter path -> this repository's path of the files init copies as they are (see above)
SHARED = {
    "content/contribute.md": "content/contribute.md",
    "dot-github/pull_request_template.md": ".github/pull_request_template.md",
}
COVER = "content/podcast-cover.png"
COVER_SIDE = 1400  # the podcast's minimum (builder/feeds/settings.py)
LOCAL_URL = "http://127.0.0.1:8000/"  # `showcase serve`'s address
# What may already be in DIR: `git init` first is a natural way to start.
ALLOWED_IN_TARGET = {".git"}
MARK = "%%"


@dataclass(frozen=True)
class Studio:
    """What the studio says about itself (flags); None: not given."""

    name: str
    url: str | None = None
    owner_email: str | None = None
    licenses: tuple[str, ...] = DEFAULT_ALLOWED


@dataclass(frozen=True)
class Release:
    """The Showcase that runs `init`: the archive's workflows install this one."""

    version: str
    repo: str  # the git repository's URL, without a trailing slash

    @property
    def tag(self) -> str:
        return f"v{self.version}"


# --- the pure part: the starter's text with the studio's values --------------------------------


def starter_values(studio: Studio, release: Release) -> dict[str, str]:
    """MARK-delimited names in the starter files -> their text. YAML values are JSON strings
    (valid YAML double-quoted scalars), so no name can break mkdocs.yml."""
    description = f"{studio.name}: an open studio of records, remixes and productions."
    email = (
        f"        owner_email: {_yaml(studio.owner_email)}"
        if studio.owner_email
        else "        owner_email:  # FILL ME: the address podcast apps may write to "
        "(needed once a production has sound or video)"
    )
    return {
        "NAME": studio.name,
        "NAME_YAML": _yaml(studio.name),
        "DESCRIPTION_YAML": _yaml(description),
        "URL_YAML": _yaml(studio.url or LOCAL_URL),
        "LICENSES": "\n".join(f"        - {spdx}" for spdx in studio.licenses),
        "OWNER_EMAIL": email,
        "REPO": release.repo,
        "VERSION": release.version,
    }


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with every %%NAME%% replaced; ValueError names one that has no value."""
    parts = text.split(MARK)
    if len(parts) % 2 == 0:
        raise ValueError(f"an unpaired {MARK} in a starter file")
    for i in range(1, len(parts), 2):
        if parts[i] not in values:
            raise ValueError(f"no value for {MARK}{parts[i]}{MARK} in a starter file")
        parts[i] = values[parts[i]]
    return "".join(parts)


def archive_path(starter_path: str) -> str:
    """Where a starter file goes in the archive: `dot-x` parts become `.x`."""
    parts = PurePosixPath(starter_path).parts
    return "/".join("." + p.removeprefix("dot-") if p.startswith("dot-") else p for p in parts)


def unfilled(studio: Studio) -> list[str]:
    """The mkdocs.yml keys left marked FILL ME."""
    return [] if studio.owner_email else ["feeds.owner_email"]


def _yaml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# --- checking the flags ------------------------------------------------------------------------


def studio_from_flags(
    folder: Path,
    name: str | None,
    url: str | None,
    owner_email: str | None,
    licenses: str | None,
) -> Studio:
    """The flags, checked (CommandError says which and why); the name defaults to the
    folder's, in words."""
    name = " ".join((name or folder.name.replace("-", " ").replace("_", " ").title()).split())
    if not name:
        raise CommandError("--name must not be empty")
    return Studio(name, _site_url(url), _email(owner_email), _licenses(licenses))


def _site_url(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise CommandError(
            f"--url {url!r} is not a site address: give it whole, like https://studio.example.org/"
        )
    return url.rstrip("/") + "/"


def _email(address: str | None) -> str | None:
    if address is None:
        return None
    from .feeds.settings import Email, FeedError  # the podcast's own rule for the address

    try:
        return Email().read("owner_email", address, Path())
    except FeedError as error:
        raise CommandError(
            f"--owner-email {address!r} is not an email address — {error.fix}"
        ) from None


def _licenses(value: str | None) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_ALLOWED
    chosen = [spdx for spdx in value.replace(",", " ").split()]
    unknown = [spdx for spdx in chosen if lookup(spdx) is None]
    if unknown or not chosen:
        raise CommandError(
            f"--licenses: {', '.join(unknown) or 'none given'} — give Creative Commons SPDX "
            "ids separated by commas, such as CC0-1.0,CC-BY-4.0,CC-BY-SA-4.0"
        )
    return tuple(dict.fromkeys(chosen))


# --- the edges: the release, the starter's files, the folder -----------------------------------


def current_release() -> Release:
    """This Showcase's version and repository: from the checkout's pyproject.toml when running
    from one (an editable install's metadata may be older), else the installed metadata."""
    pyproject = HERE.parent / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text("utf-8")).get("project", {})
        repo = project.get("urls", {}).get("Repository")
        if project.get("name") == "showcase" and repo:
            return Release(project["version"], repo.rstrip("/"))
    try:
        meta = importlib.metadata.metadata("showcase")
    except importlib.metadata.PackageNotFoundError:
        raise CommandError("Showcase is not installed: its version is unknown") from None
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip() == "Repository":
            return Release(meta["Version"], url.strip().rstrip("/"))
    raise CommandError("the installed Showcase names no Repository URL to pin the workflows to")


def starter_files() -> dict[str, Path]:
    """starter path -> the file to read, the shared ones included (see SHARED)."""
    files = {
        p.relative_to(STARTER).as_posix(): p
        for p in sorted(STARTER.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    for starter_path, repo_path in SHARED.items():
        if starter_path not in files:
            checkout = HERE.parent / repo_path
            if not checkout.is_file():
                raise CommandError(f"this Showcase install lacks {repo_path}")
            files[starter_path] = checkout
    return files


def write_archive(dest: Path, studio: Studio, release: Release) -> list[str]:
    """Write the new archive into `dest` (a new folder); the archive's paths, sorted."""
    values = starter_values(studio, release)
    written: list[str] = []
    for starter_path, source in starter_files().items():
        target = dest / archive_path(starter_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if starter_path in SHARED:
            shutil.copyfile(source, target)
        else:
            target.write_text(fill(source.read_text("utf-8"), values), "utf-8")
        written.append(archive_path(starter_path))
    _write_cover(dest / COVER, studio.name)
    written.append(COVER)
    return sorted(written)


def _write_cover(path: Path, name: str) -> None:
    from .media.cards import render_card  # Pillow and fonts: only when a cover is made

    render_card(name, "", "podcast", [], size=(COVER_SIDE, COVER_SIDE)).save(path, "PNG")


def init_folder(target: Path, studio: Studio, release: Release) -> list[str]:
    """Make the archive in `target` (new, or empty but for .git): assembled in a hidden
    folder beside it and moved in, so a failure leaves `target` as it was."""
    if target.exists() and not target.is_dir():
        raise CommandError(f"{target} is a file: give a new or empty folder")
    present = sorted(p.name for p in target.iterdir()) if target.is_dir() else []
    extra = [name for name in present if name not in ALLOWED_IN_TARGET]
    if extra:
        shown = ", ".join(extra[:3]) + (", ..." if len(extra) > 3 else "")
        raise CommandError(
            f"{target} is not empty ({shown}): init makes a new archive in a new or empty "
            "folder, and never changes one that exists"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=target.parent))
    try:
        written = write_archive(staging, studio, release)
        target.mkdir(exist_ok=True)
        for entry in sorted(staging.iterdir()):
            os.replace(entry, target / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


# --- the command line --------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the `init` command to the CLI."""
    init = sub.add_parser(
        "init",
        parents=[common],
        help="make a new, empty archive that checks clean and builds",
        description="Write a new Showcase archive into DIR (new, or empty): mkdocs.yml, "
        "content/ (home, contribute page, an example profile and collaboration), an empty "
        "records/, .gitignore, pre-commit hooks and GitHub workflows that check pull "
        "requests and deploy to GitHub Pages with this Showcase version, pinned. "
        "Never asks questions; what only the studio knows and was not given is marked "
        "FILL ME in mkdocs.yml.",
    )
    init.add_argument("dir", nargs="?", default=".", metavar="DIR", help="default: here")
    init.add_argument("--name", help="the studio's name (default: from DIR's name)")
    init.add_argument(
        "--url",
        help="the published address, e.g. https://studio.example.org/ (default: the "
        "local preview's; the deploy workflow uses GitHub Pages' address)",
    )
    init.add_argument(
        "--owner-email", metavar="ADDRESS", help="the podcast's contact for podcast apps"
    )
    init.add_argument(
        "--licenses",
        metavar="SPDX,...",
        help="the licenses records may carry (default: " + ",".join(DEFAULT_ALLOWED) + ")",
    )
    init.set_defaults(run=run_init)


def run_init(args: argparse.Namespace, root: Path) -> int:
    target = (root / args.dir).resolve()  # root: --root, else the current folder
    studio = studio_from_flags(target, args.name, args.url, args.owner_email, args.licenses)
    release = current_release()
    written = init_folder(target, studio, release)
    shown = os.path.relpath(target)
    print(f"Created a Showcase archive in {shown}/: " + ", ".join(_top_level(written)))
    print(
        f"Pinned to Showcase {release.version} (tag {release.tag} of {release.repo}) in "
        "requirements.txt and .pre-commit-config.yaml."
    )
    left = unfilled(studio)
    if left:
        print("Still to fill in mkdocs.yml (marked FILL ME): " + ", ".join(left))
    cd = "" if shown == "." else f"cd {shown} && "
    print(f"Then run: {cd}showcase check && showcase build")
    return 0


def _top_level(paths: list[str]) -> list[str]:
    tops = dict.fromkeys(p.split("/")[0] + ("/" if "/" in p else "") for p in paths)
    return sorted(tops)
