"""Running the app of a command that opens a UI (annotate, review), in a terminal or in the browser
tab `annotator serve` runs the command for."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.cli.options import in_browser_tab, require_terminal, say
from annotator.errors import UserError

if TYPE_CHECKING:
    from annotator.tui.app import AnnotatorApp


def run_app(command: str, open_app: Callable[[], AnnotatorApp]) -> int:
    """Run the app `open_app` makes; the exit code. In a browser tab, what stops the app from
    opening (a lock held by another tab, say) is shown in the page as well as said on stderr."""
    require_terminal(command)
    try:
        app = open_app()
    except UserError as error:
        if not in_browser_tab():
            raise
        from annotator.tui.message_app import MessageApp

        for line in error.lines:
            say(line)
        MessageApp(f"annotator {command}", error.lines).run()
        return error.exit_code
    app.run()
    return app.return_code or 0
