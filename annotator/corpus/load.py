"""Opening a corpus: read the documents, then split each into sentences (from the cache when it
holds their text)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import annotator.paths
from annotator.corpus.cache import SegmentCache, cache_key
from annotator.corpus.document import Corpus, Document
from annotator.corpus.segment import Segmentation, check_segmentation, reading, segment_many
from annotator.corpus.sources import Source, read_sources
from annotator.corpus.table import DEFAULT_COLUMNS, Columns
from annotator.errors import Problem, UserError
from annotator.text import sha256_hex

Progress = Callable[[int], None]  # told how many of the new documents are split so far
OnSegmenting = Callable[[int], Progress | None]


def load_corpus(
    paths: Sequence[str | Path],
    *,
    cache_dir: Path | None = None,
    on_segmenting: OnSegmenting | None = None,
    columns: Columns = DEFAULT_COLUMNS,
) -> Corpus:
    """Read documents from files and folders and segment them; bad inputs become `problems`.

    `on_segmenting` is told how many documents the cache does not hold, before they are segmented:
    the one slow step, done once per text; what it returns, if anything, is told how many of them
    are done as they are. `columns` names the text and id columns of tables."""
    problems: list[Problem] = []
    sources = read_sources(paths, problems, columns)
    shas = [sha256_hex(source.text) for source in sources]
    keys = [cache_key(sha, source.markdown) for source, sha in zip(sources, shas)]
    cache = SegmentCache(cache_dir or annotator.paths.cache_dir())
    segmentations, failures = _segmentations(sources, keys, cache, on_segmenting or (lambda documents: None))
    documents = []
    for source, sha, key in zip(sources, shas, keys):
        if key in segmentations:
            documents.append(Document(source.id, source.path, source.text, sha, segmentations[key], source.meta))
        else:
            reason = f"left out: its sentence split failed a self-check ({failures[key]}); please report this bug"
            problems.append(Problem(source.path, source.line, reason))
    return Corpus(documents, problems)


def _segmentations(
    sources: list[Source], keys: list[str], cache: SegmentCache, on_segmenting: OnSegmenting
) -> tuple[dict[str, Segmentation], dict[str, str]]:
    """Segmentations by cache key, from the cache or segmented now; and why the fresh ones that
    fail `check_segmentation` failed (those are neither used nor cached)."""
    found = cache.get(keys)
    todo = {key: source for source, key in zip(sources, keys) if key not in found}
    if not todo:
        return found, {}
    progress = on_segmenting(len(todo))
    texts, markdown = [source.text for source in todo.values()], [source.markdown for source in todo.values()]
    fresh = dict(zip(todo, segment_many(texts, markdown, progress)))
    failures = {key: problem for key, seg in fresh.items() if (problem := _check(todo[key], seg))}
    sound = {key: seg for key, seg in fresh.items() if key not in failures}
    cache.put(sound)
    return found | sound, failures


def _check(source: Source, seg: Segmentation) -> str | None:
    """`check_segmentation` against what the splitter read: a Markdown file's markup is in no unit."""
    return check_segmentation(reading(source.text, True).view if source.markdown else source.text, seg)


def load_documents(
    paths: Sequence[str | Path],
    *,
    on_segmenting: OnSegmenting | None = None,
    empty: str = "no documents",
    columns: Columns = DEFAULT_COLUMNS,
) -> Corpus:
    """`load_corpus`, for a command that cannot run without a document: UserError (every input's
    problem, then "`empty` in PATHS") when none could be read."""
    corpus = load_corpus(paths, on_segmenting=on_segmenting, columns=columns)
    if not corpus.documents:
        raise UserError([*map(str, corpus.problems), f"{empty} in {', '.join(map(str, paths))}"])
    return corpus
