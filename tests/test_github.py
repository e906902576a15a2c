"""The GitHub integration: workflows, pull-request template, pre-commit hooks, annotations.

The workflows cannot run here, so their files are parsed and their promises asserted
(fork-safe triggers, read-only token, no secrets, the media cache), and the shell of
the check step itself is run against a real git repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from builder.core.problems import CODES
from tests.archive_factory import git, git_init, image_record, make_archive, text_record
from tests.conftest import ROOT, SHOWCASE, run_showcase

WORKFLOWS = ROOT / ".github" / "workflows"
PR_WORKFLOW = WORKFLOWS / "pull-request.yml"
DEPLOY_WORKFLOW = WORKFLOWS / "deploy.yml"

# The documented form (README, core/report.py): `::error file=PATH,line=N::CODE: message — fix`.
ANNOTATION = re.compile(
    r"^::error file=(?P<path>[^,:]+),line=(?P<line>[1-9][0-9]*)::"
    r"(?P<code>[a-z]+(?:-[a-z]+)*): (?P<message>.+) — (?P<fix>.+)$"
)
CODE_NOTE = (
    "::notice::this change touches files outside records/ and content/ ({files}): "
    "it is code, not a contribution; review it as code"
)


def load(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text())
    assert isinstance(doc, dict), f"{path} is not a mapping"
    return doc


def triggers(workflow: dict) -> dict:
    """The `on:` mapping. YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True."""
    assert ("on" in workflow) != (True in workflow), "exactly one `on:` key"
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def uses(step: dict, action: str) -> bool:
    """`step` uses `action` (owner/name[/path]) at some version."""
    return step.get("uses", "").split("@")[0] == action


def only(found: list[dict], what: str) -> dict:
    assert len(found) == 1, f"expected exactly one {what}, found {len(found)}"
    return found[0]


# --- the pull-request workflow -----------------------------------------------------------------


@pytest.fixture(scope="module")
def pr() -> dict:
    return load(PR_WORKFLOW)


def test_pr_workflow_triggers_only_on_pull_request(pr):
    assert set(triggers(pr)) == {"pull_request"}  # never pull_request_target: fork code + secrets


def test_pr_workflow_token_is_read_only_and_uses_no_secrets(pr):
    assert pr["permissions"] == {"contents": "read"}
    for name, job in pr["jobs"].items():
        assert job.get("permissions", {}) in ({}, {"contents": "read"}), (
            f"job {name} widens the token"
        )
    text = PR_WORKFLOW.read_text()
    assert "secrets." not in text and "secrets[" not in text


def test_pr_workflow_runs_one_at_a_time_per_pull_request(pr):
    assert "github.event.pull_request.number" in pr["concurrency"]["group"]
    assert pr["concurrency"]["cancel-in-progress"] is True


def test_pr_workflow_checks_out_the_history_for_changed(pr):
    checkout = only([s for s in steps(pr) if uses(s, "actions/checkout")], "checkout")
    assert checkout["with"]["fetch-depth"] == 0
    python = only([s for s in steps(pr) if uses(s, "actions/setup-python")], "setup-python")
    assert str(python["with"]["python-version"]) == "3.11"


def test_pr_workflow_check_step_annotates_and_fails_the_job(pr):
    all_steps = steps(pr)
    check = only(
        [
            s
            for s in all_steps
            if "showcase check" in s.get("run", "") and "--format github" in s["run"]
        ],
        "check step with --format github",
    )
    assert "showcase check --changed" in check["run"] and "--base" in check["run"]
    assert not check.get("continue-on-error"), "problems must fail the job"
    assert "|| true" not in check["run"]
    assert "${{" not in check["run"], "pass expressions through env:, never into the script"
    build = only([s for s in all_steps if "showcase build" in s.get("run", "")], "build step")
    upload = only(
        [s for s in all_steps if uses(s, "actions/upload-artifact")], "upload-artifact step"
    )
    assert str(upload["with"]["path"]).rstrip("/") == "site"
    assert all_steps.index(check) < all_steps.index(build) < all_steps.index(upload)
    setup = only(
        [s for s in all_steps if s.get("run", "").strip() == "./dev setup"], "./dev setup step"
    )
    assert all_steps.index(setup) < all_steps.index(check)


def test_pr_workflow_restores_but_never_saves_the_media_cache(pr):
    # A pull request's cache would only be seen by that pull request: restoring main's is what
    # helps.
    caches = [s for s in steps(pr) if s.get("uses", "").startswith("actions/cache")]
    assert [s["uses"].split("@")[0] for s in caches] == ["actions/cache/restore"]
    assert caches[0]["with"]["path"] == ".cache/showcase"


# --- the deploy workflow -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def deploy() -> dict:
    return load(DEPLOY_WORKFLOW)


def test_deploy_workflow_triggers_on_push_to_main(deploy):
    on = triggers(deploy)
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"]["branches"] == ["main"]


def test_deploy_workflow_permissions(deploy):
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert "secrets." not in DEPLOY_WORKFLOW.read_text()


def test_deploy_workflow_restores_and_saves_the_media_cache(deploy):
    all_steps = steps(deploy)
    caches = [
        s
        for s in all_steps
        if s.get("uses", "").startswith("actions/cache") and s["with"]["path"] == ".cache/showcase"
    ]
    kinds = {s["uses"].split("@")[0] for s in caches}
    assert kinds == {"actions/cache"} or kinds == {"actions/cache/restore", "actions/cache/save"}
    restore = next(
        s for s in caches if s["uses"].split("@")[0] in ("actions/cache", "actions/cache/restore")
    )
    # Entries are immutable: a key unique to the run saves anew, restore-keys finds the last one.
    assert "github.run_id" in restore["with"]["key"] and restore["with"]["restore-keys"].strip()
    build = only([s for s in all_steps if "showcase build" in s.get("run", "")], "build step")
    assert all_steps.index(restore) < all_steps.index(build)
    if kinds != {"actions/cache"}:
        save = next(s for s in caches if s["uses"].startswith("actions/cache/save@"))
        assert all_steps.index(build) < all_steps.index(save)
        assert save["with"]["key"] == f"${{{{ steps.{restore['id']}.outputs.cache-primary-key }}}}"


def test_deploy_workflow_publishes_to_pages(deploy):
    all_steps = steps(deploy)
    assert any(uses(s, "actions/configure-pages") for s in all_steps)
    upload = only(
        [s for s in all_steps if uses(s, "actions/upload-pages-artifact")], "upload-pages-artifact"
    )
    assert str(upload["with"]["path"]).rstrip("/") == "site"
    job = deploy["jobs"]["deploy"]
    assert job["environment"]["name"] == "github-pages"
    assert job["needs"] == "build"
    assert any(uses(s, "actions/deploy-pages") for s in job["steps"])


@pytest.mark.parametrize("path", [PR_WORKFLOW, DEPLOY_WORKFLOW], ids=lambda p: p.name)
def test_actions_are_pinned_to_a_major_version(path):
    for step in steps(load(path)):
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+(/[a-z-]+)?@v[0-9]+", step["uses"]), step["uses"]


@pytest.mark.parametrize("path", [PR_WORKFLOW, DEPLOY_WORKFLOW], ids=lambda p: p.name)
def test_workflow_commands_exist(path):
    """`./dev setup` is a command of ./dev, and `.venv/bin/showcase` is where it installs
    showcase."""
    dev = (ROOT / "dev").read_text()
    runs = "\n".join(s.get("run", "") for s in steps(load(path)))
    assert "./dev setup" in runs and re.search(r"^\s*setup\)", dev, re.MULTILINE)
    assert 'VENV="${SHOWCASE_VENV:-.venv}"' in dev
    for command in re.findall(r"\.venv/bin/showcase (\w+)", runs):
        assert command in ("check", "build")


# --- pre-commit, the pull-request template, CONTRIBUTING.md ------------------------------------


def test_pre_commit_hooks():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    by_id = {hook["id"]: hook for hook in hooks}
    hook = by_id["showcase-check"]
    assert hook["entry"] == "showcase check"
    assert (
        hook["language"] == "python"
        and hook["pass_filenames"] is False
        and hook["always_run"] is False
    )
    files = re.compile(hook["files"])
    assert files.search("records/harbour/record.yaml") and files.search("content/people/ana.md")
    assert not files.search("builder/cli.py") and not files.search("mkdocs.yml")
    # pre-commit installs this repository as a package: the entry must be one of its scripts.
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    page = (ROOT / "content" / "contribute.md").read_text()
    for hook in hooks:
        assert hook["entry"].split()[0] in scripts
        assert hook["id"] in page, f"hook {hook['id']} is not documented on the contribute page"


def test_pull_request_template_is_a_checklist():
    template = (ROOT / ".github" / "pull_request_template.md").read_text()
    items = [line for line in template.splitlines() if line.startswith("- [ ] ")]
    assert len(items) >= 6
    for topic in ("record.yaml", "license", "sources", "alt", "location", "showcase check"):
        assert any(topic in item for item in items), f"no checklist item about {topic}"


def test_contributing_is_a_real_file_that_points_to_the_contribute_page():
    contributing = ROOT / "CONTRIBUTING.md"
    assert contributing.is_file() and not contributing.is_symlink()
    assert "](content/contribute.md)" in contributing.read_text()


def test_contribute_page_has_the_path_without_git():
    page = " ".join((ROOT / "content" / "contribute.md").read_text().split())
    for words in (
        "Upload files",
        "Create new file",
        "Propose changes",
        "Create pull request",
        "Files changed",
        "Artifacts",
        "showcase new",
    ):
        assert words in page, words


# --- annotations from a real run ---------------------------------------------------------------


def broken_archive(root: Path) -> Path:
    make_archive(root)
    text_record(
        root, "bad-license", license="MIT", title="'100%, really: yes'", extra="tipe: text\n"
    )
    text_record(root, "lost-source", sources=["no-such-record"])
    (root / "records" / "lost-source" / "stray.txt").write_text("nobody names me")
    image_record(root, "gps-photo", gps=True)
    (root / "records" / "bad-yaml").mkdir()
    (root / "records" / "bad-yaml" / "record.yaml").write_text("title: x\ntype: [text\n")
    return root


def test_github_annotations_have_the_documented_form(tmp_path):
    root = broken_archive(tmp_path / "a")
    result = run_showcase("check", "--format", "github", cwd=root)
    assert result.code == 1 and result.err == ""
    lines = result.out.splitlines()
    # The summary is the only line that is not a workflow command.
    assert re.fullmatch(r"7 records checked: 6 problems in 4 places\.", lines[-1])
    annotations = lines[:-1]
    problems = json.loads(run_showcase("check", "--format", "json", cwd=root).out)["problems"]
    assert len(annotations) == len(problems) == 6
    for line, problem in zip(annotations, problems):
        match = ANNOTATION.match(line)
        assert match, f"not the documented form: {line}"
        assert match["code"] in CODES and match["code"] == problem["code"]
        assert (match["path"], int(match["line"])) == (problem["path"], problem["line"])
        source = (root / match["path"]).read_text().splitlines()
        assert int(match["line"]) <= max(len(source), 1)
        # The message and fix travel whole, with only GitHub's escapes (% CR LF).
        expected = f"{problem['code']}: {problem['message']} — {problem['fix']}"
        assert line.split("::", 2)[2] == expected.replace("%", "%25").replace("\r", "%0D").replace(
            "\n", "%0A"
        )
    codes = {problem["code"] for problem in problems}
    assert {
        "license-not-allowed",
        "unknown-field",
        "unknown-source",
        "extra-file",
        "location-metadata",
        "yaml-syntax",
    } <= codes


@pytest.fixture
def repo(tmp_path):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    root = make_archive(tmp_path / "repo")
    git_init(root)
    git(root, "checkout", "-qb", "contribution")
    return root


def test_a_change_to_mkdocs_yml_gets_the_code_notice(repo):
    (repo / "mkdocs.yml").write_text((repo / "mkdocs.yml").read_text() + "\n# tweak\n")
    git(repo, "commit", "-qam", "tweak the site settings")
    result = run_showcase("check", "--changed", "--base", "main", "--format", "github", cwd=repo)
    assert result.code == 0  # a notice is not a problem
    assert CODE_NOTE.format(files="mkdocs.yml") in result.out.splitlines()


def test_a_contribution_alone_gets_no_notice(repo):
    text_record(repo, "new-poem", sources=["first-draft"])
    result = run_showcase("check", "--changed", "--base", "main", "--format", "github", cwd=repo)
    assert result.code == 0 and "::" not in result.out


def test_the_workflow_check_step_runs_as_written(repo, tmp_path):
    """The check step's own shell, as GitHub runs it (base branch in origin/), on a pull request
    that adds a broken record and touches a workflow: errors on the lines, the notice, exit 1.
    Then the summary step lists every problem for the reviewer."""
    git(repo, "update-ref", "refs/remotes/origin/main", "main")
    text_record(repo, "new-bad", sources=["no-such-record"])
    (repo / ".github").mkdir()
    (repo / ".github" / "x.yml").write_text("x: 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a record and a workflow")

    workflow = load(PR_WORKFLOW)
    check = only(
        [
            s
            for s in steps(workflow)
            if "showcase check" in s.get("run", "") and "--format github" in s["run"]
        ],
        "check step",
    )
    summary_step = only(
        [s for s in steps(workflow) if "GITHUB_STEP_SUMMARY" in s.get("run", "")], "summary step"
    )
    summary = tmp_path / "summary.md"
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_BASE_REF"}

    def run_step(step: dict) -> subprocess.CompletedProcess:
        script = step["run"].replace(".venv/bin/showcase", str(SHOWCASE))
        step_env = {
            **env,
            **step.get("env", {}),
            "GITHUB_STEP_SUMMARY": str(summary),
            "NO_COLOR": "1",
        }
        step_env.update(
            {k: "main" for k, v in step.get("env", {}).items() if v == "${{ github.base_ref }}"}
        )
        # GitHub's default shell for `run:` on Linux runners.
        return subprocess.run(
            ["bash", "-e", "-c", script],
            check=False,
            cwd=repo,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = run_step(check)
    assert result.returncode == 1, result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("::")] == [
        (
            "::error file=records/new-bad/record.yaml,line=9::unknown-source: "
            "the source 'no-such-record' is not a record in this archive — check the name "
            "against records/. If it was deleted, restore it and withdraw it instead"
        ),
        CODE_NOTE.format(files=".github/x.yml"),
    ]
    result = run_step(summary_step)
    assert result.returncode == 0, result.stderr
    text = summary.read_text()
    assert "records/new-bad/record.yaml:9: unknown-source: " in text
    assert "note: this change touches files outside records/ and content/" in text


def test_pr_workflow_and_dev_test_lint_the_code_with_the_same_command(pr):
    runs = [step.get("run", "") for step in steps(pr)]
    assert "./dev lint" in runs
    dev = (ROOT / "dev").read_text()
    assert re.search(r"^\s*test\)\s.*\blint;", dev, re.MULTILINE)  # ./dev test lints first


def test_the_lint_fails_on_a_file_that_breaks_the_conventions(tmp_path):
    # The configured rules, run as ./dev lint runs them, on a copy of the config.
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "bad.py").write_text("import os\n\n\ndef f(x):\n    return 1\n")
    ruff = Path(sys.executable).parent / "ruff"  # installed beside pytest (./dev)
    result = subprocess.run([str(ruff), "check", "."], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert "F401" in result.stdout and "ANN" in result.stdout
    (tmp_path / "bad.py").write_text('"""Fine."""\n\n\ndef f(x: int) -> int:\n    return x\n')
    result = subprocess.run([str(ruff), "check", "."], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
