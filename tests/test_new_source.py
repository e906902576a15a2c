"""`showcase new FILE --source ID`: a remix started from the command line, as a contributor
runs it (a subprocess, stdin not a terminal), then `showcase check` on the result."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from builder.core.schema import read_record
from builder.core.yamltree import parse_yaml
from tests.archive_factory import make_archive, text_record
from tests.conftest import SHOWCASE, run_showcase

PERSON = ("--handle", "bo", "--role", "writer")


def new(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_BASE_REF"}
    return subprocess.run(
        [str(SHOWCASE), "new", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**env, "NO_COLOR": "1"},
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """first-draft (CC BY) <- second-draft (CC BY); teal-photo (CC BY-SA); an ND and an NC text."""
    archive = make_archive(tmp_path / "archive", site=False)
    text_record(archive, "nd-poem", license="CC-BY-ND-4.0")
    text_record(archive, "nc-poem", license="CC-BY-NC-4.0")
    (tmp_path / "mine.md").write_text("# Mine\n\nNew lines over old ones.\n")
    return archive


def record_of(root: Path, rid: str):
    text = (root / "records" / rid / "record.yaml").read_text()
    tree, issues = parse_yaml(text)
    assert not issues
    record, problems = read_record(rid, tree, f"records/{rid}/record.yaml")
    assert not [p for p in problems if p.code != "missing-field"], problems
    return record, text


def records(root: Path) -> set[str]:
    return {p.name for p in (root / "records").iterdir()}


def test_new_source_writes_the_sources_and_the_license_they_require(root):
    result = new(root, "../mine.md", "--source", "teal-photo", "--title", "Teal remix", *PERSON)
    assert result.returncode == 0, result.stderr
    record, text = record_of(root, "teal-remix")
    assert [s.id for s in record.sources] == ["teal-photo"]
    assert record.license == "CC-BY-SA-4.0"  # the only license ShareAlike leaves
    assert "# A remix of 'teal-photo' must be CC BY-SA 4.0\nsources:\n  - teal-photo\n" in text
    assert "must be CC BY-SA 4.0" in result.stdout
    check = run_showcase("check", cwd=root)
    assert check.code == 0, check.out


def test_repeated_source_lists_each_once_and_offers_only_allowed_licenses(root):
    result = new(
        root,
        "../mine.md",
        "--source",
        "second-draft",
        "--source",
        "nc-poem",
        "--source",
        "second-draft",
        "--title",
        "Two sources",
        *PERSON,
    )
    assert result.returncode == 0, result.stderr
    text = (root / "records" / "two-sources" / "record.yaml").read_text()
    data = yaml.safe_load(text)
    assert data["sources"] == ["second-draft", "nc-poem"]
    assert data["license"] is None  # three licenses fit: the contributor picks, FILL ME
    menu = text[text.index("FILL ME: choose one license") : text.index("\nlicense:")]
    assert "CC-BY-NC-4.0" in menu and "CC-BY-NC-SA-4.0" in menu
    assert "CC-BY-4.0 " not in menu and "CC0-1.0" not in menu and "CC-BY-SA-4.0" not in menu
    assert "non-commercial" in result.stdout


def test_given_license_is_kept_when_the_sources_allow_it_and_checks_clean(root):
    result = new(root, "../mine.md", "--source", "nc-poem", "--license", "CC-BY-NC-SA-4.0", *PERSON)
    assert result.returncode == 0, result.stderr
    record, _ = record_of(root, "mine")
    assert record.license == "CC-BY-NC-SA-4.0"
    assert run_showcase("check", cwd=root).code == 0


def test_unknown_source_is_refused_with_the_near_id_and_nothing_is_written(root):
    before = records(root)
    result = new(root, "../mine.md", "--source", "teal-foto", *PERSON)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "showcase new: error: --source teal-foto: no record 'teal-foto' in records/ "
        "(did you mean 'teal-photo'?); nothing was created"
    )
    assert records(root) == before


def test_noderivatives_source_is_refused_saying_why(root):
    before = records(root)
    result = new(root, "../mine.md", "--source", "nd-poem", *PERSON)
    assert result.returncode == 2
    err = result.stderr
    assert "--source nd-poem: it cannot be remixed: 'nd-poem' is under CC BY-ND 4.0" in err
    assert "NoDerivatives" in err and "leave it out of --source" in err
    assert records(root) == before


def test_a_license_the_sources_forbid_is_refused_naming_the_one_they_need(root):
    result = new(root, "../mine.md", "--source", "teal-photo", "--license", "CC-BY-4.0", *PERSON)
    assert result.returncode == 2
    assert "cannot be CC-BY-4.0: it must be CC BY-SA 4.0" in result.stderr
    assert "give --license CC-BY-SA-4.0" in result.stderr
    assert "mine" not in records(root)


def test_sources_whose_rules_conflict_are_refused(root):
    result = new(root, "../mine.md", "--source", "teal-photo", "--source", "nc-poem", *PERSON)
    assert result.returncode == 2
    assert "no remix may use them together" in result.stderr
    assert "mine" not in records(root)


def test_withdrawn_source_is_refused(root):
    text_record(root, "gone", extra="withdrawn: {date: 2024-06-01, reason: taken back}\n")
    result = new(root, "../mine.md", "--source", "gone", *PERSON)
    assert result.returncode == 2
    assert "--source gone: that record was withdrawn" in result.stderr


def test_a_blank_text_can_start_a_remix(root):
    result = new(
        root,
        "--type",
        "text",
        "--source",
        "first-draft",
        "--title",
        "Reply",
        *PERSON,
        "--license",
        "CC-BY-4.0",
    )
    assert result.returncode == 0, result.stderr
    record, _ = record_of(root, "reply")
    assert [s.id for s in record.sources] == ["first-draft"]
