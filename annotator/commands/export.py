"""`annotator export --out DIR ...`: write the gold-labelled units as a dataset folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.commands.options import add_corpus_paths, add_schema_option, add_store_option, corpus_paths, say, say_segmenting
from annotator.corpus import load_corpus
from annotator.export import (
    DEFAULT_SPLITS,
    FORMATS,
    Dataset,
    ExportError,
    ExportOptions,
    build_dataset,
    check_out_dir,
    export,
    import_pyarrow,
    parse_splits,
)
from annotator.gold import DEFAULT_MIN_AGREEMENT, InvalidMinAgreement, check_min_agreement
from annotator.schema import SchemaError, load_schema
from annotator.store import StoreError, load_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_paths(parser)
    parser.add_argument("--out", required=True, type=Path, help="the dataset folder: new, empty or a previous export")
    parser.add_argument("--format", choices=FORMATS, default="jsonl", help="data file format (default: jsonl)")
    parser.add_argument("--split", default=DEFAULT_SPLITS, help=f"split shares by document (default: {DEFAULT_SPLITS})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split assignment (default: 0)")
    parser.add_argument("--include-annotators", action="store_true", help="add each annotator's labels per field")
    parser.add_argument("--resolved-only", action="store_true", help="leave out units with an unresolved required field")
    parser.add_argument(
        "--min-agreement",
        type=float,
        default=DEFAULT_MIN_AGREEMENT,
        help=f"share of annotators a majority label needs, 0.5 to 1; always a strict majority (default: {DEFAULT_MIN_AGREEMENT})",
    )
    add_store_option(parser)
    add_schema_option(parser)


def run(args: argparse.Namespace) -> int:
    try:
        dataset = _build(args)
        export(args.out, dataset)
    except (ExportError, InvalidMinAgreement, SchemaError, StoreError) as error:
        say(str(error))
        return 1
    _report(dataset, args.out)
    return 0


def _build(args: argparse.Namespace) -> Dataset:
    options = ExportOptions(
        format=args.format,
        splits=tuple(parse_splits(args.split)),
        seed=args.seed,
        include_annotators=args.include_annotators,
        resolved_only=args.resolved_only,
        min_agreement=check_min_agreement(args.min_agreement),
    )
    if options.format == "parquet":
        import_pyarrow()
    check_out_dir(args.out)  # before the slow part: say at once that --out is unusable
    schema = load_schema(args.schema)
    if not args.store.is_dir():
        raise ExportError(f"{args.store}: no such annotation folder (give one with --store)")
    corpus = load_corpus(corpus_paths(args), on_segmenting=say_segmenting)
    for problem in corpus.problems:
        say(str(problem))
    return build_dataset(schema, args.schema, corpus, args.store, load_store(args.store), options)


def _report(dataset: Dataset, out: Path) -> None:
    for problem in dataset.left_out:
        say(str(problem))
    splits = ", ".join(f"{split} {len(rows)}" for split, rows in dataset.splits.items())
    fate = "left out" if dataset.options.resolved_only else "exported with resolved false"
    summary = (
        f"exported {len(dataset.rows)} rows ({splits}) from {len(dataset.documents)} documents"
        f" to {out}; {dataset.unresolved_units} units unresolved ({fate})"
    )
    if dataset.left_out:
        summary += f"; {len(dataset.left_out)} labels left out (listed above)"
    say(summary)
