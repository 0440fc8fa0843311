"""What every import format is read into: one annotator's answer on one item, in the tool's own terms.

An answer's labels are the tool's label names, each with the field the tool says it belongs to when
it says one (a Label Studio `from_name`, a table column given by `--field`); `annotator.importing.mapping`
turns them into the schema's values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotator.errors import Problem, ProblemsError
from annotator.store.records import Status

FORMATS = ("prodigy", "doccano", "labelstudio", "long")


@dataclass(frozen=True)
class TheirLabel:
    name: str  # the tool's label (a choice, a table cell)
    field: str | None = None  # the tool's name of the field it answers, when it has one
    loose: bool = False  # a value beside the labels (a Prodigy task's key): a label only if `field` is a text field of the schema


@dataclass(frozen=True)
class Answer:
    entry: int  # where in the file: a line of a JSON Lines or CSV file, a task's number in a JSON array
    item: str  # the tool's id of the item
    text: str  # the item's text
    annotator: str  # the tool's id of the annotator
    status: str = Status.DONE  # done, or skipped / flagged for an answer without labels
    labels: tuple[TheirLabel, ...] = ()
    seconds: float | None = None  # time spent, when the tool records it
    place: tuple[str, int, int] | None = None  # (doc, start, end), when the item names a unit


class ImportProblems(ProblemsError):
    """The file cannot be imported; every problem found is listed, and nothing is written."""


def problem_at(path: Path, entry: int, reason: str, in_array: bool) -> Problem:
    """A problem with one entry: `file:line: reason`, or `file: task N: reason` in a JSON array."""
    if in_array:
        return Problem(str(path), None, f"task {entry}: {reason}")
    return Problem(str(path), entry, reason)
