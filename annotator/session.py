"""One annotator's labelling session over a corpus: plain Python, no Textual.

The session holds what the annotation screen shows and decides: the current labels and status of
every unit (store heads mapped onto the corpus, plus unsaved drafts), which value a key picks,
when a change may be saved at once, what `enter`, `s`, `f` and `u` write, progress counts, the
next unlabelled unit and sentence search. It never writes: it hands out `SaveRequest`s and is told
with `confirm` or `fail` what became of them.

Saving rule: a change is saved at once whenever the unit's status stays true with the new labels
(a `done` unit whose required fields are all still set, or a `flagged` unit). On a unit that has no
status yet, or is `skipped`, picks stay an unsaved draft until `enter` (done), `s` or `f` say what
the unit is: the store has no "draft" status, and a record must not claim more than is true.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.corpus import Unit
from annotator.schema import Field, Schema

Key = tuple[str, int, int]
LIVE_STATUSES = ("done", "skipped", "flagged")


@dataclass(frozen=True, slots=True)
class SaveRequest:
    """One record to append: `labels` and `status` for unit `index`, superseding `prev`."""

    index: int
    unit: Unit
    labels: dict
    status: str
    prev: dict | None
    undone: tuple[int, dict | None] | None = None  # for an undo: the undo-stack entry it consumed


@dataclass(frozen=True, slots=True)
class Missing:
    """A unit cannot be marked done: these required fields (labels, in schema order) have no value."""

    labels: list[str]


@dataclass(frozen=True, slots=True)
class Progress:
    doc_done: int
    doc_total: int
    corpus_done: int
    corpus_total: int


@dataclass
class Session:
    """Labels, drafts and the cursor for `units`; `heads` maps unit keys to current store records."""

    schema: Schema
    units: Sequence[Unit]
    heads: dict[Key, dict] = field(default_factory=dict)
    moved: set[Key] = field(default_factory=set)
    cursor: int = 0
    drafts: dict[int, dict] = field(default_factory=dict)
    _index: dict[Key, int] = field(default_factory=dict, init=False, repr=False)
    _doc_starts: list[int] = field(default_factory=list, init=False, repr=False)
    _doc_done: Counter[str] = field(default_factory=Counter, init=False, repr=False)
    _in_flight: Counter[int] = field(default_factory=Counter, init=False, repr=False)
    _undo: list[tuple[int, dict | None]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = {unit.key: i for i, unit in enumerate(self.units)}
        self._doc_starts = [i for i, unit in enumerate(self.units) if i == 0 or unit.doc != self.units[i - 1].doc]
        self._doc_done = Counter(key[0] for key, record in self.heads.items() if record["status"] in LIVE_STATUSES)
        self.cursor = self.next_unlabelled(-1, wrap=False)

    # What the screen shows

    @property
    def unit(self) -> Unit:
        return self.units[self.cursor]

    def head(self, index: int) -> dict | None:
        return self.heads.get(self.units[index].key)

    def status(self, index: int) -> str | None:
        """done, skipped or flagged; None when the unit has no current label."""
        record = self.head(index)
        return record["status"] if record and record["status"] in LIVE_STATUSES else None

    def labels(self, index: int) -> dict:
        """The labels shown for a unit: its unsaved draft, else its saved labels."""
        if index in self.drafts:
            return self.drafts[index]
        return dict(self.head(index)["labels"]) if self.status(index) else {}

    def is_unsaved(self, index: int) -> bool:
        return index in self.drafts and not self._in_flight[index]

    def is_saving(self, index: int) -> bool:
        return self._in_flight[index] > 0

    def mark(self, index: int) -> str | None:
        """The sentence list's mark: unsaved, the status, moved (re-anchored), or None."""
        if self.is_unsaved(index):
            return "unsaved"
        status = self.status(index)
        if status is None and self.units[index].key in self.moved:
            return "moved"
        return status

    def applicable_fields(self, index: int) -> list[Field]:
        return self.schema.applicable_fields(self.labels(index))

    def progress(self, index: int) -> Progress:
        doc = self.units[index].doc
        first, last = self._doc_range(index)
        return Progress(self._doc_done[doc], last - first, sum(self._doc_done.values()), len(self.units))

    def _doc_range(self, index: int) -> tuple[int, int]:
        position = bisect_right(self._doc_starts, index) - 1
        first = self._doc_starts[position]
        last = self._doc_starts[position + 1] if position + 1 < len(self._doc_starts) else len(self.units)
        return first, last

    # Moving

    def next_unlabelled(self, after: int, *, wrap: bool = True) -> int:
        """The first unit after `after` with no status (wrapping round); `after` itself if none is left."""
        count = len(self.units)
        stop = count if not wrap else count + after + 1
        for step in range(after + 1, stop):
            index = step % count
            if self.status(index) is None:
                return index
        return max(after, 0) if wrap else 0

    def search(self, query: str, after: int) -> int | None:
        """The next unit after `after` whose text contains `query` (case-insensitive), wrapping round."""
        needle = query.casefold()
        if not needle:
            return None
        count = len(self.units)
        for step in range(1, count + 1):
            index = (after + step) % count
            if needle in self.units[index].text.casefold():
                return index
        return None

    # Changing labels

    def pick(self, index: int, field_id: str, number: int) -> bool:
        """Pick the `number`-th value (1-based) of a choice field: set a single, toggle a multi.

        Picking the chosen value of a single field clears it. False if the field has no such value.
        """
        target = self.schema.field(field_id)
        if not 1 <= number <= len(target.values):
            return False
        value = target.values[number - 1].id
        labels = self.labels(index)
        if target.kind == "single":
            chosen = None if labels.get(field_id) == value else value
        else:
            picked = set(labels.get(field_id, [])) ^ {value}
            chosen = [v for v in target.value_ids if v in picked] or None
        self._set(index, field_id, chosen)
        return True

    def set_text(self, index: int, field_id: str, text: str) -> bool:
        """Set a text field (empty clears it). False if nothing changed."""
        labels = self.labels(index)
        if labels.get(field_id, "") == text:
            return False
        self._set(index, field_id, text or None)
        return True

    def _set(self, index: int, field_id: str, value: str | list[str] | None) -> None:
        labels = self.labels(index)
        if value is None:
            labels.pop(field_id, None)
        else:
            labels[field_id] = value
        self.drafts[index] = self.schema.prune(labels)

    def autosave(self, index: int) -> SaveRequest | None:
        """The record that saves a changed unit at once, when its status stays true (see module doc)."""
        status = self.status(index)
        labels = self.labels(index)
        if status == "flagged" or (status == "done" and not self.schema.missing_required(labels)):
            return self._request(index, status)
        return None

    def mark_done(self, index: int) -> SaveRequest | Missing:
        missing = self.schema.missing_required(self.labels(index))
        if missing:
            return Missing([self.schema.field(field_id).label for field_id in missing])
        return self._request(index, "done")

    def status_request(self, index: int, status: str) -> SaveRequest:
        """Save the unit as skipped or flagged, with whatever labels it has."""
        return self._request(index, status)

    def _request(self, index: int, status: str) -> SaveRequest:
        labels = self.schema.prune(self.labels(index))
        self.drafts[index] = labels
        self._in_flight[index] += 1
        return SaveRequest(index, self.units[index], labels, status, self.head(index))

    def undo(self) -> SaveRequest | int | None:
        """Undo the last change: drop the current unit's draft (its index is returned), or append a
        record restoring what a unit showed before the last save of this session. None: nothing to undo.
        """
        if self.cursor in self.drafts and not self._in_flight[self.cursor]:
            del self.drafts[self.cursor]
            return self.cursor
        if not self._undo:
            return None
        index, before = self._undo.pop()
        self.cursor = index
        self.drafts.pop(index, None)
        labels, status = (dict(before["labels"]), before["status"]) if before else ({}, "retracted")
        self.drafts[index] = labels
        self._in_flight[index] += 1
        return SaveRequest(index, self.units[index], labels, status, self.head(index), undone=(index, before))

    # What became of a request

    def confirm(self, request: SaveRequest, record: dict) -> None:
        """`record` is on disk: it is the unit's new head."""
        index, key = request.index, request.unit.key
        before = self.heads.get(key)
        self._count(key[0], before, -1)
        self.heads[key] = record
        self._count(key[0], record, +1)
        self._in_flight[index] -= 1
        if request.undone is None:
            self._undo.append((index, before))
        if self.drafts.get(index) == record["labels"] and not self._in_flight[index]:
            del self.drafts[index]

    def fail(self, request: SaveRequest) -> None:
        """The record was not written: the labels stay on screen as an unsaved draft to retry."""
        self._in_flight[request.index] -= 1
        self.drafts.setdefault(request.index, request.labels)
        if request.undone is not None:
            self._undo.append(request.undone)

    def _count(self, doc: str, record: dict | None, delta: int) -> None:
        if record is not None and record["status"] in LIVE_STATUSES:
            self._doc_done[doc] += delta
