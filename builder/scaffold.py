"""`showcase new`: scaffold a record from a media file (being written)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the `new` command to the CLI."""
