"""Schema files: the default schema, broken files, and labels checked against a schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from annotator.schema import load as schema_module
from annotator.schema.load import (
    SchemaError,
    default_schema_bytes,
    load_schema,
    parse_schema,
)
from annotator.schema.model import Schema, is_unset
from tests.conftest import SCHEMA

DEFAULT_DATA = json.loads(SCHEMA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema(SCHEMA)


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def schema_error(path: Path) -> str:
    with pytest.raises(SchemaError) as caught:
        load_schema(path)
    return str(caught.value)


# --- the default schema ---------------------------------------------------------------------


def test_the_default_schema_is_read_from_the_package() -> None:
    assert default_schema_bytes() == SCHEMA.read_bytes()


def test_default_schema_fields_in_design_order(schema: Schema) -> None:
    shape = [(f.id, f.kind, f.ordinal, f.required, str(f.when) if f.when else None) for f in schema.fields]
    minor = "checkworthiness is at least 'minor'"
    assert shape == [
        ("checkworthiness", "single", True, True, None),
        ("source_type", "single", False, True, minor),
        ("source", "text", False, False, minor),
        ("claim_type", "multi", False, True, minor),
        ("verifiability", "single", False, True, minor),
        ("hedging", "single", True, True, minor),
        ("flags", "multi", False, False, None),
        ("note", "text", False, False, None),
    ]
    assert (schema.name, schema.version) == ("factcheck", 1)


def test_default_schema_values(schema: Schema) -> None:
    assert schema.field("checkworthiness").value_ids == ["no_claim", "minor", "check", "urgent"]
    assert schema.field("hedging").value_ids == ["asserted", "probable", "possible", "uncommitted"]
    assert len(schema.field("source_type").values) == 10
    assert schema.field("verifiability").value_ids == [
        "public",
        "restricted",
        "attribution_only",
        "experiential",
        "unverifiable",
    ]


def test_default_schema_explains_every_choice_in_one_short_line(schema: Schema) -> None:
    for field in schema.fields:
        for item in [field, *field.values]:
            assert 0 < len(item.label) <= 24, item.id
            assert 0 < len(item.description) <= 110, item.id
    assert "ClaimBuster" in schema.description and "PARC" in schema.description


def test_ordinal_rank_and_value_lookup(schema: Schema) -> None:
    hedging = schema.field("hedging")
    assert hedging.ordinal_rank("asserted") == 0
    assert hedging.ordinal_rank("uncommitted") == 3
    assert hedging.value("possible").label == "Possible"
    with pytest.raises(KeyError):
        hedging.value("certain")
    with pytest.raises(ValueError):
        schema.field("verifiability").ordinal_rank("public")
    with pytest.raises(KeyError):
        schema.field("nope")


# --- broken schema files --------------------------------------------------------------------


def broken(edit) -> dict:
    data = copy.deepcopy(DEFAULT_DATA)
    edit(data)
    return data


BROKEN = {
    "typo in a field key": (
        lambda d: d["fields"][0].update(requried=True),
        "fields[0].requried: unknown key (did you mean 'required'?",
    ),
    "typo at top level": (lambda d: d.update(verison=1), "verison: unknown key"),
    "typo in a value key": (
        lambda d: d["fields"][1]["values"][2].update(lable="x"),
        "fields[1].values[2].lable: unknown key (did you mean 'label'?",
    ),
    "bad value id": (
        lambda d: d["fields"][1]["values"][0].update(id="State-Media"),
        "fields[1].values[0].id: 'State-Media' is not a valid id",
    ),
    "duplicate field id": (lambda d: d["fields"][2].update(id="source_type"), "fields[2].id: duplicate field id"),
    "duplicate value id": (
        lambda d: d["fields"][0]["values"][3].update(id="minor"),
        "fields[0].values[3].id: duplicate value id 'minor'",
    ),
    "choice field without values": (
        lambda d: d["fields"][4].update(values=[]),
        "fields[4].values: a single field needs at least one value",
    ),
    "text field with values": (
        lambda d: d["fields"][7].update(values=[{"id": "a", "label": "A"}]),
        "fields[7].values: a text field has no values",
    ),
    "ordinal multi field": (
        lambda d: d["fields"][3].update(ordinal=True),
        "fields[3].ordinal: only a single field can be ordinal",
    ),
    "too many values": (
        lambda d: d["fields"][1]["values"].append({"id": "eleventh", "label": "Eleventh"}),
        "fields[1].values: at most 10 values",
    ),
    "condition on a later field": (
        lambda d: d["fields"][1].update(when={"field": "hedging", "in": ["asserted"]}),
        "fields[1].when.field: 'hedging' is not an earlier field",
    ),
    "condition on an unknown field": (
        lambda d: d["fields"][1].update(when={"field": "worthiness", "in": ["minor"]}),
        "fields[1].when.field: 'worthiness' is not an earlier field",
    ),
    "at_least on a nominal field": (
        lambda d: d["fields"][5].update(when={"field": "verifiability", "at_least": "public"}),
        "fields[5].when.at_least: 'verifiability' is not ordinal",
    ),
    "at_least an unknown value": (
        lambda d: d["fields"][1]["when"].update(at_least="major"),
        "fields[1].when.at_least: 'checkworthiness' has no value 'major'",
    ),
    "in an unknown value": (
        lambda d: d["fields"][7].update(when={"field": "flags", "in": ["headline", "quote"]}),
        "fields[7].when.in[1]: 'flags' has no value 'quote'",
    ),
    "both in and at_least": (
        lambda d: d["fields"][1]["when"].update({"in": ["minor"]}),
        "fields[1].when: give exactly one of 'in' and 'at_least'",
    ),
    "version zero": (lambda d: d.update(version=0), "version: Input should be greater than or equal to 1"),
    "version as a string": (lambda d: d.update(version="1"), "version: Input should be a valid integer"),
    "empty name": (lambda d: d.update(name=""), "name: '' is not a valid name"),
    "unknown kind": (lambda d: d["fields"][2].update(kind="free"), "fields[2].kind: Input should be 'single', 'multi' or 'text'"),
    "missing label": (lambda d: d["fields"][6]["values"][0].pop("label"), "fields[6].values[0].label: missing"),
    "two-line description": (
        lambda d: d["fields"][0].update(description="one\ntwo"),
        "fields[0].description: must be a single line",
    ),
    "ordinal as a string": (lambda d: d["fields"][0].update(ordinal="yes"), "fields[0].ordinal: Input should be a valid boolean"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_schema_names_file_and_key(tmp_path: Path, case: str) -> None:
    edit, expected = BROKEN[case]
    path = write(tmp_path, broken(edit))
    assert f"{path}: {expected}" in schema_error(path)


def test_every_problem_is_reported_one_per_line(tmp_path: Path) -> None:
    def edit(data: dict) -> None:
        data["fields"][0]["requried"] = True
        data["fields"][5]["kind"] = "ordinal"
        data["version"] = 0

    message = schema_error(write(tmp_path, broken(edit)))
    assert len(message.splitlines()) == 3


def test_invalid_json_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "name": "x",\n  "version": 1,,\n}', encoding="utf-8")
    assert schema_error(path).startswith(f"{path}:3:16: invalid JSON")


def test_missing_file(tmp_path: Path) -> None:
    assert schema_error(tmp_path / "none.json") == f"{tmp_path / 'none.json'}: no such schema file"


def test_schema_must_be_an_object(tmp_path: Path) -> None:
    assert schema_error(write(tmp_path, [1, 2])) == f"{tmp_path / 'broken.json'}: a schema must be a JSON object"


# --- labels against the schema -------------------------------------------------------------

FULL = {
    "checkworthiness": "check",
    "source_type": "state_media",
    "source": "the North's state media",
    "claim_type": ["event", "prediction"],
    "verifiability": "attribution_only",
    "hedging": "asserted",
    "flags": ["quoted_wording"],
    "note": "check the KCNA wording",
}


def test_complete_labels_are_clean(schema: Schema) -> None:
    assert schema.label_errors(FULL) == []
    assert schema.missing_required(FULL) == []
    assert schema.label_errors({"checkworthiness": "no_claim"}) == []
    assert schema.missing_required({"checkworthiness": "no_claim"}) == []


LABEL_ERRORS = {
    "unknown field": ({"checkworthy": "check"}, "unknown field 'checkworthy' (fields: checkworthiness, source_type"),
    "unknown value": (
        {"checkworthiness": "high"},
        "field 'checkworthiness' has no value 'high' (values: no_claim, minor, check, urgent)",
    ),
    "unknown value in a multi": (
        {"checkworthiness": "check", "claim_type": ["event", "opinion"]},
        "field 'claim_type' has no value 'opinion'",
    ),
    "list for a single": ({"checkworthiness": ["check"]}, "field 'checkworthiness' takes one value, not a list"),
    "string for a multi": ({"flags": "headline"}, "field 'flags' takes a list of values, not str"),
    "duplicate in a multi": ({"flags": ["headline", "headline"]}, "field 'flags' lists 'headline' more than once"),
    "empty string": ({"note": ""}, "field 'note' is an empty string: leave an unset field out"),
    "empty list": ({"flags": []}, "field 'flags' is an empty list: leave an unset field out"),
    "empty choice": ({"checkworthiness": ""}, "field 'checkworthiness' has an empty value"),
    "number for text": ({"note": 3}, "field 'note' is free text: give a string, not int"),
    "null value": ({"checkworthiness": None}, "field 'checkworthiness' has no value None"),
    "field not asked": (
        {"checkworthiness": "no_claim", "source_type": "expert"},
        "field 'source_type' has a value but is only asked when checkworthiness is at least 'minor'",
    ),
    "field asked on nothing": (
        {"hedging": "asserted"},
        "field 'hedging' has a value but is only asked when checkworthiness is at least 'minor'",
    ),
}


@pytest.mark.parametrize("case", LABEL_ERRORS)
def test_label_errors_say_which(schema: Schema, case: str) -> None:
    labels, expected = LABEL_ERRORS[case]
    errors = schema.label_errors(labels)
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected)


def test_labels_must_be_an_object(schema: Schema) -> None:
    assert schema.label_errors(["check"]) == ["labels must be an object"]


def test_invalid_parent_value_is_reported_once(schema: Schema) -> None:
    errors = schema.label_errors({"checkworthiness": "high", "source_type": "expert"})
    assert errors == ["field 'checkworthiness' has no value 'high' (values: no_claim, minor, check, urgent)"]


@pytest.mark.parametrize(("value", "unset"), [(None, True), ("", True), ([], True), ("x", False), (["x"], False), (" ", False)])
def test_is_unset(value: object, unset: bool) -> None:
    assert is_unset(value) is unset


def test_missing_required_lists_applicable_fields_only(schema: Schema) -> None:
    assert schema.missing_required({}) == ["checkworthiness"]
    assert schema.missing_required({"checkworthiness": "minor", "claim_type": ["event"]}) == [
        "source_type",
        "verifiability",
        "hedging",
    ]
    assert schema.missing_required({"checkworthiness": "urgent", "claim_type": []}) == [
        "source_type",
        "claim_type",
        "verifiability",
        "hedging",
    ]


def test_applies_follows_the_ordinal_threshold(schema: Schema) -> None:
    assert not schema.applies("hedging", {"checkworthiness": "no_claim"})
    assert schema.applies(schema.field("hedging"), {"checkworthiness": "minor"})
    assert schema.applies("hedging", {"checkworthiness": "urgent"})
    assert not schema.applies("hedging", {})
    assert [f.id for f in schema.applicable_fields({"checkworthiness": "no_claim"})] == [
        "checkworthiness",
        "flags",
        "note",
    ]


def test_prune_drops_fields_no_longer_asked(schema: Schema) -> None:
    labels = dict(FULL, checkworthiness="no_claim")
    assert schema.prune(labels) == {"checkworthiness": "no_claim", "flags": ["quoted_wording"], "note": "check the KCNA wording"}
    assert schema.prune(FULL) == FULL


CHAIN = {
    "name": "chain",
    "version": 1,
    "fields": [
        {
            "id": "level",
            "label": "Level",
            "kind": "single",
            "ordinal": True,
            "values": [{"id": "low", "label": "Low"}, {"id": "high", "label": "High"}],
        },
        {
            "id": "kind",
            "label": "Kind",
            "kind": "multi",
            "when": {"field": "level", "at_least": "high"},
            "values": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
        },
        {"id": "detail", "label": "Detail", "kind": "text", "when": {"field": "kind", "in": ["b"]}},
    ],
}


def test_when_conditions_chain() -> None:
    schema = parse_schema(json.dumps(CHAIN))
    assert schema.applies("detail", {"level": "high", "kind": ["a", "b"]})
    assert not schema.applies("detail", {"level": "high", "kind": ["a"]})
    # kind=b would ask for detail, but kind itself is not asked at level=low.
    assert not schema.applies("detail", {"level": "low", "kind": ["b"]})
    assert schema.prune({"level": "low", "kind": ["b"], "detail": "x"}) == {"level": "low"}
    assert schema.label_errors({"level": "high", "kind": ["a"], "detail": "x"}) == [
        "field 'detail' has a value but is only asked when kind is one of b"
    ]


# --- files validated before -----------------------------------------------------------------


@pytest.mark.parametrize("data", [DEFAULT_DATA, CHAIN], ids=["default", "chain"])
def test_a_file_validated_before_loads_to_the_same_schema(tmp_path: Path, data: dict) -> None:
    path = write(tmp_path, data)
    load_schema(path)
    assert load_schema(path) == parse_schema(path.read_text(encoding="utf-8"))


def test_a_file_validated_before_is_not_validated_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, DEFAULT_DATA)
    validated = load_schema(path)
    monkeypatch.setattr(schema_module, "parse_schema", lambda *args: pytest.fail("validated twice"))
    assert load_schema(path) == validated


def test_an_edited_file_is_validated_again(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULT_DATA)
    load_schema(path)
    path.write_text(json.dumps(broken(lambda d: d.update(version=0))), encoding="utf-8")
    assert "version: Input should be greater than or equal to 1" in schema_error(path)


def test_what_older_rules_accepted_is_validated_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, schema: Schema) -> None:
    """A marker written under other rules (another schema.py) does not vouch for a file."""
    path = write(tmp_path, broken(lambda d: d.update(version=0)))
    with monkeypatch.context() as older:
        older.setattr(schema_module, "_rules_digest", lambda: b"the rules before a change")
        older.setattr(schema_module, "parse_schema", lambda text, name: schema)  # they let it pass
        load_schema(path)
    assert "version: Input should be greater than or equal to 1" in schema_error(path)


@pytest.mark.parametrize("folder", ["a file", "x" * 300], ids=["a file in the way", "a name too long"])
def test_a_cache_that_cannot_be_used_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str) -> None:
    (tmp_path / "a file").write_text("", encoding="utf-8")
    monkeypatch.setenv("ANNOTATOR_CACHE_DIR", str(tmp_path / folder))
    path = write(tmp_path, DEFAULT_DATA)
    expected = parse_schema(path.read_text(encoding="utf-8"))
    assert load_schema(path) == expected
    assert load_schema(path) == expected
