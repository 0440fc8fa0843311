"""Crash test: a child appends in a loop and is killed with SIGKILL at random moments, many times.

After every kill the file holds every record whose `append` had returned (the child prints each id
right after), every earlier record is still there and intact, and a torn last line (a kill in the
middle of a large write) is moved aside byte for byte when the store is opened. With git pull
replacing the file while the child appends, the file the path names holds every returned record
and every record the pulls brought. `benchmarks/kill_campaign.py` runs these many more times.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson

from annotator.store.chains import broken_links
from annotator.store.log import AnnotationLog
from annotator.store.read import read_log
from annotator.store.records import record_problems

KILLS = 30
PULL_TRIALS = 4
KILLS_PER_FILE = 5  # then a new store, so that the files (with their long notes) stay small to read
SEED = 20261121

# Every fourth record carries a long note (up to 4 MB), so that some kills land inside a write.
# With a third argument "short", no long notes (the pull test reads the file again and again).
CHILD = """
import random, sys
from types import SimpleNamespace
from annotator.store.log import AnnotationLog

rng = random.Random(int(sys.argv[2]))
longest = 2**22 if len(sys.argv) < 4 else 100
with AnnotationLog.open(sys.argv[1], "crash") as log:
    for n in range(10**9):
        start = rng.randrange(50) * 10
        unit = SimpleNamespace(doc="wire/crash", start=start, end=start + 5, text_sha256="0" * 64)
        labels = {"checkworthiness": "check", "note": "x" * rng.randrange(longest) if n % 4 == 3 else "short"}
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


def kills(tmp_path: Path, rng: random.Random, count: int) -> str:
    """`count` kills of the appending child, each checked; a new store every KILLS_PER_FILE (the
    one before removed). What was found."""
    on_disk = acknowledged = torn = 0
    for kill in range(count):
        store = tmp_path / f"store{kill // KILLS_PER_FILE}"
        if kill % KILLS_PER_FILE == 0:
            records: list[dict] = []
            printed: set[str] = set()
        new = set(run_and_kill(store, rng))
        printed |= new
        records, was_torn = check_after_kill(store, records, printed)
        torn += was_torn
        acknowledged += len(new)
        if kill % KILLS_PER_FILE == KILLS_PER_FILE - 1 or kill == count - 1:
            on_disk += len(records)
            shutil.rmtree(store)
    assert acknowledged >= count
    return f"{count} kills: {acknowledged} appends returned, all on disk ({on_disk} records); {torn} torn lines set aside"


def test_no_returned_append_is_lost_when_the_writer_is_killed(tmp_path: Path) -> None:
    print("\n" + kills(tmp_path, random.Random(SEED), KILLS))


def pull_during_appends(store: Path, rng: random.Random, pulls: int) -> tuple[list[str], list[str]]:
    """Start the child; replace its file `pulls` times at random moments as git pull does (a new
    file holding every complete line and, from the second pull on, a record made on another
    machine, renamed over the file if it did not change meanwhile), then kill it once it has
    appended again. The ids the child printed, and the ids the pulls brought.

    A record the child saved between a pull's last look at the file and its rename is not in the
    new file: the writer writes it again when it next looks (before an append, when idle, on close).
    A kill before that loses it; it is the pull that dropped it."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store), str(rng.randrange(2**32)), "short"], stdout=subprocess.PIPE)
    assert child.stdout is not None
    printed = [child.stdout.readline()]
    brought = []
    path = store / "crash.jsonl"
    for pull in range(pulls):
        time.sleep(rng.uniform(0, 0.05))
        if pull:
            brought.append(f"{rng.randrange(16**32):032x}")
        replace_as_git_does(path, line_of(pulled_record(brought[-1], rng)) if pull else b"")
    printed.append(child.stdout.readline())  # it looked at the file again
    time.sleep(rng.uniform(0, 0.05))
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate()
    return (b"".join(printed) + rest).decode().split("\n")[:-1], brought


def replace_as_git_does(path: Path, pulled: bytes) -> None:
    """A new file with every complete line of the old one and `pulled`, renamed over it unless the
    old one changed since it was read (git refuses to overwrite local changes)."""
    while True:
        data = path.read_bytes()
        if not data.endswith(b"\n"):
            continue  # a write under way
        replacement = path.with_name("crash.jsonl.pulled")
        replacement.write_bytes(data + pulled)
        if path.stat().st_size == len(data):
            os.replace(replacement, path)
            return


def pulled_record(record_id: str, rng: random.Random) -> dict:
    start = 1000 + rng.randrange(1000) * 10  # a unit the child never labels
    return {
        "format": 1, "id": record_id, "annotator": "crash", "doc": "wire/crash", "doc_sha256": "1" * 64, "start": start,
        "end": start + 5, "text_sha256": "0" * 64, "schema": "factcheck", "schema_version": 1, "labels": {"checkworthiness": "check"},
        "status": "done", "rev": 1, "prev": None, "ts": "2026-11-21T21:48:00.123Z",
    }  # fmt: skip


def line_of(record: dict) -> bytes:
    return orjson.dumps(record) + b"\n"


def check_after_pulls(store: Path, printed: list[str], brought: list[str]) -> int:
    """Every record the writer returned and every record a pull brought is in the file the path
    names, once, in valid chains; the records in it."""
    contents = read_log(store / "crash.jsonl")
    assert contents.problems == []
    ids = [record["id"] for record in contents.records]
    assert len(ids) == len(set(ids)), "a record written twice"
    assert set(printed) <= set(ids), "a record whose append returned is missing"
    assert set(brought) <= set(ids), "a record a pull brought is missing"
    assert broken_links(contents.records) == []
    return len(ids)


def pulls(tmp_path: Path, rng: random.Random, trials: int) -> str:
    """`trials` runs of the appending child with three pulls then a kill, each checked. What was found."""
    acknowledged = brought = on_disk = 0
    for trial in range(trials):
        store = tmp_path / f"pulled{trial}"
        printed, pulled = pull_during_appends(store, rng, pulls=3)
        on_disk += check_after_pulls(store, printed, pulled)
        acknowledged, brought = acknowledged + len(printed), brought + len(pulled)
        shutil.rmtree(store)
    return f"{trials} runs of 3 pulls then a kill: {acknowledged} appends returned and {brought} pulled records, all in the file ({on_disk} records)"


def test_no_returned_append_is_lost_when_git_pull_replaces_the_file_while_the_writer_appends(tmp_path: Path) -> None:
    print("\n" + pulls(tmp_path, random.Random(SEED), PULL_TRIALS))
