"""Markdown documents as the sentence splitter reads them: the blocks a reader sees and, inside
them, which characters are text and which are markup, with offsets into the file as it is.

markdown-it-py parses the file (CommonMark). Headings, paragraphs, list items and block quotes are
blocks (a heading is one unit); code blocks, HTML blocks, thematic breaks and link reference
definitions hold no text to label. Inside a block, the text of the parser's inline tokens is found
in the source line by line; the rest is markup: list markers, `#`, `>`, emphasis characters,
backticks, link and image targets, HTML tags, the backslash of an escape. Markup becomes spaces in
the view the splitter reads, so a unit begins and ends on text: it never starts with `- ` nor ends
with `**`. Markup inside a sentence stays inside its span, which is one stretch of the file.

A hard line break (two spaces or a backslash at the end of a line) ends a paragraph. A line the
parser puts in no block (past its nesting limit) is read as plain text, so no text goes unread.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING

from annotator.corpus.paragraphs import LINE_BREAKS, Block, Line, Prose, plain_prose, text_blocks

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

    InlineRule = Callable[[StateInline, bool], bool]

Span = tuple[int, int]

_SOURCE_LINE = re.compile(r"[^\r\n]*")  # markdown-it turns \r\n and \r into \n before it parses
_NO_TEXT = {"code_block", "fence", "html_block", "hr", "heading_open"}  # a heading's underline is in its map
# Lines that hold markup only: container markers, or a link reference definition.
_MARKUP_ONLY = re.compile(r"[\s>*+\-\d.)]*|[\s>]*\[[^\]]*\]:.*")
_BREAKS_AS_SPACES = str.maketrans(dict.fromkeys(LINE_BREAKS, " "))


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt, rules_inline

    # text_join would merge escapes and entities into the text around them, losing where they were.
    parser = MarkdownIt("commonmark").disable("text_join")
    parser.inline.ruler.at("link", _noting_the_end(rules_inline.link))
    parser.inline.ruler.at("image", _noting_the_end(rules_inline.image))
    return parser


def _noting_the_end(rule: InlineRule) -> InlineRule:
    """The inline rule, noting on its last token where in the content it stopped: a link's or an
    image's target may hold any text, which must not be taken for the text that follows it."""

    def rule_noting_the_end(state: StateInline, silent: bool) -> bool:
        found = rule(state, silent)
        if found and not silent:
            state.tokens[-1].meta["end"] = state.pos
        return found

    return rule_noting_the_end


def markdown_prose(text: str) -> Prose:
    """The blocks and the view of a Markdown document; plain text if it nests deeper than Python's
    stack lets the parser go."""
    try:
        tokens = _parser().parse(text)
    except RecursionError:
        return plain_prose(text)
    reader = _Reader(text)
    heading = False
    for token in tokens:
        heading = token.type == "heading_open" or (heading and token.type != "heading_close")
        if token.map is None:
            continue
        if token.type == "inline":
            reader.read_inline(token, whole=heading)
        elif token.type in _NO_TEXT:
            reader.cover(*token.map)
    reader.read_uncovered()
    return reader.prose()


class _Reader:
    """Reads a Markdown document block by block: which of its characters are text, and its blocks,
    each line's text span still untrimmed until the view is built."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = [(found.start(), found.end()) for found in _source_lines(text)]
        self.covered = [False] * len(self.lines)
        self.text_spans: list[Span] = []
        self.blocks: list[Block] = []

    def cover(self, first: int, last: int) -> None:
        self.covered[first:last] = [True] * (last - first)

    def read_inline(self, token: Token, *, whole: bool) -> None:
        """The text of one inline token and its block (blocks: split at hard line breaks); read as
        plain text if its text cannot be found in the source."""
        first, last = token.map or (0, 0)
        self.cover(first, last)
        pieces = self._pieces(token.content, first)
        found = _text_in(token.content, token.children or []) if pieces is not None else None
        if pieces is None or found is None:
            self._read_plain(first, last)
            return
        spans, hard_breaks = found
        self.text_spans += _to_source(spans, pieces)
        lines = [self._line(first + number, start) for number, (start, _) in enumerate(pieces)]
        starts = [offset for _, offset in pieces]
        ending_lines = sorted({bisect_right(starts, at) - 1 for at in hard_breaks})  # the lines a hard break ends
        for part in _split(lines, ending_lines):
            self.blocks.append(Block(tuple(part), whole))

    def _pieces(self, content: str, first: int) -> list[tuple[int, int]] | None:
        """(source offset, content offset) where each line of the token's content starts; None if
        a line of it is not in the source line it came from."""
        pieces = []
        offset = 0
        for number, piece in enumerate(content.split("\n"), start=first):
            if number >= len(self.lines):
                return None
            start, end = self.lines[number]
            at = self.text[start:end].replace("\0", "\ufffd").rfind(piece)  # the parser turns NUL into U+FFFD
            if at < 0:
                return None
            pieces.append((start + at, offset))
            offset += len(piece) + 1
        return pieces

    def _line(self, number: int, text_start: int) -> Line:
        start, end = self.lines[number]
        return Line(start, start + len(self.text[start:end].rstrip()), text_start, end)

    def _read_plain(self, first: int, last: int) -> None:
        if first >= last:
            return
        start, end = self.lines[first][0], self.lines[last - 1][1]
        self.text_spans.append((start, end))
        self.blocks += text_blocks(self.text, start, end)

    def read_uncovered(self) -> None:
        """Lines with text that no block holds (the parser stops at its nesting limit) as plain text."""
        first = None
        for number, ((start, end), covered) in enumerate(zip([*self.lines, (0, 0)], [*self.covered, True])):
            loose = not covered and not _MARKUP_ONLY.fullmatch(self.text, start, end)
            if loose and first is None:
                first = number
            elif not loose and first is not None:
                self._read_plain(first, number)
                first = None

    def prose(self) -> Prose:
        view = _view(self.text, sorted(self.text_spans))
        trimmed = (_trimmed(view, block) for block in sorted(self.blocks, key=_block_start))
        return Prose(view, [block for block in trimmed if block is not None])


def _source_lines(text: str) -> Iterator[re.Match[str]]:
    """Every line of the text as markdown-it numbers them, without its line break."""
    position = 0
    while True:
        line = _SOURCE_LINE.match(text, position)
        assert line is not None  # the pattern matches the empty string
        yield line
        position = line.end() + (2 if text.startswith("\r\n", line.end()) else 1)
        if position > len(text):
            return


def _text_in(content: str, children: Sequence[Token]) -> tuple[list[Span], list[int]] | None:
    """The spans of `content` that are text, and where its hard line breaks are; None if a piece of
    text is not where the tokens say (the whole block is then read as plain text)."""
    spans: list[Span] = []
    hard_breaks: list[int] = []
    cursor = 0
    for child, in_image in _flat(children):
        if child.type == "hardbreak":
            hard_breaks.append(cursor)
            continue
        span = _text_span(content, child, cursor)
        if span is None:
            return None
        if span[1] > span[0]:
            spans.append(span)
        after = span[1] + len(child.markup) if child.type == "code_inline" else span[1]  # past the closing backticks
        cursor = max(cursor, after, 0 if in_image else child.meta.get("end", 0))
    return spans, hard_breaks


def _flat(children: Sequence[Token], in_image: bool = False) -> Iterator[tuple[Token, bool]]:
    """Inline tokens in order, each with whether it is part of an image's alt text (parsed on its
    own: where it ends is not an offset of the content); an image's alt text comes before it."""
    for child in children:
        if child.type == "image":
            yield from _flat(child.children or [], in_image=True)
        yield child, in_image


def _text_span(content: str, token: Token, cursor: int) -> Span | None:
    """Where the text of `token` is in `content`, at `cursor` or after (the markup in between is
    skipped): empty for markup, its end after an HTML tag; None if it is not there."""
    if token.type == "text":
        at = content.find(token.content, cursor)
        return None if at < 0 else (at, at + len(token.content))
    if token.type == "text_special":  # the escape's backslash is markup, an entity is text as written
        at = content.find(token.markup, cursor)
        return None if at < 0 else (at + (token.info == "escape"), at + len(token.markup))
    if token.type == "code_inline":
        return _code_span(content, token.markup, cursor)
    if token.type == "html_inline":
        at = content.find(token.content, cursor)
        return None if at < 0 else (at + len(token.content), at + len(token.content))
    return (cursor, cursor)


def _code_span(content: str, ticks: str, cursor: int) -> Span | None:
    """The code between a run of backticks and the next run of the same length."""
    opening = content.find(ticks, cursor)
    closing = re.compile(f"(?<!`){ticks}(?!`)").search(content, opening + len(ticks)) if opening >= 0 else None
    return None if closing is None else (opening + len(ticks), closing.start())


def _to_source(spans: list[Span], pieces: list[tuple[int, int]]) -> Iterator[Span]:
    """Spans of an inline token's content (in order) as spans of the document, cut at the ends of
    its lines (the content joins its lines with one newline; in the document they lie apart)."""
    number = 0
    for start, end in spans:
        while True:
            while number + 1 < len(pieces) and pieces[number + 1][1] <= start:
                number += 1
            source, offset = pieces[number]
            line_end = pieces[number + 1][1] - 1 if number + 1 < len(pieces) else end
            if end <= line_end:
                yield source + start - offset, source + end - offset
                break
            if line_end > start:
                yield source + start - offset, source + line_end - offset
            start = line_end + 1


def _split(lines: list[Line], after: Sequence[int]) -> Iterator[list[Line]]:
    """The lines cut into runs after each line number in `after` (hard line breaks)."""
    start = 0
    for number in after:
        yield lines[start : number + 1]
        start = number + 1
    yield lines[start:]


def _view(text: str, spans: list[Span]) -> str:
    """The text with everything outside `spans` (sorted) as spaces, and line breaks as spaces."""
    parts = []
    position = 0
    for start, end in spans:
        start = max(start, position)
        if end > start:
            parts += [" " * (start - position), text[start:end]]
            position = end
    parts.append(" " * (len(text) - position))
    return "".join(parts).translate(_BREAKS_AS_SPACES)


def _trimmed(view: str, block: Block) -> Block | None:
    """The block with each line's text trimmed in the view, and the lines with none left out."""
    lines = []
    for line in block.lines:
        piece = view[line.text_start : line.text_end]
        stripped = piece.strip()
        if stripped:
            start = line.text_start + len(piece) - len(piece.lstrip())
            lines.append(Line(line.start, line.end, start, start + len(stripped)))
    return Block(tuple(lines), block.whole) if lines else None


def _block_start(block: Block) -> int:
    return block.lines[0].start
