"""`annotator COMMAND ...`: the parser, the default command, and one way of turning errors into
messages and exit codes for every command (`annotator.errors`)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

from annotator import __version__
from annotator.cli.options import say, with_project_defaults
from annotator.errors import UserError
from annotator.memory import gc_paused

COMMANDS: dict[str, str] = {
    "init": "make a project: annotator.toml, a documents folder, a schema to edit, the annotations folder",
    "annotate": "label the sentences of a corpus in the terminal (the default command)",
    "assign": "who labels which sentences, from the project's [team]: counts per annotator and overlap (writes nothing)",
    "status": "how far the team is: per annotator assigned, done, left, active time, time left; per document the overlap reached",
    "units": "segment documents (.txt, .md, .jsonl, .csv, .tsv files or folders) into sentence units and print them",
    "suggest": "suggest a value for each field of each unit, with the cue words behind it (rules, or a model command)",
    "validate": "check every annotation file against the record format, the schema and the corpus (reads only)",
    "export": "export the gold labels as a dataset folder: data files per split, dataset card, manifest",
    "stats": "agreement between annotators on each schema field: Krippendorff's alpha, kappa, bootstrap intervals",
    "import": "labels from Prodigy, doccano, Label Studio or a table of votes into the store, with a corpus file for new items",
    "review": "adjudicate: walk the units the annotators disagree on and decide their labels",
    "serve": "the annotation (or review) UI in browser tabs; needs pip install 'annotator[serve]'",
}
DEFAULT_COMMAND = "annotate"
UI_COMMANDS = frozenset({"annotate", "review", "serve"})  # they run until the user quits: the collector stays on
MODULES = {"import": "imports"}  # a command whose module cannot have its name (a Python keyword)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command line; the options of `command` only (importing only its module),
    or of all commands when `command` is None."""
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Fact-check annotation in the terminal. With no command, opens the annotation UI on the project's corpus.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_line in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_line, description=help_line)
        if command in (None, name):
            module = importlib.import_module(f"annotator.cli.{MODULES.get(name, name)}")
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
        with_project_defaults(args)
        with nullcontext() if args.command in UI_COMMANDS else gc_paused():
            return args.run(args)
    except UserError as error:
        for line in error.lines:
            say(line)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error of ours.
        sys.stderr.close()
        return 0
