"""Everything before the review app starts: load, check the reviewer, and say clearly what is wrong."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from annotator.corpus import Corpus
from annotator.gold import DEFAULT_MIN_AGREEMENT, InvalidMinAgreement, check_min_agreement
from annotator.review import Review, ReviewSession, load_review
from annotator.roles import ReviewerHasAnnotations, check_reviewer
from annotator.store import AnnotationLog, InvalidAnnotatorName, StoreView, load_store
from annotator.tui.launch import LaunchError, log_notices, open_log, read_corpus, read_keymap, read_schema
from annotator.tui.review_app import ReviewApp


class NothingToReview(LaunchError):
    """The store holds nothing for the reviewer to decide: a message, not a failure."""


def prepare_review(
    *,
    paths: Sequence[str | Path],
    reviewer: str,
    schema_path: Path,
    store_dir: Path,
    everything: bool = False,
    min_agreement: float = DEFAULT_MIN_AGREEMENT,
    keymap: Path | None = None,
    on_segmenting: Callable[[int], None] | None = None,
) -> ReviewApp:
    """The review app, ready to run on the reviewer's opened (locked) log; LaunchError for anything to
    fix first. `keymap` is the user's keymap file, if any; `on_segmenting` as for `launch.prepare`."""
    try:
        check_min_agreement(min_agreement)
    except InvalidMinAgreement as error:
        raise LaunchError([str(error)]) from None
    schema = read_schema(schema_path)
    keys = read_keymap(keymap)
    store = _store(store_dir)
    reviewer = _reviewer(reviewer, store)
    corpus = read_corpus(paths, empty="no documents", on_segmenting=on_segmenting)
    log = open_log(store_dir, reviewer)
    try:
        review = load_review(schema, corpus, _latest(store, log), reviewer, min_agreement)
        _check_something_to_review(review, everything, store_dir)
    except BaseException:
        log.close()
        raise
    notices = _notices(corpus, store, review) + log_notices(log)
    session = ReviewSession(review, everything=everything)
    return ReviewApp(corpus=corpus, session=session, log=log, store_dir=store_dir, notices=tuple(notices), keymap=keys)


def _store(store_dir: Path) -> StoreView:
    if not store_dir.is_dir():
        raise LaunchError([f"{store_dir}: no such annotation folder (give one with --store)"])
    return load_store(store_dir)


def _reviewer(name: str, store: StoreView) -> str:
    try:
        return check_reviewer(name, store)
    except InvalidAnnotatorName as error:
        raise LaunchError([f"{error} (choose one with --as NAME)"]) from None
    except ReviewerHasAnnotations as error:
        raise LaunchError([str(error)]) from None


def _latest(store: StoreView, log: AnnotationLog) -> dict[tuple[str, str, int, int], dict]:
    """Every current label: the reviewer's as the locked log has them, the others' as read."""
    others = {key: record for key, record in store.latest.items() if key[0] != log.annotator}
    return others | {(log.annotator, *key): record for key, record in log.latest().items()}


def _check_something_to_review(review: Review, everything: bool, store_dir: Path) -> None:
    if not review.units:
        raise NothingToReview([f"nothing to review: no done labels in {store_dir} fit this corpus and schema"])
    if not everything and not review.disputed:
        raise NothingToReview(
            [f"nothing to review: the annotators agree on all {len(review.units)} labelled units (--all shows them)"]
        )


def _notices(corpus: Corpus, store: StoreView, review: Review) -> list[str]:
    notices = [f"skipped {problem}" for problem in corpus.problems]
    if store.problems:
        notices.append(f"{len(store.problems)} damaged lines in the store are left out (annotator validate lists them)")
    if review.left_out:
        notices.append(f"{len(review.left_out)} labels count for nothing: stale or not fitting the schema (annotator validate lists them)")
    if review.moved:
        notices.append(f"{len(review.moved)} of your decisions moved with their sentence to new offsets (marked ~)")
    return notices
