"""Loading a schema file: pydantic validates it into the model, and every problem is reported as
`file: json.path: message`.

Pydantic is imported only to validate. A file whose exact bytes passed validation before, under the
rules of this package as they are now, is remembered in the cache folder (`schemas-validated/`) and
built straight from its JSON on later launches, which spares every launch pydantic's import and
validator build.

A schema with a `migration` loads the versions before it too, from the files each names, and the
rules that need two versions at hand (`annotator.schema.migration`) run on every load: they are
quick, and a marker vouches for one file's bytes, not for the files it names.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import paths
from annotator.errors import Problem, ProblemsError
from annotator.files import read_bytes
from annotator.schema import model
from annotator.schema.model import Condition, Field, Schema, Value, chain, json_key

if TYPE_CHECKING:
    import pydantic

    from annotator.schema.migration import Migration

MIGRATION_FILE = Path(model.__file__).with_name("migration.py")  # its rules are part of the digest; imported only when needed


DEFAULT_SCHEMA_NAME = "factcheck.v1.json"
"""The default schema, shipped inside this package; `annotator init` copies it into a new project."""


class SchemaError(ProblemsError):
    """A schema file that cannot be used; each problem names the file and the path to the bad key."""


@dataclasses.dataclass(frozen=True)
class SchemaFile:
    """A schema and the bytes of the file it was read from (what an export copies and hashes)."""

    path: Path
    data: bytes
    schema: Schema


def default_schema_bytes() -> bytes:
    """The default schema file as the package ships it (read as package data, so it works from a
    wheel installed anywhere)."""
    return resources.files(__package__).joinpath(DEFAULT_SCHEMA_NAME).read_bytes()


def load_schema(path: str | Path) -> Schema:
    """Read and validate a schema file, and the files of the versions before it that its migrations
    name; SchemaError lists every problem found, each with the file it is in."""
    return read_schema_file(path).schema


def read_schema_file(path: str | Path) -> SchemaFile:
    """`load_schema`, with the bytes of the file it read (the current version's)."""
    path = Path(path)
    raw, current = _load_file(path)
    schema, at = current, path
    if schema.migration is None:
        return SchemaFile(path, raw, current)
    from annotator.schema.migration import migration_problems  # launch time: imported only when a schema has a migration

    while schema.migration is not None:  # down the chain: each version is one less, so it ends
        previous_path, previous = _previous(at, schema.version, schema.migration.from_)
        problems = migration_problems(previous, schema)
        if problems:
            raise SchemaError([Problem(str(at), None, f"{where}: {message}") for where, message in problems])
        chain(schema, previous)
        at, schema = previous_path, previous
    return SchemaFile(path, raw, current)


def history_files(path: Path, schema: Schema) -> dict[str, bytes]:
    """file name -> bytes of the files of the versions before `schema` (loaded from `path`), newest first."""
    found: dict[str, bytes] = {}
    while schema.migration is not None and schema.previous is not None:
        found[schema.migration.from_] = read_bytes(path.parent / schema.migration.from_)
        schema = schema.previous
    return found


def _previous(path: Path, version: int, file_name: str) -> tuple[Path, Schema]:
    """The earlier version that the migration of the schema in `path` reads: its file and schema."""
    if version == 1:
        raise SchemaError([Problem(str(path), None, "migration: version 1 has no earlier version to migrate from")])
    previous_path = path.parent / file_name
    try:
        return previous_path, _load_file(previous_path)[1]
    except SchemaError as error:
        said = Problem(str(path), None, f"migration.from: the earlier version '{file_name}' cannot be used:")
        raise SchemaError([said, *error.problems]) from None


def _load_file(path: Path) -> tuple[bytes, Schema]:
    """One schema file's bytes, read and validated (its migration is not followed)."""
    name = str(path)
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        raise SchemaError([Problem(name, None, "no such schema file")]) from None
    except OSError as error:
        raise SchemaError([Problem(name, None, f"cannot read: {error.strerror}")]) from None
    marker = _validated_marker(raw)
    if _exists(marker):
        return raw, _build(json.loads(raw))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SchemaError([Problem(name, None, f"not UTF-8 text (byte {error.start})")]) from None
    schema = parse_schema(text, name)
    _remember(marker)
    return raw, schema


def parse_schema(text: str, name: str = "schema") -> Schema:
    """Validate the JSON text of a schema; SchemaError lists every problem, each under `name`."""
    import pydantic

    from annotator.schema.migration import Migration  # noqa: F401  pydantic resolves `Schema.migration` from here

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


@cache
def _rules_digest() -> bytes | None:
    """sha256 of the model's, the migrations' and this module's files, the rules a marker vouches
    for; None if they cannot be read."""
    digest = hashlib.sha256()
    try:
        for module in (model.__file__, MIGRATION_FILE, __file__):
            digest.update(read_bytes(module))
    except OSError:
        return None
    return digest.digest()


def _validated_marker(raw: bytes) -> Path | None:
    """The cache file that says these exact bytes passed validation by this module, as it is now:
    a change to the module's rules makes every earlier marker miss."""
    rules = _rules_digest()
    if rules is None:
        return None
    return paths.cache_dir() / "schemas-validated" / hashlib.sha256(rules + raw).hexdigest()


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
    moved = data.get("migration")
    return Schema(**{**data, "fields": [_build_field(field) for field in data["fields"]], "migration": moved and _build_migration(moved)})


def _build_migration(data: dict) -> Migration:
    from annotator.schema.migration import FieldChange, Migration, ValueMap

    return Migration(
        from_=data["from"],
        values=[ValueMap(field=entry["field"], from_=entry["from"], to=entry["to"]) for entry in data.get("values", [])],
        fields=[FieldChange(**change) for change in data.get("fields", [])],
    )


def _build_field(data: dict) -> Field:
    values = [Value(**value) for value in data.get("values", [])]
    when = data.get("when")
    condition = None if when is None else Condition(field=when["field"], in_=when.get("in"), at_least=when.get("at_least"))
    return Field(**{**data, "values": values, "when": condition})


_MODEL_UNDER = {"fields": Field, "values": Value, "when": Condition}


def _messages(error: pydantic.ValidationError) -> list[str]:
    """One `json.path: message` line per pydantic error."""
    messages: list[str] = []
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
    if item["type"] in ("id", "name", "one_line", "condition", "file_name", "value_map", "field_change"):
        return item["msg"]
    return f"{item['msg']} (got {item['input']!r})"


def _unknown_key_message(loc: tuple[int | str, ...]) -> str:
    keys = [part for part in loc if isinstance(part, str)]
    models: dict[str, type] = _MODEL_UNDER
    if keys[0] == "migration":
        from annotator.schema.migration import FieldChange, Migration, ValueMap

        models = {"migration": Migration, "values": ValueMap, "fields": FieldChange}
    model = models.get(keys[-2], Schema) if len(keys) > 1 else Schema
    allowed = [json_key(field.name) for field in dataclasses.fields(model)]
    close = difflib.get_close_matches(str(keys[-1]), allowed, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown key ({hint}allowed: {', '.join(allowed)})"
