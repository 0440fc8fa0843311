"""Options and messages shared by the subcommands, so that every command spells them the same way."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.display import printable
from annotator.schema import DEFAULT_SCHEMA_PATH

DEFAULT_CORPUS = Path("seeds")
DEFAULT_STORE = Path("annotations")


def add_corpus_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=f"documents or folders (default: {DEFAULT_CORPUS}/)")


def corpus_paths(args: argparse.Namespace) -> list[Path]:
    return args.paths or [DEFAULT_CORPUS]


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE, metavar="DIR", help=f"annotation folder (default: {DEFAULT_STORE}/)")


def add_schema_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA_PATH, metavar="FILE", help=f"schema file (default: {DEFAULT_SCHEMA_PATH})")


def say(message: str) -> None:
    """A message for the user on stderr; file names and document text in it are shown literally."""
    print(f"annotator: {printable(message)}", file=sys.stderr)
