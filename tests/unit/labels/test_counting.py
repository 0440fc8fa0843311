"""What a counted label says about a field: not asked, the rating "no value", or its value."""

from __future__ import annotations

import json

from annotator.labels.counting import NO_VALUE, NOT_ASKED, field_ratings, rating
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
