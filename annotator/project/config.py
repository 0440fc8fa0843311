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

Paths are relative to the folder holding the file. Every key of the top level but the tables is
required and an unknown key is an error (a misspelt key would otherwise be ignored without a word).
Later settings (the roster of annotators, the assignment of documents) come as tables of their own.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from annotator.corpus.table import Columns
from annotator.errors import Problem, ProblemsError
from annotator.files import read_bytes

CONFIG_FILE = "annotator.toml"
KEYS = ("corpus", "schema", "store", "columns", "suggestions")


class ConfigError(ProblemsError):
    """A project file that cannot be used; each problem names the file and the key."""


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
    lexicon, show_suggestions = _suggestions(data.get("suggestions", {}), problems)
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


def _suggestions(value: object, problems: list[str]) -> tuple[str | None, bool]:
    """`[suggestions]`: the project's lexicon file, if it names one, and whether the UI shows them."""
    if not isinstance(value, dict):
        problems.append("suggestions: must be a table ([suggestions] with `lexicon` and `show`)")
        return None, True
    problems += [f"suggestions.{key}: unknown key (known: lexicon, show)" for key in value if key not in ("lexicon", "show")]
    show = value.get("show", True)
    if not isinstance(show, bool):
        problems.append("suggestions.show: must be true or false")
        show = True
    lexicon = _path("suggestions.lexicon", value["lexicon"], problems) or None if "lexicon" in value else None
    return lexicon, show
