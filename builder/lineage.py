"""`showcase credits` and `showcase tree` (being written)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the `credits` and `tree` commands to the CLI."""
