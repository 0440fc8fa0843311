"""The cue lexicon: phrases by kind, read from the package's `cues.json` and a project's own file.

A lexicon file is a JSON object: `name`, an integer `version`, an optional `description`, `cues`
(kind -> list of entries) and, in a project's file, an optional `remove` (kind -> phrases of the
lexicons before it to leave out). An entry is a phrase, or an object with the phrase and its guards:

    {"phrase": "claims", "not_after": ["the", "his"]}   not a cue after these words (a noun)
    {"phrase": "may", "case": "exact"}                  written exactly so ("May" is the month)
    {"phrase": "appears", "not_before": ["on", "in"]}   not a cue before these words
    {"phrase": "according to", "source": "after"}       the source's words follow the cue

A phrase is a run of words and signs, tokenized as sentences are (`TOKEN`), matched
whole and case-insensitively; a word written in capitals (KCNA, US) matches only in capitals.
`{digits}` stands for a number written in digits, `{number}` for one in digits or words (two,
dozen, million); neither ever stands for a date, a time, a year or a name such as F-35.

The kinds (`KINDS`) say what a cue supports: `attribution.<stance>` a source; `source.<value>` that
value of `source_type` when it is among the source's words; `anonymity` an anonymous source wherever
it is; `hedge.<value>` that value of `hedging`; `claim.<value>` that value of `claim_type`;
`approximator`, `booster` and `negation` the rules' guards and the annotator's eye.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from annotator.errors import Problem, ProblemsError
from annotator.files import read_bytes

PACKAGE_LEXICON = "cues.json"
STANCES = ("neutral", "distancing", "endorsing", "denial")
PREFIXED_KINDS = ("attribution.", "source.", "hedge.", "claim.")
PLAIN_KINDS = ("anonymity", "approximator", "booster", "negation")
PLACEHOLDERS = ("{digits}", "{number}")
_ENTRY_KEYS = ("phrase", "case", "not_after", "not_before", "source")
_VALUE_ID = re.compile(r"[a-z0-9_]+")

# A token: a number in digits 0-9 (3, 8,700, 3.5), a word, or any other sign; only white space is left out.
TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*(?!\w)|\w+|\S")


class LexiconError(ProblemsError):
    """A lexicon file that cannot be used; each problem names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One phrase of a kind, tokenized: `words` holds lowercase words, exact-case words (capitals
    or `case: exact`) and placeholders."""

    kind: str
    phrase: str
    words: tuple[str, ...]
    exact: tuple[bool, ...]
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()
    source_after: bool = False

    @property
    def group(self) -> str:
        """The kinds' family, "attribution." for "attribution.neutral"; "" for a plain kind."""
        return self.kind[: self.kind.find(".") + 1]


@dataclass(frozen=True)
class Lexicon:
    """Entries from one or more lexicon files, in order; `by` names them with their versions
    (`news-cues@1`, `news-cues@1+my-desk@3`), which is what a rule suggestion's `by` says."""

    entries: tuple[Entry, ...]
    by: str


_PLACEHOLDER = re.compile("(" + "|".join(map(re.escape, PLACEHOLDERS)) + ")")


def phrase_words(phrase: str) -> list[str]:
    """The words of a phrase as a sentence's are tokenized, placeholders kept whole."""
    return [word for part in _PLACEHOLDER.split(phrase) for word in ([part] if part in PLACEHOLDERS else _words(part))]


def _words(text: str) -> list[str]:
    return TOKEN.findall(text)


def normal(word: str) -> str:
    """How a word is compared unless it must match exactly: lowercase, a curly apostrophe straight
    (as `annotator.suggest.cues` reads a sentence)."""
    return word.lower().replace("\u2019", "'")


def load_lexicon(extra: Sequence[Path] = ()) -> Lexicon:
    """The package's lexicon, then each file of `extra` (a project's), whose entries are added and
    whose `remove` lists leave phrases out; LexiconError lists every problem of a file."""
    package = resources.files(__package__).joinpath(PACKAGE_LEXICON).read_bytes()  # package data: works from a wheel
    files = [(PACKAGE_LEXICON, package), *((str(path), _read(path)) for path in extra)]
    entries: list[Entry] = []
    names = []
    for name, raw in files:
        data = _parse(name, raw)
        removed = {(kind, normal(phrase)) for kind, phrases in data.get("remove", {}).items() for phrase in phrases}
        entries = [entry for entry in entries if (entry.kind, normal(entry.phrase)) not in removed]
        entries += _entries(data["cues"])
        names.append(f"{data['name']}@{data['version']}")
    return Lexicon(tuple(entries), "+".join(names))


def _read(path: Path) -> bytes:
    try:
        return read_bytes(path)
    except FileNotFoundError:
        raise LexiconError([Problem(str(path), None, "no such lexicon file")]) from None
    except OSError as error:
        raise LexiconError([Problem(str(path), None, f"cannot read: {error.strerror}")]) from None


def _parse(name: str, raw: bytes) -> dict:
    """The lexicon file's JSON, checked; LexiconError lists every problem."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise LexiconError([Problem(name, None, f"not UTF-8 text (byte {error.start})")]) from None
    except json.JSONDecodeError as error:
        raise LexiconError([Problem(name, error.lineno, f"invalid JSON: {error.msg} (column {error.colno})")]) from None
    problems = _problems(data)
    if problems:
        raise LexiconError([Problem(name, None, problem) for problem in problems])
    return data


def _problems(data: object) -> list[str]:
    if not isinstance(data, dict):
        return ["a lexicon must be a JSON object"]
    problems = [f"unknown key {key!r} (allowed: name, version, description, cues, remove)" for key in data if key not in _TOP_KEYS]
    if not (isinstance(data.get("name"), str) and data["name"].strip()):
        problems.append("name: must be a non-empty string")
    if not (type(data.get("version")) is int and data["version"] >= 1):
        problems.append("version: must be an integer >= 1")
    if not isinstance(data.get("description", ""), str):
        problems.append("description: must be a string")
    cues = data.get("cues")
    if not isinstance(cues, dict):
        problems.append("cues: must be an object of kind -> list of phrases")
    else:
        for kind, entries in cues.items():
            problems += _kind_problems(f"cues.{kind}", kind, entries, _entry_problems)
    remove = data.get("remove", {})
    if not isinstance(remove, dict):
        problems.append("remove: must be an object of kind -> list of phrases")
    else:
        for kind, phrases in remove.items():
            problems += _kind_problems(f"remove.{kind}", kind, phrases, _phrase_problems)
    return problems


_TOP_KEYS = ("name", "version", "description", "cues", "remove")


def _kind_problems(at: str, kind: str, entries: object, check: Callable[[str, object], list[str]]) -> list[str]:
    problems = [] if _is_kind(kind) else [f"{at}: unknown kind (use {', '.join(_KIND_NAMES)})"]
    if not isinstance(entries, list):
        return [*problems, f"{at}: must be a list"]
    for index, entry in enumerate(entries):
        problems += check(f"{at}[{index}]", entry)
    return problems


_KIND_NAMES = (*(f"attribution.{stance}" for stance in STANCES), "source.<value>", "hedge.<value>", "claim.<value>", *PLAIN_KINDS)


def _is_kind(kind: str) -> bool:
    if kind in PLAIN_KINDS:
        return True
    if kind.startswith("attribution."):
        return kind.removeprefix("attribution.") in STANCES
    prefix, _, value = kind.partition(".")
    return f"{prefix}." in PREFIXED_KINDS and bool(_VALUE_ID.fullmatch(value))


def _phrase_problems(at: str, phrase: object) -> list[str]:
    if not isinstance(phrase, str) or not phrase_words(phrase):
        return [f"{at}: a phrase must be a string with at least one word"]
    return []


def _entry_problems(at: str, entry: object) -> list[str]:
    if not isinstance(entry, dict):
        return _phrase_problems(at, entry)
    problems = [f"{at}: unknown key {key!r} (allowed: {', '.join(_ENTRY_KEYS)})" for key in entry if key not in _ENTRY_KEYS]
    problems += _phrase_problems(f"{at}.phrase", entry.get("phrase"))
    if entry.get("case", "exact") != "exact":
        problems.append(f'{at}.case: the only case is "exact"')
    if entry.get("source", "after") != "after":
        problems.append(f'{at}.source: the only place is "after"')
    for key in ("not_after", "not_before"):
        words = entry.get(key, [])
        if not (isinstance(words, list) and all(isinstance(word, str) and word for word in words)):
            problems.append(f"{at}.{key}: must be a list of words")
    return problems


def _entries(cues: Mapping[str, Iterable[str | dict]]) -> list[Entry]:
    return [_entry(kind, item if isinstance(item, dict) else {"phrase": item}) for kind, items in cues.items() for item in items]


def _entry(kind: str, data: Mapping) -> Entry:
    words = phrase_words(data["phrase"])
    every_word_exact = data.get("case") == "exact"
    exact = tuple(every_word_exact or _capitals(word) for word in words)
    return Entry(
        kind=kind,
        phrase=data["phrase"],
        words=tuple(word if is_exact or word in PLACEHOLDERS else normal(word) for word, is_exact in zip(words, exact)),
        exact=exact,
        not_after=frozenset(map(normal, data.get("not_after", ()))),
        not_before=frozenset(map(normal, data.get("not_before", ()))),
        source_after=data.get("source") == "after",
    )


def _capitals(word: str) -> bool:
    """A word of two or more letters, all capitals (an acronym): it matches only as written."""
    letters = [char for char in word if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)
