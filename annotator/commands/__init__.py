"""Subcommands of the `annotator` command line, one module each.

Each module defines `HELP` (one line), `add_arguments(parser)` and `run(args) -> int` (the exit
code). Modules import heavy dependencies (Textual) inside `run` so that `annotator units` and
`annotator validate` start fast.
"""

COMMAND_NAMES: tuple[str, ...] = ("annotate", "units", "validate", "export", "stats", "review")
DEFAULT_COMMAND = "annotate"
