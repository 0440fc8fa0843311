"""The votes table of the review screen: rows are fields, columns are annotators, then the gold label.

Fields the annotators disagree on are marked ≠; a field an annotator was not asked shows `n/a`, an
asked field left empty `—`. Rows where nobody gave a value and nothing is undecided are left out.
Free text too long for its column (a note) follows the table in full.
The column headings number the annotators as the accept keys do. Names, values and labels come from
users' files: everything goes through `safe_line`.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from annotator.labels.gold import ADJUDICATED, NOT_APPLICABLE, UNRESOLVED, UnitGold
from annotator.schema.model import Schema, is_unset
from annotator.session.review import (
    Cell,
    FieldRow,
    resolution_text,
    side_by_side,
    value_text,
)
from annotator.text import plural
from annotator.tui.keys import DIGITS, number_key
from annotator.tui.safe_text import safe_line

GUTTER = 2
HOW_WIDTH = 12  # "majority 2/3"
FIELD_WIDTH = 18
RESOLUTION_STYLES = {ADJUDICATED: "bold $text-success", UNRESOLVED: "bold $text-error", NOT_APPLICABLE: "$text-muted"}


def annotator_heading(position: int, name: str, keys: Sequence[str] = DIGITS) -> str:
    """An annotator's column heading: the key that accepts their labels (the first ten), then the name."""
    return f"{number_key(keys, position)} {safe_line(name)}"


def votes_table(schema: Schema, unit: UnitGold, width: int, keys: Sequence[str] = DIGITS, focused: str | None = None) -> Content:
    """The table for `unit` fitted to `width` cells: a heading line, then one line per field; then
    the values cut short in the table of the text fields and of the `focused` field, in full."""
    rows = [row for row in side_by_side(schema, unit) if not row.blank]
    headings = [annotator_heading(position, name, keys) for position, name in enumerate(unit.annotations)]
    field_width = min(FIELD_WIDTH, max([Content(safe_line(row.field.label)).cell_length for row in rows] + [5]))
    columns = len(headings) + 1  # the annotators and the gold value share what is left
    column_width = max(3, (width - GUTTER - field_width - HOW_WIDTH - columns - 1) // columns)
    widths = [field_width, *[column_width] * columns, HOW_WIDTH]
    heading = [Content("field"), *map(Content, headings), Content("gold"), Content("how")]
    lines = [_line(Content(" " * GUTTER), heading, widths).stylize("bold $text-muted")]
    lines += [_row_line(row, widths) for row in rows]
    lines += _in_full(rows, headings, column_width, width, focused)
    return Content("\n").join(lines)


def _row_line(row: FieldRow, widths: list[int]) -> Content:
    mark = Content.styled("≠ " if row.disagrees else "  ", "bold $text-warning")
    label = Content.styled(safe_line(row.field.label), "bold $text-warning" if row.disagrees else "")
    gold = Content(safe_line(value_text(row.field, row.gold.value))) if not is_unset(row.gold.value) else Content.styled("—", "$text-muted")
    how = Content.styled(resolution_text(row.gold), RESOLUTION_STYLES.get(row.gold.resolution, ""))
    return _line(mark, [label, *map(_cell, row.cells), gold, how], widths)


def _cell(cell: Cell) -> Content:
    if cell is None:
        return Content.styled("n/a", "$text-muted")
    return Content(safe_line(cell)) if cell else Content.styled("—", "$text-muted")


def _in_full(rows: list[FieldRow], headings: list[str], column_width: int, width: int, focused: str | None) -> list[Content]:
    """The values of text fields (a note is worth reading whole) and of the focused field that are cut
    short in the table, in full."""
    lines: list[Content] = []
    for row in rows:
        if row.field.kind != "text" and row.field.id != focused:
            continue
        for heading, cell in zip(headings, row.cells):
            text = Content(safe_line(cell or ""))
            if text.cell_length > column_width:
                about = f"{safe_line(row.field.label)} · {heading}: "
                lines += Content.assemble((about, "$text-muted"), text).wrap(max(width, 1))
    return lines


def _line(gutter: Content, cells: list[Content], widths: list[int]) -> Content:
    fitted = [cell.truncate(width, ellipsis=True, pad=True) for cell, width in zip(cells, widths)]
    return gutter + Content(" ").join(fitted)


def votes_title(schema: Schema, unit: UnitGold) -> Content:
    """What the table says: how many annotators, the fields they disagree on, whether gold is resolved."""
    count = plural(len(unit.annotations), "annotator")
    fields = ", ".join(safe_line(schema.field(field_id).label) for field_id in unit.disagreeing)
    disagreement = Content.assemble(" · disagree on ", (fields, "bold $text-warning")) if fields else Content(" · no disagreement")
    gold = Content.styled(" · gold resolved", "$text-success") if unit.resolved else Content.styled(" · gold unresolved", "$text-error")
    return Content.assemble(count, gold, disagreement)


class VotesTable(Widget, can_focus=False):
    """Every annotator's labels of the current unit side by side, with the gold label."""

    DEFAULT_CSS = """
    VotesTable {
        height: auto;
        padding: 0 1;
        border-top: solid $panel;
        border-title-color: $text;
    }
    """

    def __init__(self, schema: Schema, accept_keys: Sequence[str] = DIGITS, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.schema = schema
        self.accept_keys = accept_keys
        self.unit: UnitGold | None = None
        self.focused: str | None = None  # the field whose values are shown in full

    def show_in_full(self, field_id: str | None) -> None:
        """Show the values of this field in full, under the table, where the table cuts them."""
        if field_id != self.focused:
            self.focused = field_id
            self.refresh(layout=True)

    def show(self, unit: UnitGold) -> None:
        self.unit = unit
        self.border_title = votes_title(self.schema, unit)
        self.refresh(layout=True)

    def render(self) -> Content:
        return self._table(self.content_region.width or 80)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._table(width).split("\n"))

    def _table(self, width: int) -> Content:
        return votes_table(self.schema, self.unit, width, self.accept_keys, self.focused) if self.unit is not None else Content("")
