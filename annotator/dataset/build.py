"""The dataset of an export: gold-labelled units as rows, in splits, with what the card and the
manifest say about them.

One row per unit that has a current `done` annotation or an adjudication (units nobody labelled are
not data). The same inputs give the same dataset: nothing comes from the clock, and rows and
documents are in sorted order.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.agreement.render import render_markdown
from annotator.agreement.report import build_report
from annotator.corpus.document import Corpus
from annotator.dataset.splits import DEFAULT_SHARES, Shares, assign_splits, split_spec
from annotator.errors import DataProblems, Problem, UserError
from annotator.labels.anchors import AnchoredLabel
from annotator.labels.counting import is_done
from annotator.labels.gold import DAWID_SKENE, DEFAULT_MIN_AGREEMENT, VOTES, UnitGold, gold_units
from annotator.labels.versions import current_labels, migrated
from annotator.schema.load import SchemaFile, history_files
from annotator.schema.migration import Change, changes
from annotator.schema.model import Schema
from annotator.store.folder import annotator_file
from annotator.store.read import load_store
from annotator.store.records import Record, Status, UnitKey, describe_label, is_adjudication

BASE_COLUMNS = ("doc", "start", "end", "text", "resolved", "annotators")

# The files of the folder (`annotator.dataset.folder`): the card, the manifest, `data/<split>.<format>`
# and the copy of the schema.
CARD = "README.md"
MANIFEST = "manifest.json"
DATA = "data"
EXTENSIONS = {"jsonl": "jsonl", "csv": "csv", "parquet": "parquet", "prodigy": "jsonl", "labelstudio": "json", "long": "jsonl"}
"""Every export format and the extension of its data files."""

Row = dict[str, object]


class ExportError(UserError):
    """An export that cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class ExportOptions:
    format: str = "jsonl"
    splits: Shares = DEFAULT_SHARES
    seed: int = 0
    include_annotators: bool = False
    resolved_only: bool = False
    min_agreement: float = DEFAULT_MIN_AGREEMENT
    gold: str = VOTES  # or DAWID_SKENE: choice fields get the model's value and a `<field>_confidence` column

    @property
    def confidence(self) -> bool:
        return self.gold == DAWID_SKENE

    @property
    def split_spec(self) -> str:
        return split_spec(self.splits)


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
    history: dict[str, bytes] = dataclasses.field(default_factory=dict)  # file name -> bytes of the schema's earlier versions
    migrations: list[tuple[Change, int]] = dataclasses.field(default_factory=list)  # every change from them, and the done labels it altered

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
        return f"{DATA}/{split}.{EXTENSIONS[self.options.format]}" if self.splits[split] else None


def schema_copy_name(name: str) -> str:
    """The name of the schema's copy in the folder: the schema file's own, unless the folder has a
    file or folder of that name already (whatever the case, for case-insensitive file systems)."""
    taken = {CARD.casefold(), MANIFEST.casefold(), DATA}
    return f"schema-{name}" if name.casefold() in taken else name


# -- building ------------------------------------------------------------------------------------


def build_dataset(schema_file: SchemaFile, corpus: Corpus, store_dir: Path, options: ExportOptions) -> Dataset:
    """Gold labels of every labelled unit of the store, as rows in splits; DataProblems if the store
    has problems or there is nothing to export. The store is read once: its files' hashes are those
    of the bytes the labels come from."""
    schema = schema_file.schema
    store = load_store(store_dir, hash_files=True)
    problems = store.problem_summary()
    if problems:
        listed = "\n".join(str(problem) for problem in store.problems)
        raise DataProblems(f"{problems}; fix them before exporting (annotator validate lists them too):\n{listed}")
    anchoring = current_labels(schema, store.latest, corpus)
    gold = gold_units(schema, anchoring.current, options.min_agreement, options.gold)
    left_out = [_left_out(store_dir, stale.record, stale.reason) for stale in anchoring.stale]
    left_out += [_left_out(store_dir, record, reason) for record, reason in gold.unusable]
    annotators = sorted({name for unit in gold.units for name in unit.annotations})
    names = columns(schema, annotators, options.include_annotators, options.confidence)
    kept = [unit for unit in gold.units if unit.resolved or not options.resolved_only]
    statuses = _statuses(anchoring.current) if options.include_annotators else {}
    rows = [_row(schema, corpus, unit, annotators, options, statuses.get(unit.key, {})) for unit in kept]
    if not rows:
        raise DataProblems(_nothing_to_export(len(gold.units), store_dir))
    per_doc = Counter(str(row["doc"]) for row in rows)
    split_of = assign_splits(per_doc, options.splits, options.seed)
    split_names = [name for name, _ in options.splits]
    return Dataset(
        schema=schema,
        schema_file=schema_copy_name(schema_file.path.name),
        schema_bytes=schema_file.data,
        options=options,
        columns=names,
        annotators=annotators,
        units=gold.units,
        splits={name: [row for row in rows if split_of[str(row["doc"])] == name] for name in split_names},
        split_documents={name: sorted(doc for doc in per_doc if split_of[doc] == name) for name in split_names},
        documents={doc: corpus.document(doc).sha256 for doc in sorted(per_doc)},
        inputs=dict(sorted(store.sha256.items())),
        left_out=left_out,
        agreement=render_markdown(build_report(store, schema, seed=options.seed, corpus=corpus, anchoring=anchoring, pair_intervals=False)),
        history=history_files(schema_file.path, schema),
        migrations=_migrations(schema, [label.record for label in anchoring.current.values() if is_done(label.record)]),
    )


def _migrations(schema: Schema, done: list[Record]) -> list[tuple[Change, int]]:
    """Every change of the schema's migrations, and how many of the `done` labels it altered."""
    touched = migrated(done).touched
    return [(change, touched[change]) for change in changes(schema)]


def _nothing_to_export(labelled: int, store_dir: Path) -> str:
    if labelled:
        return (
            f"nothing to export: none of the {labelled} labelled units is resolved"
            " (leave out --resolved-only, lower --min-agreement or adjudicate)"
        )
    return f"nothing to export: no unit of the corpus has a usable label in {store_dir}"


def _left_out(store_dir: Path, record: Mapping, reason: str) -> Problem:
    return Problem(str(annotator_file(store_dir, record["annotator"])), None, f"{describe_label(record)} left out: {reason}")


def _statuses(current: Mapping[tuple[str, UnitKey], AnchoredLabel]) -> dict[UnitKey, dict[str, str]]:
    """unit -> annotator -> the status of their current label (a retracted one is no label): a
    skipped or flagged sentence is told apart from one the annotator did not label."""
    found: dict[UnitKey, dict[str, str]] = {}
    for (annotator, key), placed in current.items():
        record = placed.record
        if not is_adjudication(record) and record["status"] != Status.RETRACTED:
            found.setdefault(key, {})[annotator] = record["status"]
    return found


def _row(
    schema: Schema, corpus: Corpus, unit: UnitGold, annotators: Sequence[str], options: ExportOptions, statuses: Mapping[str, str]
) -> Row:
    doc, start, end = unit.key
    row: Row = {
        "doc": doc,
        "start": start,
        "end": end,
        "text": corpus.document(doc).text[start:end],
        "resolved": unit.resolved,
        "annotators": len(unit.annotations),
    }
    if options.include_annotators:
        row.update({f"status@{annotator}": statuses.get(annotator) for annotator in annotators})
    for field in schema.fields:
        gold = unit.fields[field.id]
        row[field.id] = gold.value
        row[f"{field.id}_resolution"] = gold.resolution
        row[f"{field.id}_reviewer"] = ", ".join(gold.reviewers) or None
        if options.confidence and field.kind != "text":
            row[f"{field.id}_confidence"] = gold.confidence
        if options.include_annotators:
            for annotator in annotators:
                row[f"{field.id}@{annotator}"] = unit.annotations.get(annotator, {}).get(field.id)
    return row


# -- rows ----------------------------------------------------------------------------------------


def columns(schema: Schema, annotators: Sequence[str], include_annotators: bool, confidence: bool = False) -> list[str]:
    """Column names in order: the unit (and with `include_annotators` each annotator's status), then
    per field its gold label, resolution, reviewer (the model's confidence, for a choice field with
    `confidence`) and annotators."""
    names = list(BASE_COLUMNS)
    if include_annotators:
        names += [f"status@{annotator}" for annotator in annotators]
    for field in schema.fields:
        names += [field.id, f"{field.id}_resolution", f"{field.id}_reviewer"]
        if confidence and field.kind != "text":
            names.append(f"{field.id}_confidence")
        if include_annotators:
            names += [f"{field.id}@{annotator}" for annotator in annotators]
    clashes = sorted({name for name in names if names.count(name) > 1})
    if clashes:
        raise ExportError(f"schema field ids clash with export columns: {', '.join(clashes)}")
    return names


def column_kinds(schema: Schema, names: Sequence[str]) -> dict[str, str]:
    """column -> "int64", "float64" (the model's confidence), "bool", "list" (of strings: a multi
    field's gold and annotator columns) or "string"; what the Parquet schema and the card's
    `datasets` features are made from."""
    kinds = {"start": "int64", "end": "int64", "annotators": "int64", "resolved": "bool"}
    for field in schema.fields:
        kinds[f"{field.id}_confidence"] = "float64"
        if field.kind == "multi":
            kinds.update({name: "list" for name in names if name == field.id or name.startswith(f"{field.id}@")})
    return {name: kinds.get(name, "string") for name in names}
