"""The sentence list: one line per unit, drawn with the line API, so the number of rows costs nothing.

Only the visible rows are rendered; the widget knows a unit count and two callbacks, and keeps the
cursor as a unit index. A heading row with the document's id goes before each document's first unit.
Status marks sit in a fixed gutter left of the untrusted text so that wide characters in a sentence
can never push them out of line.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import events
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotator.store.records import Status
from annotator.tui.safe_text import safe_text

MARKS: dict[str | None, tuple[str, str]] = {
    None: (" ", ""),
    Status.DONE: ("✓", "sentence-list--done"),
    Status.SKIPPED: ("»", "sentence-list--skipped"),
    Status.FLAGGED: ("⚑", "sentence-list--flagged"),
    Status.DRAFT: ("✎", "sentence-list--draft"),
    "unsaved": ("!", "sentence-list--unsaved"),
    "moved": ("~", "sentence-list--moved"),
    "look": ("?", "sentence-list--look"),
}
"""Gutter glyph and its style for each row mark the session reports."""


ROW_CACHE_SIZE = 256
"""Rendered rows kept: a few screens' worth, no more. Textual caches what it derives from a row
(crops, styles) inside it, so each kept row holds dozens of objects that every full pass of the
garbage collector walks."""


class SentenceList(ScrollView, can_focus=False):
    """Rows of `text(i)` with a gutter showing `mark(i)`; the cursor row is highlighted."""

    COMPONENT_CLASSES = {
        "sentence-list--cursor",
        "sentence-list--match",
        "sentence-list--heading",
        *(style for _glyph, style in MARKS.values() if style),
    }

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    @dataclass
    class Clicked(Message):
        """The user clicked row `index` (the screen decides whether the cursor goes there)."""

        index: int

    def __init__(
        self,
        count: int,
        text: Callable[[int], str],
        mark: Callable[[int], str | None],
        headings: Sequence[tuple[int, str]] = (),
        **kwargs: object,
    ) -> None:
        """`headings`: (first unit, document id) of each document, in unit order; none for a list of
        units that is not in document order."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._count = count
        self._text = text
        self._mark = mark
        self._heading_units = [unit for unit, _title in headings]
        self._heading_rows = [unit + number for number, unit in enumerate(self._heading_units)]
        self._heading_titles = [title for _unit, title in headings]
        self._cache: LRUCache[tuple[int, bool, str | None, int], Strip] = LRUCache(ROW_CACHE_SIZE)
        self.virtual_size = Size(0, count + len(headings))

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self._count - 1))

    def row(self, index: int) -> int:
        """The row of unit `index`, headings counted."""
        return index + bisect_right(self._heading_units, index)

    def _at_row(self, row: int) -> tuple[int, bool]:
        """(unit, is a heading) at `row`: a heading row gives its document's first unit."""
        headings_before = bisect_right(self._heading_rows, row)
        if headings_before and self._heading_rows[headings_before - 1] == row:
            return self._heading_units[headings_before - 1], True
        return row - headings_before, False

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_row(old)
        self.refresh_row(new)
        self.scroll_to_region(self._cursor_region(), animate=False, force=True, immediate=True)

    def _cursor_region(self) -> Region:
        """The cursor's row, with its document's heading when it is the first unit."""
        row = self.row(self.cursor)
        above = 1 if row and self._at_row(row - 1)[1] else 0
        return Region(0, row - above, 1, 1 + above)

    def on_resize(self, _event: events.Resize) -> None:
        self.scroll_to_region(self._cursor_region(), animate=False, force=True, center=True)

    def refresh_row(self, index: int) -> None:
        """Repaint the row of unit `index` (its mark or cursor state changed)."""
        self.refresh(Region(0, self.row(index) - self.scroll_offset.y, self.size.width, 1))

    def page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def on_click(self, event: events.Click) -> None:
        row = event.y + self.scroll_offset.y
        if row < self.virtual_size.height:
            self.post_message(self.Clicked(self._at_row(row)[0]))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        row = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if row >= self.virtual_size.height or width <= 0:
            return Strip.blank(max(width, 0), self.rich_style)
        index, is_heading = self._at_row(row)
        if is_heading:
            return self._render_heading(self._heading_titles[bisect_right(self._heading_units, index) - 1], width)
        key = (index, index == self.cursor, self._mark(index), width)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._cache[key] = self._render_row(*key)
        return strip

    def _render_heading(self, title: str, width: int) -> Strip:
        heading = Content.assemble("── ", safe_text(title, single_line=True), " ").truncate(width, ellipsis=True)
        heading = (heading + Content("─" * max(width - heading.cell_length, 0))).truncate(width)
        return Strip(heading.render_segments(self.get_visual_style("sentence-list--heading")), width)

    def _render_row(self, index: int, is_cursor: bool, mark: str | None, width: int) -> Strip:
        glyph, mark_style = MARKS.get(mark, MARKS[None])
        gutter = Content.assemble(
            "▸" if is_cursor else " ",
            (glyph, self.get_visual_style(mark_style, partial=True)) if mark_style else glyph,
            " ",
        )
        row = gutter + safe_text(self._text(index), single_line=True)
        row = row.truncate(width, ellipsis=True, pad=True)
        style = self.get_visual_style("sentence-list--cursor") if is_cursor else self.visual_style
        return Strip(row.render_segments(style), width)
