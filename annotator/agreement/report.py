"""The agreement report: how far the annotators agree on each schema field, with the numbers behind it.

The labels that count, and what each says about a field, are those of `annotator.labels.counting`
(`annotator.agreement.ratings` reads them as arrays): a field not asked of an annotator is no rating
(not applicable, never a disagreement), an asked field left empty is the rating (none). The labels
left out are listed in `Report.left_out`, and each annotator's current drafts, skipped and flagged
sentences are counted in `Report.not_counted`.

Per field, the level of measurement follows its kind: single choice nominal, ordinal single choice
ordinal (in the schema's value order, (none) below the lowest value), multiple choice MASI (sets
compared with partial credit), free text nominal after normalising case and white space. The
coefficients:
- Krippendorff's alpha at that level, and exact-match agreement (the mean share of agreeing pairs);
- Fleiss' kappa, for nominal fields (Gwet's generalisation to any number of ratings per unit);
- Gwet's AC1 at that level: AC1 for nominal fields, AC2 with Gwet's ordinal weights for ordinal
  ones and with 1 - MASI distance for sets;
- Cohen's kappa of every pair of annotators (exact match, units both rated) with their confusion
  table, Krippendorff's coincidence matrix pooled over all pairs, and one-against-the-rest alpha of
  each value;
- per annotator, alpha without them and their agreement with adjudicated gold
  (`annotator.agreement.annotators`), the Dawid-Skene model's estimates if asked; agreement per
  time window if asked (`annotator.agreement.drift`);
- per annotator, how they used the field's suggestions, when the UI offered any
  (`annotator.agreement.suggestions`).

Every figure comes with the units and pairable ratings behind it and a percentile bootstrap
interval over units (resampled with replacement, `bootstrap` times, reproducible from `seed`;
identical units are grouped, which draws the same distribution with far fewer rows); the pairs'
kappas have theirs only when `pair_intervals` asks for them. Resamples in
which a coefficient is undefined are left out of its interval. Free text has almost as many values
as ratings, so its units cannot be grouped: its interval is on exact-match agreement alone (grouped
by the pattern of equal answers in a unit), its chance-corrected coefficients come without one.

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

from annotator.agreement.annotators import AnnotatorQuality, Decisions, ModelGold, adjudicated_gold, annotator_quality, model_gold
from annotator.agreement.coefficients import (
    Pairs,
    Units,
    agreement_batch,
    alpha_batch,
    coincidence_matrix,
    distance_matrix,
    fleiss_batch,
    gwet_batch,
    gwet_ordinal_distances,
    kappa_batch,
    mean_pair_distance,
)
from annotator.agreement.drift import WINDOWS, WindowAgreement, unit_windows, window_agreement
from annotator.agreement.estimate import CONFIDENCE, Estimate, estimates, size
from annotator.agreement.ratings import CountedLabels, FieldRatings, counted_labels, field_ratings
from annotator.agreement.suggestions import SuggestionUse, suggestion_use
from annotator.corpus.document import Corpus
from annotator.labels.anchors import Anchoring
from annotator.schema.model import Field, Schema
from annotator.store.read import StoreView

DEFAULT_BOOTSTRAP = 1000
DEFAULT_TOP = 20
_DRIFT = 1  # the part of a field's figures drawn from their own generator (`_Context.rng`)
NONE_NAME = "(none)"  # how tables name the rating of an asked field left empty


@dataclass(frozen=True)
class PairAgreement:
    annotators: tuple[str, str]
    kappa: Estimate  # Cohen's kappa over the units both rated
    confusion: list[list[int]]  # rows: first annotator's value, columns: second's (FieldReport.values); empty for text


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
    fleiss: Estimate | None  # Fleiss' kappa, nominal fields only
    ac1: Estimate  # Gwet's AC1 (AC2 with the level's weights for ordinal and MASI fields)
    values: list[str]  # row and column names of the value tables (empty for text)
    coincidence: list[list[float]]  # Krippendorff's coincidences pooled over all pairs (values x values)
    pairs: list[PairAgreement]
    labels: list[LabelAgreement]
    annotators: list[AnnotatorQuality]
    model: ModelGold | None = None  # the Dawid-Skene estimates, when asked for
    drift: list[WindowAgreement] = field(default_factory=list)  # agreement per time window, when asked for
    migrated: int = 0  # ratings from labels of an earlier schema version, read through its migrations
    suggestions: list[SuggestionUse] = field(default_factory=list)  # each annotator's use of the field's suggestions


@dataclass(frozen=True)
class Disagreement:
    doc: str
    start: int
    end: int
    text: str | None  # with a corpus only
    score: float
    fields: list[str]  # fields on which the annotators' ratings differ


@dataclass(frozen=True)
class NotCounted:
    """An annotator's current labels that say nothing yet: not `done`."""

    annotator: str
    draft: int
    skipped: int
    flagged: int


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
    not_counted: list[NotCounted] = field(default_factory=list)
    by: str | None = None  # the time window of FieldReport.drift: "week" or "day"
    migrated: int = 0  # counted labels of an earlier schema version, read through its migrations


class ReportCancelled(Exception):
    """`build_report` stopped: its caller no longer wants the report."""


def build_report(
    store: StoreView,
    schema: Schema,
    *,
    fields: Sequence[str] | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    corpus: Corpus | None = None,
    top: int = DEFAULT_TOP,
    by: str | None = None,
    model: bool = False,
    cancelled: Callable[[], bool] = lambda: False,
    anchoring: Anchoring | None = None,
    pair_intervals: bool = True,
) -> Report:
    """The agreement report on `fields` (default: every field of the schema, in schema order).
    `by` ("week" or "day") adds agreement per time window, `model` the Dawid-Skene estimates.
    KeyError names a field the schema does not have. `cancelled` is asked between the steps of the
    work (each field, each pair of annotators): once it says yes, ReportCancelled is raised.
    `anchoring`: the store's current labels on `corpus`, when the caller has them already.
    `pair_intervals`: whether each pair's kappa gets its bootstrap interval, drawn for every pair of
    annotators on its own (most of the bootstrap's time); only `Show.pairs` and the JSON show them."""
    if by is not None and by not in WINDOWS:
        raise ValueError(f"unknown time window {by!r}: use one of {', '.join(WINDOWS)}")
    chosen = [schema.field(field_id) for field_id in fields] if fields else list(schema.fields)

    def go_on() -> None:
        if cancelled():
            raise ReportCancelled

    go_on()  # closed while the store was read
    counted = counted_labels(store, schema, corpus, anchoring, go_on)
    windows = unit_windows(counted, by) if by else None
    context = _Context(schema, counted, bootstrap, seed, windows, model, go_on, pair_intervals)
    distances = np.zeros((len(chosen), len(counted.units)))  # field x unit: mean distance of the unit's pairs of ratings
    reports = []
    for number, schema_field in enumerate(chosen):
        context.go_on()
        ratings = field_ratings(schema_field, counted)
        reports.append(context.field_report(schema_field, ratings))
        distances[number] = mean_pair_distance(ratings.units, _display_distances(ratings))
    return Report(
        schema=schema.name,
        schema_version=schema.version,
        annotators=counted.annotators,
        units=len(counted.units),
        bootstrap=bootstrap,
        seed=seed,
        confidence=CONFIDENCE,
        fields=reports,
        disagreements=_most_disagreement(counted, distances, [f.id for f in chosen], top),
        left_out=counted.left_out,
        not_counted=_not_counted(counted),
        by=by,
        migrated=int(np.count_nonzero(counted.migrated)),
    )


@dataclass
class _Context:
    """What every field's statistics share."""

    schema: Schema
    counted: CountedLabels
    resamples: int
    seed: int
    windows: tuple[list[str], np.ndarray] | None  # window names, and each unit's window
    model: bool
    go_on: Callable[[], None]  # raises ReportCancelled once the report is no longer wanted
    pair_intervals: bool
    gold: Decisions = field(init=False)  # the reviewers' decisions, for every field

    def __post_init__(self) -> None:
        self.gold = adjudicated_gold(self.schema, self.counted)

    def rng(self, schema_field: Field, *part: int) -> np.random.Generator:
        """The field's own generator: its intervals do not depend on the other fields reported. A
        `part` of the field's figures may have its own (drift: whether pair intervals are drawn
        before it does not change it)."""
        return np.random.default_rng([self.seed, zlib.crc32(schema_field.id.encode()), *part])

    def field_report(self, schema_field: Field, ratings: FieldRatings) -> FieldReport:
        rng = self.rng(schema_field)
        text = schema_field.kind == "text"
        alpha, agreement, fleiss, ac1, *labels = _field_estimates(schema_field, ratings, self.resamples, rng)
        values = _value_names(schema_field, ratings) if not text else []
        return FieldReport(
            id=schema_field.id,
            label=schema_field.label,
            kind=schema_field.kind,
            level=ratings.level,
            alpha=alpha,
            agreement=agreement,
            fleiss=fleiss if ratings.level == "nominal" else None,
            ac1=ac1,
            values=values,
            coincidence=coincidence_matrix(ratings.grouped).tolist() if not text else [],
            pairs=_pair_agreements(ratings, self.counted.annotators, self._pair_resamples(text), rng, self.go_on),
            labels=[
                LabelAgreement(value_id, estimate) for (value_id, _), estimate in zip(_one_against_rest(schema_field, ratings), labels)
            ],
            annotators=annotator_quality(schema_field, ratings, self.counted, self.gold),
            model=model_gold(ratings, self.counted, values) if self.model and not text else None,
            drift=self._drift(ratings, text, self.rng(schema_field, _DRIFT)),
            migrated=ratings.migrated,
            suggestions=suggestion_use(schema_field, self.counted, self.gold),
        )

    def _pair_resamples(self, text: bool) -> int:
        return self.resamples if self.pair_intervals and not text else 0

    def _drift(self, ratings: FieldRatings, text: bool, rng: np.random.Generator) -> list[WindowAgreement]:
        if self.windows is None:
            return []
        return window_agreement(ratings, self.windows, _statistic(ratings), 0 if text else self.resamples, rng)


def _field_estimates(schema_field: Field, ratings: FieldRatings, resamples: int, rng: np.random.Generator) -> list[Estimate]:
    """Alpha, agreement, Fleiss' kappa, Gwet's AC and the per-value alphas, with their intervals, all
    from the same resamples of the (grouped) pairable units."""
    if schema_field.kind == "text":
        return _text_estimates(ratings, resamples, rng)
    units = ratings.grouped
    per_value: list[Statistic] = [
        partial(alpha_batch, units.recoded(has_value.astype(np.intp), 2), level="nominal", domain=())
        for _, has_value in _one_against_rest(schema_field, ratings)
    ]
    return estimates([*_coefficients(ratings, units), *per_value], units.weight, size(ratings.pairable), resamples, rng)


Statistic = Callable[[np.ndarray], np.ndarray]  # a coefficient per row of unit weightings


def _coefficients(ratings: FieldRatings, units: Units) -> list[Statistic]:
    """Alpha, agreement, Fleiss' kappa and Gwet's AC over `units`, each a function of unit weightings."""
    return [
        partial(alpha_batch, units, level=ratings.level, domain=ratings.domain),
        partial(agreement_batch, units),
        partial(fleiss_batch, units),
        partial(gwet_batch, units, n_categories=ratings.categories, delta=_gwet_distances(ratings)),
    ]


def _text_estimates(ratings: FieldRatings, resamples: int, rng: np.random.Generator) -> list[Estimate]:
    """Free text: the chance-corrected coefficients without interval; exact-match agreement with one,
    drawn on the units grouped by their pattern of equal answers."""
    grouped, behind = ratings.grouped, size(ratings.pairable)
    alpha, _, fleiss, ac1 = estimates(_coefficients(ratings, grouped), grouped.weight, behind, 0, rng)
    patterns = ratings.pairable.patterns().grouped()
    (agreement,) = estimates([partial(agreement_batch, patterns)], patterns.weight, behind, resamples, rng)
    return [alpha, agreement, fleiss, ac1]


def _gwet_distances(ratings: FieldRatings) -> np.ndarray | None:
    """1 - the weights of Gwet's AC2 at the field's level (None: AC1)."""
    if ratings.level == "ordinal":
        return gwet_ordinal_distances(ratings.categories)
    if ratings.level == "masi":
        return distance_matrix("masi", ratings.domain)
    return None


def _statistic(ratings: FieldRatings) -> Callable[[Units, np.ndarray], np.ndarray]:
    """Krippendorff's alpha of the field over some units, as a function of (units, weightings)."""
    return partial(alpha_batch, level=ratings.level, domain=ratings.domain)


def _display_distances(ratings: FieldRatings) -> np.ndarray | None:
    """Distances in [0, 1] for the disagreement score (None: nominal)."""
    if ratings.level == "masi":
        return distance_matrix("masi", ratings.domain)
    if ratings.level == "ordinal":
        steps = np.arange(len(ratings.domain))
        return np.abs(steps[:, None] - steps[None, :]) / max(len(steps) - 1, 1)
    return None


def _pair_agreements(
    ratings: FieldRatings, annotators: list[str], resamples: int, rng: np.random.Generator, go_on: Callable[[], None]
) -> list[PairAgreement]:
    """Cohen's kappa and the confusion table of every pair of annotators, over the units both rated."""
    patterns, weight = ratings.patterns
    found = []
    for a, b in combinations(range(len(annotators)), 2):
        go_on()
        both = (patterns[:, a] >= 0) & (patterns[:, b] >= 0)
        pairs = Pairs.from_codes(patterns[both, a], patterns[both, b], ratings.units.n_codes, weight[both])
        units = int(pairs.weight.sum())
        (kappa,) = estimates([partial(kappa_batch, pairs)], pairs.weight, (units, 2 * units), resamples, rng)
        confusion = pairs.confusion().tolist() if ratings.kind != "text" else []
        found.append(PairAgreement((annotators[a], annotators[b]), kappa, confusion))
    return found


def _one_against_rest(schema_field: Field, ratings: FieldRatings) -> list[tuple[str, np.ndarray]]:
    """(value id, which codes count as that value) for each schema value; none for free text."""
    if schema_field.kind == "single":
        return [(value_id, np.array([v == value_id for v in ratings.domain])) for value_id in schema_field.value_ids]
    if schema_field.kind == "multi":
        return [(value_id, np.array([value_id in labels for labels in ratings.domain], dtype=bool)) for value_id in schema_field.value_ids]
    return []


def _value_names(schema_field: Field, ratings: FieldRatings) -> list[str]:
    """How tables name each value of the domain: its id, a set's ids joined by "+" in schema order, (none)."""
    order = schema_field.positions.__getitem__
    return [
        NONE_NAME if not value else "+".join(sorted(value, key=order)) if isinstance(value, frozenset) else str(value)
        for value in ratings.domain
    ]


def _most_disagreement(counted: CountedLabels, distances: np.ndarray, fields: list[str], top: int) -> list[Disagreement]:
    """The `top` units with the highest score (the sum of their distances over fields), ties in unit order (doc, start, end)."""
    scores = distances.sum(axis=0)
    if top <= 0 or not np.any(scores > 0):
        return []
    threshold = max(np.partition(scores, -top)[-top] if top < len(scores) else 0, np.finfo(float).tiny)
    candidates = sorted(np.flatnonzero(scores >= threshold), key=lambda unit: (-scores[unit], counted.units[unit]))
    return [
        Disagreement(
            *counted.units[unit][:3], counted.texts[unit], float(scores[unit]), [f for f, d in zip(fields, distances[:, unit]) if d > 0]
        )
        for unit in candidates[:top]
    ]


def _not_counted(counted: CountedLabels) -> list[NotCounted]:
    return [
        NotCounted(name, statuses["draft"], statuses["skipped"], statuses["flagged"]) for name, statuses in sorted(counted.not_done.items())
    ]
