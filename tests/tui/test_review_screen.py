"""Pilot tests of the review screen: stores written with the real AnnotationLog, decisions read back from disk."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from annotator.corpus.load import load_corpus
from annotator.errors import UserError
from annotator.labels.gold import ADJUDICATED, MAJORITY, UNRESOLVED
from annotator.schema.load import load_schema
from annotator.store.log import AnnotationLog, StoreError
from annotator.tui.launch import prepare_review
from annotator.tui.review_app import ReviewApp
from annotator.tui.screens.accept import AcceptScreen
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.stats import StatsScreen
from annotator.tui.widgets.votes_table import annotator_heading
from tests.tui.conftest import (
    SCHEMA,
    SMALL_TEXT,
    focused_id,
    footer_keys,
    help_meanings,
    keymap_file,
    records,
    screen_text,
    status_text,
)
from tests.tui.waiting import saved, wait_for

SIZE = (120, 40)
SIZES = [(80, 24), (120, 40)]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE_NOTE = "see [/] and [@click=app.quit]x[/] \x1b[2J done"
NO_CLAIM = {"checkworthiness": "no_claim"}

MakeReview = Callable[..., ReviewApp]


def claim(source_type: str = "state_media", kind: str = "event", **more: str) -> dict:
    return {
        "checkworthiness": "check",
        "source_type": source_type,
        "claim_type": [kind],
        "verifiability": "public",
        "hedging": "asserted",
        **more,
    }


BOB_UNIT_0 = claim("expert", "quantity")


def label(store_dir: Path, corpus_dir: Path, annotator: str, labels: list[dict | None]) -> None:
    """`annotator` labels the units of the corpus in order as done (None: leaves the unit alone)."""
    corpus = load_corpus([corpus_dir])
    schema = load_schema(SCHEMA)
    with AnnotationLog.open(store_dir, annotator) as log:
        for unit, unit_labels in zip(corpus.units(), labels):
            if unit_labels is not None:
                sha = corpus.document(unit.doc).sha256
                log.append(unit, doc_sha256=sha, schema=schema.name, schema_version=schema.version, labels=unit_labels, status="done")


@pytest.fixture
def disputed(store_dir: Path, corpus_dir: Path) -> None:
    """Unit 0: two fields disputed; unit 1: one; unit 2: agreed; unit 3: alice only."""
    label(store_dir, corpus_dir, "alice", [claim("state_media", "event"), NO_CLAIM, NO_CLAIM, NO_CLAIM])
    label(store_dir, corpus_dir, "bob", [BOB_UNIT_0, claim(), NO_CLAIM])


@pytest.fixture
def make_review(corpus_dir: Path, store_dir: Path) -> MakeReview:
    def make(reviewer: str = "lead", everything: bool = False, keymap: Path | None = None) -> ReviewApp:
        return prepare_review(
            paths=[str(corpus_dir)], reviewer=reviewer, schema_path=SCHEMA, store_dir=store_dir, everything=everything, keymap=keymap
        )

    return make


def unit_keys(app: ReviewApp) -> list[tuple[str, int, int]]:
    return [unit.key for unit in app.session.units]


def gold_resolution(app: ReviewApp, index: int, field_id: str) -> str:
    return app.session.gold(index).fields[field_id].resolution


async def accept(pilot: Pilot, app: ReviewApp, number: str) -> None:
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(app.screen, AcceptScreen), description="the accept chooser")
    await pilot.press(number)


async def test_disputed_units_come_most_disagreement_first(disputed: None, make_review: MakeReview, corpus_dir: Path) -> None:
    units = load_corpus([corpus_dir]).units()
    app = make_review()
    async with app.run_test(size=SIZE):
        assert unit_keys(app) == [units[0].key, units[1].key]
        text = screen_text(app)
        assert "disputed unit 1/2" in text
        assert "disagree on Source type, Claim type" in text


async def test_votes_table_shows_every_annotator_side_by_side_and_marks_disputed_fields(disputed: None, make_review: MakeReview) -> None:
    app = make_review()
    async with app.run_test(size=SIZE):
        lines = screen_text(app).splitlines()
        heading = next(line for line in lines if "1 alice" in line)
        assert heading.index("1 alice") < heading.index("2 bob") < heading.index("gold")
        source = next(line for line in lines if "Source type " in line and "State media" in line)
        assert source.lstrip().startswith("≠ Source type") and "Expert" in source and "unresolved" in source
        worth = next(line for line in lines if "Check-worthiness " in line and "unanimous" in line)
        assert "≠" not in worth and worth.count("Check") == 4  # label, alice, bob, gold


async def test_accepting_an_annotator_writes_an_adjudication_and_gold_is_adjudicated(
    disputed: None, make_review: MakeReview, store_dir: Path
) -> None:
    app = make_review()
    async with app.run_test(size=SIZE) as pilot:
        assert gold_resolution(app, 0, "source_type") == UNRESOLVED
        await accept(pilot, app, "2")
        await saved(pilot, app, 0, "done")
        [record] = records(store_dir, "lead")
        assert (record["kind"], record["status"], record["labels"], record["annotator"]) == ("adjudication", "done", BOB_UNIT_0, "lead")
        assert gold_resolution(app, 0, "source_type") == ADJUDICATED
        await wait_for(pilot, lambda: "adjudicated" in screen_text(app), description="the table to show the decision")
        assert "gold resolved" in screen_text(app)
        assert "accepted the labels of bob" in status_text(app)
        assert app.session.cursor == 0  # the reviewer sees the decision; enter goes on
        await pilot.press("enter")
        assert app.session.cursor == 1
        assert len(records(store_dir, "lead")) == 1  # nothing more to save


async def test_escape_closes_the_chooser_without_a_decision(disputed: None, make_review: MakeReview, store_dir: Path) -> None:
    app = make_review()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AcceptScreen), description="the accept chooser")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AcceptScreen), description="the chooser to close")
        assert records(store_dir, "lead") == []


async def test_editing_saves_drafts_and_enter_decides(disputed: None, make_review: MakeReview, store_dir: Path) -> None:
    app = make_review()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")  # unit 1: alice says no claim, bob says check
        await pilot.press("1")  # check-worthiness: no claim
        await saved(pilot, app, 1, "draft")
        assert [(r["kind"], r["status"], r["labels"]) for r in records(store_dir, "lead")] == [("adjudication", "draft", NO_CLAIM)]
        assert gold_resolution(app, 1, "checkworthiness") == UNRESOLVED  # a draft decides nothing
        await pilot.press("enter")
        await saved(pilot, app, 1, "done")
        assert records(store_dir, "lead")[-1]["status"] == "done"
        assert app.session.gold(1).fields["checkworthiness"].value == "no_claim"
        assert gold_resolution(app, 1, "checkworthiness") == ADJUDICATED


async def test_undo_takes_a_decision_back(disputed: None, make_review: MakeReview, store_dir: Path) -> None:
    app = make_review()
    async with app.run_test(size=SIZE) as pilot:
        await accept(pilot, app, "1")
        await saved(pilot, app, 0, "done")
        await pilot.press("u")
        await wait_for(pilot, lambda: not app.session.is_saving(0) and app.session.status(0) is None, description="the undo on disk")
        assert records(store_dir, "lead")[-1]["status"] == "retracted"
        assert gold_resolution(app, 0, "source_type") == UNRESOLVED


async def test_all_units_and_the_key_that_switches(disputed: None, make_review: MakeReview) -> None:
    app = make_review(everything=True)
    async with app.run_test(size=SIZE) as pilot:
        assert len(app.session.units) == 4
        assert "labelled unit 1/4" in screen_text(app)
        await pilot.press("v")
        await wait_for(pilot, lambda: len(app.session.units) == 2, description="the disputed units only")
        await wait_for(pilot, lambda: "disputed unit 1/2" in screen_text(app), description="the header to follow")
        await pilot.press("v", "j", "j")
        await wait_for(pilot, lambda: app.session.everything and app.session.cursor == 2, description="every unit again")
        assert gold_resolution(app, 2, "checkworthiness") == "unanimous"
        assert "no disagreement" in screen_text(app)


async def test_a_failed_save_is_shown_and_the_labels_stay(
    disputed: None, make_review: MakeReview, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_review()

    def disk_full(*_args: object, **_kwargs: object) -> dict:
        raise StoreError("could not save to lead.jsonl: No space left on device; this record was not saved")

    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app.annotation_log, "append", disk_full)
        await accept(pilot, app, "2")
        await wait_for(pilot, lambda: "save failed" in status_text(app), description="the failure on the status line")
        assert "No space left on device" in status_text(app)
        assert app.session.is_unsaved(0) and app.session.labels(0) == BOB_UNIT_0
        assert gold_resolution(app, 0, "source_type") == UNRESOLVED
        assert records(store_dir, "lead") == []
        monkeypatch.undo()
        await pilot.press("enter")  # retries
        await saved(pilot, app, 0, "done")
        assert records(store_dir, "lead")[-1]["labels"] == BOB_UNIT_0


async def test_annotators_text_renders_literally(store_dir: Path, corpus_dir: Path, make_review: MakeReview) -> None:
    label(store_dir, corpus_dir, "alice", [claim(note=HOSTILE_NOTE)])
    label(store_dir, corpus_dir, "carol", [claim("expert", source="[bold]KCNA[/] \x1b]52;c;SGVsbG8=\x07")])
    app = make_review()
    async with app.run_test(size=SIZE) as pilot:
        text = screen_text(app)
        assert "see [/] and [@click=app.quit]x[/] ␛[2J done" in text
        assert "[bold]KCNA[/] ␛]52" in text
        assert not CONTROL.search(text)
        await accept(pilot, app, "1")
        await saved(pilot, app, 0, "done")
        assert records(store_dir, "lead")[-1]["labels"]["note"] == HOSTILE_NOTE  # stored as typed
        assert not CONTROL.search(screen_text(app))
        assert app.is_running


@pytest.mark.parametrize("size", [(60, 16), (20, 8), (6, 3)], ids=lambda size: f"{size[0]}x{size[1]}")
async def test_small_terminals_do_not_crash(
    disputed: None, make_review: MakeReview, store_dir: Path, corpus_dir: Path, size: tuple[int, int]
) -> None:
    label(store_dir, corpus_dir, "carol", [claim(note="a note longer than any column of the table " * 3)])
    app = make_review()
    async with app.run_test(size=size) as pilot:
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AcceptScreen), description="the accept chooser")
        await pilot.press("1")
        await saved(pilot, app, 0, "done")
        await pilot.press("j", "v")
        assert app.is_running


async def test_help_lists_the_review_keys(disputed: None, make_review: MakeReview) -> None:
    app = make_review()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), description="the help screen")
        text = screen_text(app)
        assert "[accept-annotator]" in text and "[toggle-all-units]" in text


async def test_a_accepts_and_shift_a_opens_the_statistics_one_meaning_each(disputed: None, make_review: MakeReview) -> None:
    app = make_review()
    async with app.run_test(size=SIZE) as pilot:
        assert footer_keys(app)["a"] == "Accept"
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), description="the help screen")
        assert (help_meanings(app, "a"), help_meanings(app, "A")) == (["accept-annotator"], ["stats"])
        await pilot.press("escape", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, AcceptScreen), description="the accept chooser")
        await pilot.press("escape", "A")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen), description="the statistics screen")


async def test_the_keymap_moves_accept_and_the_annotator_numbers(
    disputed: None, make_review: MakeReview, store_dir: Path, tmp_path: Path
) -> None:
    app = make_review(keymap=keymap_file(tmp_path, {"accept-annotator": "c", "accept-2": "x,2"}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: footer_keys(app).get("c") == "Accept", description="the Footer to show c")
        assert "x bob" in screen_text(app)  # the votes table's heading
        await pilot.press("a")  # no longer accept: a is free again
        assert app.screen is app.annotate_screen
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, AcceptScreen), description="the accept chooser")
        await pilot.press("x")
        await saved(pilot, app, 0, "done")
        assert records(store_dir, "lead")[-1]["labels"] == BOB_UNIT_0


async def test_a_reviewer_with_annotations_is_refused(disputed: None, make_review: MakeReview) -> None:
    with pytest.raises(UserError, match=r"bob has annotations in this store; review under another name, e\.g\. --as bob-review"):
        make_review("bob")


async def test_the_chooser_also_takes_arrows_and_enter(disputed: None, make_review: MakeReview, store_dir: Path) -> None:
    app = make_review()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AcceptScreen), description="the accept chooser")
        await pilot.press("down", "enter")
        await saved(pilot, app, 0, "done")
        assert records(store_dir, "lead")[-1]["labels"] == BOB_UNIT_0


def test_only_the_first_ten_annotators_have_a_number() -> None:
    assert (annotator_heading(0, "alice"), annotator_heading(9, "jo"), annotator_heading(10, "kim")) == ("1 alice", "0 jo", "· kim")


async def test_a_majority_shows_as_such(store_dir: Path, corpus_dir: Path, make_review: MakeReview) -> None:
    label(store_dir, corpus_dir, "alice", [NO_CLAIM])
    label(store_dir, corpus_dir, "bob", [NO_CLAIM])
    label(store_dir, corpus_dir, "carol", [claim()])
    app = make_review()
    async with app.run_test(size=SIZE):
        assert gold_resolution(app, 0, "checkworthiness") == MAJORITY
        assert "majority 2/3" in screen_text(app)


@pytest.fixture
def snapshot_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReviewApp:
    """A review over a corpus named by a relative path, so the screen is the same on every machine."""
    monkeypatch.chdir(tmp_path)
    Path("news.txt").write_text(SMALL_TEXT, encoding="utf-8")
    label(Path("store"), Path("news.txt"), "alice", [claim("state_media", "event"), NO_CLAIM, NO_CLAIM])
    label(Path("store"), Path("news.txt"), "bob", [BOB_UNIT_0, claim(), NO_CLAIM])
    label(Path("store"), Path("news.txt"), "carol", [claim("expert", "event", note="looks like [/] KCNA"), None, NO_CLAIM])
    return prepare_review(paths=["news.txt"], reviewer="lead", schema_path=SCHEMA, store_dir=Path("store"))


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_review_screen_snapshot(snap_compare, snapshot_review: ReviewApp, size: tuple[int, int]) -> None:
    async def decide_first_unit(pilot: Pilot) -> None:
        await accept(pilot, snapshot_review, "2")
        await saved(pilot, snapshot_review, 0, "done")

    assert snap_compare(snapshot_review, terminal_size=size, run_before=decide_first_unit)


@pytest.fixture
def majority(store_dir: Path, corpus_dir: Path) -> None:
    """Unit 0: bob against alice and carol on source type and claim type (with a note of bob's)."""
    label(store_dir, corpus_dir, "alice", [claim("state_media", "event")])
    label(store_dir, corpus_dir, "bob", [claim("expert", "quantity", note="bob's own note")])
    label(store_dir, corpus_dir, "carol", [claim("state_media", "event")])


async def test_m_accepts_the_gold_labels_of_the_majority(majority: None, make_review: MakeReview) -> None:
    app = make_review()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await saved(pilot, app, 0, "done")
        assert app.session.labels(0) == claim("state_media", "event")  # no note: the majority had none


async def test_enter_in_the_chooser_takes_the_gold_labels_not_the_first_annotators(majority: None, make_review: MakeReview) -> None:
    app = make_review()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AcceptScreen), description="the accept chooser")
        await pilot.press("enter")
        await saved(pilot, app, 0, "done")
        assert app.session.labels(0) == claim("state_media", "event")


async def test_without_gold_labels_m_says_which_fields_need_a_decision(disputed: None, make_review: MakeReview) -> None:
    app = make_review()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        assert "no gold label for Source type, Claim type" in screen_text(app)
        assert app.session.status(0) is None


async def test_the_focused_fields_votes_are_shown_whole_at_80_columns(majority: None, make_review: MakeReview) -> None:
    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")  # check: on to source type
        await wait_for(pilot, lambda: focused_id(app) == "field-source_type", description="source type focused")
        text = " ".join(screen_text(app).split())
        assert "Source type · 2 bob: Expert" in text or "Source type · 1 alice: State media" in text


async def test_long_notes_leave_the_sentence_in_view_at_80x24(store_dir: Path, corpus_dir: Path, make_review: MakeReview) -> None:
    long_note = " ".join(["this note goes on about where the claim came from"] * 15)
    label(store_dir, corpus_dir, "alice", [claim("state_media", "event", note=long_note)])
    label(store_dir, corpus_dir, "bob", [claim("expert", "event", note=long_note + " and more")])
    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = screen_text(app).splitlines()
        pane = next(number for number, line in enumerate(shown) if line.startswith("╭─ news"))  # the context pane's top border
        assert shown[pane + 1].startswith("│ Missiles fired at dawn")  # the sentence under review, in view
        await pilot.press("tab")
        assert focused_id(app) != "votes-scroll"  # the notes scroll with the mouse; tab stays in the form
