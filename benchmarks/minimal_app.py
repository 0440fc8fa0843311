"""The baseline of bench_tui's key latency: a minimal Textual app that makes, for each key, the kind
of change the annotation screen makes (a status line, a list of sentences with a cursor and marks,
a picked value), with none of its work behind it.

    python benchmarks/minimal_app.py   (j moves down, a digit picks a value, enter marks the sentence done and moves on)
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

SENTENCES = 5000


class MinimalApp(App[None]):
    BINDINGS = [("j", "move"), ("enter", "done"), *((str(digit), f"pick({digit})") for digit in range(1, 10))]

    def __init__(self) -> None:
        super().__init__()
        self.cursor = 0
        self.done: set[int] = set()
        self.picked: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="rows")
        yield Static(id="form")

    def on_mount(self) -> None:
        self.show()

    def action_move(self) -> None:
        self.cursor = min(self.cursor + 1, SENTENCES - 1)
        self.picked = None
        self.show()

    def action_pick(self, digit: int) -> None:
        self.picked = digit
        self.show()

    def action_done(self) -> None:
        self.done.add(self.cursor)
        self.action_move()

    def show(self) -> None:
        self.query_one("#status", Static).update(Content(f" {len(self.done)} of {SENTENCES} labelled  sentence {self.cursor + 1}"))
        first = max(0, self.cursor - 10)
        rows = [
            f"{'▸' if n == self.cursor else ' '}{'✓' if n in self.done else ' '} Sentence {n + 1} of the document, as the list shows it."
            for n in range(first, first + self.size.height - 4)
        ]
        self.query_one("#rows", Static).update(Content("\n".join(rows)))
        self.query_one("#form", Static).update(Content(f" picked: {self.picked or '-'}"))


if __name__ == "__main__":
    MinimalApp().run()
