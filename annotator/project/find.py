"""Finding the project a command runs in: the nearest folder holding `annotator.toml`, from the
current folder up to the root of the file system, as git finds a repository."""

from __future__ import annotations

import os
from pathlib import Path

from annotator.project.config import CONFIG_FILE, ProjectConfig, read_config


def find_project_folder(start: Path) -> Path | None:
    """The nearest folder from `start` upwards that holds `annotator.toml`, or None."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def open_project(start: Path | None = None) -> ProjectConfig | None:
    """The settings of the project around `start` (the current folder by default), or None outside
    any project; ConfigError if its file cannot be used. Its paths are relative to the current folder
    when the project is that folder or one above it, so messages name files as the user would."""
    cwd = Path.cwd()
    found = find_project_folder(start or cwd)
    if found is None:
        return None
    return read_config(_shown(found, cwd))


def _shown(folder: Path, cwd: Path) -> Path:
    """`folder` relative to `cwd` when it is `cwd` or above it (".", "..", "../.."), else as is."""
    if cwd == folder or folder in cwd.parents:
        return Path(os.path.relpath(folder, cwd))
    return folder
