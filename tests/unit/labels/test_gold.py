"""The gold-label rule: every resolution path and the majority boundaries."""

from __future__ import annotations

import json

import pytest

from annotator.corpus.document import Unit
from annotator.labels.anchors import AnchoredLabel
from annotator.labels.gold import (
    ADJUDICATED,
    DAWID_SKENE,
    MAJORITY,
    NOT_APPLICABLE,
    SINGLE,
    UNANIMOUS,
    UNRESOLVED,
    GoldLabel,
    InvalidMinAgreement,
    check_min_agreement,
    disagreements,
    gold_units,
    resolve_unit,
)
from annotator.schema.load import parse_schema

SCHEMA_DATA = {
    "name": "tiny",
    "version": 1,
    "fields": [
        {
            "id": "worth",
            "label": "Worth",
            "kind": "single",
            "ordinal": True,
            "required": True,
            "values": [{"id": "no", "label": "No"}, {"id": "yes", "label": "Yes"}, {"id": "very", "label": "Very"}],
        },
        {
            "id": "kind",
            "label": "Kind",
            "kind": "multi",
            "required": True,
            "when": {"field": "worth", "at_least": "yes"},
            "values": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}],
        },
        {"id": "note", "label": "Note", "kind": "text"},
    ],
}
SCHEMA = parse_schema(json.dumps(SCHEMA_DATA))
KEY = ("doc", 0, 10)


def gold(annotations: dict, adjudications: dict | None = None, min_agreement: float = 0.5):
    return resolve_unit(SCHEMA, KEY, annotations, adjudications or {}, min_agreement)


def worth_votes(*values: str) -> dict:
    return {f"a{index}": {"worth": value} for index, value in enumerate(values)}


def test_one_annotator_is_single_not_unanimous() -> None:
    unit = gold({"ann": {"worth": "yes", "kind": ["a"]}})
    assert unit.fields["worth"] == GoldLabel("yes", SINGLE, 1, 1)
    assert unit.fields["kind"] == GoldLabel(["a"], SINGLE, 1, 1)
    assert unit.resolved


def test_two_or_more_equal_votes_are_unanimous() -> None:
    unit = gold(worth_votes("no", "no", "no"))
    assert unit.fields["worth"] == GoldLabel("no", UNANIMOUS, 3, 3)
    assert unit.disagreeing == ()


@pytest.mark.parametrize(
    ("values", "min_agreement", "expected"),
    [
        (("yes", "yes", "no"), 0.5, MAJORITY),  # 2 of 3
        (("yes", "no"), 0.5, UNRESOLVED),  # 1 of 2 is not a strict majority
        (("yes", "yes", "no", "no"), 0.5, UNRESOLVED),  # 2 of 4 neither
        (("yes", "yes", "yes", "no", "no"), 0.5, MAJORITY),  # 3 of 5
        (("yes", "yes", "no", "very"), 0.5, UNRESOLVED),  # 2 of 4 is a plurality, not a majority
        (("yes", "yes", "yes", "no", "no"), 0.6, MAJORITY),  # share exactly at the minimum
        (("yes", "yes", "no"), 0.7, UNRESOLVED),  # 2 of 3 is below 0.7
        (("yes", "yes", "yes", "no"), 0.75, MAJORITY),  # 3 of 4 exactly at 0.75
        (("yes", "yes", "yes", "no"), 0.76, UNRESOLVED),
        (("yes", "yes", "yes", "no"), 1.0, UNRESOLVED),  # 1.0 accepts only unanimity
        (("yes", "yes"), 1.0, UNANIMOUS),
    ],
)
def test_majority_boundaries(values: tuple[str, ...], min_agreement: float, expected: str) -> None:
    result = gold(worth_votes(*values), min_agreement=min_agreement).fields["worth"]
    assert result.resolution == expected
    assert result.value == ("yes" if expected != UNRESOLVED else None)
    assert result.votes == len(values)


@pytest.mark.parametrize("value", [0.49, 0.0, 1.01, -1.0])
def test_min_agreement_outside_half_to_one_is_refused(value: float) -> None:
    with pytest.raises(InvalidMinAgreement, match=r"between 0\.5 and 1"):
        check_min_agreement(value)
    with pytest.raises(InvalidMinAgreement):
        gold(worth_votes("yes"), min_agreement=value)


def test_adjudication_overrides_a_majority_and_counts_agreeing_annotators() -> None:
    unit = gold(worth_votes("yes", "yes", "no"), {"rev": {"worth": "no"}})
    assert unit.fields["worth"] == GoldLabel("no", ADJUDICATED, 3, 1, reviewers=("rev",))
    assert unit.resolved


def test_adjudication_decides_an_empty_optional_field() -> None:
    annotations = {"a": {"worth": "no", "note": "odd"}, "b": {"worth": "no", "note": "odd"}}
    unit = gold(annotations, {"rev": {"worth": "no"}})
    assert unit.fields["note"] == GoldLabel(None, ADJUDICATED, 2, 0, reviewers=("rev",))


def test_the_reviewers_who_decided_a_field_are_named_and_only_they() -> None:
    unit = gold(worth_votes("yes", "no"), {"r2": {"worth": "no"}, "r1": {"worth": "no"}})
    assert unit.fields["worth"] == GoldLabel("no", ADJUDICATED, 2, 1, reviewers=("r1", "r2"))
    assert unit.fields["note"] == GoldLabel(None, ADJUDICATED, 2, 2, reviewers=("r1", "r2"))  # both left it empty, as the annotators
    assert gold(worth_votes("yes", "no")).fields["worth"].reviewers == ()


def test_an_agreed_empty_multiple_choice_is_the_empty_list_and_stays_out_of_the_labels() -> None:
    unit = gold({"a": {"worth": "yes", "kind": []}, "b": {"worth": "yes"}})
    assert unit.fields["kind"] == GoldLabel([], UNANIMOUS, 2, 2)
    assert unit.labels == {"worth": "yes"}


def test_conflicting_adjudications_leave_the_field_unresolved() -> None:
    unit = gold(worth_votes("yes", "yes"), {"r1": {"worth": "yes"}, "r2": {"worth": "no"}})
    assert unit.fields["worth"].resolution == UNRESOLVED
    assert not unit.resolved


def test_a_field_the_adjudication_does_not_ask_falls_back_to_the_votes() -> None:
    annotations = {"a": {"worth": "yes", "kind": ["a"]}, "b": {"worth": "yes", "kind": ["a"]}}
    unit = gold(annotations, {"rev": {"worth": "no"}})
    assert unit.fields["worth"].resolution == ADJUDICATED
    # The annotators' unanimous kind does not survive: under the gold `worth` it is not asked.
    assert unit.fields["kind"] == GoldLabel(None, NOT_APPLICABLE, 2, 0)
    assert unit.labels == {"worth": "no"}


def test_annotators_not_asked_a_field_do_not_vote_on_it() -> None:
    annotations = {
        "a": {"worth": "yes", "kind": ["b"]},
        "b": {"worth": "very", "kind": ["b"]},
        "c": {"worth": "no"},
    }
    unit = gold(annotations)
    assert unit.fields["worth"].resolution == UNRESOLVED  # yes / very / no
    assert unit.fields["kind"] == GoldLabel(None, UNRESOLVED, 2, 0)  # asked or not is undecided

    annotations["b"]["worth"] = "yes"
    unit = gold(annotations)
    assert unit.fields["worth"] == GoldLabel("yes", MAJORITY, 3, 2)
    assert unit.fields["kind"] == GoldLabel(["b"], UNANIMOUS, 2, 2)


def test_a_field_nobody_was_asked_is_not_applicable() -> None:
    unit = gold(worth_votes("no", "no"))
    assert unit.fields["kind"] == GoldLabel(None, NOT_APPLICABLE, 0, 0)
    assert unit.resolved


def test_an_asked_field_without_votes_is_unresolved() -> None:
    unit = gold(worth_votes("no", "no"), {"rev": {"worth": "yes"}})
    assert unit.fields["kind"] == GoldLabel(None, UNRESOLVED, 0, 0)
    assert not unit.resolved


def test_multi_values_are_compared_as_whole_sets() -> None:
    same = gold({"a": {"worth": "yes", "kind": ["b", "a"]}, "b": {"worth": "yes", "kind": ["a", "b"]}})
    assert same.fields["kind"] == GoldLabel(["a", "b"], UNANIMOUS, 2, 2)
    overlap = gold({"a": {"worth": "yes", "kind": ["a"]}, "b": {"worth": "yes", "kind": ["a", "b"]}})
    assert overlap.fields["kind"].resolution == UNRESOLVED
    assert overlap.disagreeing == ("kind",)


def test_leaving_an_optional_field_empty_is_a_vote_for_no_value() -> None:
    unit = gold({"a": {"worth": "no", "note": "see wire"}, "b": {"worth": "no"}, "c": {"worth": "no"}})
    assert unit.fields["note"] == GoldLabel(None, MAJORITY, 3, 2)


def test_an_unresolved_optional_field_does_not_hold_the_unit_back() -> None:
    unit = gold({"a": {"worth": "no", "note": "x"}, "b": {"worth": "no", "note": "y"}})
    assert unit.fields["note"].resolution == UNRESOLVED
    assert unit.resolved


def test_annotations_are_kept_per_annotator_for_a_review_screen() -> None:
    annotations = {"zoe": {"worth": "no"}, "al": {"worth": "yes", "kind": ["c"]}}
    unit = gold(annotations, {"rev": {"worth": "yes", "kind": ["c"]}})
    assert list(unit.annotations) == ["al", "zoe"]
    assert unit.annotations["al"] == {"worth": "yes", "kind": ["c"]}
    assert unit.adjudications == {"rev": {"worth": "yes", "kind": ["c"]}}
    assert unit.disagreeing == ("worth",)


def test_disagreements_lists_most_disagreement_first() -> None:
    def unit(start: int, annotations: dict):
        return resolve_unit(SCHEMA, ("doc", start, start + 1), annotations, {}, 0.5)

    calm = unit(0, worth_votes("no", "no"))
    one_field = unit(1, worth_votes("no", "yes"))
    one_field_more_pairs = unit(2, worth_votes("no", "yes", "very"))
    two_fields = unit(3, {"a": {"worth": "no", "note": "x"}, "b": {"worth": "yes", "kind": ["a"]}})
    ordered = disagreements([calm, one_field, one_field_more_pairs, two_fields])
    assert [u.key[1] for u in ordered] == [3, 2, 1]
    assert one_field_more_pairs.disagreeing_pairs == 3


def placed(annotator: str, start: int, labels: dict, **record_keys) -> tuple[tuple, AnchoredLabel]:
    unit = Unit("doc", start, start + 1, "x", 0)
    record = {"annotator": annotator, "schema": "tiny", "schema_version": 1, "status": "done", "labels": labels}
    return (annotator, unit.key), AnchoredLabel({**record, **record_keys}, unit)


def test_gold_units_count_done_heads_and_adjudications_only() -> None:
    current = dict(
        [
            placed("a", 0, {"worth": "yes", "kind": ["a"]}),
            placed("b", 0, {"worth": "no"}),
            placed("rev", 0, {"worth": "no"}, kind="adjudication"),
            placed("c", 0, {"worth": "very", "kind": ["c"]}, status="skipped"),
            placed("a", 1, {}, status="flagged"),
            placed("rev", 2, {"worth": "no"}, kind="adjudication"),
        ]
    )
    gold = gold_units(SCHEMA, current)
    assert [unit.key for unit in gold.units] == [("doc", 0, 1), ("doc", 2, 3)]
    first, second = gold.units
    assert list(first.annotations) == ["a", "b"]
    assert first.fields["worth"] == GoldLabel("no", ADJUDICATED, 2, 1, reviewers=("rev",))
    assert second.annotations == {} and second.labels == {"worth": "no"}
    assert gold.unusable == []


def test_gold_units_set_aside_labels_that_do_not_fit_the_schema() -> None:
    current = dict(
        [
            placed("a", 0, {"worth": "yes", "kind": ["a"]}),
            placed("b", 0, {"worth": "yes"}),
            placed("c", 0, {"worth": "maybe"}),
            placed("d", 0, {"worth": "no"}, schema_version=2),
        ]
    )
    gold = gold_units(SCHEMA, current)
    assert list(gold.units[0].annotations) == ["a"]
    reasons = {record["annotator"]: reason for record, reason in gold.unusable}
    assert reasons == {
        "b": "status done but required field 'kind' has no value",
        "c": "labels: field 'worth' has no value 'maybe' (values: no, yes, very)",
        "d": "labelled with schema tiny v2, not tiny v1",
    }


def test_the_dawid_skene_method_decides_choice_fields_by_the_model_and_leaves_the_rest_to_the_rules() -> None:
    current = dict(
        [
            *(placed(name, 0, {"worth": "yes", "kind": ["a"], "note": "x"}) for name in ("a", "b")),
            placed("c", 0, {"worth": "no"}),
            *(placed(name, 1, {"worth": "no"}) for name in ("a", "b", "c")),
            placed("a", 2, {"worth": "no"}),
            placed("b", 2, {"worth": "yes", "kind": ["b"]}),
            placed("rev", 2, {"worth": "very", "kind": ["c"]}, kind="adjudication"),
        ]
    )
    first, second, third = gold_units(SCHEMA, current, method=DAWID_SKENE).units
    assert first.fields["worth"].resolution == DAWID_SKENE and first.fields["worth"].value == "yes"
    assert 0.5 < first.fields["worth"].confidence <= 1
    assert first.fields["kind"].resolution == DAWID_SKENE  # a and b were asked it, c was not
    assert first.fields["note"] == GoldLabel("x", MAJORITY, 3, 2)  # free text: the votes decide
    assert second.fields["worth"].value == "no" and second.fields["kind"].resolution == NOT_APPLICABLE
    assert third.fields["worth"] == GoldLabel("very", ADJUDICATED, 2, 0, reviewers=("rev",))  # a reviewer's decision still comes first
    assert first.fields["worth"].confidence is not None and third.fields["worth"].confidence is None
