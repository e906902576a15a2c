"""The archive's rules (allowed licenses, limits) from the `showcase` plugin entry in mkdocs.yml.

`showcase check` must not need a full mkdocs config load (it runs on every pull
request), so it reads just this entry with the line-keeping YAML reader and
reports bad settings as problems with lines, like any record.

The keys check reads are declared once, here (KEYS, with their defaults): the plugin's
mkdocs schema (plugin.py ShowcaseConfig) is made from the same list, so that mkdocs
knows them too and the defaults cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..core.licenses import DEFAULT_ALLOWED, lookup
from ..core.problems import Problem, problem
from ..core.yamltree import Map, Scalar, Seq, parse_yaml

MB = 1024 * 1024


@dataclass(frozen=True)
class Key:
    """One key of the plugin's entry in mkdocs.yml that check reads too."""

    name: str
    kind: Literal["licenses", "number", "path"]
    default: object  # None: the rule's own default (DEFAULT_ALLOWED for licenses)


KEYS = (
    Key("licenses", "licenses", None),  # SPDX ids; default: core/licenses.py DEFAULT_ALLOWED
    Key("max_file_size_mb", "number", 100),
    Key("max_megapixels", "number", 50),
    # A sequential JPEG is decoded at 1/2 to 1/8 scale for its derivatives, in the memory of
    # the reduced picture: 250 MP costs less than 50 MP decoded in full (bench_media.py).
    Key("max_jpeg_megapixels", "number", 250),
    Key("cache_dir", "path", ".cache/showcase"),  # the build's cache, relative to mkdocs.yml
)
DEFAULTS = {key.name: key.default for key in KEYS}


@dataclass(frozen=True)
class ArchiveConfig:
    licenses: tuple[str, ...] = DEFAULT_ALLOWED
    max_file_size: int = int(DEFAULTS["max_file_size_mb"] * MB)  # type: ignore[operator]
    max_pixels: int = int(DEFAULTS["max_megapixels"] * 1_000_000)  # type: ignore[operator]
    max_jpeg_pixels: int = int(DEFAULTS["max_jpeg_megapixels"] * 1_000_000)  # type: ignore[operator]
    cache_dir: str = str(DEFAULTS["cache_dir"])


def read_config(root: Path, config_file: str = "mkdocs.yml") -> tuple[ArchiveConfig, list[Problem]]:
    path = root / config_file
    if not path.is_file():
        return ArchiveConfig(), []
    text = path.read_text(encoding="utf-8", errors="replace")
    tree, issues = parse_yaml(text, lenient=True)
    if issues:
        i = issues[0]
        return ArchiveConfig(), [problem("config", config_file, i.line, i.message, i.fix)]
    entry = _plugin_entry(tree)
    if entry is None:
        return ArchiveConfig(), []
    return _settings(entry, config_file)


def _plugin_entry(tree: object) -> Map | None:
    if not isinstance(tree, Map):
        return None
    plugins = tree.get("plugins")
    items: list[tuple[str, object]] = []
    if isinstance(plugins, Seq):
        for item in plugins.items:
            if isinstance(item, Map):
                items.extend((k.value, v) for k, v in item.entries)
    elif isinstance(plugins, Map):
        items.extend((k.value, v) for k, v in plugins.entries)
    for name, value in items:
        if name == "showcase" and isinstance(value, Map):
            return value
    return None


def _settings(entry: Map, path: str) -> tuple[ArchiveConfig, list[Problem]]:
    problems: list[Problem] = []
    default = ArchiveConfig()
    licenses = default.licenses
    node = entry.get("licenses")
    if node is not None:
        if (
            not isinstance(node, Seq)
            or not all(isinstance(i, Scalar) for i in node.items)
            or not node.items
        ):
            problems.append(
                problem(
                    "config",
                    path,
                    node.line,
                    "`licenses` must be a list of SPDX ids",
                    "write one license per line, such as `- CC-BY-4.0`",
                )
            )
        else:
            chosen = []
            for item in node.items:
                if lookup(item.value) is None:
                    problems.append(
                        problem(
                            "config",
                            path,
                            item.line,
                            f"{item.value!r} is not a Creative Commons license id",
                            "use SPDX ids such as CC-BY-4.0, CC-BY-SA-3.0 or CC0-1.0",
                        )
                    )
                else:
                    chosen.append(item.value)
            licenses = tuple(chosen) or licenses
    cache = entry.get("cache_dir")
    size = _positive_number(entry, "max_file_size_mb", path, problems)
    pixels = _positive_number(entry, "max_megapixels", path, problems)
    jpeg_pixels = _positive_number(entry, "max_jpeg_megapixels", path, problems)
    return ArchiveConfig(
        licenses=licenses,
        max_file_size=int(size * MB) if size else default.max_file_size,
        max_pixels=int(pixels * 1_000_000) if pixels else default.max_pixels,
        max_jpeg_pixels=int(jpeg_pixels * 1_000_000) if jpeg_pixels else default.max_jpeg_pixels,
        cache_dir=cache.value if isinstance(cache, Scalar) and cache.value else default.cache_dir,
    ), problems


def _positive_number(entry: Map, name: str, path: str, problems: list[Problem]) -> float | None:
    node = entry.get(name)
    if node is None:
        return None
    try:
        value = float(node.value) if isinstance(node, Scalar) else -1.0
    except ValueError:
        value = -1.0
    if not value > 0 or value != value or value == float("inf"):
        problems.append(
            problem(
                "config",
                path,
                node.line,
                f"`{name}` must be a positive number",
                f"write for example `{name}: 50`",
            )
        )
        return None
    return value


FILL_ME = "# FILL ME"


def unfilled(root: Path, config_file: str = "mkdocs.yml") -> list[str]:
    """Notes for the settings `showcase init` left marked FILL ME (values only the studio
    knows). Notes, not problems: an archive works without them until a feature needs one,
    and that feature's own check says so then."""
    try:
        lines = (root / config_file).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [
        f"{config_file}:{number}: `{line.split(':', 1)[0].strip()}` is still marked FILL ME"
        + (f": {why}" if (why := line.split(FILL_ME, 1)[1].lstrip(": ").strip()) else "")
        for number, line in enumerate(lines, 1)
        if FILL_ME in line and not line.lstrip().startswith("#")
    ]
