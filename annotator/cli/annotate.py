"""`annotator annotate [PATH...] [--all]`: label a corpus sentence by sentence in the terminal UI: the
annotator's queue (the sentences the project's `[team]` assigns them, in corpus order), or every
sentence with --all or without a team."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from annotator.cli.options import add_suggestion_options, add_ui_options, annotator_name, team_of_project, ui_inputs
from annotator.cli.ui import run_app
from annotator.memory import launching

if TYPE_CHECKING:
    from annotator.tui.app import AnnotatorApp


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_ui_options(parser, "annotator name (default: your login name)")
    add_suggestion_options(parser)
    parser.add_argument(
        "--all", dest="everything", action="store_true", help="every sentence, not only those the project's [team] assigns you"
    )


def run(args: argparse.Namespace) -> int:
    return run_app("annotate", lambda: open_app(args))


def open_app(args: argparse.Namespace) -> AnnotatorApp:
    """The app, ready to run; a LaunchError says why it cannot start."""
    with launching():
        from annotator.tui.launch import prepare

        team = None if args.everything else team_of_project()
        return prepare(
            annotator=annotator_name(args),
            **ui_inputs(args),
            suggestions=args.suggestions,
            lexicon=args.lexicon,
            suggest_command=args.suggest_command,
            team=team,
        )
