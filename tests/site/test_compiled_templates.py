"""Theme templates are compiled once per user and kept out of the archive
(builder/site/compiled.py)."""

from __future__ import annotations

from pathlib import Path

from tests.archive_factory import MKDOCS_YML, make_archive
from tests.conftest import run_showcase
from tests.site.helpers import page


def _build(root: Path, cache: Path) -> None:
    result = run_showcase("build", cwd=root, env={"XDG_CACHE_HOME": str(cache)}, timeout=300)
    assert result.code == 0, result.out + result.err


def test_compiled_templates_live_in_the_users_cache_and_an_edit_is_compiled_again(tmp_path):
    root, cache = make_archive(tmp_path / "a"), tmp_path / "user-cache"
    (root / "mkdocs.yml").write_text(
        MKDOCS_YML.replace("  font: false\n", "  font: false\n  custom_dir: overrides\n")
    )
    overrides = root / "overrides" / "partials"
    overrides.mkdir(parents=True)
    (overrides / "copyright.html").write_text('<div class="md-copyright">First words</div>\n')
    _build(root, cache)
    compiled = sorted((cache / "showcase" / "templates").glob("__jinja2_*.cache"))
    assert len(compiled) > 20  # Material's and ours
    assert not [p for p in (root / ".cache").rglob("*jinja*")]  # never in the archive's cache
    footer = "//div[@class='md-copyright']"
    assert (
        page(root / "site", "records/first-draft/index.html").xpath(footer)[0].text == "First words"
    )

    (overrides / "copyright.html").write_text('<div class="md-copyright">Second words</div>\n')
    _build(root, cache)
    assert (
        page(root / "site", "records/first-draft/index.html").xpath(footer)[0].text
        == "Second words"
    )
    # One entry per template (Jinja checks the source's checksum inside it): none piles up.
    assert sorted((cache / "showcase" / "templates").glob("__jinja2_*.cache")) == compiled


def test_a_cache_folder_that_cannot_be_made_only_costs_compiling(tmp_path):
    root = make_archive(tmp_path / "a")
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    _build(root, blocked)
    assert page(root / "site", "records/first-draft/index.html").xpath("//h1")
