"""Benchmark: what each command costs on a project of 100,000, 300,000 and 1,000,000 records.

Writes a wire corpus of `--sentences` sentences (`bench_corpus`), segments it once (the cache is
kept for every run), then for each size builds the store of `bench_store` on the corpus's units (10
annotators, labelling them in reading order, about 6 records per labelled unit) and measures in the
same run, each in a fresh process with the files in the page cache, twice: with no store index (the
first command run on the store) and with the indexes an earlier read made (every later command, as
long as the files only grew; `bench_reopen` measures that with new records):

  orjson.loads        read every annotation file, split it into lines, `orjson.loads` each line: the baseline
  load_store          the store's heads, as every command reads them
  validate            `annotator validate`
  stats --bootstrap 0 `annotator stats` without intervals
  stats               `annotator stats` with `--bootstrap` resamples (default 1,000)
  stats --pairs       the same with every pair of annotators' kappa interval (as `--json` too)
  export              `annotator export --format jsonl` to a new folder

Wall time is the best of `--repeat` runs; the ratio is against the baseline's; peak is the child's
resident memory (VmHWM) and its ratio against load_store's. Times are not asserted.

    python benchmarks/bench_scale.py [--sizes 100000,300000,1000000] [--sentences N] [--repeat R] [--bootstrap B]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_corpus import build_corpus  # benchmarks/, beside this script
from bench_store import SCHEMA_PATH, Place, build_store, measure_baseline, peak_rss_mb

from annotator.cli.main import main as annotator_main
from annotator.corpus.load import load_corpus
from annotator.store.read import load_store


def commands(project: Path, bootstrap: int) -> dict[str, list[str]]:
    """Each command measured, as its arguments ([] for the in-process measures)."""
    common = ["--store", str(project / "store"), "--schema", str(SCHEMA_PATH), str(project / "corpus")]
    return {
        "orjson.loads": [],
        "load_store": [],
        "validate": ["validate", *common],
        "stats --bootstrap 0": ["stats", "--bootstrap", "0", *common],
        "stats": ["stats", "--bootstrap", str(bootstrap), *common],
        "stats --pairs": ["stats", "--bootstrap", str(bootstrap), "--pairs", *common],
        "export": ["export", "--out", str(project / "export"), "--format", "jsonl", *common],
    }


def child(measure: str, store_dir: Path, arguments: list[str]) -> None:
    """Run one measurement in this process and print it as JSON."""
    wall = time.perf_counter()
    if measure == "orjson.loads":
        measure_baseline(store_dir)
    elif measure == "load_store":
        load_store(store_dir)
    else:
        code = annotator_main(arguments)
        if code not in (0, 1):
            raise SystemExit(f"{measure} exited with {code}")
    print(json.dumps({"wall": time.perf_counter() - wall, "peak_mb": peak_rss_mb()}), file=sys.stderr)  # stdout: the command's


def run_child(measure: str, project: Path, arguments: list[str], *, indexed: bool) -> dict:
    """One measurement in a fresh process; with `indexed`, the store's indexes made by an earlier
    read are kept, else removed first."""
    cache = project / "cache"
    if not indexed:
        for index in cache.glob("store-index-*"):
            shutil.rmtree(index)
    shutil.rmtree(project / "export", ignore_errors=True)
    command = [sys.executable, __file__, "--child", measure, str(project / "store"), json.dumps(arguments)]
    environment = {**os.environ, "ANNOTATOR_CACHE_DIR": str(cache)}
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=environment)
    if result.returncode:
        raise SystemExit(f"{measure} failed:\n{result.stderr}")
    return json.loads(result.stderr.splitlines()[-1])


def corpus_places(project: Path, sentences: int) -> list[Place]:
    """Write and segment the corpus (into the project's cache); its units, in reading order."""
    build_corpus(project / "corpus", sentences, random.Random(3))
    corpus = load_corpus([project / "corpus"], cache_dir=project / "cache")
    sha = {document.id: document.sha256 for document in corpus.documents}
    return [(unit.doc, unit.start, unit.end, sha[unit.doc], unit.text_sha256) for unit in corpus.units()]


def measure_size(project: Path, records: int, places: list[Place], repeat: int, bootstrap: int) -> None:
    shutil.rmtree(project / "store", ignore_errors=True)
    size, units = build_store(project / "store", records, places=places)
    print(f"\n{records:,} records ({size / 1e6:.0f} MB, {units:,} labels of annotator and unit)")
    measures = commands(project, bootstrap)
    first: dict[str, list[dict]] = {measure: [] for measure in measures}
    again: dict[str, list[dict]] = {measure: [] for measure in measures}
    for _ in range(repeat):  # interleaved, so that a busy spell of the machine hits every measure
        for measure, arguments in measures.items():
            first[measure].append(run_child(measure, project, arguments, indexed=False))
        run_child("load_store", project, [], indexed=False)  # makes the indexes
        for measure, arguments in measures.items():
            again[measure].append(run_child(measure, project, arguments, indexed=True))
    print_table("first read (no store index)", first, repeat)
    print_table("read before (the store indexes of an earlier read)", again, repeat)


def print_table(title: str, runs: dict[str, list[dict]], repeat: int) -> None:
    wall = {measure: min(run["wall"] for run in found) for measure, found in runs.items()}
    baseline = wall["orjson.loads"]
    peak = {measure: max(run["peak_mb"] for run in found) for measure, found in runs.items()}
    print(f"{title}:")
    print(
        f"{'command':<22}{'wall s':>8}{'ratio':>8}{'peak MB':>9}{'ratio':>7}   (ratios: to the orjson.loads loop, to load_store; best of {repeat})"
    )
    for measure in runs:
        print(
            f"{measure:<22}{wall[measure]:>8.2f}{wall[measure] / baseline:>8.2f}{peak[measure]:>9.0f}{peak[measure] / peak['load_store']:>7.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,300000,1000000", help="records in the store, comma-separated (default: %(default)s)")
    parser.add_argument("--sentences", type=int, default=20_000, help="sentences in the corpus (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement (default: %(default)s)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="resamples of the full stats (default: %(default)s)")
    parser.add_argument("--keep", type=Path, help="build the project in this folder and keep it (default: a temporary folder)")
    parser.add_argument("--child", nargs=3, metavar=("MEASURE", "STORE", "ARGUMENTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), json.loads(args.child[2]))
        return
    with contextlib.ExitStack() as stack:
        project = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-scale-")))
        start = time.perf_counter()
        places = corpus_places(project, args.sentences)
        print(f"corpus: {len(places):,} sentences, segmented in {time.perf_counter() - start:.1f} s")
        for records in (int(size) for size in args.sizes.split(",")):
            measure_size(project, records, places, args.repeat, args.bootstrap)


if __name__ == "__main__":
    main()
