"""The `annotator` command line: dispatches to the modules in `annotator.commands`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from annotator import __version__
from annotator.commands import COMMANDS, DEFAULT_COMMAND


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command line; the options of `command` only (importing only its module),
    or of all commands when `command` is None."""
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Fact-check annotation in the terminal. With no command, opens the annotation UI on seeds/.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_line in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_line, description=help_line)
        if command in (None, name):
            module = importlib.import_module(f"annotator.commands.{name}")
            module.add_arguments(sub)
            sub.set_defaults(run=module.run)
    return parser


def with_default_command(argv: list[str]) -> list[str]:
    """`annotator`, `annotator --as NAME` and `annotator corpus/` mean `annotator annotate ...`."""
    if not argv:
        return [DEFAULT_COMMAND]
    first = argv[0]
    if first in COMMANDS or first in ("-h", "--help", "--version"):
        return argv
    if first.startswith("-") or Path(first).exists():
        return [DEFAULT_COMMAND, *argv]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    argv = with_default_command(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error of ours.
        sys.stderr.close()
        return 0
