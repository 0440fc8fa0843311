"""Each annotator's quality on a field: what a lead acts on.

- Agreement with the others: Krippendorff's alpha of the field without that annotator's ratings,
  beside the alpha of all (lower without them: they agree more than the rest; higher: less).
- Agreement with adjudicated gold: on the units where a reviewer decided the field (the gold rule's
  `adjudicated`, `annotator.labels.gold`), the share of the annotator's ratings that are the
  reviewer's value, and their confusion table against it (rows the reviewer's value, columns the
  annotator's). A decided value no annotator gave counts as a difference but has no row in the table.
- The Dawid-Skene model (`annotator.labels.dawid_skene`), when asked for: each annotator's estimated
  confusion matrix and accuracy, and each unit's most probable value with its posterior probability.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from annotator.agreement.coefficients import Units, alpha_batch
from annotator.agreement.ratings import CountedLabels, FieldRatings
from annotator.labels.counting import NotAsked, Rating, rating
from annotator.labels.dawid_skene import dawid_skene
from annotator.labels.gold import ADJUDICATED, resolve_unit
from annotator.labels.versions import reading
from annotator.schema.model import Field, Schema
from annotator.store.records import Labels, Record

NO_DECISION, NOT_RATED = -1, -2  # gold codes of a unit: no reviewer decided the field; decided a value nobody rated

Decisions = dict[int, dict[str, Rating]]  # unit -> field id -> the adjudicated rating


@dataclass(frozen=True)
class AnnotatorQuality:
    annotator: str
    ratings: int  # their ratings of the field
    alpha_without: float  # Krippendorff's alpha of the field over the others' ratings
    adjudicated: int  # units they rated on which a reviewer decided the field
    gold_agreement: float  # share of those where they gave the reviewer's value (NaN without any)
    gold_confusion: list[list[int]]  # rows: the reviewer's value, columns: theirs (FieldReport.values); empty for text or none adjudicated


@dataclass(frozen=True)
class ModelAnnotator:
    annotator: str
    accuracy: float  # estimated share of their ratings that give the true value
    confusion: list[list[float]]  # rows: true value, columns: their value (FieldReport.values); each row sums to 1 or 0


@dataclass(frozen=True)
class ModelUnit:
    doc: str
    start: int
    end: int
    value: str  # the most probable value
    probability: float  # its posterior probability


@dataclass(frozen=True)
class ModelGold:
    """The Dawid-Skene model fitted on one field's ratings."""

    iterations: int
    priors: list[float]  # the share of each true value (FieldReport.values)
    annotators: list[ModelAnnotator]
    units: list[ModelUnit]  # every rated unit, the least probable gold first


def adjudicated_gold(schema: Schema, counted: CountedLabels) -> Decisions:
    """unit -> field id -> the rating a reviewer decided (the gold rule's `adjudicated` fields)."""
    if not counted.adjudications:
        return {}
    annotations: dict[int, dict[str, Record]] = {unit: {} for unit in counted.adjudications}
    for row in np.flatnonzero(np.isin(counted.unit, list(counted.adjudications))):
        record = counted.records[row]
        annotations[int(counted.unit[row])][record["annotator"]] = record
    decided: Decisions = {}
    for unit, reviewers in counted.adjudications.items():
        records = {**annotations[unit], **reviewers}
        readings = {name: read for name, record in records.items() if (read := reading(record)) is not None}
        gold = resolve_unit(schema, counted.units[unit][:3], _labels(annotations[unit]), _labels(reviewers), readings=readings)
        decided[unit] = {}
        for field_id, label in gold.fields.items():
            said = rating(schema.field(field_id), label.value, asked=True)
            if label.resolution == ADJUDICATED and not isinstance(said, NotAsked):
                decided[unit][field_id] = said
    return decided


def _labels(records: Mapping[str, Record]) -> dict[str, Labels]:
    return {name: record["labels"] for name, record in records.items()}


def annotator_quality(schema_field: Field, ratings: FieldRatings, counted: CountedLabels, decisions: Decisions) -> list[AnnotatorQuality]:
    units = ratings.units
    gold = _gold_codes(schema_field, ratings, decisions)
    found = []
    for number, (name, without) in enumerate(zip(counted.annotators, _alphas_without(ratings))):
        mine = ratings.coder == number
        judged = mine & (gold[units.unit] != NO_DECISION)
        mine_judged, gold_judged = units.code[judged], gold[units.unit[judged]]
        agreement = float(np.mean(mine_judged == gold_judged)) if judged.any() else float("nan")
        found.append(
            AnnotatorQuality(name, int(mine.sum()), without, int(judged.sum()), agreement, _confusion(ratings, gold_judged, mine_judged))
        )
    return found


def _alphas_without(ratings: FieldRatings) -> list[float]:
    """Krippendorff's alpha of the field without each annotator's ratings in turn, from the units
    grouped by who gave which value (`FieldRatings.patterns`)."""
    patterns, weight = ratings.patterns
    found = []
    for annotator in range(ratings.annotators):
        others = np.delete(patterns, annotator, axis=1)
        pattern, column = np.nonzero(others >= 0)
        kept = Units(pattern, others[pattern, column], weight, ratings.units.n_codes).pairable()
        found.append(float(alpha_batch(kept, kept.weight[None], ratings.level, ratings.domain)[0]))
    return found


def _gold_codes(schema_field: Field, ratings: FieldRatings, decisions: Decisions) -> np.ndarray:
    """Per unit, the code of the adjudicated value of the field: NO_DECISION or NOT_RATED otherwise."""
    gold = np.full(ratings.units.n_units, NO_DECISION, dtype=np.intp)
    for unit, fields in decisions.items():
        if schema_field.id in fields:
            code = ratings.code_of(fields[schema_field.id])
            gold[unit] = NOT_RATED if code is None else code
    return gold


def _confusion(ratings: FieldRatings, rows: np.ndarray, columns: np.ndarray) -> list[list[int]]:
    if ratings.kind == "text" or not len(rows):
        return []
    size = ratings.units.n_codes
    placed = rows >= 0
    table = np.bincount(rows[placed] * size + columns[placed], minlength=size * size).reshape(size, size)
    return table.tolist()


def model_gold(ratings: FieldRatings, counted: CountedLabels, values: list[str]) -> ModelGold:
    """The Dawid-Skene model of the field, fitted on every rating (units with one rating too)."""
    units = ratings.units
    model = dawid_skene(units.unit, ratings.coder, units.code, (units.n_units, len(counted.annotators), units.n_codes))
    best, probability = model.gold()
    rated = np.flatnonzero(best >= 0)
    order = sorted(rated, key=lambda unit: (probability[unit], counted.units[unit]))
    return ModelGold(
        iterations=model.iterations,
        priors=model.priors.tolist(),
        annotators=[
            ModelAnnotator(name, float(accuracy), confusion.tolist())
            for name, accuracy, confusion in zip(counted.annotators, model.accuracy(), model.confusion)
        ],
        units=[ModelUnit(*counted.units[unit][:3], values[best[unit]], float(probability[unit])) for unit in order],
    )
