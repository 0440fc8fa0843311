"""Options and messages shared by the commands, so that every command spells them the same way."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.labels.gold import (
    DEFAULT_MIN_AGREEMENT,
)
from annotator.paths import default_keymap_path, keymap_path
from annotator.schema.load import DEFAULT_SCHEMA_PATH
from annotator.text import plural, printable

DEFAULT_CORPUS = Path("seeds")
DEFAULT_STORE = Path("annotations")


def add_corpus_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=f"documents or folders (default: {DEFAULT_CORPUS}/)")


def corpus_paths(args: argparse.Namespace) -> list[Path]:
    return args.paths or [DEFAULT_CORPUS]


def add_annotator_option(parser: argparse.ArgumentParser, help: str) -> None:
    """`--as NAME`: whose file the command writes; `annotator_name` gives the login name without it."""
    parser.add_argument("--as", dest="annotator", metavar="NAME", help=help)


def annotator_name(args: argparse.Namespace) -> str:
    return args.annotator or getpass.getuser()


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE, metavar="DIR", help=f"annotation folder (default: {DEFAULT_STORE}/)")


def add_schema_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--schema", type=Path, default=DEFAULT_SCHEMA_PATH, metavar="FILE", help=f"schema file (default: {DEFAULT_SCHEMA_PATH})"
    )


def add_min_agreement_option(parser: argparse.ArgumentParser, what: str) -> None:
    """`--min-agreement SHARE`; the gold rule checks the share (`gold.check_min_agreement`)."""
    parser.add_argument(
        "--min-agreement", type=float, default=DEFAULT_MIN_AGREEMENT, metavar="SHARE",
        help=f"share of annotators a majority label needs {what}, 0.5 to 1; always a strict majority (default: {DEFAULT_MIN_AGREEMENT})",
    )  # fmt: skip


def add_ui_options(parser: argparse.ArgumentParser, as_help: str) -> None:
    """The options of the commands that open the terminal UI on a corpus: PATH..., --as, --store,
    --schema, --keymap."""
    add_corpus_paths(parser)
    add_annotator_option(parser, as_help)
    add_store_option(parser)
    add_schema_option(parser)
    parser.add_argument(
        "--keymap", type=Path, metavar="FILE",
        help=f"other keys for the UI, a JSON object of binding id to keys (default: {default_keymap_path()}, if it exists)",
    )  # fmt: skip


def ui_inputs(args: argparse.Namespace) -> dict[str, Any]:
    """What `annotate` and `review` both hand to their app's prepare function, from `add_ui_options`."""
    return {
        "paths": corpus_paths(args), "schema_path": args.schema, "store_dir": args.store,
        "keymap": keymap_path(args.keymap), "on_segmenting": say_segmenting,
    }  # fmt: skip


def write_out(chunks: Iterable[bytes]) -> None:
    """The command's output on stdout. A reader that stops early (`annotator validate | head`) is no
    error: the rest goes nowhere and the command keeps its exit status (the data's, not the pipe's)."""
    out = sys.stdout.buffer
    try:
        for chunk in chunks:
            out.write(chunk)
        out.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())  # what is still buffered goes there too, at exit
        os.close(devnull)


def say(message: str) -> None:
    """A message for the user on stderr; file names and document text in it are shown literally."""
    print(f"annotator: {printable(message)}", file=sys.stderr)


def say_segmenting(documents: int) -> None:
    """Before the slow first load of a corpus: what the wait is for, and that it comes once."""
    say(f"splitting {plural(documents, 'new document')} into sentences (once: the result is cached)")
