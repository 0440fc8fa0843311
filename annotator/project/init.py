"""`annotator init`: a new project folder, made only of what is missing; nothing there is overwritten."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from annotator.errors import UserError
from annotator.project.config import CONFIG_FILE, config_text
from annotator.schema.load import DEFAULT_SCHEMA_NAME, default_schema_bytes

CORPUS_FOLDER = "documents"
SCHEMA_FOLDER = "schemas"
STORE_FOLDER = "annotations"
GIT_ATTRIBUTES = ".gitattributes"


def git_attributes(store: str) -> str:
    """The `.gitattributes` of a new project: git merges an annotation file changed in two clones
    (one annotator on two machines) by keeping the lines of both; the store resolves the fork."""
    return (
        "# Annotation files are appended to, never rewritten: a merge keeps the lines of both sides\n"
        "# (annotator validate notes a label edited in two clones; the later edit is current).\n"
        f"{store}/*.jsonl merge=union\n"
    )


@dataclass(frozen=True)
class Made:
    """One path of a new project, and whether `init` made it or found it there already."""

    path: Path
    what: str
    made: bool


def init_project(folder: Path) -> list[Made]:
    """Make `folder` a project: its annotator.toml, a documents folder, a copy of the default schema
    to edit, the annotations folder, and a .gitattributes that merges annotation files by union. A path that exists already is kept as it is; UserError if
    `folder` is a project already or cannot be written."""
    config = folder / CONFIG_FILE
    if config.exists():
        raise _already_a_project(config)
    schema = Path(SCHEMA_FOLDER) / DEFAULT_SCHEMA_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        documents = Made(folder / CORPUS_FOLDER, "put the documents to label here", _make_folder(folder / CORPUS_FOLDER))
        _make_folder(folder / SCHEMA_FOLDER)
        schema_copy = Made(folder / schema, "the schema, yours to edit", _write_new(folder / schema, default_schema_bytes()))
        store = Made(folder / STORE_FOLDER, "one annotation file per annotator", _make_folder(folder / STORE_FOLDER))
        attributes = folder / GIT_ATTRIBUTES
        merging = Made(
            attributes, "git keeps both sides' labels when it merges", _write_new(attributes, git_attributes(STORE_FOLDER).encode())
        )
        # Last: a project file means a whole project, and an init that failed before it can run again.
        if not _write_new(config, config_text(CORPUS_FOLDER, schema.as_posix(), STORE_FOLDER).encode("utf-8")):
            raise _already_a_project(config)
    except OSError as error:
        raise UserError(f"cannot make a project in {folder}: {error.strerror or error}") from None
    return [Made(config, "the project's settings", True), documents, schema_copy, store, merging]


def _already_a_project(config: Path) -> UserError:
    return UserError(f"{config} exists already: {config.parent} is a project (edit that file to change its settings)")


def _make_folder(path: Path) -> bool:
    """Make the folder; False if it was there already."""
    try:
        path.mkdir()
    except FileExistsError:
        if not path.is_dir():
            raise
        return False
    return True


def _write_new(path: Path, data: bytes) -> bool:
    """Write a new file; False (and nothing written) if one is there already."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    return True
