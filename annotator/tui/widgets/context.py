"""The context pane: the current sentence highlighted inside its paragraph."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from annotator.corpus import Document, Unit
from annotator.tui.safe_text import safe_line, safe_text


def in_context(document: Document, unit: Unit) -> Content:
    """The unit's paragraph with the unit itself picked out."""
    start, end = document.paragraphs[unit.paragraph]
    text = document.text
    return Content.assemble(
        safe_text(text[start : unit.start]),
        (safe_text(text[unit.start : unit.end]).plain, "bold reverse"),
        safe_text(text[unit.end : end]),
    )


class ContextPane(VerticalScroll, can_focus=False):
    """A scrollable box showing `in_context` for the current unit; its title names the document."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.paragraph: tuple[str, int] | None = None

    def compose(self):  # type: ignore[override]
        yield Static(id="context-text")

    def show(self, document: Document, unit: Unit) -> None:
        self.border_title = Content(safe_line(document.source))
        self.border_subtitle = Content(f"paragraph {unit.paragraph + 1} of {len(document.paragraphs)}")
        paragraph = (document.id, unit.paragraph)
        # Within the same paragraph only the highlight moves: the text wraps the same, no new layout.
        self.query_one("#context-text", Static).update(in_context(document, unit), layout=paragraph != self.paragraph)
        self.paragraph = paragraph
        self.scroll_home(animate=False)
