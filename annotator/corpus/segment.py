"""Sentence segmentation: paragraphs first (`paragraphs`: a line break ends one unless it wraps prose;
`markdown` for a Markdown file), then pySBD sentences with news post-rules, and the check that a
segmentation covers its text. pySBD, markdown-it-py and the process pool are imported only when a
text is segmented: opening a corpus from the cache needs none of them."""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from annotator.corpus.markdown import markdown_prose
from annotator.corpus.paragraphs import LINE_BREAKS, Prose, paragraphs, plain_prose

if TYPE_CHECKING:
    import pysbd

Span = tuple[int, int]

# Bump when any change could move a unit boundary, changes what is cached, or makes
# check_segmentation stricter (the cache trusts what the check passed before): it invalidates every
# cached segmentation.
SEGMENTER_VERSION = 5

# Below this many characters to segment, a process pool costs more than it saves.
PARALLEL_MIN_CHARS = 400_000

_BREAKS_AS_SPACES = str.maketrans(dict.fromkeys(LINE_BREAKS, " "))
_PIECE = 2_000
_SURE_END = re.compile(r"(?<=[a-z]{3}[.!?])\s+(?=[A-Z])")
# pySBD's run time grows with the length of its input times the sentence ends in it: whatever the
# text, the pieces it is given hold at most this many characters and end marks.
_MAX_PIECE = 3_000
_MAX_ENDS = 64
_END_MARK = re.compile(r"[.!?\u3002\uff0e\uff01\uff1f]")  # pySBD's English sentence ends
_AFTER_END = re.compile(r"[.!?\u3002\uff0e\uff01\uff1f][\"'\u201d\u2019)\]]*\s+")  # an end, closers, white space
_SPACE = re.compile(r"\s+")
_TAIL = ".!?\u3002\uff0e\uff01\uff1f\"'\u201d\u2019)]\u00bb \t"  # what may close a sentence at the end of a line
_HEADING = re.compile(r"#{1,6}(?:\s|$)")
_WORD = re.compile(r"[^\W_]")
_LIST_MARKER = re.compile(r"(?:[a-z]|[ivx]+)[.)](?:\s|$)")
_CAMEL_CASE = re.compile(r"[a-z]+[A-Z]")  # iPhone, eBay: not a lower-case continuation
_CLOCK_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_TIME_CONTEXT = re.compile(r"\(?(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|UTC|GMT|KST|JST|[ECMP][SD]?T|[A-Z][a-z]+ time)\b")
# Plain prose, whose sentence ends pySBD finds where `_plain_starts` does: ASCII words, digits and
# in-sentence punctuation, single spaces, apostrophes only inside words, full stops only inside a
# number or after a word and before a space and a capitalised word (or at the end). No quotes,
# brackets, dashes (`--`: pySBD joins what is between two), `!`, `?`, ellipses or list markers:
# where pySBD's rules could decide otherwise, it is asked.
_PLAIN = re.compile(r"(?:[A-Za-z0-9,;:$%&/]|-(?!-)|(?<=[A-Za-z])'(?=[A-Za-z])| (?! )|(?<=\d)\.(?=\d)|(?<=[A-Za-z]{2})\.(?= [A-Z][a-z]|$))+")
_PLAIN_STOP = re.compile(r"(?<![^ ])([A-Za-z][a-z]+)\.")  # a full stop after a whole word
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")  # pySBD's PeriodBeforeNumberRule: never an end


@cache
def _segmenter() -> pysbd.Segmenter:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


@dataclass(frozen=True, slots=True)
class Segmentation:
    paragraphs: tuple[Span, ...]  # [start, end) of each paragraph (`annotator.corpus.paragraphs`), trimmed
    flat_units: tuple[int, ...]  # (start, end, paragraph index) of each unit, trimmed, one after another

    @property
    def units(self) -> list[tuple[int, int, int]]:
        """(start, end, paragraph index) of each unit. The flat form is one object, not one per unit,
        so opening a corpus builds no tuple per sentence."""
        flat = self.flat_units
        return list(zip(flat[0::3], flat[1::3], flat[2::3]))

    @property
    def unit_count(self) -> int:
        return len(self.flat_units) // 3


def segment(text: str, markdown: bool = False) -> Segmentation:
    """Split text into paragraphs, then each paragraph into sentence units; Markdown as its parser
    reads it (`reading`)."""
    prose = reading(text, markdown)
    spans: list[Span] = []
    units: list[int] = []
    for start, end, whole in paragraphs(prose):
        piece = prose.view[start:end].translate(_BREAKS_AS_SPACES)  # wrapped prose: a line break is a space
        for s, e in [(0, end - start)] if whole else _line_sentences(piece):
            units += (start + s, start + e, len(spans))
        spans.append((start, end))
    return Segmentation(tuple(spans), tuple(units))


def reading(text: str, markdown: bool = False) -> Prose:
    """The text as the splitter reads it: its blocks, and its view (Markdown's markup as spaces)."""
    return markdown_prose(text) if markdown else plain_prose(text)


def _trim(text: str, start: int, end: int) -> Span | None:
    piece = text[start:end]
    stripped = piece.lstrip()
    if not stripped:
        return None
    start += len(piece) - len(stripped)
    return start, start + len(stripped.rstrip())


def _line_sentences(line: str) -> list[Span]:
    """Sentence spans of one trimmed, non-empty paragraph (its line breaks made spaces); together
    they cover all of it."""
    if _HEADING.match(line) or _one_sentence(line):
        return [(0, len(line))]
    cuts = _bounded(line, _cuts(line))
    starts = []
    for cut, next_cut in zip(cuts, [*cuts[1:], len(line)]):
        starts += [cut + start for start in _sentence_starts(line[cut:next_cut])]
    spans = [_trim(line, s, e) for s, e in zip(starts, [*starts[1:], len(line)])]
    return _news_rules(line, [span for span in spans if span is not None])


def _cuts(line: str) -> list[int]:
    """Where to cut a long line before pySBD, whose run time grows with the square of the length.

    A cut, about every `_PIECE` characters, follows a word of three lower-case letters and a full
    stop, before a capital: a sentence end no abbreviation fakes.
    """
    cuts = [0]
    for match in _SURE_END.finditer(line):
        if match.end() - cuts[-1] >= _PIECE:
            cuts.append(match.end())
    return cuts


def _one_sentence(line: str) -> bool:
    """No sentence end before the end of the paragraph, and not two list item markers (pySBD splits
    `1) a 2) b`): one unit, without asking pySBD, which costs as much for a line of one word as for
    a sentence (and a text can be a million short lines)."""
    body = line.rstrip(_TAIL)
    return body.count(")") < 2 and not _END_MARK.search(body)


def _bounded(line: str, cuts: list[int]) -> list[int]:
    """`cuts` and more, so that no piece between two is over `_MAX_PIECE` characters or holds
    over `_MAX_ENDS` end marks, whatever the text: pySBD is then linear in the length of a paragraph."""
    ends = [found.start() for found in _END_MARK.finditer(line)]
    bounded = []
    for start, end in zip(cuts, [*cuts[1:], len(line)]):
        bounded.append(start)
        while (limit := _piece_limit(ends, start, end)) is not None:
            start = _safe_cut(line, start, limit)
            bounded.append(start)
    return bounded


def _piece_limit(ends: list[int], start: int, end: int) -> int | None:
    """Where a piece from `start` reaches the bounds, if it does before `end`."""
    limit = start + _MAX_PIECE
    first = bisect_left(ends, start)
    if first + _MAX_ENDS < len(ends):
        limit = min(limit, ends[first + _MAX_ENDS])
    return limit if limit < end else None


def _safe_cut(line: str, start: int, limit: int) -> int:
    """The best place to cut in `line[start:limit]`: after the last sentence end followed by white
    space, else after the last white space, else at `limit` (not before a combining mark)."""
    for pattern in (_AFTER_END, _SPACE):
        found = [match.end() for match in pattern.finditer(line, start + 1, limit)]
        if found and found[-1] < limit:
            return found[-1]
    cut = limit
    while cut > start + 1 and unicodedata.combining(line[cut]):
        cut -= 1
    return cut


def _sentence_starts(text: str) -> list[int]:
    plain = _plain_starts(text)
    if plain is not None:
        return plain
    found = _segmenter().segment(text)
    return _pysbd_starts(text, found) or _realign(text, [piece.sent.strip() for piece in found])


def _plain_starts(text: str) -> list[int] | None:
    """Where pySBD would start each sentence of `text`, without asking it, when `text` is plain
    prose (`_PLAIN`), or None. A full stop after a title pySBD reads as one (`Dr.`, `Gen.`: its
    prepositive abbreviations, capitalised, before a word) ends no sentence; after any other word
    of three letters or more that is neither an abbreviation nor a roman numeral, it ends one."""
    body = text.rstrip(" ")
    if not body or not _PLAIN.fullmatch(body):
        return None
    stops = list(_PLAIN_STOP.finditer(body))
    if len(stops) + len(_DECIMAL_POINT.findall(body)) != body.count("."):
        return None
    starts = [0]
    for stop in stops:
        word = stop[1].lower()
        if word in _titles() and stop[1][0].isupper() and stop.end() < len(body):
            continue
        if len(word) < 3 or word in _abbreviations() or not word.strip("ivxlcdm"):
            return None
        if stop.end() < len(body):
            starts.append(stop.end() + 1)
    return starts


@cache
def _abbreviations() -> frozenset[str]:
    from pysbd.lang.english import English

    return frozenset(English.Abbreviation.ABBREVIATIONS)


@cache
def _titles() -> frozenset[str]:
    from pysbd.lang.english import English

    return frozenset(English.Abbreviation.PREPOSITIVE_ABBREVIATIONS)


def _pysbd_starts(line: str, found: list) -> list[int] | None:
    """Start offsets of pySBD's spans if they are sane: in bounds, ordered, matching the text."""
    starts = []
    previous_end = 0
    for piece in found:
        if not (previous_end <= piece.start < piece.end <= len(line)):
            return None
        if line[piece.start : piece.end] != piece.sent:
            return None
        starts.append(piece.start)
        previous_end = piece.end
    if not starts:
        return None
    starts[0] = 0  # anything pySBD skipped before its first sentence belongs to it
    return starts


def _realign(line: str, sentences: list[str]) -> list[int]:
    """Find each sentence after the previous one; text pySBD lost stays with the sentence before."""
    starts = [0]
    cursor = 0
    for sentence in sentences:
        at = line.find(sentence, cursor) if sentence else -1
        if at < 0:
            continue
        if at > starts[-1]:
            starts.append(at)
        cursor = at + len(sentence)
    return starts


def _news_rules(line: str, spans: list[Span]) -> list[Span]:
    """Merge the fragments pySBD splits off wrongly in news copy."""
    merged = spans[:1]
    for span in spans[1:]:
        if _continues(line[merged[-1][0] : merged[-1][1]], line[span[0] : span[1]]):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    if len(merged) > 1 and not _WORD.search(line[merged[0][0] : merged[0][1]]):
        merged[:2] = [(merged[0][0], merged[1][1])]  # a leading "..." belongs to what follows
    return merged


def _continues(previous: str, fragment: str) -> bool:
    if not _WORD.search(fragment):
        return True
    if fragment[0].islower():
        return not (_LIST_MARKER.match(fragment) or _CAMEL_CASE.match(fragment))
    return bool(_CLOCK_END.search(previous) and _TIME_CONTEXT.match(fragment))


def check_segmentation(text: str, seg: Segmentation) -> str | None:
    """What is wrong with `seg` as a segmentation of `text`, or None if it is sound. For a Markdown
    document, `text` is the view it was split in (`reading(text, True).view`).

    Sound: spans in bounds, ordered, not overlapping, no surrounding white space, each unit inside
    its paragraph, and every non-space character of the text in exactly one unit.
    """
    problem = _check_spans(text, seg.paragraphs) or _check_spans(text, seg.units)
    if problem:
        return problem
    previous_end = 0
    for start, end, paragraph in seg.units:
        if not 0 <= paragraph < len(seg.paragraphs):
            return f"unit {start}-{end} has no paragraph {paragraph}"
        p_start, p_end = seg.paragraphs[paragraph]
        if not p_start <= start < end <= p_end:
            return f"unit {start}-{end} is outside its paragraph {p_start}-{p_end}"
        if previous_end < start and not text[previous_end:start].isspace():
            return f"characters {previous_end}-{start} are in no unit"
        previous_end = end
    if text[previous_end:].strip():
        return f"characters after {previous_end} are in no unit"
    return None


def _check_spans(text: str, spans: Iterable[tuple[int, ...]]) -> str | None:
    """Spans (start, end, ...) in bounds, ordered, not overlapping, without surrounding space."""
    previous_end = 0
    for span in spans:
        start, end = span[0], span[1]
        if not previous_end <= start < end <= len(text):
            return f"span {start}-{end} is out of bounds, out of order or overlapping"
        if text[start].isspace() or text[end - 1].isspace():
            return f"span {start}-{end} has surrounding white space"
        previous_end = end
    return None


def segment_many(texts: list[str], markdown: list[bool] | None = None, on_done: Callable[[int], None] | None = None) -> list[Segmentation]:
    """Segment texts in order (those marked in `markdown` as Markdown), in a process pool when there
    is enough work to pay for it; `on_done` is told how many are segmented so far, as they are."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    flags = markdown or [False] * len(texts)
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or sum(map(len, texts)) < PARALLEL_MIN_CHARS or not _can_fork():
        return _collected(map(segment, texts, flags), on_done)
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        chunk = max(1, min(len(texts) // (workers * 8), 100))  # small enough for the progress to move
        return _collected(pool.map(segment, texts, flags, chunksize=chunk), on_done)


def _collected(segmentations: Iterator[Segmentation], on_done: Callable[[int], None] | None) -> list[Segmentation]:
    done = []
    for seg in segmentations:
        done.append(seg)
        if on_done:
            on_done(len(done))
    return done


def _can_fork() -> bool:
    from multiprocessing import get_all_start_methods

    # "spawn" would re-import the caller's main module (a crash in scripts without a main guard);
    # "fork" copies only the calling thread, so it is used only when there is no other thread.
    return "fork" in get_all_start_methods() and threading.active_count() == 1
