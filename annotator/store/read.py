"""Reading the store: the records of one file, and the current label of every unit of a folder.

Reading never modifies the store. A malformed line is reported as `file:line: reason` and left out;
an incomplete last line (left by a crash mid-write) and a broken revision chain (`chains`) are
reported too. A file read before is parsed only from where it grew, through its index in the cache
(`store.index`), as long as the bytes read before are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from annotator.errors import Problem, UserError
from annotator.files import ReadBuffer, read_with_status
from annotator.memory import gc_paused
from annotator.store.chains import broken_links, read_heads
from annotator.store.folder import Identity, file_identity
from annotator.store.index import FileIndex, covered_digest, line_spans, read_index, read_prefix, write_index
from annotator.store.records import NAME_RULE, LabelKey, Record, is_annotator_name, kinds_of, line_problem, looks_valid
from annotator.text import bytes_sha256, plural


@dataclass
class LogContents:
    path: Path
    records: list[Record]  # the valid complete lines, in file order
    problems: list[Problem]  # one per malformed complete line
    torn: bytes | None  # an incomplete last line (no final newline), left by a crash mid-write


def read_log(path: Path) -> LogContents:
    """The records of one annotator's file; reads only, never modifies anything."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return LogContents(path, [], [_unreadable(path, error)], None)
    return parse_log(path, data)


def parse_log(path: Path, data: bytes, *, first_line: int = 1) -> LogContents:
    """The records of the bytes of an annotator's file (lines numbered from `first_line`)."""
    problems: list[Problem] = []
    lines, torn = _split_lines(data)
    with gc_paused():
        records = list(_valid_records(lines, path, problems, first_line))
    return LogContents(path, records, problems, torn)


def _unreadable(path: Path, error: OSError) -> Problem:
    return Problem(str(path), None, f"cannot read: {error.strerror or error}")


def _split_lines(data: bytes) -> tuple[list[bytes], bytes | None]:
    """The complete lines, and the incomplete last line (no final newline) if there is one."""
    lines = data.split(b"\n")
    return lines, lines.pop() or None


RecordVisitor = Callable[[Path, int, Record], None]  # (file, line, record)


def _valid_records(
    lines: list[bytes], path: Path, problems: list[Problem], first_line: int = 1, each: RecordVisitor | None = None
) -> Iterator[Record]:
    """The records of an annotator file's complete lines, in order, each shown to `each` first; a
    malformed line is added to `problems` instead."""
    name, annotator = str(path), path.name.removesuffix(".jsonl")
    loads = orjson.loads
    for number, line in enumerate(lines, first_line):
        try:
            record = loads(line)
        except orjson.JSONDecodeError as error:
            reason = "empty line" if not line.strip() else f"not valid JSON ({error.msg} at column {error.colno})"
            problems.append(Problem(name, number, reason))
            continue
        if looks_valid(record, annotator):
            if each is not None:
                each(path, number, record)
            yield record
        else:
            problems.append(Problem(name, number, line_problem(record, annotator)))


@dataclass
class StoreView:
    """A read-only view of a whole store folder. `latest` includes `retracted` heads (no current label)."""

    records: dict[str, list[Record]]  # annotator -> valid records in file order; from `load_store` only with keep_records
    latest: dict[LabelKey, Record]  # (annotator, doc, start, end) -> head record
    problems: list[Problem]
    torn: list[str] = field(default_factory=list)  # annotators whose file ends in an incomplete line
    kinds: dict[str, frozenset[str]] = field(default_factory=dict)  # annotator -> the KINDS among its valid records
    lines: dict[str, Sequence[int]] = field(default_factory=dict)  # annotator -> the line of each record; with `records`
    broken: set[LabelKey] = field(default_factory=set)  # labels whose revision history is broken (`chains.broken_links`)
    sha256: dict[str, str] = field(default_factory=dict)  # file name -> sha256 of the bytes read; with hash_files only
    notes: list[Problem] = field(default_factory=list)  # forked histories, resolved (`chains`): no problem

    def problem_summary(self) -> str | None:
        """How many problems the store has and how many labels a broken history affects, for a
        command that reads the store ("the store has 3 problems, 1 label with a broken revision
        history"); None when it has none."""
        if not self.problems:
            return None
        broken = f", {plural(len(self.broken), 'label')} with a broken revision history" if self.broken else ""
        return f"the store has {plural(len(self.problems), 'problem')}{broken}"


def load_store(store_dir: Path, *, keep_records: bool = False, hash_files: bool = False, each: RecordVisitor | None = None) -> StoreView:
    """Read every `<annotator>.jsonl` of `store_dir` once (sidecars are not read) into the heads of
    its units, checking each file's revision chains. `records` stays empty unless `keep_records`:
    keeping every record of a large store costs more than reading it, and most readers need only
    the heads; a reader that looks at every record once is shown each, with its line, by `each`
    (every file is then read whole). With `hash_files`, `sha256` holds the hash of the bytes read
    of each file."""
    store_dir = Path(store_dir)
    view = StoreView(records={}, latest={}, problems=[])
    if not store_dir.is_dir():
        view.problems.append(Problem(str(store_dir), None, "no such folder"))
        return view
    buffer = ReadBuffer()  # the files read only from where they grew are read into one buffer in turn
    with gc_paused():
        for path in sorted(store_dir.glob("*.jsonl")):
            _load_file(view, path, keep_records, hash_files, each, buffer)
    return view


def _load_file(view: StoreView, path: Path, keep_records: bool, hash_files: bool, each: RecordVisitor | None, buffer: ReadBuffer) -> None:
    annotator = path.name.removesuffix(".jsonl")
    if annotator.startswith("."):
        return  # hidden files (editor locks and the like) are never annotator files
    if not is_annotator_name(annotator):
        view.problems.append(Problem(str(path), None, f"not an annotator file: a name is {NAME_RULE}"))
        return
    if not keep_records and each is None and _load_appended(view, path, annotator, buffer, hash_files):
        return
    try:
        data, status = read_with_status(path)
    except OSError as error:
        view.problems.append(_unreadable(path, error))
        return
    if hash_files:
        view.sha256[path.name] = bytes_sha256(data)
    _load_whole(view, path, annotator, data, file_identity(status), keep_records, each)


def _load_appended(view: StoreView, path: Path, annotator: str, buffer: ReadBuffer, hash_files: bool) -> bool:
    """Read only what was appended to the file since its index was made (`store.index`); False,
    with nothing read, when there is no index to trust or the new lines hold anything to report
    but a torn last line: the whole file is read then, for the messages."""
    index = read_index(path)
    if index is None:
        return False
    try:
        data, status = buffer.read(path)
    except OSError:
        return False  # read whole, which says why it cannot be
    identity = file_identity(status)
    prefix = read_prefix(index, identity, data)
    if prefix is None:
        return False
    lines, torn = _split_lines(bytes(data[index.size :]))
    problems: list[Problem] = []
    records = list(_valid_records(lines, path, problems, index.lines + 1))
    kinds: set[str | None] = set()
    heads = read_heads(_noting_kinds(records, kinds), prefix.heads)
    if problems or not heads.plain:
        return False
    view.latest.update(heads.heads)
    view.kinds[annotator] = index.kinds | kinds_of(kinds)
    size = len(data) - len(torn or b"")
    prefix.digest.update(data[index.size : size])
    if hash_files:
        view.sha256[path.name] = bytes_sha256(data)
    if records:
        spans = dict(zip(prefix.heads, prefix.lines, strict=True)) | line_spans(heads.positions, lines, index.size)
        heads_at = [spans[key] for key in heads.heads]
        write_index(path, FileIndex(identity, size, prefix.digest.hexdigest(), index.lines + len(lines), view.kinds[annotator], heads_at))
    _note_torn(view, path, annotator, index.lines + len(lines), torn)
    return True


def _load_whole(
    view: StoreView, path: Path, annotator: str, data: bytes, identity: Identity, keep_records: bool, each: RecordVisitor | None
) -> None:
    lines, torn = _split_lines(data)
    problems: list[Problem] = []
    records: Iterable[Record] = _valid_records(lines, path, problems, each=each)
    if keep_records:
        records = view.records[annotator] = list(records)
    kinds: set[str | None] = set()
    heads = read_heads(_noting_kinds(records, kinds))
    view.latest.update(heads.heads)
    view.kinds[annotator] = kinds_of(kinds)
    if keep_records or not heads.plain:
        # Read again only when needed: most files are edits of heads only, which break no chain.
        records = records if isinstance(records, list) else list(_valid_records(lines, path, []))
        numbers = record_lines(len(records), {problem.line for problem in problems})
        view.lines[annotator] = numbers
        for link in broken_links(records, numbers):
            if link.fork:
                view.notes.append(Problem(str(path), link.line, link.reason))
            else:
                problems.append(Problem(str(path), link.line, link.reason))
                view.broken.add(link.label)
    if heads.plain and not problems:
        size = len(data) - len(torn or b"")
        spans = line_spans(heads.positions, lines, 0)
        digest = covered_digest(memoryview(data)[:size]).hexdigest()
        heads_at = [spans[key] for key in heads.heads]
        write_index(path, FileIndex(identity, size, digest, len(lines), view.kinds[annotator], heads_at))
    view.problems += problems
    _note_torn(view, path, annotator, len(lines), torn)


def _note_torn(view: StoreView, path: Path, annotator: str, complete_lines: int, torn: bytes | None) -> None:
    if torn:
        view.torn.append(annotator)
        view.problems.append(torn_problem(path, complete_lines, torn, "; it is set aside when this annotator next opens the file"))


def record_lines(count: int, bad_lines: set[int | None]) -> Sequence[int]:
    """The line numbers of a file's `count` records, given the lines that are no record: every
    complete line is a record or a problem at that line, so the records fill the others, in order."""
    if not bad_lines:
        return range(1, count + 1)
    numbers = []
    line = 0
    for _ in range(count):
        line += 1
        while line in bad_lines:
            line += 1
        numbers.append(line)
    return numbers


def _noting_kinds(records: Iterable[Record], kinds: set[str | None]) -> Iterator[Record]:
    """`records`, each one's `kind` (None when it has none) added to `kinds` as it passes."""
    for record in records:
        kinds.add(record.get("kind"))
        yield record


def torn_problem(path: Path, complete_lines: int, torn: bytes, what_next: str) -> Problem:
    return Problem(str(path), complete_lines + 1, f"incomplete last line ({len(torn)} bytes){what_next}")


class StoreMissing(UserError):
    """The annotation folder a command reads does not exist."""


def require_store(store_dir: Path) -> None:
    """StoreMissing unless `store_dir` is a folder: a command that reads a store needs one."""
    if not Path(store_dir).is_dir():
        raise StoreMissing(f"{store_dir}: no such annotation folder (give one with --store)")
