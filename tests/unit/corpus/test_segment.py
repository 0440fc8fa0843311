"""Sentence segmentation: Golden Rules, wire-news cases, the self-check, the cache."""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import threading
import unicodedata
from concurrent.futures import ProcessPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pysbd.utils import TextSpan

from annotator.corpus import segment as segment_module
from annotator.corpus.cache import SegmentCache
from annotator.corpus.segment import (
    Segmentation,
    check_segmentation,
    segment,
    segment_many,
)
from tests.conftest import DATA, SEEDS


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end, _ in segment(text).units]


def test_golden_rules_at_least_47_of_48() -> None:
    cases = json.loads((DATA / "golden_rules_en.json").read_text(encoding="utf-8"))
    assert len(cases) == 48
    failed = [
        (number, sentences(case["input"])) for number, case in enumerate(cases, start=1) if sentences(case["input"]) != case["expected"]
    ]
    assert len(failed) <= 1, f"failed Golden Rules: {failed}"


@pytest.mark.parametrize(
    "expected",
    [
        ["SEOUL, Aug. 14 (Yonhap) -- North Korean leader Kim Jong-un called for a boost.", "He left."],
        ["The U.S. agreed to talks.", "They will be held in the U.S.", "The talks start soon."],
        ["Seoul condemned the South Korea-U.S. military drills.", "Pyongyang did not reply."],
        ["The exercise, scheduled for Aug. 21-31, will feature drills.", "It is annual."],
        ["Dr. Lee spoke first.", "Gen. Park agreed with Mr. Kim.", "They left."],
        ["The talks start at 10 a.m. Friday at the Pentagon.", "They end at 2 p.m.", "Drills follow."],
        ["The launch came at 7 a.m. KST on the coast.", "It was the third."],
        ['"He set a goal to boost capacity... so as to mass-produce missiles," the KCNA said.', "Go."],
        ['He called it "reckless."', "The ministry said so."],
        ["He called it “nonsense.”", "The ministry agreed."],
        ["The North fired...", "The JCS said it was a missile."],
        ['"This is not a threat. It is a warning," the KCNA commentary said.'],
        ["Sales rose 5 pct.", "iPhone shipments led the gains."],
    ],
)
def test_wire_news_sentences(expected: list[str]) -> None:
    assert sentences(" ".join(expected)) == expected


def test_headline_byline_and_dateline_lines_are_their_own_units() -> None:
    text = (
        "N. Korea's Kim calls for missile boost\nBy Lee Minji\nSEOUL, Aug. 14 (Yonhap) -- Kim called for a boost. He visited factories.\n"
    )
    assert sentences(text) == [
        "N. Korea's Kim calls for missile boost",
        "By Lee Minji",
        "SEOUL, Aug. 14 (Yonhap) -- Kim called for a boost.",
        "He visited factories.",
    ]
    seg = segment(text)
    assert [paragraph for _, _, paragraph in seg.units] == [0, 1, 2, 2]
    assert [text[s:e] for s, e in seg.paragraphs][2].startswith("SEOUL")


def test_a_very_long_line_is_split_as_its_parts_are() -> None:
    # Long lines are cut before pySBD (it is quadratic in the length); cutting must not show.
    paragraph = (SEEDS / "000_d7efd9d5cc810911.txt").read_text(encoding="utf-8").replace("\n", " ")
    assert sentences(" ".join([paragraph] * 12)) == sentences(paragraph) * 12


def test_markdown_heading_is_one_unit() -> None:
    assert sentences("# U.S. and S. Korea. Talks resume\n\nThey met. It went well.") == [
        "# U.S. and S. Korea. Talks resume",
        "They met.",
        "It went well.",
    ]


def test_crlf_offsets_index_the_text_as_is() -> None:
    text = "Headline\r\n\r\nFirst one. Second one.\r\n"
    seg = segment(text)
    assert [text[s:e] for s, e, _ in seg.units] == ["Headline", "First one.", "Second one."]
    assert check_segmentation(text, seg) is None


def test_list_markers_are_not_merged_as_lower_case_continuations() -> None:
    assert sentences("a. The first item b. The second item") == ["a. The first item", "b. The second item"]


def test_fragments_without_words_join_a_neighbour() -> None:
    assert sentences("... Hello there. Fine.") == ["... Hello there.", "Fine."]
    assert sentences("It costs $1.5 bn. in 2023... so far.") == ["It costs $1.5 bn. in 2023... so far."]


def test_overlapping_pysbd_spans_are_realigned() -> None:
    # pySBD 0.3.4 returns (0, 10) "He was (. " and (8, 12) ". . " here: the spans overlap.
    assert sentences("He was (. . . Then he left.") == ["He was (. . .", "Then he left."]


class FakeSegmenter:
    """Stands in for pySBD when it returns spans that do not fit the text."""

    def __init__(self, spans: list[TextSpan]) -> None:
        self.spans = spans

    def segment(self, line: str) -> list[TextSpan]:
        return self.spans


@pytest.mark.parametrize(
    "spans",
    [
        # overlapping spans, as pySBD gives when a sentence string occurs twice
        [TextSpan("One. ", 0, 5), TextSpan("One. ", 0, 5), TextSpan("Two. Three.", 5, 16)],
        # a sentence dropped and the offsets wrong
        [TextSpan("One. ", 0, 5), TextSpan("Three.", 3, 9)],
        # a sentence string pySBD altered: it can only be found by the others around it
        [TextSpan("One. ", 0, 5), TextSpan("Tw0. ", 5, 10), TextSpan("Three.", 10, 16)],
        [],
    ],
)
def test_bad_pysbd_spans_lose_no_character(monkeypatch: pytest.MonkeyPatch, spans: list[TextSpan]) -> None:
    monkeypatch.setattr(segment_module, "_segmenter", lambda: FakeSegmenter(spans))
    text = "One. Two. Three."
    seg = segment(text)
    assert check_segmentation(text, seg) is None
    assert "".join(text[s:e] for s, e, _ in seg.units).replace(" ", "") == "One.Two.Three."


@pytest.mark.parametrize(
    ("seg", "reason"),
    [
        (Segmentation(((0, 9),), (0, 4, 0)), "in no unit"),
        (Segmentation(((0, 9),), (0, 5, 0, 5, 9, 0)), "white space"),
        (Segmentation(((0, 9),), (0, 6, 0, 5, 9, 0)), "overlapping"),
        (Segmentation(((0, 9),), (0, 4, 0, 5, 12, 0)), "out of bounds"),
        (Segmentation(((0, 4),), (0, 4, 0, 5, 9, 0)), "outside its paragraph"),
        (Segmentation(((0, 9),), (0, 4, 0, 5, 9, 1)), "no paragraph"),
        (Segmentation(((0, 9),), (5, 9, 0)), "in no unit"),
    ],
)
def test_check_segmentation_finds_broken_spans(seg: Segmentation, reason: str) -> None:
    problem = check_segmentation("One. Two.", seg)
    assert problem is not None and reason in problem


def test_parallel_segmentation_gives_the_same_units(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"Doc {n}. It has U.S. troops.\nBy Lee\nSEOUL, Aug. 14 (Yonhap) -- Yes. No." for n in range(40)]
    serial = segment_many(texts)
    monkeypatch.setattr(segment_module, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(segment_module.os, "cpu_count", lambda: 2)
    others = [thread.name for thread in threading.enumerate() if thread is not threading.main_thread()]
    assert not others, f"a thread left running by an earlier test keeps segment_many from forking: {others}"
    pools: list[ProcessPoolExecutor] = []

    class Recorded(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            pools.append(self)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recorded)
    assert segment_many(texts) == serial
    assert pools, "the texts were not segmented in a process pool"


def with_checksum(body: bytes) -> bytes:
    """A shard as the cache writes one: the sha256 of the body, a newline, the body."""
    return hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body


def test_cache_round_trip_and_damaged_shards(tmp_path) -> None:
    cache = SegmentCache(tmp_path)
    seg = segment("One. Two.\nThree.")
    sha = "ab" + "0" * 62
    cache.put({sha: seg})
    assert SegmentCache(tmp_path).get([sha, "cd" + "0" * 62]) == {sha: seg}
    shard = cache.root / "ab.json"
    written = shard.read_bytes()
    checksum, _, body = written.partition(b"\n")
    entry = b'{"' + sha.encode() + b'":'
    damaged = [
        b"{not json",
        written[: len(written) // 2],  # a torn write
        checksum + b"\n" + body.replace(b"[0,", b"[1,", 1),  # edited: the checksum no longer holds
        body,  # no checksum
        with_checksum(b"[1, 2]"),  # not a mapping
        with_checksum(entry + b"[[0, 1], [0, 1]]}"),  # half a unit
        with_checksum(entry + b"[[0, 9]]}"),  # no units
    ]
    for junk in damaged:
        shard.write_bytes(junk)
        assert cache.get([sha]) == {}
    cache.put({sha: seg})
    assert cache.get([sha]) == {sha: seg}
    assert [p.name for p in cache.root.iterdir()] == ["ab.json"]  # no temp files left behind


@pytest.mark.parametrize(
    "line",
    ["a. " * 30_000, "x" * 100_000, "Mr. " * 20_000, '"a." ' * 20_000, "(a) " * 20_000, "word " * 30_000, "e\u0301" * 50_000],
    ids=["a-dot", "one-word", "mr", "quoted", "list", "words", "combining"],
)
def test_pysbd_gets_bounded_pieces_whatever_the_line(line: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """pySBD's time grows with a piece's length times its sentence ends; bounded pieces keep a line
    linear (benchmarks/bench_segment.py measures it). The split still covers the line."""
    pieces: list[str] = []
    real = segment_module._sentence_starts
    monkeypatch.setattr(segment_module, "_sentence_starts", lambda text: pieces.append(text) or real(text))
    seg = segment(line)
    assert check_segmentation(line, seg) is None
    assert max(map(len, pieces), default=0) <= 3_000
    assert max((len(segment_module._END_MARK.findall(piece)) for piece in pieces), default=0) <= 64
    assert not any(unicodedata.combining(line[start]) for start, _end, _ in seg.units)


def test_a_line_without_a_sentence_end_is_one_unit_without_pysbd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segment_module, "_sentence_starts", lambda text: pytest.fail(f"pySBD asked about {text!r}"))
    lines = ["Missile talks stall", "By Lee Minji", "Seoul says (again)", "It ends here...", 'He said "no!"', "a", "a) the first item"]
    assert sentences("\n".join(lines)) == lines


def pysbd_spans(text: str) -> list[tuple[int, int]]:
    """The trimmed sentence spans pySBD alone gives for `text`."""
    found = segment_module._segmenter().segment(text)
    starts = segment_module._pysbd_starts(text, found) or segment_module._realign(text, [piece.sent.strip() for piece in found])
    return [span for s, e in zip(starts, [*starts[1:], len(text)]) if (span := segment_module._trim(text, s, e))]


def rule_spans(text: str) -> list[tuple[int, int]] | None:
    starts = segment_module._plain_starts(text)
    if starts is None:
        return None
    return [span for s, e in zip(starts, [*starts[1:], len(text)]) if (span := segment_module._trim(text, s, e))]


# Plain words, and every kind of token pySBD has a rule for: abbreviations, roman numerals, single
# letters, numbers, quotes, brackets, list markers, ellipses, other end marks, extra spaces.
PLAIN_TOKENS = ["the", "said", "drills", "Monday", "Seoul", "It", "The", "Yonhap", "mix", "it's", "Dr.", "Gen.", "3.5", ",", ".", "."]
HOSTILE_TOKENS = [
    *[
        "Dr",
        "Mr",
        "Gen",
        "Aug",
        "dr.",
        "Sen.",
        "Gov",
        "ing",
        "10.5.",
        ".5",
        "Sept",
        "Inc",
        "Corp",
        "Jan",
        "etc",
        "approx",
        "vii",
        "civic",
        "I",
        "A",
        "No",
        "St",
        "Co",
        "KG",
    ],
    *["U.S.", "a.m.", "e.g.", "3", "3.5", "$45.2", "1", "2)", "a)", "(a)", "iv.", "x.", "'the'", '"reckless"', "“nonsense”"],
    *["...", "..", "!", "?", "?!", "'", "Yahoo!", "-", "--", ":", "  ", "+", "@", "*"],
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(PLAIN_TOKENS), min_size=1, max_size=30),
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from(HOSTILE_TOKENS)), max_size=2),
)
def test_the_rule_decides_only_as_pysbd_does(tokens: list[str], hostile: list[tuple[int, str]]) -> None:
    """Where the rule decides the sentence ends of a piece without pySBD, pySBD decides the same."""
    for at, token in hostile:
        tokens.insert(at, token)
    text = " ".join(tokens).replace(" .", ".").strip()
    decided = rule_spans(text)
    assert decided is None or decided == pysbd_spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "The missile flew about 600 kilometers, the JCS said. The drills are defensive in nature.",
        "Officials met on Monday. They said nothing. Talks resume",
        "It's over. Kim's aides left.",
        "Exports rose 3.5 percent to $45.2 billion, the ministry said. Dr. Lee agreed with Gen. Park.",
        "He met Dr. Then left.",  # pySBD reads a title before a capital as a title, whatever follows
    ],
)
def test_plain_prose_is_split_without_pysbd(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = pysbd_spans(text)
    monkeypatch.setattr(segment_module, "_segmenter", lambda: pytest.fail(f"pySBD asked about {text!r}"))
    assert [(s, e) for s, e, _ in segment(text).units] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Talks ended in Aug. Then they resumed.",  # an abbreviation
        "Talks with the dr. Lee ended.",  # a title not capitalised
        "It was 10.5 pct. Then 11.",  # a number before a full stop
        "See version 2.x. Then stop.",  # a full stop between a digit and a letter
        "Read part.5 Then stop.",  # a numbered reference
        'He called it "reckless." The ministry said so.',  # a quote around an end mark
        "The North fired... The JCS said so.",  # an ellipsis
        "He left. I stayed.",  # a one-letter word after the stop
        "Read part vii. Then stop.",  # a roman numeral
        "Why now? They left.",  # an end mark other than a full stop
        "He left.  Then she did.",  # two spaces
        "He said -- yes. Then -- they left.",  # pySBD joins what is between two dashes
    ],
)
def test_pysbd_decides_what_the_rule_cannot(text: str) -> None:
    assert segment_module._plain_starts(text) is None


def test_segment_many_tells_how_many_are_done() -> None:
    done: list[int] = []
    segment_many(["One. Two.", "Three.", "Four."], on_done=done.append)
    assert done == [1, 2, 3]
