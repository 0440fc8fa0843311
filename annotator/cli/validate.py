"""`annotator validate [--store DIR] [--schema FILE] [PATH...]`: check a store, changing nothing.

The output is the problems (file:line: reason), the notes (forked histories, which the store
resolves), the torn-line sidecars, then a summary. The exit status is 1 when there are problems;
notes leave it 0. Sidecars alone leave it 0: the store is whole without them, and
failing a check run before each commit would hold back valid labels until someone deletes a file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.options import (
    add_corpus_paths,
    add_schema_option,
    add_store_option,
    columns,
    corpus_paths,
    say_segmenting,
    write_out,
)
from annotator.corpus.load import load_documents
from annotator.errors import EXIT_DATA_PROBLEMS, EXIT_OK
from annotator.labels.validation import ValidationReport, validate_store
from annotator.schema.load import load_schema
from annotator.schema.model import Schema
from annotator.store.folder import TornSidecar
from annotator.store.read import require_store
from annotator.text import plural, printable

SIDECAR_ADVICE = (
    "A crash left these bytes half-written; they were never shown as saved and no command reads them."
    " Look at them, then move or delete each file yourself."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_paths(parser)
    add_store_option(parser)
    add_schema_option(parser)


def run(args: argparse.Namespace) -> int:
    require_store(args.store)
    schema = load_schema(args.schema)
    corpus = load_documents(corpus_paths(args), on_segmenting=say_segmenting, columns=columns(args))
    report = validate_store(args.store, schema, corpus)
    blocks = [
        [str(problem) for problem in report.problems],
        [f"note: {note}" for note in report.notes],
        _sidecar_lines(report.sidecars),
        _summary(report, args.store, f"{schema.name} v{schema.version} ({args.schema}){_reads(schema)}"),
    ]
    write_out(["\n\n".join("\n".join(map(printable, block)) for block in blocks if block).encode() + b"\n"])
    return EXIT_OK if report.clean else EXIT_DATA_PROBLEMS


def _reads(schema: Schema) -> str:
    earlier = schema.versions[:-1]
    return f", reads the labels of {', '.join(f'v{version}' for version in earlier)} through its migrations" if earlier else ""


def _sidecar_lines(sidecars: list[TornSidecar]) -> list[str]:
    if not sidecars:
        return []
    listed = [f"{sidecar.path}: {plural(sidecar.size, 'byte')} set aside from {sidecar.owner.name}" for sidecar in sidecars]
    return [*listed, SIDECAR_ADVICE]


def _summary(report: ValidationReport, store: Path, schema: str) -> list[str]:
    annotators = ", ".join(report.annotators) or "no annotation files"
    rows = [
        ("store", f"{store} ({plural(len(report.annotators), 'annotator')}: {annotators})"),
        ("schema", schema),
        ("corpus", f"{plural(report.documents, 'document')}, {plural(report.units, 'unit')}"),
        ("records", str(report.records)),
        ("labels", f"{report.current} current ({report.done} done) on {plural(report.units_labelled, 'unit')}"),
        ("anchors", f"{report.moved} re-anchored, {report.stale} stale"),
        *_migrated(report),
        *([("notes", f"{plural(len(report.notes), 'fork')} of a revision history, resolved (listed above)")] if report.notes else []),
        ("torn", f"{plural(report.torn, 'file')} ending in an incomplete line{_set_aside(report)}"),
        ("result", _result(report)),
    ]
    return [f"{name + ':' if name else '':<9} {text}" for name, text in rows]


def _migrated(report: ValidationReport) -> list[tuple[str, str]]:
    """Per annotator, the current labels read through the schema's migrations and those that need a look."""
    found = report.migrated
    return [
        ("migrated" if number == 0 else "", f"{name}: {plural(count, 'label')} of earlier versions, {found.look[name]} to look at")
        for number, (name, count) in enumerate(sorted(found.labels.items()))
    ]


def _set_aside(report: ValidationReport) -> str:
    return f", {len(report.sidecars)} set aside earlier (listed above)" if report.sidecars else ""


def _result(report: ValidationReport) -> str:
    if report.problems:
        return f"{plural(len(report.problems), 'problem')} (listed above)"
    if report.sidecars:
        return f"clean; {plural(len(report.sidecars), 'set-aside file')} to look at (listed above)"
    return "clean"
