"""The context pane keeps the current sentence in view inside a paragraph taller than the pane."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.tui.widgets.context import ContextPane, first_shown_line
from tests.tui.conftest import MakeApp, screen_text
from tests.tui.waiting import wait_for

SENTENCES = [f"Sentence number {n} of the long paragraph says something else again." for n in range(1, 16)]


@pytest.mark.parametrize(
    ("unit_lines", "total", "height", "first"),
    [
        (range(2), 3, 7, 0),  # the paragraph fits
        (range(4, 6), 20, 7, 0),  # the unit fits below the paragraph's start
        (range(10, 12), 20, 7, 8),  # centred
        (range(18, 20), 20, 7, 13),  # centred, but no blank rows after the paragraph's end
        (range(5, 15), 20, 7, 5),  # taller than the pane: its start
        (range(0), 20, 7, 0),  # nothing marked
    ],
)
def test_first_shown_line(unit_lines: range, total: int, height: int, first: int) -> None:
    assert first_shown_line(unit_lines, total, height) == first


async def test_a_sentence_deep_in_a_long_paragraph_is_shown(make_app: MakeApp, tmp_path: Path) -> None:
    document = tmp_path / "long.txt"
    document.write_text(" ".join(SENTENCES) + "\n", encoding="utf-8")
    app = make_app([document])
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.annotate_screen.query_one("#context", ContextPane)
        assert SENTENCES[0] in " ".join(pane.shown.plain.split())
        assert str(pane.border_subtitle) == "↓ paragraph 1 of 1"
        await pilot.press(*["j"] * 14)
        shown = " ".join(pane.shown.plain.split())
        assert SENTENCES[-1] in shown and SENTENCES[0] not in shown
        assert str(pane.border_subtitle) == "↑ paragraph 1 of 1"
        await pilot.press(*["k"] * 7)
        assert SENTENCES[7] in " ".join(pane.shown.plain.split())
        assert str(pane.border_subtitle) == "↑↓ paragraph 1 of 1"


async def test_the_paragraphs_before_and_after_are_shown_where_there_is_room(make_app: MakeApp, tmp_path: Path) -> None:
    document = tmp_path / "three.txt"
    document.write_text("First paragraph.\n\nMiddle paragraph.\n\nLast paragraph.\n", encoding="utf-8")
    app = make_app([document])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j")
        pane = app.annotate_screen.query_one("#context", ContextPane)
        assert pane.shown.plain.split("\n") == ["First paragraph.", "", "Middle paragraph.", "", "Last paragraph."]


async def test_a_sentence_longer_than_the_pane_is_shown_whole_at_80x24(make_app: MakeApp, tmp_path: Path) -> None:
    long_sentence = " ".join(["The ministry said the missiles flew about four hundred kilometres"] * 5) + "."
    document = tmp_path / "long.txt"
    document.write_text(f"Short one.\n\n{long_sentence}\n\nShort two.\n", encoding="utf-8")
    app = make_app([document])
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.annotate_screen.query_one("#context", ContextPane)
        await pilot.press("j")
        await wait_for(pilot, lambda: long_sentence in " ".join(pane.shown.plain.split()), description="the whole long sentence")
        await pilot.press("j")  # a short sentence: the pane goes back to its height
        await wait_for(pilot, lambda: pane.outer_size.height == 9, description="the pane's own height again")


async def test_the_title_is_the_document_id_and_wrapped_prose_reads_as_one_line(make_app: MakeApp, tmp_path: Path) -> None:
    records = [
        {
            "id": "kcna-0814",
            "text": "Kim orders missile boost\n\nNorth Korean leader Kim Jong Un has issued a direct order for a\nboost, state media said.",
        },
        {"id": "kcna-0815", "text": "A second document."},
    ]
    corpus = tmp_path / "wire.jsonl"
    corpus.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    app = make_app([corpus])
    async with app.run_test(size=(100, 24)) as pilot:
        pane = app.annotate_screen.query_one("#context", ContextPane)
        assert str(pane.border_title) == "kcna-0814"
        await pilot.press("j")
        paragraph = "North Korean leader Kim Jong Un has issued a direct order for a boost, state media said."
        assert paragraph in pane.context.plain.split("\n\n")  # after the headline's paragraph
        assert "for a boost, state media said." in screen_text(app)  # the sentence list's row, on one line
        await pilot.press("j")
        assert str(pane.border_title) == "kcna-0815"
