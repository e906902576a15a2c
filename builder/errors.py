"""Failures to run (not problems in the archive): the CLI prints the one line and exits 2."""


class CommandError(Exception):
    """A command could not run: bad arguments, a missing tool, an unusable folder."""
