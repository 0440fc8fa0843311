"""What a counted label says about a field: not asked, the rating "no value", or its value."""

from __future__ import annotations

import json
from typing import Any

from annotator.labels.counting import NO_VALUE, NOT_ASKED, UnusableReasons, field_ratings, rating, unusable_reason
from annotator.schema.load import parse_schema

SCHEMA = parse_schema(
    json.dumps(
        {
            "name": "tiny",
            "version": 1,
            "fields": [
                {"id": "worth", "label": "Worth", "kind": "single", "ordinal": True, "required": True,
                 "values": [{"id": "no", "label": "No"}, {"id": "yes", "label": "Yes"}]},
                {"id": "flags", "label": "Flags", "kind": "multi", "when": {"field": "worth", "at_least": "yes"},
                 "values": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
                {"id": "note", "label": "Note", "kind": "text"},
            ],
        }
    )
)  # fmt: skip
FLAGS, NOTE = SCHEMA.field("flags"), SCHEMA.field("note")


def test_a_field_not_asked_says_nothing_and_an_asked_empty_field_is_the_rating_no_value() -> None:
    assert rating(FLAGS, None, asked=False) is NOT_ASKED
    assert rating(FLAGS, None, asked=True) is NO_VALUE
    assert rating(FLAGS, [], asked=True) is NO_VALUE
    assert rating(NOTE, "", asked=True) is NO_VALUE
    assert rating(FLAGS, ["b", "a", "b"], asked=True) == ("a", "b")  # a set, in schema order
    assert rating(NOTE, "see wire", asked=True) == "see wire"


def test_field_ratings_are_those_of_the_coders_asked() -> None:
    labels = {
        "ann": {"worth": "yes", "flags": ["a"]},
        "bob": {"worth": "yes"},  # asked, left empty
        "cy": {"worth": "no"},  # not asked
    }
    assert field_ratings(SCHEMA, FLAGS, labels) == {"ann": ("a",), "bob": NO_VALUE}
    assert field_ratings(SCHEMA, NOTE, labels) == {"ann": NO_VALUE, "bob": NO_VALUE, "cy": NO_VALUE}


def test_unusable_reasons_are_worked_out_once_per_case_and_agree_with_the_rule_for_every_record() -> None:
    def record(labels: dict, *, status: str = "done", version: int = 1, **more: str) -> Any:
        return {"schema": "tiny", "schema_version": version, "labels": labels, "status": status, **more}

    records = [
        record({"note": "x"}),  # a vote without the required worth
        record({"note": "x"}, kind="adjudication"),  # the same labels decide: no required field is missing
        record({"note": "x"}, status="draft"),
        record({"note": "x"}, version=2),  # a version the schema does not read
        record({"worth": "yes", "flags": ["a"]}),
        record({"flags": ["a"], "worth": "yes"}),  # the same labels, in another order
        record({"worth": "no", "flags": ["a"]}),  # flags not asked
        record({"worth": "no", "flags": ["a"]}),
    ]
    reasons = UnusableReasons(SCHEMA)
    found = [reasons.of(each) for each in records]
    assert found == [unusable_reason(SCHEMA, each) for each in records]
    assert found[0] is not None and "required field 'worth'" in found[0]
    assert found[1] is None and found[2] is None and found[4] is None and found[5] is None
    assert found[3] is not None and "v2" in found[3]
    assert found[6] is not None and "only asked when" in found[6]
