"""The help screen (`?`): every key, generated from the bindings, then the schema's definitions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.schema import Field, Schema
from annotator.tui.safe_text import safe_line, safe_text
from annotator.tui.widgets.schema_form import value_key

KEY_WIDTH = 16


def key_lines(bindings: Iterable[Binding], keymap: Mapping[str, str]) -> list[Content]:
    """One line per binding id: its keys (as remapped) and what it does."""
    lines: list[Content] = []
    seen: set[str] = set()
    for binding in bindings:
        if binding.id in seen or binding.id is None or binding.id.startswith("pick-"):
            continue
        seen.add(binding.id)
        keys = ", ".join(format_key(key.strip()) for key in keymap.get(binding.id, binding.key).split(","))
        lines.append(Content.assemble((keys.ljust(KEY_WIDTH), "bold $accent"), binding.tooltip or binding.description, (f"  [{binding.id}]", "$text-muted")))
    lines.append(Content.assemble(("1-9, 0".ljust(KEY_WIDTH), "bold $accent"), "pick the n-th value of the focused field (toggle in a multi field)", ("  [pick-1 … pick-10]", "$text-muted")))
    lines.append(Content.assemble(("tab, shift+tab".ljust(KEY_WIDTH), "bold $accent"), "next / previous field"))
    lines.append(Content.assemble(("ctrl+p".ljust(KEY_WIDTH), "bold $accent"), "command palette: every action by name"))
    return lines


def field_lines(schema: Schema, field: Field) -> list[Content]:
    kind = {"single": "one value", "multi": "any number of values", "text": "free text"}[field.kind]
    notes = [kind, *(["ordinal"] if field.ordinal else []), *(["required"] if field.required else [])]
    if field.when is not None:
        notes.append(f"asked when {field.when}")
    lines = [
        Content.assemble((safe_line(field.label), "bold"), (f"  ({', '.join(notes)})", "$text-muted")),
        Content.assemble("    ", safe_line(field.description)),
    ]
    for position, value in enumerate(field.values):
        lines.append(Content.assemble(("  " + value_key(position) + " ", "bold $accent"), (safe_line(value.label), "bold"), "  ", safe_line(value.description)))
    return lines


def help_text(schema: Schema, bindings: Iterable[Binding], keymap: Mapping[str, str]) -> Content:
    lines = [Content.styled("Keys", "bold underline"), *key_lines(bindings, keymap), Content("")]
    lines.append(Content.assemble(("Schema ", "bold underline"), (f"{safe_line(schema.name)} v{schema.version}", "bold underline")))
    if schema.title:
        lines.append(Content(safe_line(schema.title)))
    if schema.description:
        lines.append(safe_text(schema.description))
    for field in schema.fields:
        lines += [Content(""), *field_lines(schema, field)]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help", id="help-close")]

    def __init__(self, schema: Schema, bindings: Iterable[Binding], keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.text = help_text(schema, bindings, keymap)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self.text)

    def on_mount(self) -> None:
        help_box = self.query_one("#help", VerticalScroll)
        help_box.border_title = "Help: escape closes"
        help_box.focus()
