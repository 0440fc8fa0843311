"""`annotator review [PATH...]`: walk the units annotators disagree on and decide their gold labels."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from annotator.cli.options import add_min_agreement_option, add_ui_options, annotator_name, ui_inputs
from annotator.cli.ui import run_app
from annotator.memory import launching

if TYPE_CHECKING:
    from annotator.tui.review_app import ReviewApp


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_ui_options(parser, "reviewer name (default: your login name); its file must hold no annotations")
    add_review_options(parser)


ALL_HELP = "show every labelled unit, not only the disputed ones (v toggles)"


def add_review_options(parser: argparse.ArgumentParser, all_help: str = ALL_HELP) -> None:
    """`--all` and `--min-agreement`: which units the review walks, and the gold it shows."""
    parser.add_argument("--all", dest="everything", action="store_true", help=all_help)
    add_min_agreement_option(parser, "for the gold shown")


def run(args: argparse.Namespace) -> int:
    return run_app("review", lambda: open_app(args))


def open_app(args: argparse.Namespace) -> ReviewApp:
    """The review app, ready to run; a LaunchError says why it cannot start, NothingToReview that
    there is nothing to decide."""
    with launching():
        from annotator.tui.launch import prepare_review

        return prepare_review(
            reviewer=annotator_name(args), everything=args.everything, min_agreement=args.min_agreement, **ui_inputs(args)
        )
