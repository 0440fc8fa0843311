"""Suggestions for the units of a corpus: the rules', then a file's and a command's in their place.

Every unit gets the rule suggestions. Suggestions read from files (`--from`), then a command's
(`--command`), replace them field by field: a field they do not suggest keeps the rule's. A
command is asked only about sentences its cache does not hold, each distinct text once; whatever
goes wrong with it or a file is a `Problem`, and the units it leaves out keep the rule suggestions.

The command protocol: the command reads JSON lines `{"doc", "start", "end", "text"}` on its stdin
and writes JSON lines `{"doc", "start", "end", "suggestions"}` on its stdout (the shape of
`annotator.suggest.model`, `text` optional), one per unit it answers, in any order. It is run with
`ANNOTATOR_SCHEMA` naming the schema file in its environment, so it can read the fields and values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

import annotator.paths
from annotator.corpus.document import Unit
from annotator.errors import Problem
from annotator.memory import gc_paused
from annotator.schema.model import Schema
from annotator.store.records import UnitKey
from annotator.suggest.cache import SuggestionCache
from annotator.suggest.command import run_command
from annotator.suggest.lexicon import Lexicon
from annotator.suggest.model import ByUnit, Suggestion, UnitSuggestions, parse_suggestions
from annotator.suggest.read import read_suggestion_file
from annotator.suggest.rules import RuleSuggester
from annotator.text import plural

DEFAULT_TIMEOUT = 30.0  # seconds a command may go without an output line


@dataclass(frozen=True)
class Command:
    """A suggestion command as the user gave it, how long it may stay silent, and its environment."""

    command: str
    timeout: float = DEFAULT_TIMEOUT
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Suggested:
    """The suggestions for each unit, in unit order, and what went wrong on the way."""

    units: list[UnitSuggestions]
    problems: list[Problem] = field(default_factory=list)
    asked: int = 0  # distinct sentences the command was asked about
    cached: int = 0  # units whose command answer came from the cache
    rules_by: str = ""  # the `by` of the rule suggestions


def suggest(
    units: Sequence[Unit],
    schema: Schema,
    lexicon: Lexicon,
    *,
    files: Sequence[Path] = (),
    command: Command | None = None,
    cache_dir: Path | None = None,
) -> Suggested:
    rules = RuleSuggester(lexicon, schema)
    problems: list[Problem] = []
    external: ByUnit = {}
    for path in files:
        found, file_problems = read_suggestion_file(path, units, schema)
        problems += file_problems
        _merge(external, found)
    asked = cached = 0
    if command is not None:
        cache = SuggestionCache(cache_dir or annotator.paths.cache_dir(), command.command, schema)
        found, asked, cached = _ask(units, schema, command, cache, problems)
        _merge(external, found)
    with gc_paused():  # every suggestion built stays alive: collecting on the way finds nothing
        suggested = [_unit_suggestions(rules, unit, external.get(unit.key), schema) for unit in units]
    return Suggested(suggested, problems, asked, cached, rules.by)


def _unit_suggestions(rules: RuleSuggester, unit: Unit, external: dict[str, Suggestion] | None, schema: Schema) -> UnitSuggestions:
    """The rules' suggestions for `unit`, with those found elsewhere in their place."""
    if external is None:
        return rules.suggest(unit, unit.doc)
    return rules.suggest(unit, unit.doc, prune=False).updated(external, schema)


def _merge(into: ByUnit, found: ByUnit) -> None:
    """`found` over `into`, field by field."""
    for key, fields in found.items():
        into[key] = {**into.get(key, {}), **fields}


def _ask(
    units: Sequence[Unit], schema: Schema, command: Command, cache: SuggestionCache, problems: list[Problem]
) -> tuple[ByUnit, int, int]:
    """The command's suggestions per unit, from its cache, else asked now (each distinct text
    once); how many sentences it was asked about, and how many units its cache answered."""
    kept = cache.read()
    by_text: dict[str, list[Unit]] = {}
    for unit in units:
        by_text.setdefault(unit.text_sha256, []).append(unit)
    found: ByUnit = {}
    todo = []
    cached = 0
    for sha, same in by_text.items():
        if sha in kept:
            cached += len(same)
            fields, _ = parse_suggestions(kept[sha], _Sentence(same[0].text), schema, command.command)
            found |= {unit.key: _moved(fields, 0, unit.start) for unit in same}
        else:
            todo.append(same[0])
    if not todo:
        return found, 0, cached
    answers = _Answers(command.command, {unit.key: unit for unit in todo}, schema, cache)
    run = run_command(command.command, map(_unit_line, todo), timeout=command.timeout, env=command.env, on_line=answers.take)
    problems += answers.problems
    for key, fields in answers.found.items():
        found |= {unit.key: _moved(fields, key[1], unit.start) for unit in by_text[answers.asked[key].text_sha256]}
    where = f"`{command.command}`"
    if run.failure:
        problems.append(Problem(where, None, f"{run.failure}; the units it did not answer keep the rule suggestions"))
    missing = [unit for unit in todo if unit.key not in answers.found]
    if missing:
        first = f"{missing[0].doc} [{missing[0].start}, {missing[0].end})"
        problems.append(
            Problem(where, None, f"no answer for {plural(len(missing), 'sentence')} (the first: {first}); asked again next time")
        )
    return found, len(todo), cached


def _unit_line(unit: Unit) -> bytes:
    return orjson.dumps({"doc": unit.doc, "start": unit.start, "end": unit.end, "text": unit.text}, option=orjson.OPT_APPEND_NEWLINE)


class _Answers:
    """A command's output lines, read as they come: each checked, kept in the cache and found."""

    def __init__(self, command: str, asked: dict[UnitKey, Unit], schema: Schema, cache: SuggestionCache) -> None:
        self.command = command
        self.asked = asked
        self.schema = schema
        self.cache = cache
        self.found: ByUnit = {}
        self.problems: list[Problem] = []
        self.line = 0

    def take(self, line: bytes) -> None:
        self.line += 1
        if not line.strip():
            return
        reason = self._take(line)
        if reason:
            self.problems.append(Problem(f"`{self.command}` output", self.line, reason))

    def _take(self, line: bytes) -> str:
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            return f"not JSON ({error})"
        if not (isinstance(data, dict) and "suggestions" in data):
            return "not an object with doc, start, end and suggestions"
        key = (data.get("doc"), data.get("start"), data.get("end"))
        unit = self.asked.get(key)  # type: ignore[arg-type]
        if unit is None:
            return f"doc {data.get('doc')!r} [{data.get('start')}, {data.get('end')}) is not a unit it was given"
        fields, problems = parse_suggestions(data["suggestions"], unit, self.schema, self.command)
        self.found[unit.key] = fields
        self.cache.add(unit.text_sha256, fields, unit.start)
        return "; ".join(problems)


@dataclass(frozen=True)
class _Sentence:
    """A sentence on its own, at offset 0: what the cache's relative offsets are checked against."""

    text: str
    start: int = 0

    @property
    def end(self) -> int:
        return len(self.text)


def _moved(fields: dict[str, Suggestion], old_start: int, new_start: int) -> dict[str, Suggestion]:
    """Suggestions of one unit for another with the same text, their cues moved along."""
    if old_start == new_start:
        return fields
    delta = new_start - old_start
    return {
        field_id: suggestion._replace(cues=tuple(cue._replace(start=cue.start + delta, end=cue.end + delta) for cue in suggestion.cues))
        for field_id, suggestion in fields.items()
    }
