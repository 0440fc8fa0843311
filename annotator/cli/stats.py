"""`annotator stats [PATH...]`: agreement between annotators on each schema field.

Labels are placed on the corpus (the documents or folders given, as `validate` and `export` take
them) so that the most disputed units show their sentence; labels whose sentence the corpus no
longer has are left out as stale. The report is computed over every readable line of the store:
damaged lines are listed on stderr as file:line: reason and left out, like labels that do not fit
the schema, and broken revision histories are listed with the number of labels they affect; the
report is written all the same, and the exit status is then 1. No store folder, an unknown field, a
broken schema or no readable document exit 2 before anything is computed.

Labels of earlier schema versions are read as the current version (`annotator.labels.versions`).
`--schema-version N` reports agreement as it stood under version N of the schema's history
instead: each annotator's last label of every unit written with version N or earlier, on version N.
"""

from __future__ import annotations

import argparse
import shutil
import sys

from annotator.agreement.drift import WINDOWS
from annotator.agreement.render import TEXT_WIDTH, Show, render_markdown, render_text, to_json
from annotator.agreement.report import DEFAULT_BOOTSTRAP, build_report
from annotator.cli.options import add_corpus_paths, add_schema_option, add_store_option, corpus_paths, say, say_segmenting, write_out
from annotator.corpus.load import load_documents
from annotator.errors import EXIT_DATA_PROBLEMS, EXIT_OK, UserError
from annotator.labels.versions import as_it_stood
from annotator.schema.load import load_schema
from annotator.schema.model import Schema
from annotator.store.read import load_store, require_store
from annotator.text import plural

SHOWN_LEFT_OUT = 10  # labels left out that are listed one by one; `annotator validate` lists all


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_paths(parser)
    add_store_option(parser)
    add_schema_option(parser)
    parser.add_argument("--field", action="append", metavar="F", help="only this field; repeat for more (default: all)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--json", action="store_true", help="machine-readable JSON with every table, full precision (keys sorted, NaN as null)"
    )
    output.add_argument("--markdown", action="store_true", help="Markdown for a paper or a dataset card")
    parser.add_argument(
        "--bootstrap", type=_resamples, default=DEFAULT_BOOTSTRAP, metavar="N",
        help=f"bootstrap resamples for the 95%% intervals, 0 for none (default: {DEFAULT_BOOTSTRAP})",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the bootstrap (default: 0)")
    parser.add_argument("--pairs", action="store_true", help="every pair of annotators' kappa with its interval and confusion table")
    parser.add_argument(
        "--annotators", action="store_true",
        help="each annotator's confusion against adjudicated gold, and the Dawid-Skene model: each annotator's estimated"
        " confusion matrix and accuracy, each unit's most probable value and its probability",
    )  # fmt: skip
    parser.add_argument("--by", choices=WINDOWS, help="agreement per week or day of each unit's last label (drift)")
    parser.add_argument(
        "--schema-version", type=int, metavar="N",
        help="agreement as it stood under version N of the schema (an earlier one its migrations read):"
        " each annotator's last label of every unit written with version N or before (default: the current version)",
    )  # fmt: skip


def _resamples(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def run(args: argparse.Namespace) -> int:
    schema = _version(args, load_schema(args.schema))
    _check(args, schema)
    corpus = load_documents(corpus_paths(args), on_segmenting=say_segmenting)
    for problem in corpus.problems:
        say(str(problem))
    store = load_store(args.store, keep_records=args.schema_version is not None)
    for problem in store.problems:
        say(str(problem))
    if args.schema_version is not None:
        store = as_it_stood(store, schema)
    report = build_report(
        store, schema, fields=args.field, bootstrap=args.bootstrap, seed=args.seed, corpus=corpus, by=args.by, model=args.annotators,
        pair_intervals=args.pairs or args.json,
    )  # fmt: skip
    for line in report.left_out[:SHOWN_LEFT_OUT]:
        say(f"left out: {line}")
    if len(report.left_out) > SHOWN_LEFT_OUT:
        say(f"... and {len(report.left_out) - SHOWN_LEFT_OUT} more left out (annotator validate lists them)")
    show = Show(pairs=args.pairs, annotators=args.annotators)
    if args.json:
        output = to_json(report)
    elif args.markdown:
        output = render_markdown(report, show)
    else:
        output = render_text(report, show, width=_text_width())
    write_out([output.encode()])
    problems = store.problem_summary()
    skipped = f"; {problems} (listed above)" if problems else ""
    say(f"agreement of {plural(len(report.annotators), 'annotator')} on {plural(report.units, 'unit')}{skipped}")
    return EXIT_DATA_PROBLEMS if store.problems or report.left_out or corpus.problems else EXIT_OK


def _text_width() -> int:
    """The terminal's width for prose, at most TEXT_WIDTH; TEXT_WIDTH when the output is not a terminal."""
    return min(shutil.get_terminal_size().columns, TEXT_WIDTH) if sys.stdout.isatty() else TEXT_WIDTH


def _version(args: argparse.Namespace, schema: Schema) -> Schema:
    """The version of the schema `--schema-version` asks for (the current one without it)."""
    if args.schema_version is None:
        return schema
    found = schema.at_version(args.schema_version)
    if found is None:
        known = ", ".join(str(version) for version in schema.versions)
        raise UserError(f"schema {schema.name} ({args.schema}) has no version {args.schema_version} in its history; its versions: {known}")
    return found


def _check(args: argparse.Namespace, schema: Schema) -> None:
    require_store(args.store)
    ids = [schema_field.id for schema_field in schema.fields]
    for field_id in args.field or []:
        if field_id not in ids:
            raise UserError(f"schema {schema.name} ({args.schema}) has no field '{field_id}'; its fields: {', '.join(ids)}")
