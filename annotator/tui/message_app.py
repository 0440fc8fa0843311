"""A page that only says why the UI did not open, for a browser tab of `annotator serve`: there the
command's stderr reaches the server's console, not the person at the tab."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Static

from annotator.tui.safe_text import safe_text


class MessageApp(App[None]):
    CSS = """
    Screen {
        align: center middle;
    }
    #message {
        width: auto;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: round $warning;
    }
    """
    BINDINGS = [Binding("q,escape", "quit", "Close", id="close")]

    def __init__(self, title: str, lines: Sequence[str]) -> None:
        super().__init__()
        self.message_title = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        yield Static(safe_text("\n".join(self.lines)), id="message")
        yield Footer()

    def on_mount(self) -> None:
        message = self.query_one("#message", Static)
        message.border_title = Content(self.message_title)
        message.border_subtitle = Content("reload the page to try again")
