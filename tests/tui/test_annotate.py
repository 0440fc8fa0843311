"""Pilot tests of every annotation flow: keys in, labels on screen and records on disk out."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeApp, records
from textual.pilot import Pilot
from textual.widgets import Input, Static
from waiting import wait_for

from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.help import HelpScreen
from annotator.tui.widgets.schema_form import TextField

SIZE = (120, 40)


def status_text(app: AnnotatorApp) -> str:
    return str(app.screen.query_one("#status", Static).content)


def session(app: AnnotatorApp):  # noqa: ANN201 - the app's Session
    return app.session


async def saved(pilot: Pilot, app: AnnotatorApp, index: int, status: str) -> None:
    """Wait until the screen says unit `index` is saved with `status`."""
    await wait_for(pilot, lambda: app.session.status(index) == status and not app.session.is_saving(index), description=f"unit {index} saved as {status}")


async def test_digits_label_and_enter_saves_done_and_advances(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")
        await saved(pilot, app, 0, "done")
        assert app.session.cursor == 1
        on_disk = records(store_dir)
        assert [(r["labels"], r["status"], r["rev"]) for r in on_disk] == [({"checkworthiness": "no_claim"}, "done", 1)]


async def test_screen_says_saved_only_once_the_record_is_on_disk(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter", "k")
        await wait_for(pilot, lambda: "saved" in status_text(app), description="the status line to say saved")
        assert records(store_dir)[-1]["status"] == "done"


async def test_multi_toggle_text_entry_and_escape(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "tab", "1", "tab")  # check-worthiness: Check; source type: State media
        assert isinstance(app.focused, TextField)
        await pilot.press(*"KCNA sq", "backspace", "backspace", "backspace")  # letters type, no skip
        assert app.session.status(0) is None
        await pilot.press("escape")
        assert not isinstance(app.focused, Input)
        assert app.focused.id == "field-claim_type"
        await pilot.press("1", "3", "1")
        assert app.session.labels(0) == {"checkworthiness": "check", "source_type": "state_media", "source": "KCNA", "claim_type": ["state"]}


async def test_missing_required_fields_are_named_and_unit_not_done(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "enter")
        assert "missing Source type, Claim type, Verifiability, Hedging" in status_text(app)
        assert app.session.status(0) is None and app.session.cursor == 0
        assert records(store_dir) == []


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
        await wait_for(pilot, lambda: len(records(store_dir)) == 2 and not app.session.is_saving(0), description="the undo record")
        undo = records(store_dir)[1]
        assert (undo["status"], undo["labels"], undo["rev"]) == ("retracted", {}, 2)
        assert undo["prev"] == records(store_dir)[0]["id"]
        assert app.session.cursor == 0 and app.session.status(0) is None


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
        await pilot.press("1", "enter", "f")
        await saved(pilot, app, 1, "flagged")
    reopened = make_app()
    async with reopened.run_test(size=SIZE):
        assert reopened.session.cursor == 2
        assert reopened.session.labels(0) == {"checkworthiness": "no_claim"}
        assert reopened.session.mark(1) == "flagged"


async def test_failed_save_is_shown_and_labels_stay_to_retry(make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()

    def disk_full(*_args: object, **_kwargs: object) -> dict:
        raise OSError(28, "No space left on device")

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        monkeypatch.setattr(app.saver.log, "append", disk_full)
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: "save failed" in status_text(app), description="the failure on the status line")
        assert app.screen.query_one("#status").has_class("-error")
        assert "No space left on device" in status_text(app)
        assert app.session.labels(0) == {"checkworthiness": "no_claim"} and app.session.is_unsaved(0)
        assert app.session.status(0) is None
        monkeypatch.undo()
        await pilot.press("enter")  # retry
        await saved(pilot, app, 0, "done")
    assert [r["status"] for r in records(store_dir)] == ["done"]


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
        await pilot.press("ctrl+p", *"skipped", "enter")
        await saved(pilot, app, 0, "skipped")


async def test_quit_key_exits_and_nothing_shown_saved_is_lost(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter", "s", "q")
    assert [r["status"] for r in records(store_dir)] == ["done", "skipped"]


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
