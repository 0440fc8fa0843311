"""Schema versions: what loading a schema and reading a store cost with migrations, each against a
baseline measured in the same run.

    python benchmarks/bench_versions.py [--heads 100000] [--repeat 20]

1. Loading a schema as every launch does (its validated marker warm, so pydantic is not imported):
   the default schema, which has no migration, against `json.loads` of the same bytes (the least a
   loader does); and a v2 that migrates from it, against the default schema.
2. Reading a store's heads: `--heads` current labels all written under v1 (drawn from a few hundred
   distinct label sets, as annotators repeat themselves), read as v2 by `versions.read_heads`,
   against placing the same heads on the corpus (`anchors.anchor`), which every reader does anyway.

Prints figures and ratios; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.migrations: the v2 the tests use

SENTENCE = "Officials said on day {doc} that step {n} of the plan was complete."
PER_DOCUMENT = 100


def best(function: Callable[[], object], repeat: int) -> float:
    """The best of `repeat` timings of `function`, in seconds."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings)


def schema_loading(folder: Path, repeat: int) -> None:
    from annotator.schema.load import load_schema
    from tests.migrations import V1_NAME, write_schemas

    v2 = write_schemas(folder)
    v1 = folder / V1_NAME
    load_schema(v2)  # validates both once: later loads find their markers
    raw = v1.read_bytes()
    floor = best(lambda: json.loads(raw), repeat)
    plain = best(lambda: load_schema(v1), repeat)
    chained = best(lambda: load_schema(v2), repeat)
    print(f"json.loads of the default schema: {floor * 1e6:.0f} us (baseline)")
    print(f"load_schema, no migration:        {plain * 1e6:.0f} us")
    print(f"load_schema, v2 migrating from v1: {chained * 1e6:.0f} us")
    print(f"ratio no migration / json.loads: {plain / floor:.2f}")
    print(f"ratio v2 with history / no migration: {chained / plain:.2f}")


def v1_labels(rng: random.Random) -> dict:
    """A plausible v1 label set, touching the values v2 renames, merges and splits now and then."""
    worth = rng.choice(["no_claim", "minor", "check", "urgent"])
    if worth == "no_claim":
        return {"checkworthiness": worth}
    return {
        "checkworthiness": worth,
        "source_type": rng.choice(["state_media", "official_named", "official_anonymous", "expert"]),
        "claim_type": sorted(
            rng.sample(["event", "quantity", "state", "causal"], rng.randint(1, 2)), key=["event", "quantity", "state", "causal"].index
        ),
        "verifiability": rng.choice(["public", "restricted", "attribution_only"]),
        "hedging": rng.choice(["asserted", "probable", "possible", "uncommitted"]),
    }


def reading_heads(folder: Path, heads: int, repeat: int) -> None:
    from annotator.corpus.load import load_corpus
    from annotator.labels.anchors import anchor
    from annotator.labels.versions import read_heads
    from annotator.schema.load import load_schema
    from tests.migrations import V2_NAME

    corpus_dir = folder / "corpus"
    corpus_dir.mkdir()
    for doc in range(max(1, heads // PER_DOCUMENT)):
        said = [SENTENCE.format(doc=doc, n=n) for n in range(PER_DOCUMENT)]
        (corpus_dir / f"doc{doc:05d}.txt").write_text("\n\n".join(said) + "\n", encoding="utf-8")
    corpus = load_corpus([corpus_dir])
    rng = random.Random(0)
    distinct = [v1_labels(rng) for _ in range(300)]
    latest = {}
    for number, unit in enumerate(corpus.units()[:heads]):
        record = {
            "format": 1, "id": f"r{number}", "annotator": "a", "doc": unit.doc,
            "doc_sha256": corpus.document(unit.doc).sha256, "start": unit.start, "end": unit.end,
            "text_sha256": unit.text_sha256, "schema": "factcheck", "schema_version": 1,
            "labels": copy.deepcopy(rng.choice(distinct)), "status": "done", "rev": 1, "prev": None,
            "ts": "2026-01-01T00:00:00Z",
        }  # fmt: skip
        latest[("a", unit.doc, unit.start, unit.end)] = record
    schema = load_schema(folder / V2_NAME)
    placing = best(lambda: anchor(latest, corpus), repeat)
    reading = best(lambda: read_heads(schema, latest), repeat)
    print(f"{len(latest)} heads of v1 read as v2: read_heads {reading * 1000:.1f} ms; anchor (baseline) {placing * 1000:.1f} ms")
    print(f"ratio read_heads / anchor: {reading / placing:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--heads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        os.environ.setdefault("ANNOTATOR_CACHE_DIR", str(Path(temp) / "cache"))
        schema_loading(Path(temp), args.repeat * 10)
        reading_heads(Path(temp), args.heads, max(1, args.repeat // 4))


if __name__ == "__main__":
    main()
