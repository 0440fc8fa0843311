"""Rule suggestions: how often they are right on the reference labelling of the seeds, and how fast
they are against pySBD segmenting the same text.

Accuracy: the rule suggestions for the 35 seed units against the reference labelling
(`tests/data/reference-labels.jsonl`, one careful annotator's, not a gold standard; the rules are not
tuned to it sentence by sentence). Per field:

  reference   units whose reference label has a value for the field
  offered     of those, units the rules suggest a value for; coverage = offered / reference
  right       of those, suggestions equal to the reference value (for claim_type the whole set, as
              accepting it unchanged would save it); precision = right / offered
  elsewhere   suggestions on units whose reference has no value for the field (not asked there)

For claim_type the share of suggested values that are in the reference's set is printed too.

Speed: a ~100,000-sentence wire-style corpus (`bench_corpus.build_corpus`), segmented and cached
first; then, in the same run,

  baseline      pySBD (clean=False, char_span=True) segmenting every document's text, once (it is slow)
  suggestions   `annotator.suggest.collect.suggest` with the rules, for every unit: the best of
                `--repeat` runs (the machines are shared: the best run is the one least disturbed)

Prints the times, suggestions per second, the ratio suggestions / pySBD and the time 100,000 units
take at that rate (target: at most 10 s on one core); asserts nothing.

    python benchmarks/bench_suggest.py [--small] [--sentences N] [--repeat N]

`--small` (or BENCH_SMALL=1 in the environment) builds ~2,000 sentences for a quick run.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

import orjson
from bench_corpus import build_corpus, segment_with_pysbd  # benchmarks/, beside this script
from timing import best_times

from annotator.corpus.load import load_corpus
from annotator.schema.load import load_schema
from annotator.schema.model import Schema
from annotator.suggest.collect import suggest
from annotator.suggest.lexicon import load_lexicon

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "tests" / "data" / "reference-labels.jsonl"
SEEDS = REPO / "seeds"
SCHEMA = REPO / "schemas" / "factcheck.v1.json"
FIELDS = ("checkworthiness", "source_type", "source", "claim_type", "hedging", "flags")
MULTI = ("claim_type", "flags")
TARGET_SECONDS = 10.0


def accuracy(schema: Schema) -> list[str]:
    reference = {(r["doc"], r["start"], r["end"]): r["labels"] for r in map(orjson.loads, REFERENCE.read_bytes().splitlines())}
    corpus = load_corpus([SEEDS])
    suggested = {unit.key: unit.values() for unit in suggest(corpus.units(), schema, load_lexicon()).units}
    missing = set(reference) - set(suggested)
    if missing:
        raise SystemExit(f"the reference names units the seeds no longer have: {sorted(missing)[:3]}")
    lines = [f"{'field':<16} {'reference':>9} {'offered':>7} {'right':>5} {'elsewhere':>9} {'coverage':>8} {'precision':>9}"]
    for field_id in FIELDS:
        counts: Counter[str] = Counter()
        for key, labels in reference.items():
            value, expected = suggested[key].get(field_id), labels.get(field_id)
            counts["reference"] += expected is not None
            counts["offered"] += value is not None and expected is not None
            counts["right"] += value is not None and value == expected
            counts["elsewhere"] += value is not None and expected is None
            if field_id in MULTI and value is not None and expected is not None:
                counts["values"] += len(value)
                counts["values right"] += len(set(value) & set(expected))
        coverage = counts["offered"] / counts["reference"] if counts["reference"] else float("nan")
        precision = counts["right"] / counts["offered"] if counts["offered"] else float("nan")
        lines.append(
            f"{field_id:<16} {counts['reference']:>9} {counts['offered']:>7} {counts['right']:>5} {counts['elsewhere']:>9}"
            f" {coverage:>8.2f} {precision:>9.2f}"
        )
        if counts["values"]:
            lines.append(f"{'':<16} values suggested that the reference has: {counts['values right']} of {counts['values']}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", default=bool(os.environ.get("BENCH_SMALL")))
    parser.add_argument("--sentences", type=int, help="sentences to generate (default 100,000; 2,000 with --small)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the suggestions, the best of which counts (default 3)")
    args = parser.parse_args()
    schema = load_schema(SCHEMA)
    print("accuracy on the reference labelling of the seeds (rules:", load_lexicon().by + ")")
    for line in accuracy(schema):
        print("  " + line)
    target = args.sentences or (2_000 if args.small else 100_000)
    lexicon = load_lexicon()
    with tempfile.TemporaryDirectory(prefix="bench-suggest-") as tmp:
        root = Path(tmp) / "corpus"
        docs = build_corpus(root, target, random.Random(0))
        corpus = load_corpus([root], cache_dir=Path(tmp) / "cache")
        units = list(corpus.units())
        (baseline, sentences), (ours, _) = best_times(
            [lambda: segment_with_pysbd(doc.text for doc in corpus.documents), lambda: suggest(units, schema, lexicon)], args.repeat
        )
        cpu_start = time.process_time()
        suggest(units, schema, lexicon)
        cpu = time.process_time() - cpu_start
    per_unit = ours / len(units)
    print(f"speed: {docs} documents, {len(units)} units, {os.cpu_count()} CPUs (one used)")
    print(f"  baseline, pySBD segmenting the same text: {baseline:.2f} s ({sentences} sentences, {sentences / baseline:,.0f}/s)")
    print(
        f"  rule suggestions for every unit:          {ours:.2f} s ({len(units) / ours:,.0f} units/s, {per_unit * 1e6:.0f} µs a unit; CPU {cpu:.2f} s)"
    )
    print(f"ratio suggestions / pySBD: {ours / baseline:.3f}")
    print(f"100,000 units at this rate: {per_unit * 100_000:.1f} s (target: at most {TARGET_SECONDS:g} s on one core)")


if __name__ == "__main__":
    main()
