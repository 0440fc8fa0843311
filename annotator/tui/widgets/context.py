"""The context pane: the current sentence highlighted inside its paragraph."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from annotator.corpus.document import Document, Unit
from annotator.text import flowed
from annotator.tui.safe_text import safe_line, safe_text

UNIT_STYLE = "bold reverse"


def in_context(document: Document, unit: Unit) -> Content:
    """The unit's paragraph, flowed, with the unit itself picked out."""
    start, end = document.paragraphs[unit.paragraph]
    text = document.text
    return Content.assemble(
        safe_text(flowed(text[start : unit.start])),
        (safe_text(flowed(text[unit.start : unit.end])).plain, UNIT_STYLE),
        safe_text(flowed(text[unit.end : end])),
    )


def first_shown_line(unit_lines: range, total: int, height: int) -> int:
    """The first of `total` wrapped lines to show in `height` rows so that the unit's lines are in
    view: the paragraph's start if the unit fits below it, else the unit centred, else its start."""
    if not unit_lines or unit_lines.stop <= height:
        return 0
    if len(unit_lines) >= height:
        return unit_lines.start
    centred = unit_lines.start - (height - len(unit_lines)) // 2
    return max(0, min(centred, total - height))


class ContextPane(Widget, can_focus=False):
    """The paragraph around the current unit, wrapped and scrolled so that the unit is in view.

    Its height is fixed (annotator.tcss): showing another unit repaints it and its border, and
    never asks for a new layout of the screen. The border's title is the document's id (a .jsonl or
    .csv file holds many documents); its subtitle says where the paragraph is and whether more of it
    lies above (↑) or below (↓)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.context = Content("")
        self.where = ""
        self.shown = Content("")

    def show(self, document: Document, unit: Unit) -> None:
        self.border_title = Content(safe_line(document.id))
        self.where = f"paragraph {unit.paragraph + 1} of {len(document.paragraphs)}"
        self.context = in_context(document, unit)
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Wrap the paragraph to the pane and pick the rows to show (once the pane has a size)."""
        width, height = self.content_size
        if width <= 0 or height <= 0:
            self.shown = Content("")
            return
        lines = self.context.wrap(width)
        marked = [number for number, line in enumerate(lines) if any(span.style == UNIT_STYLE for span in line.spans)]
        unit_lines = range(marked[0], marked[-1] + 1) if marked else range(0)
        top = first_shown_line(unit_lines, len(lines), height)
        more = ("↑" if top > 0 else "") + ("↓" if top + height < len(lines) else "")
        self.border_subtitle = Content(f"{more} {self.where}" if more else self.where)
        self.shown = Content("\n").join(lines[top : top + height])
        self.refresh()

    def render(self) -> Content:
        return self.shown
