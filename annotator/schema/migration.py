"""Migrations: how a schema version reads the labels written under the versions before it.

A schema file of version N may carry a `migration` naming the file of version N-1 (in the same
folder) and what changed:

- `values`: `{"field": F, "from": old, "to": new}`. One value to one renames it (or merges it into a
  value that exists already), several to one merge them, one to several split it: a label holding
  it now needs a decision, so the field is left unanswered and the annotator asked to look.
- `fields`: `{"add": F}` (the labels of version N-1 leave F unanswered) or `{"add": F, "default":
  value}` (they get that value), and `{"remove": F}`.

A field whose `when` condition changed needs no entry: labels are read under the new condition,
values of fields it no longer asks are dropped, and fields it newly asks are unanswered. Values
and fields alike in both versions need no entry either. Versions chain one by one (v1 -> v2 ->
v3); a label of version 1 is read through every migration up to the current version.

Reading a label set gives the current version's labels plus what a reader must know of the rest
(`Reading`): the fields left unanswered, which say nothing (no rating, no vote: an annotator who
was never asked a question did not answer "(none)"), those of them the annotator has to answer (a
split value, a required field) and the values as written of the split ones. Files are never
rewritten: labels are read this way each time.

`migration_problems` holds the rules that need both versions at hand; the loader runs them
(`annotator.schema.load`). This module is imported only where a schema has a migration: its
classes cost launch time that a schema without one need not pay.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated

from annotator.schema.model import PYDANTIC_CONFIG, Check, Condition, Field, Id, Schema, custom_error

Value = str | list[str]
Labels = dict[str, Value]


# The `migration` of a schema file (`Schema.migration`), validated by pydantic with the rest of it


def _check_file_name(value: str) -> str:
    if not value or "/" in value or "\\" in value or value in (".", ".."):
        raise custom_error("file_name", "'{value}' is not a file name: name a file in this schema's folder", {"value": value})
    return value


@dataclass(frozen=True, kw_only=True)
class ValueMap:
    """`{"field": F, "from": ..., "to": ...}`: how values of the earlier version read now. One value
    to one is a rename (or a merge into a value that exists already), several to one a merge, one to
    several a split: a label holding it needs a decision."""

    __pydantic_config__ = PYDANTIC_CONFIG

    field: Id
    from_: Id | Annotated[list[Id], Check(min_length=1)]
    to: Id | Annotated[list[Id], Check(min_length=2)]

    def __post_init__(self) -> None:
        if isinstance(self.from_, list) and isinstance(self.to, list):
            raise custom_error("value_map", "map several values to one, or one to several, not several to several")

    @property
    def old(self) -> list[str]:
        return self.from_ if isinstance(self.from_, list) else [self.from_]

    @property
    def new(self) -> list[str]:
        return self.to if isinstance(self.to, list) else [self.to]

    @property
    def is_split(self) -> bool:
        return isinstance(self.to, list)


@dataclass(frozen=True, kw_only=True)
class FieldChange:
    """`{"add": F}`, optionally with the `default` that labels of the earlier version get, or `{"remove": F}`."""

    __pydantic_config__ = PYDANTIC_CONFIG

    add: Id | None = None
    remove: Id | None = None
    default: str | list[str] | None = None

    def __post_init__(self) -> None:
        if (self.add is None) == (self.remove is None):
            raise custom_error("field_change", "give exactly one of 'add' and 'remove'")
        if self.remove is not None and self.default is not None:
            raise custom_error("field_change", "a removed field has no default")

    @property
    def field(self) -> str:
        return self.add or self.remove  # type: ignore[return-value]  # one of them is set


@dataclass(frozen=True, kw_only=True)
class Migration:
    """How this version reads the labels of the one before it, written in the file `from` (in the
    same folder). Values and fields that are the same in both versions need no entry."""

    __pydantic_config__ = PYDANTIC_CONFIG

    from_: Annotated[str, Check(_check_file_name)]
    values: list[ValueMap] = dataclasses.field(default_factory=list)
    fields: list[FieldChange] = dataclasses.field(default_factory=list)


# What reading gives


@dataclass(frozen=True)
class Change:
    """One change of a migration, as a dataset card lists it."""

    version: int  # the version it leads to
    text: str


@dataclass(frozen=True, slots=True)
class Was:
    """The value a label held, in the version it was written with, before a split left it undecided."""

    version: int
    value: Value
    label: str  # the value's label in that version (labels joined by ", " for a multiple choice)

    def __str__(self) -> str:
        return f"{self.label} (v{self.version})"


@dataclass(frozen=True)
class Reading:
    """A label set of an earlier version, read as the current version."""

    labels: Labels  # the fields it answers that are asked now
    version: int  # the version it was written with
    unanswered: frozenset[str]  # fields it gives no answer to, asked now (or perhaps: see `held`): no rating, no vote
    look: tuple[str, ...]  # of them, those its annotator has to answer (a split value, a required field), in schema order
    was: Mapping[str, Was]  # the split fields' values as written
    held: Labels  # values of fields asked only if an unanswered field gets some answer, kept to bring back
    touched: frozenset[Change]  # the changes that altered it


def migration_problems(previous: Schema, schema: Schema) -> list[tuple[str, str]]:
    """What is wrong with `schema`'s migration from `previous`, as (JSON path, message)."""
    migration = schema.migration
    assert migration is not None
    if previous.name != schema.name:
        return [("migration.from", f"'{migration.from_}' is the schema '{previous.name}', not '{schema.name}'")]
    if previous.version != schema.version - 1:
        return [
            (
                "migration.from",
                f"'{migration.from_}' is version {previous.version}: version {schema.version} migrates from version"
                f" {schema.version - 1} (versions chain one by one)",
            )
        ]
    return [*_value_problems(previous, schema, migration), *_field_problems(previous, schema, migration)]


def _value_problems(previous: Schema, schema: Schema, migration: Migration) -> Iterator[tuple[str, str]]:
    mapped: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(migration.values):
        at = f"migration.values[{index}]"
        old, new = _field_in(previous, entry.field), _field_in(schema, entry.field)
        if old is None or new is None:
            missing = previous if old is None else schema
            yield f"{at}.field", f"'{entry.field}' is no field of version {missing.version} (its fields: {_ids(missing.fields)})"
            continue
        if old.kind == "text" or new.kind == "text":
            yield f"{at}.field", f"'{entry.field}' is a text field: it has no values to map"
            continue
        for where, value_id in _entries(at, "from", entry.from_):
            if value_id not in old.positions:
                yield where, f"version {previous.version}'s field '{old.id}' has no value '{value_id}' (values: {', '.join(old.value_ids)})"
            elif (old.id, value_id) in mapped:
                yield where, f"'{value_id}' of '{old.id}' is mapped already (migration.values[{mapped[old.id, value_id]}])"
            else:
                mapped[old.id, value_id] = index
        for where, value_id in _entries(at, "to", entry.to):
            if value_id not in new.positions:
                yield where, f"version {schema.version}'s field '{new.id}' has no value '{value_id}' (values: {', '.join(new.value_ids)})"
    for new in schema.fields:
        old = _field_in(previous, new.id)
        if old is None or old.kind != new.kind:
            continue
        for value_id in old.value_ids:
            if value_id not in new.positions and (old.id, value_id) not in mapped:
                yield (
                    "migration.values",
                    f"version {previous.version}'s value '{value_id}' of '{old.id}' is not in version {schema.version}:"
                    f' say what it becomes ({{"field": "{old.id}", "from": "{value_id}", "to": ...}})',
                )


def _field_problems(previous: Schema, schema: Schema, migration: Migration) -> Iterator[tuple[str, str]]:
    listed: dict[str, int] = {}
    for index, change in enumerate(migration.fields):
        key = "add" if change.add is not None else "remove"
        at = f"migration.fields[{index}].{key}"
        field_id = change.field
        old, new = _field_in(previous, field_id), _field_in(schema, field_id)
        if field_id in listed:
            yield at, f"'{field_id}' is listed already (migration.fields[{listed[field_id]}])"
        elif change.add is not None and new is None:
            yield at, f"'{field_id}' is no field of version {schema.version}"
        elif change.add is not None and old is not None:
            yield at, f"'{field_id}' is a field of version {previous.version} already"
        elif change.remove is not None and old is None:
            yield at, f"'{field_id}' is no field of version {previous.version}"
        elif change.remove is not None and new is not None:
            yield at, f"'{field_id}' is still a field of version {schema.version}"
        elif new is not None and change.default is not None:
            yield from ((f"migration.fields[{index}].default", error) for error in new.value_errors(change.default))
        listed.setdefault(field_id, index)
    for index, new in enumerate(schema.fields):
        old = _field_in(previous, new.id)
        if old is None and new.id not in listed:
            yield (
                "migration.fields",
                f'field \'{new.id}\' is new in version {schema.version}: add it ({{"add": "{new.id}"}}, with a "default"'
                f" if the labels of version {previous.version} should get one)",
            )
        elif old is not None and old.kind != new.kind:
            yield (
                f"fields[{index}].kind",
                f"'{new.id}' is a {old.kind} field in version {previous.version}: a field keeps its kind"
                " (remove it and add a field with a new id)",
            )
    for old in previous.fields:
        if _field_in(schema, old.id) is None and old.id not in listed:
            yield (
                "migration.fields",
                f'version {previous.version}\'s field \'{old.id}\' is not in version {schema.version}: remove it ({{"remove": "{old.id}"}})',
            )


def _field_in(schema: Schema, field_id: str) -> Field | None:
    try:
        return schema.field(field_id)
    except KeyError:
        return None


def _entries(at: str, key: str, value: str | list[str]) -> list[tuple[str, str]]:
    """(JSON path, value id) of a `from` or `to` that is one id or a list of them."""
    if isinstance(value, list):
        return [(f"{at}.{key}[{index}]", item) for index, item in enumerate(value)]
    return [(f"{at}.{key}", value)]


def _ids(fields: list[Field]) -> str:
    return ", ".join(field.id for field in fields)


# The changes, as a card lists them


def changes(schema: Schema) -> list[Change]:
    """Every change of the migrations from the oldest version of `schema`'s history to it, in order."""
    steps = []
    current: Schema | None = schema
    while current is not None and current.previous is not None:
        steps.append(_Step(current.previous, current))
        current = current.previous
    return [change for step in reversed(steps) for change in step.changes]


def _value_text(entry: ValueMap, previous: Field) -> str:
    old, new = ", ".join(entry.old), ", ".join(entry.new)
    if entry.is_split:
        return f"{entry.field}: {old} split into {' / '.join(entry.new)} (each label needs a decision)"
    if len(entry.old) > 1 or entry.to in previous.positions:
        return f"{entry.field}: {old} merged into {new}"
    return f"{entry.field}: {old} renamed {new}"


def _field_text(change: FieldChange) -> str:
    if change.remove is not None:
        return f"{change.remove}: removed"
    if change.default is None:
        return f"{change.add}: added (earlier labels leave it unanswered)"
    default = ", ".join(change.default) if isinstance(change.default, list) else change.default
    return f"{change.add}: added, earlier labels get {default}"


def _when_text(field_id: str, old: Condition | None, new: Condition | None) -> str:
    def said(condition: Condition | None) -> str:
        return "always" if condition is None else f"when {condition}"

    return f"{field_id}: asked {said(new)} (was: {said(old)})"


# Reading labels


@dataclass
class _State:
    labels: Labels
    held: Labels = field(default_factory=dict)
    unanswered: set[str] = field(default_factory=set)
    was: dict[str, Was] = field(default_factory=dict)
    touched: set[Change] = field(default_factory=set)


class _Step:
    """One migration, from `previous` to `schema`, ready to read label sets."""

    def __init__(self, previous: Schema, schema: Schema) -> None:
        migration = schema.migration
        assert migration is not None
        self.previous, self.schema = previous, schema
        self.values: dict[str, dict[str, tuple[list[str], Change]]] = {}  # field -> old value -> (new values, change)
        self.changes: list[Change] = []
        for entry in migration.values:
            change = self._change(_value_text(entry, previous.field(entry.field)))
            for value_id in entry.old:
                self.values.setdefault(entry.field, {})[value_id] = (entry.new, change)
        self.added = {c.add: (c.default, self._change(_field_text(c))) for c in migration.fields if c.add is not None}
        self.removed = {c.remove: self._change(_field_text(c)) for c in migration.fields if c.remove is not None}
        self.when: dict[str, Change] = {}
        for new in schema.fields:
            old = _field_in(previous, new.id)
            if old is not None and old.when != new.when:
                self.when[new.id] = self._change(_when_text(new.id, old.when, new.when))

    def _change(self, text: str) -> Change:
        change = Change(self.schema.version, text)
        self.changes.append(change)
        return change

    def read(self, state: _State) -> _State:
        """The label set of `state` (of the previous version) read as this version."""
        before = state.labels
        merged = {**before, **state.held}
        new_ids = {schema_field.id for schema_field in self.schema.fields}
        after = _State(
            labels={},
            unanswered={field_id for field_id in state.unanswered if field_id in new_ids},
            was={field_id: was for field_id, was in state.was.items() if field_id in new_ids},
            touched=set(state.touched),
        )
        added: set[str] = set()
        for schema_field in self.schema.fields:
            self._map(schema_field, merged, after, added)
        after.touched.update(change for field_id, change in self.removed.items() if field_id in merged)
        return self._ask(before, after, added)

    def _map(self, schema_field: Field, merged: Labels, after: _State, added: set[str]) -> None:
        """The value of one field in this version, into `after`."""
        field_id = schema_field.id
        if field_id in self.added:
            default, _change = self.added[field_id]
            added.add(field_id)
            if default is None:
                after.unanswered.add(field_id)
            else:
                after.labels[field_id] = default
            return
        if field_id not in merged:
            return
        value = merged[field_id]
        mapping = self.values.get(field_id)
        if not mapping:
            after.labels[field_id] = value
            return
        mapped, split = [], False
        for value_id in value if isinstance(value, list) else [value]:
            hit = mapping.get(value_id)
            if hit is None:
                mapped.append(value_id)
                continue
            after.touched.add(hit[1])
            split = split or len(hit[0]) > 1
            mapped.append(hit[0][0])
        if split:
            after.unanswered.add(field_id)
            written = self.previous.field(field_id)
            label = ", ".join(written.value(value_id).label for value_id in (value if isinstance(value, list) else [value]))
            after.was[field_id] = Was(self.previous.version, value, label)
        elif isinstance(value, list):
            chosen = set(mapped)
            after.labels[field_id] = [value_id for value_id in schema_field.value_ids if value_id in chosen]
        else:
            after.labels[field_id] = mapped[0]

    def _ask(self, before: Labels, after: _State, added: set[str]) -> _State:
        """`after` with only the fields this version asks: values of fields whose asking hangs on an
        unanswered field are held, fields newly asked are unanswered."""
        labels = after.labels
        asked = self.schema.asked_ids(labels)
        pending: set[str] = set()  # fields asked only if an unanswered field gets some answer
        for schema_field in self.schema.fields:
            parent = schema_field.when.field if schema_field.when is not None else None
            if parent is not None and (parent in pending or (parent in after.unanswered and parent in asked)):
                pending.add(schema_field.id)
        asked_before = self.previous.asked_ids(before)
        after.labels = {}
        for field_id, value in labels.items():
            if field_id in asked:
                after.labels[field_id] = value
            elif field_id in pending:
                after.held[field_id] = value
            elif field_id in self.when:
                after.touched.add(self.when[field_id])  # its new condition drops the value
        for field_id in asked - after.labels.keys() - after.unanswered - added:
            if field_id not in asked_before:  # never asked of this label before
                after.unanswered.add(field_id)
                if field_id in self.when:
                    after.touched.add(self.when[field_id])
        after.touched.update(change for field_id, (_default, change) in self.added.items() if field_id in asked | pending)
        after.unanswered &= asked | pending
        after.was = {field_id: was for field_id, was in after.was.items() if field_id in after.unanswered}
        return after


class LabelReader:
    """Reads label sets of any version in `schema`'s history as `schema` (the current version)."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._steps: dict[int, _Step] = {}  # the version a step reads -> the step
        current = schema
        while current.previous is not None:
            self._steps[current.previous.version] = _Step(current.previous, current)
            current = current.previous

    def read(self, version: int, labels: Labels) -> Reading | None:
        """`labels`, written with `version` (an earlier one than the schema's), read as the current
        version; None if `version` is not in the schema's history or the labels do not fit it."""
        written = self.schema.at_version(version)
        if written is None or version == self.schema.version or written.label_errors(labels):
            return None
        state = _State(labels=dict(labels))
        while version in self._steps:
            state = self._steps[version].read(state)
            version += 1
        return self._reading(written.version, state)

    def _reading(self, version: int, state: _State) -> Reading:
        schema = self.schema
        asked = schema.asked_ids(state.labels)
        for schema_field in schema.fields:  # a required field without an answer has to be answered now
            if schema_field.required and schema_field.id in asked and schema_field.id not in state.labels:
                state.unanswered.add(schema_field.id)
        look = tuple(f.id for f in schema.fields if f.id in state.unanswered and f.id in asked and (f.required or f.id in state.was))
        return Reading(
            labels=state.labels,
            version=version,
            unanswered=frozenset(state.unanswered),
            look=look,
            was=dict(state.was),
            held=state.held,
            touched=frozenset(state.touched),
        )
