"""Every problem code has a broken archive that fails `showcase check` with exactly its message."""

from __future__ import annotations

import re

import pytest

from builder.core.problems import CODES
from tests.conftest import run_showcase
from tests.fixtures.problem_fixtures import args_of, code_of, fixture_dirs, prepare

FIXTURES = fixture_dirs()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_fails_with_its_exact_output(fixture, tmp_path):
    root = prepare(fixture, tmp_path / "archive")
    args = args_of(fixture)
    result = run_showcase(*args, cwd=root, timeout=600)
    expected = (fixture / "expected.txt").read_text()
    if args[0] == "check":
        assert result.err == ""
    assert result.out == expected
    assert result.code == 1
    codes = {m[1] for m in re.finditer(r"^.+?:\d+: ([a-z-]+): ", result.out, re.MULTILINE)}
    assert code_of(fixture) in codes


def test_every_problem_code_has_a_fixture():
    covered = {code_of(f) for f in FIXTURES}
    assert sorted(set(CODES) - covered) == []


def test_fixture_names_are_known_codes():
    assert sorted({code_of(f) for f in FIXTURES} - set(CODES)) == []
