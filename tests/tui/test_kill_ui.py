"""The real annotation app, driven by random keys in a child process, killed with SIGKILL at a random
moment: every record the screen was told is on disk is in the file, and the file opens again (a
torn last line set aside). `benchmarks/kill_campaign.py` runs many more trials."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from annotator.store.log import AnnotationLog
from annotator.store.read import read_log
from tests.tui.conftest import SCHEMA, SMALL_TEXT

TRIALS = 3
SEED = 20261203

# Presses random keys for ever; prints the id of each record as the app learns it is on disk (the
# session's confirm, right before the screen says "saved").
CHILD = """
import random, sys
from pathlib import Path
from annotator.tui.launch import prepare

rng = random.Random(int(sys.argv[4]))
KEYS = ["1", "2", "3", "4", "1", "2", "tab", "shift+tab", "enter", "enter", "s", "f", "u", "j", "k", "g", "escape"]

async def press_keys_for_ever(pilot):
    session = pilot.app.session
    confirm = session.confirm

    def confirmed(request, record):
        confirm(request, record)
        print(record["id"], flush=True)

    session.confirm = confirmed
    while True:
        await pilot.press(rng.choice(KEYS))
        if rng.random() < 0.2:
            await pilot.pause(rng.uniform(0, 0.05))

app = prepare(paths=[sys.argv[1]], annotator="tester", schema_path=Path(sys.argv[2]), store_dir=Path(sys.argv[3]))
app.run(headless=True, size=(100, 30), auto_pilot=press_keys_for_ever)
"""


def corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "news.txt").write_text(SMALL_TEXT * 3, encoding="utf-8")
    return folder


def kill_the_app(corpus_dir: Path, store_dir: Path, rng: random.Random, latest: float) -> list[str]:
    """Run the app until it has saved something, kill it up to `latest` seconds later; the ids it
    was told are on disk."""
    argv = [sys.executable, "-c", CHILD, str(corpus_dir), str(SCHEMA), str(store_dir), str(rng.randrange(2**32))]
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert child.stdout is not None
    first = child.stdout.readline()
    assert first, "the app stopped before saving anything"
    time.sleep(rng.uniform(0, latest))
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate()
    return (first + rest).decode().split("\n")[:-1]  # a line cut by the kill is not a printed id


def check_after_kill(store_dir: Path, acknowledged: set[str]) -> int:
    """What must hold after a kill: every acknowledged record on disk, and the file opens again; the
    records on disk."""
    contents = read_log(store_dir / "tester.jsonl")
    assert contents.problems == []
    assert acknowledged <= {record["id"] for record in contents.records}, "a record the screen called saved is missing"
    with AnnotationLog.open(store_dir, "tester") as log:
        assert log.records() == contents.records
    return len(contents.records)


def kills(tmp_path: Path, rng: random.Random, count: int, latest: float = 1.0) -> str:
    """`count` kills of the app, each checked; a new store every 5. What was found."""
    corpus_dir = corpus(tmp_path / "corpus")
    acknowledged: set[str] = set()
    total = on_disk = 0
    for kill in range(count):
        store = tmp_path / f"store{kill // 5}"
        if kill % 5 == 0:
            acknowledged = set()
        new = kill_the_app(corpus_dir, store, rng, latest)
        acknowledged |= set(new)
        total += len(new)
        records = check_after_kill(store, acknowledged)
        if kill % 5 == 4 or kill == count - 1:
            on_disk += records
    assert total >= count
    return f"{count} kills of the app: {total} records the screen was told were saved, all on disk ({on_disk} records)"


def test_no_record_the_screen_called_saved_is_lost_when_the_app_is_killed(tmp_path: Path) -> None:
    print("\n" + kills(tmp_path, random.Random(SEED), TRIALS))
