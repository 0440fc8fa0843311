"""Where each saved value came from: `typed` when the annotator picked or typed it, `suggested` when
a suggestion was accepted as it was; a change keeps the origin of the values it leaves alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.corpus.load import load_corpus
from annotator.schema.load import load_schema
from annotator.session.annotate import SaveRequest, Session
from tests.conftest import SCHEMA
from tests.unit.session.test_session import confirm

SUGGESTED = {"checkworthiness": "check", "source_type": "state_media", "source": "the state media", "hedging": "asserted"}


@pytest.fixture
def session(tmp_path: Path) -> Session:
    (tmp_path / "a.txt").write_text("First claim here. Second one.\n", encoding="utf-8")
    return Session(load_schema(SCHEMA), load_corpus([tmp_path]).units())


def saved(session: Session, request: SaveRequest | None) -> dict:
    """The record the request writes, confirmed as on disk, with its origin."""
    assert request is not None
    record = confirm(session, request)
    record |= request.record_keys
    session.heads[request.unit.key] = record  # type: ignore[assignment]
    return record


def test_accepting_the_suggestions_saves_them_as_suggested_in_schema_order(session: Session) -> None:
    record = saved(session, session.accept_suggested(0, SUGGESTED))
    assert record["labels"] == SUGGESTED and record["status"] == "draft"
    assert record["origin"] == dict.fromkeys(SUGGESTED, "suggested")


def test_a_value_picked_or_typed_is_typed_and_the_others_keep_their_origin(session: Session) -> None:
    saved(session, session.accept_suggested(0, SUGGESTED))
    record = saved(session, session.pick(0, "source_type", 2))  # another value than the suggestion
    assert record["origin"] == {"checkworthiness": "suggested", "source_type": "typed", "source": "suggested", "hedging": "suggested"}
    record = saved(session, session.set_text(0, "source", "state media"))
    assert record["origin"]["source"] == "typed"
    record = saved(session, session.status_request(0, "flagged"))
    assert record["status"] == "flagged" and record["origin"]["hedging"] == "suggested"


def test_accepting_fills_only_fields_without_a_value_and_asked(session: Session) -> None:
    saved(session, session.pick(0, "checkworthiness", 1))  # no claim: the claim fields are not asked
    assert session.accept_suggested(0, SUGGESTED) is None
    record = saved(session, session.pick(0, "checkworthiness", 3))
    assert record["origin"] == {"checkworthiness": "typed"}
    record = saved(session, session.accept_suggested(0, SUGGESTED))
    assert record["labels"]["checkworthiness"] == "check" and record["origin"]["checkworthiness"] == "typed"
    assert record["origin"]["source_type"] == "suggested"


def test_undo_brings_back_the_origins_too(session: Session) -> None:
    saved(session, session.accept_suggested(0, {"checkworthiness": "check"}))
    saved(session, session.pick(0, "checkworthiness", 4))
    record = saved(session, session.undo())
    assert record["labels"] == {"checkworthiness": "check"} and record["origin"] == {"checkworthiness": "suggested"}


def test_a_label_saved_without_origins_gets_none_for_its_old_values(session: Session) -> None:
    session.heads[session.units[0].key] = {"id": "old", "labels": {"checkworthiness": "check"}, "status": "draft", "rev": 1}  # type: ignore[typeddict-item]
    request = session.pick(0, "hedging", 1)
    assert request is not None and request.origin == {"hedging": "typed"}
    assert request.record_keys["origin"] == {"hedging": "typed"}
