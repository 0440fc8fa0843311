"""Annotation UI speed: launch time on a big corpus, and labelling latency, each against a baseline.

    python benchmarks/bench_tui.py [--sentences 100000] [--label 1000]

1. Launch: time from starting a process to its first screen, composed and drawn, for the
   annotation app on a corpus of `--sentences` sentences and for an empty Textual app, by the same
   harness in the same run: `--runs` rounds, each starting one of each (a busy spell of the machine
   hits both), after one unmeasured round. The annotation child builds the real command line
   (`annotator annotate PATH --as ...`) and runs what `annotate` runs (`open_app`), headless.
   Caches are warm, as at every launch but the first: the segmentation cache, the operating
   system's file cache, and Python's bytecode cache (kept in a temporary folder, so it is on even
   where PYTHONDONTWRITEBYTECODE is set). Wall time (spawn to first screen) and the child's CPU time
   (user + system, steadier on a shared machine) are printed, best and median (target: at most 2x
   the empty app).
2. Latency: in one app, opened as `annotate` opens it (the collector paused until the first screen,
   then everything built so far frozen: without that a full collection every ~90 keys costs enter
   ~40 ms at p99), `--label` sentences are labelled with a digit, saved with enter (the
   record fsynced by the writer thread and confirmed on screen) and advanced, against a key press
   that is bound to nothing (target: p99 at most 1.5x).

Prints figures and ratios; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.tui.app import AnnotatorApp

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "annotator" / "schema" / "factcheck.v1.json"
PER_DOCUMENT = 100
NO_OP_KEY = "x"
SIZE = (120, 40)  # the terminal both apps run in


def write_corpus(folder: Path, sentences: int) -> None:
    """`sentences` sentences in documents of 100, five sentences a paragraph."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc in range(max(1, sentences // PER_DOCUMENT)):
        count = min(PER_DOCUMENT, sentences - doc * PER_DOCUMENT)
        said = [f"Officials said on day {doc} that step {n} of the plan was complete." for n in range(count)]
        paragraphs = [" ".join(said[i : i + 5]) for i in range(0, count, 5)]
        (folder / f"doc{doc:05d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def child(kind: str, corpus: str, store: str) -> None:
    """Run one app headless; print the wall-clock time at which its first screen is composed and
    drawn, and the CPU time this process has used until then."""

    async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
        # The app is ready before its screen is composed: wait until the screen and its widgets have
        # handled what they were sent (compose, mount, first layout) and the first frame is drawn.
        await pilot.pause(0)
        if kind == "annotator":
            pilot.app.screen.query_one("#sentences")  # raises if the annotation screen is not there yet
        print(time.time(), time.process_time(), flush=True)
        pilot.app.exit()

    if kind == "empty":
        from textual.app import App

        App().run(headless=True, size=SIZE, auto_pilot=ready)
        return
    open_annotator(corpus, store).run(headless=True, size=SIZE, auto_pilot=ready)


def open_annotator(corpus: str, store: str) -> AnnotatorApp:
    """The annotation app as `annotator annotate CORPUS --as bench --store STORE` opens it."""
    from annotator.cli.annotate import open_app
    from annotator.cli.main import build_parser

    args = build_parser("annotate").parse_args(["annotate", corpus, "--as", "bench", "--schema", str(SCHEMA), "--store", store])
    return open_app(args)


def launch_seconds(kind: str, corpus: Path, store: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds from spawning a child to its first screen, composed and drawn."""
    started = time.time()
    command = [sys.executable, __file__, "--child", kind, "--corpus", str(corpus), "--store", str(store)]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(f"the {kind} app did not start:\n{done.stderr}")
    ready, cpu = done.stdout.split()
    return float(ready) - started, float(cpu)


def launch_rounds(temp: Path, corpus: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    """`runs` measured rounds of one empty app and one annotation app, after one unmeasured round."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(temp / "pycache")
    times: dict[str, list[tuple[float, float]]] = {"empty": [], "annotator": []}
    for round_ in range(runs + 1):
        for kind, found in times.items():
            measured = launch_seconds(kind, corpus, temp / f"store-{kind}-{round_}", env)
            if round_:
                found.append(measured)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def latencies(corpus: Path, store: Path, count: int) -> dict[str, list[float]]:
    """Seconds per key press: bound to nothing; a digit that labels; enter that saves (until the
    writer confirms the record is on disk) and advances. The app is opened as `annotate` opens it
    (`open_app`: the collector paused until the first screen, then what was built frozen)."""
    app = open_annotator(str(corpus), str(store))
    session = app.session
    times: dict[str, list[float]] = {"no-op key press": [], "label (digit)": [], "save + advance (enter)": []}
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(count):
            started = time.perf_counter()
            await pilot.press(NO_OP_KEY)
            times["no-op key press"].append(time.perf_counter() - started)
        for _ in range(count):
            index = session.cursor
            started = time.perf_counter()
            await pilot.press("1")
            times["label (digit)"].append(time.perf_counter() - started)
            started = time.perf_counter()
            await pilot.press("enter")
            while session.status(index) != "done" or session.is_saving(index):
                if app.save_failure:
                    raise SystemExit(f"a save failed: {app.save_failure}")
                await pilot.pause(0)
            times["save + advance (enter)"].append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--label", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", choices=["empty", "annotator"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.corpus, args.store)
        return
    with tempfile.TemporaryDirectory() as temp:
        run(Path(temp), args)


def run(temp: Path, args: argparse.Namespace) -> None:
    os.environ.setdefault("ANNOTATOR_CACHE_DIR", str(temp / "cache"))
    corpus = temp / "corpus"
    write_corpus(corpus, args.sentences)
    from annotator.corpus.load import load_corpus

    started = time.perf_counter()
    total = len(load_corpus([corpus]).units())
    print(f"corpus: {total} sentences; first segmentation (warms the cache) {time.perf_counter() - started:.1f} s")

    launches = launch_rounds(temp, corpus, args.runs)
    print(f"launch to first screen ({args.runs} rounds, warm caches; target: ratio <= 2):")
    for index, clock in enumerate(("wall", "cpu")):
        empty, ours = ([run[index] for run in launches[kind]] for kind in ("empty", "annotator"))
        print(
            f"  {clock:<4} best: empty app {min(empty):.3f} s, annotator {min(ours):.3f} s, ratio {min(ours) / min(empty):.2f};"
            f" median: {statistics.median(empty):.3f} s, {statistics.median(ours):.3f} s, ratio {statistics.median(ours) / statistics.median(empty):.2f}"
        )

    times = asyncio.run(latencies(corpus, temp / "latency-store", min(args.label, total)))
    baseline = times["no-op key press"]
    for name, values in times.items():
        print(
            f"{name}: median {statistics.median(values) * 1000:.1f} ms, p99 {percentile(values, 0.99) * 1000:.1f} ms"
            f" over {len(values)}; ratio to no-op: p99 {percentile(values, 0.99) / percentile(baseline, 0.99):.2f} (target <= 1.5),"
            f" median {statistics.median(values) / statistics.median(baseline):.2f}"
        )


if __name__ == "__main__":
    main()
