"""`showcase check` as contributors and CI call it: a subprocess, its output and exit status."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from builder import cli
from tests.archive_factory import git, git_init, image_record, make_archive, text_record
from tests.conftest import run_showcase

LINE = re.compile(r"^(records|content)/[^:]+:\d+: [a-z-]+: .+ — .+$")


def problem_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if LINE.match(line)]


def test_clean_archive_exits_0(tmp_path):
    root = make_archive(tmp_path / "a")
    result = run_showcase("check", cwd=root)
    assert (result.code, result.out, result.err) == (0, "3 records checked: no problems.\n", "")


def test_root_option_and_relative_paths(tmp_path):
    root = make_archive(tmp_path / "a")
    text_record(root, "bad", license="CC-BY-4")
    result = run_showcase("check", "--root", str(root), cwd=tmp_path)
    assert result.code == 1
    assert result.out.splitlines()[0].startswith("records/bad/record.yaml:6: license-not-allowed: ")


def test_all_problems_at_once_grouped_by_record(tmp_path):
    root = make_archive(tmp_path / "a")
    text_record(root, "aaa-bad", license="MIT", extra="tipe: x\n")
    text_record(root, "zzz-bad", sources=["nowhere"])
    (root / "records" / "zzz-bad" / "notes.txt").write_text("stray")
    result = run_showcase("check", cwd=root)
    assert result.code == 1 and result.err == ""
    lines = problem_lines(result.out)
    assert [line.split(": ")[1] for line in lines] == [
        "license-not-allowed",
        "unknown-field",
        "unknown-source",
        "extra-file",
    ] or [line.split(": ")[1] for line in lines] == [
        "license-not-allowed",
        "unknown-field",
        "extra-file",
        "unknown-source",
    ]
    blocks = result.out.strip().split("\n\n")
    assert len(blocks) == 3  # one group per record, then the summary
    assert blocks[-1] == "5 records checked: 4 problems in 2 places."


def test_unparseable_yaml_is_one_problem_with_its_line(tmp_path):
    root = make_archive(tmp_path / "a")
    (root / "records" / "first-draft" / "record.yaml").write_text(
        "title: x\ntype: [text\nfile: poem.md\n"
    )
    result = run_showcase("check", cwd=root)
    assert result.code == 1 and "Traceback" not in result.err + result.out
    lines = problem_lines(result.out)
    assert len(lines) == 1 and lines[0].startswith(
        "records/first-draft/record.yaml:2: yaml-syntax: "
    )  # where the [ opens


def test_json_format(tmp_path):
    root = make_archive(tmp_path / "a")
    text_record(root, "bad", license="MIT")
    result = run_showcase("check", "--format", "json", cwd=root)
    doc = json.loads(result.out)
    assert result.code == 1 and doc["ok"] is False and doc["checked"] == 4
    assert doc["problems"] == [
        {
            "path": "records/bad/record.yaml",
            "line": 6,
            "code": "license-not-allowed",
            "message": "the license 'MIT' is not accepted by this archive",
            "fix": "use one of: CC0-1.0, CC-BY-4.0, CC-BY-SA-4.0, CC-BY-NC-4.0, CC-BY-NC-SA-4.0, "
            "CC-BY-ND-4.0, CC-BY-NC-ND-4.0",
            "record": "bad",
        }
    ]


def test_github_annotations(tmp_path):
    root = make_archive(tmp_path / "a")
    text_record(root, "bad", license="MIT", title="'100%, really'")
    image_record(root, "gps-photo", gps=True)
    result = run_showcase("check", "--format", "github", cwd=root)
    annotations = [line for line in result.out.splitlines() if line.startswith("::")]
    assert annotations[0].startswith(
        "::error file=records/bad/record.yaml,line=6::license-not-allowed: "
    )
    assert annotations[1] == (
        "::error file=records/gps-photo/record.yaml,line=3::location-metadata: 'photo.jpg' "
        "carries GPS coordinates of where it was taken — strip them: `showcase new FILE "
        "--strip-gps` adds a copy without them, or `exiftool -gps:all= FILE`, or export "
        "without location"
    )
    assert result.code == 1


def test_not_an_archive_and_bad_arguments_exit_2(tmp_path):
    result = run_showcase("check", cwd=tmp_path)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and "no records/ folder" in result.err
    result = run_showcase("check", "--format", "xml", cwd=tmp_path)
    assert result.code == 2 and "invalid choice" in result.err
    result = run_showcase("check", "--root", str(tmp_path / "missing"), cwd=tmp_path)
    assert result.code == 2 and "is not a folder" in result.err


def test_internal_failure_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    root = make_archive(tmp_path / "a")

    def explode(*_a, **_k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "check_archive", explode)
    assert cli.main(["check", "--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert err == "showcase check: error: could not run: RuntimeError: disk on fire\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_as_media_does_not_hang(tmp_path):
    root = make_archive(tmp_path / "a")
    folder = root / "records" / "first-draft"
    (folder / "poem.md").unlink()
    os.mkfifo(folder / "poem.md")
    result = run_showcase("check", cwd=root, timeout=30)
    assert result.code == 1
    assert problem_lines(result.out) == [
        "records/first-draft/record.yaml:3: not-a-file: 'poem.md' is a special file "
        "(a FIFO, socket or device), not a regular file — name a regular file"
    ]


def test_symlink_out_of_the_archive_is_refused_not_read(tmp_path):
    root = make_archive(tmp_path / "a")
    folder = root / "records" / "first-draft"
    (folder / "poem.md").unlink()
    (folder / "poem.md").symlink_to("/etc/passwd")
    result = run_showcase("check", cwd=root)
    assert problem_lines(result.out) == [
        "records/first-draft/record.yaml:3: symlink: 'poem.md' is a symbolic link "
        "— replace the link with the file itself"
    ]
    assert "root:" not in result.out


# --- check --changed ------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    root = make_archive(tmp_path / "repo")
    text_record(root, "old-broken", license="MIT")  # already on main: not this branch's fault
    git_init(root)
    git(root, "checkout", "-qb", "contribution")
    return root


def test_changed_reports_exactly_the_bad_new_record(repo):
    text_record(repo, "new-good", sources=["first-draft"])
    text_record(repo, "new-bad", sources=["no-such-record"])
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two records")
    full = run_showcase("check", cwd=repo)
    assert "old-broken" in full.out
    result = run_showcase("check", "--changed", "--base", "main", "--format", "github", cwd=repo)
    assert result.code == 1
    assert [line for line in result.out.splitlines() if line.startswith("::")] == [
        "::error file=records/new-bad/record.yaml,line=9::unknown-source: "
        "the source 'no-such-record' is not a record in this archive — check the name against "
        "records/. If it was deleted, restore it and withdraw it instead"
    ]
    assert result.out.splitlines()[-1] == "2 records checked: 1 problem in 1 place."


def test_changed_sees_uncommitted_work_and_default_base(repo):
    text_record(repo, "draft", license="CC-BY-4")
    result = run_showcase("check", "--changed", cwd=repo)
    assert result.code == 1 and problem_lines(result.out)[0].startswith(
        "records/draft/record.yaml:6: license-not-allowed"
    )


def test_changed_reaches_downstream_records(repo):
    # first-draft becomes ShareAlike: second-draft (unchanged, CC BY) now breaks the rule
    path = repo / "records" / "first-draft" / "record.yaml"
    path.write_text(path.read_text().replace("CC-BY-4.0", "CC-BY-SA-4.0"))
    result = run_showcase("check", "--changed", "--base", "main", cwd=repo)
    assert problem_lines(result.out) == [
        "records/second-draft/record.yaml:6: license-sa-mismatch: 'second-draft' is CC-BY-4.0 "
        "but adapts 'first-draft' (CC-BY-SA-4.0), whose ShareAlike license requires the remix to "
        "use the same license — set `license: CC-BY-SA-4.0`"
    ]


def test_changed_deleting_a_used_record(repo):
    shutil.rmtree(repo / "records" / "first-draft")
    git(repo, "commit", "-qam", "remove")
    result = run_showcase("check", "--changed", "--base", "main", cwd=repo)
    assert result.code == 1
    lines = problem_lines(result.out)
    assert len(lines) == 1 and lines[0].startswith(
        "records/second-draft/record.yaml:9: deleted-record: "
    )


def test_changed_flags_code_changes_for_review(repo):
    (repo / "mkdocs.yml").write_text((repo / "mkdocs.yml").read_text() + "\n# tweak\n")
    result = run_showcase("check", "--changed", "--base", "main", cwd=repo)
    assert result.code == 0
    assert (
        "note: this change touches files outside records/ and content/ (mkdocs.yml): it is code"
        in result.out
    )


def test_changed_without_git_history_is_exit_2(tmp_path):
    root = make_archive(tmp_path / "a")
    result = run_showcase("check", "--changed", cwd=root)
    assert (
        result.code == 2 and result.out == "" and result.err.startswith("showcase check: error: ")
    )
    assert len(result.err.splitlines()) == 1
