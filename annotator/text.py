"""Text helpers: untrusted text made safe to show in a terminal, to write as JSON or as Markdown
(the one replacement table of the tool), hashing, and counted nouns."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Sequence

# Characters that would move the cursor, start escape sequences, reorder text (bidi) or hide it
# (zero width) are shown as visible placeholders instead. U+061C and U+2028/U+2029 are bidi and
# line-separator controls as well.
_INVISIBLE = (
    0x061C,
    0x200B,
    0x200E,
    0x200F,
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2065),
    *range(0x2066, 0x206A),
    0xFEFF,
)

_TABLE: dict[int, str] = {
    **{code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\n\t"},
    0x7F: "\u2421",
    **dict.fromkeys(range(128, 160), "�"),
    **{code: f"<U+{code:04X}>" for code in _INVISIBLE},
}


def printable(text: str) -> str:
    """`text` with control, bidi and zero-width characters replaced by visible placeholders.

    C0 controls except newline and tab become their Control Pictures symbol (ESC -> U+241B),
    DEL becomes U+2421, C1 controls U+FFFD, and bidi / zero-width characters `<U+XXXX>`.
    """
    return text.translate(_TABLE)


# A line break with the spaces around it (a list item's indentation; a block quote's `>` stays).
_WRAP = re.compile(r"[ \t]*(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])[ \t]*")


def flowed(text: str) -> str:
    """A sentence or a paragraph of a document as a reader of the prose sees it: inside one, a line
    break is the wrapping of hard-wrapped prose (`annotator.corpus.paragraphs`), shown as a space."""
    return _WRAP.sub(" ", text)


# As _TABLE, with one character for each bidi or zero-width one.
_ONE_FOR_ONE = {**_TABLE, **dict.fromkeys(_INVISIBLE, "�")}


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


# Hashing


def sha256_hex(text: str) -> str:
    """sha256 hex of the text's UTF-8 bytes."""
    return bytes_sha256(text.encode("utf-8"))


def bytes_sha256(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


# Words and tables


def plural(number: int, noun: str) -> str:
    """`1 unit`, `2 units`: a count with its noun (regular plurals only)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


_MARKDOWN_SPECIAL = re.compile(r"[\\`*\[\]<>|#~!]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # intraword _ is plain text
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def markdown_text(text: str) -> str:
    """Untrusted text for Markdown: printable, on one line, every character Markdown acts on escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", printable(" ".join(text.split())))


def markdown_code(text: str) -> str:
    """Untrusted text as a Markdown code span: printable, on one line, fenced with more backticks
    than any run inside it (CommonMark), so nothing in it ends the span."""
    text = printable(" ".join(text.split()))
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]], right: Collection[int] = ()) -> list[str]:
    """A GitHub-flavoured Markdown table, one line per row; cells are Markdown already (escape
    untrusted parts with `markdown_text`), each kept on one line with its pipes escaped."""
    rule = ["---:" if index in right else "---" for index in range(len(header))]
    return [_markdown_row(header), "| " + " | ".join(rule) + " |", *map(_markdown_row, rows)]


def _markdown_row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(_UNESCAPED_PIPE.sub(r"\\|", " ".join(str(cell).split())) for cell in cells) + " |"
