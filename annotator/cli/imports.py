"""`annotator import FILE --format prodigy|doccano|labelstudio|long`: labels from another tool's export
into the store, one new annotator file per annotator, and a corpus file of the items no unit holds.

Everything is read and checked before anything is written: a bad entry, an unmapped label, an
unknown annotator id, a name whose file exists or an item that cannot be placed writes nothing.
Importing a file whose records the store holds already does nothing.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from annotator.cli.options import add_schema_option, add_store_option, corpus_paths, say, say_segmenting
from annotator.corpus.load import load_corpus
from annotator.errors import EXIT_OK, NothingToDo, UserError
from annotator.importing.answers import FORMATS, Answer
from annotator.importing.mapping import build_mapping, parse_pairs, read_mapping_file, translate
from annotator.importing.plan import ImportPlan, plan_import
from annotator.importing.read import read_doccano, read_labelstudio, read_prodigy
from annotator.importing.table import Columns, read_table
from annotator.importing.write import already_imported, write_import
from annotator.schema.load import load_schema
from annotator.store.folder import annotator_file
from annotator.text import bytes_sha256, plural


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the other tool's export")
    parser.add_argument("--format", required=True, choices=FORMATS, help="the tool that wrote FILE; long: a table of votes (CSV or JSONL)")
    parser.add_argument("--map", action="append", default=[], metavar="LABEL=FIELD:VALUE", help="their label is this field's value; repeat")
    parser.add_argument("--mapping", type=Path, metavar="FILE", help="a JSON file of labels, fields and annotators mappings")
    parser.add_argument(
        "--field", action="append", default=[], metavar="FIELD=THEIRS",
        help="their field (a Label Studio from_name, a table column) holds the schema field FIELD; repeat",
    )  # fmt: skip
    parser.add_argument("--name", action="append", default=[], metavar="ID=NAME", help="their annotator id is the annotator NAME; repeat")
    parser.add_argument("--prefix", default="", metavar="P", help="put P before every imported annotator's name")
    parser.add_argument("--as", dest="annotator", metavar="NAME", help="every answer is this annotator's (a doccano file of one user)")
    parser.add_argument("--item", default="item", metavar="COLUMN", help="long: the column of the item's id (default: item)")
    parser.add_argument(
        "--text", default="text", metavar="COLUMN", help="long, labelstudio: the column or data key of the text (default: text)"
    )
    parser.add_argument("--annotator", dest="annotator_column", default="annotator", metavar="COLUMN", help="long: the annotator's column")
    parser.add_argument(
        "--documents", type=Path, metavar="FILE",
        help="the new .jsonl corpus file for the items no unit holds (default: imported-<FILE's name>.jsonl in the corpus folder)",
    )  # fmt: skip
    parser.add_argument(
        "--corpus", dest="paths", action="append", type=Path, metavar="PATH", help="documents or folders (default: the project's)"
    )
    add_store_option(parser)
    add_schema_option(parser)


def run(args: argparse.Namespace) -> int:
    schema = load_schema(args.schema)
    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {args.file}: {error.strerror or error}") from None
    sha256 = bytes_sha256(data)
    done = already_imported(args.store, sha256)
    if done:
        raise NothingToDo(f"{args.file} is imported already (the records of {', '.join(done)} come from it): nothing to do")
    mapped = read_mapping_file(args.mapping) if args.mapping else {"labels": {}, "fields": {}, "annotators": {}}
    fields = {theirs: ours for ours, theirs in parse_pairs(args.field, "--field").items()}
    mapping = build_mapping(
        schema,
        mapped["labels"] | parse_pairs(args.map, "--map"),
        mapped["fields"] | fields,
        mapped["annotators"] | parse_pairs(args.name, "--name"),
    )
    answers = _read(args, data, fields)
    translated = translate(schema, mapping, answers, args.file, in_array=args.format == "labelstudio")
    corpus = load_corpus(corpus_paths(args), on_segmenting=say_segmenting)
    if corpus.documents:  # an empty corpus is a new project's: every item becomes a document
        for problem in corpus.problems:
            say(str(problem))
    plan = plan_import(translated, corpus, args.store, args.file, sha256, mapping.annotators, args.prefix)
    documents = _documents_file(args) if plan.new_documents else None
    write_import(plan, schema, args.store, documents)
    _report(plan, args, documents)
    return EXIT_OK


def _read(args: argparse.Namespace, data: bytes, fields: dict[str, str]) -> list[Answer]:
    path = args.file
    if args.format == "prodigy":
        return read_prodigy(path, data, args.annotator)
    if args.format == "doccano":
        return read_doccano(path, data, args.annotator)
    if args.format == "labelstudio":
        return read_labelstudio(path, data, args.annotator, args.text)
    return read_table(path, data, Columns(args.item, args.text, args.annotator_column, fields or None))


def _documents_file(args: argparse.Namespace) -> Path:
    """The corpus file of the new documents: --documents, else one in the first corpus folder; never
    an existing file."""
    folders = [path for path in corpus_paths(args) if path.is_dir()]
    if args.documents is None and not folders:
        raise UserError("some items are in no document of the corpus: give --documents FILE (a new .jsonl file) to hold them")
    path: Path = args.documents or folders[0] / f"imported-{args.file.stem}.jsonl"
    if path.suffix != ".jsonl":
        raise UserError(f"--documents {path}: the corpus file of imported items is a .jsonl file")
    if path.exists():
        raise UserError(f"{path} exists: an import writes its documents to a new file (give another with --documents FILE)")
    if not any(path.resolve().is_relative_to(corpus.resolve()) for corpus in corpus_paths(args)):
        say(f"{path} is outside the corpus ({', '.join(map(str, corpus_paths(args)))}): add it, or the imported labels have no sentences")
    return path


def _report(plan: ImportPlan, args: argparse.Namespace, documents: Path | None) -> None:
    for name, entries in plan.records.items():
        statuses = Counter(entry.status for entry in entries)
        said = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        say(f"{annotator_file(args.store, name)}: {plural(len(entries), 'label')} imported ({said})")
    if documents is not None:
        new = plan.new_documents.count(b"\n")
        say(f"{documents}: {plural(new, 'new document')} (the items no sentence of the corpus holds)")
    total = sum(len(entries) for entries in plan.records.values())
    say(f"imported {plural(total, 'label')} of {plural(len(plan.records), 'annotator')} from {args.file}")
