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
   for their value, or for "no value" if they left it empty. Annotators for whom it is not asked do
   not vote. Multi values are compared as whole sets. Then
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

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from annotator.errors import UserError
from annotator.labels.anchors import AnchoredLabel
from annotator.labels.counting import is_done, unusable_reason
from annotator.schema.model import Field, Schema, is_unset
from annotator.store.records import Labels, Record, UnitKey, is_adjudication

ADJUDICATED = "adjudicated"
UNANIMOUS = "unanimous"
SINGLE = "single"
MAJORITY = "majority"
NOT_APPLICABLE = "not_applicable"
UNRESOLVED = "unresolved"
RESOLUTIONS = (ADJUDICATED, UNANIMOUS, SINGLE, MAJORITY, NOT_APPLICABLE, UNRESOLVED)
DEFAULT_MIN_AGREEMENT = 0.5

LabelValue = str | list[str] | None
Vote = str | tuple[str, ...] | None  # hashable form of a field's value; None is "no value"


@dataclass(frozen=True, slots=True)
class GoldLabel:
    value: LabelValue  # None when the field has no gold value
    resolution: str  # one of RESOLUTIONS
    votes: int  # annotators who voted on the field
    agreeing: int  # of them, how many gave `value` (0 when unresolved)


@dataclass(frozen=True, slots=True)
class UnitGold:
    key: UnitKey
    annotations: dict[str, Labels]  # annotator -> current `done` labels, sorted by annotator
    adjudications: dict[str, Labels]  # reviewer -> current adjudicated labels
    fields: dict[str, GoldLabel]  # field id -> gold label, in schema order
    disagreeing: tuple[str, ...]  # fields on which the annotators' votes differ, schema order
    disagreeing_pairs: int  # pairs of annotators voting differently, summed over fields
    resolved: bool  # no required field is unresolved

    @property
    def labels(self) -> Labels:
        """The gold labels in the store's form: unset fields absent."""
        return {field_id: gold.value for field_id, gold in self.fields.items() if gold.value is not None}


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
) -> Gold:
    """The gold labels of every labelled unit, from the current labels placed on the corpus
    (`anchors.anchor(...).current`). Labels that do not fit `schema` are returned as unusable."""
    check_min_agreement(min_agreement)
    annotations: dict[UnitKey, dict[str, Labels]] = {}
    adjudications: dict[UnitKey, dict[str, Labels]] = {}
    unusable: list[tuple[Record, str]] = []
    for (annotator, key), placed in sorted(current.items()):
        record = placed.record
        if not is_done(record):
            continue
        reason = unusable_reason(schema, record)
        if reason is not None:
            unusable.append((record, reason))
            continue
        into = adjudications if is_adjudication(record) else annotations
        into.setdefault(key, {})[annotator] = record["labels"]
    units = [
        resolve_unit(schema, key, annotations.get(key, {}), adjudications.get(key, {}), min_agreement)
        for key in sorted(annotations.keys() | adjudications.keys())
    ]
    return Gold(units, unusable)


def resolve_unit(
    schema: Schema,
    key: UnitKey,
    annotations: Mapping[str, Labels],
    adjudications: Mapping[str, Labels],
    min_agreement: float = DEFAULT_MIN_AGREEMENT,
) -> UnitGold:
    """The gold label of every field of one unit; see the module docstring for the rule."""
    check_min_agreement(min_agreement)
    golds: dict[str, GoldLabel] = {}
    disagreeing: list[str] = []
    pairs = 0
    for field in schema.fields:
        votes = field_votes(schema, field, annotations)
        golds[field.id] = _field_gold(schema, field, votes, adjudications, golds, min_agreement)
        if len(set(votes.values())) > 1:
            disagreeing.append(field.id)
            pairs += _differing_pairs(votes.values())
    return UnitGold(
        key=key,
        annotations={name: dict(annotations[name]) for name in sorted(annotations)},
        adjudications={name: dict(adjudications[name]) for name in sorted(adjudications)},
        fields=golds,
        disagreeing=tuple(disagreeing),
        disagreeing_pairs=pairs,
        resolved=not any(golds[f.id].resolution == UNRESOLVED for f in schema.fields if f.required),
    )


def field_votes(schema: Schema, field: Field, labels_by_coder: Mapping[str, Mapping[str, object]]) -> dict[str, Vote]:
    """coder -> vote, for the coders who are asked `field` (its `when` holds for their labels)."""
    return {coder: _vote(field, labels.get(field.id)) for coder, labels in labels_by_coder.items() if schema.applies(field, labels)}


def _field_gold(
    schema: Schema,
    field: Field,
    votes: Mapping[str, Vote],
    adjudications: Mapping[str, Labels],
    earlier: Mapping[str, GoldLabel],
    min_agreement: float,
) -> GoldLabel:
    decided = set(field_votes(schema, field, adjudications).values())
    if field.required:
        decided.discard(None)  # an empty required field decides nothing
    if decided:
        return _gold(field, decided.pop(), ADJUDICATED, votes) if len(decided) == 1 else _unresolved(votes)
    if field.when is not None and earlier[field.when.field].resolution == UNRESOLVED:
        return _unresolved(votes)
    gold_so_far = {field_id: gold.value for field_id, gold in earlier.items() if gold.value is not None}
    if not schema.applies(field, gold_so_far):
        return GoldLabel(None, NOT_APPLICABLE, len(votes), 0)
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


def _vote(field: Field, value: object) -> Vote:
    if is_unset(value):
        return None
    if isinstance(value, list):
        return tuple(sorted(set(value), key=_schema_order(field)))
    return str(value)


def _value(field: Field, vote: Vote) -> LabelValue:
    return list(vote) if isinstance(vote, tuple) else vote


def _schema_order(field: Field) -> Callable[[str], tuple[int, str]]:
    order = field.positions
    return lambda value_id: (order.get(value_id, len(order)), value_id)


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
