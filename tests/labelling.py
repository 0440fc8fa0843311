"""Labelling through the store's writer, as the UI saves: shared by the tests of teams and queues."""

from __future__ import annotations

from annotator.corpus.document import Corpus, Unit
from annotator.store.log import AnnotationLog
from annotator.store.records import Labels, Record

NO_CLAIM = {"checkworthiness": "no_claim"}


def append_label(
    log: AnnotationLog, corpus: Corpus, unit: Unit, labels: Labels = NO_CLAIM, status: str = "done", **optional: object
) -> Record:
    """Append a label of `unit` (a unit of `corpus`) with the factcheck schema."""
    sha = corpus.document(unit.doc).sha256
    return log.append(unit, doc_sha256=sha, schema="factcheck", schema_version=1, labels=labels, status=status, **optional)
