"""Revision chains: the head of each unit's chain, and the places where a file's chains are broken.

Each edit of a label appends a record whose `prev` is the id of the record it supersedes and whose
`rev` counts on from it; the last record of a chain is the unit's current label. A label that
moved with its sentence to new offsets (the document changed) is edited at its new offsets: that
record's `prev` lies at the old ones, in the same document and with the same sentence text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from annotator.store.records import LabelKey, Record, label_key


@dataclass
class Heads:
    heads: dict[LabelKey, Record]  # see `chain_heads`
    plain: bool  # every record was a unit's first or an edit of its head: no chain can be broken


def chain_heads(records: Iterable[Record]) -> dict[LabelKey, Record]:
    """The head of every unit's chain: the last record at its key, unless a later record at another
    key names it as `prev` (an edit of a re-anchored label), which supersedes it there too."""
    return read_heads(records).heads


def read_heads(records: Iterable[Record], before: Mapping[LabelKey, Record] | None = None) -> Heads:
    """`chain_heads`, and whether every record took the common path: a unit's first record, or the
    next revision of its head. When one did not (a label edited after it moved, or a broken
    chain), `broken_links` says whether a chain is broken. `before`: the heads of the file's
    records before these, which took the common path (`store.index`)."""
    heads: dict[LabelKey, Record] = dict(before or {})
    moved: set[str] = set()  # prevs that were not the head of their record's own key
    plain = True
    for record in records:
        key = label_key(record)
        prev = record["prev"]
        head = heads.get(key)
        if prev is None:
            plain = plain and head is None
        elif head is None or head["id"] != prev:
            moved.add(prev)
            plain = False
        elif record["rev"] != head["rev"] + 1:
            plain = False
        heads[key] = record
    if moved:
        for key in [key for key, head in heads.items() if head["id"] in moved]:
            del heads[key]
    return Heads(heads, plain)


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A record that does not continue its unit's chain as the writer makes chains."""

    line: int
    label: LabelKey  # the label whose history it breaks
    reason: str


def broken_links(records: list[Record], lines: Sequence[int] | None = None) -> list[BrokenLink]:
    """Every record of one file (in file order) that breaks its chain: a duplicate id, a `prev` that
    is no earlier record, a `rev` that does not follow its prev's, a record superseded twice (a
    fork), a second rev 1 of a unit that has a current label, or a `prev` at another sentence.
    `lines` are the records' line numbers, for the messages (default: their positions from 1)."""
    return _Links(records, lines or range(1, len(records) + 1)).broken()


class _Links:
    def __init__(self, records: list[Record], lines: Sequence[int]) -> None:
        self.records = records
        self.lines = lines
        self.index_of: dict[str, int] = {}  # record id -> index of its first record
        self.superseded_at: dict[str, int] = {}  # record id -> index of the record naming it as prev
        self.current: dict[LabelKey, int] = {}  # unit -> index of its head, until an edit moves the label away

    def broken(self) -> list[BrokenLink]:
        found = []
        for index, record in enumerate(self.records):
            reasons = self._check(index, record)
            if reasons:
                found.append(BrokenLink(self.lines[index], label_key(record), "; ".join(reasons)))
        return found

    def _check(self, index: int, record: Record) -> list[str]:
        if record["id"] in self.index_of:
            return [f"duplicate record id {record['id']} (first at line {self.lines[self.index_of[record['id']]]})"]
        key = label_key(record)
        prev = record["prev"]
        if prev is None:
            reasons = self._root(key)
        elif prev not in self.index_of:
            reasons = [f"prev {prev} is not an earlier record of this file"]
        else:
            reasons = self._link(index, record, key, self.index_of[prev])
        self.index_of[record["id"]] = index
        self.current[key] = index
        return reasons

    def _root(self, key: LabelKey) -> list[str]:
        if key in self.current:
            return [f"rev 1 starts a second history of this unit (line {self.lines[self.current[key]]} holds its current label)"]
        return []

    def _link(self, index: int, record: Record, key: LabelKey, at: int) -> list[str]:
        earlier = self.records[at]
        reasons = []
        if record["rev"] != earlier["rev"] + 1:
            reasons.append(f"rev {record['rev']} does not follow rev {earlier['rev']} of prev (line {self.lines[at]})")
        if earlier["id"] in self.superseded_at:
            line = self.lines[self.superseded_at[earlier["id"]]]
            reasons.append(f"prev {earlier['id']} was already superseded at line {line} (forked history)")
        else:
            self.superseded_at[earlier["id"]] = index
        earlier_key = label_key(earlier)
        if earlier_key != key:
            if (earlier["doc"], earlier["text_sha256"]) != (record["doc"], record["text_sha256"]):
                reasons.append(
                    f"prev {earlier['id']} (line {self.lines[at]}) labels another sentence: a label moves only to"
                    " a sentence of its document with the same text"
                )
            elif self.current.get(earlier_key) == at:
                del self.current[earlier_key]  # the label moved with its sentence: its old unit has none now
        return reasons
