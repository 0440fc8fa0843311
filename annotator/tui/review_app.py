"""The review app: the annotation app driving a review session, its records written as adjudications."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from annotator.session.review import ReviewSession
from annotator.store.records import ADJUDICATION
from annotator.tui.app import AnnotatorApp
from annotator.tui.palette import AnnotatorCommands
from annotator.tui.screens.review import REVIEW_BINDINGS, ReviewScreen


class ReviewCommands(AnnotatorCommands):
    """The annotation commands plus the review's own (accept, every or disputed units)."""

    def _commands(self) -> list[tuple[str, Binding]]:
        commands = super()._commands()
        listed = {binding.id for _name, binding in commands}
        return commands + [(binding.tooltip or binding.description, binding) for binding in REVIEW_BINDINGS if binding.id not in listed]


class ReviewApp(AnnotatorApp):
    TITLE = "annotator review"
    COMMANDS = App.COMMANDS | {ReviewCommands}
    RECORD_KEYS = {"kind": ADJUDICATION}
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    CSS = "ReviewScreen.-short #context { height: 5; }"  # the votes table needs the rows more
    session: ReviewSession
    review_screen: ReviewScreen

    def get_default_screen(self) -> Screen:
        """A blank screen under the review screen, so that the review screen can be replaced."""
        return Screen()

    def on_mount(self) -> None:
        self.review_screen = ReviewScreen(self.session)
        self.push_screen(self.review_screen)

    @property
    def annotate_screen(self) -> ReviewScreen:
        return self.review_screen

    def show_review(self, session: ReviewSession, message: str) -> None:
        """Go on with `session` (the same review over another set of units), saying `message`."""
        self.session = session
        self.review_screen = ReviewScreen(session, message=message)
        self.switch_screen(self.review_screen)
