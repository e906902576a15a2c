"""Rendered Markdown kept between builds: <cache_dir>/markdown.json, and the Renderer a
build renders through.

Rendering the records' Markdown is most of a warm check's time, and a text renders the
same until the text, the rendering rules or the markdown and nh3 packages change: all of
them are in the key (core.markup.render_key), so the file is a content-addressed store
of {key: sanitized HTML}. It holds the renders the last build used, no more, so it cannot
grow forever; a text that cannot be rendered is never in it. A damaged file is ignored
(the texts are rendered again), never an error, and a file that cannot be written only
costs the rendering next time. core.markup does no file I/O and keeps no memo: this is
its edge.

A build owns one Renderer: the plugin opens it in on_config (or `showcase build` opens it
for its check and hands it over with `Prepared`), everything that renders is given it
(check, pages, feeds), and the plugin saves it in on_post_build. A build that fails saves
nothing: what it used is then not all that the next build needs.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..core.markup import render_key, render_markdown, sanitize
from .store import write_atomically

STORE = "markdown.json"


class Renderer:
    """render_markdown through a memo: renders known to be good (render_key -> sanitized
    HTML, e.g. kept by an earlier build) and those used since, which are what is worth
    keeping for the next build. A text that cannot be rendered raises MarkupLimit and is
    never kept. `Renderer()` keeps nothing between builds."""

    def __init__(self, known: Mapping[str, str] | None = None, store: Path | None = None) -> None:
        self.known: dict[str, str] = dict(known or {})
        self.used: dict[str, str] = {}
        self.store = store  # where save() keeps `used`; None: nowhere

    @classmethod
    def kept_in(cls, cache_dir: Path | None) -> Renderer:
        """A renderer that starts from the renders kept in cache_dir (None: none)."""
        if cache_dir is None:
            return cls()
        path = Path(cache_dir) / STORE
        return cls(read_renders(path), path)

    def render(self, text: str) -> str:
        key = render_key(text)
        html = self.used.get(key)  # rendered, or taken from the store, earlier in this build
        if html is not None:
            return html
        html = self.known.get(key)
        if html is None:
            html = render_markdown(text)  # a MarkupLimit leaves the memo as it was
        else:
            # Sanitized again on the way in (about 15 µs): the store is a file in a folder a
            # pull request could write to, and only an allow-list stands between it and the page.
            html = sanitize(html)
        self.used[key] = html
        return html

    def save(self) -> None:
        """Keep the renders used for the next build, when they differ from those kept."""
        if self.store is None or self.used == self.known:
            return
        with contextlib.suppress(OSError):
            data = json.dumps({"renders": self.used}, separators=(",", ":")).encode()
            write_atomically(self.store, data)
        self.known = dict(self.used)  # saved: a second save writes nothing


@contextlib.contextmanager
def kept_renders(cache_dir: Path | None) -> Iterator[Renderer]:
    """A Renderer for the block, saved when the block ends normally (not by an exception:
    what was used is then unknown). With no cache_dir, nothing is kept."""
    renderer = Renderer.kept_in(cache_dir)
    yield renderer
    renderer.save()


def read_renders(path: Path) -> dict[str, str]:
    try:
        renders = json.loads(path.read_bytes())["renders"]
        if all(isinstance(key, str) and isinstance(html, str) for key, html in renders.items()):
            return renders
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return {}  # missing or damaged: every text is rendered again
