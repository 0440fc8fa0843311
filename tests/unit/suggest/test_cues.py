"""Cue finding: the lexicon's phrases found whole, and the guards of the notes (May the month,
"about" as a topic, dates are not quantities, negation, nouns that look like cues)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.suggest.cues import CueFinder
from annotator.suggest.lexicon import LexiconError, load_lexicon

FINDER = CueFinder(load_lexicon())


def cues(text: str, prefix: str = "") -> list[tuple[str, str]]:
    """(text, kind) of each cue found, in order; only kinds starting with `prefix`."""
    found = FINDER.find(text)
    return [(text[slice(*found.span(hit.first, hit.stop))], hit.kind) for hit in found.hits if hit.kind.startswith(prefix)]


def test_may_is_a_hedge_but_may_the_month_is_not() -> None:
    assert cues("The North may test a missile.", "hedge") == [("may", "hedge.possible")]
    assert cues("The talks were held in May.", "hedge") == []
    assert cues("On May 5, the North tested a missile.", "claim.quantity") == []  # nor is May 5 a quantity


def test_about_approximates_a_number_not_a_topic() -> None:
    assert cues("The missile flew about 600 kilometers.", "approximator") == [("about 600", "approximator")]
    assert cues("They talked about the missile program.", "approximator") == []
    assert cues("Some officials spoke about the dozens of launches.", "approximator") == [("dozens of", "approximator")]


@pytest.mark.parametrize(
    "sentence",
    [
        "The drills are scheduled for Aug. 21-31.",
        "The order came on Friday, 26 December 2025.",
        "The talks ended at 10:30 on Monday.",
        "The talks ended at 2 p.m. on Monday.",
        "The North tested a Hwasong-18 and an F-35 flew over.",
        "The 1950-53 Korean War ended in an armistice.",
        "The 70th anniversary of the armistice and the 1990s were marked.",
    ],
)
def test_dates_times_years_and_names_are_not_quantities(sentence: str) -> None:
    assert cues(sentence, "claim.quantity") == []


def test_numbers_and_amounts_are_quantities() -> None:
    assert cues("Exports rose 3.5 percent to $45.2 billion in 2023.", "claim.quantity") == [
        ("3.5 percent", "claim.quantity"),
        ("45.2 billion", "claim.quantity"),
    ]
    assert cues("It is an 8,700-tonne submarine with more than two reactors.", "claim.quantity") == [
        ("8,700", "claim.quantity"),
        ("more than two", "claim.quantity"),
    ]


def test_a_negated_attribution_cue_is_marked_negated() -> None:
    assert cues("Officials did not confirm the launch.", "attribution") == [("confirm", "attribution.negated")]
    assert cues("The ministry declined to confirm the report.", "attribution") == [("confirm", "attribution.negated")]
    assert cues("Officials confirmed the launch.", "attribution") == [("confirmed", "attribution.endorsing")]
    assert cues("He did not, however, say why the ministry confirmed it.", "attribution") == [
        ("say", "attribution.neutral"),  # a comma stands between: not negated
        ("confirmed", "attribution.endorsing"),
    ]


def test_nouns_that_look_like_cues_are_not_cues() -> None:
    assert cues("The claims were false, the ministry said.", "attribution") == [("said", "attribution.neutral")]
    assert cues("The North claims the test succeeded.", "attribution") == [("claims", "attribution.distancing")]
    assert cues("It is the will of the people.", "claim.prediction") == []
    assert cues("Kim called for more missiles.", "attribution") == []
    assert cues("The leader appears on television often.", "hedge") == []


def test_acronyms_match_only_in_capitals_and_phrases_across_line_breaks() -> None:
    assert cues("It was reported by KCNA.", "source") == [("KCNA", "source.state_media")]
    assert cues("It was reported by kcna.", "source") == []
    assert cues("The missile flew, according\nto the JCS.", "attribution") == [("according\nto", "attribution.neutral")]
    assert cues("The North\u2019s state media said so.", "source.state_media") == [("state media", "source.state_media")]


def test_a_project_lexicon_adds_phrases_and_removes_the_package_ones(tmp_path: Path) -> None:
    own = tmp_path / "cues.json"
    own.write_text(
        '{"name": "desk", "version": 3, "cues": {"source.official_named": ["Kim Jong Un"], "claim.rule": ["sanctions"]},'
        ' "remove": {"hedge.possible": ["could"]}}',
        encoding="utf-8",
    )
    lexicon = load_lexicon([own])
    finder = CueFinder(lexicon)
    found = finder.find("Kim Jong Un said new sanctions could follow.")
    assert lexicon.by == "news-cues@1+desk@3"
    assert [hit.kind for hit in found.hits] == ["source.official_named", "attribution.neutral", "claim.rule"]


def test_a_bad_lexicon_file_names_each_problem(tmp_path: Path) -> None:
    own = tmp_path / "cues.json"
    own.write_text(
        '{"name": "", "version": 0, "cues": {"hedge.Possible": ["x"], "booster": [{"phrase": "so", "not_befor": ["x"], "case": "upper"}, 3]},'
        ' "extra": 1}',
        encoding="utf-8",
    )
    with pytest.raises(LexiconError) as caught:
        load_lexicon([own])
    assert [line.removeprefix(f"{own}: ") for line in caught.value.lines] == [
        "unknown key 'extra' (allowed: name, version, description, cues, remove)",
        "name: must be a non-empty string",
        "version: must be an integer >= 1",
        "cues.hedge.Possible: unknown kind (use attribution.neutral, attribution.distancing, attribution.endorsing, attribution.denial,"
        " source.<value>, hedge.<value>, claim.<value>, anonymity, approximator, booster, negation)",
        "cues.booster[0]: unknown key 'not_befor' (allowed: phrase, case, not_after, not_before, source)",
        'cues.booster[0].case: the only case is "exact"',
        "cues.booster[1]: a phrase must be a string with at least one word",
    ]
    own.write_text("{", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"cues\.json:1: invalid JSON"):
        load_lexicon([own])
    with pytest.raises(LexiconError, match="no such lexicon file"):
        load_lexicon([tmp_path / "missing.json"])
