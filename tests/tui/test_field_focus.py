"""Moving between the form's fields with tab: the Footer's keys, the definition line, the scroll."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Static

from annotator.tui.app import AnnotatorApp
from annotator.tui.widgets.footer import KeyFooter
from annotator.tui.widgets.schema_form import SchemaForm, TextField
from tests.tui.conftest import MakeApp, footer_keys
from tests.tui.waiting import wait_for

SIZE = (120, 40)
CHOICE_KEYS = {
    "j/k": "Move",
    "⏎": "Done",
    "s": "Skip",
    "f": "Flag",
    "u": "Undo",
    "y": "Accept",
    "/": "Search",
    "1-9": "Pick",
    "tab": "Next field",
    "?": "Help",
    "^p": "palette",
}
TEXT_KEYS = {"esc": "Leave field", "tab": "Next field", "f1": "Help", "^p": "palette"}


def definition(app: AnnotatorApp) -> str:
    return str(app.screen.query_one("#definition", Static).content)


def focused_id(app: AnnotatorApp) -> str | None:
    return app.focused.id if app.focused is not None else None


async def test_the_footer_shows_the_keys_of_the_focused_field(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")  # Check: the source fields appear, and the focus moves on to source type
        await wait_for(pilot, lambda: footer_keys(app) == CHOICE_KEYS, description="the keys of a choice field")
        assert focused_id(app) == "field-source_type"
        await pilot.press("tab")  # the source words
        assert isinstance(app.focused, TextField)
        await wait_for(pilot, lambda: footer_keys(app) == TEXT_KEYS, description="the keys of the text field")
        await pilot.press("tab")  # claim type
        await wait_for(pilot, lambda: footer_keys(app) == CHOICE_KEYS, description="the choice keys back after tab")
        await pilot.press("shift+tab")
        await wait_for(pilot, lambda: footer_keys(app) == TEXT_KEYS, description="the text keys back after shift+tab")
        await pilot.press("escape")
        await wait_for(pilot, lambda: footer_keys(app) == CHOICE_KEYS, description="the choice keys back after escape")
        assert focused_id(app) == "field-claim_type"


@pytest.fixture
def footer_builds(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The focused widget's id at each build of a KeyFooter's keys."""
    builds: list[str | None] = []
    compose = KeyFooter.compose

    def counted(footer: KeyFooter) -> Iterator:
        builds.append(focused_id(footer.app))  # type: ignore[arg-type]
        yield from compose(footer)

    monkeypatch.setattr(KeyFooter, "compose", counted)
    return builds


async def test_tab_between_choice_fields_leaves_the_footer_alone(make_app: MakeApp, footer_builds: list[str | None]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.press("shift+tab")  # back to check-worthiness: the pick moved on to source type
        await wait_for(pilot, lambda: footer_keys(app) == CHOICE_KEYS, description="the keys of a choice field")
        footer_builds.clear()
        await pilot.press("tab")
        await wait_for(pilot, lambda: definition(app).startswith("State media:"), description="the definition of source type's first value")
        await pilot.press("shift+tab")
        await wait_for(pilot, lambda: definition(app).startswith("Check:"), description="the definition of the chosen check-worthiness")
        await pilot.press("tab", "tab")  # into the text field: the keys change
        await wait_for(pilot, lambda: footer_keys(app) == TEXT_KEYS, description="the keys of the text field")
        # Builds run in the order they were asked for: one pending from the choice fields would
        # have run before this one.
        assert footer_builds == ["field-source"]


async def test_tab_keeps_the_focused_field_in_view(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.press("shift+tab")  # back to check-worthiness: the pick moved on to source type
        form = app.screen.query_one(SchemaForm)
        shown = [field for field in form.fields if field.display]
        assert form.max_scroll_y > 0  # the form does not fit: tab has to scroll it
        for key in ["tab"] * len(shown) + ["shift+tab"] * len(shown):
            await pilot.press(key)
            await wait_for(
                pilot, lambda: app.focused is not None and form.can_view_entire(app.focused), description=f"{focused_id(app)} in view"
            )
        assert focused_id(app) == "field-checkworthiness"


async def test_tab_round_the_form_in_a_tiny_terminal(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(10, 5)) as pilot:
        await pilot.press("3", "shift+tab", *["tab"] * 9, *["shift+tab"] * 9)  # the pick moved on: back first
        assert focused_id(app) == "field-checkworthiness"
    assert app.return_code in (None, 0)
