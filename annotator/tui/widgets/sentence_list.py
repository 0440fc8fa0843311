"""The sentence list: one line per unit, drawn with the line API, so the number of rows costs nothing.

Only the visible rows are rendered; the widget knows a row count and two callbacks, and keeps the
cursor as an integer. Status marks sit in a fixed gutter left of the untrusted text so that wide
characters in a sentence can never push them out of line.
"""

from __future__ import annotations

from collections.abc import Callable
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
        *(style for _glyph, style in MARKS.values() if style),
    }

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    @dataclass
    class Clicked(Message):
        """The user clicked row `index` (the screen decides whether the cursor goes there)."""

        index: int

    def __init__(self, count: int, text: Callable[[int], str], mark: Callable[[int], str | None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._count = count
        self._text = text
        self._mark = mark
        self._cache: LRUCache[tuple[int, bool, str | None, int], Strip] = LRUCache(ROW_CACHE_SIZE)
        self.virtual_size = Size(0, count)

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self._count - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_row(old)
        self.refresh_row(new)
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True, immediate=True)

    def on_resize(self, _event: events.Resize) -> None:
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, force=True, center=True)

    def refresh_row(self, index: int) -> None:
        """Repaint one row (its mark or cursor state changed)."""
        self.refresh(Region(0, index - self.scroll_offset.y, self.size.width, 1))

    def page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def on_click(self, event: events.Click) -> None:
        index = event.y + self.scroll_offset.y
        if index < self._count:
            self.post_message(self.Clicked(index))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if index >= self._count or width <= 0:
            return Strip.blank(max(width, 0), self.rich_style)
        key = (index, index == self.cursor, self._mark(index), width)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._cache[key] = self._render_row(*key)
        return strip

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
