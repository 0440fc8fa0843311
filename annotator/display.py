"""Untrusted text made safe to show in a terminal or to write as JSON: the one replacement table of the tool."""

from __future__ import annotations

import re

# Characters that would move the cursor, start escape sequences, reorder text (bidi) or hide it
# (zero width) are shown as visible placeholders instead. U+061C and U+2028/U+2029 are bidi and
# line-separator controls as well.
_INVISIBLE = (0x061C, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F),
              *range(0x2060, 0x2065), *range(0x2066, 0x206A), 0xFEFF)

_TABLE: dict[int, str] = {
    **{code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\n\t"},
    0x7F: "\u2421",
    **{code: "\ufffd" for code in range(0x80, 0xA0)},
    **{code: f"<U+{code:04X}>" for code in _INVISIBLE},
}


def printable(text: str) -> str:
    """`text` with control, bidi and zero-width characters replaced by visible placeholders.

    C0 controls except newline and tab become their Control Pictures symbol (ESC -> U+241B),
    DEL becomes U+2421, C1 controls U+FFFD, and bidi / zero-width characters `<U+XXXX>`.
    """
    return text.translate(_TABLE)


# As _TABLE, with one character for each bidi or zero-width one.
_ONE_FOR_ONE = {**_TABLE, **{code: "\ufffd" for code in _INVISIBLE}}


def printable_in_place(text: str) -> str:
    """`printable`, one character for one (bidi and zero-width characters become U+FFFD), so that a
    position in `text`, such as an edit cursor, is the same position in the result."""
    return text.translate(_ONE_FOR_ONE)


# Inside a JSON string each of these can be written as a \u escape instead: the same data, nothing
# for a terminal to act on, and no line break for readers that split on Unicode ones (U+0085,
# U+2028, U+2029). JSON encoders escape C0 controls already; these may appear only inside strings.
_JSON_UNSAFE = re.compile("[" + "".join(re.escape(chr(code)) for code in (0x7F, *range(0x80, 0xA0), *_INVISIBLE)) + "]")


def json_safe(json_text: str) -> str:
    """JSON text with the control, bidi, zero-width and line-break characters in its strings escaped."""
    return _JSON_UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", json_text)
