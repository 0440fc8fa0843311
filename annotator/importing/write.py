"""Writing an import: the corpus file of its new documents, then one new annotator file per
annotator, through the store's writer (`AnnotationLog`). Every record has origin `imported` and names
the file it came from with its sha256, so that importing the same file again finds it."""

from __future__ import annotations

import os
from pathlib import Path

from annotator.files import fsync_dir
from annotator.importing.plan import ImportPlan
from annotator.schema.model import Schema
from annotator.store.log import AnnotationLog
from annotator.store.read import load_store
from annotator.store.records import IMPORTED


def already_imported(store_dir: Path, sha256: str) -> list[str]:
    """The annotators whose files hold records of the import of the file with this sha256."""
    if not Path(store_dir).is_dir():
        return []
    store = load_store(store_dir, keep_records=True)
    return sorted(
        name for name, records in store.records.items() if any(record.get("imported", {}).get("sha256") == sha256 for record in records)
    )


def write_import(plan: ImportPlan, schema: Schema, store_dir: Path, documents_file: Path | None) -> None:
    if plan.new_documents:
        assert documents_file is not None
        _write_new(documents_file, plan.new_documents)
    for name, entries in plan.records.items():
        with AnnotationLog.open(store_dir, name) as log:
            for entry in entries:
                optional: dict[str, object] = {
                    "origin": dict.fromkeys(entry.labels, IMPORTED),
                    "imported": {"file": plan.source.name, "sha256": plan.sha256, "entry": entry.entry},
                }
                if entry.seconds is not None:
                    optional["seconds"] = entry.seconds
                log.append(
                    entry.unit, doc_sha256=entry.doc_sha256, schema=schema.name, schema_version=schema.version,
                    labels=entry.labels, status=entry.status, prev=None, **optional,
                )  # fmt: skip


def _write_new(path: Path, data: bytes) -> None:
    """A new file holding `data`, durably; an existing file is never replaced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)
