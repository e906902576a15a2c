"""What a site opened from a folder needs beyond its pages: search without a server.

Material's search fetches search/search_index.json and runs in a Web Worker; a page
opened from file:// may do neither. Material knows the way round (its offline plugin):
on file:// it loads search/search_index.js, which sets `__index`, and a polyfill runs the
worker in an iframe. That plugin adds the polyfill from unpkg.com, a request that leaves
the site, so Showcase ships the polyfill (iframe-worker, MIT) in its theme instead.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

POLYFILL = "assets/javascripts/iframe-worker-shim.js"


def add_polyfill(config: MkDocsConfig) -> None:
    polyfills = config.extra.setdefault("polyfills", [])
    if POLYFILL not in polyfills:
        polyfills.append(POLYFILL)


def write_search_script(site_dir: Path) -> None:
    """search/search_index.js beside the index the search plugin wrote (if it ran)."""
    index = site_dir / "search" / "search_index.json"
    if index.is_file():
        (index.parent / "search_index.js").write_text(
            "var __index = " + index.read_text("utf-8"), "utf-8"
        )
