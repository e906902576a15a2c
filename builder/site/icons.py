"""Material's bundled icons, drawn once per build instead of once per use.

A gallery tile shows its type's icon twice (placeholder and label): as a Jinja `include`
that is a template lookup, a new context and a render each time, thousands of times per
build for a handful of different files. `Icons` renders each file once, through the same
environment (so the markup is byte for byte what the include gave), and returns it as
Markup: the templates mark nothing |safe themselves.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup


class Icons:
    """`showcase_icon(name)` in the templates, for one build's environment."""

    def __init__(self, env: jinja2.Environment) -> None:
        self._env = env
        self._drawn: dict[str, Markup] = {}

    def __call__(self, name: str) -> Markup:
        drawn = self._drawn.get(name)
        if drawn is None:
            # Only names the theme's own views give (site/gallery.py TYPE_ICONS): the file
            # must be one of the theme's icons, as it had to be for the include.
            drawn = Markup(self._env.get_template(f".icons/{name}.svg").render())
            self._drawn[name] = drawn
        return drawn
