"""Export: gold-labelled units as a dataset folder that the Hugging Face `datasets` library loads.

Layout of the folder:

    README.md            dataset card (YAML header with the splits, schema, distributions, agreement)
    manifest.json        tool and schema versions, sha256 of every input and output file, counts
    <schema file name>   a copy of the schema the labels follow
    data/<split>.<ext>   one file per non-empty split (jsonl, csv or parquet)

One row per unit that has a current `done` annotation or an adjudication (units nobody labelled are
not data). Splits are by document: documents are ordered by sha256 of "<seed>:<doc id>", then each
goes to the split whose share of the rows holds the middle of that document's rows. No document has
units in two splits; a split may come out empty (small corpora) and then has no file.

The same inputs give byte-identical outputs: nothing comes from the clock, rows and documents are in
sorted order and the folder is written to a temporary sibling, then renamed into place.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from annotator import __version__
from annotator.anchors import anchor
from annotator.card import render_card
from annotator.corpus import Corpus
from annotator.display import json_safe
from annotator.gold import DEFAULT_MIN_AGREEMENT, UnitGold, gold_units
from annotator.problems import Problem
from annotator.report import build_report, render_markdown
from annotator.schema import Schema
from annotator.segment import bytes_sha256, sha256_hex
from annotator.store import StoreView, annotator_file, describe_label

FORMATS = ("jsonl", "csv", "parquet")
MANIFEST = "manifest.json"
CARD = "README.md"
BASE_COLUMNS = ("doc", "start", "end", "text", "resolved", "annotators")
MULTI_SEPARATOR = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PARQUET_INSTALL = "Parquet needs pyarrow: pip install 'annotator[parquet]' (or pip install pyarrow)"
_SPLIT_NAME = re.compile(r"[A-Za-z0-9_]+")

Row = dict[str, object]


class ExportError(Exception):
    """An export that cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class ExportOptions:
    format: str = "jsonl"
    splits: tuple[tuple[str, float], ...] = (("train", 0.8), ("dev", 0.1), ("test", 0.1))
    seed: int = 0
    include_annotators: bool = False
    resolved_only: bool = False
    min_agreement: float = DEFAULT_MIN_AGREEMENT

    @property
    def split_spec(self) -> str:
        return ",".join(f"{name}={share:g}" for name, share in self.splits)


DEFAULT_SPLITS = ExportOptions().split_spec  # "train=0.8,dev=0.1,test=0.1", the --split default


@dataclass
class Dataset:
    """Everything an export writes, before it is encoded."""

    schema: Schema
    schema_file: str  # name of the schema copy in the folder
    schema_bytes: bytes
    options: ExportOptions
    columns: list[str]
    annotators: list[str]  # every annotator with a `done` label that counts, sorted
    units: list[UnitGold]  # every labelled unit, exported or not
    splits: dict[str, list[Row]]  # split name -> rows, in the order of the options; may be empty
    split_documents: dict[str, list[str]]  # split name -> its documents
    documents: dict[str, str]  # id -> sha256 of the documents that have rows
    inputs: dict[str, str]  # annotation file name -> sha256
    left_out: list[Problem]  # labels that are not in the dataset, and why
    agreement: str  # the agreement report, Markdown

    @property
    def rows(self) -> list[Row]:
        return [row for rows in self.splits.values() for row in rows]

    @property
    def resolved_units(self) -> int:
        return sum(1 for unit in self.units if unit.resolved)

    @property
    def unresolved_units(self) -> int:
        return len(self.units) - self.resolved_units

    def column_kinds(self) -> dict[str, str]:
        return column_kinds(self.schema, self.columns)

    def data_file(self, split: str) -> str | None:
        """Path of a split's data file in the folder; None for an empty split (no file)."""
        return f"data/{split}.{self.options.format}" if self.splits[split] else None


# -- building ------------------------------------------------------------------------------------


def build_dataset(
    schema: Schema,
    schema_path: Path,
    corpus: Corpus,
    store_dir: Path,
    store: StoreView,
    options: ExportOptions,
) -> Dataset:
    """Gold labels of every labelled unit, as rows in splits; ExportError if there is nothing to export."""
    if store.problems:
        listed = "\n".join(str(problem) for problem in store.problems)
        raise ExportError(f"the store has damaged lines; fix them before exporting (see annotator validate):\n{listed}")
    anchoring = anchor(store.latest, corpus)
    gold = gold_units(schema, anchoring.current, options.min_agreement)
    left_out = [_left_out(store_dir, stale.record, stale.reason) for stale in anchoring.stale]
    left_out += [_left_out(store_dir, record, reason) for record, reason in gold.unusable]
    annotators = sorted({name for unit in gold.units for name in unit.annotations})
    names = columns(schema, annotators, options.include_annotators)
    kept = [unit for unit in gold.units if unit.resolved or not options.resolved_only]
    rows = [_row(schema, corpus, unit, annotators, options.include_annotators) for unit in kept]
    if not rows:
        raise ExportError(_nothing_to_export(len(gold.units), store_dir))
    per_doc = Counter(str(row["doc"]) for row in rows)
    split_of = assign_splits(per_doc, options.splits, options.seed)
    split_names = [name for name, _ in options.splits]
    return Dataset(
        schema=schema,
        schema_file=schema_path.name,
        schema_bytes=schema_path.read_bytes(),
        options=options,
        columns=names,
        annotators=annotators,
        units=gold.units,
        splits={name: [row for row in rows if split_of[str(row["doc"])] == name] for name in split_names},
        split_documents={name: sorted(doc for doc in per_doc if split_of[doc] == name) for name in split_names},
        documents={doc: corpus.document(doc).sha256 for doc in sorted(per_doc)},
        inputs={path.name: bytes_sha256(path.read_bytes()) for path in sorted(store_dir.glob("*.jsonl"))},
        left_out=left_out,
        agreement=render_markdown(build_report(store, schema, seed=options.seed, corpus=corpus)),
    )


def _nothing_to_export(labelled: int, store_dir: Path) -> str:
    if labelled:
        return (
            f"nothing to export: none of the {labelled} labelled units is resolved"
            " (leave out --resolved-only, lower --min-agreement or adjudicate)"
        )
    return f"nothing to export: no unit of the corpus has a usable label in {store_dir}"


def _left_out(store_dir: Path, record: Mapping, reason: str) -> Problem:
    return Problem(str(annotator_file(store_dir, record["annotator"])), None, f"{describe_label(record)} left out: {reason}")


def _row(schema: Schema, corpus: Corpus, unit: UnitGold, annotators: Sequence[str], include_annotators: bool) -> Row:
    doc, start, end = unit.key
    row: Row = {
        "doc": doc,
        "start": start,
        "end": end,
        "text": corpus.document(doc).text[start:end],
        "resolved": unit.resolved,
        "annotators": len(unit.annotations),
    }
    for field in schema.fields:
        gold = unit.fields[field.id]
        row[field.id] = gold.value
        row[f"{field.id}_resolution"] = gold.resolution
        if include_annotators:
            for annotator in annotators:
                row[f"{field.id}@{annotator}"] = unit.annotations.get(annotator, {}).get(field.id)
    return row


# -- splits --------------------------------------------------------------------------------------


def parse_splits(spec: str) -> list[tuple[str, float]]:
    """`train=0.8,dev=0.1,test=0.1` -> [(name, share)], shares positive and adding up to 1."""
    splits: list[tuple[str, float]] = []
    for part in spec.split(","):
        name, equals, share_text = (piece.strip() for piece in part.partition("="))
        if not equals or not _SPLIT_NAME.fullmatch(name):
            raise ExportError(f"--split: {part.strip()!r} is not NAME=SHARE (NAME of letters, digits, _)")
        try:
            share = float(share_text)
        except ValueError:
            raise ExportError(f"--split: {share_text!r} is not a number (in {part.strip()!r})") from None
        if not 0 < share <= 1:
            raise ExportError(f"--split: the share of {name!r} must be above 0 and at most 1, not {share_text}")
        if name in (known for known, _ in splits):
            raise ExportError(f"--split: {name!r} is given twice")
        splits.append((name, share))
    total = sum(share for _, share in splits)
    if abs(total - 1) > 1e-9:
        raise ExportError(f"--split: the shares add up to {total:g}, not 1")
    return splits


def assign_splits(rows_per_doc: Mapping[str, int], splits: Sequence[tuple[str, float]], seed: int) -> dict[str, str]:
    """document id -> split name; deterministic for a seed, whole documents only."""
    order = sorted(rows_per_doc, key=lambda doc: (_doc_hash(seed, doc), doc))
    total = sum(rows_per_doc.values())
    bounds: list[tuple[float, str]] = []
    upper = 0.0
    for name, share in splits:
        upper += share
        bounds.append((upper, name))
    assigned: dict[str, str] = {}
    before = 0
    for doc in order:
        middle = (before + rows_per_doc[doc] / 2) / total
        assigned[doc] = next((name for upper, name in bounds if middle < upper), bounds[-1][1])
        before += rows_per_doc[doc]
    return assigned


def _doc_hash(seed: int, doc: str) -> str:
    return sha256_hex(f"{seed}:{doc}")


# -- rows ----------------------------------------------------------------------------------------


def columns(schema: Schema, annotators: Sequence[str], include_annotators: bool) -> list[str]:
    """Column names in order: the unit, then per field its gold label, resolution (and annotators)."""
    names = list(BASE_COLUMNS)
    for field in schema.fields:
        names += [field.id, f"{field.id}_resolution"]
        if include_annotators:
            names += [f"{field.id}@{annotator}" for annotator in annotators]
    clashes = sorted({name for name in names if names.count(name) > 1})
    if clashes:
        raise ExportError(f"schema field ids clash with export columns: {', '.join(clashes)}")
    return names


def column_kinds(schema: Schema, names: Sequence[str]) -> dict[str, str]:
    """column -> "int64", "bool", "list" (of strings: a multi field's gold and annotator columns) or
    "string"; what the Parquet schema and the card's `datasets` features are made from."""
    kinds = {"start": "int64", "end": "int64", "annotators": "int64", "resolved": "bool"}
    for field in schema.fields:
        if field.kind == "multi":
            kinds.update({name: "list" for name in names if name == field.id or name.startswith(f"{field.id}@")})
    return {name: kinds.get(name, "string") for name in names}


# -- encodings -----------------------------------------------------------------------------------


def encode_jsonl(rows: Sequence[Row]) -> bytes:
    """One JSON object per line; Unicode line breaks and controls escaped (`display.json_safe`), so
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
    types = {"int64": pa.int64(), "bool": pa.bool_(), "list": pa.list_(pa.string()), "string": pa.string()}
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


# -- files -------------------------------------------------------------------------------------


def render_files(dataset: Dataset) -> dict[str, bytes]:
    """Every file of the export folder, relative path -> bytes; the manifest last."""
    files: dict[str, bytes] = {}
    for split, rows in dataset.splits.items():
        path = dataset.data_file(split)
        if path is not None:
            files[path] = _encode(dataset, rows)
    files[dataset.schema_file] = dataset.schema_bytes
    files[CARD] = render_card(dataset).encode("utf-8")
    files[MANIFEST] = _manifest(dataset, files)
    return files


def _encode(dataset: Dataset, rows: Sequence[Row]) -> bytes:
    if dataset.options.format == "csv":
        return encode_csv(rows, dataset.columns)
    if dataset.options.format == "parquet":
        return encode_parquet(rows, dataset.schema, dataset.columns)
    return encode_jsonl(rows)


def _manifest(dataset: Dataset, files: Mapping[str, bytes]) -> bytes:
    options = dataset.options
    manifest = {
        "tool": "annotator",
        "tool_version": __version__,
        "schema": {
            "name": dataset.schema.name,
            "version": dataset.schema.version,
            "file": dataset.schema_file,
            "sha256": bytes_sha256(dataset.schema_bytes),
        },
        "inputs": {"annotations": dataset.inputs, "documents": dataset.documents},
        "outputs": {name: bytes_sha256(data) for name, data in sorted(files.items())},
        "splits": {
            split: {"file": dataset.data_file(split), "documents": len(dataset.split_documents[split]), "rows": len(rows)}
            for split, rows in dataset.splits.items()
        },
        "counts": {
            "labelled_units": len(dataset.units),
            "resolved_units": dataset.resolved_units,
            "unresolved_units": dataset.unresolved_units,
            "rows": len(dataset.rows),
            "annotators": len(dataset.annotators),
            "labels_left_out": len(dataset.left_out),
        },
        "options": {
            "format": options.format,
            "splits": options.split_spec,
            "seed": options.seed,
            "min_agreement": options.min_agreement,
            "resolved_only": options.resolved_only,
            "include_annotators": options.include_annotators,
        },
    }
    return orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


def export(out: Path, dataset: Dataset) -> dict[str, bytes]:
    """Write the dataset folder to `out` (new, empty or a previous export); returns what was written."""
    check_out_dir(out)
    files = render_files(dataset)
    write_folder(out, files)
    return files


# -- the output folder ---------------------------------------------------------------------------


def check_out_dir(out: Path) -> None:
    """Refuse an --out that holds anything but a previous export made by this tool."""
    if not out.exists():
        return
    if not out.is_dir():
        raise ExportError(f"{out}: exists and is not a folder")
    present = sorted(path.relative_to(out).as_posix() for path in out.rglob("*") if not path.is_dir())
    if not present:
        return
    try:
        manifest = orjson.loads((out / MANIFEST).read_bytes())
        listed = set(manifest["outputs"]) | {MANIFEST}
        made_here = manifest["tool"] == "annotator"
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        raise ExportError(
            f"{out}: the folder is not empty and is not an export of this tool (no readable {MANIFEST});"
            " choose an empty or new --out folder"
        ) from None
    others = [name for name in present if name not in listed]
    if not made_here or others:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        raise ExportError(f"{out}: holds files that are not part of the previous export ({shown}); move them first")


def write_folder(out: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` (relative path -> bytes) as the folder `out`, all or nothing.

    They go to a temporary sibling first; only when every file is written and synced does it
    replace `out` (a previous export, checked by `check_out_dir`).
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = _sibling(out, "writing")
    temp.mkdir()  # not tempfile.mkdtemp: the folder gets the user's usual permissions (umask)
    try:
        for name, data in files.items():
            _write_synced(temp / name, data)
        _replace(out, temp)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _sibling(out: Path, what: str) -> Path:
    return out.parent / f".{out.name}.{what}-{uuid.uuid4().hex}"


def _write_synced(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _replace(out: Path, temp: Path) -> None:
    if not out.exists():
        temp.rename(out)
        return
    old = _sibling(out, "old")
    out.rename(old)
    temp.rename(out)
    shutil.rmtree(old)
