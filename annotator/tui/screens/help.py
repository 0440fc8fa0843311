"""The help screen (`?`): every key, generated from the bindings, the legend of the cue words
marked in the sentence (when suggestions are shown), then the schema's definitions."""

from __future__ import annotations

import re
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.schema.model import Field, Schema
from annotator.tui.keys import DIGITS, KeyNames, number_key
from annotator.tui.safe_text import safe_line, safe_text

KEY_WIDTH = 16
PICK_ID = re.compile(r"pick-\d+")  # pick-1 ... pick-10: one line for them all


def key_lines(bindings: Sequence[Binding], key_names: KeyNames, picks: Sequence[str]) -> list[Content]:
    """One line per binding id: its keys (as remapped) and what it does."""
    lines: list[Content] = []
    seen: set[str] = set()
    for binding in bindings:
        if binding.id in seen or binding.id is None or PICK_ID.fullmatch(binding.id):
            continue
        seen.add(binding.id)
        lines.append(
            Content.assemble(
                _keys_cell(key_names.of(binding)), binding.tooltip or binding.description, (f"  [{binding.id}]", "$text-muted")
            )
        )
    shown = "1-9, 0" if tuple(picks) == DIGITS else " ".join(picks)
    lines.append(
        Content.assemble(
            _keys_cell(shown), "pick the n-th value of the focused field (toggle in a multi field)", ("  [pick-1 … pick-10]", "$text-muted")
        )
    )
    lines.append(
        Content.assemble(_keys_cell(key_names.name(key_names.app.COMMAND_PALETTE_BINDING)), "command palette: every action by name")
    )
    return lines


def _keys_cell(keys: str) -> tuple[str, str]:
    """The keys column of a line: KEY_WIDTH wide, or wider with a gap when the keys need it."""
    return (keys.ljust(KEY_WIDTH) if len(keys) < KEY_WIDTH else f"{keys}  ", "bold $accent")


def field_lines(field: Field, picks: Sequence[str]) -> list[Content]:
    kind = {"single": "one value", "multi": "any number of values", "text": "free text"}[field.kind]
    notes = [kind, *(["ordinal"] if field.ordinal else []), *(["required"] if field.required else [])]
    if field.when is not None:
        notes.append(f"asked when {field.when}")
    lines = [
        Content.assemble((safe_line(field.label), "bold"), (f"  ({', '.join(notes)})", "$text-muted")),
        Content.assemble("    ", safe_line(field.description)),
    ]
    for position, value in enumerate(field.values):
        lines.append(
            Content.assemble(
                ("  " + number_key(picks, position) + " ", "bold $accent"),
                (safe_line(value.label), "bold"),
                "  ",
                safe_line(value.description),
            )
        )
    return lines


def help_text(schema: Schema, bindings: Sequence[Binding], key_names: KeyNames, legend: Sequence[Content] = ()) -> Content:
    picks = key_names.first([binding for binding in bindings if binding.id and PICK_ID.fullmatch(binding.id)])
    lines = [Content.styled("Keys", "bold underline"), *key_lines(bindings, key_names, picks), Content("")]
    if legend:
        lines += [Content.styled("Cue words in the sentence (behind the suggested values ◇)", "bold underline"), *legend, Content("")]
    lines.append(Content.assemble(("Schema ", "bold underline"), (f"{safe_line(schema.name)} v{schema.version}", "bold underline")))
    if schema.title:
        lines.append(Content(safe_line(schema.title)))
    if schema.description:
        lines.append(safe_text(schema.description))
    for field in schema.fields:
        lines += [Content(""), *field_lines(field, picks)]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help", id="help-close")]

    def __init__(self, schema: Schema, bindings: Sequence[Binding], key_names: KeyNames, legend: Sequence[Content] = ()) -> None:
        super().__init__()
        self.text = help_text(schema, bindings, key_names, legend)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self.text)

    def on_mount(self) -> None:
        help_box = self.query_one("#help", VerticalScroll)
        help_box.border_title = "Help: escape closes"
        help_box.focus()
