"""`Schema.asked_ids` remembers its answer per answer to the tested fields: values that compare
equal across types, or that it cannot remember, still get their own answer."""

import json

from annotator.schema.load import parse_schema

SCHEMA = parse_schema(
    json.dumps(
        {
            "name": "memo",
            "version": 1,
            "fields": [
                {"id": "level", "label": "Level", "kind": "single", "values": [{"id": "1", "label": "one"}, {"id": "2", "label": "two"}]},
                {"id": "why", "label": "Why", "kind": "text", "when": {"field": "level", "in": ["1"]}},
            ],
        }
    )
)


def test_the_same_answer_in_another_type_is_not_the_remembered_one() -> None:
    assert SCHEMA.asked_ids({"level": "1"}) == {"level", "why"}
    assert SCHEMA.asked_ids({"level": 1}) == {"level"}
    assert SCHEMA.asked_ids({"level": True}) == {"level"}
    assert SCHEMA.asked_ids({"level": ["1"]}) == {"level", "why"}
    assert SCHEMA.asked_ids({"level": [1]}) == {"level"}
    assert SCHEMA.asked_ids({"level": {"nested": "1"}}) == {"level"}
    assert SCHEMA.asked_ids({"level": "1"}) == {"level", "why"}


def test_a_caller_changing_the_answer_does_not_change_the_remembered_one() -> None:
    SCHEMA.asked_ids({"level": "2"}).add("why")
    assert SCHEMA.asked_ids({"level": "2"}) == {"level"}
