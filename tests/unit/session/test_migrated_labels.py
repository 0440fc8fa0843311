"""The annotation session over labels of an earlier schema version: what needs a look, what the
screen shows beside the field, and the rule that a field left to decide keeps a unit from done."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.corpus.load import load_corpus
from annotator.labels.versions import read_heads
from annotator.schema.load import load_schema
from annotator.session.annotate import Missing, SaveRequest, Session
from tests.migrations import CHECK, v2_data, write_schemas

TEXT = "First claim here. Second one.\n\nThird sentence about missiles.\n"
SPLIT = {**CHECK, "verifiability": "restricted"}


@pytest.fixture
def session(tmp_path: Path) -> Session:
    """Units 0 and 2 labelled done under v1, unit 2 with the value v2 splits; read under v2."""
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    units = load_corpus([tmp_path / "a.txt"]).units()
    schema = load_schema(write_schemas(tmp_path / "schemas"))
    written = {0: CHECK, 2: SPLIT}
    heads = {
        units[index].key: {"id": f"h{index}", "schema": "factcheck", "schema_version": 1, "labels": labels, "status": "done", "rev": 1}
        for index, labels in written.items()
    }
    return Session(schema, units, heads=read_heads(schema, heads))


def test_a_label_with_a_field_to_decide_needs_a_look_and_shows_the_value_as_written(session: Session) -> None:
    assert [session.needs_look(index) for index in range(3)] == [False, False, True]
    assert session.mark(2) == "look" and session.mark(0) == "done"
    assert session.to_decide(2) == ["verifiability"]
    assert session.was(2) == {"verifiability": "Restricted (v1)"} and session.was(0) == {}
    assert session.labels(2) == {k: v for k, v in SPLIT.items() if k != "verifiability"}


def test_the_queue_goes_to_the_labels_that_need_a_look(session: Session) -> None:
    assert session.next_needing_look(0) == 2
    assert session.next_needing_look(2) is None  # no other one


def test_a_field_to_decide_keeps_the_unit_from_done_until_it_has_a_value(session: Session) -> None:
    missing = session.mark_done(2)
    assert isinstance(missing, Missing) and missing.fields == ["verifiability"]
    request = session.pick(2, "hedging", 2)  # another change: the unit cannot stay done
    assert isinstance(request, SaveRequest) and request.status == "draft"
    decided = session.pick(2, "verifiability", 3)  # Private records
    assert isinstance(decided, SaveRequest) and decided.labels["verifiability"] == "restricted_private"
    assert decided.prev is not None and decided.prev["id"] == "h2"  # a revision of the record as written
    assert not session.needs_look(2) and session.was(2) == {}
    assert isinstance(session.mark_done(2), SaveRequest)


def test_a_decision_keeps_a_done_unit_done_and_undo_back_to_the_undecided_label_writes_a_draft(session: Session) -> None:
    decided = session.pick(2, "verifiability", 2)
    assert isinstance(decided, SaveRequest) and decided.status == "done"
    undone = session.undo()
    assert undone is not None and undone.status == "draft" and "verifiability" not in undone.labels
    assert session.needs_look(2)


def test_values_asked_only_through_the_field_to_decide_come_back_once_it_is_decided(tmp_path: Path) -> None:
    data = v2_data()
    worth = data["fields"][0]
    worth["values"][2:3] = [{"id": "check", "label": "Check"}, {"id": "check_later", "label": "Check later"}]
    data["migration"]["values"].append({"field": "checkworthiness", "from": "check", "to": ["check", "check_later"]})
    schema = load_schema(write_schemas(tmp_path / "schemas", data))
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    units = load_corpus([tmp_path / "a.txt"]).units()
    head = {"id": "h", "schema": "factcheck", "schema_version": 1, "labels": CHECK, "status": "done", "rev": 1}
    session = Session(schema, units, heads=read_heads(schema, {units[0].key: head}))
    assert session.labels(0) == {} and session.was(0) == {"checkworthiness": "Check (v1)"}
    decided = session.pick(0, "checkworthiness", 4)  # check later
    assert isinstance(decided, SaveRequest) and decided.labels == {**CHECK, "checkworthiness": "check_later"}
    assert decided.status == "done"
