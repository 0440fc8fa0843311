"""Building the annotation and review apps from an opened session and the user's keymap.

The session is opened (and every user error said) by `annotator.session.launch` before the app takes
the terminal; the keymap is checked here, against the UI's binding ids.
"""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

from annotator.errors import UserError
from annotator.session.launch import AnnotationOptions, ReviewOptions, open_annotation, open_review
from annotator.tui.app import AnnotatorApp
from annotator.tui.keymap import KeymapError, load_keymap
from annotator.tui.keys import binding_ids, binding_scopes, key_clashes
from annotator.tui.review_app import ReviewApp
from annotator.tui.settings import Settings, SettingsError, load_settings


def prepare(*, keymap: Path | None = None, settings: Path | None = None, **options: Unpack[AnnotationOptions]) -> AnnotatorApp:
    """The annotation app, ready to run on the session `open_annotation` opens with `options`;
    UserError for anything the user must fix. `keymap` and `settings` are the user's files, if any."""
    keys, chosen = read_keymap(keymap), read_settings(settings)
    return AnnotatorApp(open_annotation(**options), keymap=keys, settings=chosen)


def prepare_review(*, keymap: Path | None = None, settings: Path | None = None, **options: Unpack[ReviewOptions]) -> ReviewApp:
    """The review app, ready to run on the session `open_review` opens with `options`; UserError for
    anything to fix first, NothingToReview when there is nothing to decide."""
    keys, chosen = read_keymap(keymap), read_settings(settings)
    return ReviewApp(open_review(**options), keymap=keys, settings=chosen)


def read_settings(path: Path | None) -> Settings:
    try:
        return load_settings(path)
    except SettingsError as error:
        raise UserError([f"cannot use settings {path}:", *error.lines]) from None


def read_keymap(path: Path | None) -> dict[str, str]:
    """The user's keymap (binding id -> keys) from the keymap file, if there is one."""
    if path is None:
        return {}
    try:
        keymap = load_keymap(path, binding_ids())
    except KeymapError as error:
        raise UserError([f"cannot use keymap {path}:", *error.lines]) from None
    clashes = key_clashes(keymap, binding_scopes())
    if clashes:
        raise UserError([f"cannot use keymap {path}:", *(f"{path}: {clash}" for clash in clashes)])
    return keymap
