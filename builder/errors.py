"""The builder's errors: one base, so that the CLI catches one type.

Problems in the archive are not errors: they are values (core/problems.py) that a check
or a build reports. An error is what stops a command or a job:

    ShowcaseError        the base; the CLI prints its one line and exits 2
      CommandError       a command could not run (bad arguments, an unusable folder)
      FixableError       says what is wrong (`message`) and what to do (`fix`):
                         MediaError, MarkupLimit, FeedError, ...

The others live beside the code that raises them (archive/load.py NotAnArchive,
archive/changes.py GitError, media/tools.py ToolsError...) and derive from these.
"""


class ShowcaseError(Exception):
    """An error the builder raises on purpose; str(error) is one line for people."""


class CommandError(ShowcaseError):
    """A command could not run: bad arguments, a missing tool, an unusable folder."""


class FixableError(ShowcaseError):
    """An error that carries its fix: `message` names what is wrong, `fix` what to do.
    str(error) is the message; `line` is both, as a problem prints them."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __reduce__(self):  # noqa: ANN204 - pickled whole across processes (the media runner)
        return type(self), (self.message, self.fix)

    @property
    def line(self) -> str:
        return f"{self.message} — {self.fix}"


def one_line(error: ShowcaseError) -> str:
    """What the command line prints for an error: its fix too, when it has one."""
    return error.line if isinstance(error, FixableError) else str(error)
