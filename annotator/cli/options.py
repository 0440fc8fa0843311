"""Options and messages shared by the commands, so that every command spells them the same way."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from annotator.corpus.load import Progress
from annotator.corpus.table import DEFAULT_COLUMNS, Columns
from annotator.errors import UserError
from annotator.labels.gold import (
    DEFAULT_MIN_AGREEMENT,
)
from annotator.paths import default_keymap_path, keymap_path, settings_path
from annotator.project.config import CONFIG_FILE, Team
from annotator.project.find import open_project
from annotator.text import plural, printable

# What the project gives a command when its command line leaves them out: argparse dest -> as asked for.
PROJECT_OPTIONS = {"paths": "the documents (PATH...)", "schema": "--schema FILE", "store": "--store DIR"}
# What the project gives when it has it, and else a default: argparse dest of an option left out (None).
OPTIONAL_PROJECT_OPTIONS = ("text_column", "id_column", "lexicon", "suggestions", "suggest_command")


def add_corpus_paths(parser: argparse.ArgumentParser) -> None:
    """PATH... (the project's corpus when none is given), and the columns of .csv and .tsv files."""
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="documents or folders (default: the project's corpus)")
    parser.add_argument(
        "--text-column", metavar="NAME", help=f"the column of a .csv or .tsv file holding the text (default: {DEFAULT_COLUMNS.text})"
    )
    parser.add_argument(
        "--id-column", metavar="NAME", help=f"the column of a .csv or .tsv file holding the id (default: {DEFAULT_COLUMNS.id})"
    )


def corpus_paths(args: argparse.Namespace) -> list[Path]:
    return args.paths


def columns(args: argparse.Namespace) -> Columns:
    return Columns(args.text_column, args.id_column)


def with_project_defaults(args: argparse.Namespace) -> None:
    """Fill in what the command line left out (corpus, schema, store, table columns, the lexicon of
    suggestions) from the project around the current folder (`annotator.project`). Outside a project
    the corpus, schema and store have no default: UserError says what was looked for."""
    missing = [name for name in PROJECT_OPTIONS if hasattr(args, name) and not getattr(args, name)]
    missing_optional = [name for name in OPTIONAL_PROJECT_OPTIONS if getattr(args, name, "") is None]
    if not (missing or missing_optional):
        return
    project = open_project()
    if project is None and missing:
        raise UserError(
            [
                f"not in an annotator project: no {CONFIG_FILE} in {Path.cwd()} or any folder above it",
                f"make one with `annotator init`, or give {_listed([PROJECT_OPTIONS[name] for name in missing])}",
            ]
        )
    given = project.columns if project else DEFAULT_COLUMNS
    defaults: dict[str, object] = {
        "text_column": given.text, "id_column": given.id,
        "lexicon": project.lexicon if project else None, "suggestions": project.show_suggestions if project else True,
        "suggest_command": project.suggest_command if project else None,
    }  # fmt: skip
    if project:
        defaults |= {"paths": list(project.corpus), "schema": project.schema, "store": project.store}
    for name in [*missing, *missing_optional]:
        setattr(args, name, defaults[name])


def team_of_project() -> Team | None:
    """The `[team]` of the project around the current folder, if it has one."""
    project = open_project()
    return project.team if project else None


def project_team() -> Team:
    """The `[team]` of the project around the current folder; UserError if there is none."""
    project = open_project()
    if project is None or project.team is None:
        where = f"{project.folder / CONFIG_FILE}" if project else f"a project's {CONFIG_FILE} (none in {Path.cwd()} or above)"
        raise UserError(
            [
                f"no team: {where} has no [team] table",
                'add one: [team] with annotators = ["ana", "ben", "chen"] and overlap = 2 (README: Working as a team)',
            ]
        )
    return project.team


def _listed(things: list[str]) -> str:
    return things[0] if len(things) == 1 else f"{', '.join(things[:-1])} and {things[-1]}"


def add_annotator_option(parser: argparse.ArgumentParser, help: str) -> None:
    """`--as NAME`: whose file the command writes; `annotator_name` gives the login name without it."""
    parser.add_argument("--as", dest="annotator", metavar="NAME", help=help)


def annotator_name(args: argparse.Namespace) -> str:
    """--as NAME as given (an empty name is refused where names are checked), else the login name."""
    return getpass.getuser() if args.annotator is None else args.annotator


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, metavar="DIR", help="annotation folder (default: the project's)")


def add_schema_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--schema", type=Path, metavar="FILE", help="schema file (default: the project's)")


def add_min_agreement_option(parser: argparse.ArgumentParser, what: str) -> None:
    """`--min-agreement SHARE`; the gold rule checks the share (`gold.check_min_agreement`)."""
    parser.add_argument(
        "--min-agreement", type=float, default=DEFAULT_MIN_AGREEMENT, metavar="SHARE",
        help=f"share of annotators a majority label needs {what}, 0.5 to 1; always a strict majority (default: {DEFAULT_MIN_AGREEMENT})",
    )  # fmt: skip


def add_ui_options(parser: argparse.ArgumentParser, as_help: str) -> None:
    """The options of the commands that open the terminal UI on a corpus: PATH..., --as, --store,
    --schema, --keymap."""
    add_corpus_paths(parser)
    add_annotator_option(parser, as_help)
    add_store_option(parser)
    add_schema_option(parser)
    parser.add_argument(
        "--keymap", type=Path, metavar="FILE",
        help=f"other keys for the UI, a JSON object of binding id to keys (default: {default_keymap_path()}, if it exists)",
    )  # fmt: skip


def add_lexicon_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lexicon", type=Path, metavar="FILE", help="cue phrases to add to the package's (default: the project's [suggestions] lexicon)"
    )


def add_suggestion_options(parser: argparse.ArgumentParser) -> None:
    """The options of the annotation UI's suggestions: `--lexicon FILE`, `--suggest-command CMD`,
    `--no-suggestions`."""
    add_lexicon_option(parser)
    parser.add_argument(
        "--suggest-command", metavar="CMD",
        help="a model command whose suggestions replace the rules' once it has answered, as `annotator suggest --command`"
        " (default: the project's [suggestions] command)",
    )  # fmt: skip
    parser.add_argument(
        "--no-suggestions", dest="suggestions", action="store_const", const=False,
        help="show no suggested values or cue words (default: shown, unless the project's [suggestions] show = false)",
    )  # fmt: skip


def ui_inputs(args: argparse.Namespace) -> dict[str, Any]:
    """What `annotate` and `review` both hand to their app's prepare function, from `add_ui_options`
    (what the command line leaves out, from the project)."""
    with_project_defaults(args)
    return {
        "paths": corpus_paths(args), "schema_path": args.schema, "store_dir": args.store, "columns": columns(args),
        "keymap": keymap_path(args.keymap), "settings": settings_path(), "on_segmenting": say_segmenting,
    }  # fmt: skip


# The driver textual-serve has Textual draw with: the app's input and output are pipes to the server.
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"


def write_out(chunks: Iterable[bytes]) -> None:
    """The command's output on stdout. A reader that stops early (`annotator validate | head`) is no
    error: the rest goes nowhere and the command keeps its exit status (the data's, not the pipe's)."""
    out = sys.stdout.buffer
    try:
        for chunk in chunks:
            out.write(chunk)
        out.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())  # what is still buffered goes there too, at exit
        os.close(devnull)


def is_terminal() -> bool:
    """Whether the command reads keys from a terminal and draws on one: its own, or the terminal in
    a browser tab (`annotator serve`)."""
    return (sys.stdin.isatty() and sys.stdout.isatty()) or in_browser_tab()


def in_browser_tab() -> bool:
    """Whether the command runs for a browser tab of `annotator serve`, where nobody reads stderr."""
    return os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER


def require_terminal(command: str) -> None:
    """UserError unless the input and output are a terminal: the UI cannot run on anything else
    (run from a script, or with its input redirected, it would wait for keys that never come)."""
    if not is_terminal():
        raise UserError(
            f"annotator {command} needs a terminal, and its input or output is not one;"
            " the commands that print (units, validate, stats, export) run anywhere"
        )


def say(message: str) -> None:
    """A message for the user on stderr; file names and document text in it are shown literally."""
    print(f"annotator: {printable(message)}", file=sys.stderr)


def say_segmenting(documents: int) -> Progress | None:
    """Before the slow first load of a corpus: what the wait is for, and that it comes once; then,
    on a terminal, how far it has got."""
    say(f"splitting {plural(documents, 'new document')} into sentences (once: the result is cached)")
    return segmenting_progress(documents, sys.stderr) if sys.stderr.isatty() else None


def segmenting_progress(documents: int, out: TextIO) -> Progress:
    """A line on `out` rewritten at each whole percent of `documents` split, ended when all are."""
    shown = -1

    def show(done: int) -> None:
        nonlocal shown
        percent = done * 100 // documents
        if percent > shown:
            shown = percent
            out.write(f"\rannotator: {done} of {documents} documents split ({percent}%)")
            out.write("\n" if done == documents else "")
            out.flush()

    return show
