"""Where the tool keeps its own files outside a project: the cache and the user's configuration.

Both follow the XDG base directory convention on every system: the cache is
`$ANNOTATOR_CACHE_DIR`, else `$XDG_CACHE_HOME/annotator`, else `~/.cache/annotator`; the
configuration is `$XDG_CONFIG_HOME/annotator`, else `~/.config/annotator`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_FOLDER = "annotator"
KEYMAP_FILE = "keymap.json"
SETTINGS_FILE = "settings.toml"


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The folder of the tool's caches (segmentations, validated schemas); deleting it is safe."""
    if environ.get("ANNOTATOR_CACHE_DIR"):
        return Path(environ["ANNOTATOR_CACHE_DIR"])
    return _base(environ, "XDG_CACHE_HOME", ".cache") / APP_FOLDER


def config_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The folder of the user's own settings (the keymap)."""
    return _base(environ, "XDG_CONFIG_HOME", ".config") / APP_FOLDER


def default_keymap_path(environ: Mapping[str, str] = os.environ) -> Path:
    """`$XDG_CONFIG_HOME/annotator/keymap.json`, else `~/.config/annotator/keymap.json`."""
    return config_dir(environ) / KEYMAP_FILE


def settings_path(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The user's settings file for the UI, if it exists."""
    path = config_dir(environ) / SETTINGS_FILE
    return path if path.is_file() else None


def keymap_path(given: Path | None, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The keymap file to read: the one given, else the default one if it exists, else none."""
    if given is not None:
        return given
    default = default_keymap_path(environ)
    return default if default.is_file() else None


def _base(environ: Mapping[str, str], variable: str, home_folder: str) -> Path:
    if environ.get(variable):
        return Path(environ[variable])
    return Path(environ.get("HOME") or Path.home()) / home_folder
