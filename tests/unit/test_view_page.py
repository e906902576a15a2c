"""A generated page renders as mkdocs renders an empty page, without building a Markdown parser."""

from __future__ import annotations

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from builder.site.pages import GeneratedPage, ViewPage, page_file


def _config(tmp_path) -> MkDocsConfig:
    (tmp_path / "docs").mkdir()
    config = MkDocsConfig()
    config.load_dict(
        {
            "site_name": "T",
            "docs_dir": str(tmp_path / "docs"),
            "site_dir": str(tmp_path / "site"),
            "markdown_extensions": ["toc", "tables", "admonition"],
        }
    )
    errors, _ = config.validate()
    assert not errors
    config.plugins._current_plugin = "showcase"  # File.generated records who made the file
    return config


def test_an_empty_view_page_renders_what_mkdocs_renders_and_parses_nothing(tmp_path, monkeypatch):
    config = _config(tmp_path)
    ours = page_file(config, GeneratedPage("records/a/index.md", "showcase/record.html", "A", dict))
    assert isinstance(ours.page, ViewPage)
    theirs = File.generated(config, "records/b/index.md", content="")
    Page(None, theirs, config)
    files = Files([ours, theirs])
    for file in (ours, theirs):
        file.page.markdown = ""  # what read_source gives for a generated file with no content
    theirs.page.render(config, files)

    made = []
    monkeypatch.setattr(markdown.Markdown, "__init__", lambda self, *a, **k: made.append(1))
    ours.page.render(config, files)
    assert made == []
    for field in ("content", "present_anchor_ids", "links_to_anchors", "_title_from_render"):
        assert getattr(ours.page, field) == getattr(theirs.page, field), field
    assert list(ours.page.toc) == list(theirs.page.toc) == []


def test_a_view_page_that_keeps_markdown_is_rendered_by_mkdocs(tmp_path):
    config = _config(tmp_path)
    file = page_file(config, GeneratedPage("home.md", "showcase/home.html", "Home", dict))
    file.page.markdown = "# Welcome\n\n## Part\n\nText."
    file.page.render(config, Files([file]))
    assert '<h2 id="part">Part</h2>' in file.page.content and [t.title for t in file.page.toc] == [
        "Welcome"
    ]
