"""`annotator review [PATH...]`: walk the units annotators disagree on and decide their gold labels."""

from __future__ import annotations

import argparse
import gc

from annotator.commands.options import add_ui_options, annotator_name, corpus_paths, keymap_file, say
from annotator.gold import DEFAULT_MIN_AGREEMENT


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
    gc.disable()  # as in annotate (`open_app`): the app turns it back on once its first screen is drawn
    from annotator.tui.review_launch import LaunchError, NothingToReview, prepare_review

    try:
        app = prepare_review(
            paths=corpus_paths(args),
            reviewer=annotator_name(args),
            schema_path=args.schema,
            store_dir=args.store,
            everything=args.everything,
            min_agreement=args.min_agreement,
            keymap=keymap_file(args),
        )
    except LaunchError as error:
        gc.enable()
        for line in error.lines:
            say(line)
        return 0 if isinstance(error, NothingToReview) else 2
    app.run()
    return app.return_code or 0
