"""Reading the exports of Prodigy (`db-out` JSONL), doccano (JSONL) and Label Studio (JSON: the full
export, or JSON_MIN) into answers (`annotator.importing.answers`).

- Prodigy: a choice task's `accept` holds the labels of an accepted answer; a binary task's `label` is
  the label of an accepted answer and `reject:LABEL` of a rejected one; a rejected choice task is
  `flagged`, an ignored task `skipped`; another string key (not starting with `_`) is a `text_input`
  answer to the text field of that id. The annotator is `_annotator_id` (else `_session_id`), the item
  `_input_hash`.
- doccano: `label` is the list of labels; the file holds one user's labels (doccano exports one file
  per user, named after them: the file name is the annotator) unless an annotator is given.
- Label Studio: each annotation of a task is an answer by its `completed_by`; `choices` results give
  labels of the field `from_name`, `textarea` results text; a cancelled annotation is `skipped`;
  `lead_time` is its seconds. JSON_MIN has one object per annotation, its fields as keys.

A task that names a unit of the corpus (`meta` or `data` with `doc`, `start` and `end`, as this tool's
exports do) is placed there.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.errors import Problem
from annotator.importing.answers import Answer, ImportProblems, TheirLabel, problem_at
from annotator.store.records import Status
from annotator.text import sha256_hex

# Keys of a Prodigy task that are not answers; another string key is a `text_input` answer, named by its field id.
_PRODIGY_KEYS = frozenset({"text", "html", "label", "answer", "meta", "options", "accept", "config", "image", "audio", "video", "url"})
_MIN_KEYS = frozenset({"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "doc", "start", "end", "meta"})


class BadEntry(Exception):
    """An entry that is not what the format says; the message says why."""


def json_lines(path: Path, data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) of every non-blank line; ImportProblems listing every line that is no
    JSON object."""
    problems, found = [], []
    for number, line in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            problems.append(Problem(str(path), number, f"not valid JSON: {error.msg} (column {error.colno})"))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(str(path), number, "not a JSON object"))
            continue
        found.append((number, value))
    if problems:
        raise ImportProblems(problems)
    if not found:
        raise ImportProblems([Problem(str(path), None, "no entries: the file is empty")])
    return iter(found)


def _each(
    path: Path, entries: Iterator[tuple[int, dict[str, Any]]], read: Callable[[int, dict[str, Any]], list[Answer]], in_array: bool
) -> list[Answer]:
    answers, problems = [], []
    for entry, value in entries:
        try:
            answers += read(entry, value)
        except BadEntry as error:
            problems.append(problem_at(path, entry, str(error), in_array))
    if problems:
        raise ImportProblems(problems)
    return answers


# -- Prodigy ---------------------------------------------------------------------------------------


def read_prodigy(path: Path, data: bytes, annotator: str | None) -> list[Answer]:
    return _each(path, json_lines(path, data), lambda line, task: _prodigy_answer(line, task, annotator), in_array=False)


def _prodigy_answer(line: int, task: dict[str, Any], annotator: str | None) -> list[Answer]:
    text = _text(task, "text")
    answer = task.get("answer")
    if answer not in ("accept", "reject", "ignore"):
        raise BadEntry(f"`answer` must be accept, reject or ignore, not {_shown(answer)}")
    who = annotator or task.get("_annotator_id") or task.get("_session_id")
    if not isinstance(who, str) or not who:
        raise BadEntry("no `_annotator_id` or `_session_id` names the annotator (give one with --as NAME)")
    item = str(task.get("_input_hash", sha256_hex(text)[:16]))

    def answered(status: str = Status.DONE, *labels: str) -> list[Answer]:
        texts = tuple(
            TheirLabel(value, key, loose=True)
            for key, value in task.items()
            if key not in _PRODIGY_KEYS and not key.startswith("_") and isinstance(value, str)
        )
        chosen = tuple(map(TheirLabel, labels)) + (texts if status == Status.DONE else ())
        return [Answer(line, item, text, who, status, chosen, place=_place(task.get("meta")))]

    if answer == "ignore":
        return answered(Status.SKIPPED)
    if "accept" in task or "options" in task:
        if answer == "reject":
            return answered(Status.FLAGGED)
        chosen = task.get("accept", [])
        if not isinstance(chosen, list) or not all(isinstance(name, str | int) for name in chosen):
            raise BadEntry("`accept` must be a list of option ids")
        return answered(Status.DONE, *map(str, chosen))
    label = task.get("label")
    if not isinstance(label, str) or not label:
        raise BadEntry("neither `accept` (a choice task) nor `label` (a binary task)")
    return answered(Status.DONE, label if answer == "accept" else f"reject:{label}")


# -- doccano ---------------------------------------------------------------------------------------


def read_doccano(path: Path, data: bytes, annotator: str | None) -> list[Answer]:
    who = annotator or path.stem
    return _each(path, json_lines(path, data), lambda line, task: _doccano_answer(line, task, who), in_array=False)


def _doccano_answer(line: int, task: dict[str, Any], annotator: str) -> list[Answer]:
    text = _text(task, "text" if "text" in task else "data")
    labels = task.get("label", task.get("labels", []))
    if not isinstance(labels, list):
        raise BadEntry("`label` must be a list of labels")
    if not all(isinstance(label, str) for label in labels):
        raise BadEntry("`label` holds spans: only text classification (a list of label names) can be imported")
    item = task.get("id", sha256_hex(text)[:16])
    return [Answer(line, str(item), text, annotator, labels=tuple(TheirLabel(label) for label in labels), place=_place(task.get("meta")))]


# -- Label Studio ----------------------------------------------------------------------------------


def read_labelstudio(path: Path, data: bytes, annotator: str | None, text_key: str) -> list[Answer]:
    try:
        tasks = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportProblems([Problem(str(path), None, f"invalid UTF-8 at byte {error.start}")]) from None
    except json.JSONDecodeError as error:
        raise ImportProblems([Problem(str(path), error.lineno, f"not valid JSON: {error.msg} (column {error.colno})")]) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list) or not tasks:
        raise ImportProblems([Problem(str(path), None, "not a Label Studio export: a JSON array of tasks")])
    entries = ((number, task if isinstance(task, dict) else {"": task}) for number, task in enumerate(tasks, start=1))
    return _each(path, entries, lambda number, task: _labelstudio_answers(number, task, annotator, text_key), in_array=True)


def _labelstudio_answers(number: int, task: dict[str, Any], annotator: str | None, text_key: str) -> list[Answer]:
    if "" in task:
        raise BadEntry("not a JSON object")
    if "annotations" not in task:
        return [_min_answer(number, task, annotator, text_key)]
    data = task.get("data")
    if not isinstance(data, dict):
        raise BadEntry("no `data` object")
    text = _text(data, text_key)
    annotations = task["annotations"]
    if not isinstance(annotations, list):
        raise BadEntry("`annotations` must be a list")
    answers = []
    for annotation in annotations:
        if not isinstance(annotation, dict):
            raise BadEntry("an annotation is not a JSON object")
        who = annotator or _completed_by(annotation.get("completed_by"))
        status = Status.SKIPPED if annotation.get("was_cancelled") else Status.DONE
        labels = () if status == Status.SKIPPED else tuple(_results(annotation.get("result", [])))
        answers.append(
            Answer(number, str(task.get("id", number)), text, who, status, labels, _seconds(annotation.get("lead_time")), _place(data))
        )
    return answers


def _completed_by(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("email", value.get("id"))
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise BadEntry(f"an annotation's `completed_by` names no annotator: {_shown(value)}")
    return str(value)


def _results(results: object) -> Iterator[TheirLabel]:
    if not isinstance(results, list):
        raise BadEntry("an annotation's `result` must be a list")
    for result in results:
        if not isinstance(result, dict) or not isinstance(result.get("value"), dict):
            raise BadEntry("a result is not an object with a `value`")
        kind, field, value = result.get("type"), str(result.get("from_name", "")), result["value"]
        if kind == "choices":
            yield from (TheirLabel(str(choice), field) for choice in _strings(value.get("choices"), "choices"))
        elif kind == "textarea":
            yield TheirLabel("\n".join(_strings(value.get("text"), "text")), field)
        else:
            raise BadEntry(f"a result of type {_shown(kind)}: only choices and textarea can be imported")


def _min_answer(number: int, task: dict[str, Any], annotator: str | None, text_key: str) -> Answer:
    text = _text(task, text_key)
    who = annotator or _completed_by(task.get("annotator"))
    labels = []
    for key, value in task.items():
        if key in _MIN_KEYS or key == text_key:
            continue
        if isinstance(value, dict) and "choices" in value:
            labels += [TheirLabel(str(choice), key) for choice in _strings(value["choices"], "choices")]
        elif isinstance(value, dict) and "text" in value:
            labels.append(TheirLabel("\n".join(_strings(value["text"], "text")), key))
        elif isinstance(value, str):
            labels.append(TheirLabel(value, key))
    return Answer(
        number, str(task.get("id", number)), text, who, labels=tuple(labels), seconds=_seconds(task.get("lead_time")), place=_place(task)
    )


# -- shared ----------------------------------------------------------------------------------------


def _text(holder: dict[str, Any], key: str) -> str:
    text = holder.get(key)
    if not isinstance(text, str) or not text.strip():
        raise BadEntry(f"no text: `{key}` must be a non-empty string")
    return text


def _strings(value: object, what: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadEntry(f"`{what}` must be a list of strings")
    return value


def _seconds(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 else None


def _place(holder: object) -> tuple[str, int, int] | None:
    """The unit an entry names, as this tool's exports name it: `doc`, `start`, `end`."""
    if not isinstance(holder, dict):
        return None
    doc, start, end = holder.get("doc"), holder.get("start"), holder.get("end")
    if isinstance(doc, str) and type(start) is int and type(end) is int:
        return doc, start, end
    return None


def _shown(value: object) -> str:
    shown = orjson.dumps(value, default=repr).decode()
    return shown if len(shown) <= 40 else shown[:39] + "…"
