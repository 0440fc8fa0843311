"""The writer of one annotator's file: an exclusive lock, appends that are on disk (written and
fsynced) when they return, and a torn last line set aside on open.

An edit or an undo appends a record whose `prev` is the id of the record it supersedes. What a crash
can leave behind is an incomplete last line: `AnnotationLog.open` moves it to a sidecar
(`annotator.store.folder`) and reports it; every complete line is kept. Any other malformed line is
reported as `file:line: reason` and the writer refuses the file until it is fixed.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import orjson

from annotator.errors import Problem, UserError
from annotator.store.folder import annotator_file, sidecar_name
from annotator.store.read import LogContents, chain_heads, read_log, torn_problem
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


class StoreError(UserError):
    """The file cannot be opened, locked or written; the message says why."""


class StoreLocked(StoreError):
    pass


class StoreDamaged(StoreError):
    """The file has malformed lines (`problems`); it is not written to until they are fixed."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        listed = "\n".join(str(problem) for problem in problems)
        super().__init__(f"{path} cannot be written to until these problems are fixed:\n{listed}")
        self.problems = problems


# Record checks


# Reading


def _history_index(records: list[Record]) -> dict[LabelKey, list[Record]]:
    index: dict[LabelKey, list[Record]] = {}
    for record in records:
        index.setdefault(label_key(record), []).append(record)
    return index


# Torn-line sidecars


# Writing


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _fsync_dir(directory: Path) -> None:
    """Make a file created in `directory` survive a power cut (its directory entry is data too)."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written == 0:
            raise OSError(errno.EIO, "the write made no progress")
        view = view[written:]


def _lock(path: Path) -> int:
    lock_path = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise StoreError(f"cannot open {lock_path}: {error.strerror or error}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        os.close(fd)
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise StoreLocked(f"{path} is open in another annotator process (lock held)") from None
        raise StoreError(f"cannot lock {lock_path}: {error.strerror or error}") from None
    return fd


def _make_folder(folder: Path) -> None:
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        _fsync_dir(folder.parent)


def _open_for_append(path: Path) -> int:
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        if created:
            _fsync_dir(path.parent)
    except OSError:
        os.close(fd)
        raise
    return fd


def _write_sidecar(path: Path, data: bytes) -> Path:
    """A new file next to `path` holding `data`, durably; the name says when it was made."""
    sidecar = path.with_name(sidecar_name(path.name, datetime.now(UTC)))
    fd = os.open(sidecar, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    _fsync_dir(path.parent)
    return sidecar


def _set_aside(fd: int, contents: LogContents) -> Problem:
    """Move the torn last line of the file open on `fd` to a sidecar; the sidecar is on disk first."""
    torn = contents.torn or b""
    sidecar = _write_sidecar(contents.path, torn)
    os.ftruncate(fd, os.fstat(fd).st_size - len(torn))
    os.fsync(fd)
    complete_lines = len(contents.records) + len(contents.problems)
    return torn_problem(contents.path, complete_lines, torn, f" moved to {sidecar.name}")


class AnnotationLog:
    """The single writer of one annotator's file. Thread-safe: the UI may read heads while a writer
    thread appends."""

    def __init__(self, path: Path, annotator: str, fd: int, lock_fd: int, records: list[Record]) -> None:
        self.path = path
        self.annotator = annotator
        self.recovered: Problem | None = None  # the torn last line set aside on open, if there was one
        self._fd = fd
        self._lock_fd = lock_fd
        self._records = records
        self._heads = chain_heads(records)
        self._history = _history_index(records)
        self._mutex = threading.Lock()
        self._broken: str | None = None  # why appends are refused after a write that could not be undone

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
        lock_fd = _lock(path)
        try:
            return cls._open_locked(path, annotator, lock_fd)
        except BaseException:
            os.close(lock_fd)
            raise

    @classmethod
    def _open_locked(cls, path: Path, annotator: str, lock_fd: int) -> AnnotationLog:
        contents = read_log(path) if path.exists() else LogContents(path, [], [], None)
        if contents.problems:
            raise StoreDamaged(path, contents.problems)
        try:
            fd = _open_for_append(path)
        except OSError as error:
            raise StoreError(f"cannot open {path} for writing: {error.strerror or error}") from None
        try:
            recovered = _set_aside(fd, contents) if contents.torn else None
        except OSError as error:
            os.close(fd)
            raise StoreError(f"cannot set aside the incomplete last line of {path}: {error.strerror or error}") from None
        log = cls(path, annotator, fd, lock_fd, contents.records)
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
        """Append a record for `unit` and return it once it is on disk.

        It supersedes the unit's current head, or `prev` when that lies at another unit and is
        still the head there (an edit of a label re-anchored to `unit`).
        """
        unknown = set(optional) - set(OPTIONAL_KEYS)
        if unknown:
            raise TypeError(f"append() got unknown record keys: {', '.join(sorted(unknown))}")
        with self._mutex:
            self._check_writable()
            key = (self.annotator, unit.doc, unit.start, unit.end)
            superseded = self._superseded(key, prev)
            record = {
                "format": FORMAT, "id": uuid.uuid4().hex, "annotator": self.annotator,
                "doc": unit.doc, "doc_sha256": doc_sha256, "start": unit.start, "end": unit.end,
                "text_sha256": unit.text_sha256, "schema": schema, "schema_version": schema_version,
                "labels": labels, "status": status,
                "rev": superseded["rev"] + 1 if superseded else 1,
                "prev": superseded["id"] if superseded else None,
                "ts": _now(), **optional,
            }  # fmt: skip
            line = self._encode(record)
            self._write_line(line)
            saved: Record = orjson.loads(line)
            self._remember(saved, superseded)
            return saved

    def close(self) -> None:
        with self._mutex:
            if self._fd >= 0:
                os.close(self._fd)
                os.close(self._lock_fd)  # releases the lock
                self._fd = self._lock_fd = -1

    def __enter__(self) -> AnnotationLog:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def _check_writable(self) -> None:
        if self._fd < 0:
            raise StoreError(f"{self.path} is closed")
        if self._broken:
            raise StoreError(self._broken)

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

    def _write_line(self, line: bytes) -> None:
        size = os.fstat(self._fd).st_size
        try:
            _write_all(self._fd, line)
            os.fsync(self._fd)
        except OSError as error:
            raise self._undo_failed_write(size, error) from None

    def _undo_failed_write(self, size: int, error: OSError) -> StoreError:
        """Cut the file back to its last saved line; if even that fails, refuse further appends."""
        reason = f"could not save to {self.path}: {error.strerror or error}"
        try:
            os.ftruncate(self._fd, size)
            os.fsync(self._fd)
        except OSError:
            self._broken = (
                f"{reason}; the file may now end with an incomplete line, which is set aside when it is "
                "next opened. Nothing more is written to it until then."
            )
            return StoreError(self._broken)
        return StoreError(f"{reason}; this record was not saved")

    def _remember(self, record: Record, superseded: Record | None) -> None:
        key = label_key(record)
        if superseded is not None and label_key(superseded) != key:
            del self._heads[label_key(superseded)]
        self._heads[key] = record
        self._history.setdefault(key, []).append(record)
        self._records.append(record)
