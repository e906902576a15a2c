"""Rendered Markdown kept between builds: <cache_dir>/markdown.json.

Rendering the records' Markdown is most of a warm check's time, and a text renders the
same until the text, the rendering rules or the markdown and nh3 packages change: all of
them are in the key (core.markup.render_key), so the file is a content-addressed store
of {key: sanitized HTML}. It holds the renders the last build used, no more, so it cannot
grow forever; a text that cannot be rendered is never in it. A damaged file is ignored
(the texts are rendered again), never an error, and a file that cannot be written only
costs the rendering next time. core.markup does no file I/O: this is its edge.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from ..core.markup import RenderMemo, use_memo
from .store import write_atomically

STORE = "markdown.json"


@contextlib.contextmanager
def kept_renders(cache_dir: Path | None) -> Iterator[None]:
    """Inside, render_markdown takes the renders kept in cache_dir and records those used;
    on leaving (not by an exception: what was used is then unknown), it keeps them for the
    next build. With no cache_dir, nothing is kept."""
    if cache_dir is None:
        yield
        return
    path = Path(cache_dir) / STORE
    memo = RenderMemo(read_renders(path))
    previous = use_memo(memo)
    try:
        yield
    finally:
        use_memo(previous)
    if memo.used != memo.known:
        with contextlib.suppress(OSError):
            write_atomically(path, json.dumps({"renders": memo.used}, separators=(",", ":")).encode())


def read_renders(path: Path) -> dict[str, str]:
    try:
        renders = json.loads(path.read_bytes())["renders"]
        if all(isinstance(key, str) and isinstance(html, str) for key, html in renders.items()):
            return renders
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return {}  # missing or damaged: every text is rendered again
