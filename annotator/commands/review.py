"""`annotator review [PATH...]`: walk the units annotators disagree on and decide their gold labels."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from annotator.commands.options import add_ui_options, annotator_name, open_ui, ui_inputs
from annotator.gold import DEFAULT_MIN_AGREEMENT

if TYPE_CHECKING:
    from annotator.tui.review_app import ReviewApp


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_ui_options(parser, "reviewer name (default: your login name); its file must hold no annotations")
    parser.add_argument("--all", dest="everything", action="store_true", help="show every labelled unit, not only the disputed ones (v toggles)")
    parser.add_argument(
        "--min-agreement",
        type=float,
        default=DEFAULT_MIN_AGREEMENT,
        help=f"share of annotators a majority label needs for the gold shown, 0.5 to 1 (default: {DEFAULT_MIN_AGREEMENT})",
    )


def run(args: argparse.Namespace) -> int:
    app = open_ui(lambda: _prepare(args))
    if isinstance(app, Exception):
        from annotator.tui.review_launch import NothingToReview

        return 0 if isinstance(app, NothingToReview) else 2
    app.run()
    return app.return_code or 0


def _prepare(args: argparse.Namespace) -> ReviewApp:
    from annotator.tui.review_launch import prepare_review

    return prepare_review(
        reviewer=annotator_name(args), everything=args.everything, min_agreement=args.min_agreement, **ui_inputs(args)
    )
