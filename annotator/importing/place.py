"""Placing imported items on sentence units: on the unit they name or whose text is theirs exactly,
else as new documents, one per item, in a corpus file of their own (JSON Lines).

A new document must be one sentence unit: this tool labels sentences, and an item the splitter cuts
into several cannot carry one label (split such items before importing them).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from annotator.corpus.document import Corpus, Unit
from annotator.corpus.load import load_corpus
from annotator.errors import Problem
from annotator.importing.answers import Answer, ImportProblems


@dataclass(frozen=True)
class Placed:
    units: dict[str, Unit]  # item id -> its unit
    doc_sha256: dict[str, str]  # document id -> sha256 of its text, for every document a unit is in
    new_documents: bytes  # the corpus file of the items no unit holds (JSON Lines); b"" if none


def place_items(answers: Sequence[Answer], corpus: Corpus, path: Path) -> Placed:
    items = _items(answers, path)
    by_text: dict[str, list[Unit]] = {}
    for unit in corpus.units():
        by_text.setdefault(unit.text, []).append(unit)
    units: dict[str, Unit] = {}
    problems = []
    new: dict[str, str] = {}
    for item, (text, place) in items.items():
        named = _named_unit(corpus, place, text)
        same = by_text.get(text.strip(), [])
        if named is not None:
            units[item] = named
        elif len(same) == 1:
            units[item] = same[0]
        elif same:
            where = ", ".join(f"{unit.doc} [{unit.start}, {unit.end})" for unit in same[:3])
            problems.append(
                Problem(str(path), None, f"item {item}: its text is the text of {len(same)} units ({where}...): which one is meant?")
            )
        elif corpus.has_document(item):
            problems.append(Problem(str(path), None, f"item {item}: the corpus has a document {item} with another text"))
        else:
            new[item] = text
    fresh, fresh_problems = _new_units(new, path)
    problems += fresh_problems
    if problems:
        raise ImportProblems(problems)
    units |= {item: unit for item, (unit, _sha) in fresh.items()}
    shas = {unit.doc: corpus.document(unit.doc).sha256 for item, unit in units.items() if item not in fresh}
    shas |= {unit.doc: sha for unit, sha in fresh.values()}
    return Placed(units, shas, _jsonl(new, path))


def _items(answers: Iterable[Answer], path: Path) -> dict[str, tuple[str, tuple[str, int, int] | None]]:
    found: dict[str, tuple[str, tuple[str, int, int] | None]] = {}
    problems = []
    for answer in answers:
        earlier = found.setdefault(answer.item, (answer.text, answer.place))
        if earlier[0] != answer.text:
            problems.append(Problem(str(path), None, f"item {answer.item} has two texts: {earlier[0][:40]!r} and {answer.text[:40]!r}"))
    if problems:
        raise ImportProblems(problems)
    return found


def _named_unit(corpus: Corpus, place: tuple[str, int, int] | None, text: str) -> Unit | None:
    if place is None or not corpus.has_document(place[0]):
        return None
    return next((unit for unit in corpus.document(place[0]).units if unit.key == place and unit.text == text.strip()), None)


def _jsonl(texts: dict[str, str], path: Path) -> bytes:
    return b"".join(
        orjson.dumps({"id": item, "text": text, "meta": {"imported_from": path.name}}, option=orjson.OPT_APPEND_NEWLINE)
        for item, text in texts.items()
    )


def _new_units(texts: dict[str, str], path: Path) -> tuple[dict[str, tuple[Unit, str]], list[Problem]]:
    """Each new item's one unit and its document's sha256, segmented as the corpus will read the
    file; a problem for each item that is not one sentence."""
    if not texts:
        return {}, []
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "imported.jsonl"
        file.write_bytes(_jsonl(texts, path))
        corpus = load_corpus([file])
    found, problems = {}, []
    for document in corpus.documents:
        units = document.units
        if len(units) == 1:
            found[document.id] = (units[0], document.sha256)
        else:
            problems.append(
                Problem(
                    str(path),
                    None,
                    f"item {document.id}: its text is {len(units)} sentences; this tool labels one sentence at a time (split it first)",
                )
            )
    problems += [Problem(str(path), None, f"item {p.reason}") for p in corpus.problems]
    return found, problems
