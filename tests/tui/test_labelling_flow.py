"""The labelling flow: keys typed fast, picking, clearing and moving on, without traps."""

from __future__ import annotations

from textual import events

from annotator.tui.app import AnnotatorApp
from tests.tui.conftest import MakeApp
from tests.tui.waiting import saved, wait_for

SIZE = (120, 40)


def type_fast(app: AnnotatorApp, *keys: str) -> None:
    """Send keys as a terminal does when they are typed faster than the app handles them: all at
    once, none waiting for the one before."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_keys_typed_fast_go_to_the_field_focused_when_their_turn_comes(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "tab")  # to the note
        assert app.focused is not None and app.focused.id == "field-note"
        type_fast(app, "tab", "2")  # tab leaves the note for check-worthiness; 2 picks Minor there
        await saved(pilot, app, 0, "draft")
        assert app.session.labels(0) == {"checkworthiness": "minor"}
        assert app.focused is not None and app.focused.id == "field-checkworthiness"
