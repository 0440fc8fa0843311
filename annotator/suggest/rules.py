"""Rule suggestions: from the cues found in a sentence, a proposed value for each field they support.

For the default schema's fields (a schema without one of them, or without one of its values, gets
no suggestion for it):

- `source`: the words naming the source of the sentence's first attribution cue that is neither
  negated nor embedded in a relative clause ("what the North called"). Before the cue, the words
  back to the start of the clause (a comma, a quote, a dash, "that", "and", ...), without a trailing
  "was", "also" or adverb ("Kim was also quoted as saying" -> "Kim"); when a comma comes just
  before the cue, the words before the parenthesis ("officials, speaking on condition of anonymity,
  said"). After a cue marked `source: after` ("according to", "citing"), the words up to the end of
  the clause, a time ("on Friday") or a relative clause, with a parenthesis right after them
  ("Korean Central News Agency (KCNA)"). At most 12 words; otherwise no source.
- `source_type`: among the `source.<value>` cues inside the source's words, the last one of its
  head (the words before a preposition, a participle or a relative pronoun: "Photos released by state
  media" is a document), else the last one; an `anonymity` marker anywhere in the sentence makes it
  `official_anonymous` when the words name no type; `unattributed` when the sentence has no
  attribution cue but negated or embedded ones. A pronoun ("it said") gets no type.
- `hedging`: the strongest `hedge.<value>` cue on the field's ordinal scale; with none, the scale's first value (`asserted`): a sentence without a hedge cue
  is certain, as in CoNLL-2010. Boosters and approximators are shown with it.
- `claim_type`: each value with a `claim.<value>` cue (quantity, prediction, causal, and any a
  project's lexicon adds), in schema order; none without a cue.
- `flags`: `quoted_wording` for a sentence that holds a direct quotation (three characters or more
  between straight or curly double quotes, both in the sentence), the quotation its cue.
- `checkworthiness`, a rough prior: `no_claim` for a unit that is not a sentence (fewer than four
  words, or no full stop, question or exclamation mark at its end: headlines, bylines) and for a
  question; `check` for a sentence with a quantity, a causal link or a source found; `minor` for
  any other sentence. Never `urgent`: that takes knowing the world.

Suggestions of fields that the suggested check-worthiness does not ask are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.schema.model import Field, Schema
from annotator.suggest.cues import NEGATED, CueFinder, Found, Hit
from annotator.suggest.lexicon import Lexicon
from annotator.suggest.model import Cue, Suggestion, UnitSuggestions, UnitText, asked_only

CHECKWORTHINESS, SOURCE, SOURCE_TYPE, CLAIM_TYPE, HEDGING = "checkworthiness", "source", "source_type", "claim_type", "hedging"
FLAGS, QUOTED_WORDING = "flags", "quoted_wording"
QUOTE_KIND = "quotation"  # the kind of the cue spanning a direct quotation
_QUOTATION = re.compile(r'"[^"]{3,}"|\u201c[^\u201d]{3,}\u201d')
NO_CLAIM, MINOR, CHECK = "no_claim", "minor", "check"
UNATTRIBUTED, ANONYMOUS = "unattributed", "official_anonymous"
SOURCE_KIND = "source"  # the kind of the cue spanning a source's words
QUESTION_KIND = "question"

MAX_SOURCE_WORDS = 12


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CLOSING = frozenset("\"'\u201d\u2019)]\u00bb")
_SENTENCE_END = frozenset([".", "!", "?", "\u2026"])
_CLAUSE_SIGNS = frozenset([",", ";", ":", "(", ")", '"', "\u201c", "\u201d", "\u2014", "\u2013", "[", "]"])
_CLAUSE_WORDS = _words("that and but while as because when where if after before since although though so or")
_RELATIVE = frozenset(["what", "which", "who", "whom"])
_TRAILING = _words("was were is are has have had be been also again further previously repeatedly once then later")
_SOURCE_ENDS = _words("on in at during last this earlier later who which that as when while after before since")
_PRONOUNS = _words("it he she they we i you this that")
_POST_MODIFIERS = _words("of for at in from by with on to who which that")


@dataclass(frozen=True, slots=True)
class _Attribution:
    cue: Hit
    first: int  # the source's tokens [first, stop)
    stop: int


class RuleSuggester:
    """Rule suggestions for units of one schema, from one lexicon."""

    def __init__(self, lexicon: Lexicon, schema: Schema) -> None:
        self.finder = CueFinder(lexicon)
        self.schema = schema
        self.by = f"rules:{lexicon.by}"
        self._fields = {field.id: field for field in schema.fields}
        self._parents = tuple(dict.fromkeys(field.when.field for field in schema.fields if field.when))
        self._dropped: dict[tuple, frozenset[str]] = {}

    def suggest(self, unit: UnitText, doc: str, *, prune: bool = True) -> UnitSuggestions:
        """The rule suggestions for `unit` of document `doc`; with `prune`, without the fields the
        suggested values do not ask (`asked_only`)."""
        found = self.finder.find(unit.text)
        sentence = _Sentence(found, unit, self.by)
        fields = {field_id: suggestion for field_id, suggestion in self._proposals(sentence).items() if suggestion is not None}
        dropped = self._not_asked(fields) if prune else None
        if dropped:
            fields = {field_id: suggestion for field_id, suggestion in fields.items() if field_id not in dropped}
        return UnitSuggestions(doc, unit.start, unit.end, unit.text, fields)

    def _not_asked(self, fields: dict[str, Suggestion]) -> frozenset[str]:
        """The fields `asked_only` leaves out, worked out once per suggested value of the fields
        that conditions test."""
        key = tuple(_hashable(fields[parent].value) if parent in fields else None for parent in self._parents)
        dropped = self._dropped.get(key)
        if dropped is None:
            probe = {
                field_id: fields.get(field_id, _ANY) for field_id in self._fields if field_id not in self._parents or field_id in fields
            }
            dropped = self._dropped[key] = frozenset(probe) - asked_only(self.schema, probe).keys()
        return dropped

    def _proposals(self, sentence: _Sentence) -> dict[str, Suggestion | None]:
        fields = self._fields
        attribution = _first_attribution(sentence.found)
        proposals: dict[str, Suggestion | None] = {}
        if CHECKWORTHINESS in fields:
            proposals[CHECKWORTHINESS] = _among(fields[CHECKWORTHINESS], _checkworthiness(sentence, attribution))
        if SOURCE_TYPE in fields:
            proposals[SOURCE_TYPE] = _among(fields[SOURCE_TYPE], _source_type(sentence, attribution, fields[SOURCE_TYPE]))
        if SOURCE in fields and attribution is not None:
            proposals[SOURCE] = _source(sentence, attribution)
        if CLAIM_TYPE in fields:
            proposals[CLAIM_TYPE] = _claim_type(sentence, fields[CLAIM_TYPE])
        if HEDGING in fields and fields[HEDGING].ordinal:
            proposals[HEDGING] = _hedging(sentence, fields[HEDGING])
        if FLAGS in fields and QUOTED_WORDING in fields[FLAGS].positions:
            proposals[FLAGS] = _quoted_wording(sentence)
        return {field.id: proposals[field.id] for field in self.schema.fields if field.id in proposals}


_ANY = Suggestion("")  # a value that no condition tests


def _among(field: Field, suggestion: Suggestion | None) -> Suggestion | None:
    """The suggestion if its value is one of the field's (a schema of its own may lack it)."""
    return suggestion if suggestion is not None and suggestion.value in field.positions else None


def _hashable(value: str | list[str]) -> str | tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else value


class _Sentence:
    """A unit's cues, turned into suggestions with document offsets."""

    def __init__(self, found: Found, unit: UnitText, by: str) -> None:
        self.found = found
        self.unit = unit
        self.by = by
        self._groups: dict[str, list[Hit]] = {}
        for hit in found.hits:
            self._groups.setdefault(hit.kind, []).append(hit)
            if hit.entry.group:
                self._groups.setdefault(hit.entry.group, []).append(hit)

    def cue(self, first: int, stop: int, kind: str) -> Cue:
        start, end = self.found.span(first, stop)
        return Cue(self.unit.start + start, self.unit.start + end, self.unit.text[start:end], kind)

    def suggestion(self, value: str | list[str], hits: Iterable[Hit] = ()) -> Suggestion:
        return Suggestion(value, tuple(self.cue(hit.first, hit.stop, hit.kind) for hit in hits), self.by)

    def hits(self, *kinds: str) -> list[Hit]:
        """The hits of these kinds, in order; a kind ending in "." stands for all kinds it begins."""
        if len(kinds) == 1:
            return list(self._groups.get(kinds[0], ()))
        return sorted((hit for kind in kinds for hit in self._groups.get(kind, ())), key=lambda hit: hit.first)


# check-worthiness


def _checkworthiness(sentence: _Sentence, attribution: _Attribution | None) -> Suggestion:
    lows = sentence.found.lows
    last = len(lows) - 1
    while last >= 0 and lows[last] in _CLOSING:
        last -= 1
    if last < 0 or len(sentence.unit.text.split(maxsplit=3)) < 4 or lows[last] not in _SENTENCE_END:
        return sentence.suggestion(NO_CLAIM)
    if lows[last] == "?":
        return Suggestion(NO_CLAIM, (sentence.cue(last, last + 1, QUESTION_KIND),), sentence.by)
    hooks = sentence.hits("claim.quantity", "claim.causal")
    if attribution is not None:
        hooks = sorted([*hooks, attribution.cue], key=lambda hit: hit.first)
    if hooks:
        return sentence.suggestion(CHECK, hooks)
    return sentence.suggestion(MINOR)


# source and source type


def _first_attribution(found: Found) -> _Attribution | None:
    for hit in found.hits:
        if hit.kind.startswith("attribution.") and hit.kind != NEGATED:
            span = _source_after(found, hit) if hit.entry.source_after else _source_before(found, hit)
            if span is not None:
                return _Attribution(hit, *span)
    return None


def _source_before(found: Found, cue: Hit) -> tuple[int, int] | None:
    lows = found.lows
    stop = cue.first
    while stop > 0 and (lows[stop - 1] in _TRAILING or _is_adverb(lows[stop - 1])):
        stop -= 1
    if stop > 0 and lows[stop - 1] == ",":
        opening = next((i for i in range(stop - 2, max(stop - 2 - MAX_SOURCE_WORDS, -1), -1) if lows[i] == ","), None)
        if opening is None or opening + 1 == stop - 1:
            return None
        if _is_aside(lows[opening + 1]):
            stop = opening  # "officials, speaking on condition of anonymity, said": the words before the aside
        else:
            return _words_before(found, opening, stop - 1)  # "The state news agency, KCNA, reported": both
    return _words_before(found, stop, stop)


def _words_before(found: Found, stop: int, end: int) -> tuple[int, int] | None:
    """[first, end): the words of a clause that end at token `stop`, up to `end` (past an apposition)."""
    lows = found.lows
    first = stop
    while first > 0 and stop - first < MAX_SOURCE_WORDS + 1:
        before = lows[first - 1]
        if before in _CLAUSE_SIGNS or before in _CLAUSE_WORDS or before in _RELATIVE or _is_double_dash(found, first - 2):
            break
        first -= 1
    if first == stop or end - first > MAX_SOURCE_WORDS or (first > 0 and lows[first - 1] in _RELATIVE):
        return None
    return first, end


def _is_aside(word: str) -> bool:
    """A word that opens an aside between commas rather than an apposition ("speaking", "who")."""
    return word.endswith("ing") or word in _RELATIVE or word in _CLAUSE_WORDS or word in ("however", "though", "too")


def _source_after(found: Found, cue: Hit) -> tuple[int, int] | None:
    lows = found.lows
    first = stop = cue.stop
    while stop < len(lows) and stop - first <= MAX_SOURCE_WORDS:
        token = lows[stop]
        if token == "(" and stop > first:
            closing = next((i for i in range(stop + 1, min(stop + MAX_SOURCE_WORDS, len(lows))) if lows[i] == ")"), None)
            if closing is None:
                break
            stop = closing + 1
            continue
        if token in _CLAUSE_SIGNS or token in _SENTENCE_END or token in _SOURCE_ENDS or _is_double_dash(found, stop):
            break
        stop += 1
    if first == stop or stop - first > MAX_SOURCE_WORDS:
        return None
    return first, stop


def _is_double_dash(found: Found, i: int) -> bool:
    """Whether tokens i and i + 1 are "--", a dash typed as two hyphens."""
    lows = found.lows
    return i >= 0 and i + 1 < len(lows) and lows[i] == lows[i + 1] == "-"


def _is_adverb(word: str) -> bool:
    return len(word) > 4 and word.endswith("ly")


def _source(sentence: _Sentence, attribution: _Attribution) -> Suggestion:
    source = sentence.cue(attribution.first, attribution.stop, SOURCE_KIND)
    attributed_by = sentence.cue(attribution.cue.first, attribution.cue.stop, attribution.cue.kind)
    return Suggestion(" ".join(source.text.split()), (source, attributed_by), sentence.by)


def _source_type(sentence: _Sentence, attribution: _Attribution | None, field: Field) -> Suggestion | None:
    anonymity = sentence.hits("anonymity")
    if attribution is not None:
        typed = _type_cue(sentence.found, attribution, field)
        if typed is not None:
            return sentence.suggestion(typed.kind.removeprefix("source."), [typed])
        if anonymity:
            return sentence.suggestion(ANONYMOUS, anonymity)
        return None
    if anonymity:
        return sentence.suggestion(ANONYMOUS, anonymity)
    attributions = sentence.hits("attribution.")
    if any(hit.kind != NEGATED for hit in attributions) and not _all_embedded(sentence.found, attributions):
        return None  # a source the rules cannot delimit
    return sentence.suggestion(UNATTRIBUTED, attributions)  # the negated and embedded cues, to see why


def _all_embedded(found: Found, attributions: Sequence[Hit]) -> bool:
    """Whether every attribution cue that is not negated stands in a relative clause ("what X called")."""
    return all(hit.kind == NEGATED or _in_relative_clause(found, hit) for hit in attributions)


def _in_relative_clause(found: Found, cue: Hit) -> bool:
    lows = found.lows
    for i in range(cue.first - 1, max(cue.first - 1 - MAX_SOURCE_WORDS, -1), -1):
        if lows[i] in _RELATIVE:
            return True
        if lows[i] in _CLAUSE_SIGNS or lows[i] in _CLAUSE_WORDS:
            return False
    return False


def _type_cue(found: Found, attribution: _Attribution, field: Field) -> Hit | None:
    """The source-type cue of the source's words: the last of its head, else the last of all; None
    for a pronoun or words without one."""
    first, stop = attribution.first, attribution.stop
    if stop - first == 1 and found.lows[first] in _PRONOUNS:
        return None
    inside = [
        hit
        for hit in found.hits
        if hit.kind.startswith("source.")
        and first <= hit.first
        and hit.stop <= stop
        and hit.kind.removeprefix("source.") in field.positions
    ]
    if not inside:
        return None
    head_stop = next((i for i in range(first + 1, stop) if _starts_modifier(found.lows[i])), stop)
    head = [hit for hit in inside if hit.stop <= head_stop] or inside
    return max(head, key=lambda hit: (hit.stop, hit.stop - hit.first))


def _starts_modifier(word: str) -> bool:
    return word in _POST_MODIFIERS or (len(word) > 4 and word.endswith("ed"))


# claim type and hedging


def _claim_type(sentence: _Sentence, field: Field) -> Suggestion | None:
    hits = [hit for hit in sentence.hits("claim.") if hit.kind.removeprefix("claim.") in field.positions]
    chosen = {hit.kind.removeprefix("claim.") for hit in hits}
    if not chosen:
        return None
    return sentence.suggestion([value for value in field.value_ids if value in chosen], hits)


def _quoted_wording(sentence: _Sentence) -> Suggestion | None:
    unit = sentence.unit
    quotes = [
        Cue(unit.start + found.start(), unit.start + found.end(), found.group(), QUOTE_KIND) for found in _QUOTATION.finditer(unit.text)
    ]
    return Suggestion([QUOTED_WORDING], tuple(quotes), sentence.by) if quotes else None


def _hedging(sentence: _Sentence, field: Field) -> Suggestion:
    hedges = [hit for hit in sentence.hits("hedge.") if hit.kind.removeprefix("hedge.") in field.positions]
    if hedges:
        strongest = max(field.positions[hit.kind.removeprefix("hedge.")] for hit in hedges)
        value = field.values[strongest].id
        return sentence.suggestion(value, [hit for hit in hedges if hit.kind == f"hedge.{value}"])
    return sentence.suggestion(field.values[0].id, sentence.hits("booster", "approximator"))
