"""The writer of one annotator's file: an exclusive lock on the file itself, appends that are on disk
(written and fsynced) when they return, and a torn last line set aside on open.

An edit or an undo appends a record whose `prev` is the id of the record it supersedes. What a crash
can leave behind is an incomplete last line: `AnnotationLog.open` moves it to a sidecar
(`annotator.store.folder`) and reports it; every complete line is kept. Any other malformed line is
reported as `file:line: reason` and the writer refuses the file until it is fixed.

While the file is open, others may change it: git pull, checkout and merge replace it with a new
file, someone deletes it, another program appends to it. Before each append, and again after it,
the writer checks that the path still names the file it holds, at the size it left it. If not, it
reads what changed (records that arrived, lines that are no record), says so in `take_news`, and
writes to the file the path names now; a record that went to a file no longer at the path is
written again to the new one before `append` returns. The lock is on the data file itself, so no
separate lock file can be deleted from under it; a second writer that took a replacing file is
caught when this one tries to lock it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import orjson

from annotator.errors import Problem, UserError
from annotator.files import fsync_dir
from annotator.store.chains import broken_links, chain_heads, read_heads
from annotator.store.folder import Identity, annotator_file, file_identity, sidecar_name
from annotator.store.read import LogContents, parse_log, torn_problem
from annotator.store.records import (
    FORMAT,
    OPTIONAL_KEYS,
    LabelKey,
    Labels,
    Record,
    UnitKey,
    UnitLike,
    check_annotator_name,
    label_key,
    record_problems,
)
from annotator.text import plural

_ATTEMPTS = 3  # tries when the file is replaced again while the writer takes over the new one


class StoreError(UserError):
    """The file cannot be opened, locked or written; the message says why."""


class StoreLocked(StoreError):
    pass


class LogUnusable(StoreError):
    """A write failed in a way that leaves the file unusable until it is opened again (see
    `AnnotationLog.unusable`): nothing more is written to it in this session."""


class StoreDamaged(StoreError):
    """The file has malformed lines (`problems`); it is not written to until they are fixed."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        listed = "\n".join(str(problem) for problem in problems)
        super().__init__(f"{path} cannot be written to until these problems are fixed:\n{listed}")
        self.problems = problems


def _history_index(records: list[Record]) -> dict[LabelKey, list[Record]]:
    index: dict[LabelKey, list[Record]] = {}
    for record in records:
        index.setdefault(label_key(record), []).append(record)
    return index


# The file


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written == 0:
            raise OSError(errno.EIO, "the write made no progress")
        view = view[written:]


def _read_from(fd: int, offset: int) -> bytes:
    """The bytes of the file open on `fd` from `offset` to its end."""
    wanted = max(os.fstat(fd).st_size - offset, 0) + 1  # one more than the size: a short read is the end
    chunks = []
    while True:
        chunks.append(os.pread(fd, wanted, offset))
        offset += len(chunks[-1])
        if len(chunks[-1]) < wanted:
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)
        wanted = 1 << 20  # it grew meanwhile


def _make_folder(folder: Path) -> None:
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        fsync_dir(folder.parent)


def _path_status(path: Path) -> os.stat_result | None:
    """What `path` names now; None if nothing."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _lock(fd: int, path: Path) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise StoreLocked(f"{path} is open in another annotator process (lock held)") from None
        raise


def _open_locked(path: Path, flags: int = os.O_CREAT) -> int:
    """The file at `path` open for reading and appending, with the lock on it: StoreLocked when
    another writer holds it. `flags` O_CREAT creates a missing file, O_CREAT | O_EXCL only a new one
    (FileExistsError otherwise), 0 opens an existing one (FileNotFoundError otherwise)."""
    for _attempt in range(_ATTEMPTS):
        created = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CLOEXEC | flags, 0o644)
        try:
            _lock(fd, path)
            if created:
                fsync_dir(path.parent)
            status = _path_status(path)
            if status is not None and file_identity(status) == file_identity(os.fstat(fd)):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # replaced between the open and the lock: lock the file that is there now
    raise StoreError(f"cannot open {path}: it is replaced again and again")


def _write_sidecar(path: Path, data: bytes) -> Path:
    """A new file next to `path` holding `data`, durably; the name says when it was made. Nothing
    is left behind if it cannot be written whole."""
    sidecar = path.with_name(sidecar_name(path.name, datetime.now(UTC)))
    fd = os.open(sidecar, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_dir(path.parent)
    except BaseException:
        _remove_quietly(sidecar)
        raise
    return sidecar


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
        fsync_dir(path.parent)
    except OSError:
        pass  # the error being reported matters more than this one


def _set_aside(fd: int, contents: LogContents) -> Problem:
    """Move the torn last line of the file open on `fd` to a sidecar; the sidecar is on disk first,
    and removed again if the line cannot be cut from the file (no copy is left for each try)."""
    torn = contents.torn or b""
    sidecar = _write_sidecar(contents.path, torn)
    try:
        os.ftruncate(fd, os.fstat(fd).st_size - len(torn))
        os.fsync(fd)
    except BaseException:
        _remove_quietly(sidecar)
        raise
    complete_lines = len(contents.records) + len(contents.problems)
    return torn_problem(contents.path, complete_lines, torn, f" moved to {sidecar.name}")


@dataclass
class _File:
    """The file the log writes to, as the log last saw it."""

    fd: int
    identity: Identity
    size: int  # bytes, all read or written by this log
    lines: int  # complete lines
    partial: bytes = b""  # an incomplete last line another program appended: the next record starts on a new line

    def close(self) -> None:
        os.close(self.fd)  # releases the lock


def _the_file(fd: int, contents: LogContents, size: int) -> _File:
    return _File(fd, file_identity(os.fstat(fd)), size, len(contents.records) + len(contents.problems), contents.torn or b"")


# The log


class AnnotationLog:
    """The single writer of one annotator's file. Thread-safe: the UI may read heads while a writer
    thread appends."""

    def __init__(self, path: Path, annotator: str, file: _File, records: list[Record]) -> None:
        self.path = path
        self.annotator = annotator
        self.recovered: Problem | None = None  # the torn last line set aside on open, if there was one
        self._file = file
        self._records = records
        heads = read_heads(records)
        self._heads = heads.heads
        # Broken revision histories found on open (`chains.broken_links`), said, not refused: appending
        # to a unit continues its current head whatever came before.
        links = [] if heads.plain else broken_links(records)
        self.broken = [Problem(str(path), link.line, link.reason) for link in links if not link.fork]
        self.forks = sum(link.fork for link in links)  # forked histories (`chains`), resolved
        self._history = _history_index(records)
        self._mutex = threading.Lock()
        self._broken: str | None = None  # why appends are refused after a write that could not be undone
        self._news: list[str] = []  # what changed in the file that this log did not write, not yet taken
        self._mine: set[str] = set()  # ids of the records this log wrote
        self.created = False  # `open` created the file: `close` removes it again if it is still empty

    @classmethod
    def open(cls, store_dir: Path, annotator: str) -> AnnotationLog:
        """Lock `<store_dir>/<annotator>.jsonl` (created if missing) and read it; a torn last line
        is set aside (see `recovered`). StoreLocked, StoreDamaged or StoreError if it cannot be."""
        annotator = check_annotator_name(annotator)
        store_dir = Path(store_dir)
        path = annotator_file(store_dir, annotator)
        try:
            _make_folder(store_dir)
        except OSError as error:
            raise StoreError(f"cannot create the folder {store_dir}: {error.strerror or error}") from None
        created = not path.exists()
        try:
            fd = _open_locked(path)
        except OSError as error:
            raise StoreError(f"cannot open {path} for writing: {error.strerror or error}") from None
        try:
            log = cls._read_locked(path, annotator, fd)
        except BaseException:
            os.close(fd)
            raise
        log.created = created
        return log

    @classmethod
    def _read_locked(cls, path: Path, annotator: str, fd: int) -> AnnotationLog:
        try:
            data = _read_from(fd, 0)
        except OSError as error:
            raise StoreError(f"cannot read {path}: {error.strerror or error}") from None
        contents = parse_log(path, data)
        if contents.problems:
            raise StoreDamaged(path, contents.problems)
        try:
            recovered = _set_aside(fd, contents) if contents.torn else None
        except OSError as error:
            raise StoreError(f"cannot set aside the incomplete last line of {path}: {error.strerror or error}") from None
        contents.torn = None
        log = cls(path, annotator, _the_file(fd, contents, os.fstat(fd).st_size), contents.records)
        log.recovered = recovered
        return log

    def head(self, key: UnitKey) -> Record | None:
        """The current record of unit `key` (a `retracted` one means no current label), or None."""
        with self._mutex:
            return self._heads.get((self.annotator, *key))

    def latest(self) -> dict[UnitKey, Record]:
        """The head of every unit that has one."""
        with self._mutex:
            return {key[1:]: record for key, record in self._heads.items()}

    def history(self, key: UnitKey) -> list[Record]:
        """Every record at unit `key`, oldest first."""
        with self._mutex:
            return list(self._history.get((self.annotator, *key), []))

    def records(self) -> list[Record]:
        """Every record of the file, in file order."""
        with self._mutex:
            return list(self._records)

    @property
    def unusable(self) -> str | None:
        """Why nothing more is written in this session (a LogUnusable was raised), or None."""
        return self._broken

    def take_news(self) -> list[str]:
        """What others changed in the file since the last call, one message each: it was replaced
        (git pull) or deleted, records or other lines arrived. The records are in `latest` already."""
        with self._mutex:
            news, self._news = self._news, []
            return news

    def append(
        self,
        unit: UnitLike,
        *,
        doc_sha256: str,
        schema: str,
        schema_version: int,
        labels: Labels,
        status: str,
        prev: Record | None = None,
        **optional: object,
    ) -> Record:
        """Append a record for `unit` and return it once it is on disk, in the file the path names.

        It supersedes the unit's current head, or `prev` when that lies at another unit and is
        still the head there (an edit of a label re-anchored to `unit`).
        """
        unknown = set(optional) - set(OPTIONAL_KEYS)
        if unknown:
            raise TypeError(f"append() got unknown record keys: {', '.join(sorted(unknown))}")
        fields = {
            "format": FORMAT, "annotator": self.annotator, "doc": unit.doc, "doc_sha256": doc_sha256,
            "start": unit.start, "end": unit.end, "text_sha256": unit.text_sha256, "schema": schema,
            "schema_version": schema_version, "labels": labels, "status": status,
        }  # fmt: skip
        with self._mutex:
            self._check_writable()
            for _attempt in range(_ATTEMPTS):
                self._follow_the_path()
                saved = self._append_once(fields, prev, optional)
                if saved is not None:
                    return saved
        raise StoreError(f"could not save to {self.path}: it was replaced during each of {_ATTEMPTS} writes; this record was not saved")

    def follow(self) -> None:
        """Check now, as before each append, that the path names the file the log holds at the size
        it left it, and follow the file if not (see `take_news`); StoreError if it cannot be."""
        with self._mutex:
            if self._file.fd >= 0 and not self._broken:
                self._follow_the_path()

    def close(self) -> None:
        """Follow the file a last time (a record a pull dropped is written again), then release it.
        A file this log created and that is still empty is removed: opening and quitting leaves nothing."""
        with self._mutex:
            if self._file.fd >= 0:
                if not self._broken:
                    with contextlib.suppress(StoreError, OSError):  # closing all the same: the next open reads what is there
                        self._follow_the_path()
                        self._remove_if_never_written()
                self._file.close()
                self._file.fd = -1

    def _remove_if_never_written(self) -> None:
        """Unlink the file while it is locked, if this log created it and it is still the same empty file."""
        status = _path_status(self.path)
        if self.created and status is not None and status.st_size == 0 and file_identity(status) == self._file.identity:
            self.path.unlink()
            fsync_dir(self.path.parent)

    def __enter__(self) -> AnnotationLog:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def _check_writable(self) -> None:
        if self._file.fd < 0:
            raise StoreError(f"{self.path} is closed")
        if self._broken:
            raise LogUnusable(self._broken)

    # Writing

    def _append_once(self, fields: dict[str, object], prev: Record | None, optional: dict[str, object]) -> Record | None:
        """Write the record; it, once it is in the file the path names, or None when the file was
        replaced during the write and the new one does not hold it."""
        key = (self.annotator, fields["doc"], fields["start"], fields["end"])
        superseded = self._superseded(key, prev)  # type: ignore[arg-type]
        record_id = uuid.uuid4().hex
        record = {
            "format": fields["format"], "id": record_id, **fields,
            "rev": superseded["rev"] + 1 if superseded else 1,
            "prev": superseded["id"] if superseded else None,
            "ts": _now(), **optional,
        }  # fmt: skip
        line = self._encode(record)
        before = self._file
        written = self._write_line(line)
        status = _path_status(self.path)
        if status is not None and file_identity(status) == before.identity and status.st_size == before.size + len(written):
            saved: Record = orjson.loads(line)
            self._remember(saved, superseded, written)
            return saved
        # Someone changed the file during the write: read it again; the record is written again
        # if the file the path names now does not hold it.
        self._follow_the_path(pending=orjson.loads(line))
        return next((r for r in reversed(self._records) if r["id"] == record_id), None)

    def _superseded(self, key: LabelKey, prev: Record | None) -> Record | None:
        if prev is not None and label_key(prev) != key:
            head = self._heads.get(label_key(prev))
            if head is not None and head["id"] == prev["id"]:
                return head
        return self._heads.get(key)

    def _encode(self, record: dict[str, object]) -> bytes:
        problems = record_problems(record)
        if problems:
            raise StoreError(f"refusing to write an invalid record to {self.path}: {'; '.join(problems)}")
        try:
            return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError as error:
            raise StoreError(f"cannot write this record to {self.path}: {error}") from None

    def _write_line(self, line: bytes) -> bytes:
        """Write and fsync `line`, on a line of its own; the bytes written."""
        data = b"\n" + line if self._file.partial else line
        size = self._file.size
        try:
            _write_all(self._file.fd, data)
            os.fsync(self._file.fd)
        except OSError as error:
            raise self._undo_failed_write(size, error) from None
        return data

    def _undo_failed_write(self, size: int, error: OSError) -> StoreError:
        """Cut the file back to its last saved line; if even that fails, refuse further appends."""
        reason = f"could not save to {self.path}: {error.strerror or error}"
        try:
            os.ftruncate(self._file.fd, size)
            os.fsync(self._file.fd)
        except OSError:
            self._broken = (
                f"{reason}; the file may now end with an incomplete line, which is set aside when it is "
                "next opened. Nothing more is written to it until then."
            )
            return LogUnusable(self._broken)
        return StoreError(f"{reason}; this record was not saved")

    def _remember(self, record: Record, superseded: Record | None, written: bytes) -> None:
        key = label_key(record)
        if superseded is not None and label_key(superseded) != key:
            del self._heads[label_key(superseded)]
        self._heads[key] = record
        self._history.setdefault(key, []).append(record)
        self._records.append(record)
        self._mine.add(record["id"])
        file = self._file
        file.size += len(written)
        file.lines += 1 + bool(file.partial)
        file.partial = b""

    # Following the path: what others did to the file

    def _follow_the_path(self, pending: Record | None = None) -> None:
        """Make the log hold the file the path names, at its current size: read what arrived in it,
        take over a file that replaced it, write a deleted one again. Records this log wrote that
        the file the path names does not hold (a pull raced with a write) are written to it again,
        as they were: `pending` too, a record just written, which is not news when read back."""
        for _attempt in range(_ATTEMPTS + 1):
            status = _path_status(self.path)
            if status is None:
                self._write_again()  # then read back what the copy holds beyond what the log had
                continue
            if file_identity(status) != self._file.identity:
                self._take_over(pending)
            elif status.st_size < self._file.size:
                self._read_again(pending, f"{self.path} was cut short while open and is read again")
            elif status.st_size > self._file.size:
                self._read_what_arrived(pending)
            if pending is not None and not any(record["id"] == pending["id"] for record in reversed(self._records)):
                self._restore([pending])
            return
        raise StoreError(f"cannot follow {self.path}: it is replaced again and again")

    def _read_what_arrived(self, pending: Record | None) -> None:
        """The file grew: read the new bytes (with an incomplete last line seen before, which may
        be complete now)."""
        file = self._file
        try:
            data = file.partial + _read_from(file.fd, file.size)
        except OSError as error:
            raise StoreError(f"cannot read {self.path}: {error.strerror or error}") from None
        contents = parse_log(self.path, data, first_line=file.lines + 1)
        file.size += len(data) - len(file.partial)
        file.lines += data.count(b"\n")
        file.partial = contents.torn or b""
        self._add_records(contents.records)
        arrived = sum(1 for record in contents.records if pending is None or record["id"] != pending["id"])
        if arrived:
            were = "was" if arrived == 1 else "were"
            self._news.append(
                f"{plural(arrived, 'record')} {were} appended to {self.path} by another program (is this annotator's file open twice?)"
            )
        self._report_lines(contents)

    def _take_over(self, pending: Record | None) -> None:
        """The path names another file (git pull, checkout or merge replaced it): lock it, read it."""
        try:
            fd = _open_locked(self.path, 0)
        except StoreLocked:
            raise StoreLocked(
                f"{self.path} was replaced, and another annotator process has the new one open:"
                " this one saves nothing until that one is closed"
            ) from None
        except OSError as error:
            raise StoreError(f"cannot open {self.path} for writing: {error.strerror or error}") from None
        self._file.close()
        self._file.fd = fd
        self._read_again(pending, f"{self.path} was replaced (by git pull, checkout or merge?) and is read again")

    def _read_again(self, pending: Record | None, what: str) -> None:
        """Read the whole file open on the log's fd in place of what the log held; write again the
        records this log wrote that it does not hold."""
        fd = self._file.fd
        try:
            data = _read_from(fd, 0)
        except OSError as error:
            raise StoreError(f"cannot read {self.path}: {error.strerror or error}") from None
        contents = parse_log(self.path, data)
        held = {record["id"] for record in contents.records}
        had = {record["id"] for record in self._records}
        lost = [record for record in self._records if record["id"] in self._mine and record["id"] not in held]
        self._file = _the_file(fd, contents, len(data))
        self._records = []
        self._add_records(contents.records)
        changes = [f"{plural(len(held - had - {pending['id'] if pending else None}), 'record')} arrived"]
        gone = len(had - held) - len(lost)
        if gone:
            changes.append(f"{plural(gone, 'record')} read when it was opened {'is' if gone == 1 else 'are'} no longer in it")
        if lost:
            changes.append(
                f"{plural(len(lost), 'record')} written in this session, not in it, {'is' if len(lost) == 1 else 'are'} written again"
            )
        self._news.append(f"{what}: {', '.join(changes)}")
        self._report_lines(contents)
        if lost:
            self._restore(lost)

    def _restore(self, records: list[Record]) -> None:
        """Append `records` (this log's own, missing from the file) as they were written."""
        data = b"".join(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE) for record in records)
        written = self._write_line(data)
        file = self._file
        file.size += len(written)
        file.lines += len(records) + bool(file.partial)
        file.partial = b""
        self._add_records(records)
        self._mine.update(record["id"] for record in records)

    def _write_again(self) -> None:
        """The file was deleted while open: write all it held to a new file at the path (unless
        another file appeared there meanwhile)."""
        old = self._file
        try:
            data = _read_from(old.fd, 0)
            fd = _open_locked(self.path, os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            return
        except OSError as error:
            raise StoreError(f"{self.path} was deleted and cannot be written again: {error.strerror or error}") from None
        try:
            _write_all(fd, data[: old.size])
            os.fsync(fd)
            _write_all(fd, data[old.size :])  # what the old file got beyond what the log had read: read back as news
            os.fsync(fd)
        except OSError as error:
            os.close(fd)
            raise StoreError(f"{self.path} was deleted and cannot be written again: {error.strerror or error}") from None
        old.close()
        self._file = _File(fd, file_identity(os.fstat(fd)), old.size, old.lines, old.partial)
        self._news.append(f"{self.path} was deleted while open: written again with the {plural(len(self._records), 'record')} it held")

    def _add_records(self, records: list[Record]) -> None:
        self._records += records
        self._heads = chain_heads(self._records)
        self._history = _history_index(self._records)

    def _report_lines(self, contents: LogContents) -> None:
        """Say what in the bytes read is no record: malformed lines and an incomplete last one."""
        self._news += [str(problem) for problem in contents.problems]
        if contents.torn:
            self._news.append(
                f"{self.path}:{self._file.lines + 1}: an incomplete line ({len(contents.torn)} bytes) was appended by"
                " another program; the next record starts on a new line"
            )
