"""`annotator.toml`: the settings of a project, read with tomllib.

    corpus = ["documents"]                # files or folders of documents
    schema = "schemas/factcheck.v1.json"  # the schema file
    store = "annotations"                 # the folder of the annotation files

    [columns]                             # optional: the columns of .csv and .tsv documents
    text = "text"
    id = "id"

    [suggestions]                         # optional
    lexicon = "cues.json"                 # cue phrases added to the package's (annotator.suggest.lexicon)
    show = false                          # no suggestions in the annotation UI (a calibration round)
    command = "python3 model.py"          # a model command whose suggestions the UI shows (annotator.suggest.collect)

    [team]                                # optional: who labels what (annotator.assignment)
    annotators = ["ana", "ben", "chen"]   # the roster
    overlap = 2                           # how many annotators label each sentence
    calibration_documents = ["doc-1"]     # optional: documents everyone labels
    calibration_share = 0.05              # optional: a share of the sentences everyone labels

Paths are relative to the folder holding the file. Every key of the top level but the tables is
required and an unknown key is an error (a misspelt key would otherwise be ignored without a word).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from annotator.corpus.table import Columns
from annotator.errors import Problem, ProblemsError
from annotator.files import read_bytes
from annotator.store.records import NAME_RULE, is_annotator_name

CONFIG_FILE = "annotator.toml"
KEYS = ("corpus", "schema", "store", "columns", "suggestions", "team")
TEAM_KEYS = ("annotators", "overlap", "calibration_documents", "calibration_share")


class ConfigError(ProblemsError):
    """A project file that cannot be used; each problem names the file and the key."""


@dataclass(frozen=True)
class Team:
    """The `[team]` table: the roster, how many of them label each sentence, and the calibration set
    that all of them label (documents by id, and a share of the sentences)."""

    annotators: tuple[str, ...]
    overlap: int
    calibration_documents: frozenset[str] = frozenset()
    calibration_share: float = 0.0


@dataclass(frozen=True)
class ProjectConfig:
    """A project's settings, its paths joined to the project's folder."""

    folder: Path  # the folder holding annotator.toml
    corpus: tuple[Path, ...]
    schema: Path
    store: Path
    columns: Columns
    lexicon: Path | None = None  # [suggestions] lexicon: the project's own cue lexicon
    show_suggestions: bool = True  # [suggestions] show: suggestions in the annotation UI
    suggest_command: str | None = None  # [suggestions] command: a model command for the annotation UI
    team: Team | None = None  # [team]: who labels what


def config_text(corpus: str, schema: str, store: str) -> str:
    """The text of a new project file, with a comment for each setting; the paths are plain names
    (no quotes, no backslashes)."""
    return (
        "# An annotator project: `annotator` run in this folder or below it uses these settings;\n"
        "# options on the command line override them. Paths are relative to this folder.\n"
        f'corpus = ["{corpus}"]  # documents: .txt, .md, .jsonl, .csv or .tsv files, or folders of them\n'
        f'schema = "{schema}"  # the fields and values to label\n'
        f'store = "{store}"  # one annotation file per annotator\n'
        "\n"
        "# The columns of .csv and .tsv documents (--text-column and --id-column override them).\n"
        "[columns]\n"
        'text = "text"\n'
        'id = "id"\n'
    )


def read_config(folder: Path) -> ProjectConfig:
    """The settings in `folder`/annotator.toml; ConfigError lists every problem found."""
    path = folder / CONFIG_FILE
    name = str(path)
    try:
        data = tomllib.loads(read_bytes(path).decode("utf-8"))
    except OSError as error:
        raise ConfigError([Problem(name, None, f"cannot read: {error.strerror}")]) from None
    except UnicodeDecodeError as error:
        raise ConfigError([Problem(name, None, f"not UTF-8 text (byte {error.start})")]) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([Problem(name, None, f"not valid TOML: {error}")]) from None
    problems = [f"{key}: unknown key (known: {', '.join(KEYS)})" for key in data if key not in KEYS]
    corpus = _corpus(data.get("corpus"), problems)
    schema = _path("schema", data.get("schema"), problems)
    store = _path("store", data.get("store"), problems)
    columns = _columns(data.get("columns", {}), problems)
    lexicon, show_suggestions, suggest_command = _suggestions(data.get("suggestions", {}), problems)
    team = _team(data.get("team"), problems)
    if problems:
        raise ConfigError([Problem(name, None, problem) for problem in problems])
    return ProjectConfig(
        folder=folder,
        corpus=tuple(folder / entry for entry in corpus),
        schema=folder / schema,
        store=folder / store,
        columns=columns,
        lexicon=folder / lexicon if lexicon else None,
        show_suggestions=show_suggestions,
        suggest_command=suggest_command,
        team=team,
    )


def _corpus(value: object, problems: list[str]) -> list[str]:
    if value is None:
        problems.append('corpus: missing (a list of files or folders, such as ["documents"])')
    elif not (isinstance(value, list) and value and all(_is_path(entry) for entry in value)):
        problems.append('corpus: must be a list of one or more paths, such as ["documents"]')
    else:
        return value
    return []


def _path(key: str, value: object, problems: list[str]) -> str:
    if value is None:
        problems.append(f"{key}: missing (a path)")
    elif not _is_path(value):
        problems.append(f"{key}: must be a path (a non-empty string)")
    else:
        return str(value)
    return ""


def _is_path(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _columns(value: object, problems: list[str]) -> Columns:
    if not isinstance(value, dict):
        problems.append("columns: must be a table ([columns] with `text` and `id`)")
        return Columns()
    problems += [f"columns.{key}: unknown key (known: text, id)" for key in value if key not in ("text", "id")]
    names = {}
    for key in ("text", "id"):
        if key in value:
            if _is_path(value[key]):
                names[key] = value[key]
            else:
                problems.append(f"columns.{key}: must be a column name (a non-empty string)")
    return Columns(**names)


def _suggestions(value: object, problems: list[str]) -> tuple[str | None, bool, str | None]:
    """`[suggestions]`: the project's lexicon file, if it names one, whether the UI shows them, and
    the model command it runs, if any."""
    if not isinstance(value, dict):
        problems.append("suggestions: must be a table ([suggestions] with `lexicon`, `show` and `command`)")
        return None, True, None
    known = ("lexicon", "show", "command")
    problems += [f"suggestions.{key}: unknown key (known: {', '.join(known)})" for key in value if key not in known]
    show = value.get("show", True)
    if not isinstance(show, bool):
        problems.append("suggestions.show: must be true or false")
        show = True
    command = value.get("command")
    if command is not None and not (isinstance(command, str) and command.strip()):
        problems.append("suggestions.command: must be a shell command (a non-empty string)")
        command = None
    lexicon = _path("suggestions.lexicon", value["lexicon"], problems) or None if "lexicon" in value else None
    return lexicon, show, command


def _team(value: object, problems: list[str]) -> Team | None:
    """The `[team]` table, if there is one."""
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append("team: must be a table ([team] with `annotators` and `overlap`)")
        return None
    before = len(problems)
    problems += [f"team.{key}: unknown key (known: {', '.join(TEAM_KEYS)})" for key in value if key not in TEAM_KEYS]
    annotators = _roster(value.get("annotators"), problems)
    overlap = value.get("overlap")
    if type(overlap) is not int or not 1 <= overlap <= max(len(annotators), 1):
        most = f"1 to {len(annotators)}, the number of annotators" if annotators else "1 or more"
        problems.append(f"team.overlap: must be a whole number of annotators per sentence, {most}")
    documents = value.get("calibration_documents", [])
    if not (isinstance(documents, list) and all(_is_path(doc) for doc in documents)):
        problems.append('team.calibration_documents: must be a list of document ids, such as ["2025/ap-0412"]')
    share = value.get("calibration_share", 0.0)
    if type(share) not in (int, float) or not 0 <= share <= 1:
        problems.append("team.calibration_share: must be a number from 0 to 1 (0.05: one sentence in twenty)")
    if len(problems) > before:
        return None
    return Team(tuple(annotators), overlap, frozenset(documents), float(share))  # type: ignore[arg-type]


def _roster(value: object, problems: list[str]) -> list[str]:
    if not (isinstance(value, list) and value and all(isinstance(name, str) for name in value)):
        problems.append('team.annotators: must be a list of one or more annotator names, such as ["ana", "ben"]')
        return []
    for name in value:
        if not is_annotator_name(name):
            problems.append(f"team.annotators: {name!r} is not an annotator name: a name is {NAME_RULE}")
    folded = [name.casefold() for name in value]
    repeated = sorted({name for name, fold in zip(value, folded) if folded.count(fold) > 1})
    if repeated:
        problems.append(f"team.annotators: named twice (case aside, as file names on macOS and Windows): {', '.join(repeated)}")
    return value
