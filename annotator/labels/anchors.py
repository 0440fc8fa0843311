"""Anchors: where each current label of the store lies in the current corpus.

A record names its sentence by (doc, start, end, text_sha256). If the document is unchanged and a
unit still has those offsets and that text, the label stays there. Otherwise the label moves to the
unit of the document with the same text, or it is stale. If that text occurs more than once, the
label goes to the copy nearest to where its neighbours moved: labels written on the same version of
the document whose text is unique show how far each part of the text shifted.

A label never lands on a sentence with other text, and when two labels of one annotator land on the
same sentence the newer one wins and the other is reported.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from annotator.corpus.document import Corpus, Document, Unit
from annotator.store.records import LabelKey, Record, Status, UnitKey

# Keys that the store's load path does not type-check but placing a label relies on.
_TEXT_KEYS = ("doc_sha256", "text_sha256", "ts")
_RETRACTED = Status.RETRACTED  # bound once: looking a member up on its enum class costs more than comparing


@dataclass(frozen=True, slots=True)
class AnchoredLabel:
    record: Record
    unit: Unit  # where the label lies in the current corpus
    moved_from: tuple[int, int] | None = None  # the record's (start, end) if it was re-anchored

    @property
    def moved(self) -> bool:
        return self.moved_from is not None


@dataclass(frozen=True, slots=True)
class StaleLabel:
    record: Record
    reason: str


@dataclass
class Anchoring:
    current: dict[tuple[str, UnitKey], AnchoredLabel]  # (annotator, unit key) -> label
    stale: list[StaleLabel] = field(default_factory=list)

    @property
    def moved(self) -> list[AnchoredLabel]:
        return [label for label in self.current.values() if label.moved]


class _DocumentIndex:
    """A document's units by offsets and by text hash."""

    def __init__(self, document: Document) -> None:
        self.sha256 = document.sha256
        self.units = document.units
        self.by_span = {(unit.start, unit.end): unit for unit in self.units}

    @cached_property
    def by_text(self) -> dict[str, list[Unit]]:
        """Built when first read: it hashes every unit of the document, and a label still at its own
        offsets with its own text does not need it."""
        by_text: dict[str, list[Unit]] = {}
        for unit in self.units:
            by_text.setdefault(unit.text_sha256, []).append(unit)
        return by_text


def anchor(latest: Mapping[LabelKey, Record], corpus: Corpus, go_on: Callable[[], None] = lambda: None) -> Anchoring:
    """Place every current label (the heads of `StoreView.latest`) on the units of `corpus`.

    Retracted heads are no label and are left out. Takes O(n log n) for n records plus the units.
    `go_on` is called before each document's labels are placed: a caller that no longer wants the
    result raises there.
    """
    result = Anchoring(current={})
    indexes: dict[str, _DocumentIndex | None] = {}
    # Per document version (doc, doc_sha256): (old start, new start) of labels placed without doubt.
    landmarks: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    ambiguous: list[tuple[str, Record, list[Unit]]] = []
    for (annotator, doc, _start, _end), record in latest.items():
        if record["status"] == _RETRACTED:
            continue
        if doc not in indexes:
            go_on()
            indexes[doc] = _index(corpus, doc)
        found = _candidates(record, doc, indexes[doc])
        if isinstance(found, str):
            result.stale.append(StaleLabel(record, found))
        elif len(found) == 1:
            _add(result, annotator, _label(record, found[0]))
            landmarks[(doc, record["doc_sha256"])].append((record["start"], found[0].start))
        else:
            ambiguous.append((annotator, record, found))
    for marks in landmarks.values():
        marks.sort()
    for annotator, record, candidates in ambiguous:
        marks = landmarks.get((record["doc"], record["doc_sha256"]), [])
        expected = record["start"] + _shift(marks, record["start"])
        unit = min(candidates, key=lambda candidate: abs(candidate.start - expected))
        _add(result, annotator, _label(record, unit))
    return result


def _index(corpus: Corpus, doc: str) -> _DocumentIndex | None:
    try:
        return _DocumentIndex(corpus.document(doc))
    except KeyError:
        return None


def _candidates(record: Record, doc: str, index: _DocumentIndex | None) -> list[Unit] | str:
    """The units the label may lie on (the exact one if unchanged), or why there are none."""
    if index is None:
        return f"document '{doc}' is not in the corpus"
    doc_sha256, text_sha256 = record["doc_sha256"], record["text_sha256"]
    if type(doc_sha256) is not str or type(text_sha256) is not str or type(record["ts"]) is not str:
        return f"malformed record: {', '.join(_TEXT_KEYS)} must be strings"
    unchanged = doc_sha256 == index.sha256
    if unchanged:
        unit = index.by_span.get((record["start"], record["end"]))
        if unit is not None and unit.text_sha256 == text_sha256:
            return [unit]
    candidates = index.by_text.get(text_sha256)
    if candidates:
        return candidates
    if unchanged:
        return "no sentence unit of the unchanged document has this text (segmentation changed)"
    return "sentence text no longer in the document"


def _shift(marks: list[tuple[int, int]], start: int) -> int:
    """How far the text moved near old offset `start`, judged by the nearest landmark."""
    if not marks:
        return 0
    at = bisect.bisect_left(marks, (start,))
    near = min(marks[max(at - 1, 0) : at + 1], key=lambda mark: abs(mark[0] - start))
    return near[1] - near[0]


def _label(record: Record, unit: Unit) -> AnchoredLabel:
    span = (record["start"], record["end"])
    return AnchoredLabel(record, unit, None if (unit.start, unit.end) == span else span)


def _add(result: Anchoring, annotator: str, label: AnchoredLabel) -> None:
    """Add a placed label; of two on the same unit, keep the newer and report the other."""
    key = (annotator, label.unit.key)
    other = result.current.get(key)
    if other is None:
        result.current[key] = label
        return
    newer, older = (label, other) if _newer(label.record, other.record) else (other, label)
    result.current[key] = newer
    result.stale.append(StaleLabel(older.record, _conflict(newer)))


def _newer(record: Record, other: Record) -> bool:
    return (record["ts"], record["rev"]) > (other["ts"], other["rev"])


def _conflict(newer: AnchoredLabel) -> str:
    unit = newer.unit
    return f"lands on the same sentence [{unit.start}, {unit.end}) as the newer label {newer.record['id']} of this annotator"
