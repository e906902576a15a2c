"""The documentation cannot drift from the code: every problem code is documented."""

from pathlib import Path

from builder.core.problems import CODES

ROOT = Path(__file__).resolve().parent.parent


def test_every_problem_code_is_on_the_contribute_page():
    page = (ROOT / "content" / "contribute.md").read_text()
    missing = [code for code in CODES if f"| `{code}` |" not in page]
    assert missing == []


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["./dev serve", "./dev test"]
    assert "./dev test" in (ROOT / ".ci" / "run").read_text()
