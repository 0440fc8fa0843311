"""The app writes where each value came from: a pick is `typed`, a suggestion the session accepted
is `suggested` (the UI for suggestions builds on `Session.accept_suggested`)."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import MakeApp, records
from tests.tui.waiting import saved


async def test_a_pick_is_saved_as_typed_and_an_accepted_suggestion_as_suggested(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await saved(pilot, app, 0, "draft")
        request = app.session.accept_suggested(1, {"checkworthiness": "check", "hedging": "asserted"})
        assert request is not None
        await app.submit(request)
        await saved(pilot, app, 1, "draft")
    assert [(r["labels"], r["origin"]) for r in records(store_dir)] == [
        ({"checkworthiness": "no_claim"}, {"checkworthiness": "typed"}),
        ({"checkworthiness": "check", "hedging": "asserted"}, {"checkworthiness": "suggested", "hedging": "suggested"}),
    ]
