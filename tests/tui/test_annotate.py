"""Pilot tests of every annotation flow: keys in, labels on screen and records on disk out."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from annotator.corpus.load import load_corpus
from annotator.store.log import AnnotationLog
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.stats import StatsScreen
from annotator.tui.widgets.schema_form import TextField
from tests.tui.conftest import MakeApp, help_meanings, records, screen_text, status_text
from tests.tui.waiting import run_from_palette, saved, wait_for

SIZE = (120, 40)
NO_CLAIM = {"checkworthiness": "no_claim"}


async def test_digits_label_and_enter_saves_done_and_advances(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")
        await saved(pilot, app, 0, "done")
        assert app.session.cursor == 1
        on_disk = records(store_dir)
        assert [(r["labels"], r["status"], r["rev"]) for r in on_disk] == [(NO_CLAIM, "draft", 1), (NO_CLAIM, "done", 2)]


async def test_screen_says_saved_only_once_the_record_is_on_disk(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter", "k")
        await wait_for(pilot, lambda: status_text(app).startswith("saved · done"), description="the status line to say saved")
        assert records(store_dir)[-1]["status"] == "done"


async def test_multi_toggle_text_entry_and_escape(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "1", "shift+tab")  # Check; State media (each pick moves on); back to the source words
        assert isinstance(app.focused, TextField)
        await pilot.press(*"KCNA sq", "backspace", "backspace", "backspace")  # letters type, no skip
        assert app.session.shown_status(0) == "draft"
        await pilot.press("escape")
        assert not isinstance(app.focused, Input)
        assert app.focused.id == "field-claim_type"
        await pilot.press("1", "3", "1")
        assert app.session.labels(0) == {
            "checkworthiness": "check",
            "source_type": "state_media",
            "source": "KCNA",
            "claim_type": ["state"],
        }


async def test_missing_required_fields_are_named_and_unit_not_done(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "enter")
        assert app.session.cursor == 0
        await saved(pilot, app, 0, "draft")
        status_line = screen_text(app).splitlines()[-2]  # what shows at 80 columns, not cut off
        assert "saved · draft ✎   missing Source type, Claim type, Verifiability, Hedging" in status_line
        assert [r["status"] for r in records(store_dir)] == ["draft"]


@pytest.mark.parametrize(("key", "status"), [("s", "skipped"), ("f", "flagged")])
async def test_skip_and_flag_save_status_and_advance(make_app: MakeApp, store_dir: Path, key: str, status: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await saved(pilot, app, 0, status)
        assert app.session.cursor == 1
        assert records(store_dir)[0]["status"] == status


async def test_undo_appends_a_revision_restoring_the_earlier_labels(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")
        await saved(pilot, app, 0, "done")
        await pilot.press("u")
        await saved(pilot, app, 0, "draft")
        assert app.session.cursor == 0 and app.session.labels(0) == NO_CLAIM
        await pilot.press("u")
        await wait_for(pilot, lambda: len(records(store_dir)) == 4 and not app.session.is_saving(0), description="the second undo")
        on_disk = records(store_dir)
        assert [(r["status"], r["labels"], r["rev"]) for r in on_disk[2:]] == [("draft", NO_CLAIM, 3), ("retracted", {}, 4)]
        assert on_disk[3]["prev"] == on_disk[2]["id"]
        assert app.session.status(0) is None
        await pilot.press("u")
        assert "nothing to undo" in status_text(app)


async def test_search_jumps_to_matching_sentence_and_n_finds_next(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"the", "enter")
        assert app.session.cursor == 1
        await pilot.press("n")
        assert app.session.cursor == 2
        await pilot.press("slash", *"absent words", "enter")
        assert "no sentence contains absent words" in status_text(app)


async def test_reopening_resumes_with_labels_and_cursor_at_first_unlabelled(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter", "f", "1")  # done, flagged, then a draft
        await saved(pilot, app, 2, "draft")
    reopened = make_app()
    async with reopened.run_test(size=SIZE):
        assert reopened.session.cursor == 2  # a draft is not labelled yet
        assert reopened.session.labels(0) == NO_CLAIM and reopened.session.labels(2) == NO_CLAIM
        assert [reopened.session.mark(index) for index in range(3)] == ["done", "flagged", "draft"]


async def test_help_lists_keys_and_schema_definitions(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text.plain
        assert "next-unlabelled" in text and "Save the sentence as done" in text
        assert "Check-worthiness" in text and "Factual and worth checking" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_the_same_actions(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, app, "skipped", "Save the sentence as skipped")
        await saved(pilot, app, 0, "skipped")


async def test_reopening_far_down_shows_the_sentences_above_the_cursor(make_app: MakeApp, corpus_dir: Path, store_dir: Path) -> None:
    (corpus_dir / "news.txt").write_text("".join(f"Line {n} of the wire.\n\n" for n in range(60)), encoding="utf-8")
    corpus = load_corpus([corpus_dir])
    with AnnotationLog.open(store_dir, "tester") as log:
        for unit in corpus.units()[:30]:
            log.append(unit, doc_sha256=corpus.documents[0].sha256, schema="factcheck", schema_version=1, labels={}, status="skipped")
    app = make_app()
    async with app.run_test(size=(80, 24)):
        rows = screen_text(app).splitlines()
        assert any(row.startswith("▸  Line 30 ") for row in rows)
        assert any(row.startswith(" » Line 29 ") for row in rows)


async def test_g_goes_to_the_next_sentence_not_done_skipped_or_flagged(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "j", "s", "g")  # a draft on the first sentence, the second skipped
        assert app.session.cursor == 3
        await pilot.press("g")
        assert app.session.cursor == 0


async def test_a_opens_the_agreement_statistics_and_escape_returns(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert (help_meanings(app, "a"), help_meanings(app, "A")) == (["stats"], [])
        await pilot.press("escape", "a")
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        assert app.screen is app.annotate_screen and app.focused.id == "field-checkworthiness"


async def test_the_palette_opens_the_agreement_statistics(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, app, "Agreement statistics", "Agreement statistics")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen), description="the statistics screen")


async def test_a_typed_into_a_text_field_is_text(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "1", "shift+tab", *"a a")
        assert app.screen is app.annotate_screen and app.focused.value == "a a"


async def test_palette_commands_run_from_a_text_field_and_keep_the_text(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "tab", *"odd")  # typed into the note field (tab, tab from check-worthiness)
        await run_from_palette(pilot, app, "skipped", "Save the sentence as skipped")
        await saved(pilot, app, 0, "skipped")
        assert records(store_dir)[-1]["labels"] == {"note": "odd"}


@pytest.mark.parametrize("size", [(80, 24), (40, 12), (10, 5)])
async def test_small_terminals_do_not_crash(make_app: MakeApp, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("j", "1", "tab", "question_mark", "escape")
        await pilot.resize_terminal(6, 3)
        await pilot.press("k")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
    assert app.return_code in (None, 0)
