"""Suggestions computed elsewhere, read from a file (`annotator suggest --from FILE`).

Two shapes, told apart line by line:

- ours (`annotator.suggest.model`): JSON lines `{"doc", "start", "end", "suggestions"}` (and
  optionally `text`, which must then be the unit's), placed on the unit with those offsets;
- Label Studio tasks with `predictions`, as a JSON array (Label Studio's export) or one task a line:
  a task is placed on the unit named by `data.doc`, `data.start` and `data.end`, else on every unit
  whose text is `data.text`. Of its first prediction, each result is a field's: `from_name` is the
  field id; `choices` and `labels` give values (value ids, or the labels the schema shows),
  `textarea` a text field's text; a `labels` result's span (offsets into the task's text) is a cue
  of its labels' kind. `by` is the prediction's `model_version`, else the file's name.

Every line or task that cannot be used is reported with its place in the file, and the others are
read; suggestions are checked against the schema as a command's are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import orjson

from annotator.corpus.document import Unit
from annotator.errors import Problem
from annotator.files import read_bytes
from annotator.schema.model import Field, Schema
from annotator.store.records import UnitKey
from annotator.suggest.model import ByUnit, parse_suggestions


def read_suggestion_file(path: Path, units: Sequence[Unit], schema: Schema) -> tuple[ByUnit, list[Problem]]:
    """The suggestions of the file per unit key, and the problems of the lines left out."""
    name = str(path)
    try:
        raw = read_bytes(path)
    except OSError as error:
        return {}, [Problem(name, None, f"cannot read: {error.strerror}")]
    by_key = {unit.key: unit for unit in units}
    by_text: defaultdict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        by_text[unit.text].append(unit)
    reader = _Reader(name, by_key, by_text, schema)
    for line, item in _items(name, raw, reader.problems):
        if isinstance(item, dict) and "predictions" in item:
            reader.task(line, item)
        else:
            reader.ours(line, item)
    return reader.found, reader.problems


def _items(name: str, raw: bytes, problems: list[Problem]) -> Iterator[tuple[int | None, object]]:
    """(line number, or None inside a JSON array, JSON value) of each line or array item."""
    if raw.lstrip()[:1] == b"[":
        try:
            items = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            problems.append(Problem(name, None, f"invalid JSON: {error}"))
            return
        yield from ((None, item) for item in items)
        return
    for number, line in enumerate(raw.splitlines(), 1):
        if line.strip():
            try:
                yield number, orjson.loads(line)
            except orjson.JSONDecodeError as error:
                problems.append(Problem(name, number, f"invalid JSON: {error}"))


class _Reader:
    def __init__(self, name: str, by_key: Mapping[UnitKey, Unit], by_text: Mapping[str, list[Unit]], schema: Schema) -> None:
        self.name = name
        self.by_key = by_key
        self.by_text = by_text
        self.schema = schema
        self.by = Path(name).name
        self.found: ByUnit = {}
        self.problems: list[Problem] = []
        self._task_number = 0

    def say(self, line: int | None, reason: str) -> None:
        self.problems.append(Problem(self.name, line, reason))

    def ours(self, line: int | None, item: object) -> None:
        if not (isinstance(item, dict) and "suggestions" in item):
            self.say(line, "neither suggestions ({doc, start, end, suggestions}) nor a Label Studio task (with predictions)")
            return
        unit = self.by_key.get((item.get("doc"), item.get("start"), item.get("end")))  # type: ignore[arg-type]
        if unit is None:
            self.say(line, f"no unit {item.get('doc')!r} [{item.get('start')}, {item.get('end')}) in the documents")
            return
        if "text" in item and item["text"] != unit.text:
            self.say(line, "its text is not the unit's text now (the document changed?): left out")
            return
        fields, problems = parse_suggestions(item["suggestions"], unit, self.schema, self.by)
        for problem in problems:
            self.say(line, problem)
        self.found[unit.key] = fields

    def task(self, line: int | None, task: dict) -> None:
        """A Label Studio task: its first prediction on each unit with its text; its problems once."""
        self._task_number += 1
        prefix = "" if line is not None else f"task {self._task_number}: "

        def say(reason: str) -> None:
            self.say(line, prefix + reason)

        data = task.get("data")
        units = self._units(data) if isinstance(data, dict) else []
        predictions = task["predictions"]
        if not units:
            say("no unit with its data (doc, start, end, or text) in the documents")
        elif not (isinstance(predictions, list) and predictions and isinstance(predictions[0], dict)):
            say("predictions must be a list of objects")
        else:
            version = predictions[0].get("model_version")
            by = version if isinstance(version, str) and version.strip() else self.by
            for unit in units:
                told = say if unit is units[0] else _silent
                suggestions = _label_studio_suggestions(predictions[0].get("result"), unit, self.schema, told)
                fields, problems = parse_suggestions(suggestions, unit, self.schema, by)
                for problem in problems:
                    told(problem)
                self.found[unit.key] = fields

    def _units(self, data: dict) -> list[Unit]:
        if {"doc", "start", "end"} <= data.keys():
            unit = self.by_key.get((data["doc"], data["start"], data["end"]))
            return [unit] if unit else []
        text = data.get("text")
        return self.by_text.get(text, []) if isinstance(text, str) else []


def _silent(reason: str) -> None:
    """The problems of a task's second and later units: the first one's said them."""


def _label_studio_suggestions(results: object, unit: Unit, schema: Schema, say: Callable[[str], None]) -> dict[str, dict]:
    """A prediction's results as a `suggestions` object of our shape (checked afterwards)."""
    if not isinstance(results, list):
        say("a prediction's result must be a list")
        return {}
    suggestions: dict[str, dict] = {}
    for result in results:
        if not (isinstance(result, dict) and isinstance(result.get("from_name"), str) and isinstance(result.get("value"), dict)):
            say("a result needs from_name and value")
            continue
        field_id, kind, value = result["from_name"], result.get("type"), result["value"]
        try:
            target: Field | None = schema.field(field_id)
        except KeyError:
            target = None
        if kind == "textarea":
            texts = value.get("text")
            suggestions[field_id] = {"value": " ".join(texts) if isinstance(texts, list) else texts}
        elif kind in ("choices", "labels"):
            chosen = [_value_id(target, choice) for choice in value.get(kind) or []]
            entry = suggestions.setdefault(field_id, {"value": None, "cues": []})
            entry["value"] = _choice_value(target, entry["value"], chosen, value.get("text"))
            if kind == "labels":
                entry["cues"].append(_span_cue(value, unit, chosen))
        else:
            say(f"{field_id}: a result of type {kind!r} is not read (choices, labels and textarea are)")
    return suggestions


def _value_id(target: Field | None, choice: object) -> object:
    """A choice as the field's value id: an id as it is, a value's label as its id."""
    if target is None or not isinstance(choice, str) or choice in target.positions:
        return choice
    return next((value.id for value in target.values if value.label.casefold() == choice.casefold()), choice)


def _choice_value(target: Field | None, earlier: object, chosen: list[object], span_text: object) -> object:
    if target is not None and target.kind == "text":
        return span_text
    if target is not None and target.kind == "multi":
        return [*(earlier if isinstance(earlier, list) else []), *chosen]
    return chosen[0] if len(chosen) == 1 else chosen


def _span_cue(value: dict, unit: Unit, chosen: list[object]) -> dict:
    start, end = value.get("start"), value.get("end")
    shifted = [unit.start + offset if type(offset) is int else offset for offset in (start, end)]
    return {"start": shifted[0], "end": shifted[1], "text": value.get("text"), "kind": ",".join(map(str, chosen)) or "label"}
