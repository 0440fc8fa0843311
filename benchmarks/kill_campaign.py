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
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.tui import test_kill_ui  # noqa: E402
from tests.unit.dataset import test_export  # noqa: E402
from tests.unit.store import test_store_crash  # noqa: E402

CAMPAIGNS = {
    "store": test_store_crash.kills,
    "pull": test_store_crash.pulls,
    "ui": lambda tmp, rng, count: test_kill_ui.kills(tmp, rng, count, latest=2.0),
    "export": test_export.export_kills,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=int, default=200)
    parser.add_argument("--pull", type=int, default=100)
    parser.add_argument("--ui", type=int, default=40)
    parser.add_argument("--export", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for name, run in CAMPAIGNS.items():
        count = getattr(args, name)
        if count:
            started = time.monotonic()
            with tempfile.TemporaryDirectory(prefix=f"kill-{name}-") as tmp:
                print(f"{name}: {run(Path(tmp), rng, count)} [{time.monotonic() - started:.0f} s]", flush=True)


if __name__ == "__main__":
    main()
