"""`annotator import` of a long table of votes, against a baseline measured in the same run.

    python benchmarks/bench_import.py [--votes 2000] [--annotators 5]

The table holds `--votes` votes, `--annotators` per item, on sentences of a corpus document (each
item placed on the unit whose text is its own). The baseline is the floor of any import: appending
the same records with `AnnotationLog.append` (one fsync each), into a fresh store. The import adds
reading and checking the table, mapping the labels, loading the corpus and placing the items.

Prints figures and the ratio; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SCHEMA = REPO / "tests" / "data" / "import" / "claims.v1.json"
VALUES = ("claim", "no_claim")


def write_project(folder: Path, items: int, annotators: int) -> Path:
    """A project whose one document holds `items` sentences, and a table of votes on each."""
    (folder / "documents").mkdir()
    sentences = [f"Officials said on day {item} that step {item * 7} of the plan was complete." for item in range(items)]
    (folder / "documents" / "report.txt").write_text(" ".join(sentences) + "\n", encoding="utf-8")
    (folder / "annotator.toml").write_text(f'corpus = ["documents"]\nschema = "{SCHEMA}"\nstore = "annotations"\n', encoding="utf-8")
    table = folder / "votes.csv"
    with open(table, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item", "text", "annotator", "worth"])
        for item, sentence in enumerate(sentences):
            for annotator in range(annotators):
                writer.writerow([f"q{item}", sentence, f"ann{annotator}", VALUES[(item * 3 + annotator) % 7 == 0]])
    return table


def appends(folder: Path, annotators: int) -> float:
    """Seconds to append one record per vote with the store's writer: the import's floor."""
    from annotator.corpus.load import load_corpus
    from annotator.store.log import AnnotationLog

    corpus = load_corpus([folder / "documents"])  # segmented (and cached) before the clock starts
    document = corpus.documents[0]
    started = time.perf_counter()
    for annotator in range(annotators):
        with AnnotationLog.open(folder / "baseline", f"ann{annotator}") as log:
            for unit in document.units:
                log.append(unit, doc_sha256=document.sha256, schema="claims", schema_version=1, labels={"worth": "claim"}, status="done")
    return time.perf_counter() - started


def imported(folder: Path, table: Path) -> float:
    import os

    from annotator.cli.main import main

    os.chdir(folder)
    started = time.perf_counter()
    status = main(["import", str(table), "--format", "long", "--field", "worth=worth"])
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"the import failed (exit {status})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--votes", type=int, default=2000)
    parser.add_argument("--annotators", type=int, default=5)
    args = parser.parse_args()
    items = max(1, args.votes // args.annotators)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        table = write_project(folder, items, args.annotators)
        floor = appends(folder, args.annotators)
        ours = imported(folder, table)
    votes = items * args.annotators
    print(f"{votes} votes, {items} items, {args.annotators} annotators")
    print(f"appending the records (baseline): {floor:.3f} s ({floor / votes * 1e3:.2f} ms a record)")
    print(f"annotator import:                  {ours:.3f} s ({ours / votes * 1e3:.2f} ms a vote)")
    print(f"ratio import / appends: {ours / floor:.2f}")


if __name__ == "__main__":
    main()
