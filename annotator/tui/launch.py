"""Building the annotation and review apps from an opened session and the user's keymap.

The session is opened (and every user error said) by `annotator.session.launch` before the app takes
the terminal; the keymap is checked here, against the UI's binding ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annotator.errors import UserError
from annotator.labels.gold import DEFAULT_MIN_AGREEMENT
from annotator.session.launch import OnSegmenting, open_annotation, open_review
from annotator.tui.app import AnnotatorApp
from annotator.tui.keymap import KeymapError, load_keymap
from annotator.tui.keys import binding_ids, binding_scopes, key_clashes
from annotator.tui.review_app import ReviewApp


def prepare(
    *,
    paths: Sequence[str | Path],
    annotator: str,
    schema_path: Path,
    store_dir: Path,
    keymap: Path | None = None,
    on_segmenting: OnSegmenting | None = None,
) -> AnnotatorApp:
    """The annotation app, ready to run on the opened (locked) store; UserError for anything the
    user must fix. `keymap` is the user's keymap file, if any."""
    keys = read_keymap(keymap)
    opened = open_annotation(paths=paths, annotator=annotator, schema_path=schema_path, store_dir=store_dir, on_segmenting=on_segmenting)
    return AnnotatorApp(opened, keymap=keys)


def prepare_review(
    *,
    paths: Sequence[str | Path],
    reviewer: str,
    schema_path: Path,
    store_dir: Path,
    everything: bool = False,
    min_agreement: float = DEFAULT_MIN_AGREEMENT,
    keymap: Path | None = None,
    on_segmenting: OnSegmenting | None = None,
) -> ReviewApp:
    """The review app, ready to run on the reviewer's opened (locked) log; UserError for anything to
    fix first, NothingToReview when there is nothing to decide."""
    keys = read_keymap(keymap)
    opened = open_review(
        paths=paths, reviewer=reviewer, schema_path=schema_path, store_dir=store_dir,
        everything=everything, min_agreement=min_agreement, on_segmenting=on_segmenting,
    )  # fmt: skip
    return ReviewApp(opened, keymap=keys)


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
