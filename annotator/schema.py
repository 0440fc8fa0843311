"""Annotation schemas: the fields a sentence is labelled on, loaded from a JSON file.

A schema has a name, an integer version and ordered fields. A field is a single choice (optionally
ordinal), a multiple choice or free text, and may carry a `when` condition on an earlier field; a
field whose condition does not hold is "not asked" and must have no value.

Labels are `dict[str, str | list[str]]`: single -> value id, multi -> list of value ids, text ->
non-empty string. An unset field is absent from the dict.

The schema is plain frozen dataclasses. Pydantic validates a schema file into them (strict JSON
validation of the dataclasses, with the checks in `Annotated` metadata), and is imported only then:
its import and validator build cost ~60 ms, a third of an empty Textual app's start. A file whose
exact bytes passed validation before, by this very module, is remembered in the cache folder and
built straight from its JSON on later launches.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from annotator.files import default_cache_dir, read_bytes
from annotator.problems import Problem, ProblemsError

if TYPE_CHECKING:
    import pydantic

DEFAULT_SCHEMA_PATH = Path("schemas/factcheck.v1.json")
MAX_VALUES = 10  # the UI picks values with the keys 1-9 and 0

_ID = re.compile(r"[a-z0-9_]+")
_NAME = re.compile(r"[A-Za-z0-9._-]+")


def _custom_error(kind: str, message: str, context: dict[str, Any] | None = None) -> Exception:
    from pydantic_core import PydanticCustomError

    return PydanticCustomError(kind, message, context)


def _check_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise _custom_error("id", "'{value}' is not a valid id: use a-z, 0-9 and _", {"value": value})
    return value


def _check_name(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise _custom_error("name", "'{value}' is not a valid name: use letters, digits, '.', '_' and '-'", {"value": value})
    return value


def _check_one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise _custom_error("one_line", "must be a single line")
    return value


class _Check:
    """`Annotated` metadata for pydantic: constraints of the type (`min_length=1`) and a function run
    on the value after them. It needs no pydantic import until pydantic builds a validator."""

    def __init__(self, check: Callable[[Any], Any] | None = None, **constraints: int) -> None:
        self.check = check
        self.constraints = constraints

    def __get_pydantic_core_schema__(self, source: Any, handler: Callable[[Any], dict]) -> dict:
        from pydantic_core import core_schema

        schema = {**handler(source), **self.constraints}
        return core_schema.no_info_after_validator_function(self.check, schema) if self.check else schema


Id = Annotated[str, _Check(_check_id)]
Label = Annotated[str, _Check(_check_one_line, min_length=1)]
OneLine = Annotated[str, _Check(_check_one_line)]


def _json_key(attribute: str) -> str:
    """The JSON key of a dataclass attribute: `in_` is "in" (a Python keyword)."""
    return attribute.rstrip("_")


_PYDANTIC_CONFIG = {"extra": "forbid", "alias_generator": _json_key}  # pydantic's ConfigDict, as a plain dict


@dataclass(frozen=True, kw_only=True)
class Value:
    __pydantic_config__ = _PYDANTIC_CONFIG

    id: Id
    label: Label
    description: OneLine = ""


@dataclass(frozen=True, kw_only=True)
class Condition:
    """`{"field": F, "in": [value ids]}` or `{"field": F, "at_least": value_id}` (F ordinal)."""

    __pydantic_config__ = _PYDANTIC_CONFIG

    field: Id
    in_: Annotated[list[Id], _Check(min_length=1)] | None = None
    at_least: Id | None = None

    def __post_init__(self) -> None:
        if (self.in_ is None) == (self.at_least is None):
            raise _custom_error("condition", "give exactly one of 'in' and 'at_least'")

    def holds(self, parent: Field, value: object) -> bool:
        """Whether the condition holds for `value`, the label of `parent` (the field it tests)."""
        if self.at_least is not None:
            positions = parent.positions
            return isinstance(value, str) and value in positions and positions[value] >= positions[self.at_least]
        chosen = value if isinstance(value, list) else [value]
        return any(v in self.in_ for v in chosen)

    def __str__(self) -> str:
        if self.at_least is not None:
            return f"{self.field} is at least '{self.at_least}'"
        return f"{self.field} is one of {', '.join(self.in_)}"


@dataclass(frozen=True, kw_only=True)
class Field:
    __pydantic_config__ = _PYDANTIC_CONFIG

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
    __pydantic_config__ = _PYDANTIC_CONFIG

    name: Annotated[str, _Check(_check_name)]
    version: Annotated[int, _Check(ge=1)]
    title: OneLine = ""
    description: str = ""
    fields: Annotated[list[Field], _Check(min_length=1)]

    def __post_init__(self) -> None:
        problems = _rule_problems(self.fields)
        if problems:
            summary = "; ".join(f"{at}: {msg}" for at, msg in problems)
            raise _custom_error("schema_rules", "{summary}", {"summary": summary, "problems": problems})

    @cached_property
    def _by_id(self) -> dict[str, Field]:
        return {field.id: field for field in self.fields}

    def field(self, field_id: str) -> Field:
        """The field with this id; KeyError if the schema has none."""
        try:
            return self._by_id[field_id]
        except KeyError:
            raise KeyError(f"schema '{self.name}' has no field '{field_id}'") from None

    def applies(self, field: Field | str, labels: Mapping[str, object]) -> bool:
        """Whether `field` is asked given `labels`: its condition, and its parents', hold."""
        return (field if isinstance(field, str) else field.id) in self._asked(labels)

    def applicable_fields(self, labels: Mapping[str, object]) -> list[Field]:
        asked = self._asked(labels)
        return [field for field in self.fields if field.id in asked]

    def _asked(self, labels: Mapping[str, object]) -> set[str]:
        """Ids of the fields asked given `labels`, in one pass: a condition tests an earlier field."""
        asked: set[str] = set()
        for field in self.fields:
            condition = field.when
            if condition is None or (
                condition.field in asked
                and condition.holds(self._by_id[condition.field], labels.get(condition.field))
            ):
                asked.add(field.id)
        return asked

    def label_errors(self, labels: object) -> list[str]:
        """Everything wrong with `labels`, one message each; a missing required value is not an error here."""
        if not isinstance(labels, Mapping):
            return ["labels must be an object"]
        errors = [f"unknown field '{key}' (fields: {', '.join(self._by_id)})" for key in labels if key not in self._by_id]
        asked = self._asked(labels)
        invalid: set[str] = set()
        for field in self.fields:
            if field.id not in labels:
                continue
            value_errors = _value_errors(field, labels[field.id])
            if value_errors:
                invalid.add(field.id)
                errors.extend(value_errors)
            elif field.id not in asked and field.when.field not in invalid:
                invalid.add(field.id)
                errors.append(f"field '{field.id}' has a value but is only asked when {field.when}")
        return errors

    def missing_required(self, labels: Mapping[str, object]) -> list[str]:
        """Ids of the applicable required fields that have no value."""
        asked = self._asked(labels)
        return [
            field.id
            for field in self.fields
            if field.required and field.id in asked and is_unset(labels.get(field.id))
        ]

    def prune(self, labels: Mapping[str, object]) -> dict:
        """`labels` without the values of fields that are not asked (conditions chain, in field order)."""
        asked = self._asked(labels)
        return {key: value for key, value in labels.items() if key in asked or key not in self._by_id}


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
        for index, value_id in enumerate(condition.in_)
        if value_id not in parent.value_ids
    ]


class SchemaError(ProblemsError):
    """A schema file that cannot be used; each problem names the file and the path to the bad key."""


def load_schema(path: str | Path) -> Schema:
    """Read and validate a schema file; SchemaError lists every problem found."""
    name = str(path)
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        raise SchemaError([Problem(name, None, "no such schema file")]) from None
    except OSError as error:
        raise SchemaError([Problem(name, None, f"cannot read: {error.strerror}")]) from None
    marker = _validated_marker(raw)
    if _exists(marker):
        return _build(json.loads(raw))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SchemaError([Problem(name, None, f"not UTF-8 text (byte {error.start})")]) from None
    schema = parse_schema(text, name)
    _remember(marker)
    return schema


def parse_schema(text: str, name: str = "schema") -> Schema:
    """Validate the JSON text of a schema; SchemaError lists every problem, each under `name`."""
    import pydantic

    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SchemaError([Problem(f"{name}:{error.lineno}:{error.colno}", None, f"invalid JSON: {error.msg}")]) from None
    if not isinstance(data, dict):
        raise SchemaError([Problem(name, None, "a schema must be a JSON object")])
    try:
        return pydantic.TypeAdapter(Schema).validate_json(text, strict=True)
    except pydantic.ValidationError as error:
        raise SchemaError([Problem(name, None, message) for message in _messages(error)]) from None


# A cache that cannot be read or written (no permission, a name too long, ...) is only slower.


@cache
def _rules_digest() -> bytes | None:
    """sha256 of this module's file, the rules a marker vouches for; None if it cannot be read."""
    try:
        return hashlib.sha256(read_bytes(__file__)).digest()
    except OSError:
        return None


def _validated_marker(raw: bytes) -> Path | None:
    """The cache file that says these exact bytes passed validation by this module, as it is now:
    a change to the module's rules makes every earlier marker miss."""
    rules = _rules_digest()
    if rules is None:
        return None
    return default_cache_dir() / "schemas-validated" / hashlib.sha256(rules + raw).hexdigest()


def _exists(marker: Path | None) -> bool:
    try:
        return marker is not None and marker.exists()
    except OSError:
        return False


def _remember(marker: Path | None) -> None:
    if marker is None:
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass


def _build(data: dict) -> Schema:
    """The schema of a JSON object that passed validation before."""
    return Schema(**{**data, "fields": [_build_field(field) for field in data["fields"]]})


def _build_field(data: dict) -> Field:
    values = [Value(**value) for value in data.get("values", [])]
    when = data.get("when")
    condition = None if when is None else Condition(field=when["field"], in_=when.get("in"), at_least=when.get("at_least"))
    return Field(**{**data, "values": values, "when": condition})


_MODEL_UNDER = {"fields": Field, "values": Value, "when": Condition}


def _messages(error: pydantic.ValidationError) -> list[str]:
    """One `json.path: message` line per pydantic error."""
    messages = []
    for item in error.errors():
        if item["type"] == "schema_rules":
            messages.extend(f"{at}: {msg}" for at, msg in item["ctx"]["problems"])
        else:
            messages.append(f"{_json_path(item['loc'])}: {_message(item)}")
    return messages


def _json_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".") or "(top level)"


def _message(item: Mapping[str, Any]) -> str:
    if item["type"] == "missing":
        return "missing"
    if item["type"] == "unexpected_keyword_argument":
        return _unknown_key_message(item["loc"])
    if item["type"] in ("id", "name", "one_line", "condition"):
        return item["msg"]
    return f"{item['msg']} (got {item['input']!r})"


def _unknown_key_message(loc: tuple[int | str, ...]) -> str:
    keys = [part for part in loc if isinstance(part, str)]
    model = _MODEL_UNDER.get(keys[-2], Schema) if len(keys) > 1 else Schema
    allowed = [_json_key(field.name) for field in dataclasses.fields(model)]
    close = difflib.get_close_matches(str(keys[-1]), allowed, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown key ({hint}allowed: {', '.join(allowed)})"
