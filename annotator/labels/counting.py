"""Which labels count, and what they say: the one rule that gold labels, the agreement report, review,
export and validation share.

Only a unit's current head counts, and only with status `done`: an annotator's such head is a vote, a
reviewer's (`kind: "adjudication"`) a decision. It counts only if it was labelled with the schema in
use (name and version) and its labels fit that schema; a `done` vote must also have every asked
required field. A label of an earlier version of the schema counts as it reads through the
migrations (`annotator.labels.versions`, which every reader reads the heads of a store with).
Anything else (draft, skipped, flagged, retracted) says nothing about the gold label.

What a counted label says about one field (`rating`):
- the field is not asked (its `when` does not hold for the label's own values), or the label was
  read through a migration that left the field unanswered (a split value, a field added or newly
  asked since): nothing. It is neither a vote nor a rating, and never a disagreement;
- the field is asked and left empty: the rating "no value" (`NO_VALUE`), like any other value. An
  empty multiple choice is the empty set, an empty text the empty answer: two annotators who both
  leave it empty agree, one who ticks a flag and one who does not disagree;
- otherwise its value, in a hashable form: a value id, or a multiple choice's ids in schema order.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Final

import orjson

from annotator.labels.versions import unanswered
from annotator.schema.model import Field, Schema, is_unset
from annotator.store.records import Record, Status, is_adjudication

_DONE = Status.DONE  # bound once: looking a member up on its enum class costs more than comparing

Rating = str | tuple[str, ...] | None
"""A field's value as counted: a value id or text, the value ids of a multiple choice in schema
order, or `NO_VALUE` (None) for an asked field left empty."""

NO_VALUE: Final = None


class NotAsked:
    def __repr__(self) -> str:
        return "NOT_ASKED"


NOT_ASKED: Final = NotAsked()
"""What a label says about a field it was not asked: nothing."""

EMPTY_AND_NOT_ASKED = (
    "A field not asked of an annotator (its condition does not hold for their labels) is not applicable: no rating,"
    " never a disagreement. An asked field left empty is the rating (none): an empty multiple choice or text agrees"
    " with another empty one and disagrees with any value."
)
"""The rule above in one sentence, for reports and dataset cards."""

MIGRATED_UNANSWERED = (
    "A label of an earlier version of the schema is read through its migrations; a field they leave unanswered (a"
    " split value to decide, a field added or newly asked since) is no rating either."
)
"""What the rule does with labels of earlier versions, in one sentence (said where some were read so)."""


def is_done(record: Record) -> bool:
    """A `done` head: a vote or a decision, if its labels fit the schema (`unusable_reason`)."""
    return record["status"] == _DONE


def is_vote(record: Record) -> bool:
    """A `done` annotation: an annotator's vote on the gold labels."""
    return is_done(record) and not is_adjudication(record)


def label_problems(schema: Schema, record: Record) -> list[str]:
    """What is wrong with a well-formed record's labels under the version of `schema` it names (the
    current one or one in its history), one reason each."""
    written = schema.at_version(record["schema_version"]) if record["schema"] == schema.name else None
    if written is None:
        return [f"labelled with schema {record['schema']} v{record['schema_version']}, not {_versions(schema)}"]
    reasons = [f"labels: {error}" for error in written.label_errors(record["labels"])]
    if is_vote(record):
        missing = [field_id for field_id in written.missing_required(record["labels"]) if field_id not in unanswered(record)]
        reasons += [f"status done but required field '{field_id}' has no value" for field_id in missing]
    return reasons


def _versions(schema: Schema) -> str:
    earlier = schema.versions[:-1]
    known = f" (or the versions it reads: {', '.join(f'v{version}' for version in earlier)})" if earlier else ""
    return f"{schema.name} v{schema.version}{known}"


def unusable_reason(schema: Schema, record: Record) -> str | None:
    """Why a `done` record cannot count under `schema`, or None when it counts. A record of an earlier
    version counts once read as the current one (`versions.read_heads`)."""
    problems = label_problems(schema, record)
    if not problems and record["schema_version"] != schema.version:
        problems = [f"labelled with schema {schema.name} v{record['schema_version']}, not read as v{schema.version}"]
    return "; ".join(problems) or None


class UnusableReasons:
    """`unusable_reason` of many records, worked out once for each distinct case: labels repeat a lot
    (a store of a million records holds a fifth as many distinct label sets)."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._by_case: dict[tuple[object, ...], str | None] = {}

    def of(self, record: Record) -> str | None:
        try:
            labels = orjson.dumps(record["labels"], option=orjson.OPT_SORT_KEYS)
        except TypeError:  # not JSON (labels built in memory): no case to share
            return unusable_reason(self.schema, record)
        # Everything `unusable_reason` reads of the record.
        case = (record["schema"], record["schema_version"], is_vote(record), unanswered(record), labels)
        if case not in self._by_case:
            self._by_case[case] = unusable_reason(self.schema, record)
        return self._by_case[case]


def rating(field: Field, value: object, asked: bool) -> Rating | NotAsked:
    """What a counted label whose `field` holds `value` (None when absent) says about it: NOT_ASKED,
    NO_VALUE or the value (see the module docstring)."""
    if not asked:
        return NOT_ASKED
    if is_unset(value):
        return NO_VALUE
    if isinstance(value, list):
        order = field.positions
        return tuple(sorted(set(value), key=lambda value_id: (order.get(value_id, len(order)), value_id)))
    return str(value)


def field_ratings(
    schema: Schema,
    field: Field,
    labels_by_coder: Mapping[str, Mapping[str, object]],
    unanswered: Mapping[str, AbstractSet[str]] | None = None,
    asked_of: Mapping[str, AbstractSet[str]] | None = None,
) -> dict[str, Rating]:
    """coder -> rating of `field`, for the coders who are asked it (its `when` holds for their labels)
    and answer it: `unanswered` gives the fields a coder's label read through a migration leaves
    unanswered (`versions.unanswered`). `asked_of`: coder -> `schema.asked_ids` of their labels, for
    a caller that asks about every field of the same labels."""
    found = {}
    for coder, labels in labels_by_coder.items():
        applies = field.id in asked_of[coder] if asked_of is not None else schema.applies(field, labels)
        asked = applies and not (unanswered and field.id in unanswered.get(coder, ()))
        said = rating(field, labels.get(field.id), asked)
        if not isinstance(said, NotAsked):
            found[coder] = said
    return found
