"""Benchmark: reopening a store read before, after new records were appended, against reading it whole.

Builds the store of `bench_store` (`--records`, default 1,000,000, over 10 annotators), reads it
once so that the cache holds each file's index, then appends `--appended` more records (default
1,000, spread over the annotators, as they would label them). Then it measures in the same run,
each in a fresh child process with the files in the page cache:

  orjson.loads  read every file, split it into lines, `orjson.loads` each line (results dropped)
  no index      `load_store` where the cache cannot be written: every file read whole, no index
                made (what every read cost before indexes)
  full load     `load_store` with an empty cache: a first read, which also hashes each file and
                writes its index
  reopen        `load_store` with the indexes made before the new records: it hashes each file's
                bytes read before, parses the heads they hold and the records appended

The best of `--repeat` runs is reported as CPU time and wall time, with the peak resident memory.
The target of issue 15: reopen at most 0.2x the full load. Times are not asserted.

    python benchmarks/bench_reopen.py [--records N] [--appended N] [--repeat R] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_store import build_store, measure_baseline, peak_rss_mb, print_best  # benchmarks/, beside this script

from annotator.store.read import load_store

MEASURES = ("orjson.loads", "no index", "full load", "reopen")


def cut_appended(store_dir: Path, appended: int) -> dict[Path, bytes]:
    """Cut the last `appended` records off the store's files (the same share of each); the bytes cut."""
    files = sorted(store_dir.glob("*.jsonl"))
    cut = {}
    for number, path in enumerate(files):
        count = appended // len(files) + (1 if number < appended % len(files) else 0)
        lines = path.read_bytes().splitlines(keepends=True)
        path.write_bytes(b"".join(lines[: len(lines) - count]))
        cut[path] = b"".join(lines[len(lines) - count :])
    return cut


def child(measure: str, store_dir: Path) -> None:
    """Run one measurement in this process and print it as JSON."""
    wall, cpu = time.perf_counter(), time.process_time()
    if measure == "orjson.loads":
        measure_baseline(store_dir)
        heads = 0
    else:
        view = load_store(store_dir)
        assert not view.problems, view.problems[:3]
        heads = len(view.latest)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"cpu": cpu, "wall": wall, "peak_mb": peak_rss_mb(), "heads": heads}))


def run_child(measure: str, store_dir: Path, cache: Path) -> dict:
    command = [sys.executable, __file__, "--child", measure, str(store_dir)]
    environment = {**os.environ, "ANNOTATOR_CACHE_DIR": str(cache)}
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True, env=environment).stdout)


def benchmark(folder: Path, records: int, appended: int, repeat: int) -> None:
    store_dir, indexed = folder / "store", folder / "indexed-cache"
    start = time.perf_counter()
    size, _units = build_store(store_dir, records + appended)
    print(f"built {records + appended:,} records, {size / 1e6:.0f} MB in {time.perf_counter() - start:.1f} s")
    cut = cut_appended(store_dir, appended)
    shutil.rmtree(indexed, ignore_errors=True)
    run_child("full load", store_dir, indexed)
    for path, data in cut.items():
        with path.open("ab") as file:
            file.write(data)
    print(f"indexed {records:,} records, then appended {appended:,}")
    runs: dict[str, list[dict]] = {measure: [] for measure in MEASURES}
    for _ in range(repeat):  # interleaved, so that a busy spell of the machine hits every measure
        for measure in MEASURES:
            cache = folder / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            cache.unlink(missing_ok=True)
            if measure == "reopen":
                shutil.copytree(indexed, cache)
            elif measure == "no index":
                cache.write_bytes(b"")  # a file: no folder can be made in it
            runs[measure].append(run_child(measure, store_dir, cache))
    heads = {run["heads"] for measure in MEASURES[1:] for run in runs[measure]}
    assert len(heads) == 1, f"the reopened store differs from the one read whole: {heads} heads"
    best = print_best(runs, repeat)
    ratio = best["reopen"]["wall"] / best["full load"]["wall"]
    verdict = "within" if ratio <= 0.2 else "OVER"
    print(f"reopen / full load (wall): {ratio:.2f} ({verdict} the target of 0.2)")
    print(f"reopen / no index (wall): {best['reopen']['wall'] / best['no index']['wall']:.2f}")
    print(f"full load / no index (wall): {best['full load']['wall'] / best['no index']['wall']:.2f} (the cost of making the indexes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000, help="records read before (default: %(default)s)")
    parser.add_argument("--appended", type=int, default=1_000, help="records appended since (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (default: %(default)s)")
    parser.add_argument("--keep", type=Path, help="build the store in this folder and keep it (default: a temporary folder)")
    parser.add_argument("--child", nargs=2, metavar=("MEASURE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
    elif args.keep:
        benchmark(args.keep, args.records, args.appended, args.repeat)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-reopen-") as folder:
            benchmark(Path(folder), args.records, args.appended, args.repeat)


if __name__ == "__main__":
    main()
