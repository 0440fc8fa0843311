"""Which labels count: the one rule that gold labels, the agreement report, review and validation share.

Only a unit's current head counts, and only with status `done`: an annotator's such head is a vote, a
reviewer's (`kind: "adjudication"`) a decision. It counts only if it was labelled with the schema in
use (name and version) and its labels fit that schema; a `done` vote must also have every asked
required field. Anything else (draft, skipped, flagged, retracted) says nothing about the gold label.
"""

from __future__ import annotations

from annotator.schema.model import Schema
from annotator.store.records import Record, Status, is_adjudication

_DONE = Status.DONE  # bound once: looking a member up on its enum class costs more than comparing


def is_done(record: Record) -> bool:
    """A `done` head: a vote or a decision, if its labels fit the schema (`unusable_reason`)."""
    return record["status"] == _DONE


def is_vote(record: Record) -> bool:
    """A `done` annotation: an annotator's vote on the gold labels."""
    return is_done(record) and not is_adjudication(record)


def label_problems(schema: Schema, record: Record) -> list[str]:
    """What is wrong with a well-formed record's labels under `schema`, one reason each."""
    if (record["schema"], record["schema_version"]) != (schema.name, schema.version):
        return [f"labelled with schema {record['schema']} v{record['schema_version']}, not {schema.name} v{schema.version}"]
    reasons = [f"labels: {error}" for error in schema.label_errors(record["labels"])]
    if is_vote(record):
        missing = schema.missing_required(record["labels"])
        reasons += [f"status done but required field '{field_id}' has no value" for field_id in missing]
    return reasons


def unusable_reason(schema: Schema, record: Record) -> str | None:
    """Why a `done` record cannot count under `schema`, or None when it counts."""
    return "; ".join(label_problems(schema, record)) or None
