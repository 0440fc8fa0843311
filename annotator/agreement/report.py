"""The agreement report: how far the annotators agree on each schema field, with the numbers behind it.

The labels that count are those of `annotator.labels.counting` (`annotator.agreement.ratings` reads
them as arrays); the others are listed in `Report.left_out`.

Per field, the level of measurement follows its kind: single choice nominal, ordinal single choice
ordinal (in the schema's value order), multiple choice MASI (sets compared with partial credit), free
text nominal after normalising case and white space. An annotator for whom a field is not asked (its
`when` does not hold for their labels) has no rating for it on that unit: not applicable, not a
disagreement. An asked field left empty is a missing rating too.

Every figure comes with the units and pairable ratings behind it and a percentile bootstrap
interval over units (resampled with replacement, `bootstrap` times, reproducible from `seed`;
identical units are grouped, which draws the same distribution with far fewer rows). Resamples in
which a coefficient is undefined are left out of its interval.

Units with the most disagreement are ranked by a score: the sum over fields of the mean distance
between the unit's pairs of ratings, each in [0, 1] (nominal: differ or not; ordinal: steps apart /
(values - 1); MASI distance for sets).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations

import numpy as np

from annotator.agreement.bootstrap import bootstrap_intervals
from annotator.agreement.coefficients import (
    Pairs,
    agreement_batch,
    alpha_batch,
    distance_matrix,
    kappa_batch,
    mean_pair_distance,
)
from annotator.agreement.ratings import (
    ABSENT,
    CountedLabels,
    FieldRatings,
    counted_labels,
    field_ratings,
)
from annotator.corpus.document import Corpus
from annotator.schema.model import Field, Schema
from annotator.store.read import StoreView

CONFIDENCE = 0.95
DEFAULT_BOOTSTRAP = 1000
DEFAULT_TOP = 20


@dataclass(frozen=True)
class Estimate:
    value: float  # NaN when undefined
    low: float  # bounds of the bootstrap interval (NaN without resamples)
    high: float
    units: int  # units behind the figure
    pairable: int  # their ratings (each in a unit with at least two)


@dataclass(frozen=True)
class PairAgreement:
    annotators: tuple[str, str]
    kappa: Estimate  # Cohen's kappa over the units both rated
    confusion: list[list[int]]  # rows: first annotator's value, columns: second's (FieldReport.values)


@dataclass(frozen=True)
class LabelAgreement:
    value: str
    alpha: Estimate  # nominal alpha of "this value" against "any other" (multi: the set has it or not)


@dataclass(frozen=True)
class FieldReport:
    id: str
    label: str
    kind: str
    level: str
    alpha: Estimate  # Krippendorff's alpha at `level`
    agreement: Estimate  # mean share of agreeing pairs of ratings (exact match)
    values: list[str]  # row and column names of the confusion tables (empty for text)
    pairs: list[PairAgreement]
    labels: list[LabelAgreement]


@dataclass(frozen=True)
class Disagreement:
    doc: str
    start: int
    end: int
    text: str | None  # with a corpus only
    score: float
    fields: list[str]  # fields on which the annotators' ratings differ


@dataclass(frozen=True)
class Report:
    schema: str
    schema_version: int
    annotators: list[str]
    units: int  # units with at least one counted label
    bootstrap: int
    seed: int
    confidence: float
    fields: list[FieldReport]
    disagreements: list[Disagreement]
    left_out: list[str] = field(default_factory=list)  # labels not counted, and why


def build_report(
    store: StoreView,
    schema: Schema,
    *,
    fields: Sequence[str] | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    corpus: Corpus | None = None,
    top: int = DEFAULT_TOP,
) -> Report:
    """The agreement report on `fields` (default: every field of the schema, in schema order).
    KeyError names a field the schema does not have."""
    chosen = [schema.field(field_id) for field_id in fields] if fields else list(schema.fields)
    counted = counted_labels(store, schema, corpus)
    scores = np.zeros(len(counted.units))
    disagreeing: list[list[str]] = [[] for _ in counted.units]
    reports = []
    for schema_field in chosen:
        ratings = field_ratings(schema_field, counted)
        rng = np.random.default_rng([seed, zlib.crc32(schema_field.id.encode())])
        reports.append(_field_report(schema_field, ratings, counted.annotators, bootstrap, rng))
        distance = mean_pair_distance(ratings.units, _display_distances(ratings))
        scores += distance
        for unit in np.flatnonzero(distance > 0):
            disagreeing[unit].append(schema_field.id)
    return Report(
        schema=schema.name,
        schema_version=schema.version,
        annotators=counted.annotators,
        units=len(counted.units),
        bootstrap=bootstrap,
        seed=seed,
        confidence=CONFIDENCE,
        fields=reports,
        disagreements=_most_disagreement(counted, scores, disagreeing, top),
        left_out=counted.left_out,
    )


# --- which labels count ------------------------------------------------------------------------------


# --- one field's ratings ---------------------------------------------------------------------------


def _display_distances(ratings: FieldRatings) -> np.ndarray | None:
    """Distances in [0, 1] for the disagreement score (None: nominal)."""
    if ratings.level == "masi":
        return distance_matrix("masi", ratings.domain)
    if ratings.level == "ordinal":
        steps = np.arange(len(ratings.domain))
        return np.abs(steps[:, None] - steps[None, :]) / max(len(steps) - 1, 1)
    return None


# --- statistics --------------------------------------------------------------------------------------


def _field_report(
    schema_field: Field, ratings: FieldRatings, annotators: list[str], resamples: int, rng: np.random.Generator
) -> FieldReport:
    units = ratings.units.pairable().grouped()
    per_value = _one_against_rest(schema_field, ratings.domain)
    statistics = [
        partial(alpha_batch, units, level=ratings.level, domain=ratings.domain),
        partial(agreement_batch, units),
        *(partial(alpha_batch, units.recoded(has_value.astype(np.intp), 2), level="nominal", domain=()) for _, has_value in per_value),
    ]
    pairable = int(units.weight @ units.sizes()) if units.n_units else 0
    alpha, agreement, *labels = _estimates(statistics, units.weight, int(units.weight.sum()), pairable, resamples, rng)
    return FieldReport(
        id=schema_field.id,
        label=schema_field.label,
        kind=schema_field.kind,
        level=ratings.level,
        alpha=alpha,
        agreement=agreement,
        values=_value_names(schema_field, ratings.domain) if schema_field.kind != "text" else [],
        pairs=_pair_agreements(schema_field, ratings, annotators, resamples, rng),
        labels=[LabelAgreement(value_id, estimate) for (value_id, _), estimate in zip(per_value, labels)],
    )


def _estimates(
    statistics: Sequence[Callable[[np.ndarray], np.ndarray]],
    weight: np.ndarray,
    units: int,
    pairable: int,
    resamples: int,
    rng: np.random.Generator,
) -> list[Estimate]:
    """Each statistic's value and bootstrap interval, all intervals from the same resamples."""
    intervals = bootstrap_intervals(statistics, weight, resamples, rng, CONFIDENCE)
    return [
        Estimate(float(statistic(weight[None])[0]), low, high, units, pairable) for statistic, (low, high) in zip(statistics, intervals)
    ]


def _pair_agreements(
    schema_field: Field, ratings: FieldRatings, annotators: list[str], resamples: int, rng: np.random.Generator
) -> list[PairAgreement]:
    """Cohen's kappa and the confusion table of every pair of annotators, over the units both rated."""
    codes = np.full((len(annotators), ratings.units.n_units), ABSENT, dtype=np.intp)
    codes[ratings.coder, ratings.units.unit] = ratings.units.code
    rated = codes >= 0
    found = []
    for a, b in combinations(range(len(annotators)), 2):
        both = rated[a] & rated[b]
        pairs = Pairs.from_codes(codes[a][both], codes[b][both], ratings.units.n_codes)
        units = int(pairs.weight.sum())
        (kappa,) = _estimates([partial(kappa_batch, pairs)], pairs.weight, units, 2 * units, resamples, rng)
        confusion = pairs.confusion().tolist() if schema_field.kind != "text" else []
        found.append(PairAgreement((annotators[a], annotators[b]), kappa, confusion))
    return found


def _one_against_rest(schema_field: Field, domain: list) -> list[tuple[str, np.ndarray]]:
    """(value id, which codes count as that value) for each schema value; none for free text."""
    if schema_field.kind == "single":
        return [(value_id, np.array([v == value_id for v in domain])) for value_id in schema_field.value_ids]
    if schema_field.kind == "multi":
        return [(value_id, np.array([value_id in labels for labels in domain], dtype=bool)) for value_id in schema_field.value_ids]
    return []


def _value_names(schema_field: Field, domain: list) -> list[str]:
    if schema_field.kind != "multi":
        return [str(value) for value in domain]
    return ["+".join(sorted(labels, key=schema_field.positions.__getitem__)) for labels in domain]


def _most_disagreement(counted: CountedLabels, scores: np.ndarray, fields: list[list[str]], top: int) -> list[Disagreement]:
    """The `top` units with the highest score, ties in unit order (doc, start, end)."""
    if top <= 0 or not np.any(scores > 0):
        return []
    threshold = max(np.partition(scores, -top)[-top] if top < len(scores) else 0, np.finfo(float).tiny)
    candidates = sorted(np.flatnonzero(scores >= threshold), key=lambda unit: (-scores[unit], counted.units[unit]))
    return [
        Disagreement(*counted.units[unit][:3], counted.texts[unit], round(float(scores[unit]), 6), fields[unit])
        for unit in candidates[:top]
    ]
