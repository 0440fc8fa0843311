"""`annotator export --out DIR ...`: write the gold-labelled units as a dataset folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.options import (
    add_corpus_paths,
    add_min_agreement_option,
    add_schema_option,
    add_store_option,
    columns,
    corpus_paths,
    say,
    say_segmenting,
)
from annotator.corpus.load import load_documents
from annotator.dataset.build import Dataset, ExportOptions, build_dataset
from annotator.dataset.folder import check_out_dir, export, interrupted_exports
from annotator.dataset.formats import FORMATS, import_pyarrow
from annotator.dataset.splits import DEFAULT_SPLITS, parse_splits
from annotator.errors import EXIT_DATA_PROBLEMS, EXIT_OK
from annotator.labels.gold import DAWID_SKENE, VOTES, check_min_agreement
from annotator.schema.load import read_schema_file
from annotator.store.read import require_store
from annotator.text import plural

GOLD_METHODS = {"votes": VOTES, "dawid-skene": DAWID_SKENE}  # option value -> gold.gold_units method


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_paths(parser)
    parser.add_argument("--out", required=True, type=Path, help="the dataset folder: new, empty or a previous export")
    parser.add_argument("--format", choices=FORMATS, default="jsonl", help="data file format (default: jsonl)")
    parser.add_argument("--split", default=DEFAULT_SPLITS, help=f"split shares by document (default: {DEFAULT_SPLITS})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split assignment (default: 0)")
    parser.add_argument(
        "--include-annotators",
        action="store_true",
        help="add each annotator's labels per field and the status of their label of each sentence",
    )
    parser.add_argument("--resolved-only", action="store_true", help="leave out units with an unresolved required field")
    add_min_agreement_option(parser, "for a gold label")
    parser.add_argument(
        "--gold", choices=GOLD_METHODS, default="votes",
        help="how annotators' votes decide a gold label: votes (unanimous or majority), or dawid-skene (choice fields:"
        " the Dawid-Skene model's most probable value, with a <field>_confidence column) (default: votes)",
    )  # fmt: skip
    add_store_option(parser)
    add_schema_option(parser)


def run(args: argparse.Namespace) -> int:
    dataset, corpus_problems = _build(args)
    export(args.out, dataset)
    _report(dataset, args.out)
    for leftover in interrupted_exports(args.out):
        say(f"{leftover}: a hidden folder left by an export that was interrupted; nothing uses it (delete it)")
    return EXIT_DATA_PROBLEMS if dataset.left_out or corpus_problems else EXIT_OK


def _build(args: argparse.Namespace) -> tuple[Dataset, int]:
    """The dataset, and how many corpus inputs were skipped (each said)."""
    options = ExportOptions(
        format=args.format,
        splits=tuple(parse_splits(args.split)),
        seed=args.seed,
        include_annotators=args.include_annotators,
        resolved_only=args.resolved_only,
        min_agreement=check_min_agreement(args.min_agreement),
        gold=GOLD_METHODS[args.gold],
    )
    if options.format == "parquet":
        import_pyarrow()
    check_out_dir(args.out)  # before the slow part: say at once that --out is unusable
    schema_file = read_schema_file(args.schema)
    require_store(args.store)
    corpus = load_documents(corpus_paths(args), on_segmenting=say_segmenting, columns=columns(args))
    for problem in corpus.problems:
        say(str(problem))
    return build_dataset(schema_file, corpus, args.store, options), len(corpus.problems)


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
        summary += f"; {plural(len(dataset.left_out), 'label')} left out (listed above)"
    say(summary)
