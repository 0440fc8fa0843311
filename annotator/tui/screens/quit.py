"""The quit confirmation: asked only when changes could not be saved (a full disk, say).

Quitting then loses those labels, which are on screen only; `n` or escape goes back to them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.text import plural
from annotator.tui.keys import KeyNames, declared
from annotator.tui.safe_text import safe_line


class QuitScreen(ModalScreen[bool]):
    """Dismisses with True to quit anyway, False to go back."""

    DEFAULT_CSS = """
    QuitScreen {
        align: center middle;
        #quit-question {
            width: 60;
            max-width: 100%;
            height: auto;
            padding: 1 2;
            border: round $error;
            background: $surface;
        }
    }
    """
    BINDINGS = [
        Binding("y", "dismiss(True)", "Quit anyway", id="quit-anyway"),
        Binding("n,escape", "dismiss(False)", "Back to the labels", id="quit-back"),
    ]

    def __init__(self, unsaved: int, reason: str, key_names: KeyNames) -> None:
        super().__init__()
        yes, back = key_names.first(declared(self.BINDINGS))
        self.question = quit_question(unsaved, reason, yes, back)

    def compose(self) -> ComposeResult:
        yield Static(self.question, id="quit-question")

    def on_mount(self) -> None:
        self.query_one("#quit-question", Static).border_title = Content("Not saved")


def quit_question(unsaved: int, reason: str, yes: str, back: str) -> Content:
    changes = f"{plural(unsaved, 'change')} {'is' if unsaved == 1 else 'are'}"
    them = "it" if unsaved == 1 else "them"
    return Content.assemble(
        (f"{changes} not saved", "bold"),
        f" ({safe_line(reason)}). Quit anyway and lose {them}? ",
        (yes, "bold $accent"),
        " / ",
        (back, "bold $accent"),
    )
