"""The annotation store: records, revisions, heads, recovery, locking, failed writes, the loader."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from annotator.corpus.document import Unit
from annotator.store.log import AnnotationLog, StoreDamaged, StoreError, StoreLocked
from annotator.store.read import load_store, read_log
from annotator.store.records import (
    NAME_RULE,
    REQUIRED_KEYS,
    InvalidAnnotatorName,
    check_annotator_name,
    record_problems,
)
from annotator.store.writer import AppendRequest, BackgroundWriter
from tests.conftest import REPO

SHA = "ab" * 32
LABELS = {"checkworthiness": "check", "claim_type": ["event", "quantity"], "source": "the ministry"}


def unit(start: int = 0, doc: str = "news/a") -> Unit:
    return Unit(doc=doc, start=start, end=start + 5, text="Hello", paragraph=0)


def save(log: AnnotationLog, target: Unit, labels: dict | None = None, status: str = "done", **options: object) -> dict:
    return log.append(
        target, doc_sha256=SHA, schema="factcheck", schema_version=1, labels=LABELS if labels is None else labels, status=status, **options
    )  # type: ignore[arg-type]


def valid_record(**changes: object) -> dict:
    record = {
        "format": 1, "id": "f" * 32, "annotator": "alice", "doc": "news/a", "doc_sha256": SHA,
        "start": 0, "end": 5, "text_sha256": "cd" * 32, "schema": "factcheck", "schema_version": 1,
        "labels": {}, "status": "done", "rev": 1, "prev": None, "ts": "2026-11-21T21:48:00.123Z",
    }  # fmt: skip
    record.update(changes)
    return record


def line_of(record: dict) -> bytes:
    return orjson.dumps(record) + b"\n"


@pytest.fixture
def log(tmp_path: Path):
    with AnnotationLog.open(tmp_path, "alice") as opened:
        yield opened


# --- annotator names --------------------------------------------------------------------------


NAME_RULE_SAID = re.escape(NAME_RULE)


@pytest.mark.parametrize("name", ["alice", "Bob_2", "a.b-c", "x" * 64, "dash-", "console", "com10", "nul_", "lpt", "a.nul"])
def test_valid_annotator_names_are_accepted(name: str) -> None:
    assert check_annotator_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "", "../x", "a/b", ".hidden", "..", "x" * 65, "José", "a b", "a\n", "a:b",
        # a leading '-' reads as an option; Windows cannot make these files (devices, a trailing '.')
        "-dash", "--as", "con", "CON", "nul", "Aux", "prn", "com1", "COM9", "lpt1", "lpt9", "nul.x", "con.review", "alice.",
    ],
)  # fmt: skip
def test_invalid_annotator_names_are_refused_and_create_nothing(tmp_path: Path, name: str) -> None:
    store_dir = tmp_path / "store"
    with pytest.raises(InvalidAnnotatorName, match=NAME_RULE_SAID):
        AnnotationLog.open(store_dir, name)
    assert not store_dir.exists()
    assert list(tmp_path.iterdir()) == []


# --- appending and reading back -----------------------------------------------------------------


def test_append_writes_one_complete_record_per_line(log: AnnotationLog) -> None:
    record = save(log, unit(), seconds=12.5, origin={"source": "suggested"}, kind="annotation")
    assert list(record)[: len(REQUIRED_KEYS)] == list(REQUIRED_KEYS)
    assert record_problems(record) == []
    assert re.fullmatch(r"[0-9a-f]{32}", record["id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["ts"])
    assert (record["annotator"], record["doc"], record["start"], record["end"]) == ("alice", "news/a", 0, 5)
    assert (record["labels"], record["status"], record["rev"], record["prev"]) == (LABELS, "done", 1, None)
    assert (record["seconds"], record["origin"], record["kind"]) == (12.5, {"source": "suggested"}, "annotation")
    assert log.path.read_bytes() == line_of(record)


def test_records_read_back_exactly_as_written(log: AnnotationLog) -> None:
    written = [save(log, unit(start)) for start in (0, 10, 20)]
    contents = read_log(log.path)
    assert (contents.records, contents.problems, contents.torn) == (written, [], None)


def test_edits_chain_by_rev_and_prev_and_the_last_is_the_head(log: AnnotationLog) -> None:
    first = save(log, unit(), {"checkworthiness": "minor"})
    other = save(log, unit(10))
    second = save(log, unit(), {"checkworthiness": "check"})
    third = save(log, unit(), {}, status="skipped")
    assert [r["rev"] for r in (first, second, third)] == [1, 2, 3]
    assert [r["prev"] for r in (first, second, third)] == [None, first["id"], second["id"]]
    assert log.head(unit().key) == third
    assert log.history(unit().key) == [first, second, third]
    assert log.head(unit(10).key) == other
    assert log.head(unit(99).key) is None
    assert log.latest() == {unit().key: third, unit(10).key: other}


def test_a_reopened_log_and_the_store_view_agree_with_the_writer(tmp_path: Path) -> None:
    with AnnotationLog.open(tmp_path, "alice") as log:
        records = [save(log, unit(start % 30)) for start in range(0, 100, 10)]
        heads, history = log.latest(), log.history(unit(0).key)
    with AnnotationLog.open(tmp_path, "alice") as reopened:
        assert reopened.latest() == heads
        assert reopened.history(unit(0).key) == history
        assert reopened.records() == records
    view = load_store(tmp_path, keep_records=True)
    assert view.records == {"alice": records}
    assert view.latest == {("alice", *key): record for key, record in heads.items()}
    assert history == [r for r in view.records["alice"] if r["start"] == 0]


def test_a_stale_prev_at_the_same_unit_still_supersedes_the_current_head(log: AnnotationLog) -> None:
    """Two saves submitted before the first is confirmed both name the old head: the chain stays linear."""
    first = save(log, unit())
    second = save(log, unit(), prev=first)
    third = save(log, unit(), prev=first)
    assert (third["rev"], third["prev"]) == (3, second["id"])


def test_a_record_whose_prev_lies_at_another_unit_supersedes_that_head_too(tmp_path: Path) -> None:
    """An edit of a label re-anchored from unit A to unit B."""
    with AnnotationLog.open(tmp_path, "alice") as log:
        old = save(log, unit(0))
        save(log, unit(0))
        head_a = log.head(unit(0).key)
        edit = save(log, unit(50), prev=head_a)
        assert (edit["rev"], edit["prev"]) == (3, head_a["id"])
        assert log.head(unit(0).key) is None
        assert log.head(unit(50).key) == edit
        assert log.history(unit(0).key)[0] == old
    view = load_store(tmp_path)
    assert view.latest == {("alice", *unit(50).key): edit}
    with AnnotationLog.open(tmp_path, "alice") as reopened:
        assert reopened.latest() == {unit(50).key: edit}
        fresh = save(reopened, unit(0))
        assert (fresh["rev"], fresh["prev"]) == (1, None)
    assert load_store(tmp_path).latest[("alice", *unit(0).key)] == fresh


def test_a_prev_at_another_unit_that_is_no_longer_its_head_supersedes_only_this_units_head(log: AnnotationLog) -> None:
    moved = save(log, unit(0))
    first_edit = save(log, unit(50), prev=moved)
    second_edit = save(log, unit(50), prev=moved)  # submitted before first_edit was confirmed
    assert (second_edit["rev"], second_edit["prev"]) == (3, first_edit["id"])
    assert log.latest() == {unit(50).key: second_edit}


def test_undo_of_a_first_label_leaves_a_retracted_head(tmp_path: Path) -> None:
    with AnnotationLog.open(tmp_path, "alice") as log:
        labelled = save(log, unit())
        retracted = save(log, unit(), {}, status="retracted")
        assert log.head(unit().key) == retracted
    assert (retracted["rev"], retracted["prev"], retracted["labels"]) == (2, labelled["id"], {})
    assert load_store(tmp_path).latest[("alice", *unit().key)]["status"] == "retracted"


def test_append_returns_a_copy_the_caller_cannot_change(log: AnnotationLog) -> None:
    labels = {"claim_type": ["event"]}
    record = save(log, unit(), labels)
    labels["claim_type"].append("rule")
    assert log.head(unit().key) == record
    assert record["labels"] == {"claim_type": ["event"]}


def test_an_invalid_record_is_refused_and_nothing_is_written(log: AnnotationLog) -> None:
    with pytest.raises(StoreError, match=r"refusing to write an invalid record to .*alice\.jsonl: status must be one of"):
        save(log, unit(), status="pending")
    with pytest.raises(StoreError, match="seconds must be a number >= 0"):
        save(log, unit(), seconds=-1)
    with pytest.raises(TypeError, match="unknown record keys: rev"):
        save(log, unit(), rev=7)
    with pytest.raises(StoreError, match="cannot write this record"):
        save(log, unit(), {"n": 2**70})
    assert log.path.read_bytes() == b""
    assert save(log, unit())["rev"] == 1


def test_a_closed_log_refuses_appends(tmp_path: Path) -> None:
    log = AnnotationLog.open(tmp_path, "alice")
    log.close()
    log.close()
    with pytest.raises(StoreError, match="is closed"):
        save(log, unit())


def test_opening_creates_the_store_folder_and_an_empty_file(tmp_path: Path) -> None:
    with AnnotationLog.open(tmp_path / "new" / "store", "alice") as log:
        assert log.path == tmp_path / "new" / "store" / "alice.jsonl"
        assert log.path.read_bytes() == b""
        assert log.recovered is None


# --- torn last lines and malformed lines --------------------------------------------------------


def test_a_torn_last_line_is_moved_to_a_sidecar_byte_for_byte(tmp_path: Path) -> None:
    with AnnotationLog.open(tmp_path, "alice") as log:
        kept = [save(log, unit(start)) for start in (0, 10)]
    intact = log.path.read_bytes()
    torn = line_of(valid_record(labels={"note": "häl\x00f"}))[:-9]
    log.path.write_bytes(intact + torn)
    with AnnotationLog.open(tmp_path, "alice") as log:
        sidecars = list(tmp_path.glob("alice.jsonl.torn-*"))
        assert len(sidecars) == 1 and re.fullmatch(r"alice\.jsonl\.torn-\d{8}T\d{6}\.\d{6}Z", sidecars[0].name)
        assert sidecars[0].read_bytes() == torn
        assert str(log.recovered) == f"{log.path}:3: incomplete last line ({len(torn)} bytes) moved to {sidecars[0].name}"
        assert log.path.read_bytes() == intact
        new = save(log, unit(20))
    assert read_log(log.path).records == [*kept, new]
    assert load_store(tmp_path, keep_records=True).records == {"alice": [*kept, new]}


def test_reading_a_torn_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    data = line_of(valid_record()) + b'{"format": 1, "id'
    path.write_bytes(data)
    contents = read_log(path)
    assert (len(contents.records), contents.problems, contents.torn) == (1, [], b'{"format": 1, "id')
    view = load_store(tmp_path)
    assert [str(p) for p in view.problems] == [
        f"{path}:2: incomplete last line (17 bytes); it is set aside when this annotator next opens the file"
    ]
    assert view.torn == ["alice"] and load_store(tmp_path / "nowhere").torn == []
    assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice.jsonl"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"nothing", r"not valid JSON \(invalid literal, expected 'null' at column 1\)"),
        (b'{"format": 1', r"not valid JSON \(unexpected end of data at column 13\)"),
        (b"", "empty line"),
        (b"[1, 2]", "not a JSON object"),
        (line_of(valid_record(start="0"))[:-1], r'start must be an integer >= 0, got "0"'),
        (orjson.dumps({k: v for k, v in valid_record().items() if k != "labels"}), "missing key 'labels'"),
        (line_of(valid_record(status="maybe"))[:-1], 'status must be one of draft, done, skipped, flagged, retracted, got "maybe"'),
        (line_of(valid_record(annotator="bob"))[:-1], 'annotator "bob" does not match the file name'),
        (line_of(valid_record(prev=7, rev=2))[:-1], "prev must be null or a record id, got 7"),
        (b"<<<<<<< HEAD", r"not valid JSON \(unexpected character, expected a JSON value at column 1\)"),
    ],
)
def test_a_malformed_line_is_reported_with_file_and_line_and_the_writer_refuses(tmp_path: Path, line: bytes, reason: str) -> None:
    path = tmp_path / "alice.jsonl"
    data = line_of(valid_record()) + line + b"\n" + line_of(valid_record(id="e" * 32, start=10, end=15))
    path.write_bytes(data)
    contents = read_log(path)
    assert len(contents.records) == 2
    assert [p.line for p in contents.problems] == [2]
    assert re.fullmatch(re.escape(f"{path}:2: ") + reason, str(contents.problems[0]))
    with pytest.raises(StoreDamaged) as caught:
        AnnotationLog.open(tmp_path, "alice")
    assert caught.value.problems == contents.problems
    assert f"{path}:2: " in str(caught.value)
    assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice.jsonl"]


def test_after_a_malformed_line_is_fixed_the_file_opens(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    path.write_bytes(line_of(valid_record()) + b"oops\n")
    with pytest.raises(StoreDamaged):
        AnnotationLog.open(tmp_path, "alice")
    path.write_bytes(line_of(valid_record()))
    with AnnotationLog.open(tmp_path, "alice") as log:
        assert save(log, unit())["prev"] == "f" * 32


def test_an_unreadable_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "alice.jsonl").mkdir()
    assert [str(p) for p in read_log(tmp_path / "alice.jsonl").problems] == [f"{tmp_path / 'alice.jsonl'}: cannot read: Is a directory"]


# --- record_problems: the full check of `annotator validate` ---------------------------------------


def test_a_valid_record_has_no_problems() -> None:
    assert record_problems(valid_record()) == []
    assert record_problems(valid_record(rev=4, prev="x" * 32, kind="adjudication", origin={"a": "typed"}, seconds=3)) == []
    assert record_problems(valid_record(origin={"a": "imported"}, imported={"file": "db-out.jsonl", "sha256": "a" * 64, "entry": 3})) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"format": 2}, "format must be 1, got 2"),
        ({"format": True}, "format must be 1, got true"),
        ({"id": ""}, 'id must be a non-empty string, got ""'),
        ({"annotator": "../x"}, "annotator must be 1 to 64 characters"),
        ({"doc": 3}, "doc must be a non-empty string, got 3"),
        ({"doc_sha256": "AB" * 32}, "doc_sha256 must be 64 lowercase hex digits"),
        ({"text_sha256": "ab"}, 'text_sha256 must be 64 lowercase hex digits, got "ab"'),
        ({"start": -1}, "start must be an integer >= 0, got -1"),
        ({"end": 1.5}, "end must be an integer >= 0, got 1.5"),
        ({"start": 9, "end": 3}, "start 9 is after end 3"),
        ({"schema": ""}, "schema must be a non-empty string"),
        ({"schema_version": 0}, "schema_version must be an integer >= 1, got 0"),
        ({"labels": []}, "labels must be an object, got []"),
        ({"status": "pending"}, "status must be one of draft, done, skipped, flagged, retracted"),
        ({"rev": 0}, "rev must be an integer >= 1, got 0"),
        ({"rev": 2}, "rev 2 does not fit prev null (rev is 1 exactly when prev is null)"),
        ({"prev": "x" * 32}, f'rev 1 does not fit prev "{"x" * 32}" (rev is 1 exactly when prev is null)'),
        ({"labels": {"note": "x" * 60}, "start": "0"}, 'start must be an integer >= 0, got "0"'),
        ({"doc_sha256": "g" * 64}, f'doc_sha256 must be 64 lowercase hex digits, got "{"g" * 38}…'),
        ({"ts": "2026-11-21 21:48:00"}, "ts must be a UTC time like 2026-11-21T21:48:00.123Z"),
        ({"ts": "2026-13-21T21:48:00.123Z"}, "ts must be a UTC time"),
        ({"ts": "2026-11-21T21:48:00.123+01:00"}, "ts must be a UTC time"),
        ({"kind": "review"}, 'kind must be one of annotation, adjudication, got "review"'),
        ({"origin": {"a": "guessed"}}, "origin must map fields to one of typed, suggested, imported"),
        ({"seconds": float("inf")}, "seconds must be a number >= 0"),
        ({"seconds": True}, "seconds must be a number >= 0, got true"),
        ({"imported": {"file": "x.jsonl", "sha256": "0" * 64}}, "imported must be an object of file (a name), sha256"),
        ({"imported": {"file": "", "sha256": "0" * 64, "entry": 1}}, "imported must be an object of file"),
        ({"imported": {"file": "x.jsonl", "sha256": "0" * 64, "entry": 0}}, "imported must be an object of file"),
        ({"colour": "red"}, "unknown key 'colour'"),
    ],
)
def test_record_problems_names_every_broken_key(changes: dict, problem: str) -> None:
    problems = record_problems(valid_record(**changes))
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_record_problems_lists_every_missing_key_and_rejects_non_objects() -> None:
    assert record_problems({}) == [f"missing key {key!r}" for key in REQUIRED_KEYS]
    assert record_problems([1]) == ["not a JSON object"]


# --- one writer per file ------------------------------------------------------------------------------


def test_a_second_writer_in_the_same_process_is_refused_until_the_first_closes(tmp_path: Path) -> None:
    with AnnotationLog.open(tmp_path, "alice"):
        with pytest.raises(StoreLocked, match=re.escape(f"{tmp_path / 'alice.jsonl'} is open in another annotator process (lock held)")):
            AnnotationLog.open(tmp_path, "alice")
        AnnotationLog.open(tmp_path, "bob").close()
    AnnotationLog.open(tmp_path, "alice").close()


def test_a_writer_in_another_process_holds_the_lock(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from annotator.store.log import AnnotationLog\n"
         "log = AnnotationLog.open(sys.argv[1], 'alice'); print('ready', flush=True); sys.stdin.read()", str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
        with pytest.raises(StoreLocked, match=r"alice\.jsonl is open in another annotator process"):
            AnnotationLog.open(tmp_path, "alice")
    finally:
        holder.communicate("")
    AnnotationLog.open(tmp_path, "alice").close()


# --- failed writes ------------------------------------------------------------------------------------


def failing(monkeypatch: pytest.MonkeyPatch, name: str, log: AnnotationLog, *, partial: int = 0) -> None:
    """os.<name> on the log's file fails once with ENOSPC, after writing `partial` bytes (os.write)."""
    real = getattr(os, name)
    plan = ["partial"] * bool(partial) + ["fail"]

    def fake(fd: int, *args: object) -> object:
        if fd != log._file.fd or not plan:
            return real(fd, *args)
        if plan.pop(0) == "partial":
            return real(fd, bytes(args[0][:partial]))  # type: ignore[index]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, name, fake)


@pytest.mark.parametrize(("name", "partial"), [("write", 0), ("write", 40), ("fsync", 0)])
def test_a_failed_append_raises_and_leaves_file_and_heads_as_before(
    log: AnnotationLog, monkeypatch: pytest.MonkeyPatch, name: str, partial: int
) -> None:
    first = save(log, unit())
    before = log.path.read_bytes()
    failing(monkeypatch, name, log, partial=partial)
    with pytest.raises(StoreError, match=re.escape(f"could not save to {log.path}: No space left on device; this record was not saved")):
        save(log, unit(), {"checkworthiness": "urgent"})
    monkeypatch.undo()
    assert log.path.read_bytes() == before
    assert log.head(unit().key) == first and log.history(unit().key) == [first]
    second = save(log, unit())
    assert (second["rev"], second["prev"]) == (2, first["id"])
    assert read_log(log.path).records == [first, second]


def test_a_partial_line_that_cannot_be_removed_is_said_and_set_aside_on_reopen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = AnnotationLog.open(tmp_path, "alice")
    first = save(log, unit())
    failing(monkeypatch, "write", log, partial=40)
    failing(monkeypatch, "ftruncate", log)
    with pytest.raises(StoreError, match="the file may now end with an incomplete line, which is set aside when it is next opened"):
        save(log, unit())
    monkeypatch.undo()
    with pytest.raises(StoreError, match="Nothing more is written to it until then"):
        save(log, unit())
    assert log.head(unit().key) == first
    log.close()
    with AnnotationLog.open(tmp_path, "alice") as reopened:
        assert reopened.recovered is not None and "incomplete last line (40 bytes)" in str(reopened.recovered)
        assert reopened.latest() == {unit().key: first}


# --- the store view ------------------------------------------------------------------------------------


def test_load_store_reads_annotator_files_only(tmp_path: Path) -> None:
    for name in ("alice", "bob"):
        with AnnotationLog.open(tmp_path, name) as log:
            save(log, unit())
    (tmp_path / "alice.jsonl.torn-20261121T214800.000000Z").write_bytes(b'{"par')
    (tmp_path / ".#alice.jsonl").write_bytes(b"editor lock")
    (tmp_path / "README.md").write_text("what goes here")
    (tmp_path / "bad name.jsonl").write_bytes(b"")
    view = load_store(tmp_path)
    assert sorted(view.kinds) == ["alice", "bob"]
    assert sorted(key[0] for key in view.latest) == ["alice", "bob"]
    assert [str(p) for p in view.problems] == [f"{tmp_path / 'bad name.jsonl'}: not an annotator file: a name is {NAME_RULE}"]


def test_load_store_keeps_the_valid_records_of_a_damaged_file_and_reports_the_rest(tmp_path: Path) -> None:
    (tmp_path / "alice.jsonl").write_bytes(line_of(valid_record()) + b"{}\n")
    view = load_store(tmp_path, keep_records=True)
    assert [r["id"] for r in view.records["alice"]] == ["f" * 32]
    assert [(p.line, p.reason.split(";")[0]) for p in view.problems] == [(2, "missing key 'format'")]


def test_load_store_keeps_only_the_heads_unless_asked_and_notes_the_kinds_each_file_holds(tmp_path: Path) -> None:
    with AnnotationLog.open(tmp_path, "alice") as log:
        first, second = save(log, unit(0)), save(log, unit(0))
        other = save(log, unit(10))
    with AnnotationLog.open(tmp_path, "lead") as log:
        decision = save(log, unit(0), kind="adjudication")
    (tmp_path / "empty.jsonl").write_bytes(b"")
    view = load_store(tmp_path)
    assert view.records == {}
    assert view.latest == {("alice", *unit(0).key): second, ("alice", *unit(10).key): other, ("lead", *unit(0).key): decision}
    assert view.kinds == {"alice": {"annotation"}, "empty": frozenset(), "lead": {"adjudication"}}
    kept = load_store(tmp_path, keep_records=True)
    assert kept.records == {"alice": [first, second, other], "empty": [], "lead": [decision]}
    assert (kept.latest, kept.kinds) == (view.latest, view.kinds)
    records = kept.records["alice"]
    assert records[1] is kept.latest[("alice", *unit(0).key)] and records[2] is kept.latest[("alice", *unit(10).key)]


def test_the_kinds_of_a_file_count_superseded_records_too(tmp_path: Path) -> None:
    with AnnotationLog.open(tmp_path, "alice") as log:
        save(log, unit(0), kind="adjudication")
        save(log, unit(0))
        assert "kind" not in log.head(unit(0).key)  # the head is an annotation
    assert load_store(tmp_path).kinds == {"alice": {"annotation", "adjudication"}}


def test_load_store_of_a_missing_folder_is_a_problem(tmp_path: Path) -> None:
    view = load_store(tmp_path / "nowhere")
    assert (view.records, view.latest, [str(p) for p in view.problems]) == ({}, {}, [f"{tmp_path / 'nowhere'}: no such folder"])


# --- the background writer ----------------------------------------------------------------------------


def request(target: Unit, status: str = "done", labels: dict | None = None) -> AppendRequest:
    return AppendRequest(target, SHA, "factcheck", 1, LABELS if labels is None else labels, status, optional={"seconds": 1.0})


def test_the_background_writer_keeps_submission_order_and_finishes_on_close(tmp_path: Path) -> None:
    done: list[tuple[AppendRequest, dict | None, Exception | None]] = []
    requests = [request(unit(10 * (i % 3)), labels={"n": str(i)}) for i in range(60)]
    with BackgroundWriter(AnnotationLog.open(tmp_path, "alice"), lambda *outcome: done.append(outcome)) as writer:
        for item in requests:
            writer.submit(item)
    assert [outcome[0] for outcome in done] == requests
    assert all(error is None for _, _, error in done)
    records = read_log(tmp_path / "alice.jsonl").records
    assert records == [record for _, record, _ in done]
    assert [r["labels"]["n"] for r in records] == [str(i) for i in range(60)]
    assert [r["rev"] for r in records if r["start"] == 0] == list(range(1, 21))
    with pytest.raises(StoreError, match="is closed"):
        writer.submit(requests[0])
    AnnotationLog.open(tmp_path, "alice").close()  # the writer released the lock


def test_the_background_writer_passes_every_argument_of_the_request(tmp_path: Path) -> None:
    """prev and the optional keys reach the record; a subclass's own fields (the app's) do not."""

    @dataclass(frozen=True, kw_only=True)
    class Tagged(AppendRequest):
        tag: str

    done: list[tuple[AppendRequest, dict | None, Exception | None]] = []
    with BackgroundWriter(AnnotationLog.open(tmp_path, "alice"), lambda *outcome: done.append(outcome)) as writer:
        writer.submit(request(unit(0)))
        writer.submit(request(unit(50)))
    moved = done[0][1]
    with BackgroundWriter(AnnotationLog.open(tmp_path, "alice"), lambda *outcome: done.append(outcome)) as writer:
        edit = Tagged(
            unit=unit(50), doc_sha256="ef" * 32, schema="other", schema_version=3, labels={"n": "1"}, status="flagged",
            prev=moved, optional={"kind": "adjudication", "origin": {"n": "typed"}}, tag="not a record key",
        )  # fmt: skip
        writer.submit(edit)
    assert [error for _, _, error in done] == [None, None, None]
    record = done[2][1]
    assert record is not None and (record["rev"], record["prev"]) == (2, moved["id"])
    assert {key: record[key] for key in ("doc_sha256", "schema", "schema_version", "labels", "status", "kind", "origin")} == {
        "doc_sha256": "ef" * 32, "schema": "other", "schema_version": 3, "labels": {"n": "1"}, "status": "flagged",
        "kind": "adjudication", "origin": {"n": "typed"},
    }  # fmt: skip
    assert "tag" not in record and done[0][1]["seconds"] == 1.0


def test_the_background_writer_appends_off_the_calling_thread(tmp_path: Path) -> None:
    threads: list[threading.Thread] = []
    with BackgroundWriter(AnnotationLog.open(tmp_path, "alice"), lambda *_: threads.append(threading.current_thread())) as writer:
        writer.submit(request(unit()))
    assert threads and threads[0] is not threading.current_thread()


def test_the_background_writer_reports_errors_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done: list[tuple[AppendRequest, dict | None, Exception | None]] = []
    log = AnnotationLog.open(tmp_path, "alice")
    real_fsync, calls = os.fsync, []

    def flaky_fsync(fd: int) -> None:
        calls.append(fd)
        if fd == log._file.fd and len(calls) == 2:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", flaky_fsync)
    with BackgroundWriter(log, lambda *outcome: done.append(outcome)) as writer:
        for item in (request(unit(0)), request(unit(10)), request(unit(20), status="pending"), request(unit(30))):
            writer.submit(item)
    outcomes = [(record is not None, type(error).__name__) for _, record, error in done]
    assert outcomes == [(True, "NoneType"), (False, "StoreError"), (False, "StoreError"), (True, "NoneType")]
    assert "Input/output error" in str(done[1][2]) and "status must be one of" in str(done[2][2])
    assert [r["start"] for r in read_log(log.path).records] == [0, 30]


def test_an_error_in_on_done_is_raised_by_close_after_everything_is_written(tmp_path: Path) -> None:
    def on_done(item: AppendRequest, record: dict | None, error: Exception | None) -> None:
        raise RuntimeError("the UI is gone")

    writer = BackgroundWriter(AnnotationLog.open(tmp_path, "alice"), on_done)
    for start in (0, 10, 20):
        writer.submit(request(unit(start)))
    with pytest.raises(RuntimeError, match="the UI is gone"):
        writer.close()
    assert len(read_log(tmp_path / "alice.jsonl").records) == 3


# --- the benchmark runs ----------------------------------------------------------------------------------


def test_the_store_benchmark_runs_small() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_store.py"), "--records", "300", "--repeat", "1"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "built 300 records, 10 annotators" in result.stdout
    assert re.search(r"^load_store\s+[\d.]+\s+[\d.]+", result.stdout, re.MULTILINE)
