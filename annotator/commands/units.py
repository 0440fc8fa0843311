"""`annotator units PATH... [--jsonl]`: print the sentence units of documents."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

import orjson

from annotator.commands.options import say_segmenting
from annotator.corpus import Corpus, load_corpus
from annotator.display import json_safe, printable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="a document file or a folder of them"
    )
    parser.add_argument(
        "--jsonl", action="store_true", help="one JSON object per unit instead of a table"
    )


def run(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.paths, on_segmenting=say_segmenting)
    lines = _jsonl_lines(corpus) if args.jsonl else _table_lines(corpus)
    out = sys.stdout.buffer
    for line in lines:
        out.write(line)
    out.flush()
    for problem in corpus.problems:
        print(printable(str(problem)), file=sys.stderr)
    units = len(corpus.units())
    summary = f"annotator: {len(corpus.documents)} documents, {units} units"
    if corpus.problems:
        print(f"{summary}; skipped {len(corpus.problems)} inputs (listed above)", file=sys.stderr)
        return 1
    print(summary, file=sys.stderr)
    return 0


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
            row = f"{shown}  {index:>4}  {unit.start:>6}  {unit.end:>6}  {printable(unit.text)}\n"
            yield row.encode("utf-8")
