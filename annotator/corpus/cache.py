"""The segmentation cache: sentence boundaries of every text segmented before, by the text's sha256.

A segmentation depends only on the text and whether it is Markdown, so it is cached per sha256 of
the text (`cache_key`), under `CACHE_KEY`, which changes whenever the algorithm, pySBD or
markdown-it-py changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from pathlib import Path

import orjson

from annotator.corpus.segment import SEGMENTER_VERSION, Segmentation
from annotator.files import read_bytes, replace_file
from annotator.memory import gc_paused
from annotator.text import bytes_sha256

CACHE_KEY = f"v{SEGMENTER_VERSION}-pysbd{version('pysbd')}-markdown-it{version('markdown-it-py')}"


def cache_key(text_sha256: str, markdown: bool) -> str:
    """The key of a text's segmentation: its sha256, marked for a Markdown file (the same text is
    split otherwise as Markdown than as plain text)."""
    return f"{text_sha256}.md" if markdown else text_sha256


class SegmentCache:
    """Segmentations by text sha256, in 256 shard files `segments-<CACHE_KEY>/<sha[:2]>.json`.

    A shard is a line with the sha256 of the rest, then JSON mapping text sha -> [flat paragraph
    offsets, flat (start, end, paragraph) triples]. `put` takes only segmentations that passed
    `check_segmentation` (`load_corpus` checks every fresh one before it caches it), so a shard whose
    checksum holds is sound as it is: opening a corpus checks the shards' checksums, not every unit
    against its text. A damaged or hand-edited shard fails the checksum and counts as empty.
    """

    def __init__(self, cache_dir: Path) -> None:
        self.root = cache_dir / f"segments-{CACHE_KEY}"

    def get(self, shas: Iterable[str]) -> dict[str, Segmentation]:
        found: dict[str, Segmentation] = {}
        with gc_paused():  # the spans decoded all stay alive
            for shard, wanted in _by_shard(shas).items():
                entries = self._read(shard)
                for sha in wanted:
                    seg = _decode(entries.get(sha))
                    if seg is not None:
                        found[sha] = seg
        return found

    def put(self, segmentations: Mapping[str, Segmentation]) -> None:
        """Add entries that passed `check_segmentation`; a cache that cannot be written is only
        slower, never an error."""
        for shard, shas in _by_shard(segmentations).items():
            entries = self._read(shard)
            for sha in shas:
                seg = segmentations[sha]
                entries[sha] = [[n for span in seg.paragraphs for n in span], seg.flat_units]
            body = orjson.dumps(entries)
            try:
                replace_file(self._path(shard), _checksum(body) + b"\n" + body)
            except OSError:
                return

    def _path(self, shard: str) -> Path:
        return self.root / f"{shard}.json"

    def _read(self, shard: str) -> dict:
        try:
            checksum, _, body = read_bytes(self._path(shard)).partition(b"\n")
            entries = orjson.loads(body) if checksum == _checksum(body) else {}
        except (OSError, orjson.JSONDecodeError):
            return {}
        return entries if isinstance(entries, dict) else {}


def _checksum(body: bytes) -> bytes:
    return bytes_sha256(body).encode("ascii")


def _by_shard(shas: Iterable[str]) -> dict[str, list[str]]:
    shards: dict[str, list[str]] = defaultdict(list)
    for sha in shas:
        shards[sha[:2]].append(sha)
    return shards


def _decode(entry: object) -> Segmentation | None:
    """A cache entry as a Segmentation, or None when it does not have the right shape."""
    if not (isinstance(entry, list) and len(entry) == 2):
        return None
    paragraphs, units = entry
    if not (isinstance(paragraphs, list) and isinstance(units, list)) or len(paragraphs) % 2 or len(units) % 3:
        return None
    return Segmentation(tuple(zip(paragraphs[0::2], paragraphs[1::2])), tuple(units))
