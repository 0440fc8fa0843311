"""`annotator assign [PATH...]`: who labels which sentences, from the project's `[team]`: the number
of sentences per annotator and the overlap achieved. It writes nothing: every machine computes the
same assignment from the roster and the sentence ids (`annotator.assignment.rendezvous`)."""

from __future__ import annotations

import argparse
from collections import Counter

from annotator.assignment.rendezvous import Assignment, assign
from annotator.cli.options import add_corpus_paths, columns, corpus_paths, project_team, say, say_segmenting, write_out
from annotator.corpus.load import load_documents
from annotator.errors import EXIT_OK
from annotator.project.config import Team
from annotator.text import plural, printable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_paths(parser)


def run(args: argparse.Namespace) -> int:
    team = project_team()
    corpus = load_documents(corpus_paths(args), on_segmenting=say_segmenting, columns=columns(args))
    assignment = assign(team, corpus.unit_keys())
    documents = {doc.id for doc in corpus.documents}
    for doc in sorted(team.calibration_documents - documents):
        say(f"calibration document {doc!r} is not in the corpus")
    write_out(line.encode() for line in assignment_lines(team, assignment, len(corpus.documents)))
    return EXIT_OK


def assignment_lines(team: Team, assignment: Assignment, documents: int) -> list[str]:
    units = len(assignment.calibration)
    calibration = int(assignment.calibration.sum())
    counts = assignment.counts()
    width = max(len("annotator"), *(len(printable(name)) for name in counts))
    lines = [
        f"team: {plural(len(team.annotators), 'annotator')}, overlap {team.overlap}{_calibration_rule(team)}\n",
        f"corpus: {plural(documents, 'document')}, {plural(units, 'sentence')}, {calibration} of them in the calibration set\n",
        "\n",
        f"{'annotator':<{width}}  {'sentences':>9}  {'share':>6}\n",
    ]
    for name, count in counts.items():
        share = f"{100 * count / units:.1f}%" if units else "-"
        lines.append(f"{printable(name):<{width}}  {count:>9}  {share:>6}\n")
    lines.append("\n")
    achieved = Counter(assignment.overlaps().tolist())
    for overlap in sorted(achieved):
        lines.append(f"overlap {overlap}: {plural(achieved[overlap], 'sentence')}\n")
    lines.append("nothing written: every machine computes the same assignment from the roster\n")
    return lines


def _calibration_rule(team: Team) -> str:
    parts = []
    if team.calibration_documents:
        parts.append(plural(len(team.calibration_documents), "document"))
    if team.calibration_share:
        parts.append(f"{100 * team.calibration_share:g}% of the sentences")
    return f"; everyone labels {' and '.join(parts)}" if parts else ""
