"""Revision chains: the head of each unit's chain, and the places where a file's chains are broken.

Each edit of a label appends a record whose `prev` is the id of the record it supersedes and whose
`rev` counts on from it; the last record of a chain is the unit's current label. A label that
moved with its sentence to new offsets (the document changed) is edited at its new offsets: that
record's `prev` lies at the old ones, in the same document and with the same sentence text.

A fork is two records continuing the same record (or two first records of one unit): the same
annotator labelled the unit in two clones of a repository and git merged their files (`merge=union`
keeps both sides' lines, in no order that means anything). The unit's current label is then the
tip (a record no other supersedes) with the later `ts`, then the greater id: the same on every
machine, whatever the order of the lines. A fork is a note, not a broken chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from annotator.store.records import LabelKey, Record, label_key

FORK_RULE = " (labelled in two clones and merged?): the later (ts, then id) is current"


@dataclass
class Heads:
    heads: dict[LabelKey, Record]  # see `chain_heads`
    plain: bool  # every record was a unit's first or an edit of its head: no chain can be broken
    positions: dict[LabelKey, int] = field(default_factory=dict)  # when plain: where each head read is among the records (from 0)


def chain_heads(records: Iterable[Record]) -> dict[LabelKey, Record]:
    """The head of every unit's chain: the record at its key that no record supersedes (names as
    `prev`, at its key or at another: an edit of a re-anchored label); of a fork's tips, the later."""
    return read_heads(records).heads


def read_heads(records: Iterable[Record], before: Mapping[LabelKey, Record] | None = None) -> Heads:
    """`chain_heads`, and whether every record took the common path: a unit's first record, or the
    next revision of its head. When one did not (a fork, a label edited after it moved, or a broken
    chain), the heads are the chains' tips from there on (`_Tips`), and `broken_links` says which.
    `before`: the heads of the file's records before these, which took the common path (`store.index`)."""
    heads: dict[LabelKey, Record] = dict(before or {})
    positions: dict[LabelKey, int] = {}
    records = iter(records)
    for position, record in enumerate(records):
        key = label_key(record)
        prev = record["prev"]
        head = heads.get(key)
        if (head is None and prev is None) or (head is not None and head["id"] == prev and record["rev"] == head["rev"] + 1):
            heads[key] = record
            positions[key] = position
            continue
        tips = _Tips(heads)
        tips.add(record)
        for later in records:
            tips.add(later)
        return Heads(tips.heads(), plain=False)
    return Heads(heads, plain=True, positions=positions)


class _Tips:
    """The records no other supersedes, per unit; read on from `heads`, the tips of the records so far."""

    def __init__(self, heads: dict[LabelKey, Record]) -> None:
        self.tips: dict[LabelKey, dict[str, Record]] = {key: {head["id"]: head} for key, head in heads.items()}
        self.key_of: dict[str, LabelKey] = {head["id"]: key for key, head in heads.items()}
        self.superseded: set[str] = set()  # every prev seen: a copy of a superseded record is no tip

    def add(self, record: Record) -> None:
        prev = record["prev"]
        if prev is not None:
            self.superseded.add(prev)
            key = self.key_of.pop(prev, None)
            if key is not None:
                del self.tips[key][prev]
        if record["id"] not in self.superseded:
            key = label_key(record)
            self.tips.setdefault(key, {})[record["id"]] = record
            self.key_of[record["id"]] = key

    def heads(self) -> dict[LabelKey, Record]:
        """Each unit's current label: of its tips, the later `ts`, then the greater id."""
        return {key: max(tips.values(), key=_latest) for key, tips in self.tips.items() if tips}


def _latest(record: Record) -> tuple[str, str]:
    return record["ts"], record["id"]


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A record that does not continue its unit's chain as the writer makes chains."""

    line: int
    label: LabelKey  # the label whose history it breaks
    reason: str
    fork: bool = False  # only a fork (see the module doc): resolved, a note rather than a problem


def broken_links(records: list[Record], lines: Sequence[int] | None = None) -> list[BrokenLink]:
    """Every record of one file (in file order) that breaks its chain: a duplicate id, a `prev` that
    is no earlier record, a `rev` that does not follow its prev's, or a `prev` at another sentence;
    and every fork (`fork`): a record superseded twice, a second rev 1 of a unit that has a label.
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
            reasons, forked = self._check(index, record)
            if reasons or forked:
                found.append(BrokenLink(self.lines[index], label_key(record), "; ".join(reasons or forked), fork=not reasons))
        return found

    def _check(self, index: int, record: Record) -> tuple[list[str], list[str]]:
        """Why the record breaks its chain, and how it forks it."""
        if record["id"] in self.index_of:
            return [f"duplicate record id {record['id']} (first at line {self.lines[self.index_of[record['id']]]})"], []
        key = label_key(record)
        prev = record["prev"]
        reasons, forked = [], []
        if prev is None:
            forked = self._root(key)
        elif prev not in self.index_of:
            reasons = [f"prev {prev} is not an earlier record of this file"]
        else:
            reasons, forked = self._link(index, record, key, self.index_of[prev])
        self.index_of[record["id"]] = index
        self.current[key] = index
        return reasons, forked

    def _root(self, key: LabelKey) -> list[str]:
        if key in self.current:
            return [f"forked history: a second rev 1 of this unit (line {self.lines[self.current[key]]} holds another){FORK_RULE}"]
        return []

    def _link(self, index: int, record: Record, key: LabelKey, at: int) -> tuple[list[str], list[str]]:
        earlier = self.records[at]
        reasons, forked = [], []
        if record["rev"] != earlier["rev"] + 1:
            reasons.append(f"rev {record['rev']} does not follow rev {earlier['rev']} of prev (line {self.lines[at]})")
        if earlier["id"] in self.superseded_at:
            line = self.lines[self.superseded_at[earlier["id"]]]
            forked.append(f"forked history: prev {earlier['id']} was already superseded at line {line}{FORK_RULE}")
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
        return reasons, forked
