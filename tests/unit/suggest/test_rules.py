"""Rule suggestions on the five sample sentences of the notes (schema-and-segmentation A3/A4, whose
offsets are relative to each sentence), and the rules' edges: the check-worthiness prior, sources
delimited by their clause, a schema without the fields or values the rules know."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotator.schema.load import load_schema, parse_schema
from annotator.suggest.lexicon import load_lexicon
from annotator.suggest.model import UnitSuggestions
from annotator.suggest.rules import RuleSuggester
from tests.conftest import SCHEMA

S1 = (
    'North Korean leader Kim Jong-un has called for a "drastic boost" of the country\'s missile production capacity, the '
    "North's state media said Monday, ahead of a key joint military exercise between South Korea and the United States next week."
)
S2 = (
    "This year's combined military exercise, scheduled for Aug. 21-31, will feature various contingency drills, such as the "
    "computer simulation-based command post exercise, concurrent field training and Ulchi civil defense drills."
)
S3 = (
    "In response to Kim's first inspection of munitions factories earlier this month, South Korea's unification ministry said "
    'the visit appears to have had "multiple" purposes -- flaunting its military achievements, responding to the South '
    "Korea-U.S. military drills and seeking arms exports."
)
S4 = (
    "Kim Jong Un's strategy appears focused on rapidly advancing his country's nuclear and missile capabilities while "
    "strengthening ties with Russia as a central pillar of foreign policy."
)
S5 = (
    "Pyongyang now possesses a range of nuclear-capable missiles designed to strike targets in the US and across Asia, a "
    "capability prominently displayed at a grand military parade in October."
)
START = 1000  # where the sentence stands in its document: cue offsets are document offsets


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int = START

    @property
    def end(self) -> int:
        return self.start + len(self.text)


SUGGESTER = RuleSuggester(load_lexicon(), load_schema(SCHEMA))


def suggest(text: str, suggester: RuleSuggester = SUGGESTER) -> UnitSuggestions:
    return suggester.suggest(Sentence(text), "doc")


def cues(suggestions: UnitSuggestions, field_id: str) -> list[tuple[int, int, str, str]]:
    """A field's cues with offsets relative to the sentence, as the notes give them."""
    return [(cue.start - START, cue.end - START, cue.text, cue.kind) for cue in suggestions.fields[field_id].cues]


def test_s1_the_source_is_the_state_media_that_said_it() -> None:
    s1 = suggest(S1)
    assert s1.values() == {
        "checkworthiness": "check",
        "source_type": "state_media",
        "source": "the North's state media",
        "claim_type": ["prediction"],
        "hedging": "asserted",
        "flags": ["quoted_wording"],  # for a "drastic boost"
    }
    assert cues(s1, "source") == [(111, 134, "the North's state media", "source"), (135, 139, "said", "attribution.neutral")]
    assert cues(s1, "source_type") == [(123, 134, "state media", "source.state_media")]
    assert [cue[2] for cue in cues(s1, "claim_type")] == ["ahead of", "next week"]
    assert {s.by for s in s1.fields.values()} == {"rules:news-cues@1"}
    assert [(cue.start - START, cue.text) for cue in s1.cues()] == [  # every cue once, in order: what the UI highlights
        (49, '"drastic boost"'),
        (111, "the North's state media"),
        (123, "state media"),
        (135, "said"),
        (148, "ahead of"),
        (229, "next week"),
    ]


def test_s2_a_schedule_is_a_prediction_and_its_dates_no_quantity() -> None:
    s2 = suggest(S2)
    assert s2.values() == {"checkworthiness": "minor", "source_type": "unattributed", "claim_type": ["prediction"], "hedging": "asserted"}
    assert [cue[2] for cue in cues(s2, "claim_type")] == ["scheduled for", "will"]


def test_s3_the_ministry_said_the_visit_appears_to() -> None:
    s3 = suggest(S3)
    assert s3.values() == {
        "checkworthiness": "check",
        "source_type": "official_body",
        "source": "South Korea's unification ministry",
        "claim_type": ["causal"],
        "hedging": "possible",
        "flags": ["quoted_wording"],
    }
    assert cues(s3, "source")[0] == (81, 115, "South Korea's unification ministry", "source")
    assert cues(s3, "source")[1] == (116, 120, "said", "attribution.neutral")
    assert cues(s3, "hedging") == [(131, 141, "appears to", "hedge.possible")]
    assert [cue[2] for cue in cues(s3, "claim_type")] == ["In response to", "responding to"]


def test_s4_an_appearance_in_the_writers_voice_is_hedged_and_unattributed() -> None:
    s4 = suggest(S4)
    assert s4.values() == {"checkworthiness": "minor", "source_type": "unattributed", "hedging": "possible"}
    assert cues(s4, "hedging") == [(23, 30, "appears", "hedge.possible")]


def test_s5_an_approximator_and_a_booster_leave_the_claim_asserted() -> None:
    s5 = suggest(S5)
    assert s5.values() == {"checkworthiness": "check", "source_type": "unattributed", "claim_type": ["causal"], "hedging": "asserted"}
    assert cues(s5, "hedging") == [(24, 34, "a range of", "approximator"), (127, 138, "prominently", "booster")]


@pytest.mark.parametrize("text", ["Kim Jong Un Orders Major Boost in North Korean Missile Production", "By Lee Minji", "The talks ended."])
def test_headlines_bylines_and_fragments_are_no_claim_and_nothing_else_is_asked(text: str) -> None:
    assert suggest(text).values() == {"checkworthiness": "no_claim"}


def test_a_question_is_no_claim_with_the_question_mark_as_its_cue() -> None:
    question = suggest("Will the North test another missile this year?")
    assert question.values() == {"checkworthiness": "no_claim"}
    assert cues(question, "checkworthiness") == [(45, 46, "?", "question")]


@pytest.mark.parametrize(
    ("text", "source", "source_type"),
    [
        ("The missile flew 600 kilometers, the JCS said.", "the JCS", "official_body"),
        ("The state news agency, KCNA, reported that he approved the plans.", "The state news agency, KCNA", "state_media"),
        ("Officials, speaking on condition of anonymity, said the test failed.", "Officials", "official_anonymous"),
        ("Kim was also quoted as saying that the army must be ready.", "Kim", None),
        ("Exports rose sharply, according to data released by the ministry on Monday.", "data released by the ministry", "document"),
        ("Analysts at the Korea Institute said the launch was a test.", "Analysts at the Korea Institute", "expert"),
        ("The launch failed, it said.", "it", None),
    ],
)
def test_the_source_is_the_words_of_its_clause(text: str, source: str, source_type: str | None) -> None:
    values = suggest(text).values()
    assert values["source"] == source
    assert values.get("source_type") == source_type


def test_no_source_from_a_negated_or_embedded_attribution() -> None:
    negated = suggest("Officials did not confirm that the missile was launched on Monday.")
    assert "source" not in negated.values() and negated.values()["source_type"] == "unattributed"
    assert [cue[3] for cue in cues(negated, "source_type")] == ["attribution.negated"]
    embedded = suggest("Kim inspected what the North called a new submarine on Monday.")
    assert "source" not in embedded.values() and embedded.values()["source_type"] == "unattributed"


def test_an_anonymity_marker_makes_the_source_anonymous() -> None:
    values = suggest("A person familiar with the matter said on condition of anonymity that the test had failed.").values()
    assert values["source_type"] == "official_anonymous"


def test_a_schema_without_the_rules_fields_or_values_gets_only_what_it_has() -> None:
    data = json.loads(Path(SCHEMA).read_text(encoding="utf-8"))
    data["fields"] = [field for field in data["fields"] if field["id"] in ("checkworthiness", "source_type")]
    data["fields"][0]["values"] = [value for value in data["fields"][0]["values"] if value["id"] != "check"]
    suggester = RuleSuggester(load_lexicon(), parse_schema(json.dumps(data)))
    assert suggest(S1, suggester).values() == {"source_type": "state_media"}  # "check" is not a value of this schema
    assert suggest(S4, suggester).values() == {"checkworthiness": "minor", "source_type": "unattributed"}


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('He called it "a grave provocation" on Monday.', ['"a grave provocation"']),
        ("He called it \u201ca grave provocation\u201d on Monday.", ["\u201ca grave provocation\u201d"]),
        ('"We will respond," he said, calling it "reckless".', ['"We will respond,"', '"reckless"']),
        ('"We will respond to every threat and we will.', []),  # the quotation goes on in the next sentence
        ('It was a so-called "ok" deal, officials said.', []),  # two letters: not a quotation worth checking
        ("The ministry said the talks would resume.", []),
    ],
)
def test_a_direct_quotation_suggests_the_quoted_wording_flag(text: str, quoted: list[str]) -> None:
    found = suggest(text).fields.get("flags")
    if not quoted:
        assert found is None
        return
    assert found is not None and found.value == ["quoted_wording"]
    assert [cue[2:] for cue in cues(suggest(text), "flags")] == [(quote, "quotation") for quote in quoted]
