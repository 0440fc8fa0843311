"""What goes wrong for a user, and the exit code each kind means.

Every command turns a `UserError` into its message on stderr and its `exit_code` (annotator.cli.main):
0 success (or nothing to do), 1 the command ran but the data has problems (listed), 2 the command
could not run (usage, a missing or unreadable store, schema, keymap or corpus). A `Problem` is one
finding in an input file, shown as `file:line: reason`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

EXIT_OK = 0
EXIT_DATA_PROBLEMS = 1
EXIT_CANNOT_RUN = 2


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.reason}"
        return f"{self.path}:{self.line}: {self.reason}"


class UserError(Exception):
    """Something the user must know or fix, said in `lines` (one problem each); not a bug.

    By default the command could not run (exit 2)."""

    exit_code = EXIT_CANNOT_RUN

    def __init__(self, lines: str | Sequence[str]) -> None:
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))


class ProblemsError(UserError):
    """An input file that cannot be used; `problems` say why, one each (the message, one a line)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__([str(problem) for problem in problems])
        self.problems = problems


class DataProblems(UserError):
    """The command did its work, but the data it read has problems (already listed): exit 1."""

    exit_code = EXIT_DATA_PROBLEMS


class NothingToDo(UserError):
    """There is nothing for the command to do: a message, not a failure (exit 0)."""

    exit_code = EXIT_OK
