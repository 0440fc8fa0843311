"""The one path from untrusted text (documents, schemas, file names) to the screen.

`Content` is never parsed as markup, so `[/]` or `[@click=...]` show as typed; `printable` turns
control, bidi and zero-width characters into visible placeholders before anything reaches the
terminal.
"""

from __future__ import annotations

from textual.app import App
from textual.content import Content
from textual.notifications import SeverityLevel

from annotator.display import printable


def safe_line(raw: str) -> str:
    """`raw` as one printable line: line breaks shown as ⏎, tabs as spaces."""
    flat = raw.replace("\r\n", "\n").replace("\n", " ⏎ ").replace("\t", " ")
    return printable(flat)


def safe_text(raw: str, *, single_line: bool = False) -> Content:
    """Untrusted text as literal Content with every control character made visible."""
    return Content(safe_line(raw) if single_line else printable(raw))


def notify_safe(app: App, message: str, *, severity: SeverityLevel = "information", timeout: float | None = None) -> None:
    """A toast whose text may contain untrusted parts: shown literally, never as markup."""
    app.notify(printable(message), severity=severity, timeout=timeout, markup=False)
