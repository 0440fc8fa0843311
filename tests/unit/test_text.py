"""The one table that makes untrusted text safe for a terminal."""

from __future__ import annotations

import json

import pytest

from annotator.text import json_safe, markdown_code, printable, printable_in_place


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred", "\u241b[31mred"),
        ("\x00\x07\x08\r\x1f", "\u2400\u2407\u2408\u240d\u241f"),
        ("DEL\x7f", "DEL\u2421"),
        ("C1\x85\x9b", "C1\ufffd\ufffd"),
        ("a\u200bb\u200e\u200f", "a<U+200B>b<U+200E><U+200F>"),
        ("\u202a\u202b\u202c\u202d\u202e", "<U+202A><U+202B><U+202C><U+202D><U+202E>"),
        ("\u2060\u2064\u2066\u2069\ufeff", "<U+2060><U+2064><U+2066><U+2069><U+FEFF>"),
    ],
)
def test_invisible_and_control_characters_become_visible(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_ordinary_text_newlines_and_tabs_are_kept() -> None:
    text = "Kim said “great.”\n\t김정은 🚀 café \u200d joiner"
    assert printable(text) == text


def test_printable_in_place_keeps_every_position() -> None:
    raw = "a\x1b[2Jb\u202ec\u200bd\x85e"
    shown = printable_in_place(raw)
    assert shown == "a␛[2Jb\ufffdc\ufffdd\ufffde"
    assert len(shown) == len(raw)


def test_json_safe_escapes_what_a_terminal_or_a_line_reader_would_act_on_and_keeps_the_data() -> None:
    hostile = "ESC\x1b[2J BEL\x07 DEL\x7f C1\x9b2J NEL\x85 LS\u2028 PS\u2029 RLO\u202e ZW\u200b 한국어 \U0001f44d"
    encoded = json_safe(json.dumps({"text": hostile}, ensure_ascii=False))
    assert json.loads(encoded) == {"text": hostile}
    assert encoded.isprintable() and "한국어 \U0001f44d" in encoded


@pytest.mark.parametrize(
    ("text", "code"),
    [("plain.json", "`plain.json`"), ("a`b", "``a`b``"), ("`x``", "``` `x`` ```"), ("esc\x1b[2J\nnext", "`esc\u241b[2J next`")],
)
def test_markdown_code_keeps_untrusted_text_inside_its_span(text: str, code: str) -> None:
    assert markdown_code(text) == code
