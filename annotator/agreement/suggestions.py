"""Suggestions and the labels: per field, how often the annotation UI offered a suggestion, how often
an annotator kept it, and whether they follow the suggestions more than the suggestions deserve.

A label was offered a field's suggestion when its record carries the suggestions the UI showed when
it was saved (`suggested`) with a value for the field, and the field is asked. Per annotator:
- offered, and accepted unchanged: the value saved is the suggestion, with origin `suggested`;
- agreement with the suggestions: the share of offered labels whose value is the suggestion,
  accepted or picked alike (how close the annotator's labels are to what the rules propose);
- on the units where a reviewer decided the field (adjudicated gold), the share of the accepted
  suggestions that were the reviewer's value.

Anchoring: accepting most suggestions unchanged is fine when they are right. An annotator is
flagged when they accept at least ANCHORING_ACCEPTANCE of the offered suggestions unchanged and,
on at least ANCHORING_MIN_JUDGED adjudicated units, fewer than ANCHORING_ACCURACY of the accepted
ones were right: their labels follow the suggestions, not the sentence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from annotator.agreement.annotators import Decisions
from annotator.agreement.ratings import CountedLabels
from annotator.labels.counting import rating
from annotator.schema.model import Field
from annotator.store.records import SUGGESTED

ANCHORING_ACCEPTANCE = 0.8
ANCHORING_ACCURACY = 0.7
ANCHORING_MIN_JUDGED = 5
_UNDECIDED = object()


@dataclass(frozen=True)
class SuggestionUse:
    """One annotator's use of one field's suggestions."""

    annotator: str
    offered: int  # counted labels offered a suggestion for the field
    accepted: int  # of those, saved as the suggestion with origin `suggested`
    same: int  # of those, with the suggestion's value, accepted or picked
    judged: int  # accepted suggestions on units where a reviewer decided the field
    judged_right: int  # of those, the suggestion was the reviewer's value
    acceptance: float  # accepted / offered
    agreement: float  # same / offered: agreement with the suggestions
    gold_accuracy: float  # judged_right / judged (NaN without any)
    anchoring: bool  # see the module docstring


def suggestion_use(schema_field: Field, counted: CountedLabels, decisions: Decisions) -> list[SuggestionUse]:
    """Each annotator's use of the field's suggestions, in the report's annotator order; [] when no
    counted label was offered one."""
    tallies: dict[str, Counter[str]] = {}
    asked = counted.asked[schema_field.id]
    for row, record in enumerate(counted.records):
        offered = record.get("suggested", {}).get(schema_field.id)
        if offered is None or not asked[row]:
            continue
        suggested = rating(schema_field, offered, asked=True)
        same = rating(schema_field, record["labels"].get(schema_field.id), asked=True) == suggested
        accepted = same and record.get("origin", {}).get(schema_field.id) == SUGGESTED
        gold = decisions.get(int(counted.unit[row]), {}).get(schema_field.id, _UNDECIDED)
        tally = tallies.setdefault(record["annotator"], Counter())
        tally["offered"] += 1
        tally["same"] += same
        tally["accepted"] += accepted
        if accepted and gold is not _UNDECIDED:
            tally["judged"] += 1
            tally["judged_right"] += gold == suggested
    return [_use(name, tallies[name]) for name in counted.annotators if name in tallies]


def _use(annotator: str, tally: Counter[str]) -> SuggestionUse:
    offered, judged = tally["offered"], tally["judged"]
    acceptance = tally["accepted"] / offered
    accuracy = tally["judged_right"] / judged if judged else float("nan")
    anchoring = acceptance >= ANCHORING_ACCEPTANCE and judged >= ANCHORING_MIN_JUDGED and accuracy < ANCHORING_ACCURACY
    return SuggestionUse(
        annotator,
        offered,
        tally["accepted"],
        tally["same"],
        judged,
        tally["judged_right"],
        acceptance,
        tally["same"] / offered,
        accuracy,
        anchoring,
    )
