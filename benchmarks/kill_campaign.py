"""The kill -9 campaign: the crash tests of the test suite, run many more times, with their figures.

  store   a child appends records (every fourth with a note up to 4 MB) and is killed at a random
          moment; every record whose append returned is in the file, every earlier one intact, a
          torn last line set aside byte for byte (tests/unit/store/test_store_crash.py)
  pull    the same child, its file replaced three times as git pull does (one record from another
          machine in each of the last two), then killed: every returned record and every pulled one
          is in the file, once, in valid chains
  ui      the real annotation app, driven by random keys, killed at a random moment: every record
          the screen was told is on disk is in the file, which opens again (tests/tui/test_kill_ui.py)
  export  an export rewritten in a loop, killed at a random moment: --out holds the whole previous
          or the whole new export (tests/unit/dataset/test_export.py)

Any trial that fails stops the campaign with its assertion. Prints the figures; asserts nothing else.

    python benchmarks/kill_campaign.py [--store N] [--pull N] [--ui N] [--export N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from annotator.dataset.folder import check_out_dir, write_folder  # noqa: E402
from tests.tui import test_kill_ui  # noqa: E402
from tests.unit.dataset import test_export  # noqa: E402
from tests.unit.store import test_store_crash  # noqa: E402

KILLS_PER_STORE = 5  # then a new store, so that the files (with their long notes) stay small to read


def store(trials: int, rng: random.Random, tmp: Path) -> str:
    acknowledged = torn = on_disk = 0
    for trial in range(trials):
        folder = tmp / f"store{trial // KILLS_PER_STORE}"
        if trial % KILLS_PER_STORE == 0:
            records: list[dict] = []
            printed: set[str] = set()
        new = set(test_store_crash.run_and_kill(folder, rng))
        printed |= new
        records, was_torn = test_store_crash.check_after_kill(folder, records, printed)
        acknowledged += len(new)
        torn += was_torn
        if trial % KILLS_PER_STORE == KILLS_PER_STORE - 1 or trial == trials - 1:
            on_disk += len(records)
            shutil.rmtree(folder)
    return f"store: {trials} kills, {acknowledged} appends returned, all on disk ({on_disk} records); {torn} torn lines set aside"


def pull(trials: int, rng: random.Random, tmp: Path) -> str:
    acknowledged = brought = on_disk = 0
    for trial in range(trials):
        folder = tmp / f"pull{trial}"
        printed, pulled = test_store_crash.pull_during_appends(folder, rng, pulls=3)
        on_disk += test_store_crash.check_after_pulls(folder, printed, pulled)
        acknowledged, brought = acknowledged + len(printed), brought + len(pulled)
        shutil.rmtree(folder)
    return (
        f"pull: {trials} trials of 3 pulls during appends then a kill: {acknowledged} appends returned and {brought} pulled"
        f" records, all in the file ({on_disk} records)"
    )


def ui(trials: int, rng: random.Random, tmp: Path) -> str:
    corpus = test_kill_ui.corpus(tmp / "corpus")
    acknowledged: set[str] = set()
    on_disk = 0
    for trial in range(trials):
        folder = tmp / f"ui{trial // KILLS_PER_STORE}"
        if trial % KILLS_PER_STORE == 0:
            acknowledged = set()
        acknowledged |= set(test_kill_ui.kill_the_app(corpus, folder, rng, latest=2.0))
        records = test_kill_ui.check_after_kill(folder, acknowledged)
        if trial % KILLS_PER_STORE == KILLS_PER_STORE - 1 or trial == trials - 1:
            on_disk += records
    return f"ui: {trials} kills of the app, every record the screen called saved on disk ({on_disk} records)"


def export(trials: int, rng: random.Random, tmp: Path) -> str:
    out = tmp / "out"
    write_folder(out, test_export.export_files(1))
    outcomes = {0: 0, 1: 0}
    for _trial in range(trials):
        child = subprocess.Popen([sys.executable, "-c", test_export.KILLED_EXPORT, str(out)], cwd=REPO, stdout=subprocess.PIPE)
        assert child.stdout is not None
        for _round in range(rng.choice((1, 2))):
            child.stdout.readline()
        time.sleep(rng.uniform(0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.communicate()
        check_out_dir(out)
        found = test_export.folder_files(out)
        version = next(version for version in (0, 1) if found == test_export.export_files(version))
        outcomes[version] += 1
        for leftover in tmp.iterdir():
            if leftover.name.startswith(".out."):
                shutil.rmtree(leftover)
    return f"export: {trials} kills, --out whole every time ({outcomes[0]} times one version, {outcomes[1]} the other)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=int, default=200)
    parser.add_argument("--pull", type=int, default=100)
    parser.add_argument("--ui", type=int, default=40)
    parser.add_argument("--export", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for name, run in (("store", store), ("pull", pull), ("ui", ui), ("export", export)):
        trials = getattr(args, name)
        if trials:
            started = time.monotonic()
            with tempfile.TemporaryDirectory(prefix=f"kill-{name}-") as tmp:
                print(f"{run(trials, rng, Path(tmp))} [{time.monotonic() - started:.0f} s]", flush=True)


if __name__ == "__main__":
    main()
