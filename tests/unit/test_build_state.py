"""The build's state, made explicit: one error base, the plugin's keys declared once, no
render memo in a module global, Prepared handed to the plugin by a method."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from builder import cli
from builder.archive.changes import GitError
from builder.archive.config import DEFAULTS, KEYS, ArchiveConfig
from builder.archive.load import NotAnArchive
from builder.core import markup
from builder.core.markup import MarkupLimit
from builder.errors import CommandError, FixableError, ShowcaseError, one_line
from builder.feeds import FeedError
from builder.media.results import MediaError
from builder.media.tools import ToolsError
from builder.plugin import ArchiveProblems, ShowcaseConfig, ShowcasePlugin


@pytest.mark.parametrize(
    "error",
    [
        CommandError,
        NotAnArchive,
        GitError,
        ToolsError,
        ArchiveProblems,
        MediaError,
        MarkupLimit,
        FeedError,
    ],
)
def test_every_error_of_the_builder_is_one_type(error):
    assert issubclass(error, ShowcaseError)


@pytest.mark.parametrize("error", [MediaError, MarkupLimit, FeedError])
def test_errors_that_carry_a_fix_share_one_base_and_survive_a_process_boundary(error):
    assert issubclass(error, FixableError)
    again = pickle.loads(pickle.dumps(error("the file is cut short", "export it again")))
    assert (type(again), again.message, again.fix) == (
        error,
        "the file is cut short",
        "export it again",
    )
    assert one_line(again) == "the file is cut short — export it again"


def test_a_feed_error_still_reads_as_one_sentence_with_its_fix():
    error = FeedError("feeds.cover in mkdocs.yml ('x.png') is not a file", "give the image's path")
    assert str(error) == "feeds.cover in mkdocs.yml ('x.png') is not a file: give the image's path"
    assert isinstance(error, ValueError)


def test_the_cli_prints_any_builder_error_as_one_line_with_its_fix(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert cli.main(["check", "--root", str(tmp_path / "empty")]) == 2  # NotAnArchive
    err = capsys.readouterr().err
    assert (
        err.startswith("showcase check: error: ")
        and err.count("\n") == 1
        and "Traceback" not in err
    )


def test_the_plugins_keys_are_those_check_reads_with_the_same_defaults():
    schema = dict(ShowcaseConfig._schema)
    assert [key.name for key in KEYS] == list(schema)[: len(KEYS)]
    assert {name: schema[name].default for name in DEFAULTS} == DEFAULTS
    config = ArchiveConfig()
    assert config.cache_dir == DEFAULTS["cache_dir"]
    assert config.max_file_size == DEFAULTS["max_file_size_mb"] * 1024 * 1024
    assert config.max_pixels == DEFAULTS["max_megapixels"] * 1_000_000


def test_an_unknown_or_mistyped_key_is_still_refused_by_mkdocs():
    config = ShowcaseConfig()
    config.load_dict({"max_megapixels": "lots", "cache_dirr": "x"})
    failed, warnings = config.validate()
    assert [key for key, _ in failed] == ["max_megapixels"]
    assert [key for key, _ in warnings] == ["cache_dirr"]


def test_markup_keeps_no_memo_of_a_build():
    assert not hasattr(markup, "use_memo") and not hasattr(markup, "_memo")
    assert not hasattr(markup, "RenderMemo")


def test_prepared_is_handed_to_the_plugin_by_a_method():
    plugin = ShowcasePlugin()
    marker = object()
    plugin.use_prepared(marker)  # type: ignore[arg-type]
    assert plugin.prepared is marker


def test_the_cache_folder_follows_the_one_default(tmp_path):
    plugin = ShowcasePlugin()
    plugin.load_config({})
    assert plugin.cache_dir(tmp_path) == (Path(tmp_path) / DEFAULTS["cache_dir"]).resolve()


ROOT = Path(__file__).resolve().parents[2]


def _modules(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.py") if p.name != "__init__.py")


def test_the_readme_names_every_module_in_what_is_where():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## What is where", 1)[1].split("\n## ", 1)[0]
    packages = [ROOT / "builder"] + sorted(
        p for p in (ROOT / "builder").iterdir() if (p / "__init__.py").is_file()
    )
    for package in packages:
        if package.name != "builder":
            assert f"  {package.name}/" in section, package.name
        if package.name != "media":  # media/ is indexed in its __init__.py, which README points to
            missing = [name for name in _modules(package) if name not in section]
            assert missing == [], f"README's What is where lacks {package.name}/{missing}"


def test_the_media_index_names_every_media_module():
    index = (ROOT / "builder" / "media" / "__init__.py").read_text()
    assert [name for name in _modules(ROOT / "builder" / "media") if f"  {name}" not in index] == []
