"""The review app: the annotation app driving a review session, its records written as adjudications."""

from __future__ import annotations

from textual.screen import Screen

from annotator.session.review import ReviewSession
from annotator.store.records import ADJUDICATION
from annotator.tui.app import AnnotatorApp
from annotator.tui.palette import PALETTE_BINDING_IDS
from annotator.tui.screens.review import REVIEW_BINDINGS, ReviewScreen


class ReviewApp(AnnotatorApp):
    TITLE = "annotator review"
    RECORD_KEYS = {"kind": ADJUDICATION}
    PALETTE_BINDING_IDS = (*PALETTE_BINDING_IDS, *(binding.id for binding in REVIEW_BINDINGS if binding.id))
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    CSS = "ReviewScreen.-short #context { height: 5; }"  # the votes table needs the rows more
    session: ReviewSession
    annotate_screen: ReviewScreen

    def labelling_screen(self) -> ReviewScreen:
        return ReviewScreen(self.session, self.screen_context)

    def get_default_screen(self) -> Screen:
        """A blank screen under the review screen, so that the review screen can be replaced."""
        return Screen()

    def on_mount(self) -> None:
        self.push_screen(self.annotate_screen)

    def on_review_screen_show_other_units(self, message: ReviewScreen.ShowOtherUnits) -> None:
        """Go on with the same review over another set of units."""
        self.session = message.session
        self.annotate_screen = ReviewScreen(message.session, self.screen_context, message=message.message)
        self.switch_screen(self.annotate_screen)
