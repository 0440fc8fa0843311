"""The page a browser tab shows when the UI cannot open there: the message, literally, and a key to close it."""

from __future__ import annotations

from textual.widgets import Static

from annotator.tui.message_app import MessageApp

HOSTILE_NAME = "store/[bold]x [@click=app.quit]q\x1b[2J.jsonl"


async def test_the_message_shows_literally_and_q_closes_it() -> None:
    app = MessageApp("annotator annotate", [f"{HOSTILE_NAME} is open in another annotator process (lock held)"])
    async with app.run_test(size=(100, 20)) as pilot:
        message = app.query_one("#message", Static)
        assert str(message.content) == "store/[bold]x [@click=app.quit]q␛[2J.jsonl is open in another annotator process (lock held)"
        assert str(message.border_title) == "annotator annotate"
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
