"""Paragraphs: which line breaks of a document end a paragraph, and which are only the wrapping of
hard-wrapped prose.

A document is read in blocks: in plain text, runs of lines between blank lines; in Markdown, the
headings, paragraphs, list items and block quotes the parser finds (`markdown`). The rule, the same
for both: inside a block whose last line ends a sentence (. ! ? … or :, maybe followed by closing
quotes or brackets), a line break is wrapping, read as a space, when the line before it is full:
the first word of the next line would not have fitted on it within the length of the block's
longest line. Every other line break ends a paragraph, so a headline, a byline or a dateline on a
line of its own stays its own unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(f"\r\n|[{LINE_BREAKS}]")
_SENTENCE_END = re.compile("[.!?\u2026:][\"'\u201d\u2019\u00bb)\\]]*$")  # . ! ? … or :, then closing quotes or brackets
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Line:
    """A line of a block: where it starts and where its last visible character ends (the length that
    wrapping filled), and its text, trimmed, as the splitter reads it."""

    start: int
    end: int
    text_start: int
    text_end: int


@dataclass(frozen=True, slots=True)
class Block:
    lines: tuple[Line, ...]
    whole: bool = False  # one unit as it stands: a Markdown heading


@dataclass(frozen=True)
class Prose:
    """A document as the sentence splitter reads it: `view` is its text with the markup replaced by
    spaces (the same length, so every offset is an offset into the document), read in `blocks`."""

    view: str
    blocks: list[Block]


def plain_prose(text: str) -> Prose:
    """Plain text: blocks are the runs of lines between blank lines, and every character is text."""
    return Prose(text, list(text_blocks(text, 0, len(text))))


def text_blocks(text: str, start: int, end: int) -> Iterator[Block]:
    """The blocks of plain text in text[start:end]: runs of lines that are not blank."""
    lines: list[Line] = []
    line_start = start
    for found in _BREAK.finditer(text, start, end):
        line = _line(text, line_start, found.start())
        if line is not None:
            lines.append(line)
        elif lines:
            yield Block(tuple(lines))
            lines = []
        line_start = found.end()
    line = _line(text, line_start, end)
    if line is not None:
        lines.append(line)
    if lines:
        yield Block(tuple(lines))


def _line(text: str, start: int, end: int) -> Line | None:
    """The line text[start:end], or None if it is blank."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    text_start = start + len(piece) - len(piece.lstrip())
    text_end = text_start + len(stripped)
    return Line(start, text_end, text_start, text_end)


def paragraphs(prose: Prose) -> Iterator[tuple[int, int, bool]]:
    """(start, end, whole) of each paragraph, trimmed: the lines of a block joined where a line
    break is wrapping; `whole` for a paragraph that is one unit as it stands."""
    for block in prose.blocks:
        lines = block.lines
        if block.whole:
            yield lines[0].text_start, lines[-1].text_end, True
            continue
        start = lines[0].text_start
        for line, wrapped, after in zip(lines, wrapping(prose.view, lines), lines[1:]):
            if not wrapped:
                yield start, line.text_end, False
                start = after.text_start
        yield start, lines[-1].text_end, False


def wrapping(view: str, lines: Sequence[Line]) -> list[bool]:
    """For each line break of a block, whether it is the wrapping of prose (the rule above)."""
    last = lines[-1]
    if len(lines) < 2 or not _SENTENCE_END.search(view, last.text_start, last.text_end):
        return [False] * (len(lines) - 1)
    width = max(line.end - line.start for line in lines)
    return [line.end - line.start + 1 + _first_word_length(view, after) > width for line, after in pairwise(lines)]


def _first_word_length(view: str, line: Line) -> int:
    word = _WORD.match(view, line.text_start, line.text_end)
    return len(word.group()) if word else 0
