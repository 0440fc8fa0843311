"""The export folder: every file rendered, the manifest with their sha256, and the folder written
all or nothing.

Layout:

    README.md            dataset card (YAML header with the splits, schema, distributions, agreement)
    manifest.json        tool and schema versions, sha256 of every input and output file, counts
    <schema file name>   a copy of the schema the labels follow (`schema-<name>` if the name is taken)
    <earlier versions>   the files of the schema's earlier versions, whose labels its migrations read
    data/<split>.<ext>   one file per non-empty split (jsonl, csv or parquet)

The folder is written and synced in a hidden sibling, then swapped with `--out` in one step
(`files.exchange`; where the system cannot, renamed aside and back on failure): a kill at any moment
leaves the whole previous export or the whole new one. `--out` is replaced only when it holds
exactly a previous export: every file its manifest lists, with that sha256, and nothing else.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import orjson

from annotator import __version__
from annotator.dataset.build import CARD, DATA, EXTENSIONS, MANIFEST, Dataset, ExportError, Row
from annotator.dataset.card import render_card
from annotator.dataset.formats import encode_csv, encode_jsonl, encode_parquet
from annotator.dataset.votes import VOTE_FORMATS, encode_votes
from annotator.files import exchange, fsync_dir
from annotator.text import bytes_sha256

_STAGING = re.compile(r"\.(?P<out>.+)\.(?:export|previous)-[0-9a-f]{32}")
_DATA_FILE = re.compile(rf"{DATA}/[A-Za-z0-9_]+\.(?:{'|'.join(sorted(set(EXTENSIONS.values())))})")
_MANIFEST_LIMIT = 16 << 20  # bytes: a manifest lists a few files; anything larger is not one


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
    if dataset.options.format in VOTE_FORMATS:
        return encode_votes(dataset.options.format, rows, {unit.key: unit for unit in dataset.units}, dataset.schema)
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
    """Write the dataset folder to `out` (new, empty or a previous export); returns what was written.
    ExportError, naming the path, if it cannot be written: the previous export is then unchanged."""
    check_out_dir(out)
    files = render_files(dataset)
    try:
        write_folder(out, files)
    except OSError as error:
        where = error.filename or out
        raise ExportError(f"cannot write the export to {out}: {where}: {error.strerror or error}; nothing at {out} was changed") from None
    return files


# Which --out may be replaced


def check_out_dir(out: Path) -> None:
    """Refuse an --out that is not new, an empty folder, or exactly a previous export of this tool.
    Reads the folder's own entries and the files its manifest lists, nothing below them."""
    if out.is_symlink():
        raise ExportError(f"{out}: is a symbolic link; give the folder itself, or a new one")
    resolved = out.resolve()
    if resolved == resolved.parent or resolved == Path.home().resolve():
        raise ExportError(
            f"{out}: is {'the root folder' if resolved == resolved.parent else 'your home folder'}; choose a new or empty folder"
        )
    try:
        entries = set(os.listdir(out))
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise ExportError(f"{out}: exists and is not a folder") from None
    except OSError as error:
        raise ExportError(f"{out}: cannot read: {error.strerror or error}") from None
    if entries:
        _check_previous_export(out, entries, _listed_outputs(out))


def _listed_outputs(out: Path) -> dict[str, str]:
    """The files the manifest in `out` lists, with their sha256; ExportError unless it is the
    manifest of an export of this tool, listing only files an export makes."""
    not_an_export = ExportError(
        f"{out}: the folder is not empty and is not an export of this tool (no readable {MANIFEST}); choose an empty or new --out folder"
    )
    path = out / MANIFEST
    try:
        if not stat.S_ISREG(path.lstat().st_mode) or path.lstat().st_size > _MANIFEST_LIMIT:
            raise not_an_export
        manifest = orjson.loads(path.read_bytes())
        outputs, schema_file = manifest["outputs"], manifest["schema"]["file"]
        made_here = manifest["tool"] == "annotator"
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        raise not_an_export from None
    if not made_here or type(outputs) is not dict or not all(type(sha) is str for sha in outputs.values()):
        raise not_an_export
    others = sorted(name for name in outputs if not ((name in (CARD, schema_file) and "/" not in name) or _DATA_FILE.fullmatch(name)))
    if others:
        raise ExportError(
            f"{out}: its {MANIFEST} lists files an export does not make ({_shown(others)}); move the folder or choose another --out"
        )
    return outputs


def _check_previous_export(out: Path, entries: set[str], listed: dict[str, str]) -> None:
    """`out` holds the listed files, unchanged, and nothing else."""
    folders = {name.split("/")[0] for name in listed if "/" in name}
    extra = sorted(entries - {name.split("/")[0] for name in listed} - {MANIFEST})
    for folder in sorted(folders & entries):
        path = out / folder
        if path.is_symlink() or not path.is_dir():
            extra.append(folder)
        else:
            extra += sorted(
                f"{folder}/{name}"
                for name in set(os.listdir(path)) - {name.split("/", 1)[1] for name in listed if name.startswith(f"{folder}/")}
            )
    if extra:
        raise ExportError(f"{out}: holds files that are not part of the previous export ({_shown(extra)}); move them first")
    for name, sha256 in sorted(listed.items()):
        if _sha256_of_file(out / name) != sha256:
            raise ExportError(
                f"{out / name}: changed or missing since it was exported (its sha256 is not the manifest's); move the folder or choose another --out"
            )


def _sha256_of_file(path: Path) -> str | None:
    """The sha256 of a regular file (not a link); None for anything else."""
    try:
        return bytes_sha256(path.read_bytes()) if stat.S_ISREG(path.lstat().st_mode) else None
    except OSError:
        return None


def _shown(names: Sequence[str]) -> str:
    return ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")


def interrupted_exports(out: Path) -> list[Path]:
    """Hidden folders next to `out` left by an export that was killed: they are never used, and
    only the user deletes them."""
    try:
        names = os.listdir(out.parent if str(out.parent) else ".")
    except OSError:
        return []
    return sorted(out.parent / name for name in names if (found := _STAGING.fullmatch(name)) and found["out"] == out.name)


# Writing


def write_folder(out: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` (relative path -> bytes) as the folder `out`, all or nothing.

    They go to a hidden sibling, written and synced; only then does it take the place of `out`
    (a previous export, checked by `check_out_dir`), in one step where the system can.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(out, "export")
    staging.mkdir()  # not tempfile.mkdtemp: the folder gets the user's usual permissions (umask)
    try:
        for name, data in files.items():
            _write_synced(staging / name, data)
        for folder in {name.split("/")[0] for name in files if "/" in name}:
            fsync_dir(staging / folder)
        fsync_dir(staging)
        _put_in_place(out, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _sibling(out: Path, what: str) -> Path:
    return out.parent / f".{out.name}.{what}-{uuid.uuid4().hex}"


def _write_synced(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _put_in_place(out: Path, staging: Path) -> None:
    """`staging` becomes `out`; the previous export at `out`, if any, is removed once it is not."""
    if not out.exists():
        os.rename(staging, out)
    elif exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # the previous export; a leftover is said by the command
    else:
        previous = _sibling(out, "previous")
        os.rename(out, previous)
        try:
            os.rename(staging, out)
        except BaseException:
            os.rename(previous, out)
            raise
        shutil.rmtree(previous, ignore_errors=True)
    fsync_dir(out.parent)
