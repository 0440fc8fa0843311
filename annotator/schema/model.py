"""The schema model: the fields a sentence is labelled on, and what labels they accept.

A schema has a name, an integer version and ordered fields. A field is a single choice (optionally
ordinal), a multiple choice or free text, and may carry a `when` condition on an earlier field; a
field whose condition does not hold is "not asked" and must have no value.

Labels are `dict[str, str | list[str]]`: single -> value id, multi -> list of value ids, text ->
non-empty string. An unset field is absent from the dict.

A schema of version N may carry a `migration`: how to read the labels of version N-1, whose file it
names (`annotator.schema.migration` checks it against that version and reads labels through it).

The model is plain frozen dataclasses. Their checks are `Annotated` metadata that pydantic reads
when it validates a file (`annotator.schema.load`); defining them imports no pydantic.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal

if TYPE_CHECKING:
    from annotator.schema.migration import Migration  # imported only where a schema has one: it costs launch time

MAX_VALUES = 10  # the UI picks values with the keys 1-9 and 0
_KEYABLE = (str, int, float, type(None))  # label values `Schema.asked_ids` remembers its answer for
_ASKED_MEMO_SIZE = 4096  # distinct answers to the tested fields it remembers

_ID = re.compile(r"[a-z0-9_]+")
_NAME = re.compile(r"[A-Za-z0-9._-]+")


def custom_error(kind: str, message: str, context: dict[str, Any] | None = None) -> Exception:
    from pydantic_core import PydanticCustomError

    return PydanticCustomError(kind, message, context)


def _check_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise custom_error("id", "'{value}' is not a valid id: use a-z, 0-9 and _", {"value": value})
    return value


def _check_name(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise custom_error("name", "'{value}' is not a valid name: use letters, digits, '.', '_' and '-'", {"value": value})
    return value


def _check_one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise custom_error("one_line", "must be a single line")
    return value


class Check:
    """`Annotated` metadata for pydantic: constraints of the type (`min_length=1`) and a function run
    on the value after them. It needs no pydantic import until pydantic builds a validator."""

    def __init__(self, check: Callable[[Any], Any] | None = None, **constraints: int) -> None:
        self.check = check
        self.constraints = constraints

    def __get_pydantic_core_schema__(self, source: Any, handler: Callable[[Any], dict[str, Any]]) -> Any:
        from pydantic_core import core_schema

        schema = {**handler(source), **self.constraints}
        return core_schema.no_info_after_validator_function(self.check, schema) if self.check else schema


Id = Annotated[str, Check(_check_id)]
Label = Annotated[str, Check(_check_one_line, min_length=1)]
OneLine = Annotated[str, Check(_check_one_line)]


def json_key(attribute: str) -> str:
    """The JSON key of a dataclass attribute: `in_` is "in" (a Python keyword)."""
    return attribute.rstrip("_")


PYDANTIC_CONFIG = {"extra": "forbid", "alias_generator": json_key}  # pydantic's ConfigDict, as a plain dict


@dataclass(frozen=True, kw_only=True)
class Value:
    __pydantic_config__ = PYDANTIC_CONFIG

    id: Id
    label: Label
    description: OneLine = ""


@dataclass(frozen=True, kw_only=True)
class Condition:
    """`{"field": F, "in": [value ids]}` or `{"field": F, "at_least": value_id}` (F ordinal)."""

    __pydantic_config__ = PYDANTIC_CONFIG

    field: Id
    in_: Annotated[list[Id], Check(min_length=1)] | None = None
    at_least: Id | None = None

    def __post_init__(self) -> None:
        if (self.in_ is None) == (self.at_least is None):
            raise custom_error("condition", "give exactly one of 'in' and 'at_least'")

    @property
    def in_values(self) -> list[str]:
        """The values of an `in` condition; none for an `at_least` one."""
        return self.in_ or []

    def holds(self, parent: Field, value: object) -> bool:
        """Whether the condition holds for `value`, the label of `parent` (the field it tests)."""
        if self.at_least is not None:
            positions = parent.positions
            return isinstance(value, str) and value in positions and positions[value] >= positions[self.at_least]
        chosen = value if isinstance(value, list) else [value]
        return any(v in self.in_values for v in chosen)

    def __str__(self) -> str:
        if self.at_least is not None:
            return f"{self.field} is at least '{self.at_least}'"
        return f"{self.field} is one of {', '.join(self.in_values)}"


@dataclass(frozen=True, kw_only=True)
class Field:
    __pydantic_config__ = PYDANTIC_CONFIG

    id: Id
    label: Label
    kind: Literal["single", "multi", "text"]
    ordinal: bool = False
    required: bool = False
    description: OneLine = ""
    values: list[Value] = dataclasses.field(default_factory=list)
    when: Condition | None = None

    @cached_property
    def positions(self) -> dict[str, int]:
        """Value id -> 0-based position in the schema (a fast membership test too)."""
        return {value.id: index for index, value in enumerate(self.values)}

    @property
    def value_ids(self) -> list[str]:
        return list(self.positions)

    def value(self, value_id: str) -> Value:
        """The value with this id; KeyError if the field has none."""
        return self.values[self._position(value_id)]

    def value_errors(self, value: object) -> list[str]:
        """What is wrong with `value` as this field's label (value ids, shape, emptiness); [] if nothing."""
        return _value_errors(self, value)

    def ordinal_rank(self, value_id: str) -> int:
        """0-based position of a value on this ordinal field's scale; KeyError for an unknown value."""
        if not self.ordinal:
            raise ValueError(f"field '{self.id}' is not ordinal")
        return self._position(value_id)

    def _position(self, value_id: str) -> int:
        try:
            return self.positions[value_id]
        except KeyError:
            raise KeyError(f"field '{self.id}' has no value '{value_id}'") from None


@dataclass(frozen=True, kw_only=True)
class Schema:
    __pydantic_config__ = PYDANTIC_CONFIG

    name: Annotated[str, Check(_check_name)]
    version: Annotated[int, Check(ge=1)]
    title: OneLine = ""
    description: str = ""
    fields: Annotated[list[Field], Check(min_length=1)]
    migration: Migration | None = None
    previous: Schema | None = dataclasses.field(default=None, init=False, compare=False, repr=False)
    """The version before this one, whose labels `migration` reads; set by the loader (`chain`)."""

    def __post_init__(self) -> None:
        problems = _rule_problems(self.fields)
        if problems:
            summary = "; ".join(f"{at}: {msg}" for at, msg in problems)
            raise custom_error("schema_rules", "{summary}", {"summary": summary, "problems": problems})

    @cached_property
    def _by_id(self) -> dict[str, Field]:
        return {field.id: field for field in self.fields}

    @property
    def field_ids(self) -> list[str]:
        """The fields' ids, in schema order."""
        return list(self._by_id)

    def field(self, field_id: str) -> Field:
        """The field with this id; KeyError if the schema has none."""
        try:
            return self._by_id[field_id]
        except KeyError:
            raise KeyError(f"schema '{self.name}' has no field '{field_id}'") from None

    def applies(self, field: Field | str, labels: Mapping[str, object]) -> bool:
        """Whether `field` is asked given `labels`: its condition, and its parents', hold."""
        return (field if isinstance(field, str) else field.id) in self.asked_ids(labels)

    def applicable_fields(self, labels: Mapping[str, object]) -> list[Field]:
        asked = self.asked_ids(labels)
        return [field for field in self.fields if field.id in asked]

    def asked_ids(self, labels: Mapping[str, object]) -> set[str]:
        """Ids of the fields asked given `labels`, in one pass: a condition tests an earlier field."""
        key = self._condition_values(labels)
        if key is None:
            return self._asked_ids(labels)
        asked = self._asked_by_condition_values.get(key)
        if asked is None:
            asked = self._asked_ids(labels)
            if len(self._asked_by_condition_values) < _ASKED_MEMO_SIZE:
                self._asked_by_condition_values[key] = asked
        return set(asked)

    @cached_property
    def _condition_fields(self) -> list[str]:
        """The fields some condition tests: the only ones `asked_ids` depends on."""
        return list(dict.fromkeys(field.when.field for field in self.fields if field.when is not None))

    @cached_property
    def _asked_by_condition_values(self) -> dict[Hashable, set[str]]:
        """`asked_ids` by `_condition_values`: labels repeat the same few answers to the tested fields."""
        return {}

    def _condition_values(self, labels: Mapping[str, object]) -> Hashable | None:
        """The values of the tested fields in `labels`, with their types (1 and True must not meet), as
        a key; None when one is not a string, number, None or a list of them."""
        key = []
        for field_id in self._condition_fields:
            value = labels.get(field_id)
            if isinstance(value, list):
                if not all(isinstance(item, _KEYABLE) for item in value):
                    return None
                key.append((list, *((type(item), item) for item in value)))
            elif isinstance(value, _KEYABLE):
                key.append((type(value), value))
            else:
                return None
        return tuple(key)

    def _asked_ids(self, labels: Mapping[str, object]) -> set[str]:
        asked: set[str] = set()
        for field in self.fields:
            condition = field.when
            if condition is None or (
                condition.field in asked and condition.holds(self._by_id[condition.field], labels.get(condition.field))
            ):
                asked.add(field.id)
        return asked

    def label_errors(self, labels: object) -> list[str]:
        """Everything wrong with `labels`, one message each; a missing required value is not an error here."""
        if not isinstance(labels, Mapping):
            return ["labels must be an object"]
        errors = [f"unknown field '{key}' (fields: {', '.join(self._by_id)})" for key in labels if key not in self._by_id]
        asked = self.asked_ids(labels)
        invalid: set[str] = set()
        for field in self.fields:
            if field.id not in labels:
                continue
            value_errors = _value_errors(field, labels[field.id])
            if value_errors:
                invalid.add(field.id)
                errors.extend(value_errors)
            elif field.id not in asked and field.when is not None and field.when.field not in invalid:
                invalid.add(field.id)
                errors.append(f"field '{field.id}' has a value but is only asked when {field.when}")
        return errors

    def missing_required(self, labels: Mapping[str, object]) -> list[str]:
        """Ids of the applicable required fields that have no value."""
        asked = self.asked_ids(labels)
        return [field.id for field in self.fields if field.required and field.id in asked and is_unset(labels.get(field.id))]

    def prune(self, labels: Mapping[str, object]) -> dict:
        """`labels` without the values of fields that are not asked (conditions chain, in field order)."""
        asked = self.asked_ids(labels)
        return {key: value for key, value in labels.items() if key in asked or key not in self._by_id}

    def at_version(self, version: object) -> Schema | None:
        """This schema or the earlier version of it numbered `version`; None if its history has none."""
        schema: Schema | None = self
        while schema is not None and schema.version != version:
            schema = schema.previous
        return schema

    @property
    def versions(self) -> list[int]:
        """The versions this schema reads labels of, oldest first (its own last)."""
        found: list[int] = []
        schema: Schema | None = self
        while schema is not None:
            found.append(schema.version)
            schema = schema.previous
        return found[::-1]


def chain(schema: Schema, previous: Schema) -> Schema:
    """`schema`, reading the labels of `previous` through its migration. Only the loader calls it,
    once, before anyone else has the schema (the dataclass is frozen to everyone else)."""
    object.__setattr__(schema, "previous", previous)
    return schema


def is_unset(value: object) -> bool:
    """Whether a label value stands for no value: absent (None), an empty string or an empty list."""
    return value is None or value == "" or value == []


def _value_errors(field: Field, value: object) -> list[str]:
    """What is wrong with one field's value (value ids, shape, emptiness)."""
    where = f"field '{field.id}'"
    if field.kind == "text":
        if not isinstance(value, str):
            return [f"{where} is free text: give a string, not {type(value).__name__}"]
        return [f"{where} is an empty string: leave an unset field out"] if value == "" else []
    if field.kind == "single":
        if isinstance(value, str) and value in field.positions:
            return []
        if isinstance(value, list):
            return [f"{where} takes one value, not a list"]
        chosen = [value]
    else:
        if not isinstance(value, list):
            return [f"{where} takes a list of values, not {type(value).__name__}"]
        if not value:
            return [f"{where} is an empty list: leave an unset field out"]
        chosen = value
    errors = []
    for item in chosen:
        if item == "":
            errors.append(f"{where} has an empty value: leave an unset field out")
        elif not isinstance(item, str) or item not in field.positions:
            errors.append(f"{where} has no value {item!r} (values: {', '.join(field.value_ids)})")
    strings = [item for item in chosen if isinstance(item, str)]
    if len(set(strings)) < len(strings):
        duplicates = sorted({item for item in strings if strings.count(item) > 1})
        errors.extend(f"{where} lists {item!r} more than once" for item in duplicates)
    return errors


def _rule_problems(fields: list[Field]) -> list[tuple[str, str]]:
    """The consistency rules pydantic's types cannot express, as (JSON path, message)."""
    problems: list[tuple[str, str]] = []
    earlier: dict[str, Field] = {}
    for index, field in enumerate(fields):
        at = f"fields[{index}]"
        if field.id in earlier:
            problems.append((f"{at}.id", f"duplicate field id '{field.id}'"))
        problems.extend(_field_problems(at, field))
        if field.when is not None:
            problems.extend(_condition_problems(f"{at}.when", field.when, earlier))
        earlier.setdefault(field.id, field)
    return problems


def _field_problems(at: str, field: Field) -> list[tuple[str, str]]:
    problems = []
    if field.kind == "text" and field.values:
        problems.append((f"{at}.values", "a text field has no values"))
    if field.kind != "text" and not field.values:
        problems.append((f"{at}.values", f"a {field.kind} field needs at least one value"))
    if len(field.values) > MAX_VALUES:
        problems.append((f"{at}.values", f"at most {MAX_VALUES} values (keys 1-9 and 0), found {len(field.values)}"))
    if field.ordinal and field.kind != "single":
        problems.append((f"{at}.ordinal", "only a single field can be ordinal"))
    seen: set[str] = set()
    for index, value in enumerate(field.values):
        if value.id in seen:
            problems.append((f"{at}.values[{index}].id", f"duplicate value id '{value.id}'"))
        seen.add(value.id)
    return problems


def _condition_problems(at: str, condition: Condition, earlier: Mapping[str, Field]) -> list[tuple[str, str]]:
    parent = earlier.get(condition.field)
    if parent is None:
        return [(f"{at}.field", f"'{condition.field}' is not an earlier field")]
    if parent.kind == "text":
        return [(f"{at}.field", f"'{condition.field}' is a text field: a condition needs a choice field")]
    if condition.at_least is not None:
        if not parent.ordinal:
            return [(f"{at}.at_least", f"'{condition.field}' is not ordinal: use 'in'")]
        if condition.at_least not in parent.value_ids:
            return [(f"{at}.at_least", f"'{condition.field}' has no value '{condition.at_least}'")]
        return []
    return [
        (f"{at}.in[{index}]", f"'{condition.field}' has no value '{value_id}'")
        for index, value_id in enumerate(condition.in_values)
        if value_id not in parent.value_ids
    ]


# A cache that cannot be read or written (no permission, a name too long, ...) is only slower.
