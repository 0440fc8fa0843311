"""The record format: one JSON object per line of an annotator's file, and the rules it follows.

A record labels one sentence unit (doc, start, end, text_sha256) for one annotator: its labels, its
status and its place in the unit's revision chain (`rev`, `prev`). Records are appended, never
rewritten: the head of a unit's chain is its current label.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from operator import itemgetter
from typing import Any, NotRequired, Protocol, TypedDict

import orjson

from annotator.errors import UserError

FORMAT = 1


class Status(StrEnum):
    """A record's status. `draft`: labels saved as the annotator picks them, not yet declared done;
    `retracted`: no label (an undo back to nothing). Only `done` labels count
    (annotator.labels.counting)."""

    DRAFT = "draft"
    DONE = "done"
    SKIPPED = "skipped"
    FLAGGED = "flagged"
    RETRACTED = "retracted"


class Kind(StrEnum):
    """Whose record: an annotator's label, or a reviewer's decision (annotator.store.roles). A record
    without `kind` is an annotation."""

    ANNOTATION = "annotation"
    ADJUDICATION = "adjudication"


STATUSES = tuple(Status)
ANNOTATION, ADJUDICATION = Kind.ANNOTATION, Kind.ADJUDICATION
KINDS = tuple(Kind)
TYPED, SUGGESTED, IMPORTED = "typed", "suggested", "imported"
ORIGINS = (TYPED, SUGGESTED, IMPORTED)
"""Where a saved value came from: picked or typed by the annotator, a suggestion accepted as it
was, or brought in from another tool."""

Labels = dict[str, str | list[str]]  # field id -> value id (single), value ids (multi) or text
Origins = dict[str, str]  # field id -> one of ORIGINS


class Record(TypedDict):
    """One line of an annotator's file, as JSON gives it back (statuses and kinds as plain strings)."""

    format: int
    id: str
    annotator: str
    doc: str
    doc_sha256: str
    start: int
    end: int
    text_sha256: str
    schema: str
    schema_version: int
    labels: Labels
    status: str
    rev: int
    prev: str | None
    ts: str
    kind: NotRequired[str]
    origin: NotRequired[Origins]
    seconds: NotRequired[float]  # on screen before this save, since shown or last saved (annotator.session.annotate)
    suggested: NotRequired[Labels]  # the values the UI suggested for the unit when it was saved
    imported: NotRequired[Imported]


class Imported(TypedDict):
    """Where an imported record came from: the file another tool exported (its name and the sha256
    of its bytes: importing the same file again finds it) and the entry in it (a line of a JSON
    Lines or CSV file, the number of a task in a JSON array)."""

    file: str
    sha256: str
    entry: int


REQUIRED_KEYS = (
    "format", "id", "annotator", "doc", "doc_sha256", "start", "end", "text_sha256",
    "schema", "schema_version", "labels", "status", "rev", "prev", "ts",
)  # fmt: skip
ANNOTATOR_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}(?<!\.)")
# A file named after a device is the device on Windows, whatever its extension (nul.jsonl is nul).
_WINDOWS_DEVICE = re.compile(r"(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|$)", re.IGNORECASE)
NAME_RULE = (
    "1 to 64 characters from A-Z a-z 0-9 . _ -, not starting with '.' or '-' (an option), not ending with '.',"
    " not a Windows device name (con, prn, aux, nul, com0-com9, lpt0-lpt9)"
)

UnitKey = tuple[str, int, int]
"""A sentence unit: (doc, start, end); `Unit.key` of annotator.corpus.document."""
LabelKey = tuple[str, str, int, int]
"""One annotator's label of a unit: (annotator, doc, start, end)."""

_SHA256 = re.compile(r"[0-9a-f]{64}")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")
_STATUS_SET = frozenset(status.value for status in Status)  # plain strings: what the load path looks up
_FIELDS = itemgetter(*REQUIRED_KEYS)
label_key: Callable[[Mapping[str, Any]], LabelKey] = itemgetter("annotator", "doc", "start", "end")


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


class InvalidAnnotatorName(UserError):
    """A name that cannot name an annotator file."""


def is_annotator_name(name: object) -> bool:
    """A name that is a file name on every system and cannot be read as an option."""
    return isinstance(name, str) and bool(ANNOTATOR_NAME.fullmatch(name)) and not _WINDOWS_DEVICE.match(name)


def check_annotator_name(name: str) -> str:
    if is_annotator_name(name):
        return name
    raise InvalidAnnotatorName(f"invalid annotator name {name!r}: use {NAME_RULE}")


def is_adjudication(record: Mapping[str, Any]) -> bool:
    """A reviewer's decision; a record without `kind` is an annotation."""
    return record.get("kind") == ADJUDICATION


def kinds_of(kind_values: Iterable[object]) -> frozenset[str]:
    """The KINDS of records whose `kind` values (None where absent) are `kind_values`, as
    `is_adjudication` tells them apart: asked once per distinct value, not once per record."""
    return frozenset(ADJUDICATION if kind == ADJUDICATION else ANNOTATION for kind in kind_values)


def describe_label(record: Mapping[str, Any]) -> str:
    """How messages name a record: its id and the sentence it labels, as the record places it."""
    return f"label {record['id']} on {record['doc']} [{record['start']}, {record['end']})"


def describe_left_out(record: Mapping[str, Any], reason: str) -> str:
    """A label that counts for nothing (stale, or not fitting the schema): whose, which, and why."""
    return f"{record['annotator']}: {describe_label(record)}: {reason}"


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


def _is_imported(value: object) -> bool:
    return (
        type(value) is dict
        and value.keys() == {"file", "sha256", "entry"}
        and _is_text(value["file"])
        and _is_sha256(value["sha256"])
        and _is_int(value["entry"], 1)
    )


def _is_seconds(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


_Check = tuple[Callable[[Any], bool], str]


_CHECKS: dict[str, _Check] = {
    "format": (lambda v: type(v) is int and v == FORMAT, f"must be {FORMAT}"),
    "id": (_is_text, "must be a non-empty string"),
    "annotator": (is_annotator_name, f"must be {NAME_RULE}"),
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
    "suggested": (lambda v: type(v) is dict, "must be an object"),
    "imported": (_is_imported, "must be an object of file (a name), sha256 (64 hex digits) and entry (an integer >= 1)"),
}


OPTIONAL_KEYS = tuple(key for key in _CHECKS if key not in REQUIRED_KEYS)  # kind, origin, seconds, suggested, imported


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


def _chain_problems(record: dict[str, Any]) -> list[str]:
    problems = []
    if record["start"] > record["end"]:
        problems.append(f"start {record['start']} is after end {record['end']}")
    if (record["prev"] is None) != (record["rev"] == 1):
        problems.append(f"rev {record['rev']} does not fit prev {_show(record['prev'])} (rev is 1 exactly when prev is null)")
    return problems


def looks_valid(record: Any, annotator: str) -> bool:
    """The cheap check of the load path: all required keys, and the ones the store relies on typed."""
    try:
        _, id_, name, doc, _, start, end, _, _, _, labels, status, rev, prev, _ = _FIELDS(record)
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


def line_problem(record: object, annotator: str) -> str:
    reasons = record_problems(record)
    if type(record) is dict and record.get("annotator") != annotator:
        reasons.append(f"annotator {_show(record.get('annotator'))} does not match the file name")
    return "; ".join(reasons)
