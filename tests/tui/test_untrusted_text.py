"""Untrusted text (documents, file names, schemas) renders literally and never sends control
characters to the terminal."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.content import Content

from annotator.tui.safe_text import safe_text
from annotator.tui.widgets.schema_form import TextField
from tests.tui.conftest import HOSTILE, MakeApp, screen_text

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069]")
HOSTILE_NAME = "[bold]x [@click=app.quit]q [link=https:evil]"  # a file name cannot hold "/"


def test_safe_text_is_literal_content_with_visible_controls() -> None:
    content = safe_text("a [/] \x1b[2J b\u202e c [@click=app.quit]x[/]")
    assert isinstance(content, Content)
    assert content.plain == "a [/] ␛[2J b<U+202E> c [@click=app.quit]x[/]"
    assert not content.spans


def test_single_line_shows_line_breaks() -> None:
    assert safe_text("one\ntwo\tthree", single_line=True).plain == "one ⏎ two three"


async def test_hostile_document_and_file_name_render_literally(tmp_path: Path, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a short relative path keeps the file name in the pane title
    Path("hostile").mkdir()
    shutil.copy(HOSTILE, Path("hostile") / f"{HOSTILE_NAME}.txt")
    app = make_app([Path("hostile")])
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):  # visit the markup, escape-sequence and bidi paragraphs
            await pilot.press("j")
            text = screen_text(app)
            assert not CONTROL.search(text), repr(CONTROL.search(text))
        assert HOSTILE_NAME in text  # the file name, in the context pane's title
        assert "[@click=app.quit]x[/]" in text and "[link=https://evil.example]click[/link]" in text
        assert "␛[2J" in text
        await pilot.press("j", "j", "j")
        text = screen_text(app)
        assert "<U+202E>" in text and "<U+200B>" in text
        assert not CONTROL.search(text)
        await pilot.press("j", "j", "j")
        assert "북한" in screen_text(app)
        await pilot.click("#context", offset=(10, 2))  # clicking text with an action tag runs nothing
        assert app.is_running


async def test_wide_characters_keep_the_gutter_aligned(tmp_path: Path, make_app: MakeApp) -> None:
    corpus = tmp_path / "wide"
    corpus.mkdir()
    (corpus / "wide.txt").write_text("북한 국영 매체는 월요일 말했다. 👨‍👩‍👧 family here.\n\nPlain line.\n", encoding="utf-8")
    app = make_app([corpus])
    async with app.run_test(size=(80, 24)):
        rows = screen_text(app).splitlines()[1:4]
        divider_columns = {cell_len(row[: row.index("▏")]) for row in rows}
        assert len(divider_columns) == 1


async def test_text_fields_show_control_characters_as_placeholders_and_keep_them(make_app: MakeApp) -> None:
    """A stored or pasted note may hold ESC or a bidi override: the field shows it, visibly, and
    keeps the text as it is, so saving it again changes nothing."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")  # Check: the source words field appears
        field = app.annotate_screen.query_one("#field-source", TextField)
        field.value = "KCNA \x1b[2J said\u202e so"
        await pilot.pause()
        text = screen_text(app)
        assert "KCNA ␛[2J said\ufffd so" in text
        assert not CONTROL.search(text)
        assert field.value == "KCNA \x1b[2J said\u202e so"
