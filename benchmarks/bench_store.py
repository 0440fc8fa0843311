"""Benchmark: load a large annotation store into the latest-label view.

Builds a store of `--records` records (default 1,000,000) over 10 annotators, labelled on the
default fact-check schema as the annotation UI writes it: every pick of a value is saved as a
`draft` revision, then the unit is declared done (3% flagged; 5% of units are skipped without a
pick), and one visit in ten returns to a recent unit to change its label or undo. That makes about
6 records per unit (median 7), so the heads are about a sixth of the records. Then it measures in
the same run:

  orjson.loads  read every file, split it into lines, `orjson.loads` each line (results dropped)
  kept          the same, keeping every parsed record in a list (collector paused, never resumed):
                the floor for a loader that would hand back every record
  load_store    `annotator.store.load_store`: record checks and the latest view (heads only;
                `validate` asks it to keep every record). It resumes the collector, whose first
                pass over the kept heads is counted; the later passes that a long run makes over
                whatever it keeps (as `annotator stats` does) are not, for any measure.

Each measurement runs in a fresh child process (as a real `annotator` command would); the best
of `--repeat` runs is reported, as CPU time (user + system: steadier than wall time on a shared
machine) and wall time, with the peak resident memory of the child (VmHWM, which includes the
interpreter, about 15 MB). Ratios are against `orjson.loads`. Times are not asserted.

    python benchmarks/bench_store.py [--records N] [--repeat R] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from annotator.store.read import load_store

if TYPE_CHECKING:
    from annotator.schema.model import Schema

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "annotator" / "schema" / "factcheck.v1.json"
ANNOTATORS = 10
UNITS_PER_DOC = 30
REVISIT = 0.1  # share of visits that return to a recent unit
SOURCES = ("the ministry", "the North's state media", "a senior official", "analysts", "police", "the report")


def random_labels(schema: Schema, rng: random.Random) -> dict:
    """Labels a careful annotator could have given: applicable fields only, optional ones sometimes."""
    labels: dict = {}
    for field in schema.fields:
        if not schema.applies(field, labels) or (not field.required and rng.random() < 0.7):
            continue
        if field.kind == "single":
            labels[field.id] = rng.choice(field.value_ids)
        elif field.kind == "multi":
            picked = set(rng.sample(field.value_ids, rng.choice((1, 1, 2))))
            labels[field.id] = [value for value in field.value_ids if value in picked]
        else:
            labels[field.id] = rng.choice(SOURCES) if field.id == "source" else "quoted figure, check the release"
    return labels


Place = tuple[str, int, int, str, str]  # a unit: doc, start, end, the document's sha256, the text's


def synthetic_place(number: int, rng: random.Random) -> Place:
    """The `number`th unit of documents of `UNITS_PER_DOC` sentences that no corpus holds."""
    doc, index = divmod(number, UNITS_PER_DOC)
    key = (f"wire/2026-08-{doc % 28 + 1:02d}-{doc:05d}", index * 140, index * 140 + rng.randrange(40, 130))
    return (*key, hashlib.sha256(key[0].encode()).hexdigest(), hashlib.sha256(f"{key}".encode()).hexdigest())


def annotator_records(annotator: str, count: int, schema: Schema, rng: random.Random, places: Sequence[Place] = ()) -> list[dict]:
    """`count` records in file order, as the UI writes them: units labelled in reading order, every
    pick of a value saved as a `draft` revision and the unit then declared done (or flagged, or
    skipped), with now and then a return to a recent unit to change a label or undo. The units are
    `places` in order (a corpus's), then synthetic ones."""
    records: list[dict] = []
    heads: dict[Place, dict] = {}
    superseded: dict[Place, dict] = {}  # the record each head replaced: what undo restores
    keys: list[Place] = []  # in the order first labelled
    while len(records) < count:
        if keys and rng.random() < REVISIT:
            key = keys[-rng.randrange(1, min(64, len(keys)) + 1)]
            steps = revisit_steps(superseded.get(key), schema, rng)
        else:
            key = places[len(keys)] if len(keys) < len(places) else synthetic_place(len(keys), rng)
            keys.append(key)
            steps = first_steps(schema, rng)
        for labels, status in steps[: count - len(records)]:
            record = new_record(annotator, key, heads.get(key), labels, status, schema, rng, len(records))
            if key in heads:
                superseded[key] = heads[key]
            heads[key] = record
            records.append(record)
    return records


def first_steps(schema: Schema, rng: random.Random) -> list[tuple[dict, str]]:
    """(labels, status) of each record of a unit's first visit: one draft per pick, then the verdict."""
    if rng.random() < 0.05:
        return [({}, "skipped")]
    labels: dict = {}
    steps = []
    for field_id, value in random_labels(schema, rng).items():
        for picked in [value[: n + 1] for n in range(len(value))] if isinstance(value, list) else [value]:
            labels = {**labels, field_id: picked}  # a multi field's values are toggled on one by one
            steps.append((labels, "draft"))
    return [*steps, (labels, "flagged" if rng.random() < 0.03 else "done")]


def revisit_steps(before: dict | None, schema: Schema, rng: random.Random) -> list[tuple[dict, str]]:
    """An undo of the last change, or a label changed and the unit declared done again."""
    if rng.random() < 0.3:
        return [(before["labels"], before["status"]) if before else ({}, "retracted")]
    labels = random_labels(schema, rng)
    return [(labels, "draft"), (labels, "done")]


def new_record(
    annotator: str, key: Place, prev: dict | None, labels: dict, status: str, schema: Schema, rng: random.Random, n: int
) -> dict:
    record = {
        "format": 1, "id": f"{rng.getrandbits(128):032x}", "annotator": annotator,
        "doc": key[0], "doc_sha256": key[3], "start": key[1], "end": key[2],
        "text_sha256": key[4], "schema": schema.name, "schema_version": schema.version,
        "labels": labels, "status": status, "rev": prev["rev"] + 1 if prev else 1, "prev": prev["id"] if prev else None,
        "ts": f"2026-11-{n // 86_400_000 % 28 + 1:02d}T{n // 3_600_000 % 24:02d}:{n // 60_000 % 60:02d}:{n // 1000 % 60:02d}.{n % 1000:03d}Z",
    }  # fmt: skip
    if labels and rng.random() < 0.3:
        record["origin"] = {field: "suggested" if rng.random() < 0.5 else "typed" for field in labels}
    record["seconds"] = round(rng.uniform(2, 90), 1)
    return record


def build_store(store_dir: Path, records: int, seed: int = 7, places: Sequence[Place] = ()) -> tuple[int, int]:
    """Write the store, labelling `places` first (see `annotator_records`); returns its size in
    bytes and the number of (annotator, unit) labelled."""
    from annotator.schema.load import load_schema

    rng = random.Random(seed)
    schema = load_schema(SCHEMA_PATH)
    store_dir.mkdir(parents=True, exist_ok=True)
    size = units = 0
    for i in range(ANNOTATORS):
        annotator = f"annotator{i:02d}"
        count = records // ANNOTATORS + (1 if i < records % ANNOTATORS else 0)
        written = annotator_records(annotator, count, schema, rng, places)
        data = b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in written)
        (store_dir / f"{annotator}.jsonl").write_bytes(data)
        size += len(data)
        units += len({(r["doc"], r["start"], r["end"]) for r in written})
    return size, units


def _lines(store_dir: Path) -> Iterator[list[bytes]]:
    """The lines of each file in turn, as `load_store` reads them."""
    for path in sorted(store_dir.glob("*.jsonl")):
        yield path.read_bytes().split(b"\n")[:-1]


def measure_baseline(store_dir: Path) -> None:
    loads = orjson.loads
    for lines in _lines(store_dir):
        for line in lines:
            loads(line)


def measure_kept(store_dir: Path) -> None:
    gc.disable()
    loads = orjson.loads
    kept = [[loads(line) for line in lines] for lines in _lines(store_dir)]
    assert kept


def measure_load(store_dir: Path) -> None:
    view = load_store(store_dir)
    assert view.latest and not view.problems, view.problems[:3]


MEASURES: dict[str, Callable[[Path], None]] = {
    "orjson.loads": measure_baseline,
    "kept": measure_kept,
    "load_store": measure_load,
}


def child(measure: str, store_dir: Path) -> None:
    """Run one measurement in this process and print it as JSON."""
    wall, cpu = time.perf_counter(), time.process_time()
    MEASURES[measure](store_dir)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"cpu": cpu, "wall": wall, "peak_mb": peak_rss_mb()}))


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM, not ru_maxrss: across exec, ru_maxrss
    keeps the parent's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(measure: str, store_dir: Path) -> dict:
    """The measure, in a fresh process with an empty cache: a first read (`bench_reopen` measures reading again)."""
    command = [sys.executable, __file__, "--child", measure, str(store_dir)]
    with tempfile.TemporaryDirectory(prefix="bench-store-cache-") as cache:
        environment = {**os.environ, "ANNOTATOR_CACHE_DIR": cache}
        return json.loads(subprocess.run(command, check=True, capture_output=True, text=True, env=environment).stdout)


def benchmark(store_dir: Path, records: int, repeat: int) -> None:
    start = time.perf_counter()
    size, units = build_store(store_dir, records)
    print(
        f"built {records:,} records, {ANNOTATORS} annotators, {records / units:.1f} records per labelled unit,"
        f" {size / 1e6:.0f} MB in {time.perf_counter() - start:.1f} s"
    )
    runs: dict[str, list[dict]] = {measure: [] for measure in MEASURES}
    for _ in range(repeat):  # interleaved, so that a busy spell of the machine hits every measure
        for measure in MEASURES:
            runs[measure].append(run_child(measure, store_dir))
    best = print_best(runs, repeat)
    print(f"load_store / kept (cpu): {best['load_store']['cpu'] / best['kept']['cpu']:.2f}")


def print_best(runs: dict[str, list[dict]], repeat: int) -> dict[str, dict[str, float]]:
    """Print each measure's best cpu and wall time of its child runs, with its ratio to the orjson.loads
    baseline and its peak memory; the best times, by measure."""
    best = {measure: {key: min(run[key] for run in results) for key in ("cpu", "wall")} for measure, results in runs.items()}
    baseline = best["orjson.loads"]
    print(f"{'measure':<14}{'cpu s':>8}{'ratio':>7}{'wall s':>9}{'ratio':>7}{'peak RSS MB':>13}   (best of {repeat}, fresh process each)")
    for measure, result in best.items():
        peak = max(run["peak_mb"] for run in runs[measure])
        cpu, wall = result["cpu"], result["wall"]
        print(f"{measure:<14}{cpu:>8.2f}{cpu / baseline['cpu']:>7.2f}{wall:>9.2f}{wall / baseline['wall']:>7.2f}{peak:>13.0f}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000, help="records in the store (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (default: %(default)s)")
    parser.add_argument("--keep", type=Path, help="build the store in this folder and keep it (default: a temporary folder)")
    parser.add_argument("--child", nargs=2, metavar=("MEASURE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
    elif args.keep:
        benchmark(args.keep, args.records, args.repeat)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
            benchmark(Path(folder), args.records, args.repeat)


if __name__ == "__main__":
    main()
