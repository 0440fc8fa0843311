"""Validation of a whole annotation store against a schema and a corpus (`annotator validate`).

Every line of every annotation file is checked against the record format, every record's labels
against the schema, the revision chains for consistency (as `load_store` checks them, file by file;
here record ids are checked across files too), and the current labels against the corpus (stale
anchors). Torn-line sidecars are listed: they are no problem of the store, but
bytes the user has yet to look at. Nothing is written: each file is read once, by `load_store`, and each record checked as it is read: only the heads
stay in memory, as for any reader of the store.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from annotator.corpus.document import Corpus
from annotator.errors import Problem
from annotator.labels.anchors import anchor
from annotator.labels.counting import label_problems
from annotator.labels.versions import Migrated, migrated, read_heads
from annotator.memory import gc_paused
from annotator.schema.model import Schema
from annotator.store.folder import TornSidecar, annotator_file, torn_sidecars
from annotator.store.read import StoreView, load_store
from annotator.store.records import LabelKey, Record, Status, label_key, record_problems

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
    checked = _Checked(schema)
    # The heads stay alive to the end, the other records are checked as they are read and dropped.
    with gc_paused():
        view = load_store(store_dir, each=checked.check)
        return _validate(view, Path(store_dir), schema, corpus, checked)


def _validate(view: StoreView, store_dir: Path, schema: Schema, corpus: Corpus, checked: _Checked) -> ValidationReport:
    files = {annotator: str(annotator_file(store_dir, annotator)) for annotator in view.kinds}
    places = {key: (files[key[0]], checked.last_line[key]) for key in view.latest}
    # A malformed head is reported once, as such: its offsets and hashes cannot be trusted.
    anchoring = anchor({key: r for key, r in view.latest.items() if places[key] not in checked.malformed}, corpus)
    stale = [Problem(*places[label_key(s.record)], f"stale label: {s.reason}") for s in anchoring.stale]
    duplicates = checked.duplicates(set(view.lines))
    problems = [*view.problems, *corpus.problems, *checked.problems, *duplicates, *stale]
    current = anchoring.current.values()
    return ValidationReport(
        annotators=sorted(view.kinds),
        documents=len(corpus.documents),
        units=sum(document.unit_count for document in corpus.documents),
        records=checked.records,
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


class _Checked:
    """Every record checked as it is read (`load_store`'s `each`), keeping only what later steps need:
    the problems, the line of the last record at each label (a head's), the malformed lines, and
    the ids in a compact form to find the ones used twice."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.records = 0
        self.problems: list[Problem] = []
        self.last_line: dict[LabelKey, int] = {}
        self.malformed: set[Place] = set()
        self.ids = _RecordIds()
        self._path: Path | None = None  # the file being read, and its name as problems give it
        self._where = ""

    def check(self, path: Path, line: int, record: Record) -> None:
        self.records += 1
        self.last_line[label_key(record)] = line
        if path is not self._path:
            self._path, self._where = path, str(path)
        where = self._where
        self.ids.add(record["id"], where, line)
        reasons = record_problems(record)
        if reasons:
            self.malformed.add((where, line))
        else:
            reasons = label_problems(self.schema, record)
        self.problems += [Problem(where, line, reason) for reason in reasons]

    def duplicates(self, chains_checked: set[str]) -> list[Problem]:
        """A problem at every record whose id an earlier record has: in the same file when its
        chains were not checked (`load_store` reports it as a broken chain where they were), or in
        an earlier file."""
        found = []
        for (first_path, first_line), (path, line), record_id in self.ids.repeated():
            if first_path != path:
                found.append(Problem(path, line, f"duplicate record id {record_id} (first at {first_path}:{first_line})"))
            elif Path(path).name.removesuffix(".jsonl") not in chains_checked:
                found.append(Problem(path, line, f"duplicate record id {record_id} (first at line {first_line})"))
        return found


class _RecordIds:
    """The id of every record read, with where it is, in read order: an id as the writer makes them
    (32 lowercase hex digits) in 16 bytes and its place in 6, any other in a dict (hand-written: few)."""

    def __init__(self) -> None:
        self.packed = bytearray()  # 16 bytes per writer-made id
        self.files: list[str] = []
        self.file_number = array("H")  # of each packed id, in `files`
        self.line = array("L")  # of each packed id
        self.other_first: dict[str, Place] = {}
        self.other_repeated: list[tuple[Place, Place, str]] = []

    def add(self, record_id: str, path: str, line: int) -> None:
        try:
            packed = bytes.fromhex(record_id)
        except ValueError:
            packed = b""
        if len(packed) == 16 and packed.hex() == record_id:
            if not self.files or self.files[-1] != path:
                self.files.append(path)
            self.packed += packed
            self.file_number.append(len(self.files) - 1)
            self.line.append(line)
        elif record_id in self.other_first:
            self.other_repeated.append((self.other_first[record_id], (path, line), record_id))
        else:
            self.other_first[record_id] = (path, line)

    def repeated(self) -> list[tuple[Place, Place, str]]:
        """(where the id is first, where it is again, the id) for every id read before."""
        ids = np.frombuffer(bytes(self.packed), dtype=">u8").reshape(-1, 2)
        order = np.lexsort((ids[:, 1], ids[:, 0]))  # stable: equal ids stay in read order
        ordered = ids[order]
        again = np.flatnonzero(np.all(ordered[1:] == ordered[:-1], axis=1)) + 1
        found = list(self.other_repeated)
        first = previous = -1
        for position in again.tolist():
            if position != previous + 1:
                first = int(order[position - 1])  # the first of a run of equal ids
            previous = position
            at = int(order[position])
            found.append((self._place(first), self._place(at), self.packed[16 * at : 16 * at + 16].hex()))
        return found

    def _place(self, number: int) -> Place:
        return self.files[self.file_number[number]], self.line[number]
