"""Opening a corpus: read the documents, then split each into sentences (from the cache when it
holds their text)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import annotator.paths
from annotator.corpus.cache import SegmentCache
from annotator.corpus.document import Corpus, Document
from annotator.corpus.segment import Segmentation, check_segmentation, segment_many
from annotator.corpus.sources import Source, read_sources
from annotator.errors import Problem, UserError
from annotator.text import sha256_hex


def load_corpus(
    paths: Sequence[str | Path], *, cache_dir: Path | None = None, on_segmenting: Callable[[int], None] | None = None
) -> Corpus:
    """Read documents from files and folders and segment them; bad inputs become `problems`.

    `on_segmenting` is told how many documents the cache does not hold, before they are segmented:
    the one slow step, done once per text."""
    problems: list[Problem] = []
    sources = read_sources(paths, problems)
    shas = [sha256_hex(source.text) for source in sources]
    cache = SegmentCache(cache_dir or annotator.paths.cache_dir())
    segmentations, failures = _segmentations(sources, shas, cache, on_segmenting or (lambda documents: None))
    documents = []
    for source, sha in zip(sources, shas):
        if sha in segmentations:
            documents.append(Document(source.id, source.path, source.text, sha, segmentations[sha], source.meta))
        else:
            reason = f"left out: its sentence split failed a self-check ({failures[sha]}); please report this bug"
            problems.append(Problem(source.path, source.line, reason))
    return Corpus(documents, problems)


def _segmentations(
    sources: list[Source], shas: list[str], cache: SegmentCache, on_segmenting: Callable[[int], None]
) -> tuple[dict[str, Segmentation], dict[str, str]]:
    """Segmentations by text sha, from the cache or segmented now; and why the fresh ones that fail
    `check_segmentation` failed (those are neither used nor cached)."""
    found = cache.get(shas)
    todo = {sha: source.text for source, sha in zip(sources, shas) if sha not in found}
    if not todo:
        return found, {}
    on_segmenting(len(todo))
    fresh = dict(zip(todo, segment_many(list(todo.values()))))
    failures = {sha: problem for sha, seg in fresh.items() if (problem := check_segmentation(todo[sha], seg))}
    sound = {sha: seg for sha, seg in fresh.items() if sha not in failures}
    cache.put(sound)
    return found | sound, failures


def load_documents(
    paths: Sequence[str | Path], *, on_segmenting: Callable[[int], None] | None = None, empty: str = "no documents"
) -> Corpus:
    """`load_corpus`, for a command that cannot run without a document: UserError (every input's
    problem, then "`empty` in PATHS") when none could be read."""
    corpus = load_corpus(paths, on_segmenting=on_segmenting)
    if not corpus.documents:
        raise UserError([*map(str, corpus.problems), f"{empty} in {', '.join(map(str, paths))}"])
    return corpus
