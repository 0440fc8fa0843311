"""Paragraphs: a line break in hard-wrapped prose is a space; headline, byline and dateline lines stay
their own units. Checked on the seeds, on a hard-wrapped copy of them and on e-mail-style text."""

from __future__ import annotations

import textwrap

import pytest

from annotator.corpus.segment import check_segmentation, segment
from tests.conftest import SEEDS


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end, _ in segment(text).units]


def words(texts: list[str]) -> list[str]:
    return [" ".join(text.split()) for text in texts]


def hard_wrapped(text: str, width: int) -> str:
    """`text` with each paragraph of prose (a line that ends a sentence) wrapped at `width`, as a
    writer's editor or mail program wraps it; headline lines stay as they are."""
    lines = [
        "\n".join(textwrap.wrap(line, width, break_on_hyphens=False, break_long_words=False)) if line.endswith((".", '"')) else line
        for line in text.split("\n")
    ]
    return "\n".join(lines)


@pytest.mark.parametrize("width", [60, 72])
@pytest.mark.parametrize("name", ["000_d7efd9d5cc810911.txt", "004_5f7998d51eba2094.txt"])
def test_a_hard_wrapped_copy_of_the_seeds_splits_into_the_same_sentences(name: str, width: int) -> None:
    original = (SEEDS / name).read_text(encoding="utf-8")
    wrapped = hard_wrapped(original, width)
    assert wrapped.count("\n") > original.count("\n") + 10
    seg = segment(wrapped)
    assert check_segmentation(wrapped, seg) is None
    assert words(sentences(wrapped)) == sentences(original)
    assert len(seg.paragraphs) == len(segment(original).paragraphs)


def test_the_headline_and_sub_headline_of_the_seeds_stay_apart() -> None:
    units = sentences((SEEDS / "004_5f7998d51eba2094.txt").read_text(encoding="utf-8"))
    assert units[:2] == [
        "Kim Jong Un Orders Major Boost in North Korean Missile Production for 2025",
        "North Korea's Kim orders major missile production boost",
    ]


EMAIL = """\
Hi Alice,

Thanks for the draft. I read it on the train this morning and I think the
numbers in the second section need another look: the ministry's figure was
45.2 billion, not 42.5 billion.

The launch came at 7 a.m. KST on the coast, the JCS said. It was the third
launch this year, and officials in Seoul called it "a grave provocation."

Best,
Bob
"""


def test_wrapped_email_text() -> None:
    assert words(sentences(EMAIL)) == [
        "Hi Alice,",
        "Thanks for the draft.",
        "I read it on the train this morning and I think the numbers in the second section need another look:"
        " the ministry's figure was 45.2 billion, not 42.5 billion.",
        "The launch came at 7 a.m. KST on the coast, the JCS said.",
        'It was the third launch this year, and officials in Seoul called it "a grave provocation."',
        "Best,",
        "Bob",
    ]
    paragraphs = [EMAIL[start:end] for start, end in segment(EMAIL).paragraphs]
    assert paragraphs[1].startswith("Thanks") and paragraphs[1].endswith("42.5 billion.")


def test_crlf_wrapped_prose_keeps_offsets_into_the_text_as_is() -> None:
    text = EMAIL.replace("\n", "\r\n")
    units = sentences(text)
    assert words(units) == words(sentences(EMAIL))
    assert "the\r\nnumbers" in units[2]
    assert check_segmentation(text, segment(text)) is None


def test_a_headline_above_wrapped_prose_without_a_blank_line_stays_its_own_unit() -> None:
    text = (
        "Kim orders missile boost\n"
        "North Korean leader Kim Jong Un has issued a direct order for a substantial\n"
        "ramp-up in the production of missiles, according to state media.\n"
    )
    assert words(sentences(text)) == [
        "Kim orders missile boost",
        "North Korean leader Kim Jong Un has issued a direct order for a substantial ramp-up in the production"
        " of missiles, according to state media.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # the last line ends no sentence: a list of lines, not prose
        "Kim Jong Un Orders Major Boost in North Korean Missile Production for 2025\nNorth Korea's Kim orders major missile production boost\n",
        "N. Korea's Kim calls for missile boost\nBy Lee Minji\nSEOUL, Aug. 14 (Yonhap) -- Kim called for a boost.\n",
        # a short line: the next word would have fitted on it, so its line break is meant
        "The talks ended.\nOfficials from both sides of the border declined to comment on the outcome.\n",
    ],
)
def test_lines_that_are_not_wrapped_prose_stay_apart(text: str) -> None:
    assert [paragraph for _, _, paragraph in segment(text).units] == list(range(text.count("\n")))
