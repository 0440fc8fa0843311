"""The annotation UI over labels of an earlier schema version: L goes to a label with a field to
decide, the form shows the value as written beside the field, and the decision is a new revision
of the current version appended to the file."""

from __future__ import annotations

from pathlib import Path

import orjson

from annotator.tui.launch import prepare
from tests.migrations import CHECK, V2_NAME, write_v1_project
from tests.tui.conftest import screen_text, status_text
from tests.tui.waiting import saved

SIZE = (80, 24)  # the form scrolls: the field to decide must come into view


async def test_the_queue_goes_to_the_label_to_decide_and_the_decision_is_appended(tmp_path: Path) -> None:
    store = write_v1_project(tmp_path)
    file = store / "alice.jsonl"
    written = file.read_bytes()
    app = prepare(paths=[str(tmp_path / "seeds")], annotator="alice", schema_path=tmp_path / "schemas" / V2_NAME, store_dir=store)
    assert any(
        "5 labels written with an earlier version of factcheck, read as v2; 1 label with a field to decide" in n for n in app.notices
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L")
        assert app.session.cursor == 1 and app.focused is not None and app.focused.id == "field-verifiability"
        assert "? was Restricted (v1)" in screen_text(app)
        await pilot.press("enter")
        assert "missing Verifiability" in status_text(app)
        await pilot.press("3")  # Private records
        await saved(pilot, app, 1, "done")
        assert "was Restricted" not in screen_text(app)
        await pilot.press("L")
        assert "no other sentence has a field to decide" in status_text(app)
    data = file.read_bytes()
    assert data.startswith(written)  # nothing written before is touched
    (decision,) = map(orjson.loads, data[len(written) :].splitlines())
    assert decision["schema_version"] == 2 and decision["rev"] == 2 and decision["status"] == "done"
    assert decision["labels"] == {**CHECK, "verifiability": "restricted_private"}
