"""The ratings of the agreement report: which labels count, and each field's value in them, as arrays.

Which labels count is decided by `annotator.labels.counting`: here the same rule runs column by
column over the distinct label sets (annotators repeat the same labels a lot), and the few labels
that may break it go through `counting.unusable_reason`, which decides and words why they are left
out. What a counted label says about a field is `counting.rating`'s answer, asked once per distinct
(value, asked) pair of the field's column. A unit is a (doc, start, end) with the same sentence text
(`text_sha256`); when a corpus is given, labels are placed on its current units first
(`annotator.labels.anchors.anchor`). Labels of earlier schema versions are read as the current one
first (`annotator.labels.versions`); a field such a label leaves unanswered counts as not asked.

Beside the votes, the reviewers' counted decisions are kept per unit (agreement with adjudicated
gold), and the annotators' current labels that are not `done` are counted per status (the report
says how many each annotator left out).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress, repeat
from operator import eq, itemgetter, methodcaller

import numpy as np
import orjson

from annotator.agreement.coefficients import Units, numbered, row_groups
from annotator.corpus.document import Corpus, Unit
from annotator.labels.anchors import Anchoring
from annotator.labels.counting import NO_VALUE, NotAsked, Rating, is_done, rating, unusable_reason
from annotator.labels.versions import MIGRATED, current_labels, read_heads, unanswered
from annotator.schema.model import Field, Schema
from annotator.store.read import StoreView
from annotator.store.records import ADJUDICATION, LabelKey, Labels, Record, Status, describe_left_out, is_adjudication

UnitId = tuple[str, int, int, str]  # doc, start, end, text_sha256


ABSENT, INVALID = -1, -2  # codes of a field that is not set, and of a value the field cannot have
_NOT_SET = object()  # what a label without the field reads as


_UNHASHABLE = object()  # stands for a value that cannot even be looked up (a nested list)


@dataclass(frozen=True)
class Column:
    """One field's value in every label: an index into `domain`, ABSENT or INVALID."""

    code: np.ndarray
    domain: list  # values as compared: value ids, frozensets of them, or normalised text


NOT_DONE = (Status.DRAFT, Status.SKIPPED, Status.FLAGGED)  # current labels that say nothing yet, counted per annotator
_DONE = Status.DONE


@dataclass
class CountedLabels:
    """The counted labels: label r is annotator `coder[r]`'s on unit `unit[r]`, from `records[r]`."""

    annotators: list[str]
    units: list[UnitId]
    texts: list[str | None]
    unit: np.ndarray
    coder: np.ndarray
    columns: dict[str, Column]
    asked: dict[str, np.ndarray]  # field id -> whether the field is asked, per label
    left_out: list[str]
    records: list[Record]
    migrated: np.ndarray  # per label: read through a migration from an earlier schema version
    adjudications: dict[int, dict[str, Record]] = field(default_factory=dict)  # unit -> reviewer -> counted decision
    not_done: dict[str, Counter[str]] = field(default_factory=dict)  # annotator -> status -> current labels not done


@dataclass
class _Placed:
    """Every current `done` annotation, column by column: its unit (doc, start, end, text hash; the
    text with a corpus), labels and schema; `stale`: those no unit of the corpus has."""

    record: list[Record]
    annotator: list[str]
    doc: list[str]
    start: np.ndarray
    end: np.ndarray
    sha: list[str]
    text: list[str | None]
    labels: list[Labels]
    schema: list[str]
    version: list[int]
    stale: list[str]
    decisions: list[tuple[UnitId, Record]]  # the reviewers' `done` heads, on their unit
    not_done: dict[str, Counter[str]]

    def keys(self, rows: np.ndarray) -> list[UnitId]:
        pick = rows.tolist()
        doc, sha = ([column[row] for row in pick] for column in (self.doc, self.sha))
        return list(zip(doc, self.start[rows].tolist(), self.end[rows].tolist(), sha))


@dataclass(frozen=True)
class FieldRatings:
    """One field's ratings over all units of the report, ordered by unit: the `counting.rating` of
    every counted label that was asked the field, as a code into `domain` (values as compared: value
    ids, frozensets of them or normalised text; the rating (none) first, as None, the empty set or
    the empty text)."""

    units: Units
    coder: np.ndarray
    domain: list
    level: str
    kind: str  # the field's
    categories: int  # the values a rating can take: the schema's (and (none) if optional), or those seen (multi, text)
    annotators: int  # the report's; `coder` indexes them
    migrated: int = 0  # ratings from labels read through a migration from an earlier schema version

    @cached_property
    def pairable(self) -> Units:
        """The units with two ratings or more: those every coefficient stands on."""
        return self.units.pairable()

    @cached_property
    def grouped(self) -> Units:
        """`pairable` with identical units merged (`Units.grouped`): the same statistics, far fewer rows."""
        return self.pairable.grouped()

    @cached_property
    def patterns(self) -> tuple[np.ndarray, np.ndarray]:
        """The units grouped by who gave which value: one row per distinct (unit x annotator) row of
        codes (-1: no rating), and how many units have it. Far fewer rows than units for choice fields."""
        table = np.full((self.units.n_units, self.annotators), -1, dtype=np.intp)
        table[self.units.unit, self.coder] = self.units.code
        if not table.size:
            return table, np.zeros(len(table))
        group, first = row_groups(table)
        return table[first], np.bincount(group, minlength=len(first)).astype(float)

    def code_of(self, value: Rating) -> int | None:
        """The code of a rating as `counting.rating` gives it; None for a value no counted label has."""
        try:
            return self.domain.index(_compared(self.kind, value))
        except ValueError:
            return None


def counted_labels(
    store: StoreView, schema: Schema, corpus: Corpus | None, anchoring: Anchoring | None = None, go_on: Callable[[], None] = lambda: None
) -> CountedLabels:
    """The labels that count, each field's value in them and where each field is asked. `anchoring`:
    the store's current labels on `corpus` (`versions.current_labels`), when the caller has them;
    else they are placed, calling `go_on` as it goes (see `anchors.anchor`).

    The checks run column by column over the distinct label sets (annotators repeat the same labels
    a lot); the few labels that fail one go through `counting.unusable_reason`, which decides (and
    words) whether they are left out.
    """
    placed = _placed_labels(store, schema, corpus, anchoring, go_on)
    same, distinct = _distinct_labels(placed.labels)
    columns = {f.id: _column(f, distinct) for f in schema.fields}
    asked = {f.id: _asked(schema, f, columns) for f in schema.fields}
    suspect = _suspect_labels(schema, distinct, columns, asked)[same] | _other_schema(schema, placed)
    answered = _answered(schema, placed.record)
    keep = np.ones(len(placed.labels), dtype=bool)
    left_out = list(placed.stale)
    for row in np.flatnonzero(suspect):
        reason = unusable_reason(schema, placed.record[row])
        if reason is not None:
            keep[row] = False
            left_out.append(describe_left_out(placed.record[row], reason))
    rows = same[keep]
    counted = _kept(
        placed,
        keep,
        columns={f: Column(column.code[rows], column.domain) for f, column in columns.items()},
        asked={f: mask[rows] & answered[f][keep] if f in answered else mask[rows] for f, mask in asked.items()},
        left_out=left_out,
    )
    counted.adjudications = _decisions(schema, placed.decisions, counted.units)
    return counted


def _answered(schema: Schema, records: list[Record]) -> dict[str, np.ndarray]:
    """field id -> per label, whether it answers the field; only the fields that some label read
    through a migration leaves unanswered (`versions.unanswered`)."""
    found: dict[str, np.ndarray] = {}
    if schema.previous is None:
        return found
    for row, record in enumerate(records):
        for field_id in unanswered(record):
            found.setdefault(field_id, np.ones(len(records), dtype=bool))[row] = False
    return found


def _decisions(schema: Schema, decisions: list[tuple[UnitId, Record]], units: list[UnitId]) -> dict[int, dict[str, Record]]:
    """unit number -> reviewer -> record, for the decisions that count on a unit some annotator rated."""
    if not decisions:
        return {}
    number = {unit: index for index, unit in enumerate(units)}
    found: dict[int, dict[str, Record]] = {}
    for unit, record in decisions:
        if unit in number and unusable_reason(schema, record) is None:
            found.setdefault(number[unit], {})[record["annotator"]] = record
    return found


def _distinct_labels(labels: list[Labels]) -> tuple[np.ndarray, list[Labels]]:
    """The number of each label set among the distinct ones, and the distinct ones."""
    try:
        same, _ = numbered(map(orjson.dumps, labels))
    except TypeError:  # not JSON (labels built in memory): treat every label set as distinct
        return np.arange(len(labels)), labels
    first = np.ones(len(same), dtype=bool)  # numbered in order of first appearance
    first[1:] = same[1:] > np.maximum.accumulate(same)[:-1]
    return same, [labels[row] for row in np.flatnonzero(first)]


def _placed_labels(
    store: StoreView, schema: Schema, corpus: Corpus | None, anchoring: Anchoring | None, go_on: Callable[[], None]
) -> _Placed:
    if corpus is None:
        return _heads(read_heads(schema, store.latest))
    anchoring = anchoring or current_labels(schema, store.latest, corpus, go_on)
    current = list(anchoring.current.values())
    placed = [label for label in current if label.record["status"] == _DONE and not is_adjudication(label.record)]
    stale = [describe_left_out(label.record, label.reason) for label in anchoring.stale if _is_vote(label.record)]
    records = [label.record for label in placed]
    units = [label.unit for label in placed]
    decisions = [(_unit_id(label.unit), label.record) for label in current if _is_decision(label.record)]
    return _Placed(
        record=records,
        annotator=[record["annotator"] for record in records],
        doc=[unit.doc for unit in units],
        start=np.array([unit.start for unit in units], dtype=np.int64),
        end=np.array([unit.end for unit in units], dtype=np.int64),
        sha=[unit.text_sha256 for unit in units],
        text=[unit.text for unit in units],
        labels=[record["labels"] for record in records],
        schema=[record["schema"] for record in records],
        version=[record["schema_version"] for record in records],
        stale=stale,
        decisions=decisions,
        not_done=_not_done(label.record for label in current),
    )


def _unit_id(unit: Unit) -> UnitId:
    return unit.doc, unit.start, unit.end, unit.text_sha256


def _heads(latest: dict[LabelKey, Record]) -> _Placed:
    """The votes (`counting.is_vote`) among a store's heads, where the store has them.

    Read column by column: one pass per column is far faster than a Python loop, and the keys of
    `latest` give annotator, doc, start and end cheaper than the records do.
    """
    records = list(latest.values())
    done = np.fromiter(map(eq, map(itemgetter("status"), records), repeat(_DONE)), dtype=bool, count=len(records))
    decision = np.zeros(len(records), dtype=bool)
    kinds = map(methodcaller("get", "kind"), compress(records, done))  # `is_adjudication`, without a call per record
    decision[done] = np.fromiter(map(eq, kinds, repeat(ADJUDICATION)), dtype=bool, count=int(done.sum()))
    wanted = done & ~decision
    keys = list(compress(latest, wanted))
    decisions = [((r["doc"], r["start"], r["end"], r["text_sha256"]), r) for r in compress(records, decision)]
    not_done = _not_done(compress(records, ~done))
    records = list(compress(records, wanted))

    def column(rows: list, key: object) -> list:
        return list(map(itemgetter(key), rows))

    return _Placed(
        record=records,
        annotator=column(keys, 0),
        doc=column(keys, 1),
        start=np.fromiter(map(itemgetter(2), keys), dtype=np.int64, count=len(keys)),
        end=np.fromiter(map(itemgetter(3), keys), dtype=np.int64, count=len(keys)),
        sha=column(records, "text_sha256"),
        text=[None] * len(records),
        labels=column(records, "labels"),
        schema=column(records, "schema"),
        version=column(records, "schema_version"),
        stale=[],
        decisions=decisions,
        not_done=not_done,
    )


def _is_vote(record: Record) -> bool:
    return record["status"] == _DONE and not is_adjudication(record)


def _is_decision(record: Record) -> bool:
    return is_done(record) and is_adjudication(record)


def _not_done(records: Iterable[Record]) -> dict[str, Counter[str]]:
    """annotator -> status -> how many of their current labels are a draft, skipped or flagged."""
    found: dict[str, Counter[str]] = {}
    for record in records:
        if record["status"] in NOT_DONE and not is_adjudication(record):
            found.setdefault(record["annotator"], Counter())[record["status"]] += 1
    return found


def _kept(
    placed: _Placed, keep: np.ndarray, columns: dict[str, Column], asked: dict[str, np.ndarray], left_out: list[str]
) -> CountedLabels:
    """The kept rows: units in (doc, start, end) order, annotators alphabetically."""
    unit, first_rows = _unit_numbers(placed, np.flatnonzero(keep))
    all_coders, names = numbered(placed.annotator)
    kept_coders = all_coders[keep]
    annotators = sorted(names[number] for number in np.flatnonzero(np.bincount(kept_coders, minlength=len(names))))
    rank = {name: index for index, name in enumerate(annotators)}
    records = list(compress(placed.record, keep))
    return CountedLabels(
        annotators=annotators,
        units=placed.keys(first_rows),
        texts=[placed.text[row] for row in first_rows],
        unit=unit,
        coder=np.array([rank.get(name, -1) for name in names], dtype=np.intp)[kept_coders],
        columns=columns,
        asked=asked,
        left_out=left_out,
        records=records,
        migrated=np.fromiter((MIGRATED in record for record in records), dtype=bool, count=len(records)),
        not_done=placed.not_done,
    )


def _unit_numbers(placed: _Placed, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The unit number of each of `rows`, units in (doc, start, end, text hash) order, and the
    first row of each unit."""
    doc_code, docs = numbered(placed.doc)
    doc_rank = np.argsort(np.argsort(np.array(docs, dtype=object)))
    sha_code, _ = numbered(placed.sha)
    keys = np.stack([doc_rank[doc_code], placed.start, placed.end, sha_code], axis=1)[rows]
    unit, first = row_groups(keys)
    return unit, rows[first]


def _other_schema(schema: Schema, placed: _Placed) -> np.ndarray:
    """Labels written with another schema or another version of it."""
    size = len(placed.labels)
    same_name = np.fromiter(map(eq, placed.schema, repeat(schema.name)), dtype=bool, count=size)
    return ~same_name | ~np.fromiter(map(eq, placed.version, repeat(schema.version)), dtype=bool, count=size)


def _suspect_labels(schema: Schema, labels: list[Labels], columns: dict[str, Column], asked: dict[str, np.ndarray]) -> np.ndarray:
    """Label sets that may break a rule of the schema: a key that is no field, a value the field
    cannot have, a value for a field not asked, an asked required field without one."""
    keys = np.fromiter(map(len, labels), dtype=np.intp, count=len(labels))
    suspect = keys != sum((column.code != ABSENT).astype(np.intp) for column in columns.values())
    for schema_field in schema.fields:
        code, is_asked = columns[schema_field.id].code, asked[schema_field.id]
        suspect |= (code == INVALID) | ((code != ABSENT) & ~is_asked)
        if schema_field.required:
            suspect |= is_asked & (code == ABSENT)
    return suspect


def _column(schema_field: Field, labels: list[Labels]) -> Column:
    """The field's value in every label as a code."""
    values = map(methodcaller("get", schema_field.id, _NOT_SET), labels)
    try:
        first_seen, distinct = numbered(map(_multi_key, values) if schema_field.kind == "multi" else values)
    except TypeError:  # a value that cannot be looked up (a nested list): invalid whatever the field
        values = map(methodcaller("get", schema_field.id, _NOT_SET), labels)
        first_seen, distinct = numbered(_hashable_or_marker(_multi_key(value)) for value in values)
    comparable = [_comparable(schema_field, key) for key in distinct]
    domain = _domain(schema_field, {value for value in comparable if value is not None})
    position = {value: code for code, value in enumerate(domain)}
    codes = [ABSENT if key is _NOT_SET else position.get(value, INVALID) for key, value in zip(distinct, comparable)]
    return Column(np.array(codes, dtype=np.intp)[first_seen], domain)


def _multi_key(value: object) -> object:
    return tuple(value) if type(value) is list else value


def _hashable_or_marker(value: object) -> Hashable:
    try:
        hash(value)
    except TypeError:
        return _UNHASHABLE
    return value


def _comparable(schema_field: Field, key: Hashable) -> Hashable | None:
    """A valid value as compared (a set for multi, normalised case and white space for text); None if invalid."""
    if schema_field.kind == "single":
        return key if type(key) is str and key in schema_field.value_ids else None
    if schema_field.kind == "multi":
        if not isinstance(key, tuple) or not key or len(set(key)) < len(key):
            return None
        return frozenset(key) if all(type(v) is str and v in schema_field.value_ids for v in key) else None
    return " ".join(key.split()).casefold() if type(key) is str and key else None


def _asked(schema: Schema, schema_field: Field, columns: dict[str, Column]) -> np.ndarray:
    """Per label, whether `schema_field` is asked: `schema.applies` once per distinct value of the
    fields its condition chain tests."""
    chain = _condition_chain(schema, schema_field)
    size = len(columns[schema_field.id].code)
    if not chain:
        return np.ones(size, dtype=bool)
    key = np.zeros(size, dtype=np.int64)
    for field_id in chain:
        key = key * (len(columns[field_id].domain) + 2) + columns[field_id].code + 2
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    answers = [schema.applies(schema_field, _chain_labels(chain, columns, row)) for row in first]
    return np.array(answers, dtype=bool)[inverse]


def _chain_labels(chain: list[str], columns: dict[str, Column], row: int) -> dict[str, object]:
    """The labels of the condition fields in one row, as the store has them."""
    labels: dict[str, object] = {}
    for field_id in chain:
        code = columns[field_id].code[row]
        if code >= 0:
            value = columns[field_id].domain[code]
            labels[field_id] = list(value) if isinstance(value, frozenset) else value
    return labels


def _condition_chain(schema: Schema, schema_field: Field) -> list[str]:
    """The fields whose values decide whether `schema_field` is asked."""
    chain = []
    while schema_field.when is not None:
        chain.append(schema_field.when.field)
        schema_field = schema.field(schema_field.when.field)
    return chain


def field_ratings(schema_field: Field, counted: CountedLabels) -> FieldRatings:
    """The field's rating (`counting.rating`) in every counted label asked it, ordered by unit."""
    column, asked = counted.columns[schema_field.id], counted.asked[schema_field.id]
    cases, case = np.unique((column.code - INVALID) * 2 + asked, return_inverse=True)  # distinct (value, asked) pairs
    domain = _rating_domain(schema_field, column.domain)
    said = [_rating_code(schema_field, column, int(key // 2) + INVALID, bool(key % 2)) for key in cases.tolist()]
    code = np.array(said, dtype=np.intp)[case.reshape(-1)] if len(cases) else np.empty(0, dtype=np.intp)
    rated = code >= 0
    if schema_field.kind != "single":  # the values seen, not every set or text that could be written
        used = np.unique(code[rated])
        domain = [domain[value] for value in used]
        code[rated] = np.searchsorted(used, code[rated])
    order = np.argsort(counted.unit[rated], kind="stable")
    units = Units(counted.unit[rated][order], code[rated][order], np.ones(len(counted.units)), max(len(domain), 1))
    categories = len(domain)
    return FieldRatings(
        units,
        counted.coder[rated][order],
        domain,
        _level(schema_field),
        schema_field.kind,
        categories,
        len(counted.annotators),
        int(np.count_nonzero(counted.migrated[rated])),
    )


_NONE: dict[str, Hashable] = {"single": None, "multi": frozenset(), "text": ""}  # the rating (none) as compared, first in a field's domain


def _rating_domain(schema_field: Field, values: list) -> list:
    return values if schema_field.required else [_NONE[schema_field.kind], *values]


def _rating_code(schema_field: Field, column: Column, value: int, is_asked: bool) -> int:
    """The code of what `counting.rating` says of a label whose column holds `value` (-1: no rating)."""
    if value == INVALID:
        return -1  # a label with a value the field cannot have does not count (counting.unusable_reason)
    said = rating(schema_field, None if value == ABSENT else _as_label(column.domain[value]), is_asked)
    if isinstance(said, NotAsked):
        return -1
    none = 0 if not schema_field.required else -1  # the code of (none), first in the domain of an optional field
    return none if said is NO_VALUE else value + none + 1  # the value itself, after (none)


def _as_label(value: Hashable) -> object:
    """A compared value back in the form labels have (a list for a set)."""
    return sorted(value) if isinstance(value, frozenset) else value


def _compared(kind: str, value: Rating) -> Hashable:
    """A rating as the statistics compare it: a set for a multiple choice, normalised text; (none) as `_NONE`."""
    if value is NO_VALUE:
        return _NONE[kind]
    if isinstance(value, tuple):
        return frozenset(value)
    return " ".join(value.split()).casefold() if kind == "text" else value


def _level(schema_field: Field) -> str:
    if schema_field.kind == "multi":
        return "masi"
    return "ordinal" if schema_field.ordinal else "nominal"


def _domain(schema_field: Field, values: Iterable[Hashable]) -> list:
    """The field's values in code order: the schema's for single, observed sets or texts otherwise."""
    if schema_field.kind == "single":
        return schema_field.value_ids
    position = schema_field.positions
    if schema_field.kind == "multi":
        return sorted(set(values), key=lambda labels: (len(labels), sorted(position[v] for v in labels)))
    return sorted(set(values))
