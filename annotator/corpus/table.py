"""Documents in a table: a .csv or .tsv file with a header row, one document per row, its text and
its id in named columns (by default `text` and `id`); the other columns are the document's `meta`.
The file is read as a spreadsheet program or pandas writes it: quoted fields may hold the delimiter,
quotes and line breaks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from annotator.errors import Problem

DELIMITERS = {".csv": ",", ".tsv": "\t"}


@dataclass(frozen=True, slots=True)
class Columns:
    """The names of the columns holding each document's text and id."""

    text: str = "text"
    id: str = "id"


DEFAULT_COLUMNS = Columns()


@dataclass(frozen=True, slots=True)
class TableRow:
    line: int  # the line the row starts on
    id: str
    text: str
    meta: dict[str, str]


def table_rows(path: str, text: str, delimiter: str, columns: Columns, problems: list[Problem]) -> Iterator[TableRow]:
    """The documents of a table's rows; a row that is not one, or a header without the columns,
    is added to `problems`."""
    limit = csv.field_size_limit(max(len(text), csv.field_size_limit()))  # a long document is one field
    try:
        yield from _rows(path, text, delimiter, columns, problems)
    finally:
        csv.field_size_limit(limit)


def _rows(path: str, text: str, delimiter: str, columns: Columns, problems: list[Problem]) -> Iterator[TableRow]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        header = next(reader, [])
        at = _positions(header, columns)
        if isinstance(at, str):
            problems.append(Problem(path, 1, at))
            return
        rows = 0
        line = reader.line_num + 1
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            rows += 1
            try:
                yield _row(start, row, header, at, columns)
            except _BadRow as error:
                problems.append(Problem(path, start, str(error)))
    except csv.Error as error:
        problems.append(Problem(path, line, f"not valid {'TSV' if delimiter == chr(9) else 'CSV'} from here on: {error}"))
        return
    if not rows:
        problems.append(Problem(path, None, "no documents (a header row only)"))


def _positions(header: list[str], columns: Columns) -> tuple[int, int] | str:
    """Where the text and id columns are, or why the header has not got them."""
    for name, option in ((columns.text, "--text-column"), (columns.id, "--id-column")):
        if name not in header:
            found = ", ".join(repr(column) for column in header) or "none"
            return f"no column {name!r} (its columns: {found}); name the right one with {option}"
    return header.index(columns.text), header.index(columns.id)


class _BadRow(Exception):
    """A row that is not a document; the message says why."""


def _row(line: int, row: list[str], header: list[str], at: tuple[int, int], columns: Columns) -> TableRow:
    text_at, id_at = at
    text = row[text_at] if text_at < len(row) else ""
    doc_id = row[id_at].strip() if id_at < len(row) else ""
    if not text.strip():
        raise _BadRow(f"empty document (column {columns.text!r} has no text)")
    if not doc_id:
        raise _BadRow(f"missing id (column {columns.id!r} is empty)")
    meta = {name: value for index, (name, value) in enumerate(zip(header, row)) if index not in at}
    return TableRow(line, doc_id, text, meta)
