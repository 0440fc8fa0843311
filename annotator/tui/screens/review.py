"""The review screen: the annotation screen over the units under review, with the votes table.

Everything the annotation screen does works the same (moving, picking values, enter, undo, search,
help); its labels are the reviewer's decisions. On top: `a` accepts one annotator's labels (so the
statistics move to `A`), `v` switches between the disputed units and every labelled unit, and the
votes table shows each annotator's labels and the unit's gold label, updated once a decision is on disk.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from annotator.session.annotate import SaveRequest
from annotator.session.review import ReviewSession
from annotator.tui.keys import declared
from annotator.tui.safe_text import safe_line
from annotator.tui.screens.accept import CHOOSE_BINDINGS, GOLD, AcceptScreen
from annotator.tui.screens.annotate import AnnotateContext, AnnotateScreen, rebind
from annotator.tui.widgets.votes_table import VotesTable

ACCEPT_GOLD = Binding(
    "m", "accept_gold", "Accept gold", tooltip="Accept the unit's gold labels (the majority's) as the decision", id="accept-gold"
)
REVIEW_BINDINGS = [
    ACCEPT_GOLD,
    Binding(
        "a", "accept", "Accept", tooltip="Accept one annotator's labels as the decision (then press their number)", id="accept-annotator"
    ),
    Binding(
        "v",
        "other_units",
        "All/disputed",
        tooltip="Show every labelled unit, or only those the annotators disagree on",
        id="toggle-all-units",
    ),
]
REVIEW_ACTIONS = ("accept", "accept_gold", "other_units")
SCREEN_BINDINGS = [binding for binding in declared(Screen.BINDINGS) if binding.key not in ("tab", "shift+tab")]
"""Textual's own screen bindings but those the annotation screen declares itself (copying text)."""


class ReviewScreen(AnnotateScreen, inherit_bindings=False):
    # The whole list, not merged key by key with AnnotateScreen's (where a key moved away would keep
    # its old meaning): the annotation screen's bindings with the statistics on `A`, then the review's.
    BINDINGS = [*rebind(AnnotateScreen.BINDINGS, {"stats": "A"}), *REVIEW_BINDINGS, *SCREEN_BINDINGS]
    FOOTER_PRIORITY = (
        "help",
        "accept-gold",
        "accept-annotator",
        "pick-1",
        "save-done",
        "toggle-all-units",
        *AnnotateScreen.FOOTER_PRIORITY[2:],
    )
    session: ReviewSession

    @dataclass
    class ShowOtherUnits(Message):
        """Go on with `session`, the same review over the other set of units, saying `message`."""

        session: ReviewSession
        message: str

    def __init__(self, session: ReviewSession, context: AnnotateContext, *, message: str | None = None) -> None:
        super().__init__(session, context)
        self.message = Content(message) if message else None

    def compose_below_body(self) -> ComposeResult:
        # In a scroll of its own, at most part of the screen: long notes must not push the sentence out of view.
        with VerticalScroll(id="votes-scroll", can_focus=False):
            yield VotesTable(self.session.schema, self.accept_keys, id="votes")

    @property
    def accept_keys(self) -> tuple[str, ...]:
        """The key that accepts each annotator's labels in the chooser, as the user has them."""
        return self.context.key_names.first(CHOOSE_BINDINGS)

    @property
    def votes(self) -> VotesTable:
        return self.query_one("#votes", VotesTable)

    def show_unit(self) -> None:
        super().show_unit()
        self.votes.show(self.session.gold(self.session.cursor))

    def on_descendant_focus(self) -> None:
        super().on_descendant_focus()
        field = self.focused_field()
        self.votes.show_in_full(field.field.id if field is not None else None)

    def header(self) -> Content:
        session = self.session
        shown = "labelled" if session.everything else "disputed"
        return Content.assemble(
            ("review by ", "$text-muted"),
            (safe_line(session.review.reviewer), "bold"),
            ("  schema ", "$text-muted"),
            f"{safe_line(session.schema.name)} v{session.schema.version}",
            (f"  {shown} unit ", "$text-muted"),
            f"{session.cursor + 1}/{len(session.units)}",
            ("  decided ", "$text-muted"),
            f"{session.decided_count()}/{len(session.units)}",
        )

    def saved(self, request: SaveRequest) -> None:
        super().saved(request)
        if request.index == self.session.cursor:
            self.votes.show(self.session.gold(request.index))

    async def action_done(self) -> None:
        """Mark the unit done, or go on if it is decided already (after an accept, say)."""
        self.commit_text()
        index = self.session.cursor
        if self.session.is_decided(index):
            self.move_to(self.session.next_unlabelled(index))
        else:
            await super().action_done()

    # Accepting an annotator's labels

    def action_accept(self) -> None:
        annotators = list(self.session.gold(self.session.cursor).annotations)
        if not annotators:
            self.say(Content("no annotator's labels to accept on this unit"))
            return
        has_gold = not isinstance(self.session.review.gold_labels(self.session.unit.key), str)
        gold = self.context.key_names.of(ACCEPT_GOLD) if has_gold else None
        self.app.push_screen(AcceptScreen(annotators, self.accept_keys, gold), self.accept)

    def action_accept_gold(self) -> None:
        self.accept(GOLD)

    def accept(self, choice: str | None) -> None:
        """Decide the unit with the labels of the annotator chosen, or its gold labels (GOLD)."""
        if choice is None:
            return
        index = self.session.cursor
        request = self.session.accept_gold(index) if choice == GOLD else self.session.accept(index, choice)
        if isinstance(request, str):
            self.say(Content(request), error=True)
            return
        self.submit(request)
        self.sentences.refresh_row(request.index)
        self.show_unit()
        whose = Content("the gold labels") if choice == GOLD else Content.assemble("the labels of ", (safe_line(choice), "bold"))
        self.say(Content.assemble("accepted ", whose, "; enter goes on"))

    # Disputed units or every labelled unit

    def action_other_units(self) -> None:
        other = self.session.other_units()
        if isinstance(other, str):
            self.say(Content(other))
            return
        shown = "every labelled unit" if other.everything else "the disputed units"
        self.post_message(self.ShowOtherUnits(other, f"showing {shown}; undo starts afresh"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in REVIEW_ACTIONS:
            return not isinstance(self.focused, Input)
        return super().check_action(action, parameters)
