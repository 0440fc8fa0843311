"""`annotator annotate [PATH...]`: label a corpus sentence by sentence in the terminal UI."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from annotator.display import printable

HELP = "label the sentences of a corpus in the terminal (the default command)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["seeds"], metavar="PATH", help="documents or folders (default: seeds/)")
    parser.add_argument("--as", dest="annotator", metavar="NAME", help="annotator name (default: your login name)")
    parser.add_argument("--schema", default="schemas/factcheck.v1.json", metavar="FILE", help="schema file (default: %(default)s)")
    parser.add_argument("--store", default="annotations", metavar="DIR", help="annotation store folder (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    from annotator.tui.launch import LaunchError, prepare

    try:
        app = prepare(
            paths=args.paths,
            annotator=args.annotator or getpass.getuser(),
            schema_path=Path(args.schema),
            store_dir=Path(args.store),
        )
    except LaunchError as error:
        for line in error.lines:
            print(f"annotator: {printable(line)}", file=sys.stderr)
        return 2
    app.run()
    return app.return_code or 0
