"""How annotators used the UI's suggestions, per field: offered, accepted unchanged, agreement with
the suggestions, and the anchoring warning when most are accepted and adjudicated gold confirms few."""

from __future__ import annotations

import math

import pytest

from annotator.agreement.render import render_markdown, render_text
from annotator.agreement.report import build_report
from annotator.schema.load import load_schema
from annotator.schema.model import Schema
from tests.conftest import SCHEMA
from tests.unit.agreement.test_report import full_labels, record, view

UNITS = range(10)


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema(SCHEMA)


JUDGED = range(6)  # units where a reviewer decided check-worthiness
SUGGESTED = full_labels("check")


def records() -> list[dict]:
    """ann accepts every suggestion; bob picks check himself on half the units and minor on the rest;
    the reviewer decides minor on the first six."""
    found = [record("ann", unit, SUGGESTED, suggested=SUGGESTED, origin=dict.fromkeys(SUGGESTED, "suggested")) for unit in UNITS]
    for unit in UNITS:
        labels = full_labels("check" if unit % 2 else "minor")
        found.append(record("bob", unit, labels, suggested=SUGGESTED, origin=dict.fromkeys(labels, "typed")))
    found += [record("rev", unit, full_labels("minor"), kind="adjudication") for unit in JUDGED]
    return found


def test_each_annotator_offered_accepted_and_agreeing_with_the_suggestions(schema: Schema) -> None:
    worth = build_report(view(records()), schema, fields=["checkworthiness"], bootstrap=0).fields[0]
    ann, bob = worth.suggestions
    assert (ann.annotator, ann.offered, ann.accepted, ann.same, ann.acceptance, ann.agreement) == ("ann", 10, 10, 10, 1.0, 1.0)
    assert (ann.judged, ann.judged_right, ann.gold_accuracy, ann.anchoring) == (6, 0, 0.0, True)
    assert (bob.annotator, bob.offered, bob.accepted, bob.same, bob.acceptance, bob.agreement) == ("bob", 10, 0, 5, 0.0, 0.5)
    assert bob.judged == 0 and math.isnan(bob.gold_accuracy) and not bob.anchoring


def test_a_field_asked_only_after_the_suggestion_counts_where_it_was_asked(schema: Schema) -> None:
    report = build_report(view(records()), schema, fields=["source_type"], bootstrap=0)
    (source_type,) = report.fields
    assert [(use.annotator, use.offered, use.accepted) for use in source_type.suggestions] == [("ann", 10, 10), ("bob", 10, 0)]


def test_labels_saved_without_suggestions_report_none(schema: Schema) -> None:
    plain = [record(name, unit, full_labels("check")) for name in ("ann", "bob") for unit in UNITS]
    report = build_report(view(plain), schema, bootstrap=0)
    assert all(not f.suggestions for f in report.fields)
    assert "Suggestions:" not in render_text(report) and "Anchoring" not in render_text(report)


def test_the_text_and_markdown_warn_of_anchoring_by_name(schema: Schema) -> None:
    report = build_report(view(records()), schema, fields=["checkworthiness"], bootstrap=0)
    for rendered in (render_text(report, width=1000), render_markdown(report)):
        assert (
            "Anchoring: ann accepted 100.0% of the Check-worthiness suggestions unchanged, and adjudicated gold confirms 0 of 6" in rendered
        )
        assert "ann (anchoring?)" in rendered and "bob (anchoring?)" not in rendered
