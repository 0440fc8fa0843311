"""`annotator units [PATH...] [--jsonl]`: print the sentence units of documents (the project's corpus
when no PATH is given)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

import orjson

from annotator.cli.options import add_corpus_paths, columns, corpus_paths, say, say_segmenting, write_out
from annotator.corpus.document import Corpus
from annotator.corpus.load import load_documents
from annotator.errors import EXIT_DATA_PROBLEMS, EXIT_OK
from annotator.text import flowed, json_safe, plural, printable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_paths(parser)
    parser.add_argument("--jsonl", action="store_true", help="one JSON object per unit instead of a table")


def run(args: argparse.Namespace) -> int:
    corpus = load_documents(corpus_paths(args), on_segmenting=say_segmenting, columns=columns(args))
    lines = _jsonl_lines(corpus) if args.jsonl else _table_lines(corpus)
    write_out(lines)
    for problem in corpus.problems:
        print(printable(str(problem)), file=sys.stderr)
    summary = f"{plural(len(corpus.documents), 'document')}, {plural(len(corpus.units()), 'unit')}"
    if corpus.problems:
        say(f"{summary}; skipped {plural(len(corpus.problems), 'input')} (listed above)")
        return EXIT_DATA_PROBLEMS
    say(summary)
    return EXIT_OK


def _jsonl_lines(corpus: Corpus) -> Iterator[bytes]:
    for unit in corpus.units():
        record = {
            "doc": unit.doc,
            "start": unit.start,
            "end": unit.end,
            "text": unit.text,
            "text_sha256": unit.text_sha256,
        }
        yield json_safe(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE).decode("utf-8")).encode("utf-8")


def _table_lines(corpus: Corpus) -> Iterator[bytes]:
    ids = [printable(doc.id) for doc in corpus.documents]
    width = max([len("doc"), *map(len, ids)])
    yield f"{'doc':<{width}}  {'#':>4}  {'start':>6}  {'end':>6}  text\n".encode()
    for doc, doc_id in zip(corpus.documents, ids):
        shown = f"{doc_id:<{width}}"
        for index, unit in enumerate(doc.units):
            row = f"{shown}  {index:>4}  {unit.start:>6}  {unit.end:>6}  {printable(flowed(unit.text))}\n"
            yield row.encode("utf-8")
