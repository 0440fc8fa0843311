"""The statistics screen: the agreement report of the store being annotated, as `annotator stats`
prints it (the same tables, the disputed units with their sentence from the corpus on screen).

The report is computed in a thread worker (it reads every annotator's file and resamples), so the
screen opens at once and fills in when the numbers are ready; `r` computes it again from the files
as they are now. Closing the screen stops the computation at its next step, and nothing it read or
built outlives it. Prose is wrapped to the screen's width (again when it is resized); tables keep
their width and the report scrolls sideways (left / right) where one is wider than the screen.
Everything shown is `Content`, never parsed as markup: document ids, labels and sentences come from
the user's files.

The report module (and numpy with it) is imported by the worker, when the screen first opens: the
annotation screen, which imports this one, then starts without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState, get_current_worker

from annotator.corpus.document import Corpus
from annotator.schema.model import Schema
from annotator.store.read import load_store
from annotator.text import printable
from annotator.tui.keys import KeyNames, declared

if TYPE_CHECKING:
    from annotator.agreement.report import Report

SHOWN_SKIPPED = 200  # damaged lines and left-out labels listed on the screen


class StatsScreen(Screen[None]):
    """Agreement per schema field: the coefficients, kappa and coincidence matrices, the annotators and the most disputed units."""

    DEFAULT_CSS = """
    StatsScreen #stats-scroll { height: 1fr; }
    StatsScreen #stats-report { width: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="stats-close"),
        Binding("r", "recompute", "Recompute", id="stats-recompute"),
    ]

    def __init__(
        self,
        store_dir: Path,
        schema: Schema,
        key_names: KeyNames,
        *,
        corpus: Corpus | None = None,
        bootstrap: int | None = None,
        seed: int = 0,
    ) -> None:
        """`corpus`: where labels are placed and disputed sentences read from; `bootstrap`: resamples
        for the confidence intervals (None: the report's default)."""
        super().__init__()
        self.store_dir = store_dir
        self.key_names = key_names
        self.schema = schema
        self.corpus = corpus
        self.bootstrap = bootstrap
        self.seed = seed
        self.report: Report | None = None
        self.problems: list[str] = []

    def compose(self) -> ComposeResult:
        with ScrollableContainer(id="stats-scroll"):
            yield Static(id="stats-report")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#stats-scroll").focus()
        self.action_recompute()

    def action_recompute(self) -> None:
        self.report = None
        self._show(Content(f"Computing agreement over {printable(str(self.store_dir))} ..."))
        self._compute()

    def on_resize(self) -> None:
        if self.report is not None:
            self._show_report(self.report)

    def _show_report(self, report: Report) -> None:
        """Rendered here, on the event loop: it owns the app's keymap (the key hint) and the layout (the width)."""
        self._show(report_content(report, self.problems, self.key_hint(), self.text_width()))

    def text_width(self) -> int:
        """Columns for prose: the scroll area's, less its vertical scroll bar (a report is longer than
        a screen) and the report's padding."""
        scroll = self.query_one("#stats-scroll")
        return max(scroll.size.width - scroll.styles.scrollbar_size_vertical - 2, 20)

    def action_close(self) -> None:
        self.dismiss()

    def on_unmount(self) -> None:
        # Textual may keep a closed screen a while (its last thread worker refers to it): not its report.
        self.report = None

    class Computed(Message):
        """The worker's report, handed over as a message: a worker keeps its result as long as it is kept."""

        def __init__(self, worker: Worker[None], report: Report, problems: list[str]) -> None:
            super().__init__()
            self.worker = worker
            self.report = report
            self.problems = problems

    @work(thread=True, exclusive=True, exit_on_error=False, name="agreement")
    def _compute(self) -> None:
        """On a worker thread: the report, and the damaged lines of the store (`Computed`). When the
        worker is cancelled (the screen closed, or `r` started again), the work stops at its next
        step and lets go of what it built: a thread cannot be stopped from outside."""
        from annotator.agreement.report import DEFAULT_BOOTSTRAP, ReportCancelled, build_report

        worker = get_current_worker()
        store = load_store(self.store_dir)
        bootstrap = DEFAULT_BOOTSTRAP if self.bootstrap is None else self.bootstrap
        try:
            report = build_report(
                store, self.schema, bootstrap=bootstrap, seed=self.seed, corpus=self.corpus, cancelled=lambda: worker.is_cancelled,
                pair_intervals=False,  # the screen shows the kappa matrix, not the pairs' intervals
            )  # fmt: skip
        except ReportCancelled:
            return
        self.post_message(self.Computed(worker, report, [str(problem) for problem in store.problems]))

    def on_stats_screen_computed(self, message: Computed) -> None:
        if not message.worker.is_cancelled:
            self.problems = message.problems
            self._show_report(message.report)
            self.report = message.report

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "agreement" and event.state == WorkerState.ERROR:
            self._show(Content.styled(f"Could not compute the agreement: {printable(str(event.worker.error))}", "bold $error"))

    def key_hint(self) -> str:
        """How to close and recompute, with the keys as the user's keymap has them."""
        close, recompute = (self.key_names.of(binding) for binding in declared(self.BINDINGS))
        return f"{close} closes, {recompute} recomputes"

    def _show(self, content: Content) -> None:
        self.query_one("#stats-report", Static).update(content)


def report_content(report: Report, problems: list[str], key_hint: str, width: int) -> Content:
    """The report as literal text: a title, the terminal rendering (prose wrapped at `width`), then
    what was left out."""
    from annotator.agreement.render import render_text

    lines = [Content.styled(f"Agreement between annotators ({key_hint})", "bold underline")]
    lines.append(Content(printable(render_text(report, width=width).rstrip("\n"))))
    skipped = [*problems, *report.left_out]
    if skipped:
        lines.append(Content.styled(f"\nNot counted ({len(skipped)}):", "bold"))
        lines += [Content(printable(line)) for line in skipped[:SHOWN_SKIPPED]]
    if len(skipped) > SHOWN_SKIPPED:
        lines.append(Content(f"... and {len(skipped) - SHOWN_SKIPPED} more: annotator validate lists them all"))
    return Content("\n").join(lines)
