"""Reading a long table of votes (CSV, or JSON Lines of flat objects): one row per item, annotator and
label, as votes are kept in a spreadsheet.

The columns are named by the caller: the item's id (`item`), its text (`text`), the annotator
(`annotator`), and per field of the schema the column holding its value (`--field NAME=COLUMN`).
Without any, the table is in this tool's own long shape: a `field` column names the field and a
`value` column holds its value. The rows of one item and annotator make one answer. An empty cell is
no label; a multiple choice's cell may hold several, `;`-separated (`annotator.importing.mapping`). A
`status` column, when there is one, gives the answer's status (`skipped`, `flagged`); `doc`, `start`
and `end` columns place the item on that unit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import Problem
from annotator.importing.answers import Answer, ImportProblems, TheirLabel
from annotator.importing.read import json_lines
from annotator.store.records import Status
from annotator.text import sha256_hex

_STATUSES = {Status.DONE, Status.SKIPPED, Status.FLAGGED}


@dataclass(frozen=True)
class Columns:
    item: str = "item"
    text: str = "text"
    annotator: str = "annotator"
    fields: Mapping[str, str] | None = None  # column -> the field whose value it holds; None: `field` and `value` columns


def read_table(path: Path, data: bytes, columns: Columns) -> list[Answer]:
    rows = list(_csv_rows(path, data) if path.suffix.lower() in (".csv", ".tsv") else json_lines(path, data))
    _check_columns(path, rows, columns)
    answers: dict[tuple[str, str], Answer] = {}
    problems = []
    for line, row in rows:
        try:
            answer = _answer(line, row, columns)
        except ValueError as error:
            problems.append(Problem(str(path), line, str(error)))
            continue
        key = (answer.item, answer.annotator)
        earlier = answers.get(key)
        if earlier is None:
            answers[key] = answer
        elif earlier.text != answer.text:
            problems.append(Problem(str(path), line, f"item {answer.item} has another text than at line {earlier.entry}"))
        else:
            status = answer.status if answer.status != Status.DONE else earlier.status
            answers[key] = Answer(
                earlier.entry, earlier.item, earlier.text, earlier.annotator, status, earlier.labels + answer.labels, place=earlier.place
            )
    if problems:
        raise ImportProblems(problems)
    return list(answers.values())


def _csv_rows(path: Path, data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportProblems([Problem(str(path), data.count(b"\n", 0, error.start) + 1, f"invalid UTF-8 at byte {error.start}")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
    found = [(reader.line_num, row) for row in reader]
    if not found:
        raise ImportProblems([Problem(str(path), None, "no rows: the table is empty")])
    return iter(found)


def _check_columns(path: Path, rows: list[tuple[int, dict[str, Any]]], columns: Columns) -> None:
    needed = [columns.text, columns.annotator, *(columns.fields or ("field", "value"))]
    problems = []
    for line, row in rows:
        missing = [name for name in needed if name not in row]
        if missing:
            listed = ", ".join(str(name) for name in row)
            problems.append(Problem(str(path), line, f"no column {', '.join(map(repr, missing))} (the columns: {listed})"))
            break  # a CSV file has one header: said once
    if problems:
        raise ImportProblems(problems)


def _answer(line: int, row: Mapping[str, Any], columns: Columns) -> Answer:
    text, annotator = row[columns.text], row[columns.annotator]
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"no text in column {columns.text!r}")
    if not isinstance(annotator, str | int) or isinstance(annotator, bool) or annotator == "":
        raise ValueError(f"no annotator in column {columns.annotator!r}")
    status = row.get("status") or Status.DONE
    if status not in _STATUSES:
        raise ValueError(f"status {status!r} is not one of {', '.join(sorted(_STATUSES))}")
    place = _place(row)
    item = row.get(columns.item)
    if item in (None, ""):
        item = f"{place[0]}[{place[1]},{place[2]})" if place else sha256_hex(text)[:16]
    if columns.fields is None:
        cells = [(str(row["field"]), row["value"])] if row["field"] not in (None, "") else []
    else:
        cells = [(column, row[column]) for column in columns.fields]
    labels = tuple(TheirLabel(name, field) for field, cell in cells for name in _names(cell))
    return Answer(line, str(item), text, str(annotator), status, labels, place=place)


def _names(cell: object) -> list[str]:
    if cell is None or cell == "":
        return []
    if isinstance(cell, list):
        return [str(name) for name in cell]
    return [str(cell)]


def _place(row: Mapping[str, Any]) -> tuple[str, int, int] | None:
    doc, start, end = row.get("doc"), row.get("start"), row.get("end")
    try:
        return (str(doc), int(start), int(end)) if doc not in (None, "") and start not in (None, "") else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
