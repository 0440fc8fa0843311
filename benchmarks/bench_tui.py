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
2. Key latency in a real terminal: `annotator annotate` runs in a pseudo-terminal read by a
   terminal emulator (pyte, as tests/terminal.py does); each key's bytes are written to it and the
   latency is the time until the screen last changed, once nothing has changed for `--quiet`
   seconds. `--label` sentences are labelled with a digit and saved with enter (which advances),
   then `j` moves over `--label` sentences without labels, then over as many with labels: the
   annotator's own file holds `--own-records` records labelling the sentences from there on. The baseline is `minimal_app.py` in the same terminal, making the same kind of change for
   the same keys. Targets: `j` over labelled sentences at most 1.5x `j` over unlabelled ones (p99).

Prints figures and ratios; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from annotator.tui.app import AnnotatorApp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests/terminal.py: the pseudo-terminal the UI tests use

from tests.terminal import TIMEOUT, Terminal  # noqa: E402

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


def labelled_store(store: Path, corpus: Path, first: int, records: int) -> None:
    """The file of `bench` in `store`: `records` records labelling the sentences from `first` on as
    the UI does (drafts per pick, done, revisits: `bench_store`), about one sentence in 6 records."""
    import random

    from bench_store import annotator_records

    from annotator.corpus.load import load_corpus
    from annotator.schema.load import load_schema

    loaded = load_corpus([corpus])
    sha = {document.id: document.sha256 for document in loaded.documents}
    places = [(unit.doc, unit.start, unit.end, sha[unit.doc], unit.text_sha256) for unit in loaded.units()[first:]]
    written = annotator_records("bench", records, load_schema(SCHEMA), random.Random(5), places)
    store.mkdir(parents=True, exist_ok=True)
    (store / "bench.jsonl").write_bytes(b"".join(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE) for record in written))


def settle_seconds(terminal: Terminal, key: bytes, quiet: float) -> float:
    """Seconds from writing `key` to the terminal until its screen last changed, once it has not
    changed for `quiet` seconds."""
    shown = terminal.text()
    started = time.perf_counter()
    os.write(terminal.master, key)
    changed = None
    while changed is None or time.perf_counter() - changed < quiet:
        if changed is None and time.perf_counter() - started > TIMEOUT:
            raise SystemExit(f"the screen did not change after {key!r}:\n{shown}")
        terminal.read(quiet / 4)
        if terminal.text() != shown:
            shown, changed = terminal.text(), time.perf_counter()
    return changed - started


def drain(terminal: Terminal, quiet: float) -> None:
    """Read until the screen has not changed for `quiet` seconds."""
    shown, changed = terminal.text(), time.perf_counter()
    while time.perf_counter() - changed < quiet:
        terminal.read(quiet / 4)
        if terminal.text() != shown:
            shown, changed = terminal.text(), time.perf_counter()


def key_latencies(command: list[str], ready: str, count: int, quiet: float) -> dict[str, list[float]]:
    """Seconds per key press in a terminal running `command`, once `ready` shows: a digit then
    enter on `count` sentences, `j` over `count` more, then over `count` more (those the
    annotation run's store has labels for)."""
    times: dict[str, list[float]] = {"digit": [], "enter": [], "j (unlabelled)": [], "j (labelled)": []}
    terminal = Terminal(command, size=SIZE)
    try:
        terminal.wait_for(lambda text: ready in text, description=f"{ready!r} on the first screen", seconds=TIMEOUT)
        drain(terminal, quiet)  # let the first screen finish
        for _ in range(count):
            times["digit"].append(settle_seconds(terminal, b"1", quiet))
            times["enter"].append(settle_seconds(terminal, b"\r", quiet))
        for name in ("j (unlabelled)", "j (labelled)"):
            times[name] += [settle_seconds(terminal, b"j", quiet) for _ in range(count)]
    finally:
        terminal.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--label", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quiet", type=float, default=0.15, help="seconds without a change that end a key's latency")
    parser.add_argument("--own-records", type=int, default=100_000, help="records in the annotator's own file (default: %(default)s)")
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

    count = min(args.label, total // 3)
    store = temp / "latency-store"
    labelled_store(store, corpus, 2 * count, args.own_records)
    annotate = [sys.executable, "-m", "annotator", "annotate", str(corpus), "--as", "bench", "--schema", str(SCHEMA), "--store", str(store)]
    ours = key_latencies(annotate, "sentence 1", count, args.quiet)
    minimal = key_latencies([sys.executable, str(REPO / "benchmarks" / "minimal_app.py")], "sentence 1", count, args.quiet)
    print(
        f"key latency in a real terminal (until the screen settles; {count} presses each; the annotator's own file holds"
        f" {args.own_records:,} records; baseline: minimal_app.py):"
    )
    for name, values in ours.items():
        baseline = minimal["j (unlabelled)" if name.startswith("j") else name]
        print(
            f"  {name:<15} median {statistics.median(values) * 1000:6.1f} ms, p99 {percentile(values, 0.99) * 1000:6.1f} ms;"
            f" minimal app: median {statistics.median(baseline) * 1000:6.1f} ms, p99 {percentile(baseline, 0.99) * 1000:6.1f} ms;"
            f" ratio p99 {percentile(values, 0.99) / percentile(baseline, 0.99):.2f}"
        )
    labelled, unlabelled = (percentile(ours[name], 0.99) for name in ("j (labelled)", "j (unlabelled)"))
    print(f"j over labelled / unlabelled sentences (p99): {labelled / unlabelled:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
