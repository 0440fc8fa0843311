"""An import as it will be written: the annotators' names, the units their answers are placed on, and
the records of each annotator's new file. Everything that can be wrong with an import is found here,
before anything is written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.corpus.document import Corpus, Unit
from annotator.errors import Problem
from annotator.importing.answers import ImportProblems
from annotator.importing.mapping import Translated
from annotator.importing.place import place_items
from annotator.store.folder import annotator_file
from annotator.store.records import NAME_RULE, Labels, is_annotator_name


@dataclass(frozen=True)
class Entry:
    """One record to write."""

    unit: Unit
    doc_sha256: str
    labels: Labels
    status: str
    entry: int  # where in the imported file
    seconds: float | None


@dataclass(frozen=True)
class ImportPlan:
    source: Path
    sha256: str  # of the imported file's bytes
    records: dict[str, list[Entry]]  # annotator name -> their records, in file order
    new_documents: bytes  # the corpus file of the items no unit holds; b"" if none


def plan_import(
    translated: Sequence[Translated], corpus: Corpus, store_dir: Path, source: Path, sha256: str, names: Mapping[str, str], prefix: str = ""
) -> ImportPlan:
    """ImportProblems for an annotator id the names do not know, a name that cannot name a file or
    whose file exists already, and items that cannot be placed."""
    named = _names([item.answer.annotator for item in translated], names, prefix, store_dir, source)
    placed = place_items([item.answer for item in translated], corpus, source)
    records: dict[str, list[Entry]] = {}
    for item in translated:
        answer = item.answer
        unit = placed.units[answer.item]
        entry = Entry(unit, placed.doc_sha256[unit.doc], item.labels, answer.status, answer.entry, answer.seconds)
        records.setdefault(named[answer.annotator], []).append(entry)
    return ImportPlan(source, sha256, records, placed.new_documents)


def _names(ids: Sequence[str], names: Mapping[str, str], prefix: str, store_dir: Path, source: Path) -> dict[str, str]:
    """Their annotator id -> our name: as `names` says (then every id must be there), else the id
    itself, with `prefix`."""
    counts = Counter(ids)
    problems = []
    if names:
        unknown = [their for their in counts if their not in names]
        problems += [
            Problem(str(source), None, f"unknown annotator id {their!r} ({counts[their]} answers): name it with --name {their}=NAME")
            for their in unknown
        ]
    found = {their: prefix + names.get(their, their) for their in counts}
    # A name differing only by case is the same file on macOS and Windows.
    taken = {path.name.casefold(): path for path in Path(store_dir).glob("*.jsonl")} if Path(store_dir).is_dir() else {}
    for their, name in found.items():
        if their.isdigit() and their not in names:
            problems.append(
                Problem(str(source), None, f"annotator id {their!r} is a number (a user id), not a name: name it with --name {their}=NAME")
            )
        elif not is_annotator_name(name):
            problems.append(
                Problem(str(source), None, f"annotator id {their!r} is no annotator name ({NAME_RULE}): name it with --name {their}=NAME")
            )
        elif annotator_file(store_dir, name).name.casefold() in taken:
            existing = taken[annotator_file(store_dir, name).name.casefold()]
            problems.append(
                Problem(
                    str(source),
                    None,
                    f"{existing} exists: an import never adds to an annotator's file (--prefix P, or --name {their}=NAME)",
                )
            )
    clashing = [name for name, count in Counter(name.casefold() for name in found.values()).items() if count > 1]
    problems += [Problem(str(source), None, f"several annotator ids become the name {name!r}") for name in clashing]
    if problems:
        raise ImportProblems(problems)
    return found
