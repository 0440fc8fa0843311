"""One annotator's labelling session over a corpus: plain Python, no Textual.

The session holds what the annotation screen shows and decides: the current labels and status of
every unit (store heads mapped onto the corpus, plus changes on their way to disk), which value a
key picks, what each change, `enter`, `s`, `f` and `u` write, progress counts, the next unlabelled
unit and sentence search. It never writes: it hands out `SaveRequest`s and is told with `confirm`
or `fail` what became of them.

Saving rule: every change (a pick, a toggle, a cleared value, a saved text) is a new revision at
once. Its status: a `done` unit stays `done` while its required fields are all set, else it becomes
`draft`; a `flagged` unit stays `flagged`; any other unit (no label yet, `skipped`, `draft`) becomes
`draft`. Only `enter` (`mark_done`) makes a unit `done`; `s` and `f` make it `skipped` or `flagged`.

A record keeps only the fields asked (their `when` holds). When a change stops asking a field that
has a value, the session keeps the value and brings it back if a later change asks the field again,
within the session.

Origin: each saved value carries where it came from (`SaveRequest.origin`, the record's `origin`):
`typed` for a value the annotator picked, toggled or typed, `suggested` for a suggestion accepted as
it is (`accept_suggested`). A change keeps the origin of the values it leaves unchanged; a value
whose origin is not known (a record written before origins were kept, a value brought back) has none.

Suggestions: a session given a `suggester` asks it for a unit's suggestions when the unit is first
shown. A suggested value is shown for an asked field without a value (`suggested`); nothing is
saved until it is accepted or another value picked. Every record saved for a unit with suggestions
carries them (the record's `suggested`), so statistics know what was offered.

A label written with an earlier version of the schema shows as the current version reads it
(`annotator.labels.versions`). When that leaves a field for its annotator to decide (a split value),
the unit "needs a look": the old value is shown beside the field, and the unit cannot be done until
the field has a value, like a missing required one. The decision is an ordinary new revision.

Time: a change of the unit on screen carries the seconds since it was shown (`show`) or since its
previous change, whichever is later (the record's `seconds`): summed over a unit's records, the time
it was on screen while labelled.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.corpus.document import CorpusUnits, Unit, document_runs
from annotator.labels.versions import reading
from annotator.schema.model import Field, Schema
from annotator.store.records import SUGGESTED, TYPED, Labels, Origins, Record, Status, UnitKey
from annotator.suggest.model import UnitSuggestions

FINISHED = (Status.DONE, Status.SKIPPED, Status.FLAGGED)
"""Statuses that count as labelled, for progress and the next unlabelled unit; a draft does not."""
SHOWN = (Status.DRAFT, *FINISHED)
"""Statuses whose labels are shown; a retracted head means the unit has no label."""

if TYPE_CHECKING:
    from annotator.schema.migration import Reading


@dataclass(frozen=True, slots=True)
class Before:
    """What unit `index` showed before one change of this session: what undo restores."""

    index: int
    labels: Labels
    status: str | None
    origin: Origins = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SaveRequest:
    """One record to append: `labels` and `status` for unit `index`, superseding `prev`; `origin`,
    where each value came from, as far as it is known (the record's `origin`)."""

    index: int
    unit: Unit
    labels: Labels
    status: str
    prev: Record | None
    origin: Origins = field(default_factory=dict)
    suggested: Labels = field(default_factory=dict)
    seconds: float | None = None  # on screen before this change (see the module doc); None when not on screen

    @property
    def record_keys(self) -> dict[str, object]:
        """The optional record keys the request sets: `origin`, when a value's origin is known, and
        `suggested`, when the unit had suggestions, and `seconds`, when the unit was on screen."""
        keys: dict[str, object] = {"origin": self.origin} if self.origin else {}
        if self.suggested:
            keys["suggested"] = self.suggested
        if self.seconds is not None:
            keys["seconds"] = self.seconds
        return keys


@dataclass(frozen=True, slots=True)
class Missing:
    """A unit cannot be marked done: these required fields (ids, in schema order) have no value.

    `retry` saves the unit's last change again when saving it failed (enter retries a failed save).
    """

    fields: list[str]
    retry: SaveRequest | None = None


@dataclass(frozen=True, slots=True)
class Found:
    """A unit whose text holds what was searched: the `number`-th of `of` such units; `wrapped`
    when the search went round the end to find it."""

    index: int
    number: int
    of: int
    wrapped: bool


@dataclass(frozen=True, slots=True)
class Progress:
    doc_done: int
    doc_total: int
    corpus_done: int
    corpus_total: int


@dataclass
class Session:
    """Labels and the cursor for `units`; `heads` maps unit keys to current store records."""

    schema: Schema
    units: Sequence[Unit]
    heads: dict[UnitKey, Record] = field(default_factory=dict)
    moved: set[UnitKey] = field(default_factory=set)
    cursor: int = 0
    suggester: Callable[[Unit], UnitSuggestions] | None = None
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    is_queue: bool = False  # `units` are the annotator's queue (annotator.assignment), not the whole corpus
    _pending: dict[int, SaveRequest] = field(default_factory=dict, init=False, repr=False)
    _in_flight: Counter[int] = field(default_factory=Counter, init=False, repr=False)
    _undo: list[Before] = field(default_factory=list, init=False, repr=False)
    _documents: list[tuple[int, str]] = field(default_factory=list, init=False, repr=False)
    _doc_starts: list[int] = field(default_factory=list, init=False, repr=False)
    _doc_done: Counter[str] = field(default_factory=Counter, init=False, repr=False)
    _last_search: tuple[str, list[int]] = field(default_factory=lambda: ("", []), init=False, repr=False)
    _set_aside: dict[int, Labels] = field(default_factory=dict, init=False, repr=False)
    """Per unit, values of fields that a change of this session stopped asking, kept to bring back."""
    _to_look: dict[int, Reading] = field(default_factory=dict, init=False, repr=False)
    """Per unit whose label at the start, read through a migration, had fields to decide: how it was read."""
    _suggestions: dict[int, UnitSuggestions] = field(default_factory=dict, init=False, repr=False)
    _unit_keys: frozenset[UnitKey] | None = field(default=None, init=False, repr=False)
    """The keys of `units` when they are not the whole corpus's (a queue)."""
    _timed: tuple[int, float] = field(default=(-1, 0.0), init=False, repr=False)
    """The unit on screen (`show`), and the time its next change counts from."""

    def __post_init__(self) -> None:
        self._documents = document_runs(self.units)
        self._doc_starts = [start for start, _doc in self._documents]
        self._unit_keys = None if isinstance(self.units, CorpusUnits) else frozenset(unit.key for unit in self.units)
        self._doc_done = self._finished_per_document()
        self._note_readings()
        self.show(self.next_unlabelled(-1, wrap=False))

    def show(self, index: int) -> None:
        """Put unit `index` on screen (the cursor): its time counts from now."""
        self.cursor = index
        self._timed = (index, self.clock())

    def _seconds(self, index: int) -> float | None:
        """The seconds unit `index` was on screen since it was shown or last changed; None if it is
        not the unit on screen."""
        shown, since = self._timed
        if shown != index:
            return None
        now = self.clock()
        self._timed = (index, now)
        return round(now - since, 3)

    def _note_readings(self) -> None:
        """Keep how the heads read through a migration with fields to decide were read, and hold
        the values that their undecided fields leave unasked, to bring back."""
        read = {key: found for key, record in self.heads.items() if (found := reading(record)) is not None and (found.look or found.held)}
        if not read:
            return
        for index, unit in enumerate(self.units):
            found = read.get(unit.key)
            if found is not None:
                if found.look:
                    self._to_look[index] = found
                if found.held:
                    self._set_aside[index] = dict(found.held)

    # What the screen shows

    @property
    def unit(self) -> Unit:
        return self.units[self.cursor]

    def head(self, index: int) -> Record | None:
        return self.heads.get(self.units[index].key)

    def status(self, index: int) -> str | None:
        """The saved status (draft, done, skipped or flagged); None when no label is saved."""
        record = self.head(index)
        return record["status"] if record and record["status"] in SHOWN else None

    def shown_status(self, index: int) -> str | None:
        """The status the unit has with its last change, saved or not."""
        request = self._pending.get(index)
        if request is None:
            return self.status(index)
        return request.status if request.status in SHOWN else None

    def labels(self, index: int) -> Labels:
        """The labels shown for a unit (a copy): those of its last change, saved or not."""
        request = self._pending.get(index)
        if request is not None:
            return dict(request.labels)
        return dict(self.head(index)["labels"]) if self.status(index) else {}  # type: ignore[index]

    def origins(self, index: int) -> Origins:
        """Where each shown value came from (a copy), as far as it is known: those of its last change."""
        request = self._pending.get(index)
        if request is not None:
            return dict(request.origin)
        return dict(self.head(index).get("origin", {})) if self.status(index) else {}  # type: ignore[union-attr]

    def is_labelled(self, index: int) -> bool:
        """Done, skipped or flagged with its last change (a draft is not labelled yet)."""
        return self.shown_status(index) in FINISHED

    def is_saving(self, index: int) -> bool:
        return self._in_flight[index] > 0

    def is_unsaved(self, index: int) -> bool:
        """The unit's last change could not be saved: its labels are on screen only."""
        return index in self._pending and not self.is_saving(index)

    def unsaved(self) -> list[int]:
        """The units whose last change could not be saved, in unit order."""
        return sorted(index for index in self._pending if not self.is_saving(index))

    def writing(self) -> int:
        """How many changes are on their way to disk."""
        return sum(self._in_flight.values())

    def mark(self, index: int) -> str | None:
        """The sentence list's mark: unsaved, moved (re-anchored, until saved again at its new place),
        look (a field to decide after a schema migration), the saved status, or None."""
        if self.is_unsaved(index):
            return "unsaved"
        if self.units[index].key in self.moved:
            return "moved"
        if self.needs_look(index):
            return "look"
        return self.status(index)

    def needs_look(self, index: int) -> bool:
        """A schema migration left a field of the unit's label to decide, and it has no value yet."""
        return index in self._to_look and bool(self.to_decide(index))

    def was(self, index: int) -> dict[str, str]:
        """field id -> the value it held as written ("Restricted (v1)"), for the fields left to decide."""
        read = self._to_look.get(index)
        if read is None:
            return {}
        return {field_id: str(read.was[field_id]) for field_id in self.to_decide(index) if field_id in read.was}

    def to_decide(self, index: int) -> list[str]:
        """The fields that a schema migration left for the annotator to decide and that have no value yet."""
        return self._to_decide(index, self.labels(index))

    def _to_decide(self, index: int, labels: Labels) -> list[str]:
        read = self._to_look.get(index)
        if read is None:
            return []
        return [field_id for field_id in read.look if field_id not in labels and self.schema.applies(field_id, labels)]

    def _missing(self, index: int, labels: Labels) -> list[str]:
        """What keeps the unit from being done: required fields without a value, fields to decide."""
        missing = self.schema.missing_required(labels)
        return missing + [field_id for field_id in self._to_decide(index, labels) if field_id not in missing]

    def applicable_fields(self, index: int) -> list[Field]:
        return self.schema.applicable_fields(self.labels(index))

    def suggestions(self, index: int) -> UnitSuggestions | None:
        """The unit's suggestions (asked of the suggester once); None without a suggester."""
        if self.suggester is None:
            return None
        found = self._suggestions.get(index)
        if found is None:
            found = self._suggestions[index] = self.suggester(self.units[index])
        return found

    def take_suggestions(self, units: Sequence[UnitSuggestions]) -> None:
        """Suggestions for the units came from elsewhere (a model command): they are the units'
        suggestions from now on; a unit not among them keeps the suggester's."""
        rules = self.suggester
        if rules is None:
            return  # suggestions are not shown
        by_key = {found.key: found for found in units}
        self.suggester = lambda unit: by_key.get(unit.key) or rules(unit)
        self._suggestions.clear()

    def suggested(self, index: int) -> Labels:
        """The suggested values shown: those of the asked fields that have no value."""
        found = self.suggestions(index)
        if found is None:
            return {}
        labels = self.labels(index)
        asked = {schema_field.id for schema_field in self.schema.applicable_fields(labels)}
        return {field_id: value for field_id, value in found.values().items() if field_id in asked and field_id not in labels}

    def progress(self, index: int) -> Progress:
        doc = self.units[index].doc
        first, last = self._doc_range(index)
        return Progress(self._doc_done[doc], last - first, sum(self._doc_done.values()), len(self.units))

    def documents(self) -> list[tuple[int, str]]:
        """(index of the first unit, document id) of each document, for headings in the list."""
        return self._documents

    def all_labelled(self) -> bool:
        """Every unit is done, skipped or flagged (the progress counts saved labels)."""
        return sum(self._doc_done.values()) == len(self.units)

    def _doc_range(self, index: int) -> tuple[int, int]:
        position = bisect_right(self._doc_starts, index) - 1
        first = self._doc_starts[position]
        last = self._doc_starts[position + 1] if position + 1 < len(self._doc_starts) else len(self.units)
        return first, last

    # Moving

    def next_unlabelled(self, after: int, *, wrap: bool = True) -> int:
        """The first unit after `after` that is not done, skipped or flagged (a draft is not), wrapping
        round; `after` itself if none is left."""
        count = len(self.units)
        stop = count if not wrap else count + after + 1
        for step in range(after + 1, stop):
            index = step % count
            if not self.is_labelled(index):
                return index
        return max(after, 0) if wrap else 0

    def next_with_status(self, after: int, status: str) -> int | None:
        """The first unit after `after` whose status is `status` (as shown), wrapping round; None if
        no other unit has it."""
        count = len(self.units)
        for step in range(1, count):
            index = (after + step) % count
            if self.shown_status(index) == status:
                return index
        return None

    def next_needing_look(self, after: int) -> int | None:
        """The first unit after `after` that needs a look (`needs_look`), wrapping round; None if no
        other unit does."""
        waiting = [index for index in sorted(self._to_look) if index != after and self.needs_look(index)]
        if not waiting:
            return None
        return next((index for index in waiting if index > after), waiting[0])

    def search(self, query: str, after: int) -> Found | None:
        """The next unit after `after` whose text contains `query` (case-insensitive), wrapping
        round, with its place among all the units that do; None when none does."""
        matches = self._matches(query.casefold())
        if not matches:
            return None
        position = bisect_right(matches, after)
        wrapped = position == len(matches)
        position = 0 if wrapped else position
        return Found(matches[position], position + 1, len(matches), wrapped)

    def _matches(self, needle: str) -> list[int]:
        """The units whose text contains `needle` (casefolded), in order; the last answer is kept:
        `n` asks again for the same text."""
        if not needle:
            return []
        if self._last_search[0] != needle:
            self._last_search = (needle, [index for index, unit in enumerate(self.units) if needle in unit.text.casefold()])
        return self._last_search[1]

    # Changing labels: each change is a request to save at once

    def pick(self, index: int, field_id: str, number: int) -> SaveRequest | None:
        """Pick the `number`-th value (1-based) of a choice field: set a single, toggle a multi.

        Picking a single field's chosen value again changes nothing (`clear` empties a field). None
        if the field has no such value, or nothing changes.
        """
        target = self.schema.field(field_id)
        if not 1 <= number <= len(target.values):
            return None
        value = target.values[number - 1].id
        labels = self.labels(index)
        if target.kind == "single":
            return None if labels.get(field_id) == value else self._set(index, field_id, value)
        picked = set(labels.get(field_id, [])) ^ {value}
        return self._set(index, field_id, [v for v in target.value_ids if v in picked] or None)

    def clear(self, index: int, field_id: str) -> SaveRequest | None:
        """Empty a field; None if it has no value."""
        return self._set(index, field_id, None) if field_id in self.labels(index) else None

    def accept_suggested(self, index: int, suggested: Mapping[str, str | list[str]]) -> SaveRequest | None:
        """Accept suggested values, one change: each field without a value gets its suggestion, with
        origin `suggested`, in schema order (a value accepted can make the next field asked); a field
        with a value keeps it, a field not asked gets nothing. None if nothing changes."""
        labels, accepted = with_suggested(self.schema, self.labels(index), suggested)
        if not accepted:
            return None
        labels = self._with_set_aside(index, labels)
        origin = self._kept_origins(index, labels) | dict.fromkeys(accepted, SUGGESTED)
        return self.replace(index, labels, self._status_after_change(index, labels), origin)

    def accept_suggestions(self, index: int, field_id: str | None = None) -> SaveRequest | None:
        """Accept the unit's suggestions (`accept_suggested`): all of them, or `field_id`'s."""
        found = self.suggestions(index)
        if found is None:
            return None
        values = found.values()
        return self.accept_suggested(index, values if field_id is None else {field_id: values[field_id]} if field_id in values else {})

    def set_text(self, index: int, field_id: str, text: str) -> SaveRequest | None:
        """Set a text field to `text` without surrounding white space (empty clears it); None if
        that changes nothing."""
        text = text.strip()
        if self.labels(index).get(field_id, "") == text:
            return None
        return self._set(index, field_id, text or None)

    def _set(self, index: int, field_id: str, value: str | list[str] | None) -> SaveRequest:
        labels = self.labels(index)
        if value is None:
            labels.pop(field_id, None)
        else:
            labels[field_id] = value
        labels = self._with_set_aside(index, labels)
        origin = self._kept_origins(index, labels)
        if value is not None:
            origin[field_id] = TYPED
        return self.replace(index, labels, self._status_after_change(index, labels), origin)

    def _kept_origins(self, index: int, labels: Labels) -> Origins:
        """The shown origins of the values `labels` leaves as they are shown."""
        shown = self.labels(index)
        return {
            field_id: origin
            for field_id, origin in self.origins(index).items()
            if field_id in labels and labels[field_id] == shown.get(field_id)
        }

    def _with_set_aside(self, index: int, labels: Labels) -> Labels:
        """`labels` with the values this session set aside from fields that stopped being asked,
        for the fields asked again now (in schema order: a value brought back can make its
        dependents asked too)."""
        aside = self._set_aside.get(index)
        if not aside:
            return labels
        for schema_field in self.schema.fields:
            if schema_field.id in aside and schema_field.id not in labels and self.schema.applies(schema_field, labels):
                labels[schema_field.id] = aside.pop(schema_field.id)
        return labels

    def _status_after_change(self, index: int, labels: Labels) -> str:
        """The saving rule (see the module doc) for a change that leaves the unit with `labels`."""
        status = self.shown_status(index)
        if status == Status.FLAGGED or (status == Status.DONE and not self._missing(index, labels)):
            return status
        return Status.DRAFT

    def mark_done(self, index: int) -> SaveRequest | Missing:
        """Save the unit as done, if no required field is missing and no field is left to decide."""
        labels = self.labels(index)
        missing = self._missing(index, labels)
        if missing:
            retry = self._request(index, labels, self._pending[index].status, self.origins(index)) if self.is_unsaved(index) else None
            return Missing(missing, retry)
        return self.replace(index, labels, Status.DONE)

    def status_request(self, index: int, status: str) -> SaveRequest:
        """Save the unit as skipped or flagged, with whatever labels it has."""
        return self.replace(index, self.labels(index), status)

    def undo(self) -> SaveRequest | None:
        """A request restoring what a unit showed before the last change of this session; None when
        there is nothing to undo."""
        if not self._undo:
            return None
        before = self._undo.pop()
        status = before.status or Status.RETRACTED
        if status == Status.DONE and self._missing(before.index, before.labels):
            status = Status.DRAFT  # a label read through a migration, with a field still to decide
        return self._request(before.index, before.labels, status, before.origin)

    def replace(self, index: int, labels: Labels, status: str, origin: Mapping[str, str] | None = None) -> SaveRequest:
        """Replace the unit's labels and status with these (values of fields not asked are dropped):
        a change of this session, which undo can take back. `origin` says where the values came
        from; by default, the shown origin of each value left as it is shown."""
        if origin is None:
            origin = self._kept_origins(index, labels)
        self._undo.append(Before(index, self.labels(index), self.shown_status(index), self.origins(index)))
        return self._request(index, labels, status, origin)

    def _request(self, index: int, labels: Labels, status: str, origin: Mapping[str, str]) -> SaveRequest:
        asked = self.schema.prune(labels)
        dropped = {field_id: value for field_id, value in labels.items() if field_id not in asked}
        if dropped:
            self._set_aside.setdefault(index, {}).update(dropped)
        kept_origin = {field_id: source for field_id, source in origin.items() if field_id in asked}
        offered = self.suggestions(index)
        suggested = offered.values() if offered is not None else {}
        request = SaveRequest(index, self.units[index], asked, status, self.head(index), kept_origin, suggested, self._seconds(index))
        self._pending[index] = request
        self._in_flight[index] += 1
        return request

    # What became of a request

    def confirm(self, request: SaveRequest, record: Record) -> None:
        """`record` is on disk: it is the unit's new head."""
        index, key = request.index, request.unit.key
        self._count(key[0], self.heads.get(key), -1)
        self.heads[key] = record
        self.moved.discard(key)
        self._count(key[0], record, +1)
        self._in_flight[index] -= 1
        if self._pending.get(index) is request:
            del self._pending[index]

    def fail(self, request: SaveRequest) -> None:
        """The record was not written: the unit's labels stay on screen, unsaved, to retry."""
        self._in_flight[request.index] -= 1

    def take_heads(self, heads: dict[UnitKey, Record], moved: set[UnitKey]) -> list[int]:
        """The store's records changed from outside the session (a git pull replaced the file, or
        another program appended to it): these are the heads now, placed on the corpus. The
        indexes of the units whose head changed; changes on their way to disk are kept."""
        changed = [index for index, unit in enumerate(self.units) if _id(self.heads.get(unit.key)) != _id(heads.get(unit.key))]
        self.heads, self.moved = dict(heads), set(moved)
        self._doc_done = self._finished_per_document()
        return changed

    def _finished_per_document(self) -> Counter[str]:
        """The finished units per document among the session's units: a queue is a part of the
        corpus, and the heads may label others."""
        keys = self._unit_keys
        return Counter(key[0] for key, record in self.heads.items() if record["status"] in FINISHED and (keys is None or key in keys))

    def _count(self, doc: str, record: Record | None, delta: int) -> None:
        if record is not None and record["status"] in FINISHED:
            self._doc_done[doc] += delta


def with_suggested(schema: Schema, labels: Labels, suggested: Mapping[str, str | list[str]]) -> tuple[Labels, list[str]]:
    """`labels` with the suggestion of each field that has no value and is asked, in schema order (a
    value accepted can make the next field asked), and the fields that took one."""
    labels, accepted = dict(labels), []
    for schema_field in schema.fields:
        value = suggested.get(schema_field.id)
        if value and schema_field.id not in labels and schema.applies(schema_field, labels):
            labels[schema_field.id] = value
            accepted.append(schema_field.id)
    return labels, accepted


def _id(record: Record | None) -> str | None:
    return None if record is None else record["id"]
