"""`showcase credits ID` and `showcase tree ID`: a record's lineage in the terminal."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Mapping
from pathlib import Path

from .archive.load import load_archive
from .core.credits import credits_of, render_csv, render_roll
from .core.graph import RemixGraph
from .core.model import Archive
from .core.tree import render_tree
from .errors import CommandError
from .timeline.model import Edit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    credits = sub.add_parser(
        "credits",
        parents=[common],
        help="a production's credits (text, CSV or JSON)",
        description="Everyone whose record is in the record's ancestry, with their "
        "roles and the records that credit them; for a production "
        "made from a timeline, where and how long each record it "
        "uses is seen or heard: the same data as the credits page.",
    )
    credits.add_argument("id", metavar="ID", help="the record's id (its folder name)")
    credits.add_argument("--format", choices=("text", "csv", "json"), default="text")
    credits.set_defaults(run=_credits)
    tree = sub.add_parser(
        "tree",
        parents=[common],
        help="a record's remix lineage",
        description="What the record uses (up to outside works) and what uses it.",
    )
    tree.add_argument("id", metavar="ID", help="the record's id (its folder name)")
    tree.set_defaults(run=_tree)


def _load(root: Path, record_id: str) -> tuple[Archive, RemixGraph, Mapping[str, Edit]]:
    # No media inspection: lineage needs the model only (and the timelines, which the
    # loader reads whether or not it inspects media: the credits of a cut need them).
    loaded = load_archive(root, inspect=lambda _: False)
    archive = loaded.archive
    if record_id not in archive.records:
        close = difflib.get_close_matches(record_id, list(archive.records), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise CommandError(f"no record '{record_id}' in {root / 'records'}{hint}")
    return archive, RemixGraph.of(archive), loaded.edits


def _credits(args: argparse.Namespace, root: Path) -> int:
    archive, graph, edits = _load(root, args.id)
    credits = credits_of(archive, graph, args.id, edits.get(args.id))
    if args.format == "json":
        sys.stdout.write(json.dumps(credits.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        sys.stdout.write(render_csv(credits))
    else:
        sys.stdout.write(render_roll(credits))
    return 0


def _tree(args: argparse.Namespace, root: Path) -> int:
    archive, graph, _ = _load(root, args.id)
    sys.stdout.write(render_tree(archive, graph, args.id))
    return 0
