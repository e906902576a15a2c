"""The `showcase` command: the only place that prints for people and decides exit codes.

Exit status: 0 clean, 1 the archive has problems, 2 the command itself could not run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .archive.changes import changed_paths, classify
from .check import check_archive
from .core.report import RENDERERS, Report
from .errors import CommandError, ShowcaseError, one_line
from .memo.renders import Renderer

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig  # imported late: `check` must stay fast


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        root = _root(args.root)
        return args.run(args, root)
    except KeyboardInterrupt:
        return 130
    except ShowcaseError as exc:
        print(f"showcase {args.command}: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the contract is one line and exit 2, never a traceback
        print(
            f"showcase {args.command}: error: could not run: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        if os.environ.get("SHOWCASE_DEBUG"):
            raise
        return 2


def _root(value: str | None) -> Path:
    root = Path(value or ".").resolve()
    if not root.is_dir():
        raise CommandError(f"--root {value!r} is not a folder")
    return root


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the archive's root folder (default: the current folder)",
    )
    parser = argparse.ArgumentParser(
        prog="showcase",
        parents=[common],
        description=(
            "Check, build and preview a Showcase archive (records/ + content/ + mkdocs.yml)."
        ),
    )
    parser.set_defaults(root=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        parents=[common],
        help="check the archive for problems",
        description="Check records/ and content/ against the archive format and "
        "license rules. Exit 0 clean, 1 problems, 2 could not run.",
    )
    check.add_argument(
        "--format",
        choices=sorted(RENDERERS),
        default="text",
        help="text for people, github for Actions annotations, json for scripts",
    )
    check.add_argument(
        "--changed",
        action="store_true",
        help="check only what this branch changes (git diff against --base), "
        "plus the graph rules that reach it",
    )
    check.add_argument(
        "--base",
        metavar="REF",
        help="with --changed: the branch to compare with "
        "(default: origin/$GITHUB_BASE_REF, origin/main or main)",
    )
    check.set_defaults(run=_check)

    build = sub.add_parser(
        "build",
        parents=[common],
        help="check, then build the site",
        description="Build the site into site_dir. Refuses (exit 1) when the archive "
        "has problems; a failed build keeps the last good site.",
    )
    build.add_argument(
        "--site-dir", metavar="DIR", help="where to write the site (default: mkdocs.yml's site_dir)"
    )
    build.add_argument(
        "--format",
        choices=("github", "text"),
        default="text",
        help="how problems that stop the build are printed: text for people, "
        "github for Actions annotations",
    )
    build.set_defaults(run=_build)

    serve = sub.add_parser(
        "serve",
        parents=[common],
        help="live preview at http://127.0.0.1:8000/",
        description="Serve the site and rebuild when records/ or content/ change.",
    )
    serve.add_argument("--dev-addr", metavar="HOST:PORT", default="127.0.0.1:8000")
    serve.set_defaults(run=_serve)

    # Commands that live in their own modules register themselves.
    for module in _COMMAND_MODULES:
        importlib.import_module(module).register(sub, common)
    return parser


_COMMAND_MODULES = (
    "builder.init",
    "builder.scaffold",
    "builder.lineage",
    "builder.timeline.importer",
    "builder.timeline.commands",
)


def _check(args: argparse.Namespace, root: Path) -> int:
    if args.base and not args.changed:
        raise CommandError("--base only makes sense with --changed")
    changes = classify(changed_paths(root, args.base), root) if args.changed else None
    report, _ = check_archive(root, changes)
    sys.stdout.write(RENDERERS[args.format](report))
    return 0 if report.ok else 1


def _mkdocs_config(root: Path, **overrides: object) -> MkDocsConfig:
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise CommandError(f"no mkdocs.yml in {root}")
    from mkdocs.config import load_config  # imported late: `check` must stay fast

    return load_config(str(config_file), **overrides)


def _build(args: argparse.Namespace, root: Path) -> int:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError

    from .pipeline import media_summary, prepare, warm_check

    config, unusable = _build_config(root, args.site_dir)  # first: it names the cache folder
    plugin = config.plugins.get("showcase") if config is not None else None
    cache = plugin.cache_dir(root) if plugin is not None else None
    # The build's renderer: the check renders with it, then the plugin, which saves it once
    # the pages are rendered too (the renders they alone need are kept as well).
    renderer = Renderer.kept_in(cache)
    checked = warm_check(root, cache, renderer)
    if not checked[0].ok:  # before any mkdocs error: a contributor's mistake needs no theme
        return _refused(checked[0], args.format, renderer)
    if unusable is not None:
        raise unusable
    try:
        if plugin is not None:
            prepared = prepare(root, cache, checked=checked, renderer=renderer)
            if not prepared.ok:  # media that could not be made
                return _refused(prepared.report, args.format, renderer)
            print(media_summary(prepared.media), file=sys.stderr)
            plugin.use_prepared(prepared)
        final = Path(config.site_dir)
        # The plugin builds beside `final` and swaps: a failure keeps the last good site.
        build(config)
    except (Abort, ConfigurationError) as exc:
        raise _could_not_build(exc) from exc
    print(f"Site written to {final}")
    if config.use_directory_urls:  # kept as mkdocs.yml sets it (plugin.py): what it costs
        print(
            "Pages are folders (use_directory_urls: true in mkdocs.yml): the site needs a web "
            "server; opened from a folder, its links lead nowhere."
        )
    return 0


def _refused(report: Report, output: str, renderer: Renderer) -> int:
    """A build that stops on the archive's problems: they are printed as `check` prints them
    (annotations with --format github), and the renders of the check are kept."""
    renderer.save()
    sys.stdout.write(RENDERERS[output](report))
    return 1


def _build_config(
    root: Path, site_dir: str | None
) -> tuple[MkDocsConfig | None, CommandError | None]:
    """(mkdocs.yml loaded for a build, None), or (None, the CommandError that says why it
    cannot be)."""
    from mkdocs.exceptions import Abort, ConfigurationError

    try:
        return _mkdocs_config(
            root, **({"site_dir": str(Path(site_dir).resolve())} if site_dir else {})
        ), None
    except CommandError as exc:
        return None, exc
    except (Abort, ConfigurationError) as exc:
        return None, _could_not_build(exc)


def _could_not_build(exc: Exception) -> CommandError:
    error = CommandError(f"mkdocs could not build: {exc}")
    error.__cause__ = exc
    return error


def _mkdocs_logging() -> None:
    """mkdocs' own CLI sets up its log output; calling it as a library we do, so that
    build and serve messages (and problems found on a rebuild) reach the terminal."""
    import logging

    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_showcase", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        # Our mark on the handler, so that a second call does not add another.
        handler._showcase = True  # type: ignore[attr-defined]  # noqa: SLF001 - our own mark
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _serve(args: argparse.Namespace, root: Path) -> int:
    from mkdocs.commands.serve import serve

    _mkdocs_logging()
    if not (root / "mkdocs.yml").is_file():
        raise CommandError(f"no mkdocs.yml in {root}")
    os.chdir(root)
    # Problems are reported by the plugin on every rebuild; the server keeps running.
    serve(config_file=str(root / "mkdocs.yml"), dev_addr=args.dev_addr, livereload=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
