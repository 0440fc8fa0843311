"""Corpus loading: a ~100,000-sentence wire-style corpus segmented cold, then loaded from cache.

Measured in the same run, the best of `--repeat` interleaved rounds:

  pySBD alone       pySBD (clean=False, char_span=True) segmenting every document's text, on one
                    core: what segmenting with pySBD costs without this tool
  cold load         `load_corpus` with an empty cache (a new one each round): segment every
                    document, on every core, and write the cache
  baseline          read, decode and sha256 every file: the least any load has to do
  cached load       `load_corpus` again: read, decode, hash, segmentations from the cache. It builds
                    no `Unit` objects (a document builds its units when they are first read)
  cached + units    a cached load, then every unit built, as search in the UI does. A unit hashes
                    its sentence only when `text_sha256` is read, which `stats` and `export` do
                    for the units they place labels on

Prints times, sentences per second, ratios and peak memory; asserts nothing.

    python benchmarks/bench_corpus.py [--small] [--sentences N] [--repeat N]

`--small` (or BENCH_SMALL=1 in the environment) builds ~2,000 sentences for a quick run.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import tempfile
import tracemalloc
from collections.abc import Iterable
from pathlib import Path

import pysbd
from timing import best_times  # benchmarks/timing.py, beside this script

from annotator.corpus.document import Corpus
from annotator.corpus.load import load_corpus

HEADLINES = [
    "N. Korea's Kim calls for drastic boost in missile production",
    "(LEAD) S. Korea, U.S. to hold Ulchi Freedom Shield drills Aug. 21-31",
    "Unification ministry says visit had 'multiple' purposes",
    "Seoul slams Pyongyang's latest launch as 'grave provocation'",
]
BYLINES = ["By Lee Minji", "By Kim Soo-yeon", "By Park Boram", "By Choi Jin-woo"]
DATELINES = ["SEOUL, Aug. 14 (Yonhap) --", "WASHINGTON, Sept. 1 (Yonhap) --", "TOKYO, Dec. 26 (Yonhap) --"]
SENTENCES = [
    'North Korean leader Kim Jong-un has called for a "drastic boost" of the country\'s missile '
    "production capacity, the North's state media said Monday.",
    "The U.S. and South Korea will hold the Ulchi Freedom Shield exercise, scheduled for Aug. 21-31.",
    "Dr. Lee Sung-yoon of the Fletcher School said the timing was no accident.",
    "Gen. Paul LaCamera, commander of U.S. Forces Korea, met Mr. Kim at 10 a.m. Friday at the Pentagon.",
    '"He set forth an important goal to drastically boost the existing capacity... so as to mass-produce missiles," the KCNA said.',
    'The ministry called the launch "reckless."',
    "Officials described the claim as “nonsense.”",
    "The talks ended at 2 p.m.",
    "Pyongyang has denounced the South Korea-U.S. military drills as a rehearsal for an invasion.",
    "The missile flew about 600 kilometers before landing in the East Sea, the JCS said.",
    "Exports rose 3.5 percent to $45.2 billion, according to data released by the ministry.",
    "The North fired... The JCS said it was analysing the launch.",
    'Washington said it remains open to dialogue with the North "without preconditions."',
    'The visit came days after a three-day "field guidance" of munitions factories in the U.S.',
    "The drills are defensive in nature, the two sides said.",
]


def build_corpus(root: Path, target_sentences: int, rng: random.Random) -> int:
    """Write wire-style articles, 100 per folder, until about `target_sentences` are written."""
    written = docs = 0
    while written < target_sentences:
        lead = f"{rng.choice(DATELINES)} {rng.choice(SENTENCES)}"
        lines = [rng.choice(HEADLINES), rng.choice(BYLINES), lead]
        written += 3
        for _ in range(rng.randint(4, 8)):
            paragraph = [rng.choice(SENTENCES) for _ in range(rng.randint(1, 3))]
            written += len(paragraph)
            lines.append(" ".join(paragraph))
        path = root / f"{docs // 100:04d}" / f"{docs:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        docs += 1
    return docs


def read_and_hash(root: Path) -> None:
    """Read, decode and hash every file: the floor for any corpus load."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            text = (Path(folder) / name).read_bytes().decode("utf-8")
            hashlib.sha256(text.encode("utf-8")).hexdigest()


def segment_with_pysbd(texts: Iterable[str]) -> int:
    """Sentences pySBD alone finds in `texts`."""
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return sum(len(segmenter.segment(text)) for text in texts)


def document_texts(root: Path) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(root.rglob("*.txt"))]


def load(root: Path, cache: Path) -> Corpus:
    corpus = load_corpus([root], cache_dir=cache)
    if corpus.problems:
        raise SystemExit(f"benchmark corpus has problems: {corpus.problems[:3]}")
    return corpus


def load_and_build_units(root: Path, cache: Path) -> int:
    return sum(1 for _ in load(root, cache).units())


def peak_traced_mb(root: Path, cache: Path) -> float:
    """Peak Python heap of a cached load (run separately: tracing slows it down)."""
    tracemalloc.start()
    load_corpus([root], cache_dir=cache)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", default=bool(os.environ.get("BENCH_SMALL")))
    parser.add_argument("--sentences", type=int, help="sentences to generate (default 100,000; 2,000 with --small)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds, the best of which counts (default 3)")
    args = parser.parse_args()
    target = args.sentences or (2_000 if args.small else 100_000)
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        root, cache = Path(tmp) / "corpus", Path(tmp) / "cache"
        docs = build_corpus(root, target, random.Random(0))
        size_mb = sum(p.stat().st_size for p in root.rglob("*.txt")) / 2**20
        texts = document_texts(root)
        cold_caches = iter(Path(tmp) / f"cold-{n}" for n in range(args.repeat))
        (pysbd_time, pysbd_sentences), (cold, units) = best_times(
            [lambda: segment_with_pysbd(texts), lambda: len(load(root, next(cold_caches)).units())], args.repeat
        )
        load(root, cache)
        (base, _), (cached, _), (built, _) = best_times(
            [lambda: read_and_hash(root), lambda: load(root, cache), lambda: load_and_build_units(root, cache)], args.repeat
        )
        peak = peak_traced_mb(root, cache)
        cache_files = list(cache.rglob("*.json"))
        cache_mb = sum(p.stat().st_size for p in cache_files) / 2**20
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {docs} documents, {units} units, {size_mb:.1f} MB, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"pySBD alone (one core):            {pysbd_time:.2f} s ({pysbd_sentences / pysbd_time:,.0f} sentences/s)")
    print(f"cold load (segment + write cache): {cold:.2f} s ({units / cold:,.0f} sentences/s)")
    print(f"speed-up of a cold load over pySBD alone (same text): {pysbd_time / cold:.2f}x")
    print(f"baseline (read + decode + sha256): {base:.3f} s")
    print(f"cached load (no units built):      {cached:.3f} s")
    print(f"cached load + every unit built:    {built:.3f} s")
    print(
        f"cached/baseline: {cached / base:.1f}x   cold/baseline: {cold / base:.0f}x   units built/baseline: {built / base:.1f}x", end="   "
    )
    print(f"cached/cold: {cached / cold:.3f}")
    print(f"peak memory: {peak:.0f} MB traced in a cached load; max RSS {max_rss_mb:.0f} MB over the whole run")
    print(f"cache on disk: {cache_mb:.2f} MB in {len(cache_files)} files")


if __name__ == "__main__":
    main()
