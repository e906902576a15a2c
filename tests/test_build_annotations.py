"""`showcase build --format github`: what stops the build is annotated on the record's lines,
as the pull-request workflow runs it (the check's problems and media that failed alike)."""

from __future__ import annotations

import shlex
import shutil
import stat
from pathlib import Path

import yaml

from builder.media.tools import find_tools
from tests.conftest import FIXTURES, SHOWCASE, run_showcase

PR_WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "pull-request.yml"


def workflow_build_args() -> list[str]:
    """The arguments the pull request's build step gives `showcase` (after the program)."""
    doc = yaml.safe_load(PR_WORKFLOW.read_text())
    runs = [
        step["run"]
        for job in doc["jobs"].values()
        for step in job["steps"]
        if "showcase build" in step.get("run", "")
    ]
    assert len(runs) == 1, runs
    program, *args = shlex.split(runs[0])
    assert program == ".venv/bin/showcase"
    return args


def failing_mp3_encoder(tmp_path: Path) -> dict[str, str]:
    """An ffmpeg that is the real one, except that it fails to encode MP3: the build's audio
    job fails (media-failed) while the check, which encodes nothing, passes."""
    real = find_tools()
    wrapper = tmp_path / "ffmpeg"
    wrapper.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do if [ "$a" = libmp3lame ]; then\n'
        '  echo "Encoder failed on purpose" >&2; exit 1; fi; done\n'
        f'exec {shlex.quote(real.ffmpeg)} "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return {"SHOWCASE_FFMPEG": str(wrapper), "SHOWCASE_FFPROBE": real.ffprobe}


def archive(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "archives" / "minimal", tmp_path / "archive"))


def test_the_workflow_build_annotates_media_that_failed_on_the_records_line(tmp_path):
    root = archive(tmp_path)
    args = workflow_build_args()
    assert args == ["build", "--format", "github"]
    assert run_showcase("check", cwd=root).code == 0  # the check cannot see it coming
    result = run_showcase(*args, cwd=root, env=failing_mp3_encoder(tmp_path), timeout=600)
    assert result.code == 1, result.out + result.err
    [line] = [line for line in result.out.splitlines() if line.startswith("::error ")]
    assert line.startswith(
        "::error file=records/harbour-bells/record.yaml,line=3::media-failed: "
    ), line
    assert " — " in line  # and the fix
    assert result.out.splitlines()[-1].endswith("1 problem in 1 place.")
    assert "Traceback" not in result.err and not (root / "site").exists()


def test_the_workflow_build_annotates_the_checks_problems_too(tmp_path):
    root = archive(tmp_path)
    yaml_path = root / "records" / "harbour-bells" / "record.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("license: CC-BY-4.0", "license: MIT"))
    result = run_showcase(*workflow_build_args(), cwd=root, timeout=600)
    assert result.code == 1, result.out + result.err
    errors = [line for line in result.out.splitlines() if line.startswith("::error ")]
    assert errors and all(
        line.startswith("::error file=records/harbour-bells/record.yaml,line=") for line in errors
    ), result.out
    assert not (root / "site").exists()


def test_text_stays_the_default(tmp_path):
    root = archive(tmp_path)
    result = run_showcase("build", cwd=root, env=failing_mp3_encoder(tmp_path), timeout=600)
    assert result.code == 1
    assert "records/harbour-bells/record.yaml:3: media-failed: " in result.out
    assert "::error" not in result.out
    assert SHOWCASE.is_file()
