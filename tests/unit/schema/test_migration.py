"""Schema versions: a migration in the file of version N, checked when it loads, and labels of the
versions before it read as version N."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.schema.load import SchemaError, load_schema
from annotator.schema.migration import LabelReader, Reading, Was, changes
from annotator.schema.model import Schema
from tests.migrations import V1_NAME, V2_NAME, v1_data, v2_data, write_schemas

CLAIM = {"checkworthiness": "check", "source_type": "expert", "claim_type": ["event"], "verifiability": "public", "hedging": "asserted"}


@pytest.fixture
def v2(tmp_path: Path) -> Schema:
    return load_schema(write_schemas(tmp_path))


def read(schema: Schema, labels: dict, version: int = 1) -> Reading:
    found = LabelReader(schema).read(version, labels)
    assert found is not None
    return found


def edited(data: dict, edit: Callable[[dict], None]) -> dict:
    data = copy.deepcopy(data)
    edit(data)
    return data


def field_of(data: dict, field_id: str) -> dict:
    return next(field for field in data["fields"] if field["id"] == field_id)


# Loading


def test_a_schema_with_a_migration_loads_the_versions_before_it(v2: Schema) -> None:
    assert v2.version == 2 and v2.versions == [1, 2]
    assert v2.previous is not None and v2.previous.version == 1 and v2.previous.previous is None
    assert v2.at_version(1) is v2.previous and v2.at_version(2) is v2 and v2.at_version(3) is None
    assert [change.text for change in changes(v2)] == [
        "source_type: official_anonymous renamed anonymous_official",
        "hedging: possible, uncommitted merged into uncertain",
        "verifiability: restricted split into restricted_official / restricted_private (each label needs a decision)",
        "stance: added (earlier labels leave it unanswered)",
    ]


def test_a_schema_without_a_migration_has_no_history(tmp_path: Path) -> None:
    v1 = load_schema(write_schemas(tmp_path).with_name(V1_NAME))
    assert v1.previous is None and v1.versions == [1] and changes(v1) == []


def test_a_file_validated_before_loads_with_its_history_again(tmp_path: Path, v2: Schema) -> None:
    again = load_schema(tmp_path / V2_NAME)  # both files' markers hit: built without pydantic
    assert again == v2 and again.previous == v2.previous and again.migration == v2.migration


def test_an_edited_earlier_version_is_checked_again_against_the_migration(tmp_path: Path, v2: Schema) -> None:
    """v2's marker vouches for its own bytes only: the rules between two versions run on every load."""
    (tmp_path / V1_NAME).write_text(json.dumps(edited(v1_data(), lambda d: field_of(d, "hedging")["values"].pop())), encoding="utf-8")
    with pytest.raises(SchemaError) as error:
        load_schema(tmp_path / V2_NAME)
    assert (
        f"{tmp_path / V2_NAME}: migration.values[1].from[1]: version 1's field 'hedging' has no value 'uncommitted' (values: asserted, probable, possible)"
        in error.value.lines
    )


def _migration(edit: Callable[[dict], None]) -> Callable[[dict], None]:
    return lambda data: edit(data["migration"])


BAD = {
    "unknown field": (
        _migration(lambda m: m["values"][0].update(field="sources")),
        "migration.values[0].field: 'sources' is no field of version 1",
    ),
    "unknown old value": (
        _migration(lambda m: m["values"][0].update({"from": "official_anon"})),
        "migration.values[0].from: version 1's field 'source_type' has no value 'official_anon' (values: state_media,",
    ),
    "unknown new value": (
        _migration(lambda m: m["values"][2].update(to=["restricted_official", "restricted_privat"])),
        "migration.values[2].to[1]: version 2's field 'verifiability' has no value 'restricted_privat'",
    ),
    "a value mapped twice": (
        _migration(lambda m: m["values"].append({"field": "hedging", "from": "possible", "to": "probable"})),
        "migration.values[3].from: 'possible' of 'hedging' is mapped already (migration.values[1])",
    ),
    "several to several": (
        _migration(lambda m: m["values"][1].update(to=["uncertain", "probable"])),
        "migration.values[1]: map several values to one, or one to several, not several to several",
    ),
    "a text field": (
        _migration(lambda m: m["values"].append({"field": "note", "from": "a", "to": "b"})),
        "migration.values[3].field: 'note' is a text field: it has no values to map",
    ),
    "an old value left unmapped": (
        _migration(lambda m: m["values"].pop(0)),
        "migration.values: version 1's value 'official_anonymous' of 'source_type' is not in version 2: say what it becomes",
    ),
    "a new field not added": (
        _migration(lambda m: m["fields"].clear()),
        'migration.fields: field \'stance\' is new in version 2: add it ({"add": "stance"}',
    ),
    "an old field not removed": (
        lambda d: d["fields"].remove(field_of(d, "flags")),
        'migration.fields: version 1\'s field \'flags\' is not in version 2: remove it ({"remove": "flags"})',
    ),
    "removing a field that is still there": (
        _migration(lambda m: m["fields"].append({"remove": "flags"})),
        "migration.fields[1].remove: 'flags' is still a field of version 2",
    ),
    "adding a field twice": (
        _migration(lambda m: m["fields"].append({"add": "stance"})),
        "migration.fields[1].add: 'stance' is listed already (migration.fields[0])",
    ),
    "adding an old field": (
        _migration(lambda m: m["fields"].append({"add": "note"})),
        "migration.fields[1].add: 'note' is a field of version 1 already",
    ),
    "a default the field cannot have": (
        _migration(lambda m: m["fields"][0].update(default="maybe")),
        "migration.fields[0].default: field 'stance' has no value 'maybe' (values: endorses, disputes, neutral)",
    ),
    "add and remove at once": (
        _migration(lambda m: m["fields"][0].update(remove="flags")),
        "migration.fields[0]: give exactly one of 'add' and 'remove'",
    ),
    "a misspelt key": (
        _migration(lambda m: m["values"][0].update(form=m["values"][0].pop("from"))),
        "migration.values[0].form: unknown key (did you mean 'from'? allowed: field, from, to)",
    ),
    "a field that changes kind": (
        lambda d: field_of(d, "flags").update(kind="single"),
        "fields[7].kind: 'flags' is a multi field in version 1: a field keeps its kind",
    ),
    "a file in another folder": (
        _migration(lambda m: m.update({"from": "../factcheck.v1.json"})),
        "migration.from: '../factcheck.v1.json' is not a file name: name a file in this schema's folder",
    ),
    "skipping a version": (
        lambda d: d.update(version=3),
        "migration.from: 'factcheck.v1.json' is version 1: version 3 migrates from version 2 (versions chain one by one)",
    ),
    "another schema": (
        lambda d: d.update(name="claims"),
        "migration.from: 'factcheck.v1.json' is the schema 'factcheck', not 'claims'",
    ),
    "version 1 with a migration": (
        lambda d: d.update(version=1),
        "migration: version 1 has no earlier version to migrate from",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_migration_is_refused_with_the_file_and_the_path_to_the_key(tmp_path: Path, case: str) -> None:
    edit, expected = BAD[case]
    path = write_schemas(tmp_path, edited(v2_data(), edit))
    with pytest.raises(SchemaError) as error:
        load_schema(path)
    assert any(line.startswith(f"{path}: {expected}") for line in error.value.lines), error.value.lines


def test_an_earlier_version_that_cannot_be_used_is_named_with_its_own_problems(tmp_path: Path) -> None:
    path = write_schemas(tmp_path)
    (tmp_path / V1_NAME).unlink()
    with pytest.raises(SchemaError) as error:
        load_schema(path)
    assert error.value.lines == [
        f"{path}: migration.from: the earlier version '{V1_NAME}' cannot be used:",
        f"{tmp_path / V1_NAME}: no such schema file",
    ]


def test_versions_chain_one_by_one_to_the_current_version(tmp_path: Path) -> None:
    v3 = edited(v2_data(), lambda d: d.update(version=3, migration={"from": V2_NAME, "fields": [{"remove": "stance"}]}))
    v3["fields"] = [field for field in v3["fields"] if field["id"] != "stance"]
    write_schemas(tmp_path)
    (tmp_path / "factcheck.v3.json").write_text(json.dumps(v3), encoding="utf-8")
    schema = load_schema(tmp_path / "factcheck.v3.json")
    assert schema.versions == [1, 2, 3]
    assert [f"v{change.version} {change.text}" for change in changes(schema)][-1] == "v3 stance: removed"
    reading = read(schema, {**CLAIM, "source_type": "official_anonymous"})
    assert reading.labels == {**CLAIM, "source_type": "anonymous_official"} and reading.unanswered == frozenset()
    assert read(schema, {**CLAIM, "stance": "neutral"}, version=2).labels == CLAIM


# Reading labels


def test_renamed_and_merged_values_read_as_the_new_ones(v2: Schema) -> None:
    reading = read(v2, {**CLAIM, "source_type": "official_anonymous", "hedging": "uncommitted"})
    assert reading.labels == {**CLAIM, "source_type": "anonymous_official", "hedging": "uncertain"}
    assert reading.look == () and reading.version == 1
    assert {change.text.split(":")[0] for change in reading.touched} == {"source_type", "hedging", "stance"}


def test_a_split_value_leaves_the_field_to_decide_and_keeps_the_value_as_written(v2: Schema) -> None:
    reading = read(v2, {**CLAIM, "verifiability": "restricted"})
    assert "verifiability" not in reading.labels
    assert reading.look == ("verifiability",) and "verifiability" in reading.unanswered
    assert reading.was == {"verifiability": Was(1, "restricted", "Restricted")}
    assert str(reading.was["verifiability"]) == "Restricted (v1)"


def test_an_added_field_is_unanswered_without_a_default_and_needs_no_look(v2: Schema) -> None:
    reading = read(v2, CLAIM)
    assert reading.labels == CLAIM and reading.unanswered == {"stance"} and reading.look == ()


def test_an_added_field_gets_its_default_where_it_is_asked(tmp_path: Path) -> None:
    def stance_with_default(data: dict) -> None:
        data["migration"]["fields"] = [{"add": "stance", "default": "neutral"}]
        field_of(data, "stance")["when"] = {"field": "checkworthiness", "at_least": "minor"}

    schema = load_schema(write_schemas(tmp_path, edited(v2_data(), stance_with_default)))
    assert read(schema, CLAIM).labels == {**CLAIM, "stance": "neutral"}
    assert read(schema, {"checkworthiness": "no_claim"}).labels == {"checkworthiness": "no_claim"}  # not asked there


def test_a_multiple_choice_maps_every_value_and_a_split_leaves_the_whole_field_to_decide(tmp_path: Path) -> None:
    def merge_flags(data: dict) -> None:
        values = field_of(data, "flags")["values"]
        values[:] = [value for value in values if value["id"] not in ("translation", "headline")]
        values.append({"id": "form", "label": "Form", "description": "Translation or headline"})
        data["migration"]["values"].append({"field": "flags", "from": ["translation", "headline"], "to": "form"})

    schema = load_schema(write_schemas(tmp_path, edited(v2_data(), merge_flags)))
    merged = read(schema, {"checkworthiness": "no_claim", "flags": ["translation", "headline", "multiple_claims"]})
    assert merged.labels["flags"] == ["multiple_claims", "form"]  # in the schema's order, once
    split = read(schema, {"checkworthiness": "no_claim", "flags": ["multiple_claims"]})
    assert split.labels["flags"] == ["multiple_claims"]


def test_a_removed_field_drops_its_value(tmp_path: Path) -> None:
    def remove_flags(data: dict) -> None:
        data["fields"].remove(field_of(data, "flags"))
        data["migration"]["fields"].append({"remove": "flags"})

    schema = load_schema(write_schemas(tmp_path, edited(v2_data(), remove_flags)))
    reading = read(schema, {"checkworthiness": "no_claim", "flags": ["headline"]})
    assert reading.labels == {"checkworthiness": "no_claim"}
    assert "flags: removed" in {change.text for change in reading.touched}


def test_a_changed_condition_drops_values_it_no_longer_asks_and_leaves_newly_asked_fields_unanswered(tmp_path: Path) -> None:
    def ask_flags_of_claims_only(data: dict) -> None:
        field_of(data, "flags")["when"] = {"field": "checkworthiness", "at_least": "check"}
        field_of(data, "note")["when"] = {"field": "checkworthiness", "in": ["no_claim"]}
        field_of(data, "note")["required"] = True

    schema = load_schema(write_schemas(tmp_path, edited(v2_data(), ask_flags_of_claims_only)))
    assert "flags: asked when checkworthiness is at least 'check' (was: always)" in {change.text for change in changes(schema)}
    reading = read(
        schema, {"checkworthiness": "minor", **{k: v for k, v in CLAIM.items() if k != "checkworthiness"}, "flags": ["headline"]}
    )
    assert "flags" not in reading.labels  # no longer asked of a minor claim
    no_claim = read(schema, {"checkworthiness": "no_claim"})
    assert no_claim.unanswered == {"stance", "note"} and no_claim.look == ("note",)  # now asked, and required


def test_fields_asked_only_through_a_field_to_decide_are_held_until_it_is_decided(tmp_path: Path) -> None:
    def split_check(data: dict) -> None:
        values = field_of(data, "checkworthiness")["values"]
        values[2:3] = [{"id": "check", "label": "Check"}, {"id": "check_later", "label": "Check later"}]
        data["migration"]["values"].append({"field": "checkworthiness", "from": "check", "to": ["check", "check_later"]})

    schema = load_schema(write_schemas(tmp_path, edited(v2_data(), split_check)))
    reading = read(schema, CLAIM)
    assert reading.labels == {} and reading.look == ("checkworthiness",)
    assert reading.held == {k: v for k, v in CLAIM.items() if k != "checkworthiness"}


def test_labels_that_do_not_fit_their_version_or_of_no_known_version_are_not_read(v2: Schema) -> None:
    reader = LabelReader(v2)
    assert reader.read(1, {"checkworthiness": "check_later"}) is None
    assert reader.read(3, CLAIM) is None
    assert reader.read(2, CLAIM) is None  # the current version needs no reading
