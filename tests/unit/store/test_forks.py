"""Forked revision histories: one annotator's file labelled in two clones and merged by git with
`merge=union`. The current label is the later tip whatever the order of the lines, a fork is a
note and not a problem, and the writer continues the current label."""

from __future__ import annotations

import itertools
from pathlib import Path

import orjson

from annotator.store.chains import broken_links, chain_heads
from annotator.store.log import AnnotationLog
from annotator.store.read import load_store
from tests.unit.store.test_store import SHA, save, unit, valid_record

KEY = ("alice", "news/a", 0, 5)


def record(name: str, rev: int, prev: str | None, ts: str, labels: str = "x") -> dict:
    return valid_record(id=name * 32, rev=rev, prev=prev and prev * 32, ts=f"2026-12-0{ts}T10:00:00.000Z", labels={"note": labels})


ROOT = record("a", 1, None, "1")
LAPTOP = [record("b", 2, "a", "2"), record("c", 3, "b", "4")]  # two edits on the laptop, the last on the 4th
SERVER = [record("d", 2, "a", "3")]  # one edit on the server, on the 3rd


def test_the_later_tip_is_current_in_any_order_a_union_merge_leaves() -> None:
    for ours, theirs in itertools.permutations([LAPTOP, SERVER]):
        assert chain_heads([ROOT, *ours, *theirs])[KEY]["id"] == "c" * 32
    later_server = [record("d", 2, "a", "5")]
    for ours, theirs in itertools.permutations([LAPTOP, later_server]):
        assert chain_heads([ROOT, *ours, *theirs])[KEY]["id"] == "d" * 32


def test_two_first_labels_of_one_unit_and_equal_times_are_decided_by_the_id() -> None:
    first, second = record("e", 1, None, "2"), record("f", 1, None, "2")
    assert chain_heads([first, second])[KEY]["id"] == "f" * 32
    assert chain_heads([second, first])[KEY]["id"] == "f" * 32


def test_a_fork_is_a_note_not_a_broken_chain(tmp_path: Path) -> None:
    lines = [ROOT, *LAPTOP, *SERVER]
    assert [(link.line, link.fork) for link in broken_links(lines)] == [(4, True)]
    (tmp_path / "alice.jsonl").write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    view = load_store(tmp_path)
    assert view.problems == [] and view.broken == set()
    assert [(note.line, note.reason.startswith("forked history")) for note in view.notes] == [(4, True)]
    assert view.latest[KEY]["id"] == "c" * 32


def test_the_writer_continues_the_current_label_of_a_forked_history(tmp_path: Path) -> None:
    target = unit()
    lines = [dict(line, text_sha256=target.text_sha256, doc_sha256=SHA) for line in [ROOT, *SERVER, *LAPTOP]]
    (tmp_path / "alice.jsonl").write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    with AnnotationLog.open(tmp_path, "alice") as log:
        assert log.broken == [] and log.forks == 1
        assert log.head(target.key)["id"] == "c" * 32  # type: ignore[index]
        edit = save(log, target)
    assert (edit["prev"], edit["rev"]) == ("c" * 32, 4)
    assert load_store(tmp_path).latest[KEY]["id"] == edit["id"]


def test_a_pull_that_brings_a_later_fork_changes_the_open_logs_current_label(tmp_path: Path) -> None:
    """What the UI shows after a pull: the open log follows the replaced file (`AnnotationLog.follow`)
    and its heads are the resolved ones."""
    target = unit()
    path = tmp_path / "alice.jsonl"
    with AnnotationLog.open(tmp_path, "alice") as log:
        mine = save(log, target)
        other = dict(mine, id="9" * 32, ts="2999-01-01T00:00:00.000Z", labels={"note": "from the server"})
        merged = tmp_path / "merged"
        merged.write_bytes(orjson.dumps(other) + b"\n" + path.read_bytes())  # theirs first: the order means nothing
        merged.replace(path)
        log.follow()
        assert log.head(target.key)["labels"] == {"note": "from the server"}  # type: ignore[index]
        assert any("replaced" in news for news in log.take_news())
