"""Gold labels: one label per unit and field, from the annotators' current labels and adjudications.

Only current heads count: an annotator's head with status `done` is a vote; a head with
`kind: "adjudication"` and status `done` is a reviewer's decision. Every other head (skipped,
flagged, retracted) says nothing about the gold label.

The rule, per field in schema order (conditions refer to earlier fields):

1. `adjudicated`: a reviewer decided the field. The reviewers who decided it are those whose
   adjudication asks the field (its `when` holds for their labels); leaving an asked optional field
   empty decides "no value" (an empty required field decides nothing). When several reviewers
   decided it differently it is `unresolved`.
2. `not_applicable`: the field's `when` does not hold for the gold labels of the earlier fields, so
   it has no value. If the field the condition tests is itself unresolved, this field is
   `unresolved` too: whether it is asked at all is undecided.
3. Votes: every annotator for whom the field is asked (its `when` holds for their own labels) votes
   for their value, or for "no value" if they left it empty (`counting.rating`, the rule the
   agreement report counts by). Annotators for whom it is not asked, or whose label of an earlier
   schema version leaves it unanswered, do not vote. Multi values are
   compared as whole sets. With `method=DAWID_SKENE`, a choice field with votes is `dawid_skene`:
   the value the Dawid-Skene model (`annotator.labels.dawid_skene`, fitted on every unit's votes of
   the field) finds most probable, with that probability as its `confidence`. Otherwise
   - `single`: exactly one vote;
   - `unanimous`: two or more votes, all equal;
   - `majority`: the most frequent value has a strict majority of the votes (share > 1/2) and its
     share is at least `min_agreement` (0.5 to 1; 0.5 means a plain strict majority: 2 of 3,
     3 of 5, not 1 of 2 nor 2 of 4);
   - `unresolved`: anything else, including no votes at all.

A unit is resolved when none of its required fields is unresolved: optional fields (free text such
as a note) keep their own resolution but do not hold a unit back.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.errors import UserError
from annotator.labels.anchors import AnchoredLabel
from annotator.labels.counting import Rating, UnusableReasons, field_ratings, is_done
from annotator.labels.versions import reading
from annotator.schema.model import Field, Schema, is_unset
from annotator.store.records import Labels, Record, UnitKey, is_adjudication

if TYPE_CHECKING:
    from annotator.labels.dawid_skene import FieldEstimate
    from annotator.schema.migration import Reading

ADJUDICATED = "adjudicated"
UNANIMOUS = "unanimous"
SINGLE = "single"
MAJORITY = "majority"
NOT_APPLICABLE = "not_applicable"
UNRESOLVED = "unresolved"
DAWID_SKENE = "dawid_skene"
RESOLUTIONS = (ADJUDICATED, UNANIMOUS, SINGLE, MAJORITY, DAWID_SKENE, NOT_APPLICABLE, UNRESOLVED)
DEFAULT_MIN_AGREEMENT = 0.5
VOTES = "votes"  # the methods of step 3: votes, or the Dawid-Skene model (DAWID_SKENE) for choice fields
METHODS = (VOTES, DAWID_SKENE)

LabelValue = str | list[str] | None
Vote = Rating  # a vote is an annotator's rating of the field (`counting.rating`)
Estimates = Mapping[str, "FieldEstimate"]  # field id -> the model's estimate on one unit


@dataclass(frozen=True, slots=True)
class GoldLabel:
    value: LabelValue  # None when the field has no gold value; [] for a multiple choice agreed empty
    resolution: str  # one of RESOLUTIONS
    votes: int  # annotators who voted on the field
    agreeing: int  # of them, how many gave `value` (0 when unresolved)
    confidence: float | None = None  # the model's posterior probability of `value` (dawid_skene only)
    reviewers: tuple[str, ...] = ()  # who decided `value` (adjudicated only), sorted


@dataclass(frozen=True, slots=True)
class UnitGold:
    key: UnitKey
    annotations: dict[str, Labels]  # annotator -> current `done` labels, sorted by annotator
    adjudications: dict[str, Labels]  # reviewer -> current adjudicated labels
    fields: dict[str, GoldLabel]  # field id -> gold label, in schema order
    disagreeing: tuple[str, ...]  # fields on which the annotators' votes differ, schema order
    disagreeing_pairs: int  # pairs of annotators voting differently, summed over fields
    resolved: bool  # no required field is unresolved
    readings: dict[str, Reading] = dataclasses.field(default_factory=dict)  # name -> how their label of an earlier version was read

    @property
    def unanswered(self) -> dict[str, frozenset[str]]:
        """name -> the fields their label, read through a migration, leaves unanswered."""
        return {name: read.unanswered for name, read in self.readings.items()}

    @property
    def labels(self) -> Labels:
        """The gold labels in the store's form: unset fields absent."""
        return {field_id: gold.value for field_id, gold in self.fields.items() if gold.value is not None and not is_unset(gold.value)}


@dataclass
class Gold:
    units: list[UnitGold]  # units with a `done` annotation or an adjudication, in key order
    unusable: list[tuple[Record, str]]  # current `done` labels that cannot count, and why


class InvalidMinAgreement(UserError):
    pass


def check_min_agreement(value: float) -> float:
    """`value` if it is a usable minimum share; a majority is always strict, so below 0.5 is refused."""
    if not 0.5 <= value <= 1:
        raise InvalidMinAgreement(f"--min-agreement must be between 0.5 and 1 (a majority is always strict), not {value}")
    return value


def gold_units(
    schema: Schema,
    current: Mapping[tuple[str, UnitKey], AnchoredLabel],
    min_agreement: float = DEFAULT_MIN_AGREEMENT,
    method: str = VOTES,
) -> Gold:
    """The gold labels of every labelled unit, from the current labels placed on the corpus
    (`versions.current_labels(...).current`, earlier schema versions read as the current one). Labels
    that do not fit `schema` are returned as unusable."""
    check_min_agreement(min_agreement)
    if method not in METHODS:
        raise ValueError(f"unknown gold method {method!r}: use one of {', '.join(METHODS)}")
    annotations: dict[UnitKey, dict[str, Labels]] = {}
    adjudications: dict[UnitKey, dict[str, Labels]] = {}
    readings: dict[UnitKey, dict[str, Reading]] = {}
    unusable: list[tuple[Record, str]] = []
    reasons = UnusableReasons(schema)
    for (annotator, key), placed in sorted(current.items()):
        record = placed.record
        if not is_done(record):
            continue
        reason = reasons.of(record)
        if reason is not None:
            unusable.append((record, reason))
            continue
        into = adjudications if is_adjudication(record) else annotations
        into.setdefault(key, {})[annotator] = record["labels"]
        read = reading(record)
        if read is not None:
            readings.setdefault(key, {})[annotator] = read
    estimates = _model_estimates(schema, annotations, readings) if method == DAWID_SKENE else {}
    units = [
        resolve_unit(
            schema, key, annotations.get(key, {}), adjudications.get(key, {}), min_agreement, estimates.get(key, {}), readings.get(key)
        )
        for key in sorted(annotations.keys() | adjudications.keys())
    ]
    return Gold(units, unusable)


def _model_estimates(
    schema: Schema, annotations: Mapping[UnitKey, Mapping[str, Labels]], readings: Mapping[UnitKey, Mapping[str, Reading]]
) -> dict[UnitKey, dict[str, FieldEstimate]]:
    """unit -> field id -> the Dawid-Skene estimate, for every choice field (free text has no values to model)."""
    from annotator.labels.dawid_skene import field_estimates  # numpy: the annotation UI, which imports this module, starts without it

    unanswered = {key: {name: read.unanswered for name, read in read_by.items()} for key, read_by in readings.items()}
    found: dict[UnitKey, dict[str, FieldEstimate]] = {}
    for schema_field in schema.fields:
        if schema_field.kind != "text":
            for key, estimate in field_estimates(schema, schema_field, annotations, unanswered).items():
                found.setdefault(key, {})[schema_field.id] = estimate
    return found


def resolve_unit(
    schema: Schema,
    key: UnitKey,
    annotations: Mapping[str, Labels],
    adjudications: Mapping[str, Labels],
    min_agreement: float = DEFAULT_MIN_AGREEMENT,
    estimates: Estimates | None = None,
    readings: Mapping[str, Reading] | None = None,
) -> UnitGold:
    """The gold label of every field of one unit; see the module docstring for the rule. `estimates`:
    the Dawid-Skene model's, for `method=DAWID_SKENE`; `readings`: how the labels of earlier schema
    versions among `annotations` and `adjudications` were read (`versions.reading`), by name."""
    check_min_agreement(min_agreement)
    readings = dict(readings or {})
    unanswered = {name: read.unanswered for name, read in readings.items()}
    golds: dict[str, GoldLabel] = {}
    disagreeing: list[str] = []
    pairs = 0
    asked_of = {name: schema.asked_ids(labels) for name, labels in annotations.items()}  # once, not once per field
    reviewed = _Adjudications(adjudications, {name: schema.asked_ids(labels) for name, labels in adjudications.items()})
    for schema_field in schema.fields:
        votes = field_ratings(schema, schema_field, annotations, unanswered, asked_of)
        estimate = (estimates or {}).get(schema_field.id)
        golds[schema_field.id] = _field_gold(schema, schema_field, votes, reviewed, unanswered, golds, min_agreement, estimate)
        if len(set(votes.values())) > 1:
            disagreeing.append(schema_field.id)
            pairs += _differing_pairs(votes.values())
    return UnitGold(
        key=key,
        annotations={name: dict(annotations[name]) for name in sorted(annotations)},
        adjudications={name: dict(adjudications[name]) for name in sorted(adjudications)},
        fields=golds,
        disagreeing=tuple(disagreeing),
        disagreeing_pairs=pairs,
        resolved=not any(golds[f.id].resolution == UNRESOLVED for f in schema.fields if f.required),
        readings=readings,
    )


@dataclass(frozen=True)
class _Adjudications:
    """The reviewers' labels of a unit, and the fields each asks."""

    labels: Mapping[str, Labels]
    asked_of: Mapping[str, set[str]]


def _field_gold(
    schema: Schema,
    field: Field,
    votes: Mapping[str, Vote],
    adjudications: _Adjudications,
    unanswered: Mapping[str, frozenset[str]],
    earlier: Mapping[str, GoldLabel],
    min_agreement: float,
    estimate: FieldEstimate | None,
) -> GoldLabel:
    decisions = field_ratings(schema, field, adjudications.labels, unanswered, adjudications.asked_of)
    if field.required:
        decisions = {name: value for name, value in decisions.items() if value is not None}  # an empty required field decides nothing
    decided = set(decisions.values())
    if len(decided) == 1:
        gold = _gold(field, decided.pop(), ADJUDICATED, votes)
        return dataclasses.replace(gold, reviewers=tuple(sorted(decisions)))
    if decided:
        return _unresolved(votes)
    if field.when is not None and earlier[field.when.field].resolution == UNRESOLVED:
        return _unresolved(votes)
    gold_so_far = {field_id: gold.value for field_id, gold in earlier.items() if not is_unset(gold.value)}
    if not schema.applies(field, gold_so_far):
        return GoldLabel(None, NOT_APPLICABLE, len(votes), 0)
    if estimate is not None and votes:
        gold = _gold(field, estimate.value, DAWID_SKENE, votes)
        return GoldLabel(gold.value, gold.resolution, gold.votes, gold.agreeing, estimate.probability)
    return _by_votes(field, votes, min_agreement)


def _by_votes(field: Field, votes: Mapping[str, Vote], min_agreement: float) -> GoldLabel:
    counts = Counter(votes.values()).most_common()
    if not counts:
        return _unresolved(votes)
    top, top_count = counts[0]
    if len(counts) == 1:
        return _gold(field, top, SINGLE if top_count == 1 else UNANIMOUS, votes)
    share = top_count / len(votes)
    if 2 * top_count > len(votes) and share >= min_agreement:
        return _gold(field, top, MAJORITY, votes)
    return _unresolved(votes)


def _gold(field: Field, vote: Vote, resolution: str, votes: Mapping[str, Vote]) -> GoldLabel:
    agreeing = sum(1 for other in votes.values() if other == vote)
    return GoldLabel(_value(field, vote), resolution, len(votes), agreeing)


def _unresolved(votes: Mapping[str, Vote]) -> GoldLabel:
    return GoldLabel(None, UNRESOLVED, len(votes), 0)


def _value(field: Field, vote: Vote) -> LabelValue:
    """The gold value a vote stands for: an agreed empty multiple choice is the empty set, not no value."""
    if isinstance(vote, tuple) or field.kind == "multi":
        return list(vote or ())
    return vote


def _differing_pairs(votes: Iterable[Vote]) -> int:
    counts = Counter(votes)
    total = sum(counts.values())
    return (total * (total - 1) - sum(c * (c - 1) for c in counts.values())) // 2


def disagreements(units: Iterable[UnitGold]) -> list[UnitGold]:
    """The units on which annotators disagree, most disagreement first.

    Most disagreement: more disagreeing fields, then more disagreeing annotator pairs; ties in unit
    order. Adjudicated units are included (their `fields` say `adjudicated`), so a review screen
    can show them or filter on `resolved`.
    """
    found = [unit for unit in units if unit.disagreeing]
    return sorted(found, key=lambda unit: (-len(unit.disagreeing), -unit.disagreeing_pairs, unit.key))
