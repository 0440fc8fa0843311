"""The annotation store: one append-only, versioned JSONL file per annotator.

`<store_dir>/<annotator>.jsonl` holds one record per line. A record is never rewritten: an edit or
an undo appends a record whose `prev` is the id of the record it supersedes, and the head of that
chain is the current label of the unit. `AnnotationLog` is the single writer of one file (an
exclusive lock on `<annotator>.jsonl.lock`); an append is on disk (written and fsynced) when it
returns. `read_log` and `load_store` only read.

What a crash can leave behind is an incomplete last line. A writer moves it aside to a
`<annotator>.jsonl.torn-<UTC time>` sidecar and reports it; every complete line is kept. Sidecars
stay until the user moves or deletes them (`torn_sidecars` lists them). Any other malformed line is
reported as `file:line: reason` and the writer refuses the file until it is fixed.
"""

from __future__ import annotations

import errno
import fcntl
import math
import os
import re
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any, Callable, Protocol

import orjson

from annotator.gc_pause import gc_paused
from annotator.problems import Problem

FORMAT = 1
# `draft`: labels saved as the annotator picks them, not yet declared done. Only `done` labels
# count for agreement, gold labels and export.
STATUSES = ("draft", "done", "skipped", "flagged", "retracted")
ANNOTATION = "annotation"
ADJUDICATION = "adjudication"  # a reviewer's decision (annotator.roles)
KINDS = (ANNOTATION, ADJUDICATION)
ORIGINS = ("typed", "suggested")
REQUIRED_KEYS = (
    "format", "id", "annotator", "doc", "doc_sha256", "start", "end", "text_sha256",
    "schema", "schema_version", "labels", "status", "rev", "prev", "ts",
)  # fmt: skip
ANNOTATOR_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
NAME_RULE = "1 to 64 characters from A-Z a-z 0-9 . _ -, not starting with '.'"

UnitKey = tuple[str, int, int]  # (doc, start, end)
LabelKey = tuple[str, str, int, int]  # (annotator, doc, start, end)

_SHA256 = re.compile(r"[0-9a-f]{64}")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")
_STATUS_SET = frozenset(STATUSES)
_FIELDS = itemgetter(*REQUIRED_KEYS)
_label_key: Callable[[dict], LabelKey] = itemgetter("annotator", "doc", "start", "end")


class UnitLike(Protocol):
    """What a record needs from a unit (`annotator.corpus.Unit` is one)."""

    @property
    def doc(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text_sha256(self) -> str: ...


class InvalidAnnotatorName(ValueError):
    pass


class StoreError(Exception):
    pass


class StoreLocked(StoreError):
    pass


class StoreDamaged(StoreError):
    """The file has malformed lines (`problems`); it is not written to until they are fixed."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        listed = "\n".join(str(problem) for problem in problems)
        super().__init__(f"{path} cannot be written to until these problems are fixed:\n{listed}")
        self.problems = problems


def _is_annotator_name(name: object) -> bool:
    return isinstance(name, str) and bool(ANNOTATOR_NAME.fullmatch(name)) and not name.startswith(".")


def check_annotator_name(name: str) -> str:
    if _is_annotator_name(name):
        return name
    raise InvalidAnnotatorName(f"invalid annotator name {name!r}: use {NAME_RULE}")


def is_adjudication(record: Mapping) -> bool:
    """A reviewer's decision; a record without `kind` is an annotation."""
    return record.get("kind") == ADJUDICATION


def describe_label(record: Mapping) -> str:
    """How messages name a record: its id and the sentence it labels, as the record places it."""
    return f"label {record['id']} on {record['doc']} [{record['start']}, {record['end']})"


def describe_left_out(record: Mapping, reason: str) -> str:
    """A label that counts for nothing (stale, or not fitting the schema): whose, which, and why."""
    return f"{record['annotator']}: {describe_label(record)}: {reason}"


def annotator_file(store_dir: Path, annotator: str) -> Path:
    """The file of `annotator`'s records in `store_dir`."""
    return Path(store_dir) / f"{annotator}.jsonl"


# Record checks


def _is_int(value: object, minimum: int) -> bool:
    return type(value) is int and value >= minimum


def _is_text(value: object) -> bool:
    return type(value) is str and value != ""


def _is_sha256(value: object) -> bool:
    return type(value) is str and bool(_SHA256.fullmatch(value))


def _is_timestamp(value: object) -> bool:
    if type(value) is not str or not _TIMESTAMP.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_origin(value: object) -> bool:
    return type(value) is dict and all(origin in ORIGINS for origin in value.values())


def _is_seconds(value: object) -> bool:
    return type(value) in (int, float) and math.isfinite(value) and value >= 0  # type: ignore[arg-type]


_Check = tuple[Callable[[Any], bool], str]
_CHECKS: dict[str, _Check] = {
    "format": (lambda v: type(v) is int and v == FORMAT, f"must be {FORMAT}"),
    "id": (_is_text, "must be a non-empty string"),
    "annotator": (_is_annotator_name, f"must be {NAME_RULE}"),
    "doc": (_is_text, "must be a non-empty string"),
    "doc_sha256": (_is_sha256, "must be 64 lowercase hex digits"),
    "start": (lambda v: _is_int(v, 0), "must be an integer >= 0"),
    "end": (lambda v: _is_int(v, 0), "must be an integer >= 0"),
    "text_sha256": (_is_sha256, "must be 64 lowercase hex digits"),
    "schema": (_is_text, "must be a non-empty string"),
    "schema_version": (lambda v: _is_int(v, 1), "must be an integer >= 1"),
    "labels": (lambda v: type(v) is dict, "must be an object"),
    "status": (lambda v: v in STATUSES, f"must be one of {', '.join(STATUSES)}"),
    "rev": (lambda v: _is_int(v, 1), "must be an integer >= 1"),
    "prev": (lambda v: v is None or _is_text(v), "must be null or a record id"),
    "ts": (_is_timestamp, "must be a UTC time like 2026-11-21T21:48:00.123Z"),
    "kind": (lambda v: v in KINDS, f"must be one of {', '.join(KINDS)}"),
    "origin": (_is_origin, f"must map fields to one of {', '.join(ORIGINS)}"),
    "seconds": (_is_seconds, "must be a number >= 0"),
}
OPTIONAL_KEYS = tuple(key for key in _CHECKS if key not in REQUIRED_KEYS)  # kind, origin, seconds


def _show(value: object) -> str:
    shown = orjson.dumps(value, default=repr).decode()
    return shown if len(shown) <= 40 else shown[:39] + "…"


def record_problems(record: object) -> list[str]:
    """Every way `record` breaks the record format (reasons without file:line); [] when it is valid."""
    if type(record) is not dict:
        return ["not a JSON object"]
    problems = [f"missing key {key!r}" for key in REQUIRED_KEYS if key not in record]
    for key, value in record.items():
        if key not in _CHECKS:
            problems.append(f"unknown key {key!r}")
        elif not _CHECKS[key][0](value):
            problems.append(f"{key} {_CHECKS[key][1]}, got {_show(value)}")
    if not problems:
        problems = _chain_problems(record)
    return problems


def _chain_problems(record: dict) -> list[str]:
    problems = []
    if record["start"] > record["end"]:
        problems.append(f"start {record['start']} is after end {record['end']}")
    if (record["prev"] is None) != (record["rev"] == 1):
        problems.append(f"rev {record['rev']} does not fit prev {_show(record['prev'])} (rev is 1 exactly when prev is null)")
    return problems


def _looks_valid(record: object, annotator: str) -> bool:
    """The cheap check of the load path: all required keys, and the ones the store relies on typed."""
    try:
        _, id_, name, doc, _, start, end, _, _, _, labels, status, rev, prev, _ = _FIELDS(record)  # type: ignore[misc]
    except (KeyError, TypeError):
        return False
    return (
        name == annotator
        and type(doc) is str
        and type(start) is int
        and type(end) is int
        and type(id_) is str
        and type(rev) is int
        and type(labels) is dict
        and (prev is None or type(prev) is str)
        and type(status) is str
        and status in _STATUS_SET
    )


def _line_problem(record: object, annotator: str) -> str:
    reasons = record_problems(record)
    if type(record) is dict and record.get("annotator") != annotator:
        reasons.append(f"annotator {_show(record.get('annotator'))} does not match the file name")
    return "; ".join(reasons)


# Reading


@dataclass
class LogContents:
    path: Path
    records: list[dict]  # the valid complete lines, in file order
    problems: list[Problem]  # one per malformed complete line
    torn: bytes | None  # an incomplete last line (no final newline), left by a crash mid-write


def read_log(path: Path) -> LogContents:
    """The records of one annotator's file; reads only, never modifies anything."""
    path = Path(path)
    problems: list[Problem] = []
    lines, torn = _read_lines(path, problems)
    with gc_paused():
        records = list(_valid_records(lines, path, problems))
    return LogContents(path, records, problems, torn)


def _read_lines(path: Path, problems: list[Problem]) -> tuple[list[bytes], bytes | None]:
    """The complete lines of a file, and its incomplete last line (no final newline) if it has one;
    none (and a problem) when the file cannot be read."""
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError as error:
        problems.append(Problem(str(path), None, f"cannot read: {error.strerror or error}"))
        return [], None
    return lines, lines.pop() or None


def _valid_records(lines: list[bytes], path: Path, problems: list[Problem]) -> Iterator[dict]:
    """The records of an annotator file's complete lines, in order; a malformed line is added to
    `problems` instead."""
    name, annotator = str(path), path.name.removesuffix(".jsonl")
    loads = orjson.loads
    for number, line in enumerate(lines, 1):
        try:
            record = loads(line)
        except orjson.JSONDecodeError as error:
            reason = "empty line" if not line.strip() else f"not valid JSON ({error.msg} at column {error.colno})"
            problems.append(Problem(name, number, reason))
            continue
        if _looks_valid(record, annotator):
            yield record
        else:
            problems.append(Problem(name, number, _line_problem(record, annotator)))


def _heads(records: Iterable[dict]) -> dict[LabelKey, dict]:
    """The head of every unit's chain: the last record at its key, unless a later record at another
    key names it as `prev` (an edit of a re-anchored label), which supersedes it there too."""
    heads: dict[LabelKey, dict] = {}
    moved: set[str] = set()  # prevs that were not the head of their record's own key
    for record in records:
        key = _label_key(record)
        prev = record["prev"]
        if prev is not None:
            head = heads.get(key)
            if head is None or head["id"] != prev:
                moved.add(prev)
        heads[key] = record
    if moved:
        for key in [key for key, head in heads.items() if head["id"] in moved]:
            del heads[key]
    return heads


def _history_index(records: list[dict]) -> dict[LabelKey, list[dict]]:
    index: dict[LabelKey, list[dict]] = {}
    for record in records:
        index.setdefault(_label_key(record), []).append(record)
    return index


@dataclass
class StoreView:
    """A read-only view of a whole store folder. `latest` includes `retracted` heads (no current label)."""

    records: dict[str, list[dict]]  # annotator -> valid records in file order; from `load_store` only with keep_records
    latest: dict[LabelKey, dict]  # (annotator, doc, start, end) -> head record
    problems: list[Problem]
    torn: list[str] = field(default_factory=list)  # annotators whose file ends in an incomplete line
    kinds: dict[str, frozenset[str]] = field(default_factory=dict)  # annotator -> the KINDS among its valid records


def load_store(store_dir: Path, *, keep_records: bool = False) -> StoreView:
    """Read every `<annotator>.jsonl` of `store_dir` once (sidecars and lock files are not read) into
    the heads of its units. `records` stays empty unless `keep_records`: keeping every record of a
    large store costs more than reading it, and most readers need only the heads."""
    store_dir = Path(store_dir)
    view = StoreView(records={}, latest={}, problems=[])
    if not store_dir.is_dir():
        view.problems.append(Problem(str(store_dir), None, "no such folder"))
        return view
    with gc_paused():
        for path in sorted(store_dir.glob("*.jsonl")):
            _load_file(view, path, keep_records)
    return view


def _load_file(view: StoreView, path: Path, keep_records: bool) -> None:
    annotator = path.name.removesuffix(".jsonl")
    if annotator.startswith("."):
        return  # hidden files (editor locks and the like) are never annotator files
    if not _is_annotator_name(annotator):
        view.problems.append(Problem(str(path), None, f"not an annotator file: a name is {NAME_RULE}"))
        return
    lines, torn = _read_lines(path, view.problems)
    records: Iterable[dict] = _valid_records(lines, path, view.problems)
    if keep_records:
        records = view.records[annotator] = list(records)
    kinds: set[str] = set()
    view.latest.update(_heads(_noting_kinds(records, kinds)))
    view.kinds[annotator] = frozenset(kinds)
    if torn:
        view.torn.append(annotator)
        view.problems.append(_torn_problem(path, len(lines), torn, "; it is set aside when this annotator next opens the file"))


def _noting_kinds(records: Iterable[dict], kinds: set[str]) -> Iterator[dict]:
    """`records`, adding the kind of each to `kinds`."""
    for record in records:
        kinds.add(ADJUDICATION if is_adjudication(record) else ANNOTATION)
        yield record


def _torn_problem(path: Path, complete_lines: int, torn: bytes, what_next: str) -> Problem:
    return Problem(str(path), complete_lines + 1, f"incomplete last line ({len(torn)} bytes){what_next}")


# Torn-line sidecars


@dataclass(frozen=True)
class TornSidecar:
    """A file made by `AnnotationLog.open` to hold the torn last line it cut from an annotator file."""

    path: Path
    owner: Path  # the annotator file the line was cut from (it may be gone since)
    size: int  # bytes


def torn_sidecars(store_dir: Path) -> list[TornSidecar]:
    """Every torn-line sidecar in `store_dir` (which must exist), by name; reads only.

    Only the user moves or deletes a sidecar. A file that merely looks like one (a name the store
    would not make, such as `alice.jsonl.torn-notes.txt`) is not listed.
    """
    sidecars = []
    for path in sorted(Path(store_dir).iterdir()):
        owner = _sidecar_owner(path.name)
        if owner is not None and path.is_file():
            sidecars.append(TornSidecar(path, path.with_name(owner), path.stat().st_size))
    return sidecars


_TORN = ".torn-"
_TORN_TIME = "%Y%m%dT%H%M%S.%fZ"  # UTC


def _sidecar_name(file_name: str, when: datetime) -> str:
    return f"{file_name}{_TORN}{when.strftime(_TORN_TIME)}"


def _sidecar_owner(name: str) -> str | None:
    """The annotator file name in sidecar name `name`, or None if the store would not make `name`."""
    owner, _, stamp = name.rpartition(_TORN)
    try:
        when = datetime.strptime(stamp, _TORN_TIME)
    except ValueError:
        return None
    # The round trip refuses what strptime forgives (one-digit months and the like).
    if _sidecar_name(owner, when) != name or not owner.endswith(".jsonl"):
        return None
    return owner if _is_annotator_name(owner.removesuffix(".jsonl")) else None


# Writing


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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
    sidecar = path.with_name(_sidecar_name(path.name, datetime.now(timezone.utc)))
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
    return _torn_problem(contents.path, complete_lines, torn, f" moved to {sidecar.name}")


class AnnotationLog:
    """The single writer of one annotator's file. Thread-safe: the UI may read heads while a writer
    thread appends."""

    def __init__(self, path: Path, annotator: str, fd: int, lock_fd: int, records: list[dict]) -> None:
        self.path = path
        self.annotator = annotator
        self.recovered: Problem | None = None  # the torn last line set aside on open, if there was one
        self._fd = fd
        self._lock_fd = lock_fd
        self._records = records
        self._heads = _heads(records)
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

    def head(self, key: UnitKey) -> dict | None:
        """The current record of unit `key` (a `retracted` one means no current label), or None."""
        with self._mutex:
            return self._heads.get((self.annotator, *key))

    def latest(self) -> dict[UnitKey, dict]:
        """The head of every unit that has one."""
        with self._mutex:
            return {key[1:]: record for key, record in self._heads.items()}

    def history(self, key: UnitKey) -> list[dict]:
        """Every record at unit `key`, oldest first."""
        with self._mutex:
            return list(self._history.get((self.annotator, *key), []))

    def records(self) -> list[dict]:
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
        labels: dict,
        status: str,
        prev: dict | None = None,
        **optional: object,
    ) -> dict:
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
            saved: dict = orjson.loads(line)
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

    def _superseded(self, key: LabelKey, prev: dict | None) -> dict | None:
        if prev is not None and _label_key(prev) != key:
            head = self._heads.get(_label_key(prev))
            if head is not None and head["id"] == prev["id"]:
                return head
        return self._heads.get(key)

    def _encode(self, record: dict) -> bytes:
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

    def _remember(self, record: dict, superseded: dict | None) -> None:
        key = _label_key(record)
        if superseded is not None and _label_key(superseded) != key:
            del self._heads[_label_key(superseded)]
        self._heads[key] = record
        self._history.setdefault(key, []).append(record)
        self._records.append(record)
