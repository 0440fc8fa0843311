"""Labels written under earlier versions of the schema, read as the current version: the one place
where records become labels of the schema in use, which every reader goes through (agreement, gold
labels, review, export, the annotation UI, validation).

A record of an earlier version in the schema's history is read through its migrations
(`annotator.schema.migration`) into a copy whose `labels` and `schema_version` are the current
version's, with the `Reading` under the key `MIGRATED`: the fields it leaves unanswered (no rating,
no vote, see `annotator.labels.counting`), those its annotator has to answer (the unit "needs a
look"), and the values as written of a split one. The files are never rewritten; a record of the
current version, of another schema, or whose labels do not fit the version it names, is passed on
as it is (the counting rule says why the last two do not count).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

import orjson

from annotator.corpus.document import Corpus
from annotator.labels.anchors import Anchoring, anchor
from annotator.memory import gc_paused
from annotator.schema.model import Schema
from annotator.store.chains import chain_heads
from annotator.store.read import StoreView
from annotator.store.records import LabelKey, Record, Status

if TYPE_CHECKING:
    from annotator.schema.migration import Change, Reading

MIGRATED = "migrated"
"""The key of a record read through migrations that holds its `Reading` (never written to a file)."""

Key = TypeVar("Key")


def read_heads(schema: Schema, latest: Mapping[Key, Record]) -> dict[Key, Record]:
    """`latest` (the heads of a store, by any key) with every record of an earlier version of
    `schema` read as the current version. The others are the same objects."""
    if schema.previous is None:
        return dict(latest)
    from annotator.schema.migration import LabelReader  # launch time: imported only when the schema has a history

    reader, readings = LabelReader(schema), {}
    heads = dict(latest)
    current, name = schema.version, schema.name
    with gc_paused():  # the copies all stay alive: collecting while they are made finds nothing to free
        for key, record in latest.items():
            version = record["schema_version"]
            if version != current and record["schema"] == name:
                labels = record["labels"]
                distinct = (version, orjson.dumps(labels))  # annotators repeat the same labels a lot: read each once
                if distinct not in readings:
                    readings[distinct] = reader.read(version, labels)
                read = readings[distinct]
                if read is not None:
                    copy: dict[str, Any] = {**record, "labels": read.labels, "schema_version": current, MIGRATED: read}
                    heads[key] = cast(Record, copy)
    return heads


def current_labels(
    schema: Schema, latest: Mapping[LabelKey, Record], corpus: Corpus, go_on: Callable[[], None] = lambda: None
) -> Anchoring:
    """The current labels of a store under `schema`, placed on the current `corpus` (`anchor`, which
    calls `go_on` as it goes)."""
    return anchor(read_heads(schema, latest), corpus, go_on)


def reading(record: Mapping[str, Any]) -> Reading | None:
    """How `record` was read through migrations; None for a record read as written."""
    return record.get(MIGRATED)


def unanswered(record: Mapping[str, Any]) -> frozenset[str]:
    """The fields a record read through migrations gives no answer to (none for any other)."""
    found = record.get(MIGRATED)
    return found.unanswered if found is not None else frozenset()


def needs_look(record: Mapping[str, Any]) -> bool:
    """A current label that its annotator has to look at again: a migration left a field of it to decide."""
    found = record.get(MIGRATED)
    return found is not None and bool(found.look) and record["status"] != Status.RETRACTED


def as_it_stood(store: StoreView, schema: Schema) -> StoreView:
    """The store (read with `keep_records`) as it stood while `schema`, an earlier version, was the
    current one: every unit's last record written with that version of it or an earlier one."""
    newer = schema.version
    latest: dict[LabelKey, Record] = {}
    for records in store.records.values():
        latest.update(chain_heads(r for r in records if r["schema"] != schema.name or r["schema_version"] <= newer))
    return StoreView(records=store.records, latest=latest, problems=store.problems, torn=store.torn, kinds=store.kinds)


@dataclass
class Migrated:
    """How many current labels came through migrations, and what the migrations did to them."""

    labels: Counter[str] = field(default_factory=Counter)  # annotator -> labels read through migrations
    look: Counter[str] = field(default_factory=Counter)  # annotator -> of them, those that need a look
    touched: Counter[Change] = field(default_factory=Counter)  # change -> labels it altered

    @property
    def total(self) -> int:
        return sum(self.labels.values())


def migrated(records: Iterable[Record]) -> Migrated:
    """The count of `records` (read by `read_heads`) that came through migrations."""
    found = Migrated()
    for record in records:
        read = reading(record)
        if read is not None and record["status"] != Status.RETRACTED:
            found.labels[record["annotator"]] += 1
            found.look[record["annotator"]] += needs_look(record)
            found.touched.update(read.touched)
    return found
