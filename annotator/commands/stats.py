"""`annotator stats`: agreement between annotators on each schema field.

The report is computed over every readable line of the store: damaged lines are listed on stderr
as file:line: reason and left out, like labels that do not fit the schema; the exit status is 0 as
long as a report is written. User errors (no store folder, an unknown field, a broken schema) exit 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.display import printable
from annotator.report import DEFAULT_BOOTSTRAP, build_report, render_markdown, render_text, to_json
from annotator.schema import DEFAULT_SCHEMA_PATH, Schema, SchemaError, load_schema
from annotator.store import load_store

HELP = "agreement between annotators on each schema field: Krippendorff's alpha, kappa, bootstrap intervals"
DEFAULT_STORE = "annotations"
SHOWN_LEFT_OUT = 10  # labels left out that are listed one by one; `annotator validate` lists all


class _UserError(Exception):
    pass


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, default=Path(DEFAULT_STORE), metavar="DIR", help=f"annotation folder (default: {DEFAULT_STORE}/)")
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA_PATH, metavar="FILE", help=f"schema file (default: {DEFAULT_SCHEMA_PATH})")
    parser.add_argument("--field", action="append", metavar="F", help="only this field; repeat for more (default: all)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="machine-readable JSON (keys sorted, NaN as null)")
    output.add_argument("--markdown", action="store_true", help="Markdown for a paper or a dataset card")
    parser.add_argument(
        "--bootstrap", type=_resamples, default=DEFAULT_BOOTSTRAP, metavar="N",
        help=f"bootstrap resamples for the 95%% intervals, 0 for none (default: {DEFAULT_BOOTSTRAP})",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the bootstrap (default: 0)")


def _resamples(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def run(args: argparse.Namespace) -> int:
    try:
        schema = load_schema(args.schema)
        _check(args, schema)
    except (SchemaError, _UserError) as error:
        print(f"annotator: {printable(str(error))}", file=sys.stderr)
        return 1
    store = load_store(args.store)
    for problem in store.problems:
        print(f"annotator: {printable(str(problem))}", file=sys.stderr)
    report = build_report(store, schema, fields=args.field, bootstrap=args.bootstrap, seed=args.seed)
    for line in report.left_out[:SHOWN_LEFT_OUT]:
        print(f"annotator: left out: {printable(line)}", file=sys.stderr)
    if len(report.left_out) > SHOWN_LEFT_OUT:
        print(f"annotator: ... and {len(report.left_out) - SHOWN_LEFT_OUT} more left out (annotator validate lists them)", file=sys.stderr)
    sys.stdout.write(to_json(report) if args.json else render_markdown(report) if args.markdown else render_text(report))
    skipped = f"; {len(store.problems)} damaged lines skipped (listed above)" if store.problems else ""
    print(f"annotator: agreement of {len(report.annotators)} annotators on {report.units} units{skipped}", file=sys.stderr)
    return 0


def _check(args: argparse.Namespace, schema: Schema) -> None:
    if not args.store.is_dir():
        raise _UserError(f"{args.store}: no such annotation folder (give one with --store)")
    ids = [schema_field.id for schema_field in schema.fields]
    for field_id in args.field or []:
        if field_id not in ids:
            raise _UserError(f"schema {schema.name} ({args.schema}) has no field '{field_id}'; its fields: {', '.join(ids)}")
