"""`annotator review [PATH...]`: walk the units annotators disagree on and decide their gold labels."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from annotator.cli.options import (
    add_min_agreement_option,
    add_ui_options,
    annotator_name,
    require_terminal,
    ui_inputs,
)
from annotator.memory import launching

if TYPE_CHECKING:
    from annotator.tui.review_app import ReviewApp


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_ui_options(parser, "reviewer name (default: your login name); its file must hold no annotations")
    parser.add_argument(
        "--all", dest="everything", action="store_true", help="show every labelled unit, not only the disputed ones (v toggles)"
    )
    add_min_agreement_option(parser, "for the gold shown")


def run(args: argparse.Namespace) -> int:
    require_terminal("review")
    app = open_app(args)
    app.run()
    return app.return_code or 0


def open_app(args: argparse.Namespace) -> ReviewApp:
    """The review app, ready to run; a LaunchError says why it cannot start, NothingToReview that
    there is nothing to decide."""
    with launching():
        from annotator.tui.launch import prepare_review

        return prepare_review(
            reviewer=annotator_name(args), everything=args.everything, min_agreement=args.min_agreement, **ui_inputs(args)
        )
