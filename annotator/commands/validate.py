"""`annotator validate [--store DIR] [--schema FILE] [PATH...]`: check a store, changing nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.commands.options import add_corpus_paths, add_schema_option, add_store_option, corpus_paths, say
from annotator.corpus import load_corpus
from annotator.display import printable
from annotator.schema import SchemaError, load_schema
from annotator.validation import ValidationReport, validate_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_paths(parser)
    add_store_option(parser)
    add_schema_option(parser)


def run(args: argparse.Namespace) -> int:
    if not args.store.is_dir():
        say(f"{args.store}: no such annotation folder (give one with --store)")
        return 2
    try:
        schema = load_schema(args.schema)
    except SchemaError as error:
        for line in str(error).splitlines():
            say(line)
        return 2
    corpus = load_corpus(corpus_paths(args))
    report = validate_store(args.store, schema, corpus)
    lines = [printable(str(problem)) for problem in report.problems]
    if lines:
        lines.append("")
    lines += _summary(report, args.store, f"{schema.name} v{schema.version} ({args.schema})")
    print("\n".join(lines))
    return 0 if report.clean else 1


def _summary(report: ValidationReport, store: Path, schema: str) -> list[str]:
    annotators = ", ".join(report.annotators) or "no annotation files"
    rows = [
        ("store", f"{store} ({_count(len(report.annotators), 'annotator')}: {annotators})"),
        ("schema", schema),
        ("corpus", f"{_count(report.documents, 'document')}, {_count(report.units, 'unit')}"),
        ("records", str(report.records)),
        ("labels", f"{report.current} current ({report.done} done) on {_count(report.units_labelled, 'unit')}"),
        ("anchors", f"{report.moved} re-anchored, {report.stale} stale"),
        ("torn", f"{_count(report.torn, 'file')} ending in an incomplete line"),
        ("result", f"{_count(len(report.problems), 'problem')} (listed above)" if report.problems else "clean"),
    ]
    return [printable(f"{name + ':':<9} {text}") for name, text in rows]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
