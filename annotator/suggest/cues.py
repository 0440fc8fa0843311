"""Finding a lexicon's cues in a sentence: its words, and where each phrase of the lexicon stands.

A sentence is split into tokens (`lexicon.TOKEN`: numbers, words, signs); a phrase matches a run of
tokens whole, white space between them being free (a hard-wrapped line break is a space). The
guards of the notes are kept here or in the lexicon's data:

- a number is a quantity, or follows an approximator, only when it is not part of a date (Aug. 21-31,
  26 December), a year (2025), a time (10:30, 10 a.m.) or a name (Hwasong-18, F-35);
- "about", "around", "some" approximate only a number ("about 600 km", not "talks about missiles");
- "may" is a hedge only in lowercase ("May" is the month), "claims" and "will" not after a
  determiner (nouns), and so on for each entry with `not_after`, `not_before` or `case`;
- an attribution cue with a negation just before it ("did not confirm", "declined to say") is
  `attribution.negated`: its stance does not hold, and no source is taken from it.

Every sentence of a corpus goes through here, so the hot path works on plain lists of strings:
phrases are looked up by their first word, or their first two, and offsets are worked out only for
the tokens a suggestion names.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from annotator.suggest.lexicon import PLACEHOLDERS, TOKEN, Entry, Lexicon

NEGATED = "attribution.negated"
NEGATION_REACH = 3  # a negation at most this many tokens before an attribution cue negates it
DIGITS, NUMBER = PLACEHOLDERS

NUMBER_WORDS = frozenset(
    str.split(
        "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
        "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand "
        "thousands million millions billion billions dozen dozens"
    )
)
MONTHS = frozenset(
    str.split(
        "january february march april may june july august september october november december "
        "jan feb mar apr jun jul aug sep sept oct nov dec"
    )
)
_TIME_WORDS = frozenset(["a", "p", "am", "pm", "gmt", "utc", "kst", "est", "edt"])
_RANGE_SIGNS = frozenset(["-", "\u2013", "to", "and", "through"])


class Hit(NamedTuple):
    """A cue found: tokens [first, stop) of the sentence, of `kind` (the entry's, or NEGATED)."""

    kind: str
    first: int
    stop: int
    entry: Entry


class Found:
    """A sentence's tokens (`words` as written, `lows` as compared) and the cues found in it, in
    the order they start."""

    __slots__ = ("_starts", "hits", "lows", "text", "words")

    def __init__(self, text: str, words: list[str], lows: list[str]) -> None:
        self.text = text
        self.words = words
        self.lows = lows
        self.hits: list[Hit] = []
        self._starts: list[int] | None = None

    def is_number(self, i: int) -> bool:
        """Written in digits (3, 8,700, 3.5; not 70th or 1990s)."""
        word = self.words[i]
        return "0" <= word[0] <= "9" and "0" <= word[-1] <= "9"

    def span(self, first: int, stop: int) -> tuple[int, int]:
        """Sentence offsets [start, end) of tokens [first, stop)."""
        starts = self._starts
        if starts is None:
            starts = self._starts = _starts(self.text, self.words)
        return starts[first], starts[stop - 1] + len(self.words[stop - 1])


def _starts(text: str, words: list[str]) -> list[int]:
    """Where each token starts: only white space stands between tokens."""
    starts = []
    position = 0
    for word in words:
        position = text.find(word, position)
        starts.append(position)
        position += len(word)
    return starts


def tokenize(text: str) -> Found:
    if "\u2019" in text:
        text = text.replace("\u2019", "'")  # a curly apostrophe is a straight one; offsets stay
    words = TOKEN.findall(text)
    return Found(text, words, list(map(str.lower, words)))


class CueFinder:
    """A lexicon indexed by the first word of its one-word phrases and the first two of the others."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        single: defaultdict[str, list[Entry]] = defaultdict(list)
        double: defaultdict[str, defaultdict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
        for entry in lexicon.entries:
            if len(entry.words) == 1:
                single[entry.words[0]].append(entry)
            else:
                double[entry.words[0]][entry.words[1]].append(entry)
        self._single = dict(single)
        self._double = {
            first: {second: sorted(entries, key=lambda entry: -len(entry.words)) for second, entries in seconds.items()}
            for first, seconds in double.items()
        }

    def find(self, text: str) -> Found:
        found = tokenize(text)
        words, lows = found.words, found.lows
        single, double = self._single, self._double
        hits: list[Hit] = []
        last = len(lows) - 1
        for i, low in enumerate(lows):
            word = words[i]
            if low in single or low in NUMBER_WORDS or "0" <= low[0] <= "9" or (word != low and word in single):
                self._hits_at(found, i, hits)
                continue
            if low in double:
                seconds = double[low]
            elif word != low and word in double:
                seconds = double[word]
            else:
                continue
            if i < last:
                following = lows[i + 1]  # most often the end of it: look no further
                if following in seconds or words[i + 1] != following or "0" <= following[0] <= "9" or following in NUMBER_WORDS:
                    self._hits_at(found, i, hits)
        found.hits = _negated(_outermost(hits), words)
        return found

    def _hits_at(self, found: Found, i: int, hits: list[Hit]) -> None:
        """Add the phrases that stand at token `i` to `hits`."""
        for key in self._keys(found, i):
            for entry in self._single.get(key, ()):
                if self._matches(entry, found, i):
                    hits.append(Hit(entry.kind, i, i + 1, entry))
            seconds = self._double.get(key)
            if seconds is None or i + 1 == len(found.lows):
                continue
            following = found.lows[i + 1]
            for second in (following,) if following in seconds and following == found.words[i + 1] else self._keys(found, i + 1):
                for entry in seconds.get(second, ()):
                    if self._matches(entry, found, i):
                        hits.append(Hit(entry.kind, i, i + len(entry.words), entry))

    def _keys(self, found: Found, i: int) -> tuple[str, ...]:
        """What token `i` may stand for in a phrase: itself (lowercase, and as written), a number."""
        word, low = found.words[i], found.lows[i]
        if word == low and low not in NUMBER_WORDS and not "0" <= low[0] <= "9":
            return (low,)
        if "0" <= word[0] <= "9":
            return (low, DIGITS, NUMBER) if found.is_number(i) and not is_date_or_name(found, i) else (low,)
        if low in NUMBER_WORDS:
            return (low, NUMBER)
        return (low,) if word == low else (low, word)

    def _matches(self, entry: Entry, found: Found, first: int) -> bool:
        """Whether `entry` stands at token `first`: every word, in its case, and its guards."""
        words, lows = found.words, found.lows
        stop = first + len(entry.words)
        if stop > len(words):
            return False
        for position, (word, exact) in enumerate(zip(entry.words, entry.exact)):
            i = first + position
            if word in PLACEHOLDERS:
                if word not in self._keys(found, i):
                    return False
            elif (words[i] if exact else lows[i]) != word:
                return False
        if first > 0 and lows[first - 1] in entry.not_after:
            return False
        return not (stop < len(words) and lows[stop] in entry.not_before)


def is_date_or_name(found: Found, i: int) -> bool:
    """Whether the number at token `i` is part of a date, a year, a time or a name (Hwasong-18)."""
    lows = found.lows
    before = lows[i - 1] if i > 0 else ""
    if before == "." and i > 1:
        before = lows[i - 2]  # Aug. 21
    after = lows[i + 1] if i + 1 < len(lows) else ""
    word = found.words[i]
    if before in MONTHS or after in MONTHS or after in _TIME_WORDS or (len(word) == 4 and word.isdigit() and 1800 <= int(word) <= 2100):
        return True
    if after == ":" and i + 2 < len(lows) and found.is_number(i + 2):
        return True  # 10:30
    if before == ":" and i > 1 and found.is_number(i - 2):
        return True
    if before in _RANGE_SIGNS and i > 1:
        earlier = found.words[i - 2]
        if found.is_number(i - 2) and is_date_or_name(found, i - 2):
            return True  # Aug. 21-31, 1950-53
        if before == "-" and earlier[0].isalpha():
            return True  # Hwasong-18, F-35, COVID-19
    return False


def _outermost(hits: list[Hit]) -> list[Hit]:
    """`hits` without those inside a longer hit of the same kind ("600" in "more than 600")."""
    if len(hits) < 2:
        return hits
    kept = []
    reach: dict[str, int] = {}
    for hit in sorted(hits, key=lambda hit: (hit.first, -hit.stop)):
        if reach.get(hit.kind, -1) >= hit.stop:
            continue
        reach[hit.kind] = hit.stop
        kept.append(hit)
    return kept


def _negated(hits: list[Hit], words: list[str]) -> list[Hit]:
    """Attribution cues with a negation shortly before them (words only between), as NEGATED."""
    negations = [hit.stop for hit in hits if hit.kind == "negation"]
    if not negations:
        return hits
    return [hit._replace(kind=NEGATED) if _is_negated(hit, negations, words) else hit for hit in hits]


def _is_negated(hit: Hit, negation_stops: list[int], words: list[str]) -> bool:
    if not hit.kind.startswith("attribution."):
        return False
    return any(
        hit.first - NEGATION_REACH <= stop <= hit.first and all(word[0].isalnum() for word in words[stop : hit.first])
        for stop in negation_stops
    )
