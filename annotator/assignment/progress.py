"""How far the team is (`annotator status`): per annotator, the assigned units and the status of
their labels, the time spent and the time left; per document, the sentences that reached the overlap.

Time comes from the records. A record with `seconds` (written by the annotation UI: the time the
unit was on screen before the save) counts those; an older record counts the time since the
annotator's previous save. Either counts only up to `PAUSE`: beyond it the annotator was away, and
the record counts nothing. A unit's time is the sum of its records' times; the time left is the
units left times the median time of the units done.
"""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from annotator.assignment.rendezvous import Assignment
from annotator.store.read import StoreView
from annotator.store.records import ADJUDICATION, LabelKey, Record, Status, UnitKey, is_adjudication

PAUSE = 300.0  # seconds: a longer time between saves, or on one unit, is a pause
FINISHED = (Status.DONE, Status.SKIPPED, Status.FLAGGED)


@dataclass(frozen=True)
class AnnotatorProgress:
    name: str
    assigned: int
    statuses: dict[str, int]  # done, draft, skipped, flagged: labels of assigned units with that status
    left: int  # assigned units not done, skipped or flagged
    active_seconds: float
    median_seconds: float | None  # per unit done; None before the first
    on_roster: bool

    @property
    def seconds_left(self) -> float | None:
        return None if self.median_seconds is None else self.left * self.median_seconds


@dataclass(frozen=True)
class DocumentProgress:
    doc: str
    sentences: int
    at_overlap: int  # sentences with done labels from as many annotators as they are assigned to


@dataclass(frozen=True)
class TeamProgress:
    annotators: list[AnnotatorProgress]
    documents: list[DocumentProgress]


def team_progress(assignment: Assignment, keys: Sequence[UnitKey], heads: Mapping[LabelKey, Record], view: StoreView) -> TeamProgress:
    """The progress of the roster (and of anyone else with an annotation file) over the units `keys`,
    assigned by `assignment`: the current labels `heads`, placed on the units, and the records of the
    store `view` (read with `keep_records`) for the time."""
    index = {key: position for position, key in enumerate(keys)}
    done = np.zeros(len(keys), dtype=np.int64)  # done labels per unit
    for (_name, *key), head in heads.items():
        position = index.get(tuple(key))  # type: ignore[arg-type]
        if position is not None and head["status"] == Status.DONE and not is_adjudication(head):
            done[position] += 1
    writers = [name for name, kinds in view.kinds.items() if kinds != {ADJUDICATION} and name not in assignment.annotators]
    annotators = [_annotator(name, assignment, keys, index, heads, view) for name in [*assignment.annotators, *sorted(writers)]]
    return TeamProgress(annotators, _documents(keys, done >= assignment.overlaps()))


def _annotator(
    name: str, assignment: Assignment, keys: Sequence[UnitKey], index: dict[UnitKey, int], heads: Mapping[LabelKey, Record], view: StoreView
) -> AnnotatorProgress:
    mine = assignment.units_of(name)
    statuses: dict[str, int] = dict.fromkeys(map(str, (Status.DONE, Status.DRAFT, Status.SKIPPED, Status.FLAGGED)), 0)
    for position in mine.tolist():
        head = heads.get((name, *keys[position]))
        if head is not None and head["status"] in statuses:
            statuses[head["status"]] += 1
    records = [record for record in view.records.get(name, []) if not is_adjudication(record)]
    times = record_times(records)
    per_unit: dict[UnitKey, float] = defaultdict(float)
    for record, seconds in zip(records, times):
        per_unit[_unit_of(record)] += seconds
    done_units = [
        per_unit[key[1:]] for key, head in view.latest.items() if key[0] == name and head["status"] == Status.DONE and key[1:] in index
    ]
    return AnnotatorProgress(
        name=name,
        assigned=len(mine),
        statuses=statuses,
        left=len(mine) - sum(statuses[status] for status in FINISHED),
        active_seconds=sum(times),
        median_seconds=statistics.median(done_units) if done_units else None,
        on_roster=name in assignment.annotators,
    )


def _unit_of(record: Record) -> UnitKey:
    """The unit a record labels, as it places it (a label placed anew is timed at its record's offsets)."""
    return record["doc"], record["start"], record["end"]


def record_times(records: Sequence[Record]) -> list[float]:
    """The seconds each record counts (see the module doc), in the order given."""
    stamps = [datetime.fromisoformat(record["ts"]).timestamp() for record in records]
    order = sorted(range(len(records)), key=stamps.__getitem__)
    since_previous = [0.0] * len(records)
    for before, after in itertools.pairwise(order):
        since_previous[after] = stamps[after] - stamps[before]
    times = []
    for record, gap in zip(records, since_previous):
        seconds = record.get("seconds", gap)
        times.append(seconds if seconds <= PAUSE else 0.0)
    return times


def _documents(keys: Sequence[UnitKey], reached: np.ndarray) -> list[DocumentProgress]:
    sentences: dict[str, int] = {}
    at_overlap: dict[str, int] = defaultdict(int)
    for key, done in zip(keys, reached.tolist()):
        sentences[key[0]] = sentences.get(key[0], 0) + 1
        at_overlap[key[0]] += done
    return [DocumentProgress(doc, count, at_overlap[doc]) for doc, count in sentences.items()]
