"""From the tool's label names to the schema's values: the mapping, and the labels of each answer.

A label is mapped, in this order, by
1. the mapping's entry for `THEIR_FIELD:LABEL`, then for `LABEL` (`--map LABEL=FIELD:VALUE`, or the
   `labels` object of a mapping file), to that field's value;
2. the label itself when the tool names its field (after the mapping's `fields`, `--field`) and the
   label is a value id of that choice field or the label the schema shows for one, or any text for a
   text field;
3. the label itself when it is `FIELD:VALUE` of the schema (as this tool's Prodigy export writes them),
   or the id of a value of exactly one of its fields.
A label mapped by none of these is unmapped: all of them are listed with their counts, and nothing is
imported. A multiple choice's label may hold several values separated by `;` (a CSV cell).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from annotator.errors import Problem, UserError
from annotator.importing.answers import Answer, ImportProblems, TheirLabel, problem_at
from annotator.schema.model import Schema
from annotator.store.records import Labels, Status
from annotator.text import plural

MULTI_SEPARATOR = ";"


class MappingError(UserError):
    """A mapping that cannot be used (exit 2)."""


@dataclass(frozen=True)
class LabelMapping:
    labels: Mapping[str, tuple[str, str]] = dataclasses.field(default_factory=dict)  # their label -> (field id, value id)
    fields: Mapping[str, str] = dataclasses.field(default_factory=dict)  # their field name -> field id
    annotators: Mapping[str, str] = dataclasses.field(default_factory=dict)  # their annotator id -> annotator name


def parse_pairs(pairs: Sequence[str], option: str) -> dict[str, str]:
    """`THEIRS=OURS` pairs of a repeated option; MappingError for one without `=` or given twice."""
    found: dict[str, str] = {}
    for pair in pairs:
        theirs, equals, ours = pair.rpartition("=")
        if not equals or not theirs or not ours:
            raise MappingError(f"{option} {pair!r}: not THEIRS=OURS")
        if theirs in found and found[theirs] != ours:
            raise MappingError(f"{option}: {theirs!r} is given twice ({found[theirs]!r} and {ours!r})")
        found[theirs] = ours
    return found


def read_mapping_file(path: Path) -> dict[str, dict[str, str]]:
    """A mapping file: a JSON object of `labels` (LABEL -> "FIELD:VALUE"), `fields` (THEIR_FIELD ->
    FIELD) and `annotators` (THEIR_ID -> NAME), each optional."""
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as error:
        raise MappingError(f"cannot read the mapping file {path}: {error.strerror or error}") from None
    except orjson.JSONDecodeError as error:
        raise MappingError(f"{path}: not valid JSON: {error}") from None
    known = ("labels", "fields", "annotators")
    if not isinstance(data, dict) or set(data) - set(known):
        raise MappingError(f"{path}: a mapping file is a JSON object of {', '.join(known)}")
    for key, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(value, str) for value in table.values()):
            raise MappingError(f"{path}: `{key}` must map names to strings")
    return {key: data.get(key, {}) for key in known}


def build_mapping(schema: Schema, labels: Mapping[str, str], fields: Mapping[str, str], annotators: Mapping[str, str]) -> LabelMapping:
    """The mapping, checked against the schema: every field and value it names exists."""
    errors = []
    targets = {}
    for theirs, ours in labels.items():
        field_id, colon, value_id = ours.partition(":")
        reason = _value_problem(schema, field_id, value_id) if colon else "not FIELD:VALUE"
        if reason:
            errors.append(f"--map {theirs}={ours}: {reason}")
        targets[theirs] = (field_id, value_id)
    for theirs, field_id in fields.items():
        if field_id not in schema.field_ids:
            errors.append(f"--field {field_id}={theirs}: the schema has no field {field_id!r} (fields: {', '.join(schema.field_ids)})")
    if errors:
        raise MappingError(errors)
    return LabelMapping(targets, dict(fields), dict(annotators))


def _value_problem(schema: Schema, field_id: str, value_id: str) -> str | None:
    if field_id not in schema.field_ids:
        return f"the schema has no field {field_id!r} (fields: {', '.join(schema.field_ids)})"
    field = schema.field(field_id)
    if field.kind == "text":
        return f"{field_id!r} is a text field: it takes the text a tool gives it, not a mapped value"
    if value_id not in field.positions:
        return f"{field_id!r} has no value {value_id!r} (values: {', '.join(field.value_ids)})"
    return None


@dataclass(frozen=True)
class Translated:
    answer: Answer
    labels: Labels


def translate(schema: Schema, mapping: LabelMapping, answers: Iterable[Answer], path: Path, in_array: bool) -> list[Translated]:
    """Each answer with its labels in the schema's terms; ImportProblems listing the unmapped labels
    with their counts, and every answer whose labels do not fit the schema."""
    unmapped: Counter[str] = Counter()
    missing: dict[str, list[int]] = {}  # required field -> the entries of the answers without it
    problems = []
    found = []
    for answer in answers:
        labels: dict[str, set[str] | str] = {}
        reasons = []
        complete = True
        for label in answer.labels:
            for field_id, value in _targets(schema, mapping, label):
                if field_id is None:
                    unmapped[value] += 1
                    complete = False
                else:
                    reasons += _add(schema, labels, field_id, value)
        done = _labels(schema, labels)
        if complete and not reasons and answer.status == Status.DONE:
            reasons = schema.label_errors(done)
            for field_id in [] if reasons else schema.missing_required(done):
                missing.setdefault(field_id, []).append(answer.entry)
        problems += [problem_at(path, answer.entry, reason, in_array) for reason in reasons]
        found.append(Translated(answer, done))
    if unmapped:
        listed = ", ".join(f"{name!r} ({count})" for name, count in sorted(unmapped.items(), key=lambda item: (-item[1], item[0])))
        problems.insert(0, Problem(str(path), None, f"unmapped labels (map each with --map LABEL=FIELD:VALUE): {listed}"))
    problems += [_missing(path, field_id, entries, in_array) for field_id, entries in missing.items()]
    if problems:
        raise ImportProblems(problems)
    return found


def _missing(path: Path, field_id: str, entries: list[int], in_array: bool) -> Problem:
    shown = ", ".join(map(str, entries[:10])) + (", …" if len(entries) > 10 else "")
    return Problem(
        str(path), None,
        f"required field {field_id!r} has no value in {plural(len(entries), 'answer')}"
        f" ({'task' if in_array else 'line'}{'s' if len(entries) > 1 else ''} {shown}):"
        " map a label to it, or import with a schema where it is optional",
    )  # fmt: skip


def _targets(schema: Schema, mapping: LabelMapping, label: TheirLabel) -> list[tuple[str | None, str]]:
    """(field id, value) of what `label` says; (None, its name) when it is unmapped."""
    if label.loose:
        field_id = mapping.fields.get(label.field or "", label.field)
        is_text = field_id in schema.field_ids and schema.field(field_id).kind == "text"
        return [(field_id, label.name)] if is_text and label.name else []
    for key in ([f"{label.field}:{label.name}"] if label.field else []) + [label.name]:
        if key in mapping.labels:
            return [mapping.labels[key]]
    field_id = mapping.fields.get(label.field, label.field) if label.field else None
    if field_id in schema.field_ids:
        field = schema.field(field_id)
        if field.kind == "text":
            return [(field_id, label.name)]
        names = label.name.split(MULTI_SEPARATOR) if field.kind == "multi" else [label.name]
        by_label = {value.label: value.id for value in field.values}
        ids = [name if name in field.positions else by_label.get(name) for name in names if name]
        if all(ids):
            return [(field_id, value_id) for value_id in ids if value_id]
        return [(None, f"{label.field}:{label.name}")]
    field_id, colon, value_id = label.name.partition(":")
    if colon and field_id in schema.field_ids and _value_problem(schema, field_id, value_id) is None:
        return [(field_id, value_id)]
    if not label.field:
        holders = [field.id for field in schema.fields if label.name in field.positions]
        if len(holders) == 1:
            return [(holders[0], label.name)]
    return [(None, f"{label.field}:{label.name}" if label.field else label.name)]


def _add(schema: Schema, labels: dict[str, set[str] | str], field_id: str, value: str) -> list[str]:
    field = schema.field(field_id)
    if field.kind == "multi":
        chosen = labels.setdefault(field_id, set())
        assert isinstance(chosen, set)
        chosen.add(value)
        return []
    earlier = labels.get(field_id)
    if earlier is not None and earlier != value:
        return [f"two values for the one-value field {field_id!r}: {earlier!r} and {value!r}"]
    labels[field_id] = value
    return []


def _labels(schema: Schema, found: Mapping[str, set[str] | str]) -> Labels:
    """In schema order; a multiple choice's values in the order of the field's values."""
    labels: Labels = {}
    for field in schema.fields:
        if field.id in found:
            value = found[field.id]
            labels[field.id] = sorted(value, key=field.positions.__getitem__) if isinstance(value, set) else value
    return labels
