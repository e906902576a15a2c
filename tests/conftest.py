"""Shared helpers: run the real `showcase` command as a user would, on copies of fixtures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHOWCASE = Path(sys.executable).parent / "showcase"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_showcase(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> Run:
    """`showcase ARGS` as a subprocess in `cwd`, the way CI and contributors call it."""
    full_env = {k: v for k, v in os.environ.items() if k != "GITHUB_BASE_REF"}
    full_env.update({"NO_COLOR": "1", **(env or {})})
    proc = subprocess.run(
        [str(SHOWCASE), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def copy_archive(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest


@pytest.fixture
def showcase():
    return run_showcase
