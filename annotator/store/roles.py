"""Roles: a name in a store is an annotator's (its file holds annotations) or a reviewer's (its file
holds adjudications, `kind: "adjudication"`), never both: one record of the other kind anywhere in
the file, even one a later record superseded, bars the name from the role.

The store keeps one current label per (name, unit), whatever its kind: a reviewer whose file holds
annotations would replace their own votes with decisions, and annotating under a reviewer's name
would replace their decisions with ordinary labels. A file that already mixes the two (a name used
for both on two machines, then merged) is in neither role, so the mix is noticed instead of carried
on. `annotate` and `review` check the name first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from annotator.errors import UserError
from annotator.store.read import StoreView
from annotator.store.records import ANNOTATION, check_annotator_name, is_adjudication

REVIEW_SUFFIX = "-review"


class ReviewerHasAnnotations(UserError):
    """The reviewer's name labels units as an annotator in this store."""


class AnnotatorHasAdjudications(UserError):
    """The annotator's name records a reviewer's decisions in this store."""


def check_reviewer(name: str, store: StoreView) -> str:
    """`name` if it may record adjudications in `store` (from `load_store`): a valid annotator name
    (InvalidAnnotatorName otherwise) whose file holds no annotation (ReviewerHasAnnotations
    otherwise)."""
    name = check_annotator_name(name)
    if ANNOTATION in store.kinds.get(name, ()):
        raise ReviewerHasAnnotations(f"{name} has annotations in this store; review under another name, e.g. --as {review_name(name)}")
    return name


def check_annotator(name: str, records: Iterable[Mapping]) -> str:
    """`name` if it may record annotations: no record of its file (`records`: every one, as
    `AnnotationLog.records()` gives them, not only the current ones) is an adjudication
    (AnnotatorHasAdjudications otherwise)."""
    if any(is_adjudication(record) for record in records):
        raise AnnotatorHasAdjudications(
            f"{name} has adjudications in this store (a reviewer's file); annotate under another name with --as NAME"
        )
    return name


def review_name(name: str) -> str:
    """The reviewer name suggested to annotator `name` (a valid name too: at most 64 characters)."""
    return name[: 64 - len(REVIEW_SUFFIX)] + REVIEW_SUFFIX
