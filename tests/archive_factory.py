"""Small real archives written into a temporary folder, for CLI and plugin tests."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from PIL import Image

MKDOCS_YML = """\
site_name: Test archive
site_url: http://127.0.0.1:8000/
docs_dir: content
theme:
  name: material
  font: false
plugins:
  - showcase
"""


def text_record(
    root: Path,
    rid: str,
    *,
    license: str = "CC-BY-4.0",
    sources: list[str] = (),
    extra: str = "",
    title: str | None = None,
    contributors: tuple[tuple[str, str], ...] = (("ana", "writer"),),
) -> Path:
    folder = root / "records" / rid
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "poem.md").write_text(f"# {rid}\n\nA few lines.\n")
    src = "".join(f"\n  - {s}" for s in sources)
    (folder / "record.yaml").write_text(
        textwrap.dedent(f"""\
        title: {title or rid.replace("-", " ").title()}
        type: text
        file: poem.md
        """)
        + "contributors:\n"
        + "".join(f"  - {{handle: {h}, role: {role}}}\n" for h, role in contributors)
        + f"license: {license}\ncreated: 2024-05-01\n"
        + (f"sources:{src}\n" if sources else "")
        + extra
    )
    return folder


def image_record(root: Path, rid: str, **exif) -> Path:
    folder = root / "records" / rid
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (32, 24), "teal").save(folder / "photo.jpg", exif=_exif(**exif))
    (folder / "record.yaml").write_text(
        textwrap.dedent(f"""\
        title: Photo {rid}
        type: image
        file: photo.jpg
        alt: A teal rectangle.
        contributors:
          - {{handle: bo, role: photographer, name: Bo Berg}}
        license: CC-BY-SA-4.0
        created: 2024-05-02
        """)
    )
    return folder


def _exif(gps: bool = False) -> bytes:
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (52.0, 31.0, 0.0), 3: "E", 4: (13.0, 24.0, 0.0)}
    return exif.tobytes()


def make_archive(root: Path, *, site: bool = True) -> Path:
    """A clean archive: two texts in a lineage and a photo, a home page and mkdocs.yml."""
    root.mkdir(parents=True, exist_ok=True)
    text_record(root, "first-draft")
    text_record(root, "second-draft", sources=["first-draft"])
    image_record(root, "teal-photo")
    if site:
        (root / "content").mkdir(exist_ok=True)
        (root / "content" / "index.md").write_text("# Test archive\n")
        (root / "mkdocs.yml").write_text(MKDOCS_YML)
    return root


def git(root: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "HOME": str(root),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env
    ).stdout


def git_init(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")


def lineage_archive(root: Path, *, chain: int = 16, fan: int = 24) -> Path:
    """An archive whose production has a lineage of dozens: a chain `chain` records deep
    (deeper than the page draws) and `fan` records in four families that share sources,
    by a dozen people. Record ids say where they sit: chain-00 is the oldest."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(chain):
        text_record(
            root,
            f"chain-{i:02d}",
            sources=[f"chain-{i - 1:02d}"] if i else [],
            contributors=_by(i),
            title=f"Chain step {i} of a long lineage with a rather long title",
        )
    for i in range(fan):
        family = i % 4
        sources = (
            [f"fan-{i - 4:02d}"]
            if i >= 4
            else ["chain-15" if family == 0 else f"chain-{family:02d}"]
        )
        if i >= 8 and i % 3 == 0:
            sources.append(f"fan-{i - 7:02d}")  # shared: drawn once, then "shown above"
        text_record(root, f"fan-{i:02d}", sources=sources, contributors=_by(i + 3))
    text_record(
        root,
        "the-production",
        sources=[f"fan-{i:02d}" for i in range(fan - 4, fan)],
        extra="kind: production\n",
        title="The production",
    )
    (root / "content").mkdir(exist_ok=True)
    (root / "content" / "index.md").write_text("# Lineage archive\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    return root


def _by(i: int) -> tuple[tuple[str, str], ...]:
    """A second contributor from a pool of a dozen, so the lineage has many people."""
    return (("ana", "writer"), (f"p{i % 12:02d}", "editor"))
