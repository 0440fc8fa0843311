"""Review (adjudication): which units a reviewer walks, what a decision writes, and who may review.

A reviewer walks the labelled units, those the annotators disagree on first (most disagreement
first, as `gold.disagreements` orders them), optionally followed by every other labelled unit. On
each unit the reviewer accepts one annotator's labels or edits labels as an annotator would; either
way the decision is an ordinary record in the reviewer's own file, with `kind: "adjudication"`. Only
a `done` adjudication decides gold labels (see `annotator.gold`); the unit's gold label is computed
again with `gold.resolve_unit` as soon as the reviewer's record is on disk.

The store keeps one current label per (annotator, unit), whatever its kind: a reviewer whose file
holds annotations would replace their own votes with decisions and change the agreement figures,
and annotating under a reviewer's name would replace their decisions with ordinary labels. Both
are refused (`annotator.roles`), so adjudications always live in a file of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.corpus.document import Corpus, Unit
from annotator.labels.gold import (
    ADJUDICATED,
    DEFAULT_MIN_AGREEMENT,
    MAJORITY,
    NOT_APPLICABLE,
    SINGLE,
    UNANIMOUS,
    UNRESOLVED,
    GoldLabel,
    UnitGold,
    disagreements,
    gold_units,
    resolve_unit,
)
from annotator.labels.versions import current_labels
from annotator.schema.model import Field, Schema, is_unset
from annotator.session.annotate import SaveRequest, Session
from annotator.store.records import LabelKey, Labels, Record, Status, UnitKey, describe_left_out

Cell = str | None  # an annotator's value as text ("" when asked but left empty); None when not asked
UNANSWERED = "?"  # the cell of a field that a label of an earlier schema version leaves unanswered

if TYPE_CHECKING:
    from annotator.schema.migration import Reading


def review_order(units: Iterable[UnitGold]) -> list[UnitGold]:
    """The units the annotators disagree on, most disagreement first, then the others in unit order."""
    units = list(units)
    return disagreements(units) + [unit for unit in units if not unit.disagreeing]


# What the reviewer sees of one unit


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One field of a unit across its annotators: what each gave, the gold label, whether they differ."""

    field: Field
    cells: tuple[Cell, ...]  # in the order of `UnitGold.annotations`
    gold: GoldLabel
    disagrees: bool

    @property
    def blank(self) -> bool:
        """Nobody gave a value and nothing is undecided: the row says nothing."""
        return not any(self.cells) and is_unset(self.gold.value) and self.gold.resolution != UNRESOLVED


def side_by_side(schema: Schema, unit: UnitGold) -> list[FieldRow]:
    """A row per schema field with every annotator's value of it, in schema order."""
    return [
        FieldRow(
            field,
            tuple(_cell(schema, field, labels, unit.readings.get(name)) for name, labels in unit.annotations.items()),
            unit.fields[field.id],
            field.id in unit.disagreeing,
        )
        for field in schema.fields
    ]


def _cell(schema: Schema, field: Field, labels: Labels, read: Reading | None) -> Cell:
    """An annotator's value of `field`; for a field their label of an earlier schema version leaves
    unanswered, UNANSWERED and the value as written if a split left it to decide."""
    if read is not None and field.id in read.unanswered:
        return f"{UNANSWERED} was {read.was[field.id]}" if field.id in read.was else UNANSWERED
    return value_text(field, labels.get(field.id)) if schema.applies(field, labels) else None


def value_text(field: Field, value: object) -> str:
    """A label value as a reader wants it: the value labels (comma-separated for multi), or the text."""
    if value is None:
        return ""
    if field.kind == "text":
        return str(value)
    value_ids = value if isinstance(value, list) else [value]
    return ", ".join(field.value(value_id).label if value_id in field.positions else str(value_id) for value_id in value_ids)


def resolution_text(gold: GoldLabel) -> str:
    """How the gold label was reached, in a few words ("majority 2/3")."""
    if gold.resolution == MAJORITY:
        return f"majority {gold.agreeing}/{gold.votes}"
    return {
        ADJUDICATED: "adjudicated",
        UNANIMOUS: "unanimous",
        SINGLE: "single vote",
        NOT_APPLICABLE: "not asked",
        UNRESOLVED: "unresolved",
    }[gold.resolution]


# The review of a store


@dataclass
class Review:
    """Every labelled unit with its gold label, and where the reviewer starts from."""

    schema: Schema
    reviewer: str
    units: list[Unit]  # every labelled unit, in review order
    disputed: int  # the first `disputed` units are those the annotators disagree on
    golds: dict[UnitKey, UnitGold]
    heads: dict[UnitKey, Record]  # the reviewer's current records, placed on the corpus
    moved: set[UnitKey]  # units whose reviewer record was re-anchored to new offsets
    left_out: list[str]  # labels that count for nothing, and why
    min_agreement: float = DEFAULT_MIN_AGREEMENT

    def units_shown(self, everything: bool) -> list[Unit]:
        """Every labelled unit, or only those the annotators disagree on."""
        return self.units if everything else self.units[: self.disputed]

    def accepted(self, key: UnitKey, annotator: str) -> Labels | str:
        """The labels a decision accepting `annotator`'s labels on unit `key` writes; or, when their
        label of an earlier schema version has a field to decide, which one (a decision must give it)."""
        unit = self.golds[key]
        read = unit.readings.get(annotator)
        if read is not None and read.look:
            fields = ", ".join(self.schema.field(field_id).label for field_id in read.look)
            return f"{annotator}'s label, of schema v{read.version}, leaves {fields} to decide: accept another's or pick the values"
        return self.schema.prune(unit.annotations[annotator])

    def gold_labels(self, key: UnitKey) -> Labels | str:
        """The labels a decision accepting unit `key`'s gold labels writes; or, when a required field
        has no gold label, which ones (a decision must give them)."""
        unit = self.golds[key]
        unresolved = [field.label for field in self.schema.fields if field.required and unit.fields[field.id].resolution == UNRESOLVED]
        if unresolved:
            return f"no gold label for {', '.join(unresolved)}: accept one annotator's labels or pick the values"
        return self.schema.prune(unit.labels)

    def decided(self, key: UnitKey, head: Record | None) -> None:
        """The gold label of unit `key` again, now that the reviewer's current record is `head`."""
        unit = self.golds[key]
        adjudications = {name: labels for name, labels in unit.adjudications.items() if name != self.reviewer}
        if head is not None and head["status"] == Status.DONE:
            adjudications[self.reviewer] = head["labels"]
        readings = {name: read for name, read in unit.readings.items() if name != self.reviewer}
        self.golds[key] = resolve_unit(self.schema, key, unit.annotations, adjudications, self.min_agreement, readings=readings)


def load_review(
    schema: Schema,
    corpus: Corpus,
    latest: Mapping[LabelKey, Record],
    reviewer: str,
    min_agreement: float = DEFAULT_MIN_AGREEMENT,
) -> Review:
    """The review of the current labels `latest` (`StoreView.latest`, the reviewer's file included)
    placed on `corpus`."""
    anchoring = current_labels(schema, latest, corpus)
    gold = gold_units(schema, anchoring.current, min_agreement)
    placed = {key: label.unit for (_name, key), label in anchoring.current.items()}
    ordered = review_order(gold.units)
    own = {key: label for (name, key), label in anchoring.current.items() if name == reviewer}
    unused = [(stale.record, stale.reason) for stale in anchoring.stale] + gold.unusable
    left_out = [describe_left_out(record, reason) for record, reason in unused]
    return Review(
        schema=schema,
        reviewer=reviewer,
        units=[placed[unit.key] for unit in ordered],
        disputed=sum(1 for unit in ordered if unit.disagreeing),
        golds={unit.key: unit for unit in ordered},
        heads={key: label.record for key, label in own.items()},
        moved={key for key, label in own.items() if label.moved},
        left_out=left_out,
        min_agreement=min_agreement,
    )


class ReviewSession(Session):
    """The annotation session over the units under review: the reviewer's records are its labels.

    Moving, picking, undo and search work as in annotation; a confirmed record also updates the
    unit's gold label.
    """

    def __init__(self, review: Review, *, everything: bool = False, heads: dict[UnitKey, Record] | None = None) -> None:
        self.review = review
        self.everything = everything
        units = review.units_shown(everything)
        super().__init__(review.schema, units, heads=dict(review.heads if heads is None else heads), moved=set(review.moved))

    def documents(self) -> list[tuple[int, str]]:
        """None: the units under review are in review order, not document order."""
        return []

    def gold(self, index: int) -> UnitGold:
        return self.review.golds[self.units[index].key]

    def decided_count(self) -> int:
        """How many of the units shown have a `done` decision of the reviewer."""
        return sum(1 for index in range(len(self.units)) if self.status(index) == Status.DONE)

    def is_decided(self, index: int) -> bool:
        """Done with its last change, which is on disk or on its way: enter has nothing to save."""
        return self.shown_status(index) == Status.DONE and not self.is_unsaved(index)

    def accept(self, index: int, annotator: str) -> SaveRequest | str:
        """Decide unit `index` with `annotator`'s labels: a `done` record of them (undo takes it back);
        or why they cannot be accepted."""
        labels = self.review.accepted(self.units[index].key, annotator)
        return labels if isinstance(labels, str) else self.replace(index, labels, Status.DONE)

    def accept_gold(self, index: int) -> SaveRequest | str:
        """Decide unit `index` with its gold labels (a majority's, a single vote's...): a `done`
        record of them; or why there is none to accept."""
        labels = self.review.gold_labels(self.units[index].key)
        return labels if isinstance(labels, str) else self.replace(index, labels, Status.DONE)

    def confirm(self, request: SaveRequest, record: Record) -> None:
        super().confirm(request, record)
        self.review.decided(request.unit.key, record)

    def take_heads(self, heads: dict[UnitKey, Record], moved: set[UnitKey]) -> list[int]:
        changed = super().take_heads(heads, moved)
        for index in changed:
            key = self.units[index].key
            self.review.decided(key, self.heads.get(key))
        return changed

    def other_units(self) -> ReviewSession | str:
        """The review over the other set of units (every labelled unit, or only the disputed ones),
        on the same unit when it is there; or why not now."""
        if self.writing() or self.unsaved():
            return "a change is not saved yet: wait for it, or retry it with enter"
        everything = not self.everything
        if not self.review.units_shown(everything):
            return "the annotators agree on every labelled unit"
        other = ReviewSession(self.review, everything=everything, heads=self.heads)
        keys = [unit.key for unit in other.units]
        if self.unit.key in keys:
            other.cursor = keys.index(self.unit.key)
        return other
