"""Documents and their sentence units: what a corpus is once it is open."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import overload

from annotator.corpus.segment import Segmentation
from annotator.errors import Problem
from annotator.text import sha256_hex


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
        sha = self._text_sha256
        if sha is None:
            sha = sha256_hex(self.text)
            object.__setattr__(self, "_text_sha256", sha)  # a cache; the unit is unchanged
        return sha


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


def document_runs(units: Sequence[Unit]) -> list[tuple[int, str]]:
    """(index of the first unit, document id) of each run of one document's units; for a corpus's
    units, read from its documents without building a unit."""
    if isinstance(units, CorpusUnits):
        return [(start, doc.id) for start, doc in zip(units.document_starts, units.documents) if doc.unit_count]
    return [(i, unit.doc) for i, unit in enumerate(units) if i == 0 or unit.doc != units[i - 1].doc]


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

    def unit_keys(self) -> list[tuple[str, int, int]]:
        """(doc, start, end) of every unit, documents in order, without building the units."""
        return [(doc.id, start, end) for doc in self.documents for start, end, _paragraph in doc.segmentation.units]

    def document(self, doc_id: str) -> Document:
        """The document with this id; KeyError if absent."""
        return self._by_id[doc_id]

    def has_document(self, doc_id: str) -> bool:
        return doc_id in self._by_id
