"""Suggestions from a model command and from files, over the rule suggestions: the protocol, the
cache, and every way a command or a file goes wrong (reported, the rules' suggestions kept)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from annotator.corpus.document import Corpus
from annotator.corpus.load import load_corpus
from annotator.schema.load import load_schema
from annotator.suggest.collect import Command, Suggested, suggest
from annotator.suggest.lexicon import load_lexicon
from tests.conftest import DATA, SCHEMA

TEXT = "Officials said 600 missiles were fired.\n\nThe North may test another one soon, the ministry said.\n"
SCHEMA_ = load_schema(SCHEMA)
LEXICON = load_lexicon()
FAKE = f"{shlex.quote(sys.executable)} {shlex.quote(str(DATA / 'fake_suggester.py'))}"


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    (tmp_path / "news.txt").write_text(TEXT, encoding="utf-8")
    return load_corpus([tmp_path / "news.txt"])


def run(corpus: Corpus, command: str | None = None, *, files: tuple[Path, ...] = (), timeout: float = 30) -> Suggested:
    return suggest(corpus.units(), SCHEMA_, LEXICON, files=files, command=Command(command, timeout) if command else None)


def values(suggested: Suggested) -> list[dict]:
    return [unit.values() for unit in suggested.units]


def test_a_commands_suggestions_take_the_place_of_the_rules_field_by_field(corpus: Corpus) -> None:
    suggested = run(corpus, FAKE)
    assert suggested.problems == [] and suggested.asked == 2
    first = suggested.units[0]
    assert first.values() == {
        "checkworthiness": "urgent",  # the model's
        "source_type": "official_anonymous",  # the rules'
        "source": "Officials",
        "claim_type": ["quantity"],
        "verifiability": "public",  # the model's: no rule suggests it
        "hedging": "asserted",
    }
    assert first.fields["checkworthiness"].by == "fake-model"
    assert first.fields["verifiability"].by == FAKE  # no `by` given: the command
    assert [(cue.start, cue.end, cue.text, cue.kind) for cue in first.fields["checkworthiness"].cues] == [(0, 9, "Officials", "model")]


def test_asking_again_costs_nothing_the_answers_come_from_the_cache(corpus: Corpus, tmp_path: Path) -> None:
    log = tmp_path / "asked.txt"
    command = f"{FAKE} --log {shlex.quote(str(log))}"
    first = run(corpus, command)
    again = run(corpus, command)
    assert log.read_text(encoding="utf-8").splitlines() == [unit.text for unit in corpus.units()]  # asked once only
    assert (again.asked, again.cached) == (0, 2)
    assert values(again) == values(first) and again.units == first.units
    moved = tmp_path / "moved.txt"  # the same sentences elsewhere: answered from the cache, cues moved along
    moved.write_text("A new first line.\n\n" + TEXT, encoding="utf-8")
    shifted = suggest(load_corpus([moved]).units(), SCHEMA_, LEXICON, command=Command(command))
    assert shifted.cached == 2 and shifted.units[1].fields["checkworthiness"].cues[0].start == 19
    assert len(log.read_text(encoding="utf-8").splitlines()) == 3  # only the new line was asked


def test_the_cache_is_per_command_and_schema_version(corpus: Corpus, tmp_path: Path) -> None:
    log = tmp_path / "asked.txt"
    run(corpus, f"{FAKE} --log {shlex.quote(str(log))}")
    run(corpus, f"{FAKE}  --log {shlex.quote(str(log))}")  # another command string
    newer = tmp_path / "schema.json"
    newer.write_text(json.dumps({**json.loads(SCHEMA.read_text(encoding="utf-8")), "version": 2}), encoding="utf-8")
    suggest(corpus.units(), load_schema(newer), LEXICON, command=Command(f"{FAKE} --log {shlex.quote(str(log))}"))
    assert len(log.read_text(encoding="utf-8").splitlines()) == 6


def test_malformed_lines_and_unknown_values_are_reported_by_line_and_the_rest_kept(corpus: Corpus) -> None:
    command = f"{FAKE} --garbage 2 --unknown-value"
    suggested = run(corpus, command)
    assert [str(problem).partition(" (")[0] for problem in suggested.problems] == [
        f"`{command}` output:1: field 'hedging' has no value 'maybe'",
        f"`{command}` output:2: not JSON",
        f"`{command}`: no answer for 1 sentence",
    ]
    assert suggested.units[0].values()["hedging"] == "asserted"  # the rules', not the unknown "maybe"
    assert suggested.units[0].values()["checkworthiness"] == "urgent"
    assert suggested.units[1].values()["checkworthiness"] == "check"  # no answer: the rules'


def test_a_failing_command_is_reported_with_its_stderr_and_the_rules_stay(corpus: Corpus) -> None:
    command = f"{FAKE} --fail-after 1"
    suggested = run(corpus, command)
    assert [str(problem) for problem in suggested.problems] == [
        f"`{command}`: exited with status 3: fake model: out of memory; the units it did not answer keep the rule suggestions",
        f"`{command}`: no answer for 1 sentence (the first: news [41, 96)); asked again next time",
    ]
    assert [unit.values()["checkworthiness"] for unit in suggested.units] == ["urgent", "check"]
    missing = run(corpus, "annotator-no-such-model-command")
    assert "exited with status 127" in str(missing.problems[0])
    assert values(missing) == values(run(corpus))


def test_a_command_that_stops_answering_is_stopped_after_the_timeout(corpus: Corpus) -> None:
    command = f"{FAKE} --stop-after 1"
    suggested = run(corpus, command, timeout=0.3)
    assert (
        str(suggested.problems[0])
        == f"`{command}`: gave no output line for 0.3 s: stopped; the units it did not answer keep the rule suggestions"
    )
    assert [unit.values()["checkworthiness"] for unit in suggested.units] == ["urgent", "check"]
    again = run(corpus, command, timeout=0.3)  # what it answered was kept
    assert again.cached == 1 and again.asked == 1


def test_a_command_gets_the_units_and_the_schema_file(corpus: Corpus, tmp_path: Path) -> None:
    seen = tmp_path / "seen.txt"
    echo = f"cat > {shlex.quote(str(seen))}; echo $ANNOTATOR_SCHEMA >> {shlex.quote(str(seen))}"
    suggest(corpus.units(), SCHEMA_, LEXICON, command=Command(echo, env={"ANNOTATOR_SCHEMA": "/the/schema.json"}))
    *lines, schema = seen.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [{"doc": u.doc, "start": u.start, "end": u.end, "text": u.text} for u in corpus.units()]
    assert schema == "/the/schema.json"


def test_suggestions_from_a_file_of_ours(corpus: Corpus, tmp_path: Path) -> None:
    unit = corpus.units()[1]
    lines = [
        {"doc": "news", "start": unit.start, "end": unit.end, "suggestions": {"hedging": {"value": "probable", "by": "colleague"}}},
        {"doc": "news", "start": 0, "end": 5, "suggestions": {}},
        {"doc": "news", "start": unit.start, "end": unit.end, "text": "Another text.", "suggestions": {}},
        {
            "doc": "news",
            "start": unit.start,
            "end": unit.end,
            "suggestions": {"hedging": {"value": "asserted", "cues": [{"start": 0, "end": 3, "kind": "x"}]}},
        },
    ]
    path = tmp_path / "ours.jsonl"
    path.write_text("\n".join(map(json.dumps, lines)) + "\nnot JSON\n", encoding="utf-8")
    suggested = run(corpus, files=(path,))
    assert [str(problem).partition(" (")[0].partition("JSON")[0] for problem in suggested.problems] == [
        f"{path}:2: no unit 'news' [0, 5) in the documents",
        f"{path}:3: its text is not the unit's text now",
        f"{path}:4: hedging: cues[0]: start and end must be document offsets inside the unit [41, 96), start before end",
        f"{path}:5: invalid ",
    ]
    assert suggested.units[1].fields["hedging"].value == "asserted"  # the last line for the unit wins, its bad cue left out
    assert suggested.units[1].fields["hedging"].cues == ()


def test_suggestions_from_label_studio_predictions(corpus: Corpus, tmp_path: Path) -> None:
    first, second = corpus.units()
    tasks = [
        {
            "data": {"text": first.text},
            "predictions": [
                {
                    "model_version": "ls-model-7",
                    "result": [
                        {"from_name": "checkworthiness", "to_name": "text", "type": "choices", "value": {"choices": ["Urgent"]}},
                        {"from_name": "claim_type", "to_name": "text", "type": "choices", "value": {"choices": ["quantity", "event"]}},
                        {
                            "from_name": "source",
                            "to_name": "text",
                            "type": "labels",
                            "value": {"start": 0, "end": 9, "text": "Officials", "labels": ["source"]},
                        },
                        {"from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": ["check the count"]}},
                    ],
                }
            ],
        },
        {
            "data": {"doc": "news", "start": second.start, "end": second.end},
            "predictions": [{"result": [{"from_name": "hedging", "type": "choices", "value": {"choices": ["maybe"]}}]}],
        },
        {"data": {"text": "a sentence of no document"}, "predictions": []},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    suggested = run(corpus, files=(path,))
    assert [str(problem) for problem in suggested.problems] == [
        f"{path}: task 2: field 'hedging' has no value 'maybe' (values: asserted, probable, possible, uncommitted)",
        f"{path}: task 3: no unit with its data (doc, start, end, or text) in the documents",
    ]
    fields = suggested.units[0].fields
    assert {field_id: s.value for field_id, s in fields.items() if s.by == "ls-model-7"} == {
        "checkworthiness": "urgent",
        "source": "Officials",
        "claim_type": ["event", "quantity"],
        "note": "check the count",
    }
    assert [(cue.start, cue.end, cue.text, cue.kind) for cue in fields["source"].cues] == [(0, 9, "Officials", "source")]
