"""Benchmark: the statistics screen closed while it computes stops its work and gives its memory back.

Builds the project of `bench_scale` (a corpus, and a store of `--records` records over 10
annotators), opens the annotation app on it as `annotator annotate` does (headless, under Pilot),
then:

  full     `a`, and the report computed to the end: its time, and the app's resident memory
           before and at the end (what a closed screen would keep if nothing were let go)
  closed   `a`, then `escape` as soon as the computation has begun: the time from `escape` until
           the computation has stopped (against the full computation's time), and the app's
           resident memory once it has (against before `a`)

Resident memory is VmRSS after a garbage collection; what Python frees may stay with the process
(the allocator keeps it for reuse), so the figure is an upper bound. Times are not asserted.

    python benchmarks/bench_stats_screen.py [--records N] [--sentences N]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import tempfile
import threading
import time
from pathlib import Path

from bench_scale import corpus_places  # benchmarks/, beside this script
from bench_store import build_store

from annotator.agreement import report
from annotator.tui.screens.stats import StatsScreen

SIZE = (120, 40)


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Watched:
    """When `build_report` begins and ends, seen from the event loop."""

    def __init__(self) -> None:
        self.begun = threading.Event()
        self.ended = threading.Event()
        build_report = report.build_report

        def watched(*arguments, **options):  # type: ignore[no-untyped-def]
            self.begun.set()
            try:
                return build_report(*arguments, **options)
            finally:
                self.ended.set()

        report.build_report = watched  # the screen imports it from the module when it computes

    def reset(self) -> None:
        self.begun.clear()
        self.ended.clear()


async def until(pilot, event: threading.Event) -> float:  # type: ignore[no-untyped-def]
    while not event.is_set():
        await pilot.pause(0.01)
    return time.perf_counter()


async def measure(project: Path) -> None:
    from bench_tui import SCHEMA  # the annotation app as bench_tui opens it

    from annotator.cli.annotate import open_app
    from annotator.cli.main import build_parser

    arguments = ["annotate", str(project / "corpus"), "--as", "annotator00", "--schema", str(SCHEMA), "--store", str(project / "store")]
    app = open_app(build_parser("annotate").parse_args(arguments))
    watched = Watched()
    async with app.run_test(size=SIZE) as pilot:
        gc.collect()
        before = resident_mb()
        started = time.perf_counter()
        await pilot.press("a")
        while not (isinstance(app.screen, StatsScreen) and app.screen.report is not None):
            await pilot.pause(0.05)
        full = time.perf_counter() - started
        computed = resident_mb()
        await pilot.press("escape")
        await until(pilot, watched.ended)
        watched.reset()
        gc.collect()
        after_full = resident_mb()

        await pilot.press("a")
        await until(pilot, watched.begun)
        closed = time.perf_counter()
        await pilot.press("escape")
        stopped = await until(pilot, watched.ended) - closed
        gc.collect()
        after_closed = resident_mb()
    print(f"full report: {full:.2f} s; resident memory {before:.0f} MB before `a`, {computed:.0f} MB with the report shown,")
    print(f"  {after_full:.0f} MB once closed ({after_full / before:.2f}x before; the report's modules, numpy among them, stay loaded)")
    print(f"closed while computing: stopped {stopped:.2f} s after escape ({stopped / full:.2f}x the full computation)")
    print(f"  resident memory once stopped: {after_closed:.0f} MB ({after_closed / after_full:.2f}x after the first report was closed)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=300_000, help="records in the store (default: %(default)s)")
    parser.add_argument("--sentences", type=int, default=20_000, help="sentences in the corpus (default: %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-stats-screen-") as folder:
        project = Path(folder)
        places = corpus_places(project, args.sentences)
        size, _ = build_store(project / "store", args.records, places=places)
        print(f"{args.records:,} records ({size / 1e6:.0f} MB) on {len(places):,} sentences")
        os.environ["ANNOTATOR_CACHE_DIR"] = str(project / "cache")
        asyncio.run(measure(project))


if __name__ == "__main__":
    main()
