"""`annotator suggest [PATH...] [--jsonl] [--command CMD] [--from FILE]`: print the suggested value of
each field for every unit, with the cues behind it (the project's corpus when no PATH is given)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson

from annotator.cli.options import add_corpus_paths, add_lexicon_option, add_schema_option, columns, corpus_paths, say, say_segmenting
from annotator.corpus.load import load_documents
from annotator.errors import EXIT_DATA_PROBLEMS, EXIT_OK
from annotator.schema.load import load_schema
from annotator.suggest.collect import DEFAULT_TIMEOUT, Command, Suggested, suggest
from annotator.suggest.lexicon import load_lexicon
from annotator.suggest.model import Suggestion
from annotator.suggest.rules import SOURCE_KIND
from annotator.text import flowed, json_safe, plural, printable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_paths(parser)
    add_schema_option(parser)
    parser.add_argument("--jsonl", action="store_true", help="one JSON object per unit instead of a table")
    add_lexicon_option(parser)
    parser.add_argument(
        "--command", dest="model_command", metavar="CMD",
        help="a model: a shell command reading units as JSON lines on stdin and writing suggestions as JSON lines on stdout (answers are cached)",
    )  # fmt: skip
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
        help=f"stop the command when it gives no output line for this long (default: {DEFAULT_TIMEOUT:g})",
    )  # fmt: skip
    parser.add_argument(
        "--from", dest="files", type=Path, action="append", default=[], metavar="FILE",
        help="suggestions computed elsewhere: JSON lines of this command's shape, or Label Studio tasks with predictions (repeatable)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    schema = load_schema(args.schema)
    lexicon = load_lexicon([args.lexicon] if args.lexicon else [])
    corpus = load_documents(corpus_paths(args), on_segmenting=say_segmenting, columns=columns(args))
    command = (
        Command(args.model_command, args.timeout, {"ANNOTATOR_SCHEMA": str(Path(args.schema).absolute())}) if args.model_command else None
    )
    suggested = suggest(corpus.units(), schema, lexicon, files=args.files, command=command)
    out = sys.stdout.buffer
    for line in _jsonl_lines(suggested) if args.jsonl else _table_lines(suggested):
        out.write(line)
    out.flush()
    problems = [*corpus.problems, *suggested.problems]
    for problem in problems:
        print(printable(str(problem)), file=sys.stderr)
    say(_summary(suggested, len(corpus.documents), args.model_command, problems))
    return EXIT_DATA_PROBLEMS if problems else EXIT_OK


def _summary(suggested: Suggested, documents: int, command: str | None, problems: list) -> str:
    offered = sum(len(unit.fields) for unit in suggested.units)
    summary = (
        f"{plural(documents, 'document')}, {plural(len(suggested.units), 'unit')}, {plural(offered, 'suggestion')} ({suggested.rules_by})"
    )
    if command:
        summary += f"; the command was asked about {plural(suggested.asked, 'sentence')}, {suggested.cached} units came from its cache"
    if problems:
        summary += f"; {plural(len(problems), 'problem')} (listed above)"
    return summary


def _jsonl_lines(suggested: Suggested) -> Iterator[bytes]:
    for unit in suggested.units:
        yield json_safe(orjson.dumps(unit.to_json(), option=orjson.OPT_APPEND_NEWLINE).decode("utf-8")).encode("utf-8")


def _table_lines(suggested: Suggested) -> Iterator[bytes]:
    width = max((len(field_id) for unit in suggested.units for field_id in unit.fields), default=0)
    for unit in suggested.units:
        yield f"{printable(unit.doc)} [{unit.start}, {unit.end})  {printable(flowed(unit.text))}\n".encode()
        for field_id, suggestion in unit.fields.items():
            yield f"    {printable(field_id):<{width}}  {_shown(suggestion, suggested.rules_by)}\n".encode()


def _shown(suggestion: Suggestion, rules_by: str) -> str:
    """A suggestion on one line: its value, its cues (text and kind), and who gave it unless the rules did."""
    value = ", ".join(suggestion.value) if isinstance(suggestion.value, list) else suggestion.value
    cues = "  ".join(f'"{flowed(cue.text)}" {cue.kind}' for cue in suggestion.cues if cue.kind != SOURCE_KIND)  # the value says it
    by = "" if suggestion.by == rules_by else f"  (by {suggestion.by})"
    return printable(f"{value}" + (f"  <- {cues}" if cues else "") + by)
