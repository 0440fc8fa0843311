"""Everything that happens before the annotation app starts: load, check, and say clearly what is wrong.

Loading runs before the UI takes the terminal: with the segmentation cache warm, 100,000 sentences
load in well under a second, and a user error is then a plain message on stderr, not a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from annotator.anchors import anchor
from annotator.corpus import Corpus, load_corpus
from annotator.keymap import KeymapError, load_keymap
from annotator.roles import AnnotatorHasAdjudications, check_annotator
from annotator.schema import Schema, SchemaError, load_schema
from annotator.session import Session
from annotator.store import AnnotationLog, InvalidAnnotatorName, StoreDamaged, StoreError, check_annotator_name, describe_label
from annotator.tui.app import AnnotatorApp
from annotator.tui.keys import binding_ids, binding_scopes, key_clashes


class LaunchError(Exception):
    """The app cannot start; `lines` say why, one problem each."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


def prepare(
    *,
    paths: Sequence[str | Path],
    annotator: str,
    schema_path: Path,
    store_dir: Path,
    keymap: Path | None = None,
    on_segmenting: Callable[[int], None] | None = None,
) -> AnnotatorApp:
    """The app, ready to run on the opened (locked) store; LaunchError for anything the user must fix.

    `keymap` is the user's keymap file, if any; `on_segmenting` is told how many documents are split
    into sentences before they are (`corpus.load_corpus`)."""
    try:
        annotator = check_annotator_name(annotator)
    except InvalidAnnotatorName as error:
        raise LaunchError([f"{error} (choose one with --as NAME)"]) from None
    schema = read_schema(schema_path)
    keys = read_keymap(keymap)
    corpus = read_corpus(paths, empty="nothing to annotate", on_segmenting=on_segmenting)
    log = open_log(store_dir, annotator)
    try:
        check_annotator(annotator, log.records())
    except AnnotatorHasAdjudications as error:
        log.close()
        raise LaunchError([str(error)]) from None
    notices = [f"skipped {problem}" for problem in corpus.problems]
    session, stale = build_session(corpus, schema, log.latest(), annotator)
    notices += stale + log_notices(log)
    return AnnotatorApp(corpus=corpus, session=session, log=log, store_dir=store_dir, notices=tuple(notices), keymap=keys)


def read_schema(path: Path) -> Schema:
    try:
        return load_schema(path)
    except SchemaError as error:
        raise LaunchError([f"cannot use schema {path}:", *map(str, error.problems)]) from None


def read_corpus(paths: Sequence[str | Path], *, empty: str, on_segmenting: Callable[[int], None] | None) -> Corpus:
    """The corpus of `paths`; LaunchError ("`empty` in PATHS") if it has no document."""
    corpus = load_corpus(list(paths), on_segmenting=on_segmenting)
    if not corpus.documents:
        raise LaunchError([*map(str, corpus.problems), f"{empty} in {', '.join(map(str, paths))}"])
    return corpus


def read_keymap(path: Path | None) -> dict[str, str]:
    """The user's keymap (binding id -> keys) from the keymap file, if there is one."""
    if path is None:
        return {}
    try:
        keymap = load_keymap(path, binding_ids())
    except KeymapError as error:
        raise LaunchError([f"cannot use keymap {path}:", *map(str, error.problems)]) from None
    clashes = key_clashes(keymap, binding_scopes())
    if clashes:
        raise LaunchError([f"cannot use keymap {path}:", *(f"{path}: {clash}" for clash in clashes)])
    return keymap


def open_log(store_dir: Path, annotator: str) -> AnnotationLog:
    try:
        return AnnotationLog.open(store_dir, annotator)
    except StoreDamaged as error:
        raise LaunchError(["the annotation store is damaged; fix these lines first:", *map(str, error.problems)]) from None
    except StoreError as error:
        raise LaunchError([str(error)]) from None


def build_session(corpus: Corpus, schema: Schema, records: dict[tuple[str, int, int], dict], annotator: str) -> tuple[Session, list[str]]:
    """The session over the corpus with this annotator's current records (by unit key) placed on it,
    and notices about labels that could not be placed (stale)."""
    latest = {(annotator, *key): record for key, record in records.items()}
    anchoring = anchor(latest, corpus)
    heads = {label.unit.key: label.record for label in anchoring.current.values()}
    moved = {label.unit.key for label in anchoring.moved}
    notices = [f"{describe_label(label.record)} is stale: {label.reason}" for label in anchoring.stale]
    if moved:
        notices.append(f"{len(moved)} labels moved with their sentence to new offsets (marked ~)")
    return Session(schema, corpus.units(), heads=heads, moved=moved), notices


def log_notices(log: AnnotationLog) -> list[str]:
    return [f"recovered after a crash: {log.recovered}"] if log.recovered else []
