"""`annotator init [DIR]`: make a project in DIR (the current folder by default)."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.errors import EXIT_OK
from annotator.project.init import CORPUS_FOLDER, init_project
from annotator.text import printable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="DIR", help="the project's folder (default: this one)")


def run(args: argparse.Namespace) -> int:
    made = init_project(args.folder)
    width = max(len(str(item.path)) for item in made)
    print(f"made a project in {printable(str(args.folder.absolute()))}:")
    for item in made:
        kept = "" if item.made else " (there already, kept as it is)"
        print(f"  {printable(str(item.path)):<{width}}  {item.what}{kept}")
    documents = printable(str(args.folder / CORPUS_FOLDER))
    print(f"next: put documents in {documents}, then run `annotator` in {printable(str(args.folder))} or a folder below it")
    return EXIT_OK
