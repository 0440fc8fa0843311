"""Reading the store: the records of one file, and the current label of every unit of a folder.

Reading never modifies anything. A malformed line is reported as `file:line: reason` and left out;
an incomplete last line (left by a crash mid-write) is reported too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from annotator.errors import Problem, UserError
from annotator.memory import gc_paused
from annotator.store.records import (
    ADJUDICATION,
    ANNOTATION,
    NAME_RULE,
    LabelKey,
    Record,
    is_adjudication,
    is_annotator_name,
    label_key,
    line_problem,
    looks_valid,
)


@dataclass
class LogContents:
    path: Path
    records: list[Record]  # the valid complete lines, in file order
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


def _valid_records(lines: list[bytes], path: Path, problems: list[Problem]) -> Iterator[Record]:
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
        if looks_valid(record, annotator):
            yield record
        else:
            problems.append(Problem(name, number, line_problem(record, annotator)))


def chain_heads(records: Iterable[Record]) -> dict[LabelKey, Record]:
    """The head of every unit's chain: the last record at its key, unless a later record at another
    key names it as `prev` (an edit of a re-anchored label), which supersedes it there too."""
    heads: dict[LabelKey, Record] = {}
    moved: set[str] = set()  # prevs that were not the head of their record's own key
    for record in records:
        key = label_key(record)
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


@dataclass
class StoreView:
    """A read-only view of a whole store folder. `latest` includes `retracted` heads (no current label)."""

    records: dict[str, list[Record]]  # annotator -> valid records in file order; from `load_store` only with keep_records
    latest: dict[LabelKey, Record]  # (annotator, doc, start, end) -> head record
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
    if not is_annotator_name(annotator):
        view.problems.append(Problem(str(path), None, f"not an annotator file: a name is {NAME_RULE}"))
        return
    lines, torn = _read_lines(path, view.problems)
    records: Iterable[Record] = _valid_records(lines, path, view.problems)
    if keep_records:
        records = view.records[annotator] = list(records)
    kinds: set[str] = set()
    view.latest.update(chain_heads(_noting_kinds(records, kinds)))
    view.kinds[annotator] = frozenset(kinds)
    if torn:
        view.torn.append(annotator)
        view.problems.append(torn_problem(path, len(lines), torn, "; it is set aside when this annotator next opens the file"))


def _noting_kinds(records: Iterable[Record], kinds: set[str]) -> Iterator[Record]:
    """`records`, adding the kind of each to `kinds`."""
    for record in records:
        kinds.add(ADJUDICATION if is_adjudication(record) else ANNOTATION)
        yield record


def torn_problem(path: Path, complete_lines: int, torn: bytes, what_next: str) -> Problem:
    return Problem(str(path), complete_lines + 1, f"incomplete last line ({len(torn)} bytes){what_next}")


class StoreMissing(UserError):
    """The annotation folder a command reads does not exist."""


def require_store(store_dir: Path) -> None:
    """StoreMissing unless `store_dir` is a folder: a command that reads a store needs one."""
    if not Path(store_dir).is_dir():
        raise StoreMissing(f"{store_dir}: no such annotation folder (give one with --store)")
