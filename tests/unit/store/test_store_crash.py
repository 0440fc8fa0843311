"""Crash test: a child appends in a loop and is killed with SIGKILL at random moments, many times.

After every kill the file holds every record whose `append` had returned (the child prints each id
right after), every earlier record is still there and intact, and a torn last line (a kill in the
middle of a large write) is moved aside byte for byte when the store is opened.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from annotator.store.log import AnnotationLog
from annotator.store.read import read_log
from annotator.store.records import record_problems

KILLS = 30
KILLS_PER_FILE = 5  # then a new store, so that the files (with their long notes) stay small to read
SEED = 20261121

# Every fourth record carries a long note (up to 4 MB), so that some kills land inside a write.
CHILD = """
import random, sys
from types import SimpleNamespace
from annotator.store.log import AnnotationLog

rng = random.Random(int(sys.argv[2]))
with AnnotationLog.open(sys.argv[1], "crash") as log:
    for n in range(10**9):
        start = rng.randrange(50) * 10
        unit = SimpleNamespace(doc="wire/crash", start=start, end=start + 5, text_sha256="0" * 64)
        labels = {"checkworthiness": "check", "note": "x" * rng.randrange(2**22) if n % 4 == 3 else "short"}
        record = log.append(unit, doc_sha256="1" * 64, schema="factcheck", schema_version=1, labels=labels, status="done")
        print(record["id"], flush=True)
"""


def run_and_kill(store: Path, rng: random.Random) -> list[str]:
    """Start the child and kill it once it has saved something: half the time at a random moment,
    half the time a few ms after the append just before a long note; the ids it printed."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store), str(rng.randrange(2**32))], stdout=subprocess.PIPE)
    assert child.stdout is not None
    printed = [child.stdout.readline()]
    if rng.random() < 0.5:
        time.sleep(rng.uniform(0, 0.15))
    else:
        while len(printed) % 4 != 3:
            printed.append(child.stdout.readline())
            assert printed[-1], "the child stopped by itself"
        time.sleep(rng.uniform(0.001, 0.005))
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate()
    return (b"".join(printed) + rest).decode().split("\n")[:-1]  # a line cut by the kill is not a printed id


def check_after_kill(store: Path, before: list[dict], printed: set[str]) -> tuple[list[dict], bool]:
    """What must hold after a kill; the records now in the file and whether a torn line was set aside."""
    path = store / "crash.jsonl"
    contents = read_log(path)
    assert contents.problems == []
    assert contents.records[: len(before)] == before, "an earlier record changed or disappeared"
    assert printed <= {record["id"] for record in contents.records}, "a record whose append returned is missing"
    assert all(record_problems(record) == [] for record in contents.records[len(before) :])
    sidecars = set(store.glob("crash.jsonl.torn-*"))
    with AnnotationLog.open(store, "crash") as log:
        if contents.torn is None:
            assert log.recovered is None
        else:
            (sidecar,) = set(store.glob("crash.jsonl.torn-*")) - sidecars
            assert sidecar.read_bytes() == contents.torn
            assert log.recovered is not None and sidecar.name in str(log.recovered)
    after = read_log(path)
    assert (after.records, after.torn) == (contents.records, None)
    return contents.records, contents.torn is not None


def test_no_returned_append_is_lost_when_the_writer_is_killed(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    on_disk = acknowledged = torn = 0
    for kill in range(KILLS):
        store = tmp_path / f"store{kill // KILLS_PER_FILE}"
        if kill % KILLS_PER_FILE == 0:
            records: list[dict] = []
            printed: set[str] = set()
        new = set(run_and_kill(store, rng))
        printed |= new
        records, was_torn = check_after_kill(store, records, printed)
        torn += was_torn
        acknowledged += len(new)
        on_disk += len(records) if kill % KILLS_PER_FILE == KILLS_PER_FILE - 1 else 0
    assert acknowledged >= KILLS
    print(f"\n{KILLS} kills, {on_disk} records on disk, {acknowledged} acknowledged, all present; {torn} torn lines set aside")
