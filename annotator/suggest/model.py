"""Suggestions: a proposed value per field for one sentence unit, with the cues behind it.

The one shape every source of suggestions gives and every reader takes (the UI shows them, `stats`
measures them, `annotator suggest --jsonl` prints them, a `--command` writes them):

    {"doc": "kcna-0814", "start": 14, "end": 280, "text": "...",
     "suggestions": {"source_type": {"value": "state_media", "by": "rules:news-cues@1",
                                     "cues": [{"start": 137, "end": 148, "text": "state media", "kind": "source.state_media"}]}}}

Offsets are str offsets into the document, as a unit's. `value` is what the field's label would be
(a value id, a list of them for a multi field, the words for a text field); `by` says where the
suggestion came from: `rules:<lexicons>`, a command, a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, Protocol

from annotator.schema.model import Schema
from annotator.store.records import Labels, UnitKey


class Cue(NamedTuple):
    start: int  # document offsets, half-open
    end: int
    text: str
    kind: str  # a lexicon kind (attribution.neutral, source.state_media, hedge.possible, ...), "source", or a model's own


class Suggestion(NamedTuple):
    value: str | list[str]
    cues: tuple[Cue, ...] = ()
    by: str = ""


@dataclass(frozen=True, slots=True)
class UnitSuggestions:
    """The suggestions for one unit: field id -> Suggestion, in schema order."""

    doc: str
    start: int
    end: int
    text: str
    fields: dict[str, Suggestion] = field(default_factory=dict)

    @property
    def key(self) -> UnitKey:
        return (self.doc, self.start, self.end)

    def values(self) -> Labels:
        """The suggested labels: field id -> value."""
        return {field_id: suggestion.value for field_id, suggestion in self.fields.items()}

    def cues(self) -> list[Cue]:
        """Every cue behind any field, once each, in document order."""
        return sorted(
            {cue for suggestion in self.fields.values() for cue in suggestion.cues}, key=lambda cue: (cue.start, -cue.end, cue.kind)
        )

    def updated(self, fields: Mapping[str, Suggestion], schema: Schema) -> UnitSuggestions:
        """These suggestions with `fields` taking the place of theirs, in schema order, without the
        fields the suggestions no longer ask (`asked_only`)."""
        merged = {**self.fields, **fields}
        return replace(self, fields=asked_only(schema, {f.id: merged[f.id] for f in schema.fields if f.id in merged}))

    def to_json(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestions": {field_id: suggestion_json(suggestion) for field_id, suggestion in self.fields.items()},
        }


def asked_only(schema: Schema, fields: dict[str, Suggestion]) -> dict[str, Suggestion]:
    """`fields` without those whose condition tests a suggested field and does not hold: no claim
    suggested, no claim type either. A field whose condition tests a field without a suggestion stays."""
    values = {field_id: suggestion.value for field_id, suggestion in fields.items()}
    asked = {field.id for field in schema.applicable_fields(values)}
    return {
        field_id: suggestion
        for field_id, suggestion in fields.items()
        if field_id in asked or (condition := schema.field(field_id).when) is None or condition.field not in values
    }


def suggestion_json(suggestion: Suggestion, shift: int = 0) -> dict[str, Any]:
    """A suggestion as JSON; `shift` is added to its cues' offsets (the cache keeps them relative)."""
    cues = [{"start": cue.start + shift, "end": cue.end + shift, "text": cue.text, "kind": cue.kind} for cue in suggestion.cues]
    return {"value": suggestion.value, "cues": cues, "by": suggestion.by}


ByUnit = dict[UnitKey, dict[str, Suggestion]]
"""Suggestions found for units (from a file, a command), by unit key."""


class UnitText(Protocol):
    """What checking suggestions needs from a unit (`annotator.corpus.Unit` is one)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...


_SUGGESTION_KEYS = ("value", "cues", "by", "score")


def parse_suggestions(data: object, unit: UnitText, schema: Schema, by: str) -> tuple[dict[str, Suggestion], list[str]]:
    """The `suggestions` object of one line, checked against the schema and the unit: the sound
    suggestions, in schema order, and what was wrong with the rest (a field with an unknown value is
    left out; a bad cue is left out of its suggestion). `by` is the default for `by`."""
    if not isinstance(data, dict):
        return {}, ["`suggestions` must be an object of field id -> {value, cues, by}"]
    problems: list[str] = []
    fields: dict[str, Suggestion] = {}
    for field_id, item in data.items():
        suggestion = _parse_suggestion(str(field_id), item, unit, schema, by, problems)
        if suggestion is not None:
            fields[field_id] = suggestion
    return {f.id: fields[f.id] for f in schema.fields if f.id in fields}, problems


def _parse_suggestion(field_id: str, item: object, unit: UnitText, schema: Schema, by: str, problems: list[str]) -> Suggestion | None:
    try:
        target = schema.field(field_id)
    except KeyError:
        problems.append(f"unknown field {field_id!r} (fields: {', '.join(f.id for f in schema.fields)})")
        return None
    if not (isinstance(item, dict) and "value" in item):
        problems.append(f"{field_id}: must be an object with a `value`")
        return None
    problems += [f"{field_id}: unknown key {key!r} (allowed: {', '.join(_SUGGESTION_KEYS)})" for key in item if key not in _SUGGESTION_KEYS]
    errors = target.value_errors(item["value"])
    if errors:
        problems += errors
        return None
    given_by = item.get("by", by)
    if not (isinstance(given_by, str) and given_by.strip()):
        problems.append(f"{field_id}: `by` must be a non-empty string")
        given_by = by
    value = item["value"]
    if target.kind == "multi":
        value = [value_id for value_id in target.value_ids if value_id in value]  # as a label has them: in schema order
    return Suggestion(value, _parse_cues(field_id, item.get("cues", []), unit, problems), given_by)


def _parse_cues(field_id: str, cues: object, unit: UnitText, problems: list[str]) -> tuple[Cue, ...]:
    if not isinstance(cues, list):
        problems.append(f"{field_id}: `cues` must be a list")
        return ()
    parsed = []
    for index, cue in enumerate(cues):
        reason = _cue_problem(cue, unit)
        if reason:
            problems.append(f"{field_id}: cues[{index}]: {reason}")
        else:
            start, end = cue["start"], cue["end"]
            parsed.append(Cue(start, end, unit.text[start - unit.start : end - unit.start], cue["kind"]))
    return tuple(parsed)


def _cue_problem(cue: object, unit: UnitText) -> str:
    if not isinstance(cue, dict):
        return "must be an object with start, end and kind"
    start, end, kind = cue.get("start"), cue.get("end"), cue.get("kind")
    if not (type(start) is int and type(end) is int and unit.start <= start < end <= unit.end):
        return f"start and end must be document offsets inside the unit [{unit.start}, {unit.end}), start before end"
    if not (isinstance(kind, str) and kind.strip()):
        return "kind must be a non-empty string"
    text = cue.get("text")
    if text is not None and text != unit.text[start - unit.start : end - unit.start]:
        return f"text {text!r} is not the unit's text at [{start}, {end})"
    return ""
