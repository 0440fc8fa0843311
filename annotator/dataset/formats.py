"""The data files of an export: rows encoded as JSONL, CSV or Parquet (the annotators' votes in other
tools' shapes are `annotator.dataset.votes`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import orjson

from annotator.dataset.build import EXTENSIONS, ExportError, Row, column_kinds
from annotator.schema.model import Schema
from annotator.text import json_safe, printable

ROW_FORMATS = ("jsonl", "csv", "parquet")  # the gold rows; the others (`votes.VOTE_FORMATS`) hold the votes
FORMATS = tuple(EXTENSIONS)


MULTI_SEPARATOR = ";"


# A cell a spreadsheet runs as a formula: one starting with a formula sign (or its fullwidth form,
# which spreadsheets read as the sign), with tab or carriage return, or with a sign after what a
# spreadsheet skips: white space (NBSP and the other Unicode spaces too), NUL, zero-width
# characters and the byte order mark.
_FORMULA = re.compile(r"[\t\r]|[\s\x00\u200b-\u200d\u2060\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]")


PARQUET_INSTALL = "Parquet needs pyarrow: pip install 'annotator[parquet]' (or pip install pyarrow)"


def encode_jsonl(rows: Sequence[Row]) -> bytes:
    """One JSON object per line; Unicode line breaks and controls escaped (`text.json_safe`), so
    every row stays one line for readers that split on them (`str.splitlines`, older JavaScript)."""
    data = b"".join(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE) for row in rows)
    return json_safe(data.decode("utf-8")).encode("utf-8")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, made inert by a leading apostrophe."""
    return "'" + cell if _FORMULA.match(cell) else cell


def encode_csv(rows: Sequence[Row], names: Sequence[str]) -> bytes:
    """RFC 4180 CSV for spreadsheets (CRLF, UTF-8 with a byte order mark, which Excel needs to read
    UTF-8): lists `;`-joined, None empty, booleans true/false. Text is made printable (`text.printable`:
    no escape sequence reaches a terminal that shows the file) after formulas are neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_text_cell(name) for name in names])
    for row in rows:
        writer.writerow([_csv_cell(row[name]) for name in names])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return _text_cell(MULTI_SEPARATOR.join(value))
    if isinstance(value, str):
        return _text_cell(value)
    return value


def _text_cell(text: str) -> str:
    return printable(neutralise(text))


def encode_parquet(rows: Sequence[Row], schema: Schema, names: Sequence[str]) -> bytes:
    pa, pq = import_pyarrow()
    types = {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_(), "list": pa.list_(pa.string()), "string": pa.string()}
    arrow_schema = pa.schema([(name, types[kind]) for name, kind in column_kinds(schema, names).items()])
    table = pa.Table.from_pylist(list(rows), schema=arrow_schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def import_pyarrow():
    """(pyarrow, pyarrow.parquet), or ExportError saying how to install them."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ExportError(PARQUET_INSTALL) from None
    return pyarrow, pyarrow.parquet
