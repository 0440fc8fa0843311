"""Reopening a store read before: only what was appended is parsed, and any other change to a file
(rewritten, cut short, replaced by git, damaged) makes it read whole, with the same messages."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import orjson
import pytest

from annotator.store import index as store_index
from annotator.store import read as store_read
from annotator.store.index import index_path, read_index
from annotator.store.log import AnnotationLog
from annotator.store.read import StoreView, load_store
from annotator.store.records import Record
from tests.unit.store.test_store import save, unit


def write_labels(store: Path, count: int, *, first: int = 0, annotator: str = "alice") -> list[Record]:
    """`count` records, each unit labelled then edited once, as the writer appends them."""
    with AnnotationLog.open(store, annotator) as log:
        return [save(log, unit((first + n // 2) * 10)) for n in range(count)]


def read_whole(store: Path, monkeypatch: pytest.MonkeyPatch, cache: Path) -> StoreView:
    """The store as a first read sees it: with a cache of its own, empty."""
    with monkeypatch.context() as patch:
        patch.setenv("ANNOTATOR_CACHE_DIR", str(cache))
        return load_store(store)


def summary(view: StoreView) -> tuple:
    return view.latest, [str(problem) for problem in view.problems], view.kinds, view.torn, view.broken


@pytest.fixture
def lines_parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many lines each read of a file parsed."""
    parsed: list[int] = []
    valid_records = store_read._valid_records

    def counting(lines: list[bytes], *arguments: object, **options: object) -> object:
        parsed.append(len(lines))
        return valid_records(lines, *arguments, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(store_read, "_valid_records", counting)
    return parsed


def test_a_reopened_store_parses_only_the_records_appended_since(tmp_path: Path, lines_parsed: list[int], monkeypatch) -> None:
    store = tmp_path / "store"
    write_labels(store, 40)
    load_store(store)
    write_labels(store, 6, first=18)  # edits two units read before, labels two new ones
    lines_parsed.clear()
    view = load_store(store)
    assert lines_parsed == [6]
    assert summary(view) == summary(read_whole(store, monkeypatch, tmp_path / "empty-cache"))
    assert read_index(store / "alice.jsonl").size == (store / "alice.jsonl").stat().st_size  # type: ignore[union-attr]
    lines_parsed.clear()
    assert summary(load_store(store)) == summary(view)
    assert lines_parsed == [0]


def test_an_index_covers_only_complete_lines_and_a_torn_one_is_still_reported(tmp_path: Path, monkeypatch) -> None:
    store = tmp_path / "store"
    write_labels(store, 10)
    load_store(store)
    write_labels(store, 2, first=5)
    with (store / "alice.jsonl").open("ab") as file:
        file.write(b'{"format": 1, "id": "cut sho')
    view = load_store(store)
    assert [str(problem) for problem in view.problems] == [
        f"{store / 'alice.jsonl'}:13: incomplete last line (28 bytes); it is set aside when this annotator next opens the file"
    ]
    assert summary(view) == summary(read_whole(store, monkeypatch, tmp_path / "empty-cache"))
    assert summary(load_store(store)) == summary(view)


def rewrite_a_line_in_place(path: Path) -> None:
    """The third line changed to one of the same length, in the same file (an editor saving in place)."""
    with path.open("r+b") as file:
        lines = file.read().split(b"\n")
        lines[2] = lines[2].replace(b'"status":"done"', b'"status":"flag"')
        file.seek(0)
        file.write(b"\n".join(lines))


def cut_short_and_grown_again(path: Path) -> None:
    """The last line cut off, then as many bytes of another record appended: same file, same size."""
    data = path.read_bytes()
    last = data[data.rindex(b"\n", 0, -1) + 1 :]
    other = orjson.loads(last)
    other["id"] = "e" * 32
    with path.open("r+b") as file:
        file.truncate(len(data) - len(last))
        file.seek(0, os.SEEK_END)
        file.write(orjson.dumps(other) + b"\n")


def union_merged(path: Path) -> None:
    """What git's union merge leaves: a new file, their new lines among ours (here before our last)."""
    lines = path.read_bytes().splitlines(keepends=True)
    theirs = orjson.loads(lines[0])
    theirs.update(id="d" * 32, start=500, end=505)
    merged = path.with_name("merged.tmp")
    merged.write_bytes(b"".join([*lines[:-1], orjson.dumps(theirs) + b"\n", lines[-1]]))
    merged.replace(path)


def replaced_by_a_copy(path: Path) -> None:
    """The same bytes in a new file (git checkout of the same content)."""
    copy = path.with_name("copy.tmp")
    copy.write_bytes(path.read_bytes())
    copy.replace(path)


def damaged_in_place(path: Path) -> None:
    """A line of the part read before made invalid JSON, at the same size."""
    with path.open("r+b") as file:
        file.seek(0)
        file.write(b"#")


@pytest.mark.parametrize("change", [rewrite_a_line_in_place, cut_short_and_grown_again, union_merged, replaced_by_a_copy, damaged_in_place])
def test_a_file_changed_before_the_part_read_before_is_read_whole(tmp_path: Path, change, lines_parsed: list[int], monkeypatch) -> None:
    store = tmp_path / "store"
    write_labels(store, 20)
    load_store(store)
    change(store / "alice.jsonl")
    lines_parsed.clear()
    view = load_store(store)
    assert lines_parsed[0] == len((store / "alice.jsonl").read_bytes().splitlines())
    assert summary(view) == summary(read_whole(store, monkeypatch, tmp_path / "empty-cache"))


def test_a_damaged_prefix_is_reported_at_its_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_labels(store, 20)
    load_store(store)
    damaged_in_place(store / "alice.jsonl")
    problems = load_store(store).problems
    assert (problems[0].line, problems[0].reason.split(" (")[0]) == (1, "not valid JSON")
    assert [problem.line for problem in problems] == [1, 2]  # and the edit of the record it held breaks its chain


def test_a_truncated_file_is_read_whole(tmp_path: Path, monkeypatch) -> None:
    store = tmp_path / "store"
    records = write_labels(store, 20)
    load_store(store)
    path = store / "alice.jsonl"
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:-3]))
    view = load_store(store)
    assert view.latest[("alice", *unit(80).key)] == records[-4]
    assert summary(view) == summary(read_whole(store, monkeypatch, tmp_path / "empty-cache"))


@pytest.mark.parametrize(
    ("appended", "reason"),
    [
        (b"not json\n", "not valid JSON"),
        (None, f"prev {'d' * 32} is not an earlier record of this file"),
    ],
)
def test_appended_lines_with_a_problem_are_reported_at_their_line(tmp_path: Path, appended: bytes | None, reason: str) -> None:
    store = tmp_path / "store"
    records = write_labels(store, 20)
    load_store(store)
    dangling = orjson.dumps({**records[1], "id": "c" * 32, "rev": 3, "prev": "d" * 32}) + b"\n"
    with (store / "alice.jsonl").open("ab") as file:
        file.write(appended or dangling)
    problems = load_store(store).problems
    assert [(problem.line, problem.reason.split(" (")[0]) for problem in problems] == [(21, reason)]


def test_a_fork_appended_after_the_index_is_resolved_as_a_whole_read_resolves_it(tmp_path: Path, monkeypatch) -> None:
    """A union merge can append a second continuation of a record read before (two clones labelled it)."""
    store = tmp_path / "store"
    records = write_labels(store, 20)
    load_store(store)
    fork = orjson.dumps({**records[1], "id": "c" * 32, "ts": "2099-01-01T00:00:00.000Z", "labels": {}}) + b"\n"
    with (store / "alice.jsonl").open("ab") as file:
        file.write(fork)
    view = load_store(store)
    assert view.latest[("alice", *unit(0).key)]["id"] == "c" * 32  # the later tip
    assert [problem.line for problem in view.notes] == [21] and view.problems == []
    whole = read_whole(store, monkeypatch, tmp_path / "empty-cache")
    assert (view.latest, view.notes) == (whole.latest, whole.notes)


def test_a_damaged_index_is_not_trusted(tmp_path: Path, lines_parsed: list[int], monkeypatch) -> None:
    store = tmp_path / "store"
    write_labels(store, 20)
    load_store(store)
    kept = index_path(store / "alice.jsonl")
    kept.write_bytes(kept.read_bytes().replace(b'"starts":[', b'"starts":[0,'))
    lines_parsed.clear()
    view = load_store(store)
    assert lines_parsed == [20]
    assert summary(view) == summary(read_whole(store, monkeypatch, tmp_path / "empty-cache"))


def test_a_file_with_a_broken_history_gets_no_index_and_keeps_its_messages(tmp_path: Path) -> None:
    store = tmp_path / "store"
    records = write_labels(store, 4)
    with (store / "alice.jsonl").open("ab") as file:
        file.write(orjson.dumps({**records[1], "id": "c" * 32, "rev": 3, "prev": "d" * 32}) + b"\n")
    first = load_store(store)
    assert read_index(store / "alice.jsonl") is None
    assert [str(problem) for problem in load_store(store).problems] == [str(problem) for problem in first.problems] != []


def test_an_unwritable_cache_only_makes_reading_slower(tmp_path: Path, monkeypatch) -> None:
    store = tmp_path / "store"
    write_labels(store, 6)
    (tmp_path / "cache-file").write_text("not a folder")
    monkeypatch.setenv("ANNOTATOR_CACHE_DIR", str(tmp_path / "cache-file"))
    assert len(load_store(store).latest) == 3
    assert store_index.read_index(store / "alice.jsonl") is None


def test_a_reopened_file_is_hashed_whole_when_asked(tmp_path: Path, lines_parsed: list[int]) -> None:
    store = tmp_path / "store"
    write_labels(store, 10)
    load_store(store)
    write_labels(store, 2, first=8)
    lines_parsed.clear()
    view = load_store(store, hash_files=True)
    assert lines_parsed == [2]
    assert view.sha256 == {"alice.jsonl": hashlib.sha256((store / "alice.jsonl").read_bytes()).hexdigest()}
