"""`annotator status [PATH...] [--json]`: how far the team is. Per annotator of the project's
`[team]` (and anyone else with an annotation file): the sentences assigned, their labels done,
draft, skipped and flagged, the sentences left, the active time, the median time per sentence and an
estimate of the time left; per document, the sentences whose done labels reached the overlap
(`annotator.assignment.progress`). Reads only."""

from __future__ import annotations

import argparse

import orjson

from annotator.assignment.progress import PAUSE, TeamProgress, team_progress
from annotator.assignment.rendezvous import assign
from annotator.cli.options import add_corpus_paths, add_store_option, columns, corpus_paths, project_team, say, say_segmenting, write_out
from annotator.corpus.load import load_documents
from annotator.errors import EXIT_OK
from annotator.labels.anchors import anchor
from annotator.store.read import load_store, require_store
from annotator.text import json_safe, printable

COLUMNS = ("annotator", "assigned", "done", "draft", "skip", "flag", "left", "active", "s/sent", "to go")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_paths(parser)
    add_store_option(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable JSON (times in seconds)")


def run(args: argparse.Namespace) -> int:
    team = project_team()
    require_store(args.store)
    corpus = load_documents(corpus_paths(args), on_segmenting=say_segmenting, columns=columns(args))
    keys = corpus.unit_keys()
    view = load_store(args.store, keep_records=True)
    summary = view.problem_summary()
    if summary:
        say(f"{summary} (annotator validate lists them); the lines that could be read are counted")
    placed = anchor(view.latest, corpus).current  # as every reader places labels: moved with their sentence
    heads = {(annotator, *label.unit.key): label.record for (annotator, _key), label in placed.items()}
    progress = team_progress(assign(team, keys), keys, heads, view)
    write_out([_json(progress) if args.json else _text(progress).encode()])
    return EXIT_OK


def _json(progress: TeamProgress) -> bytes:
    data = {
        "pause_seconds": PAUSE,
        "annotators": [
            {
                "annotator": a.name,
                "on_roster": a.on_roster,
                "assigned": a.assigned,
                **a.statuses,
                "left": a.left,
                "active_seconds": round(a.active_seconds, 3),
                "median_seconds": _rounded(a.median_seconds),
                "seconds_left": _rounded(a.seconds_left),
            }
            for a in progress.annotators
        ],
        "documents": [{"doc": d.doc, "sentences": d.sentences, "at_overlap": d.at_overlap} for d in progress.documents],
    }
    return json_safe(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()).encode()


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


def _text(progress: TeamProgress) -> str:
    rows: list[tuple[str, ...]] = [COLUMNS]
    for a in progress.annotators:
        name = printable(a.name) + ("" if a.on_roster else " (not on the roster)")
        median = "-" if a.median_seconds is None else f"{a.median_seconds:.1f}"
        left = "-" if a.seconds_left is None else duration(a.seconds_left)
        counts = (a.assigned, *a.statuses.values(), a.left)
        rows.append((name, *map(str, counts), duration(a.active_seconds), median, left))
    lines = _table(rows)
    lines.append("skip, flag: skipped, flagged; left: sentences not done, skipped or flagged")
    lines.append(f"active: time labelling (pauses over {PAUSE / 60:g} minutes not counted)")
    lines.append("s/sent: median seconds per sentence done; to go: the time left at that pace")
    lines.append("")
    documents: list[tuple[str, ...]] = [("document", "sentences", "at overlap")]
    documents += [
        (printable(d.doc), str(d.sentences), f"{d.at_overlap} ({100 * d.at_overlap / d.sentences:.0f}%)") for d in progress.documents
    ]
    lines += _table(documents)
    total = sum(d.sentences for d in progress.documents)
    reached = sum(d.at_overlap for d in progress.documents)
    lines.append(f"{reached} of {total} sentences have done labels from all the annotators they are assigned to")
    return "\n".join(lines) + "\n"


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) if column == 0 else cell.rjust(width) for column, (cell, width) in enumerate(zip(row, widths))).rstrip()
        for row in rows
    ]


def duration(seconds: float) -> str:
    """h:mm:ss"""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
