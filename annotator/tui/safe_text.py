"""The one path from untrusted text (documents, schemas, file names) to the screen.

`Content` is never parsed as markup, so `[/]` or `[@click=...]` show as typed; `printable` turns
control, bidi and zero-width characters into visible placeholders before anything reaches the
terminal.
"""

from __future__ import annotations

from rich.highlighter import Highlighter
from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.notifications import SeverityLevel

from annotator.text import printable, printable_in_place


def safe_line(raw: str) -> str:
    """`raw` as one printable line: line breaks shown as ⏎, tabs as spaces."""
    flat = raw.replace("\r\n", "\n").replace("\n", " ⏎ ").replace("\t", " ")
    return printable(flat)


def safe_text(raw: str, *, single_line: bool = False) -> Content:
    """Untrusted text as literal Content with every control character made visible."""
    return Content(safe_line(raw) if single_line else printable(raw))


class PrintableHighlighter(Highlighter):
    """For an `Input`: the field keeps its text as typed (and that is what is saved); what reaches
    the terminal has its control, bidi and zero-width characters made visible, one character for
    one, so character positions line up: the cursor block is drawn on the right character. Cell
    positions do not: such a character takes no cell in the value as typed but one as shown, and the
    `Input` reckons its horizontal scroll, the terminal's cursor position and clicks from the value
    as typed, so past each one they are a cell off (a long value can scroll a cell short of the
    cursor). An `Input` otherwise draws a pasted or stored ESC as it is."""

    def highlight(self, text: Text) -> None:
        text.plain = printable_in_place(text.plain)


def notify_safe(app: App, message: str, *, severity: SeverityLevel = "information", timeout: float | None = None) -> None:
    """A toast whose text may contain untrusted parts: shown literally, never as markup."""
    app.notify(printable(message), severity=severity, timeout=timeout, markup=False)
