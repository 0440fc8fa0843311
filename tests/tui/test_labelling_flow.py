"""The labelling flow: keys typed fast, picking, clearing and moving on, without traps."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from annotator.tui.app import AnnotatorApp
from tests.tui.conftest import MakeApp, focused_id, footer_keys, screen_text, settings_file, status_text
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
        assert app.focused is not None and app.focused.id == "field-source_type"  # the pick moved on


async def test_a_digit_on_the_chosen_value_keeps_it_and_backspace_clears_the_field(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")  # no claim, done
        await saved(pilot, app, 0, "done")
        await pilot.press("k", "1")  # the same value again on the done sentence
        await wait_for(pilot, lambda: not app.session.writing(), description="nothing on its way")
        assert app.session.labels(0) == {"checkworthiness": "no_claim"} and app.session.status(0) == "done"
        await pilot.press("shift+tab", "backspace")  # back to check-worthiness (the pick moved on), then clear
        await saved(pilot, app, 0, "draft")
        assert app.session.labels(0) == {}


async def test_enter_refused_moves_to_the_first_missing_field_and_the_message_goes_when_none_is_missing(make_app: MakeApp) -> None:
    app = make_app(settings=settings_file({"advance_after_pick": False}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "enter")  # check: source type, claim type, verifiability and hedging missing
        await wait_for(pilot, lambda: "missing Source type" in status_text(app), description="the missing fields named")
        assert focused_id(app) == "field-source_type"
        await pilot.press("1", "tab", "tab", "1", "tab", "1", "tab", "1")  # state media; (source); event; public; asserted
        await saved(pilot, app, 0, "draft")
        assert "missing" not in status_text(app)


async def test_a_pick_in_a_one_value_field_moves_on_past_text_fields_a_multi_choice_stays(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "1")  # check, then state media: on to claim type, past the source words
        assert focused_id(app) == "field-claim_type"
        await pilot.press("1", "2")  # two claim types: a multiple choice stays
        assert focused_id(app) == "field-claim_type"
        await pilot.press("tab", "2", "1")  # restricted, asserted: on to flags
        assert focused_id(app) == "field-flags"
        await pilot.press("enter")
        await saved(pilot, app, 0, "done")


async def test_the_settings_file_can_keep_the_focus_after_a_pick(make_app: MakeApp) -> None:
    app = make_app(settings=settings_file({"advance_after_pick": False}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert focused_id(app) == "field-checkworthiness"


async def test_pagedown_and_arrows_move_between_sentences_when_the_form_is_taller_than_its_pane(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")  # a draft whose form does not fit
        await saved(pilot, app, 0, "draft")
        await pilot.press("pagedown")
        assert app.session.cursor == len(app.session.units) - 1  # a page down: the last of the 4 sentences
        await pilot.press("up")
        assert app.session.cursor == len(app.session.units) - 2


async def test_the_whole_definition_of_the_highlighted_value_is_shown_at_80x24(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "1", "1", "tab", "right", "right")  # verifiability, Attribution only highlighted
        assert focused_id(app) == "field-verifiability"
        right_pane = " ".join(line.split("▏", 1)[1] for line in screen_text(app).splitlines() if "▏" in line)
        assert "(transcript, KCNA text), not the content" in " ".join(right_pane.split())


async def test_search_says_which_match_of_how_many_and_when_it_went_round(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"the", "enter")
        assert app.session.cursor == 1 and "match 1 of 2: the" in status_text(app)
        await pilot.press("n")
        assert app.session.cursor == 2 and "match 2 of 2: the" in status_text(app)
        await pilot.press("n")
        assert app.session.cursor == 1 and "match 1 of 2, from the top again: the" in status_text(app)


async def test_the_header_says_how_many_are_done_in_this_document_and_in_all(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")
        await saved(pilot, app, 0, "done")
        header = screen_text(app).splitlines()[0]
        assert "1 of 4 done in this document, 1 of 4 in all  sentence 2" in header


async def test_capital_d_f_s_go_to_the_next_draft_flagged_and_skipped_sentence_and_all_done_is_said(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "j", "f", "s")  # a draft, a flagged and a skipped sentence
        await saved(pilot, app, 2, "skipped")
        await pilot.press("D")
        assert app.session.cursor == 0
        await pilot.press("F")
        assert app.session.cursor == 1
        await pilot.press("S")
        assert app.session.cursor == 2
        await pilot.press("D", "enter", "j", "j", "j", "1", "enter")  # the draft and the last sentence done
        await saved(pilot, app, 3, "done")
        assert "every sentence is done, skipped or flagged" in status_text(app)


async def test_the_sentence_list_shows_where_each_document_starts(make_app: MakeApp, corpus_dir: Path) -> None:
    (corpus_dir / "other.txt").write_text("Another document starts here.\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        rows = [line.split("▏")[0].rstrip() for line in screen_text(app).splitlines()[1:8]]
        assert rows[0].startswith("── news ─") and rows[5].startswith("── other ─")
        assert rows[6].endswith("Another document starts here.")
        await pilot.click("#sentences", offset=(5, 5))  # the second heading: its document's first sentence
        assert app.session.cursor == 4


@pytest.mark.parametrize("size", [(40, 12), (80, 24), (120, 40)])
async def test_every_key_the_footer_shows_is_whole(make_app: MakeApp, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        shown = footer_keys(app)
        assert "palette" in shown.values() and len(shown) >= 3
        for key, description in shown.items():
            assert f"{key} {description}" in footer, footer
