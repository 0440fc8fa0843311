"""The user's keymap in the annotation UI: the keys move, and the help, Footer, palette and value
chips say so; a bad keymap is a one-line message before the UI starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.errors import UserError
from annotator.tui.app import AnnotatorApp
from annotator.tui.keys import binding_ids
from annotator.tui.review_app import ReviewApp
from annotator.tui.screens.accept import AcceptScreen
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.quit import QuitScreen
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.screens.stats import StatsScreen
from tests.tui.conftest import (
    SCHEMA,
    MakeApp,
    footer_keys,
    help_meanings,
    keymap_file,
    records,
    screen_text,
)
from tests.tui.waiting import saved, wait_for

SIZE = (120, 40)


def test_the_known_binding_ids_are_those_of_every_screen_of_both_apps() -> None:
    classes = [AnnotatorApp, ReviewApp, ReviewScreen, HelpScreen, StatsScreen, AcceptScreen, QuitScreen]
    ids = {binding.id for cls in classes for binding in cls.BINDINGS if binding.id}
    assert ids <= binding_ids()
    assert {"skip", "search-close", "pick-10", "accept-annotator", "accept-10", "quit-anyway"} <= binding_ids()


async def test_a_remapped_skip_moves_to_its_new_key_everywhere_it_is_shown(make_app: MakeApp, store_dir: Path, tmp_path: Path) -> None:
    app = make_app(keymap=keymap_file(tmp_path, {"skip": "x"}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: footer_keys(app).get("x") == "Skip", description="the Footer to show x")
        assert list(footer_keys(app))[:4] == ["j/k", "⏎", "x", "f"]  # in its place, not moved to the end
        await pilot.press("s")  # s is free now: nothing saved
        assert records(store_dir) == []
        await pilot.press("x")
        await saved(pilot, app, 0, "skipped")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), description="the help screen")
        assert (help_meanings(app, "x"), help_meanings(app, "s")) == (["skip"], [])
        await pilot.press("escape", "ctrl+p", *"skipped")
        await wait_for(pilot, lambda: "key: x" in screen_text(app), description="the palette's key hint")


async def test_remapped_value_keys_pick_and_label_the_chips(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(keymap=keymap_file(tmp_path, {"pick-1": "ampersand", "pick-2": "é"}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "& No claim  é Minor" in screen_text(app), description="the chips to show &")
        await pilot.press("é")
        await saved(pilot, app, 0, "draft")
        assert app.session.labels(0) == {"checkworthiness": "minor"}
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), description="the help screen")
        assert "& é 3 4 5 6 7 8 9 0" in str(app.screen.text)


def test_a_key_that_another_binding_keeps_is_refused(make_app: MakeApp, tmp_path: Path) -> None:
    keymap = keymap_file(tmp_path, {"skip": "f", "help": "slash"})
    with pytest.raises(UserError) as caught:
        make_app(keymap=keymap)
    assert caught.value.lines == [
        f"cannot use keymap {keymap}:",
        f"{keymap}: / would be the key of help and search; give one of them another key",
        f"{keymap}: f would be the key of flag and skip; give one of them another key",
    ]


@pytest.mark.parametrize("keys", [{"quit": "q,x"}, {"stats-close": "escape,q,c"}])
def test_a_key_the_default_bindings_share_is_no_clash_of_the_keymap(make_app: MakeApp, tmp_path: Path, keys: dict[str, str]) -> None:
    app = make_app(keymap=keymap_file(tmp_path, keys))  # q quits, and closes the statistics, as without a keymap
    app.annotation_log.close()
    assert app.keymap == keys


def test_a_key_the_keymap_adds_to_a_shared_one_is_refused(make_app: MakeApp, tmp_path: Path) -> None:
    keymap = keymap_file(tmp_path, {"quit": "q,r"})
    with pytest.raises(UserError) as caught:
        make_app(keymap=keymap)
    assert caught.value.lines == [
        f"cannot use keymap {keymap}:",
        f"{keymap}: r would be the key of quit and stats-recompute; give one of them another key",
    ]


async def test_keys_swapped_by_the_keymap_are_no_clash(make_app: MakeApp, store_dir: Path, tmp_path: Path) -> None:
    app = make_app(keymap=keymap_file(tmp_path, {"skip": "f", "flag": "s"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await saved(pilot, app, 0, "skipped")


def run_annotate(argv: list[str]) -> int:
    return main(["annotate", *argv])


@pytest.mark.usefixtures("in_a_terminal")
def test_an_unknown_binding_id_is_a_message_and_exit_2(
    corpus_dir: Path, store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keymap = keymap_file(tmp_path, {"sikp": "x"})
    assert (
        run_annotate([str(corpus_dir), "--as", "tester", "--schema", str(SCHEMA), "--store", str(store_dir), "--keymap", str(keymap)]) == 2
    )
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == [f"annotator: cannot use keymap {keymap}:", f'annotator: {keymap}: unknown binding id "sikp"']
    assert err[2].startswith(f"annotator: {keymap}: the binding ids are: accept-1 … accept-10, accept-annotator, ")
    assert not store_dir.exists()


@pytest.mark.usefixtures("in_a_terminal")
def test_the_default_keymap_is_read_from_xdg_config_home(
    corpus_dir: Path, store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "annotator").mkdir()
    keymap_file(tmp_path / "annotator", {"skip": "x"})
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    opened: list[AnnotatorApp] = []
    monkeypatch.setattr(AnnotatorApp, "run", lambda app: opened.append(app))
    assert run_annotate([str(corpus_dir), "--as", "tester", "--schema", str(SCHEMA), "--store", str(store_dir)]) == 0
    [app] = opened
    app.annotation_log.close()
    assert app.keymap == {"skip": "x"}
