"""SVG snapshots of the main and help screens at 80x24 and 120x40 (Textual pinned in the test extra)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from annotator.tui.app import AnnotatorApp
from annotator.tui.launch import prepare
from tests.tui.conftest import SCHEMA, SMALL_TEXT
from tests.tui.waiting import saved

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AnnotatorApp:
    """The app over a one-document corpus named by a relative path, so the screen is the same on every
    machine; the annotator's file exists (empty), so no toast says that it is new."""
    monkeypatch.chdir(tmp_path)
    Path("news.txt").write_text(SMALL_TEXT, encoding="utf-8")
    Path("store").mkdir()
    Path("store", "tester.jsonl").touch()
    return prepare(paths=["news.txt"], annotator="tester", schema_path=SCHEMA, store_dir=Path("store"))


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_main_screen(snap_compare, app: AnnotatorApp, size: tuple[int, int]) -> None:
    async def label(pilot: Pilot) -> None:
        await pilot.press("1", "enter")
        await saved(pilot, app, 0, "done")
        await pilot.press("3", "2")  # the next sentence half labelled: a draft
        await saved(pilot, app, 1, "draft")

    assert snap_compare(app, terminal_size=size, run_before=label)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_help_screen(snap_compare, app: AnnotatorApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, press=["question_mark"])
