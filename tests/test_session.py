"""The annotation session: picks, the saving rule, done/skip/flag, undo, progress, search."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from annotator.corpus import load_corpus
from annotator.schema import load_schema
from annotator.session import Missing, SaveRequest, Session
from conftest import SCHEMA

TEXT = "First claim here. Second one.\n\nThird sentence about missiles.\n"
_ids = itertools.count()


@pytest.fixture
def session(tmp_path: Path) -> Session:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Other document.\n", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    return Session(load_schema(SCHEMA), corpus.units())


def confirm(session: Session, request: SaveRequest) -> dict:
    """What the writer does: a record on disk for the request."""
    prev = request.prev
    record = {
        "id": f"r{next(_ids)}", "labels": request.labels, "status": request.status,
        "rev": prev["rev"] + 1 if prev else 1, "prev": prev["id"] if prev else None,
    }
    session.confirm(request, record)
    return record


def test_cursor_starts_at_first_unit_without_status(session: Session) -> None:
    heads = {session.units[0].key: {"id": "x", "labels": {}, "status": "skipped", "rev": 1}}
    resumed = Session(session.schema, session.units, heads=heads)
    assert resumed.cursor == 1
    assert resumed.status(0) == "skipped"


def test_single_pick_sets_then_clears_and_prunes_hidden_fields(session: Session) -> None:
    assert session.pick(0, "checkworthiness", 3)
    assert session.pick(0, "source_type", 1)
    assert session.labels(0) == {"checkworthiness": "check", "source_type": "state_media"}
    session.pick(0, "checkworthiness", 1)  # no_claim: source_type is no longer asked
    assert session.labels(0) == {"checkworthiness": "no_claim"}
    session.pick(0, "checkworthiness", 1)
    assert session.labels(0) == {}


def test_multi_pick_toggles_in_schema_order(session: Session) -> None:
    session.pick(0, "flags", 3)
    session.pick(0, "flags", 1)
    assert session.labels(0)["flags"] == ["multiple_claims", "quoted_wording"]
    session.pick(0, "flags", 3)
    assert session.labels(0)["flags"] == ["multiple_claims"]


def test_pick_out_of_range_changes_nothing(session: Session) -> None:
    assert not session.pick(0, "checkworthiness", 9)
    assert session.labels(0) == {}


def test_new_unit_picks_stay_a_draft_until_done(session: Session) -> None:
    session.pick(0, "checkworthiness", 1)
    assert session.autosave(0) is None
    assert session.mark(0) == "unsaved"
    request = session.mark_done(0)
    assert isinstance(request, SaveRequest) and request.status == "done" and request.prev is None
    assert session.is_saving(0)
    confirm(session, request)
    assert session.mark(0) == "done" and not session.is_unsaved(0)


def test_done_needs_required_fields_by_label(session: Session) -> None:
    session.pick(0, "checkworthiness", 3)
    result = session.mark_done(0)
    assert isinstance(result, Missing)
    assert result.labels[:2] == ["Source type", "Claim type"]
    assert session.status(0) is None


def test_change_to_done_unit_is_saved_at_once_while_complete(session: Session) -> None:
    session.pick(0, "checkworthiness", 1)
    first = confirm(session, session.mark_done(0))
    session.pick(0, "flags", 1)
    request = session.autosave(0)
    assert request is not None and request.status == "done" and request.prev == first
    confirm(session, request)
    session.pick(0, "checkworthiness", 3)  # now source type etc. are required: not done any more
    assert session.autosave(0) is None and session.is_unsaved(0)


def test_change_to_flagged_unit_is_saved_at_once(session: Session) -> None:
    confirm(session, session.status_request(0, "flagged"))
    session.pick(0, "checkworthiness", 2)
    request = session.autosave(0)
    assert request is not None and request.status == "flagged"


def test_failed_save_keeps_labels_as_draft(session: Session) -> None:
    session.pick(0, "checkworthiness", 1)
    request = session.mark_done(0)
    session.fail(request)
    assert session.is_unsaved(0) and session.labels(0) == {"checkworthiness": "no_claim"}
    assert session.status(0) is None


def test_undo_walks_back_through_the_session(session: Session) -> None:
    session.pick(0, "checkworthiness", 1)
    confirm(session, session.mark_done(0))
    session.pick(0, "checkworthiness", 2)
    session.pick(0, "checkworthiness", 1)  # back to no_claim, then change it properly
    session.pick(0, "flags", 2)
    confirm(session, session.autosave(0))
    session.cursor = 2
    first = session.undo()
    assert isinstance(first, SaveRequest) and session.cursor == 0
    assert first.labels == {"checkworthiness": "no_claim"} and first.status == "done"
    confirm(session, first)
    second = session.undo()
    assert isinstance(second, SaveRequest) and second.status == "retracted" and second.labels == {}
    confirm(session, second)
    assert session.status(0) is None and session.labels(0) == {}
    assert session.undo() is None


def test_undo_drops_an_unsaved_draft_first(session: Session) -> None:
    session.pick(0, "checkworthiness", 1)
    assert session.undo() == 0
    assert session.labels(0) == {} and not session.is_unsaved(0)


def test_progress_counts_units_with_a_status(session: Session) -> None:
    confirm(session, session.status_request(0, "skipped"))
    progress = session.progress(0)
    assert (progress.doc_done, progress.doc_total) == (1, 3)
    assert (progress.corpus_done, progress.corpus_total) == (1, 4)
    assert session.progress(3).doc_done == 0


def test_next_unlabelled_wraps_and_skips_units_with_status(session: Session) -> None:
    confirm(session, session.status_request(1, "flagged"))
    assert session.next_unlabelled(0) == 2
    assert session.next_unlabelled(3) == 0


def test_search_is_case_insensitive_and_wraps(session: Session) -> None:
    assert session.search("MISSILES", 0) == 2
    assert session.search("first", 2) == 0
    assert session.search("absent", 0) is None
