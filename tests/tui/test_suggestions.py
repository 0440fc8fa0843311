"""Suggestions in the annotation UI: suggested values marked ◇ in their fields, `y` accepting all of
them and `Y` the focused field's, the cue words marked by kind in the sentence with a legend in the
help, and `--no-suggestions` (or the project's `show = false`) hiding them all."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content

from annotator.corpus.document import Unit
from annotator.suggest.model import Cue
from annotator.tui.screens.help import HelpScreen
from annotator.tui.widgets.context import CUE_GROUPS, ContextPane, marked_unit
from tests.tui.conftest import MakeApp, focused_id, footer_keys, records, screen_text
from tests.tui.waiting import saved, wait_for

SIZE = (120, 40)
CLAIM = 1  # "North Korea fired two missiles on Monday, the military said."


async def test_y_accepts_every_suggested_value_and_the_record_says_so(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        suggested = app.session.suggestions(CLAIM).values()  # type: ignore[union-attr]
        assert suggested["checkworthiness"] == "check" and suggested["source"] == "the military"
        assert "◇ suggested" in screen_text(app) and "suggested: the military" not in screen_text(app)  # source is not asked yet
        await pilot.press("y")
        await saved(pilot, app, CLAIM, "draft")
    record = records(store_dir)[-1]
    assert record["labels"] == suggested
    assert record["origin"] == dict.fromkeys(suggested, "suggested")
    assert record["suggested"] == suggested


async def test_shift_y_accepts_the_focused_fields_suggestion_only(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "Y")
        await saved(pilot, app, CLAIM, "draft")
        await wait_for(pilot, lambda: "suggested: the military" in screen_text(app), description="the source words suggested")
    assert [(r["labels"], r["origin"]) for r in records(store_dir)] == [({"checkworthiness": "check"}, {"checkworthiness": "suggested"})]


async def test_picking_another_value_replaces_the_suggestion(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "2")
        await saved(pilot, app, CLAIM, "draft")
    record = records(store_dir)[-1]
    assert record["labels"]["checkworthiness"] == "minor" and record["origin"] == {"checkworthiness": "typed"}
    assert record["suggested"]["checkworthiness"] == "check"


async def test_the_cue_words_are_marked_by_kind_with_a_legend_in_the_help(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        context = app.annotate_screen.query_one("#context", ContextPane).context
        marked = {context.plain[span.start : span.end]: span.style for span in context.spans}
        assert marked["said"] == CUE_GROUPS["attribution"][0]
        source_words, source_type = CUE_GROUPS["source"][0], CUE_GROUPS["source type"][0]
        assert marked["the military"] == f"{source_words} {source_type}"  # the words naming it, of a kind of source
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), description="the help")
        text = str(app.screen.text)  # type: ignore[attr-defined]
        assert "Cue words in the sentence" in text
        assert all(said in text for _style, said in CUE_GROUPS.values())


async def test_no_suggestions_shows_none_and_records_none(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app(suggestions=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        assert "◇" not in screen_text(app) and "y" not in footer_keys(app)
        context = app.annotate_screen.query_one("#context", ContextPane).context
        assert {span.style for span in context.spans} <= {"bold reverse", "$text-muted"}
        await pilot.press("y", "2")
        await saved(pilot, app, CLAIM, "draft")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), description="the help")
        assert "Cue words" not in str(app.screen.text)  # type: ignore[attr-defined]
    assert [(r["labels"], "suggested" in r) for r in records(store_dir)] == [({"checkworthiness": "minor"}, False)]


def test_a_cue_over_control_characters_shows_them_as_symbols() -> None:
    text = "Officials \x1b[31msaid\x1b[0m it rained."
    unit = Unit("doc", 0, len(text), text, 0)
    start = text.index("\x1b[31m")
    marked = marked_unit(text, unit, [Cue(start, start + len("\x1b[31msaid"), "\x1b[31msaid", "attribution.neutral")])
    assert "\x1b" not in marked.plain and "␛[31msaid" in marked.plain
    assert isinstance(marked, Content)


async def test_after_y_the_first_field_left_to_decide_is_focused_and_in_view(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "y")
        await saved(pilot, app, CLAIM, "draft")
        form = app.annotate_screen.form
        await wait_for(pilot, lambda: focused_id(app) == "field-claim_type", description="the first field without a value focused")
        await wait_for(pilot, lambda: form.region.contains_region(app.focused.region), description="the focused field in view")  # type: ignore[union-attr]
