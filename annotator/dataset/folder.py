"""The export folder: every file rendered, the manifest with their sha256, and the folder written
all or nothing.

Layout:

    README.md            dataset card (YAML header with the splits, schema, distributions, agreement)
    manifest.json        tool and schema versions, sha256 of every input and output file, counts
    <schema file name>   a copy of the schema the labels follow
    <earlier versions>   the files of the schema's earlier versions, whose labels its migrations read
    data/<split>.<ext>   one file per non-empty split (jsonl, csv or parquet)

The folder is written to a temporary sibling, then renamed into place; `--out` is replaced only when
it holds a previous export of this tool and nothing else.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import orjson

from annotator import __version__
from annotator.dataset.build import Dataset, ExportError, Row
from annotator.dataset.card import render_card
from annotator.dataset.formats import encode_csv, encode_jsonl, encode_parquet
from annotator.text import bytes_sha256

MANIFEST = "manifest.json"


CARD = "README.md"


def render_files(dataset: Dataset) -> dict[str, bytes]:
    """Every file of the export folder, relative path -> bytes; the manifest last."""
    files: dict[str, bytes] = {}
    for split, rows in dataset.splits.items():
        path = dataset.data_file(split)
        if path is not None:
            files[path] = _encode(dataset, rows)
    files[dataset.schema_file] = dataset.schema_bytes
    files.update(dataset.history)
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
            **(
                {"history": [{"file": name, "sha256": bytes_sha256(data)} for name, data in dataset.history.items()]}
                if dataset.history
                else {}
            ),
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
