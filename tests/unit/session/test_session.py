"""The annotation session: picks, the saving rule, done/skip/flag, undo, progress, search."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from annotator.corpus.load import load_corpus
from annotator.schema.load import load_schema
from annotator.session.annotate import Found, Missing, SaveRequest, Session
from tests.conftest import SCHEMA

TEXT = "First claim here. Second one.\n\nThird sentence about missiles.\n"
NO_CLAIM = {"checkworthiness": "no_claim"}
_ids = itertools.count()


@pytest.fixture
def session(tmp_path: Path) -> Session:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Other document.\n", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    return Session(load_schema(SCHEMA), corpus.units())


def confirm(session: Session, request: SaveRequest | Missing | None) -> dict:
    """What the writer does: a record on disk for the request."""
    assert isinstance(request, SaveRequest)
    prev = request.prev
    record = {
        "id": f"r{next(_ids)}", "labels": request.labels, "status": request.status,
        "rev": prev["rev"] + 1 if prev else 1, "prev": prev["id"] if prev else None,
    }  # fmt: skip
    session.confirm(request, record)
    return record


def with_head(session: Session, status: str, labels: dict) -> Session:
    """The session reopened with unit 0 saved as `status` with `labels`."""
    heads = {session.units[0].key: {"id": "h", "labels": labels, "status": status, "rev": 1}}
    return Session(session.schema, session.units, heads=heads)


def test_cursor_starts_at_first_unit_not_done_skipped_or_flagged(session: Session) -> None:
    resumed = with_head(session, "skipped", {})
    assert resumed.cursor == 1 and resumed.status(0) == "skipped"
    assert with_head(session, "draft", NO_CLAIM).cursor == 0


def test_single_pick_sets_and_prunes_hidden_fields(session: Session) -> None:
    assert session.pick(0, "checkworthiness", 3)
    assert session.pick(0, "source_type", 1)
    assert session.labels(0) == {"checkworthiness": "check", "source_type": "state_media"}
    request = session.pick(0, "checkworthiness", 1)  # no_claim: source_type is no longer asked
    assert request is not None and request.labels == NO_CLAIM


def test_picking_the_chosen_value_again_changes_nothing_and_clear_empties_the_field(session: Session) -> None:
    confirm(session, session.pick(0, "checkworthiness", 3))
    assert session.pick(0, "checkworthiness", 3) is None
    assert session.labels(0) == {"checkworthiness": "check"} and not session.is_saving(0)
    request = session.clear(0, "checkworthiness")
    assert request is not None and request.labels == {}
    assert session.clear(0, "checkworthiness") is None


def test_answers_of_a_field_no_longer_asked_come_back_when_it_is_asked_again(session: Session) -> None:
    for field_id, number in [("checkworthiness", 3), ("source_type", 1), ("claim_type", 2), ("hedging", 1)]:
        confirm(session, session.pick(0, field_id, number))
    request = session.pick(0, "checkworthiness", 1)  # no claim: the claim fields are not asked
    assert request is not None and request.labels == NO_CLAIM  # the record keeps asked fields only
    confirm(session, request)
    request = session.pick(0, "checkworthiness", 4)
    assert request is not None
    assert request.labels == {"checkworthiness": "urgent", "source_type": "state_media", "claim_type": ["quantity"], "hedging": "asserted"}


def test_multi_pick_toggles_in_schema_order(session: Session) -> None:
    session.pick(0, "flags", 3)
    session.pick(0, "flags", 1)
    assert session.labels(0)["flags"] == ["multiple_claims", "quoted_wording"]
    session.pick(0, "flags", 3)
    assert session.labels(0)["flags"] == ["multiple_claims"]


def test_pick_out_of_range_changes_nothing(session: Session) -> None:
    assert session.pick(0, "checkworthiness", 9) is None
    assert session.labels(0) == {} and not session.is_saving(0)


@pytest.mark.parametrize(
    ("before", "labels", "pick", "after"),
    [
        (None, {}, ("checkworthiness", 1), "draft"),
        ("retracted", {}, ("checkworthiness", 1), "draft"),
        ("skipped", {}, ("checkworthiness", 1), "draft"),
        ("draft", {"checkworthiness": "check"}, ("source_type", 1), "draft"),
        ("done", NO_CLAIM, ("flags", 1), "done"),  # still complete
        ("done", NO_CLAIM, ("checkworthiness", 3), "draft"),  # source type, claim type ... now required
        ("flagged", {}, ("checkworthiness", 3), "flagged"),  # flagged stays flagged, complete or not
    ],
)
def test_every_change_is_saved_at_once_with_the_status_the_rule_gives(
    session: Session, before: str | None, labels: dict, pick: tuple[str, int], after: str
) -> None:
    session = with_head(session, before, labels) if before else session
    request = session.pick(0, *pick)
    assert request is not None and request.status == after
    assert request.prev == session.head(0)
    assert session.is_saving(0) and session.labels(0) == request.labels


def test_clearing_a_required_field_of_a_done_unit_makes_it_a_draft(session: Session) -> None:
    session = with_head(session, "done", NO_CLAIM)
    request = session.clear(0, "checkworthiness")
    assert request is not None and (request.labels, request.status) == ({}, "draft")


def test_saved_text_follows_the_same_rule_and_is_stripped(session: Session) -> None:
    session = with_head(session, "done", NO_CLAIM)
    request = session.set_text(0, "note", "  odd wording ")
    assert request is not None and request.status == "done"
    assert request.labels == {**NO_CLAIM, "note": "odd wording"}
    assert session.set_text(0, "note", "odd wording  ") is None  # nothing changed: no revision
    cleared = session.set_text(0, "note", " ")
    assert cleared is not None and cleared.labels == NO_CLAIM


def test_a_change_follows_the_status_of_the_last_change_before_it_is_on_disk(session: Session) -> None:
    session.pick(0, "checkworthiness", 1)
    done = session.mark_done(0)
    assert isinstance(done, SaveRequest) and done.status == "done"
    request = session.pick(0, "flags", 2)  # the done record is not confirmed yet
    assert request is not None and request.status == "done"


def test_draft_is_marked_and_not_counted_as_labelled(session: Session) -> None:
    confirm(session, session.pick(0, "checkworthiness", 1))
    assert session.status(0) == "draft" and session.mark(0) == "draft"
    assert session.progress(0).doc_done == 0
    assert session.next_unlabelled(3) == 0  # wraps round to the draft


def test_enter_saves_done_when_complete(session: Session) -> None:
    confirm(session, session.pick(0, "checkworthiness", 1))
    request = session.mark_done(0)
    assert isinstance(request, SaveRequest) and request.status == "done" and request.prev["status"] == "draft"
    confirm(session, request)
    assert session.mark(0) == "done" and session.progress(0).doc_done == 1


def test_done_needs_required_fields_by_label_and_the_unit_stays_draft(session: Session) -> None:
    confirm(session, session.pick(0, "checkworthiness", 3))
    result = session.mark_done(0)
    assert isinstance(result, Missing) and result.retry is None
    assert result.fields[:2] == ["source_type", "claim_type"]
    assert session.status(0) == "draft" and not session.is_saving(0)


@pytest.mark.parametrize("status", ["skipped", "flagged"])
def test_skip_and_flag_keep_the_labels(session: Session, status: str) -> None:
    confirm(session, session.pick(0, "checkworthiness", 2))
    request = session.status_request(0, status)
    assert (request.status, request.labels) == (status, {"checkworthiness": "minor"})
    confirm(session, request)
    assert session.progress(0).doc_done == 1 and session.next_unlabelled(0) == 1


def test_failed_save_keeps_labels_on_screen_and_enter_retries(session: Session) -> None:
    session.fail(session.pick(0, "checkworthiness", 3))
    assert session.is_unsaved(0) and session.mark(0) == "unsaved"
    assert session.labels(0) == {"checkworthiness": "check"} and session.status(0) is None
    result = session.mark_done(0)  # incomplete: not done, but the draft is saved again
    assert isinstance(result, Missing) and result.retry is not None
    assert (result.retry.labels, result.retry.status) == ({"checkworthiness": "check"}, "draft")
    confirm(session, result.retry)
    assert not session.is_unsaved(0) and session.status(0) == "draft"


def test_unsaved_lists_the_units_whose_last_change_failed_once_nothing_is_on_its_way(session: Session) -> None:
    failing = session.pick(2, "checkworthiness", 1)
    confirmed = session.pick(0, "checkworthiness", 1)
    assert session.writing() == 2 and session.unsaved() == []
    session.fail(failing)
    confirm(session, confirmed)
    assert session.writing() == 0 and session.unsaved() == [2]


def test_a_later_save_carries_the_labels_of_a_failed_one(session: Session) -> None:
    first = session.pick(0, "checkworthiness", 1)
    second = session.pick(0, "flags", 1)
    session.fail(first)
    assert not session.is_unsaved(0)  # the second request is on its way with both labels
    confirm(session, second)
    assert session.head(0)["labels"] == {"checkworthiness": "no_claim", "flags": ["multiple_claims"]}
    assert not session.is_unsaved(0)


def test_replace_sets_labels_and_status_at_once_and_undo_takes_it_back(session: Session) -> None:
    confirm(session, session.pick(0, "checkworthiness", 2))
    request = session.replace(0, {"checkworthiness": "no_claim", "source_type": "expert"}, "done")
    assert (request.labels, request.status) == (NO_CLAIM, "done")  # source type is not asked after no claim
    assert request.prev == session.head(0) and session.shown_status(0) == "done"
    confirm(session, request)
    undo = session.undo()
    assert undo is not None and (undo.labels, undo.status) == ({"checkworthiness": "minor"}, "draft")


def test_undo_walks_back_one_change_at_a_time(session: Session) -> None:
    confirm(session, session.pick(0, "checkworthiness", 1))
    confirm(session, session.mark_done(0))
    confirm(session, session.pick(0, "flags", 2))
    steps = []
    while (request := session.undo()) is not None:
        steps.append((request.index, request.labels, request.status))
        confirm(session, request)
    assert steps == [
        (0, NO_CLAIM, "done"),
        (0, NO_CLAIM, "draft"),
        (0, {}, "retracted"),
    ]
    assert session.status(0) is None and session.labels(0) == {}


def test_undo_restores_a_change_still_being_saved(session: Session) -> None:
    pick = session.pick(0, "checkworthiness", 1)
    undo = session.undo()
    assert undo is not None and (undo.labels, undo.status) == ({}, "retracted")
    confirm(session, pick)
    confirm(session, undo)
    assert session.status(0) is None


def test_progress_counts_units_done_skipped_or_flagged(session: Session) -> None:
    confirm(session, session.status_request(0, "skipped"))
    progress = session.progress(0)
    assert (progress.doc_done, progress.doc_total) == (1, 3)
    assert (progress.corpus_done, progress.corpus_total) == (1, 4)
    assert session.progress(3).doc_done == 0


def test_next_unlabelled_wraps_and_skips_labelled_units(session: Session) -> None:
    confirm(session, session.status_request(1, "flagged"))
    assert session.next_unlabelled(0) == 2
    assert session.next_unlabelled(3) == 0
    session.status_request(2, "done")  # not on disk yet: already passed over
    assert session.next_unlabelled(0) == 3


def test_search_is_case_insensitive_and_wraps(session: Session) -> None:
    assert session.search("MISSILES", 0) == Found(2, 1, 1, False)
    assert session.search("first", 2) == Found(0, 1, 1, True)  # from the top again
    assert session.search("absent", 0) is None


def test_search_numbers_the_match_among_all(session: Session) -> None:
    matches = [index for index, unit in enumerate(session.units) if "." in unit.text]
    assert len(matches) > 2
    found = session.search(".", matches[0])
    assert found == Found(matches[1], 2, len(matches), False)


def test_next_with_status_finds_drafts_skipped_and_flagged(session: Session) -> None:
    confirm(session, session.pick(1, "checkworthiness", 1))
    confirm(session, session.status_request(3, "flagged"))
    assert session.next_with_status(0, "draft") == 1
    assert session.next_with_status(1, "draft") is None  # no other draft
    assert session.next_with_status(1, "flagged") == 3
    assert session.next_with_status(0, "skipped") is None
