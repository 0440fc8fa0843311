"""The writer and its file in ordinary team use: git pull replacing the file while a UI has it open,
a deleted file, another program appending whole or partial lines, a second writer, and the lock
held on the data file itself (no lock file that `git clean -fdX` could delete)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.store.log import AnnotationLog, LogUnusable, StoreError, StoreLocked
from annotator.store.read import load_store, read_log
from annotator.store.writer import BackgroundWriter
from tests.unit.store.test_store import line_of, save, unit, valid_record


def replace_file(path: Path, data: bytes) -> None:
    """What git pull, checkout and merge do to a file they update: a new file renamed over it."""
    temp = path.with_name(path.name + ".new")
    temp.write_bytes(data)
    os.replace(temp, path)


def other_machine_record(start: int = 90, **changes: object) -> dict:
    """A record the same annotator made elsewhere, arriving with a pull."""
    return valid_record(**{"id": "e" * 32, "start": start, "end": start + 5, **changes})


@pytest.fixture
def log(tmp_path: Path):
    with AnnotationLog.open(tmp_path, "alice") as opened:
        yield opened


# --- the lock --------------------------------------------------------------------------------------


def test_the_lock_is_on_the_data_file_so_deleting_every_other_file_keeps_it(tmp_path: Path) -> None:
    with AnnotationLog.open(tmp_path, "alice"):
        assert [path.name for path in tmp_path.iterdir()] == ["alice.jsonl"]
        for path in tmp_path.iterdir():  # what git clean -fdX removes: every ignored file
            if path.name != "alice.jsonl":
                path.unlink()
        with pytest.raises(StoreLocked, match=r"alice\.jsonl is open in another annotator process"):
            AnnotationLog.open(tmp_path, "alice")
        probe = subprocess.run(
            [sys.executable, "-c", "import sys; from annotator.store.log import AnnotationLog\nAnnotationLog.open(sys.argv[1], 'alice')", str(tmp_path)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert probe.returncode != 0 and "StoreLocked" in probe.stderr


# --- git pull while open ------------------------------------------------------------------------------


def test_a_file_replaced_while_open_gets_the_next_record_and_its_new_records_are_read(log: AnnotationLog) -> None:
    first = save(log, unit(0))
    pulled = other_machine_record()
    replace_file(log.path, log.path.read_bytes() + line_of(pulled))
    second = save(log, unit(10))
    assert read_log(log.path).records == [first, pulled, second]
    assert log.latest() == {unit(0).key: first, unit(90).key: pulled, unit(10).key: second}
    (news,) = log.take_news()
    assert f"{log.path} was replaced" in news and "1 record arrived" in news
    assert log.take_news() == []


def test_three_pulls_while_open_lose_nothing(tmp_path: Path) -> None:
    with AnnotationLog.open(tmp_path, "alice") as log:
        saved = [save(log, unit(0))]
        for pull in range(3):
            pulled = other_machine_record(100 + pull * 10, id=f"{pull}" * 32)
            replace_file(log.path, log.path.read_bytes() + line_of(pulled))
            saved += [pulled, save(log, unit(10 + pull)), save(log, unit(0))]
        assert read_log(log.path).records == saved
        assert len(log.take_news()) == 3
    with AnnotationLog.open(tmp_path, "alice") as reopened:
        assert reopened.records() == saved


def test_a_record_written_to_the_old_file_as_it_is_replaced_is_written_to_the_new_one(
    log: AnnotationLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git replaces the file between the writer's check and its write: the record lands in the old
    file only, and is written again to the new one before append returns."""
    first = save(log, unit(0))
    as_pulled = log.path.read_bytes() + line_of(other_machine_record())
    real_fsync = os.fsync

    def replaced_during_the_write(fd: int) -> None:
        real_fsync(fd)
        if not log.path.with_name("done").exists():
            log.path.with_name("done").touch()
            replace_file(log.path, as_pulled)

    monkeypatch.setattr(os, "fsync", replaced_during_the_write)
    second = save(log, unit(10))
    monkeypatch.undo()
    records = read_log(log.path).records
    assert records == [first, other_machine_record(), second]
    assert (second["rev"], second["prev"]) == (1, None)
    assert log.latest()[unit(10).key] == second


def test_an_edit_after_a_pull_supersedes_the_pulled_head(log: AnnotationLog) -> None:
    first = save(log, unit(0), {"checkworthiness": "minor"})
    pulled = valid_record(id="e" * 32, rev=2, prev=first["id"], labels={"checkworthiness": "urgent"}, text_sha256=first["text_sha256"])
    replace_file(log.path, log.path.read_bytes() + line_of(pulled))
    edit = save(log, unit(0), prev=first)  # the screen still shows the first label
    assert (edit["rev"], edit["prev"]) == (3, pulled["id"])
    assert load_store(log.path.parent).problems == []


def test_records_of_this_session_a_pull_dropped_are_written_again(log: AnnotationLog) -> None:
    """The pull read the file before the second record was saved, and renamed its copy over it
    after: the record the screen called saved is written again, as it was."""
    first = save(log, unit(0))
    second = save(log, unit(10))
    replace_file(log.path, line_of(first))
    third = save(log, unit(20))
    assert read_log(log.path).records == [first, second, third]
    (news,) = log.take_news()
    assert "0 records arrived, 1 record written in this session, not in it, is written again" in news


def test_records_read_on_open_that_a_checkout_takes_away_are_said(tmp_path: Path) -> None:
    with AnnotationLog.open(tmp_path, "alice") as log:
        first, second = save(log, unit(0)), save(log, unit(10))
    with AnnotationLog.open(tmp_path, "alice") as log:
        replace_file(log.path, line_of(first))  # git checkout of an older version
        third = save(log, unit(20))
        assert read_log(log.path).records == [first, third]
        assert "1 record read when it was opened is no longer in it" in log.take_news()[0]
        assert log.head(unit(10).key) is None and second not in log.records()


def test_a_pull_is_seen_while_idle_and_a_record_it_dropped_written_again_on_close(tmp_path: Path) -> None:
    log = AnnotationLog.open(tmp_path, "alice")
    first, second = save(log, unit(0)), save(log, unit(10))
    replace_file(log.path, line_of(first) + line_of(other_machine_record()))
    log.follow()
    assert "1 record arrived, 1 record written in this session, not in it, is written again" in log.take_news()[0]
    assert read_log(log.path).records == [first, other_machine_record(), second]
    replace_file(log.path, line_of(first))
    log.close()
    assert read_log(log.path).records == [first, second]


def test_a_deleted_file_is_written_again_from_the_open_log(log: AnnotationLog) -> None:
    first = save(log, unit(0))
    log.path.unlink()
    second = save(log, unit(10))
    assert read_log(log.path).records == [first, second]
    (news,) = log.take_news()
    assert f"{log.path} was deleted while open" in news
    with pytest.raises(StoreLocked):
        AnnotationLog.open(log.path.parent, "alice")


def test_a_file_deleted_during_the_write_is_written_again_with_the_record_once(log: AnnotationLog, monkeypatch: pytest.MonkeyPatch) -> None:
    first = save(log, unit(0))
    real_fsync, deleted = os.fsync, []

    def deleted_during_the_write(fd: int) -> None:
        real_fsync(fd)
        if not deleted:
            deleted.append(log.path)
            log.path.unlink()

    monkeypatch.setattr(os, "fsync", deleted_during_the_write)
    second = save(log, unit(10))
    monkeypatch.undo()
    assert read_log(log.path).records == [first, second]
    assert log.records() == [first, second]
    assert [news.split(":")[0] for news in log.take_news()] == [f"{log.path} was deleted while open"]


def test_a_second_writer_on_the_new_file_is_caught_and_nothing_is_written_twice(tmp_path: Path) -> None:
    with AnnotationLog.open(tmp_path, "alice") as first:
        save(first, unit(0))
        replace_file(first.path, first.path.read_bytes())  # the lock stays with the old file
        with AnnotationLog.open(tmp_path, "alice") as second:
            theirs = save(second, unit(10))
            with pytest.raises(
                StoreLocked,
                match=r"was replaced, and another annotator process has the new one open: this one saves nothing until that one is closed",
            ):
                save(first, unit(20))
            assert [r["start"] for r in read_log(first.path).records] == [0, 10]
        mine = save(first, unit(20))  # the other one closed: this one takes the file over
        assert read_log(first.path).records[1:] == [theirs, mine]


# --- another program appending -------------------------------------------------------------------------


def append_raw(path: Path, data: bytes) -> None:
    with open(path, "ab") as handle:
        handle.write(data)


def test_records_appended_by_another_program_are_read_before_the_next_append(log: AnnotationLog) -> None:
    first = save(log, unit(0))
    foreign = other_machine_record()
    append_raw(log.path, line_of(foreign))
    second = save(log, unit(10))
    assert read_log(log.path).records == [first, foreign, second]
    assert log.head(unit(90).key) == foreign
    (news,) = log.take_news()
    assert "1 record was appended to" in news and "by another program" in news


def test_a_foreign_partial_line_is_reported_and_the_next_record_starts_on_a_new_line(log: AnnotationLog) -> None:
    first = save(log, unit(0))
    append_raw(log.path, b'{"format": 1, "id": "half')
    second = save(log, unit(10))
    contents = read_log(log.path)
    assert contents.records == [first, second]
    assert [(p.line, p.reason.split(" (")[0]) for p in contents.problems] == [(2, "not valid JSON")]
    (news,) = log.take_news()
    assert f"{log.path}:2: an incomplete line (25 bytes) was appended by another program" in news
    third = save(log, unit(20))
    assert read_log(log.path).records == [first, second, third]
    assert log.take_news() == []


def test_malformed_lines_that_arrive_are_reported_and_the_records_still_saved(log: AnnotationLog) -> None:
    save(log, unit(0))
    append_raw(log.path, b"<<<<<<< HEAD\n")
    saved = save(log, unit(10))
    assert read_log(log.path).records[-1] == saved
    (news,) = log.take_news()
    assert f"{log.path}:2: not valid JSON" in news


# --- what cannot go on ------------------------------------------------------------------------------------


def test_a_failed_set_aside_of_a_torn_tail_leaves_no_sidecar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with AnnotationLog.open(tmp_path, "alice") as log:
        save(log, unit(0))
    torn = b'{"format": 1, "id'
    append_raw(tmp_path / "alice.jsonl", torn)

    def no_truncate(fd: int, size: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "ftruncate", no_truncate)
    for _attempt in range(2):
        with pytest.raises(StoreError, match="cannot set aside the incomplete last line"):
            AnnotationLog.open(tmp_path, "alice")
        assert sorted(path.name for path in tmp_path.iterdir()) == ["alice.jsonl"]
    monkeypatch.undo()
    with AnnotationLog.open(tmp_path, "alice") as log:
        assert log.recovered is not None
    (sidecar,) = tmp_path.glob("alice.jsonl.torn-*")
    assert sidecar.read_bytes() == torn


def test_a_sidecar_that_cannot_be_written_whole_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "alice.jsonl").write_bytes(line_of(valid_record()) + b'{"torn')
    real_fsync = os.fsync

    def disk_full(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").rsplit("/", 1)[-1].startswith("alice.jsonl.torn-"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(StoreError, match="No space left on device"):
        AnnotationLog.open(tmp_path, "alice")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["alice.jsonl"]


def test_a_log_that_cannot_go_on_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.unit.store.test_store import failing

    log = AnnotationLog.open(tmp_path, "alice")
    save(log, unit(0))
    assert log.unusable is None
    failing(monkeypatch, "write", log, partial=40)
    failing(monkeypatch, "ftruncate", log)
    with pytest.raises(LogUnusable) as raised:
        save(log, unit(10))
    monkeypatch.undo()
    assert log.unusable == str(raised.value)
    with pytest.raises(LogUnusable, match="Nothing more is written to it until then"):
        save(log, unit(10))
    log.close()


def test_the_background_writer_hands_on_the_news_before_the_outcome_of_that_append(log: AnnotationLog) -> None:
    from tests.unit.store.test_store import request

    save(log, unit(0))
    replace_file(log.path, log.path.read_bytes() + line_of(other_machine_record()))
    heard: list[object] = []
    with BackgroundWriter(log, lambda _request, record, _error: heard.append(record["start"]), heard.append) as writer:
        writer.submit(request(unit(10)))
        writer.submit(request(unit(20)))
    news, *outcomes = heard
    assert isinstance(news, list) and "was replaced" in news[0]
    assert outcomes == [10, 20]
