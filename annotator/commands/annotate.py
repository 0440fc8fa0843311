"""`annotator annotate [PATH...]`: label a corpus sentence by sentence in the terminal UI."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from annotator.commands.options import add_ui_options, annotator_name, open_ui, ui_inputs

if TYPE_CHECKING:
    from annotator.tui.app import AnnotatorApp


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_ui_options(parser, "annotator name (default: your login name)")


def run(args: argparse.Namespace) -> int:
    app = open_app(args)
    if app is None:
        return 2
    app.run()
    return app.return_code or 0


def open_app(args: argparse.Namespace) -> AnnotatorApp | None:
    """The app, ready to run; None once the user has been told why it cannot start."""
    app = open_ui(lambda: _prepare(args))
    return app if not isinstance(app, Exception) else None


def _prepare(args: argparse.Namespace) -> AnnotatorApp:
    from annotator.tui.launch import prepare

    return prepare(annotator=annotator_name(args), **ui_inputs(args))
