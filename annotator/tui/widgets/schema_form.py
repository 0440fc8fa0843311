"""The schema form: one widget per field, built once from the schema and refreshed per unit.

Choice fields draw their values as chips with the key that picks each, the chosen ones marked
with ●, suggested ones (in a field without a value) with ◇, the highlighted one underlined. Text
fields are Inputs, a suggested text their placeholder. The form only shows labels; the screen asks
the session what a key changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Offset, Region, Size
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from annotator.schema.model import Field, Schema, Value
from annotator.tui.keys import DIGITS, number_key
from annotator.tui.safe_text import PrintableHighlighter, safe_line

CHIP_GAP = Content(" ")
SUGGESTED_STYLE = "italic $text-warning"


def definition(field: Field, value: Value | None = None) -> Content:
    """What the definition box says of a value of `field` (its own description, else the field's),
    or of the field itself."""
    if value is None:
        return Content.assemble((safe_line(field.label), "bold"), ": ", safe_line(field.description))
    return Content.assemble((safe_line(value.label), "bold"), ": ", safe_line(value.description or field.description))


def every_definition(schema: Schema) -> list[Content]:
    """Every text the definition box can show for `schema`."""
    return [definition(field, value) for field in schema.fields for value in [None, *field.values]]


class DefinitionBox(Static):
    """The definition of the highlighted value or the focused field. It is as tall as the longest
    definition at its width, so that none is cut and showing another one needs no new layout."""

    def __init__(self, schema: Schema, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.definitions = every_definition(schema)

    def on_resize(self) -> None:
        width = self.content_size.width
        if width > 0:
            lines = max(len(text.wrap(width)) for text in self.definitions)
            height = lines + self.styles.gutter.height
            if self.styles.height is None or self.styles.height.value != height:
                self.styles.height = height


def field_heading(field: Field) -> Content:
    """A field's label, with * when it is required."""
    return Content.assemble(safe_line(field.label), (" *", "$text-error") if field.required else "")


class ChoiceField(Widget, can_focus=True):
    """A single or multiple choice field: heading line, then its values as numbered chips."""

    highlight: reactive[int] = reactive(0)

    def __init__(self, field: Field, keys: Sequence[str] = DIGITS) -> None:
        super().__init__(id=f"field-{field.id}", classes="field")
        self.field = field
        self.keys = keys  # the key that picks each value, in order
        self.chosen: list[str] = []
        self.was = ""  # the value it held in an earlier schema version, when that is to be decided again
        self.suggested: list[str] = []  # the suggested values, shown while the field has no value

    def show(self, value: str | list[str] | None, was: str = "", suggested: str | list[str] | None = None) -> None:
        """Display the field's current value (None when unset), its suggested value (the session
        suggests only for a field without one) and, if it has to be decided again after a schema
        change, its value as written (`was`)."""
        chosen, offered = as_list(value), as_list(suggested)
        if chosen == self.chosen and was == self.was and offered == self.suggested:
            return
        self.chosen, self.was, self.suggested = chosen, was, offered
        shown = chosen or offered
        if shown and shown[0] in self.field.positions:
            self.highlight = self.field.positions[shown[0]]
        self.refresh()

    def move_highlight(self, step: int) -> None:
        self.highlight = (self.highlight + step) % len(self.field.values)

    def highlighted_description(self) -> Content:
        return definition(self.field, self.field.values[self.highlight])

    def render(self) -> Content:
        return self._layout(self.content_region.width or 80)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._layout(width).split("\n"))

    def _layout(self, width: int) -> Content:
        """Heading, then the chips flowed onto lines of `width` cells without splitting a chip."""
        kind = "one" if self.field.kind == "single" else "any"
        suggested = ("  ◇ suggested", SUGGESTED_STYLE) if self.suggested else ""
        lines = [Content.assemble(field_heading(self.field), (f"  ({kind})", "$text-muted"), suggested)]
        if self.was:
            lines.append(Content.assemble(("? was ", "$text-warning"), (safe_line(self.was), "bold $text-warning")))
        line = Content("")
        for position in range(len(self.field.values)):
            chip = self._chip(position)
            if line and line.cell_length + 1 + chip.cell_length > width:
                lines.append(line)
                line = chip
            else:
                line = line + CHIP_GAP + chip if line else chip
        lines.append(line)
        return Content("\n").join(lines)

    def _chip(self, position: int) -> Content:
        value = self.field.values[position]
        chosen, suggested = value.id in self.chosen, value.id in self.suggested
        mark = ("●", "$text-success") if chosen else ("◇", "$text-warning") if suggested else " "
        chip = Content.assemble(
            mark,
            (number_key(self.keys, position), "bold $accent"),
            " ",
            (safe_line(value.label), "bold $text-success" if chosen else SUGGESTED_STYLE if suggested else ""),
        )
        if position == self.highlight and self.has_focus:
            chip = chip.stylize("underline reverse", 1)
        return chip


TYPE_HINT = "type, then escape or tab"


class TextField(Input):
    """A free-text field; the screen saves its value when the annotator leaves it or pauses typing."""

    def __init__(self, field: Field) -> None:
        super().__init__(id=f"field-{field.id}", classes="field", placeholder=TYPE_HINT, highlighter=PrintableHighlighter())
        self.field = field
        self.border_title = field_heading(field)

    async def action_submit(self) -> None:
        """enter: the screen's `done`, run in this field's own queue, so that keys typed right after
        wait behind it and go to the next sentence (Input would post Submitted for the screen to
        handle later, after the field had taken them in)."""
        await self.run_action("screen.done")

    def show(self, value: str | list[str] | None, was: str = "", suggested: str | list[str] | None = None) -> None:
        text = value if isinstance(value, str) else ""
        if self.value.strip() != text:  # the space just typed stays when typed text is saved
            self.value = text
        placeholder = f"suggested: {safe_line(suggested)}" if isinstance(suggested, str) and suggested else TYPE_HINT
        if self.placeholder != placeholder:
            self.placeholder = placeholder

    def highlighted_description(self) -> Content:
        return definition(self.field)


FieldWidget = ChoiceField | TextField


def as_list(value: str | list[str] | None) -> list[str]:
    return value if isinstance(value, list) else [] if value is None else [value]


class SchemaForm(VerticalScroll, can_focus=False, inherit_bindings=False):
    """Every field of the schema; fields whose `when` does not hold are hidden.

    Without the scroll keys of a VerticalScroll: up, down, pageup and pagedown move between
    sentences even when the form is taller than its pane (it scrolls to the focused field)."""

    def __init__(self, schema: Schema, value_keys: Sequence[str] = DIGITS, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.schema = schema
        self.value_keys = value_keys

    def compose(self) -> ComposeResult:
        for field in self.schema.fields:
            yield TextField(field) if field.kind == "text" else ChoiceField(field, self.value_keys)

    def scroll_to_region(self, region: Region, **options: Any) -> Offset:
        # Overridden to jump: a focus move scrolls the focused field into view through here
        # (Screen.set_focus centres it, animated), and an animation repaints the screen once per
        # frame for 0.2 s where a jump repaints it once.
        return super().scroll_to_region(region, **{**options, "animate": False})

    @property
    def fields(self) -> list[FieldWidget]:
        return list(self.query(".field").results(Widget))  # type: ignore[arg-type]

    def show(self, labels: dict, applicable: set[str], was: Mapping[str, str] | None = None, suggested: Mapping | None = None) -> None:
        """Show `labels`; only the fields in `applicable` are displayed. `was`: the values as written
        of the fields to decide again after a schema change; `suggested`: the suggested values of
        fields without one."""
        for widget in self.fields:
            shown = widget.field.id in applicable
            if widget.display != shown:
                widget.display = shown
            field_id = widget.field.id
            widget.show(labels.get(field_id), (was or {}).get(field_id, ""), (suggested or {}).get(field_id))
