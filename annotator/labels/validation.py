"""Validation of a whole annotation store against a schema and a corpus (`annotator validate`).

Every line of every annotation file is checked against the record format, every record's labels
against the schema, the revision chains for consistency (as `load_store` checks them, file by file;
here record ids are checked across files too), and the current labels against the corpus (stale
anchors). Torn-line sidecars are listed: they are no problem of the store, but
bytes the user has yet to look at. Nothing is written: each file is read once, by `load_store`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotator.corpus.document import Corpus
from annotator.errors import Problem
from annotator.labels.anchors import anchor
from annotator.labels.counting import label_problems
from annotator.labels.versions import Migrated, migrated, read_heads
from annotator.memory import gc_paused
from annotator.schema.model import Schema
from annotator.store.folder import TornSidecar, annotator_file, torn_sidecars
from annotator.store.read import StoreView, load_store
from annotator.store.records import Record, Status, record_problems

Place = tuple[str, int]  # (file, line)


@dataclass
class ValidationReport:
    annotators: list[str]
    documents: int
    units: int
    records: int
    current: int  # current labels: (annotator, unit) pairs placed on the corpus
    done: int  # current labels with status `done`
    units_labelled: int  # distinct units with at least one current label
    moved: int  # current labels re-anchored to a changed document
    stale: int  # current labels that could not be placed
    torn: int  # files ending in an incomplete line
    problems: list[Problem] = field(default_factory=list)  # sorted by file and line
    notes: list[Problem] = field(default_factory=list)  # forked histories, resolved: no problem
    sidecars: list[TornSidecar] = field(default_factory=list)  # torn last lines set aside earlier
    migrated: Migrated = field(default_factory=Migrated)  # current labels of earlier schema versions, per annotator

    @property
    def clean(self) -> bool:
        return not self.problems


def validate_store(store_dir: Path, schema: Schema, corpus: Corpus) -> ValidationReport:
    """Check every annotation file of `store_dir` (which must exist) against `schema` and `corpus`."""
    # Every record is read and stays alive to the end: collections would only rescan them.
    with gc_paused():
        return _validate(load_store(store_dir, keep_records=True), Path(store_dir), schema, corpus)


def _validate(view: StoreView, store_dir: Path, schema: Schema, corpus: Corpus) -> ValidationReport:
    checked = _check_records(view, store_dir, schema)
    # A malformed head is reported once, as such: its offsets and hashes cannot be trusted.
    anchoring = anchor({key: r for key, r in view.latest.items() if id(r) not in checked.malformed}, corpus)
    stale = [Problem(*checked.places[id(s.record)], f"stale label: {s.reason}") for s in anchoring.stale]
    problems = [*view.problems, *corpus.problems, *checked.problems, *stale]
    current = anchoring.current.values()
    return ValidationReport(
        annotators=sorted(view.records),
        documents=len(corpus.documents),
        units=sum(document.unit_count for document in corpus.documents),
        records=sum(len(records) for records in view.records.values()),
        current=len(current),
        done=sum(label.record["status"] == Status.DONE for label in current),
        units_labelled=len({unit_key for _, unit_key in anchoring.current}),
        moved=len(anchoring.moved),
        stale=len(anchoring.stale),
        torn=len(view.torn),
        problems=sorted(problems, key=lambda p: (p.path, p.line or 0)),
        notes=view.notes,
        sidecars=torn_sidecars(store_dir),
        migrated=migrated(read_heads(schema, {key: label.record for key, label in anchoring.current.items()}).values()),
    )


@dataclass
class _Checked:
    problems: list[Problem] = field(default_factory=list)
    places: dict[int, Place] = field(default_factory=dict)  # id() of each record -> where it is
    first: dict[str, Place] = field(default_factory=dict)  # record id -> where it first occurs
    malformed: set[int] = field(default_factory=set)  # id() of the records that break the format


def _check_records(view: StoreView, store_dir: Path, schema: Schema) -> _Checked:
    checked = _Checked()
    for annotator, records in view.records.items():
        path = str(annotator_file(store_dir, annotator))
        for line, record in zip(view.lines[annotator], records):
            checked.places[id(record)] = (path, line)
            checked.problems += [Problem(path, line, reason) for reason in _record_reasons(record, path, schema, checked)]
            checked.first.setdefault(record["id"], (path, line))
    return checked


def _record_reasons(record: Record, path: str, schema: Schema, checked: _Checked) -> list[str]:
    reasons = record_problems(record)
    if reasons:
        checked.malformed.add(id(record))
    first_path, first_line = checked.first.get(record["id"], (path, None))
    if first_path != path:  # a duplicate in the same file is a broken chain, reported by load_store
        reasons.append(f"duplicate record id {record['id']} (first at {first_path}:{first_line})")
    return reasons or label_problems(schema, record)
