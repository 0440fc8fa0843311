"""The context pane: the current sentence highlighted inside its paragraph, between the paragraphs
before and after it, with the cue words behind its suggestions marked by kind."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from textual.content import Content
from textual.widget import Widget

from annotator.corpus.document import Document, Unit
from annotator.suggest.model import Cue
from annotator.text import flowed
from annotator.tui.safe_text import safe_line, safe_text

UNIT_STYLE = "bold reverse"
NEIGHBOUR_STYLE = "$text-muted"
LIST_ROWS = 3
"""Rows the sentence list above keeps when the pane grows to show a long sentence whole."""

# Cue kinds by group, each with its style inside the reversed sentence (a colour becomes the
# background, as a highlighter pen) and what the help's legend says of it.
CUE_GROUPS: dict[str, tuple[str, str]] = {
    "attribution": ("$primary", "attribution: said, according to, denied"),
    "source": ("$accent underline", "the words naming the source"),
    "source type": ("$secondary", "a kind of source: state media, a ministry, officials speaking anonymously"),
    "hedge": ("$warning", "hedging: may, reportedly, about"),
    "booster": ("$error", "boosters: clearly, certainly"),
    "claim": ("$success", "claim types: quantities, predictions, causes"),
    "quotation": ("italic", "a direct quotation (flags: quoted wording)"),
    "other": ("underline", "other cues: negations, a model's own kinds"),
}


def cue_group(kind: str) -> str:
    """The legend's group of a cue kind (`attribution.distancing`, `source`, `hedge.possible`, ...)."""
    head = kind.split(".", 1)[0]
    if kind == "source":
        return "source"
    if head in ("source", "anonymity"):
        return "source type"
    if head == "approximator":
        return "hedge"
    return head if head in CUE_GROUPS else "other"


def cue_legend() -> list[Content]:
    """One line per cue group: a sample styled as in the pane, and what it marks."""
    return [Content.assemble((f" {group} ", f"{UNIT_STYLE} {style}"), "  ", said) for group, (style, said) in CUE_GROUPS.items()]


def marked_unit(text: str, unit: Unit, cues: Sequence[Cue]) -> Content:
    """The unit's text, flowed and made printable piece by piece between cue boundaries, so that each
    cue's words carry its group's style (an inner cue's over an outer one's)."""
    inside = [cue for cue in cues if unit.start <= cue.start < cue.end <= unit.end]
    bounds = sorted({unit.start, unit.end, *(cue.start for cue in inside), *(cue.end for cue in inside)})
    pieces = []
    for start, end in pairwise(bounds):
        covering = sorted((cue for cue in inside if cue.start <= start and end <= cue.end), key=lambda cue: (cue.start, -cue.end))
        style = " ".join(CUE_GROUPS[cue_group(cue.kind)][0] for cue in covering)
        pieces.append((safe_text(flowed(text[start:end])).plain, style) if style else safe_text(flowed(text[start:end])).plain)
    return Content.assemble(*pieces).stylize_before(UNIT_STYLE)


def in_context(document: Document, unit: Unit, cues: Sequence[Cue] = ()) -> Content:
    """The unit's paragraph, flowed, with the unit itself picked out (and its `cues` marked), and the
    paragraphs before and after it (muted), a blank line apart."""
    text, paragraphs, number = document.text, document.paragraphs, unit.paragraph
    start, end = paragraphs[number]
    parts = [
        Content.assemble(
            safe_text(flowed(text[start : unit.start])),
            marked_unit(text, unit, cues),
            safe_text(flowed(text[unit.end : end])),
        )
    ]
    if number > 0:
        parts.insert(0, safe_text(flowed(text[slice(*paragraphs[number - 1])])).stylize(NEIGHBOUR_STYLE))
    if number + 1 < len(paragraphs):
        parts.append(safe_text(flowed(text[slice(*paragraphs[number + 1])])).stylize(NEIGHBOUR_STYLE))
    return Content("\n\n").join(parts)


def first_shown_line(unit_lines: range, total: int, height: int) -> int:
    """The first of `total` wrapped lines to show in `height` rows so that the unit's lines are in
    view: the first line if the unit fits below it, else the unit centred, else its start."""
    if not unit_lines or unit_lines.stop <= height:
        return 0
    if len(unit_lines) >= height:
        return unit_lines.start
    centred = unit_lines.start - (height - len(unit_lines)) // 2
    return max(0, min(centred, total - height))


class ContextPane(Widget, can_focus=False):
    """The paragraphs around the current unit, wrapped and scrolled so that the unit is in view.

    Its height is the stylesheet's, so showing another unit repaints it without a new layout of the
    screen; a unit too long for it makes it grow, as far as the sentence list above allows, until a
    shorter one comes. The border's title is the document's id (a .jsonl or .csv file holds many
    documents); its subtitle says where the paragraph is and whether more text lies above (↑) or
    below (↓)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.context = Content("")
        self.where = ""
        self.shown = Content("")

    def show(self, document: Document, unit: Unit, cues: Sequence[Cue] = ()) -> None:
        self.border_title = Content(safe_line(document.id))
        self.where = f"paragraph {unit.paragraph + 1} of {len(document.paragraphs)}"
        self.context = in_context(document, unit, cues)
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Wrap the paragraphs to the pane and pick the rows to show (once the pane has a size)."""
        width, height = self.content_size
        if width <= 0 or height <= 0:
            self.shown = Content("")
            return
        lines = self.context.wrap(width)
        marked = [number for number, line in enumerate(lines) if any(span.style == UNIT_STYLE for span in line.spans)]
        unit_lines = range(marked[0], marked[-1] + 1) if marked else range(0)
        if self._grow_to(len(unit_lines)):
            return  # a new layout follows, and with it another fit
        top = first_shown_line(unit_lines, len(lines), height)
        more = ("↑" if top > 0 else "") + ("↓" if top + height < len(lines) else "")
        self.border_subtitle = Content(f"{more} {self.where}" if more else self.where)
        self.shown = Content("\n").join(lines[top : top + height])
        self.refresh()

    def _grow_to(self, unit_rows: int) -> bool:
        """Make the pane tall enough for `unit_rows` rows of the unit, or give it back the
        stylesheet's height when that is enough; whether its height changed."""
        base, parent = self.styles.base.height, self.parent
        if base is None or not isinstance(parent, Widget):
            return False
        wanted = unit_rows + self.styles.gutter.height
        grown = None if wanted <= base.value else min(wanted, parent.size.height - LIST_ROWS)
        if grown is not None and grown <= base.value:
            grown = None
        current = self.styles.inline.height
        if (current.value if current is not None else None) == grown:
            return False
        self.styles.height = grown
        return True

    def render(self) -> Content:
        return self.shown
