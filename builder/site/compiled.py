"""Theme templates compiled once per user, not once per build, as Python keeps __pycache__.

mkdocs makes a new Jinja environment for every build, which compiles mkdocs-material's
templates and ours again: about 0.2 s of every build, whatever the archive's size.
Jinja's bytecode cache keeps the compiled code keyed by each template's name and source
checksum (and Jinja's and Python's versions), so an edited template is compiled afresh.

Compiled templates are code, loaded with marshal: they live in the user's cache folder
($XDG_CACHE_HOME/showcase/templates, else ~/.cache/...), never in the archive's .cache,
a folder a pull request could put files in.
"""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import BytecodeCache, FileSystemBytecodeCache


def user_template_cache() -> BytecodeCache | None:
    """The cache, or None when the user's cache folder cannot be made (then Jinja compiles)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "showcase" / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return None
    return FileSystemBytecodeCache(str(folder))
