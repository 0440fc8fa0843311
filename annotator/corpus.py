"""The corpus: documents read from .txt, .md and .jsonl files, split into sentence units."""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from typing import overload

import orjson

from annotator.files import default_cache_dir, read_bytes
from annotator.problems import Problem
from annotator.segment import (
    SegmentCache,
    Segmentation,
    check_segmentation,
    segment_many,
    sha256_hex,
)

SUFFIXES = (".txt", ".md", ".jsonl")
_NAMES = ".txt, .md or .jsonl"


@dataclass(frozen=True, slots=True)
class Unit:
    doc: str  # document id
    start: int  # half-open [start, end) str indices into Document.text
    end: int
    text: str  # == document.text[start:end], no surrounding white space
    paragraph: int  # index into Document.paragraphs
    _text_sha256: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.doc, self.start, self.end)

    @property
    def text_sha256(self) -> str:
        """sha256 hex of text.encode("utf-8"), hashed when first read: search and the screen read
        the text of many units but the hash of few."""
        # Not functools.cached_property: it needs a __dict__ per unit and, on Python 3.11, takes a
        # lock on each first read; both made reading every unit's hash slower than hashing eagerly.
        if self._text_sha256 is None:
            object.__setattr__(self, "_text_sha256", sha256_hex(self.text))  # a cache; the unit is unchanged
        return self._text_sha256


@dataclass(frozen=True)
class Document:
    id: str  # path relative to the corpus root without extension, "/"-separated; or JSONL `id`
    source: str  # the file it came from, as the user would name it
    text: str  # exactly as decoded (UTF-8, BOM removed)
    sha256: str  # sha256 hex of text.encode("utf-8")
    segmentation: Segmentation = field(repr=False)
    meta: dict

    @property
    def paragraphs(self) -> tuple[tuple[int, int], ...]:
        """[start, end) of each paragraph/line block."""
        return self.segmentation.paragraphs

    @property
    def unit_count(self) -> int:
        return self.segmentation.unit_count

    @cached_property
    def units(self) -> tuple[Unit, ...]:
        """Built when first read: opening a corpus builds none, the screen only those it shows."""
        return tuple(self._unit(*span) for span in self.segmentation.units)

    def _unit(self, start: int, end: int, paragraph: int) -> Unit:
        return Unit(self.id, start, end, self.text[start:end], paragraph)


class CorpusUnits(Sequence[Unit]):
    """Every unit of a corpus, documents in order; a document's units are built when first read."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.documents = documents
        self.document_starts = [0, *accumulate(doc.unit_count for doc in documents)][:-1]
        self._count = sum(doc.unit_count for doc in documents)

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Unit: ...
    @overload
    def __getitem__(self, index: slice) -> list[Unit]: ...
    def __getitem__(self, index: int | slice) -> Unit | list[Unit]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(f"unit index {index} out of range")
        position = bisect_right(self.document_starts, index) - 1
        return self.documents[position].units[index - self.document_starts[position]]

    def __iter__(self) -> Iterator[Unit]:
        for doc in self.documents:
            yield from doc.units


def document_starts(units: Sequence[Unit]) -> list[int]:
    """The index of the first unit of each run of one document's units."""
    if isinstance(units, CorpusUnits):
        return [start for start, doc in zip(units.document_starts, units.documents) if doc.unit_count]
    return [i for i, unit in enumerate(units) if i == 0 or unit.doc != units[i - 1].doc]


@dataclass
class Corpus:
    documents: list[Document]
    problems: list[Problem]  # what was skipped and why
    _by_id: dict[str, Document] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id = {doc.id: doc for doc in self.documents}

    def units(self) -> CorpusUnits:
        """All units, documents in order."""
        return CorpusUnits(self.documents)

    def document(self, doc_id: str) -> Document:
        """The document with this id; KeyError if absent."""
        return self._by_id[doc_id]


@dataclass(frozen=True, slots=True)
class _Source:
    """A document read from disk, before segmentation."""

    id: str
    path: str
    line: int | None  # JSONL line number
    text: str
    meta: dict


def load_corpus(
    paths: Sequence[str | Path], *, cache_dir: Path | None = None, on_segmenting: Callable[[int], None] | None = None
) -> Corpus:
    """Read documents from files and folders and segment them; bad inputs become `problems`.

    `on_segmenting` is told how many documents the cache does not hold, before they are segmented:
    the one slow step (~10 s for 100,000 sentences), done once per text."""
    problems: list[Problem] = []
    sources = _unique(_read_all(paths, problems), problems)
    shas = [sha256_hex(source.text) for source in sources]
    cache = SegmentCache(cache_dir or default_cache_dir())
    segmentations, failures = _segmentations(sources, shas, cache, on_segmenting or (lambda documents: None))
    documents = []
    for source, sha in zip(sources, shas):
        if sha in segmentations:
            documents.append(Document(source.id, source.path, source.text, sha, segmentations[sha], source.meta))
        else:
            reason = f"left out: its sentence split failed a self-check ({failures[sha]}); please report this bug"
            problems.append(Problem(source.path, source.line, reason))
    return Corpus(documents, problems)


def _segmentations(
    sources: list[_Source], shas: list[str], cache: SegmentCache, on_segmenting: Callable[[int], None]
) -> tuple[dict[str, Segmentation], dict[str, str]]:
    """Segmentations by text sha, from the cache or segmented now; and why the fresh ones that fail
    `check_segmentation` failed (those are neither used nor cached)."""
    found = cache.get(shas)
    todo = {sha: source.text for source, sha in zip(sources, shas) if sha not in found}
    if not todo:
        return found, {}
    on_segmenting(len(todo))
    fresh = dict(zip(todo, segment_many(list(todo.values()))))
    failures = {sha: problem for sha, seg in fresh.items() if (problem := check_segmentation(todo[sha], seg))}
    sound = {sha: seg for sha, seg in fresh.items() if sha not in failures}
    cache.put(sound)
    return found | sound, failures


def _unique(sources: Iterator[_Source], problems: list[Problem]) -> list[_Source]:
    """Keep the first document with each id; report the others."""
    first: dict[str, _Source] = {}
    for source in sources:
        if source.id in first:
            kept = first[source.id]
            where = kept.path if kept.line is None else f"{kept.path}:{kept.line}"
            reason = f"duplicate document id {source.id!r} (kept the one from {where})"
            problems.append(Problem(source.path, source.line, reason))
        else:
            first[source.id] = source
    return list(first.values())


def _read_all(paths: Sequence[str | Path], problems: list[Problem]) -> Iterator[_Source]:
    seen: set[str] = set()
    for given in paths:
        for path, doc_id in _files(Path(given), problems):
            real = os.path.abspath(path)
            if real not in seen:
                seen.add(real)
                yield from _read_file(path, doc_id, problems)


def _files(given: Path, problems: list[Problem]) -> Iterator[tuple[str, str]]:
    """(file, document id) for a path from the command line: a file or a folder."""
    if given.is_dir():
        found = False
        for path, doc_id in _walk(given, problems):
            found = True
            yield path, doc_id
        if not found:
            problems.append(Problem(str(given), None, f"no {_NAMES} files in this folder"))
    elif not given.exists():
        problems.append(Problem(str(given), None, "no such file or folder"))
    elif given.suffix.lower() not in SUFFIXES:
        reason = f"unsupported file type {given.suffix!r} (use {_NAMES})"
        problems.append(Problem(str(given), None, reason))
    else:
        yield str(given), given.stem


def _walk(folder: Path, problems: list[Problem]) -> Iterator[tuple[str, str]]:
    """(file, id) of the supported files under a folder: recursive, sorted, hidden ones skipped."""

    def unreadable(error: OSError) -> None:
        problems.append(Problem(str(error.filename), None, f"cannot read folder: {error.strerror}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        prefix = Path(root).relative_to(folder).as_posix()
        for name in sorted(files):
            stem, suffix = os.path.splitext(name)
            if not name.startswith(".") and suffix.lower() in SUFFIXES:
                yield os.path.join(root, name), stem if prefix == "." else f"{prefix}/{stem}"


def _read_file(path: str, doc_id: str, problems: list[Problem]) -> Iterator[_Source]:
    try:
        data = read_bytes(path)
    except OSError as error:
        problems.append(Problem(path, None, f"cannot read: {error.strerror}"))
        return
    if path.lower().endswith(".jsonl"):
        yield from _jsonl_sources(path, data, problems)
        return
    text = _decode(path, data, problems)
    if text is None:
        return
    if not text.strip():
        problems.append(Problem(path, None, "empty file (no text)"))
        return
    yield _Source(doc_id, path, None, text, {})


def _decode(
    path: str, data: bytes, problems: list[Problem], *, offset: int = 0, line: int | None = None
) -> str | None:
    """UTF-8 text without a leading BOM; None (and a problem) if the bytes are not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if line is None:
            line = data.count(b"\n", 0, error.start) + 1
        problems.append(Problem(path, line, f"invalid UTF-8 at byte {offset + error.start}"))
        return None
    return text.removeprefix("\ufeff")


def _jsonl_sources(path: str, data: bytes, problems: list[Problem]) -> Iterator[_Source]:
    if not data.strip():
        problems.append(Problem(path, None, "empty file (no documents)"))
        return
    offset = 0
    for number, raw in enumerate(data.split(b"\n"), start=1):
        line_offset, offset = offset, offset + len(raw) + 1
        if not raw.strip():
            continue
        line = _decode(path, raw, problems, offset=line_offset, line=number)
        if line is None:
            continue
        try:
            yield _jsonl_source(path, number, line)
        except _BadLine as error:
            problems.append(Problem(path, number, str(error)))


class _BadLine(Exception):
    """A JSONL line that is not a document; the message says why."""


def _jsonl_source(path: str, number: int, line: str) -> _Source:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise _BadLine(f"not valid JSON: {error}") from None
    if not isinstance(record, dict):
        raise _BadLine("not a JSON object")
    if "text" not in record:
        raise _BadLine("missing `text`")
    text = record["text"]
    if not isinstance(text, str):
        raise _BadLine("`text` is not a string")
    if not text.strip():
        raise _BadLine("empty document (`text` has no text)")
    doc_id = record.get("id")
    # Integer ids are common in datasets; they name the same document as their decimal string.
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or doc_id == "":
        raise _BadLine("missing `id` (a non-empty string)")
    meta = record.get("meta")
    if meta is not None and not isinstance(meta, dict):
        raise _BadLine("`meta` is not a JSON object")
    return _Source(str(doc_id), path, number, text, meta or {})
