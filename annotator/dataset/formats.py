"""The data files of an export: rows encoded as JSONL, CSV or Parquet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import orjson

from annotator.dataset.build import ExportError, Row, column_kinds
from annotator.schema.model import Schema
from annotator.text import json_safe

FORMATS = ("jsonl", "csv", "parquet")


MULTI_SEPARATOR = ";"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


PARQUET_INSTALL = "Parquet needs pyarrow: pip install 'annotator[parquet]' (or pip install pyarrow)"


def encode_jsonl(rows: Sequence[Row]) -> bytes:
    """One JSON object per line; Unicode line breaks and controls escaped (`text.json_safe`), so
    every row stays one line for readers that split on them (`str.splitlines`, older JavaScript)."""
    data = b"".join(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE) for row in rows)
    return json_safe(data.decode("utf-8")).encode("utf-8")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, made inert by a leading apostrophe."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def encode_csv(rows: Sequence[Row], names: Sequence[str]) -> bytes:
    """RFC 4180 CSV (CRLF, UTF-8 without BOM): lists `;`-joined, None empty, booleans true/false."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(name) for name in names])
    for row in rows:
        writer.writerow([_csv_cell(row[name]) for name in names])
    return buffer.getvalue().encode("utf-8")


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return neutralise(MULTI_SEPARATOR.join(value))
    if isinstance(value, str):
        return neutralise(value)
    return value


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
