"""`annotator annotate [PATH...]`: label a corpus sentence by sentence in the terminal UI."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from annotator.cli.options import add_suggestion_options, add_ui_options, annotator_name, ui_inputs
from annotator.cli.ui import run_app
from annotator.memory import launching

if TYPE_CHECKING:
    from annotator.tui.app import AnnotatorApp


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_ui_options(parser, "annotator name (default: your login name)")
    add_suggestion_options(parser)


def run(args: argparse.Namespace) -> int:
    return run_app("annotate", lambda: open_app(args))


def open_app(args: argparse.Namespace) -> AnnotatorApp:
    """The app, ready to run; a LaunchError says why it cannot start."""
    with launching():
        from annotator.tui.launch import prepare

        return prepare(annotator=annotator_name(args), **ui_inputs(args), suggestions=args.suggestions, lexicon=args.lexicon)
