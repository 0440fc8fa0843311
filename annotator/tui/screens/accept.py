"""The accept chooser (`a` on the review screen): whose labels become the decision.

Annotators are numbered as in the votes table's headings; their number picks one at once, and
arrows with enter reach any of them (more than ten too). Escape closes without a decision.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from annotator.tui.keys import DIGITS
from annotator.tui.widgets.votes_table import annotator_heading

GOLD = ""
"""What the chooser dismisses with for the gold labels (no annotator has an empty name)."""

CHOOSE_BINDINGS = [Binding(str(n % 10), f"choose({n})", f"Accept annotator {n}", show=False, id=f"accept-{n}") for n in range(1, 11)]


class AcceptScreen(ModalScreen[str | None]):
    """Dismisses with the chosen annotator's name, or None."""

    DEFAULT_CSS = """
    AcceptScreen {
        align: center middle;
        #accept-list {
            width: 60;
            max-width: 100%;  /* not less: an OptionList with no room for text crashes */
            height: auto;
            max-height: 80%;
            border: round $accent;
            background: $surface;
        }
    }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="accept-cancel"), *CHOOSE_BINDINGS]

    def __init__(self, annotators: list[str], keys: Sequence[str] = DIGITS, gold: str | None = None) -> None:
        """`gold`: the key and what accepting the gold labels decides, offered first (and taken by
        enter), when the unit has gold labels to accept."""
        super().__init__()
        self.annotators = annotators
        self.keys = keys  # the key that accepts each annotator's labels, in order
        self.gold = gold

    @property
    def choices(self) -> list[str]:
        """What each option dismisses with: GOLD first if offered, then the annotators."""
        return [GOLD, *self.annotators] if self.gold is not None else list(self.annotators)

    def compose(self) -> ComposeResult:
        options = [Option(Content(annotator_heading(i, name, self.keys))) for i, name in enumerate(self.annotators)]
        if self.gold is not None:
            options.insert(0, Option(Content(f"{self.gold}: the gold labels")))
        yield OptionList(*options, id="accept-list")

    def on_mount(self) -> None:
        option_list = self.query_one("#accept-list", OptionList)
        option_list.border_title = Content("Accept whose labels? number or enter; escape cancels")
        option_list.focus()

    def action_choose(self, number: int) -> None:
        if number <= len(self.annotators):
            self.dismiss(self.annotators[number - 1])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])
