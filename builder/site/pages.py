"""The site's generated pages as mkdocs files, the way Material's blog plugin makes its views.

A generated page's Markdown source is empty: record text never becomes an mkdocs
page source (no front matter, template syntax or raw HTML of a contributor can take
effect). Its content comes from a view model rendered by an autoescaping template.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel

from ..core.markup import MarkupLimit, render_markdown
from ..core.model import Archive
from . import urls

TEMPLATES = {"record": "showcase/record.html"}


def record_page_files(config: MkDocsConfig, archive: Archive) -> dict[str, tuple[File, str]]:
    """src_uri -> (generated file, record id), one page per record, kept out of the nav."""
    pages = {}
    for record_id in archive.records:
        file = File.generated(config, f"{urls.record(record_id)}index.md", content="",
                              inclusion=InclusionLevel.NOT_IN_NAV)
        pages[file.src_uri] = (file, record_id)
    return pages


def text_html(root: Path, archive: Archive, record_id: str) -> str:
    """A text record's own text, rendered safely for its page ('' when it cannot be)."""
    record = archive.records[record_id]
    if record.type != "text" or record.withdrawn or record.file is None:
        return ""
    try:
        data = (root / record.folder / record.file).read_bytes()
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        if record.file.endswith(".txt"):  # plain text: keep its lines, no Markdown meaning
            return "<pre class=\"sc-plain\">" + _escape(text) + "</pre>"
        return render_markdown(text)
    except (OSError, UnicodeDecodeError, MarkupLimit):
        return ""


class MediaFile(File):
    """A file published as it is, whatever its name: a text record's `poem.md` is a
    download, never an mkdocs page (its Markdown must not become a page source)."""

    def is_documentation_page(self) -> bool:
        return False

    def is_static_page(self) -> bool:
        return False


def media_file(config: MkDocsConfig, record_id: str, name: str, abs_src_path: Path) -> File:
    return MediaFile.generated(config, urls.record_media(record_id, name), abs_src_path=str(abs_src_path))


def autoescape_showcase(name: str | None) -> bool:
    """Our templates autoescape; mkdocs-material's own expect raw HTML strings."""
    return bool(name) and name.startswith("showcase/")


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
