"""Fixtures for the UI tests: an app over a small corpus with its store in a temp dir."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from annotator.tui.app import AnnotatorApp
from annotator.tui.launch import prepare
from annotator.tui.screens.help import KEY_WIDTH, HelpScreen

TUI_DIR = Path(__file__).resolve().parent
REPO = TUI_DIR.parent.parent
SCHEMA = REPO / "annotator" / "schema" / "factcheck.v1.json"
HOSTILE = REPO / "tests" / "data" / "hostile.txt"

SMALL_TEXT = (
    "Missiles fired at dawn\n\n"
    "North Korea fired two missiles on Monday, the military said. The launch came a day before the talks.\n\n"
    "No damage was reported.\n"
)

MakeApp = Callable[..., AnnotatorApp]


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands look for the user's keymap under XDG_CONFIG_HOME: not the developer's own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "news.txt").write_text(SMALL_TEXT, encoding="utf-8")
    return folder


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def make_app(corpus_dir: Path, store_dir: Path) -> MakeApp:
    """Build the app as `annotator annotate` does (call it again to reopen)."""

    def make(
        paths: list[Path] | None = None,
        annotator: str = "tester",
        keymap: Path | None = None,
        settings: Path | None = None,
        suggestions: bool = True,
    ) -> AnnotatorApp:
        return prepare(
            paths=[str(p) for p in paths or [corpus_dir]],
            annotator=annotator,
            schema_path=SCHEMA,
            store_dir=store_dir,
            keymap=keymap,
            settings=settings,
            suggestions=suggestions,
        )

    return make


def status_text(app: AnnotatorApp) -> str:
    """The status line of the annotation screen."""
    return str(app.annotate_screen.query_one("#status", Static).content)


def screen_text(app: AnnotatorApp) -> str:
    """Every cell the screen would send to the terminal, as text (the compositor's output)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def footer_keys(app: AnnotatorApp) -> dict[str, str]:
    """What the Footer of the current screen shows: key as displayed -> description."""
    return {key.key_display: key.description for key in app.screen.query(FooterKey)}


def help_meanings(app: AnnotatorApp, key: str) -> list[str]:
    """The binding ids the open help screen lists for `key` (as displayed)."""
    assert isinstance(app.screen, HelpScreen)
    lines = str(app.screen.text).splitlines()
    return [line.rsplit("[", 1)[1].rstrip("]") for line in lines if key in line[:KEY_WIDTH].strip().split(", ") and line.endswith("]")]


def keymap_file(folder: Path, keymap: dict[str, str]) -> Path:
    path = folder / "keymap.json"
    path.write_text(orjson.dumps(keymap).decode(), encoding="utf-8")
    return path


def settings_file(settings: dict[str, object]) -> Path:
    """A settings file holding `settings` (TOML), in a folder of its own."""
    path = Path(tempfile.mkdtemp()) / "settings.toml"
    path.write_text("".join(f"{key} = {str(value).lower()}\n" for key, value in settings.items()), encoding="utf-8")
    return path


def focused_id(app: AnnotatorApp) -> str | None:
    return app.focused.id if app.focused is not None else None


def records(store_dir: Path, annotator: str = "tester") -> list[dict]:
    """The records on disk, read straight from the file."""
    path = store_dir / f"{annotator}.jsonl"
    return [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []
