"""Suggestions in the annotation UI: suggested values marked ◇ in their fields, `y` accepting all of
them and `Y` the focused field's, the cue words marked by kind in the sentence with a legend in the
help, and `--no-suggestions` (or the project's `show = false`) hiding them all."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from annotator.cli import annotate
from annotator.cli.main import build_parser
from annotator.corpus.document import Unit
from annotator.suggest.collect import Suggested
from annotator.suggest.model import Cue
from annotator.tui.app import AnnotatorApp
from annotator.tui.launch import prepare
from annotator.tui.screens.help import HelpScreen
from annotator.tui.widgets.context import CUE_GROUPS, ContextPane, marked_unit
from tests.tui.conftest import REPO, SCHEMA, MakeApp, focused_id, footer_keys, records, screen_text
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


async def test_after_y_the_first_field_left_to_decide_is_focused_and_in_view(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "y")
        await saved(pilot, app, CLAIM, "draft")
        form = app.annotate_screen.form
        await wait_for(pilot, lambda: focused_id(app) == "field-claim_type", description="the first field without a value focused")
        await wait_for(pilot, lambda: form.region.contains_region(app.focused.region), description="the focused field in view")  # type: ignore[union-attr]


FAKE_MODEL = f"{shlex.quote(sys.executable)} {shlex.quote(str(REPO / 'tests' / 'data' / 'fake_suggester.py'))}"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model's answers are cached: each test starts with none."""
    monkeypatch.setenv("ANNOTATOR_CACHE_DIR", str(tmp_path / "cache"))


def model_app(corpus_dir: Path, store_dir: Path, command: str) -> AnnotatorApp:
    return prepare(paths=[str(corpus_dir)], annotator="tester", schema_path=SCHEMA, store_dir=store_dir, suggest_command=command)


async def test_a_model_commands_suggestions_replace_the_rules_once_it_has_answered(corpus_dir: Path, store_dir: Path) -> None:
    app = model_app(corpus_dir, store_dir, FAKE_MODEL)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "model suggestions: 4 sentences asked" in notices(app), description="the model's answers")
        found = app.session.suggestions(0)
        assert (
            found is not None and found.fields["checkworthiness"].value == "urgent" and found.fields["checkworthiness"].by == "fake-model"
        )
        assert "◇4 Urgent" in screen_text(app)
        await pilot.press("y")
        await saved(pilot, app, 0, "draft")
    assert records(store_dir)[-1]["suggested"]["checkworthiness"] == "urgent"


async def test_a_failing_model_command_is_said_and_the_rule_suggestions_stay(corpus_dir: Path, store_dir: Path) -> None:
    app = model_app(corpus_dir, store_dir, f"{FAKE_MODEL} --fail-after 0")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "exited with status 3: fake model: out of memory" in notices(app), description="the failure")
        await pilot.press("j")
        found = app.session.suggestions(CLAIM)
        assert found is not None and found.fields["source"].value == "the military"  # the rules'


def notices(app: AnnotatorApp) -> str:
    return "\n".join(str(notification.message) for notification in app._notifications)


@pytest.mark.parametrize(
    ("options", "asks_a_model"),
    [([], False), (["--suggest-command", "model"], True), (["--no-suggestions", "--suggest-command", "model"], False)],
)
def test_the_command_line_hands_the_model_command_to_the_ui(
    corpus_dir: Path, store_dir: Path, options: list[str], asks_a_model: bool
) -> None:
    argv = ["annotate", "--as", "tester", "--schema", str(SCHEMA), "--store", str(store_dir), *options, str(corpus_dir)]
    app = annotate.open_app(build_parser("annotate").parse_args(argv))
    app.annotation_log.close()
    assert (app.more_suggestions is not None) == asks_a_model


async def test_a_model_that_cannot_be_asked_at_all_is_said_and_the_rules_stay(corpus_dir: Path, store_dir: Path) -> None:
    app = model_app(corpus_dir, store_dir, FAKE_MODEL)

    def broken() -> Suggested:
        raise OSError("no such cache folder")

    app.more_suggestions = broken
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(
            pilot, lambda: "the model command could not be used: no such cache folder" in notices(app), description="the failure"
        )
        found = app.session.suggestions(0)
        assert found is not None and found.fields["checkworthiness"].value == "no_claim"  # the rules': a headline
