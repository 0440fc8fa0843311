"""Suggestions in a session: shown for the asked fields without a value, accepted all at once or one
field at a time, and every record of a unit with suggestions says what was suggested."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.corpus.document import Unit
from annotator.corpus.load import load_corpus
from annotator.schema.load import load_schema
from annotator.session.annotate import Session
from annotator.suggest.model import Suggestion, UnitSuggestions
from tests.conftest import SCHEMA
from tests.unit.session.test_origin import saved

SUGGESTED = {"checkworthiness": "check", "source_type": "state_media", "source": "the state media", "hedging": "asserted"}


def suggester(unit: Unit) -> UnitSuggestions:
    return UnitSuggestions(unit.doc, unit.start, unit.end, unit.text, {key: Suggestion(value) for key, value in SUGGESTED.items()})


@pytest.fixture
def session(tmp_path: Path) -> Session:
    (tmp_path / "a.txt").write_text("First claim here. Second one.\n", encoding="utf-8")
    return Session(load_schema(SCHEMA), load_corpus([tmp_path]).units(), suggester=suggester)


def test_only_the_asked_fields_without_a_value_show_a_suggestion(session: Session) -> None:
    assert session.suggested(0) == {"checkworthiness": "check"}  # the source fields are asked only once it is check
    saved(session, session.pick(0, "checkworthiness", 3))
    assert session.suggested(0) == {"source_type": "state_media", "source": "the state media", "hedging": "asserted"}
    saved(session, session.pick(0, "source_type", 2))
    assert "source_type" not in session.suggested(0)


def test_accepting_all_fills_every_field_it_makes_asked_and_records_what_was_suggested(session: Session) -> None:
    record = saved(session, session.accept_suggestions(0))
    assert record["labels"] == SUGGESTED
    assert record["origin"] == dict.fromkeys(SUGGESTED, "suggested")
    assert record["suggested"] == SUGGESTED
    assert session.accept_suggestions(0) is None  # nothing left to accept


def test_accepting_one_field_leaves_the_others_suggested(session: Session) -> None:
    saved(session, session.pick(0, "checkworthiness", 3))
    record = saved(session, session.accept_suggestions(0, "hedging"))
    assert record["labels"] == {"checkworthiness": "check", "hedging": "asserted"}
    assert record["origin"] == {"checkworthiness": "typed", "hedging": "suggested"}
    assert session.suggested(0) == {"source_type": "state_media", "source": "the state media"}
    assert session.accept_suggestions(0, "claim_type") is None  # no suggestion for it


def test_a_pick_records_the_suggestions_it_was_offered_too(session: Session) -> None:
    record = saved(session, session.pick(0, "checkworthiness", 1))
    assert record["labels"] == {"checkworthiness": "no_claim"} and record["suggested"] == SUGGESTED


def test_without_a_suggester_nothing_is_suggested_or_recorded(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First claim here.\n", encoding="utf-8")
    session = Session(load_schema(SCHEMA), load_corpus([tmp_path]).units())
    assert session.suggested(0) == {} and session.accept_suggestions(0) is None
    assert "suggested" not in saved(session, session.pick(0, "checkworthiness", 1))


def test_each_unit_is_asked_of_the_suggester_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First claim here.\n", encoding="utf-8")
    asked: list[Unit] = []
    session = Session(load_schema(SCHEMA), load_corpus([tmp_path]).units(), suggester=lambda unit: asked.append(unit) or suggester(unit))
    for _ in range(3):
        session.suggested(0)
    saved(session, session.pick(0, "checkworthiness", 3))
    assert len(asked) == 1
