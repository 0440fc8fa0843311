"""Every change is on disk at once: picks as drafts, typed text on leaving, pausing and quitting,
nothing shown as saved lost to a quit or a kill, and a failed save kept on screen to retry."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from textual import events
from textual.messages import ExitApp
from textual.pilot import Pilot

from annotator.tui.app import AnnotatorApp
from annotator.tui.screens import annotate as annotate_module
from annotator.tui.screens.quit import QuitScreen
from annotator.tui.widgets.schema_form import TextField
from tests.tui.conftest import SCHEMA, MakeApp, records, screen_text, status_text
from tests.tui.waiting import TIMEOUT, run_from_palette, saved, wait_beside_the_screen, wait_for

SIZE = (120, 40)
NO_CLAIM = {"checkworthiness": "no_claim"}
CHECK_STATE_MEDIA = {"checkworthiness": "check", "source_type": "state_media"}
SOURCE_FIELD = ("3", "1", "shift+tab")  # Check; State media (each pick moves on); back to the source text field

# Picks a value, waits until the screen says saved, then dies at once as `kill -9` would.
KILLED_CHILD = """
import os, signal, sys
from pathlib import Path
from textual.widgets import Static
from annotator.tui.launch import prepare

async def pick_then_die(pilot):
    await pilot.press("1")
    status = pilot.app.screen.query_one("#status", Static)
    while not str(status.content).startswith("saved"):
        await pilot.pause(0.01)
    os.kill(os.getpid(), signal.SIGKILL)

app = prepare(paths=[sys.argv[1]], annotator="tester", schema_path=Path(sys.argv[2]), store_dir=Path(sys.argv[3]))
app.run(headless=True, auto_pilot=pick_then_die)
"""


async def test_a_pick_on_an_unlabelled_sentence_is_on_disk_as_draft_once_saved_shows(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await wait_for(pilot, lambda: status_text(app).startswith("saved · draft"), description="the status line to say saved")
        assert [(r["labels"], r["status"]) for r in records(store_dir)] == [(NO_CLAIM, "draft")]
        assert screen_text(app).splitlines()[2].startswith("▸✎ Missiles fired at dawn")  # under the header and the document's heading


def held_disk(app: AnnotatorApp, monkeypatch: pytest.MonkeyPatch, then: Callable[..., dict] | None = None) -> threading.Event:
    """Make the app's appends wait on the writer thread until the returned event is set, then append
    (or call `then` instead)."""
    release = threading.Event()
    append = then or app.annotation_log.append

    def held_append(*args: object, **kwargs: object) -> dict:
        release.wait(TIMEOUT)
        return append(*args, **kwargs)

    monkeypatch.setattr(app.annotation_log, "append", held_append)
    return release


async def test_a_key_waits_for_the_disk_so_the_change_and_saved_show_together(
    make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(annotate_module, "SAVE_WAIT_SECONDS", TIMEOUT)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        painted: list[str] = []  # the status line at each repaint of the screen
        repaint = app.screen._compositor_refresh
        monkeypatch.setattr(app.screen, "_compositor_refresh", lambda: (painted.append(status_text(app)), repaint()))
        release = held_disk(app, monkeypatch)
        threading.Timer(0.2, release.set).start()  # after the press's own pauses: only the key's wait covers it
        await pilot.press("1")
        assert [(r["labels"], r["status"]) for r in records(store_dir)] == [(NO_CLAIM, "draft")]
        assert status_text(app).startswith("saved · draft")
        await wait_for(pilot, lambda: bool(painted), description="a repaint")
        assert not any(status == "saving…" for status in painted)


async def test_keys_typed_while_enter_waits_for_the_disk_go_to_the_next_sentence(
    make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # x is sent while enter waits for the held disk; the app takes it once enter stops waiting
    # (SAVE_WAIT_SECONDS), and by then the next sentence has the focus.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "tab", *"abc")  # no claim (the pick moves on to flags), then the note
        assert isinstance(app.focused, TextField) and app.focused.field.id == "note"
        release = held_disk(app, monkeypatch)
        # Sent as a terminal does: Pilot.press would wait for the screen, whose queue enter holds.
        app.post_message(events.Key("enter", "\r"))
        await wait_beside_the_screen(lambda: app.session.shown_status(0) == "done", description="enter to wait for the disk")
        handled = asyncio.Event()
        app.post_message(events.Key("x", "x"))
        app.call_later(lambda: app.focused.call_later(handled.set))  # after x, where x went
        await wait_beside_the_screen(handled.is_set, description="x handled by the focused widget")
        release.set()
        await saved(pilot, app, 0, "done")
        await wait_for(pilot, lambda: not app.session.writing(), description="every change on disk")
        assert app.session.cursor == 1 and app.session.labels(1) == {}
    assert [(r["start"], r["labels"], r["status"]) for r in records(store_dir)] == [
        (0, NO_CLAIM, "draft"),
        (0, NO_CLAIM | {"note": "abc"}, "draft"),
        (0, NO_CLAIM | {"note": "abc"}, "done"),
    ]


async def test_on_a_slow_disk_a_pick_shows_saving_then_saved(make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        release = held_disk(app, monkeypatch)
        await pilot.press("1")  # returns with the record still on its way: keys never wait long for the disk
        assert status_text(app) == "saving…" and records(store_dir) == []
        assert app.session.labels(0) == NO_CLAIM
        release.set()
        await wait_for(pilot, lambda: status_text(app).startswith("saved · draft"), description="the status line to say saved")
        assert [(r["labels"], r["status"]) for r in records(store_dir)] == [(NO_CLAIM, "draft")]


async def test_quitting_right_after_a_pick_loses_nothing(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "q")
    assert [(r["labels"], r["status"]) for r in records(store_dir)] == [(NO_CLAIM, "draft")]


def disk_full(*_args: object, **_kwargs: object) -> dict:
    raise OSError(28, "No space left on device")


async def fail_a_pick(pilot: Pilot, app: AnnotatorApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check-worthiness saved as a draft, then the source type picked on a full disk."""
    await pilot.press("3")  # the pick moves on to source type
    await saved(pilot, app, 0, "draft")
    monkeypatch.setattr(app.annotation_log, "append", disk_full)
    await pilot.press("1")
    await wait_for(pilot, lambda: app.session.is_unsaved(0), description="the failed save")


QUITS = {"q": ("q",), "ctrl+q": ("ctrl+q",), "palette": ("ctrl+p", *"Quit the app")}


async def quit_with(pilot: Pilot, app: AnnotatorApp, keys: tuple[str, ...]) -> None:
    if keys[0] == "ctrl+p":
        await run_from_palette(pilot, app, "".join(keys[1:]), "Quit")
    else:
        await pilot.press(*keys)


@pytest.mark.parametrize("quit_keys", QUITS.values(), ids=QUITS.keys())
@pytest.mark.parametrize("back", ["n", "escape"])
async def test_quitting_with_a_failed_save_asks_and_back_keeps_the_labels(
    make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch, quit_keys: tuple[str, ...], back: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await fail_a_pick(pilot, app, monkeypatch)
        await pilot.press("j")
        await quit_with(pilot, app, quit_keys)
        await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen), description="the quit question")
        assert str(app.screen.question) == "1 change is not saved (No space left on device). Quit anyway and lose it? y / n"
        await wait_for(pilot, lambda: "1 change is not saved" in screen_text(app), description="the question on screen")
        await pilot.press(back)
        assert app.is_running and app.screen is app.annotate_screen
        assert app.session.cursor == 0 and app.session.labels(0) == CHECK_STATE_MEDIA
        assert "save failed" in status_text(app)
        monkeypatch.undo()
        await pilot.press("enter")  # the retry saves it
        await saved(pilot, app, 0, "draft")
        await pilot.press("q")  # everything saved: one key quits
    assert records(store_dir)[-1]["labels"] == CHECK_STATE_MEDIA


async def test_yes_quits_and_loses_the_unsaved_labels(make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await fail_a_pick(pilot, app, monkeypatch)
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen), description="the quit question")
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, description="the app to quit")
    assert [r["labels"] for r in records(store_dir)] == [{"checkworthiness": "check"}]


async def test_a_save_failing_while_quitting_is_asked_about(make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        release = held_disk(app, monkeypatch, then=disk_full)
        await pilot.press("1", "q")  # the pick is still on its way to disk when q is pressed
        assert app.is_running and not isinstance(app.screen, QuitScreen)
        release.set()
        await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen), description="the quit question")
        await pilot.press("y")
    assert records(store_dir) == []


async def test_quitting_says_it_waits_for_the_changes_on_their_way_to_disk(
    make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        release = held_disk(app, monkeypatch)
        await pilot.press("1", "j", "1", "q")
        assert status_text(app) == "saving…   quitting once 2 changes are on disk"
        release.set()
        await wait_for(pilot, lambda: not app.is_running, description="the app to quit")
    assert [(r["labels"], r["status"]) for r in records(store_dir)] == [(NO_CLAIM, "draft"), (NO_CLAIM, "draft")]


def test_a_kill_after_saved_shows_loses_nothing(corpus_dir: Path, store_dir: Path) -> None:
    child = subprocess.run(
        [sys.executable, "-c", KILLED_CHILD, str(corpus_dir), str(SCHEMA), str(store_dir)], capture_output=True, timeout=120
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    assert [(r["labels"], r["status"]) for r in records(store_dir)] == [(NO_CLAIM, "draft")]


async def test_typed_text_is_saved_when_escape_leaves_the_field(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SOURCE_FIELD, *"KCNA", "escape")
        await saved(pilot, app, 0, "draft")
        assert records(store_dir)[-1]["labels"]["source"] == "KCNA"
        assert len(records(store_dir)) == 3  # two picks and the text: no revision per key


async def test_typed_text_is_saved_after_a_pause_and_typing_goes_on(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SOURCE_FIELD, *"state ")
        await wait_for(
            pilot, lambda: records(store_dir)[-1]["labels"].get("source") == "state", description="the text saved while typing pauses"
        )
        assert isinstance(app.focused, TextField)
        await pilot.press(*"media")
        assert app.focused.value == "state media"  # the saved text did not eat the space


async def test_text_typed_without_a_pause_is_saved_while_typing_goes_on(
    make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(annotate_module, "TEXT_SAVE_SECONDS", 0.2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SOURCE_FIELD)
        typed = "Korean Central News Agency"
        for key in typed:  # a key every 50 ms, never the pause the save used to wait for
            await pilot.press(key)
            await pilot.pause(0.05)
        saved_while_typing = [record["labels"].get("source", "") for record in records(store_dir)]
        assert any(text and typed.startswith(text) for text in saved_while_typing)
        await pilot.press("escape")
        await saved(pilot, app, 0, "draft")
        assert records(store_dir)[-1]["labels"]["source"] == typed


async def test_the_status_line_says_when_typed_text_is_not_on_disk_yet(make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(annotate_module, "TEXT_SAVE_SECONDS", 60)  # not before the test is over
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SOURCE_FIELD, *"KCNA")
        assert status_text(app) == "typed text not on disk yet"
        await pilot.press("escape")
        await wait_for(pilot, lambda: status_text(app).startswith("saved · draft"), description="the text saved")


async def test_typed_text_is_saved_on_quit(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SOURCE_FIELD)
        for key in "KCNA":  # sent as a fast typist's terminal does: not yet typed when ctrl+q arrives
            app.post_message(events.Key(key, key))
        await pilot.press("ctrl+q")
    assert records(store_dir)[-1]["labels"]["source"] == "KCNA"


async def test_typed_text_is_saved_when_the_app_is_told_to_exit(
    make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As textual-serve tells a browser tab's app when the tab closes or the server stops (no key)."""
    monkeypatch.setattr(annotate_module, "TEXT_SAVE_SECONDS", 60)  # not before the test is over
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SOURCE_FIELD, *"KCNA")
        app.post_message(ExitApp())
    assert records(store_dir)[-1]["labels"]["source"] == "KCNA"


async def test_a_save_that_leaves_the_file_unwritable_says_to_start_again_not_to_retry(
    make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.unit.store.test_store import failing

    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("3")
        await saved(pilot, app, 0, "draft")
        failing(monkeypatch, "write", app.annotation_log, partial=40)  # a torn line that cannot be cut back
        failing(monkeypatch, "ftruncate", app.annotation_log)
        await pilot.press("1")
        await wait_for(pilot, lambda: "save failed" in status_text(app), description="the failure on the status line")
        assert "Quit and start annotator again to go on" in status_text(app) and "enter to retry" not in status_text(app)
        await pilot.press("j", "k")
        assert status_text(app) == "not saved: quit and start again to save"
        monkeypatch.undo()
        await pilot.press("enter")  # a retry cannot save it: the file is written no more in this session
        await wait_for(pilot, lambda: "Quit and start annotator again" in status_text(app), description="the same advice again")
    saved_line, torn = (store_dir / "tester.jsonl").read_bytes().split(b"\n")
    assert orjson.loads(saved_line)["labels"] == {"checkworthiness": "check"}
    assert len(torn) == 40  # set aside when the file is next opened


async def test_a_failed_save_is_shown_and_enter_retries(make_app: MakeApp, store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("3")  # the pick moves on to source type
        await saved(pilot, app, 0, "draft")
        monkeypatch.setattr(app.annotation_log, "append", disk_full)
        await pilot.press("1")  # source type: State media; the focus moves on to claim type
        await wait_for(pilot, lambda: "save failed" in status_text(app), description="the failure on the status line")
        assert app.annotate_screen.query_one("#status").has_class("-error")
        assert "No space left on device" in status_text(app)
        assert app.focused.id == "field-claim_type"  # the next key still goes where the annotator went
        assert app.session.labels(0) == CHECK_STATE_MEDIA and app.session.mark(0) == "unsaved"
        await pilot.press("j")
        assert screen_text(app).splitlines()[2].startswith(" ! Missiles")  # the gutter marks it
        await pilot.press("k")
        assert status_text(app) == "not saved: enter retries"
        assert app.annotate_screen.query_one("#status").has_class("-error")
        monkeypatch.undo()
        await pilot.press("enter")  # retry: not done (fields are missing), saved as the draft it is
        await saved(pilot, app, 0, "draft")
        assert "missing Claim type" in status_text(app) and app.session.mark(0) == "draft"
    assert [(r["labels"], r["status"]) for r in records(store_dir)] == [
        ({"checkworthiness": "check"}, "draft"),
        (CHECK_STATE_MEDIA, "draft"),
    ]
