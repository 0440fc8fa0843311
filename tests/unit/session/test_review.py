"""Review (adjudication) core: the queue, what accepting and editing write, and who may review."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.agreement.report import build_report
from annotator.corpus.document import Corpus
from annotator.corpus.load import load_corpus
from annotator.labels.gold import (
    ADJUDICATED,
    MAJORITY,
    NOT_APPLICABLE,
    SINGLE,
    UNANIMOUS,
    UNRESOLVED,
    GoldLabel,
)
from annotator.schema.load import load_schema
from annotator.session.annotate import SaveRequest
from annotator.session.review import (
    Review,
    ReviewSession,
    load_review,
    resolution_text,
    side_by_side,
)
from annotator.store.log import AnnotationLog
from annotator.store.read import load_store
from annotator.store.records import ADJUDICATION, InvalidAnnotatorName
from annotator.store.roles import (
    AnnotatorHasAdjudications,
    ReviewerHasAnnotations,
    check_annotator,
    check_reviewer,
    review_name,
)
from tests.conftest import SCHEMA as SCHEMA_PATH

SCHEMA = load_schema(SCHEMA_PATH)
TEXT = (
    "Missiles fired at dawn\n\n"
    "North Korea fired two missiles on Monday, the military said. The launch came a day before the talks.\n\n"
    "No damage was reported.\n"
)
NO_CLAIM = {"checkworthiness": "no_claim"}


def claim(source: str = "state_media", kinds: tuple[str, ...] = ("event",)) -> dict:
    return {"checkworthiness": "check", "source_type": source, "claim_type": list(kinds), "verifiability": "public", "hedging": "asserted"}


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    (tmp_path / "news.txt").write_text(TEXT, encoding="utf-8")
    return load_corpus([tmp_path / "news.txt"])


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


def write(store: Path, corpus: Corpus, name: str, labels_by_unit: dict[int, dict], status: str = "done", **optional: object) -> None:
    """Append one record per unit for `name` with the real store writer."""
    units = corpus.units()
    with AnnotationLog.open(store, name) as log:
        for index, labels in labels_by_unit.items():
            unit = units[index]
            sha = corpus.document(unit.doc).sha256
            log.append(unit, doc_sha256=sha, schema=SCHEMA.name, schema_version=SCHEMA.version, labels=labels, status=status, **optional)


def disputed_store(store: Path, corpus: Corpus) -> None:
    """Unit 0: agreed; unit 1: one field disputed; unit 2: two fields disputed; unit 3: one annotator."""
    write(store, corpus, "alice", {0: NO_CLAIM, 1: NO_CLAIM, 2: claim("state_media", ("event",)), 3: NO_CLAIM})
    write(store, corpus, "bob", {0: NO_CLAIM, 1: claim(), 2: claim("expert", ("quantity",))})


def review_of(store: Path, corpus: Corpus, reviewer: str = "lead") -> Review:
    return load_review(SCHEMA, corpus, load_store(store).latest, reviewer)


def decide(store: Path, corpus: Corpus, session: ReviewSession, request: SaveRequest) -> dict:
    """Write `request` as the review app does (an adjudication) and tell the session."""
    with AnnotationLog.open(store, session.review.reviewer) as log:
        record = log.append(
            request.unit, doc_sha256=corpus.document(request.unit.doc).sha256, schema=SCHEMA.name,
            schema_version=SCHEMA.version, labels=request.labels, status=request.status, prev=request.prev,
            kind=ADJUDICATION,
        )  # fmt: skip
    session.confirm(request, record)
    return record


# The queue


def test_labels_left_out_are_named_as_the_statistics_name_them(store: Path, corpus: Corpus, tmp_path: Path) -> None:
    """A stale label and one that does not fit the schema: by annotator, record id and span, and why."""
    disputed_store(store, corpus)
    write(store, corpus, "carol", {1: {"checkworthiness": "bogus"}})
    edited = tmp_path / "edited" / "news.txt"
    edited.parent.mkdir()
    edited.write_text(TEXT.replace("No damage was reported.", "Damage was reported."), encoding="utf-8")
    edited_corpus = load_corpus([edited])
    review = review_of(store, edited_corpus)
    report = build_report(load_store(store), SCHEMA, corpus=edited_corpus, bootstrap=0)
    assert sorted(review.left_out) == sorted(report.left_out)
    assert [line.split(" on ")[0].split(": label ")[0] for line in sorted(review.left_out)] == ["alice", "carol"]
    assert all(" on news [" in line and "): " in line for line in review.left_out)


def test_disputed_units_come_first_most_disagreement_first(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    units = corpus.units()
    review = review_of(store, corpus)
    assert [unit.key for unit in review.units] == [units[2].key, units[1].key, units[0].key, units[3].key]
    assert review.disputed == 2
    assert review.units_shown(everything=False) == review.units[:2]
    assert review.golds[units[2].key].disagreeing == ("source_type", "claim_type")


def test_session_walks_the_disputed_units_or_all_of_them(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    review = review_of(store, corpus)
    assert len(ReviewSession(review).units) == 2
    assert len(ReviewSession(review, everything=True).units) == 4


# Accepting and editing


def test_accepting_an_annotator_writes_their_labels_as_done_and_gold_is_adjudicated(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    session = ReviewSession(review_of(store, corpus))
    request = session.accept(0, "bob")
    assert (request.labels, request.status, request.prev) == (claim("expert", ("quantity",)), "done", None)
    record = decide(store, corpus, session, request)
    assert record["kind"] == ADJUDICATION
    gold = session.gold(0)
    assert gold.labels == claim("expert", ("quantity",))
    assert {gold.fields[field].resolution for field in claim()} == {ADJUDICATED}
    assert session.status(0) == "done" and session.decided_count() == 1 and session.is_decided(0)


def test_edits_are_drafts_and_only_a_done_decision_makes_gold(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    session = ReviewSession(review_of(store, corpus))
    index = 1  # alice: no claim, bob: check
    draft = session.pick(index, "checkworthiness", 1)
    assert (draft.labels, draft.status) == (NO_CLAIM, "draft") and not session.is_decided(index)
    decide(store, corpus, session, draft)
    assert session.gold(index).fields["checkworthiness"].resolution == UNRESOLVED
    done = session.mark_done(index)
    assert (done.labels, done.status) == (NO_CLAIM, "done")
    decide(store, corpus, session, done)
    gold = session.gold(index)
    assert (gold.fields["checkworthiness"].value, gold.fields["checkworthiness"].resolution) == ("no_claim", ADJUDICATED)
    assert gold.fields["source_type"].resolution == NOT_APPLICABLE
    assert gold.resolved


def test_undoing_a_decision_gives_the_votes_back(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    session = ReviewSession(review_of(store, corpus))
    decide(store, corpus, session, session.accept(1, "alice"))
    undo = session.undo()
    assert (undo.labels, undo.status) == ({}, "retracted")
    decide(store, corpus, session, undo)
    assert session.gold(1).fields["checkworthiness"].resolution == UNRESOLVED
    assert session.status(1) is None


def test_a_reopened_review_starts_from_the_reviewers_decisions(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    write(store, corpus, "lead", {2: claim("expert", ("quantity",))}, kind=ADJUDICATION)
    review = review_of(store, corpus)
    units = corpus.units()
    assert review.golds[units[2].key].fields["source_type"].resolution == ADJUDICATED
    session = ReviewSession(review)
    assert session.status(0) == "done"
    assert session.cursor == 1  # the first unit not decided yet


def test_switching_to_every_unit_keeps_the_current_unit(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    session = ReviewSession(review_of(store, corpus))
    session.cursor = 1
    every = session.other_units()
    assert isinstance(every, ReviewSession) and every.everything
    assert every.unit == session.unit and len(every.units) == 4
    every.cursor = 3  # a unit without disagreement
    disputed = every.other_units()
    assert isinstance(disputed, ReviewSession) and disputed.cursor == 0


def test_switching_waits_for_a_change_on_its_way_to_disk(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    session = ReviewSession(review_of(store, corpus))
    session.pick(0, "checkworthiness", 2)
    assert "not saved yet" in session.other_units()


def test_no_switch_to_disputed_units_when_there_are_none(store: Path, corpus: Corpus) -> None:
    write(store, corpus, "alice", {0: NO_CLAIM})
    session = ReviewSession(review_of(store, corpus), everything=True)
    assert session.other_units() == "the annotators agree on every labelled unit"


# Who may review


def test_a_name_with_annotations_in_the_store_is_refused(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    with pytest.raises(
        ReviewerHasAnnotations, match=r"bob has annotations in this store; review under another name, e\.g\. --as bob-review"
    ):
        check_reviewer("bob", load_store(store))


def test_a_reviewer_with_only_adjudications_or_no_file_may_review(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    write(store, corpus, "lead", {2: NO_CLAIM}, kind=ADJUDICATION)
    view = load_store(store)
    assert check_reviewer("lead", view) == "lead"
    assert check_reviewer("newcomer", view) == "newcomer"


def test_an_invalid_reviewer_name_is_refused(store: Path) -> None:
    with pytest.raises(InvalidAnnotatorName):
        check_reviewer("../lead", load_store(store))


def test_a_reviewer_whose_annotation_a_decision_superseded_is_still_refused(store: Path, corpus: Corpus) -> None:
    write(store, corpus, "bob", {2: NO_CLAIM})
    write(store, corpus, "bob", {2: NO_CLAIM}, kind=ADJUDICATION)
    view = load_store(store)
    assert all(record["kind"] == ADJUDICATION for record in view.latest.values())
    with pytest.raises(ReviewerHasAnnotations, match="bob has annotations in this store"):
        check_reviewer("bob", view)


def test_a_name_with_adjudications_may_not_annotate(store: Path, corpus: Corpus) -> None:
    write(store, corpus, "lead", {2: NO_CLAIM}, kind=ADJUDICATION)
    with (
        AnnotationLog.open(store, "lead") as log,
        pytest.raises(
            AnnotatorHasAdjudications, match=r"lead has adjudications in this store \(a reviewer's file\); annotate under another name"
        ),
    ):
        check_annotator("lead", log.records())


def test_a_name_whose_decision_an_annotation_superseded_still_may_not_annotate(store: Path, corpus: Corpus) -> None:
    write(store, corpus, "lead", {2: NO_CLAIM}, kind=ADJUDICATION)
    write(store, corpus, "lead", {2: NO_CLAIM})
    with AnnotationLog.open(store, "lead") as log:
        assert [record.get("kind") for record in log.latest().values()] == [None]
        with pytest.raises(AnnotatorHasAdjudications, match="lead has adjudications in this store"):
            check_annotator("lead", log.records())


def test_an_annotator_with_only_annotations_or_no_file_may_annotate(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    with AnnotationLog.open(store, "bob") as bob, AnnotationLog.open(store, "newcomer") as newcomer:
        assert check_annotator("bob", bob.records()) == "bob"
        assert check_annotator("newcomer", newcomer.records()) == "newcomer"


def test_the_suggested_name_is_itself_a_valid_name() -> None:
    long_name = "x" * 64
    assert review_name("bob") == "bob-review"
    assert len(review_name(long_name)) == 64 and review_name(long_name).endswith("-review")


# What the reviewer sees


def test_side_by_side_shows_each_annotators_value_and_what_was_not_asked(store: Path, corpus: Corpus) -> None:
    disputed_store(store, corpus)
    unit = review_of(store, corpus).golds[corpus.units()[1].key]  # alice: no claim, bob: check
    rows = {row.field.id: row for row in side_by_side(SCHEMA, unit)}
    assert rows["checkworthiness"].cells == ("No claim", "Check") and rows["checkworthiness"].disagrees
    assert rows["source_type"].cells == (None, "State media") and not rows["source_type"].disagrees
    assert rows["flags"].cells == ("", "") and rows["flags"].blank
    assert not rows["checkworthiness"].blank


def test_multi_values_read_as_their_labels(store: Path, corpus: Corpus) -> None:
    write(store, corpus, "alice", {0: claim(kinds=("event", "quantity"))})
    unit = review_of(store, corpus).golds[corpus.units()[0].key]
    rows = {row.field.id: row for row in side_by_side(SCHEMA, unit)}
    assert rows["claim_type"].cells == ("Event, Quantity",)


@pytest.mark.parametrize(
    ("gold", "text"),
    [
        (GoldLabel("a", MAJORITY, 3, 2), "majority 2/3"),
        (GoldLabel("a", ADJUDICATED, 2, 1), "adjudicated"),
        (GoldLabel("a", UNANIMOUS, 2, 2), "unanimous"),
        (GoldLabel("a", SINGLE, 1, 1), "single vote"),
        (GoldLabel(None, NOT_APPLICABLE, 0, 0), "not asked"),
        (GoldLabel(None, UNRESOLVED, 2, 0), "unresolved"),
    ],
)
def test_resolution_text(gold: GoldLabel, text: str) -> None:
    assert resolution_text(gold) == text
