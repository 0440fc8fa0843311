"""The annotators' votes in the shapes other tools read: Prodigy (`db-out` JSONL), Label Studio (JSON
tasks) and a long table (JSON Lines, one row per unit, annotator and field).

A vote is an annotator's current `done` label of an exported unit, as the gold labels count it
(skipped, flagged and draft sentences give none). Each file holds the votes on the rows of its split,
in row order, annotators in name order; the same inputs give the same bytes.

- Prodigy: one line per vote, a choice task whose `options` are every `FIELD:VALUE` of the schema's
  choice fields and whose `accept` holds the vote's; a text field's answer is the task's key of that
  field's id (as Prodigy's `text_input` stores it). `_input_hash` and `_task_hash` are the first 32
  bits of sha256 of the text and of the text with the options, as signed integers; `meta` names the
  unit (`doc`, `start`, `end`).
- Label Studio: one task per unit with one annotation per vote (`completed_by` the annotator's name),
  a `choices` result per choice field and a `textarea` result per text field, each with the field's
  id as `from_name` and value ids as choices; the gold labels are the task's prediction (`model_version`
  `gold`). `data` holds `text`, `doc`, `start` and `end`.
- long: `doc`, `start`, `end`, `text`, `annotator`, `field`, `value`: one row per field the vote
  answers, `value` the value id, a multiple choice's ids joined with `;`, or the text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from annotator.dataset.build import Row
from annotator.labels.gold import UnitGold
from annotator.schema.model import Schema
from annotator.store.records import Labels, UnitKey
from annotator.text import json_safe, sha256_hex

LONG_COLUMNS = ("doc", "start", "end", "text", "annotator", "field", "value")
GOLD_MODEL = "gold"
SHAPES = {
    "prodigy": (
        "Prodigy's `db-out` JSONL, one line per vote: a choice task whose `options` are every `FIELD:VALUE` of the"
        " schema and whose `accept` holds the vote's (`answer` `accept`); a text field's answer is under the field's id;"
        " `_annotator_id` and `_session_id` name the annotator; `meta` holds `doc`, `start` and `end`."
    ),
    "labelstudio": (
        "Label Studio's JSON export, one task per sentence: `data` holds `text`, `doc`, `start` and `end`; one annotation"
        " per vote (`completed_by` the annotator's name) with a `choices` result (`from_name` the field's id, value ids as"
        " choices) per choice field and a `textarea` result per text field; the gold labels are the prediction of"
        f" `model_version` `{GOLD_MODEL}`."
    ),
    "long": (
        "JSON Lines, one row per sentence, annotator and field the vote answers: `doc`, `start`, `end`, `text`,"
        " `annotator`, `field` and `value` (a value id, a multiple choice's value ids joined with `;`, or the text),"
        " the raw votes the gold labels were made from."
    ),
}
VOTE_FORMATS = tuple(SHAPES)


def encode_votes(format: str, rows: Sequence[Row], units: Mapping[UnitKey, UnitGold], schema: Schema) -> bytes:
    if format == "prodigy":
        return _lines(_prodigy(row, labels, name, schema) for row, name, labels in _votes(rows, units))
    if format == "long":
        return _lines(long_row for row, name, labels in _votes(rows, units) for long_row in _long(row, labels, name, schema))
    tasks = [_labelstudio(number, row, units[_key(row)], schema) for number, row in enumerate(rows, start=1)]
    return _json(orjson.dumps(tasks, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))


def _votes(rows: Sequence[Row], units: Mapping[UnitKey, UnitGold]) -> list[tuple[Row, str, Labels]]:
    return [(row, name, labels) for row in rows for name, labels in units[_key(row)].annotations.items()]


def _key(row: Row) -> UnitKey:
    return str(row["doc"]), int(row["start"]), int(row["end"])  # type: ignore[call-overload]


def _place(row: Row) -> dict[str, Any]:
    return {"doc": row["doc"], "start": row["start"], "end": row["end"]}


def _hash(text: str) -> int:
    return int.from_bytes(bytes.fromhex(sha256_hex(text)[:8]), "big", signed=True)


def _options(schema: Schema) -> list[dict[str, str]]:
    return [{"id": f"{field.id}:{value.id}", "text": f"{field.label}: {value.label}"} for field in schema.fields for value in field.values]


def _prodigy(row: Row, labels: Labels, name: str, schema: Schema) -> dict[str, Any]:
    text = str(row["text"])
    options = _options(schema)
    accept = [f"{field.id}:{value}" for field in schema.fields if field.kind != "text" for value in _ids(labels.get(field.id))]
    task: dict[str, Any] = {
        "text": text,
        "meta": _place(row),
        "_input_hash": _hash(text),
        "_task_hash": _hash(text + "\n" + orjson.dumps(options).decode()),
        "options": options,
        "_view_id": "choice",
        "config": {"choice_style": "multiple"},
        "accept": accept,
        "answer": "accept",
        "_annotator_id": name,
        "_session_id": name,
    }
    task |= {field.id: labels[field.id] for field in schema.fields if field.kind == "text" and labels.get(field.id)}
    return task


def _labelstudio(number: int, row: Row, unit: UnitGold, schema: Schema) -> dict[str, Any]:
    annotations = [
        {
            "id": number * 1000 + index,
            "completed_by": name,
            "result": _results(labels, schema),
            "was_cancelled": False,
            "ground_truth": False,
        }
        for index, (name, labels) in enumerate(unit.annotations.items(), start=1)
    ]
    return {
        "id": number,
        "data": {"text": row["text"], **_place(row)},
        "annotations": annotations,
        "predictions": [{"model_version": GOLD_MODEL, "result": _results(unit.labels, schema)}],
    }


def _results(labels: Labels, schema: Schema) -> list[dict[str, Any]]:
    results = []
    for field in schema.fields:
        value = labels.get(field.id)
        if field.kind == "text":
            if value:
                results.append({"from_name": field.id, "to_name": "text", "type": "textarea", "value": {"text": [value]}})
        elif _ids(value):
            results.append({"from_name": field.id, "to_name": "text", "type": "choices", "value": {"choices": _ids(value)}})
    return results


def _long(row: Row, labels: Labels, name: str, schema: Schema) -> list[dict[str, Any]]:
    found = []
    for field in schema.fields:
        if field.id in labels:
            value = labels[field.id]
            found.append(
                {
                    **_place(row),
                    "text": row["text"],
                    "annotator": name,
                    "field": field.id,
                    "value": ";".join(_ids(value)) if field.kind == "multi" else value,
                }
            )
    return found


def _ids(value: object) -> list[str]:
    if value is None or value == "":
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _lines(objects: Any) -> bytes:
    return _json(b"".join(orjson.dumps(item, option=orjson.OPT_APPEND_NEWLINE) for item in objects))


def _json(data: bytes) -> bytes:
    """Unicode line breaks and controls escaped (`text.json_safe`), as the JSONL rows."""
    return json_safe(data.decode("utf-8")).encode("utf-8")
