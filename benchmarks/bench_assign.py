"""Assignment: `--units` sentence units assigned over `--annotators` annotators by rendezvous hashing,
against hashing the same unit ids once (BLAKE2b of each id, the least any per-unit hash costs),
measured in the same run, the best of `--repeat` interleaved rounds.

    python benchmarks/bench_assign.py [--units 1000000] [--annotators 20] [--overlap 2] [--repeat 3]

Prints times and the ratio assign / baseline (target: at most 2); asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib

from timing import best_times  # benchmarks/timing.py, beside this script

from annotator.assignment.rendezvous import assign, unit_id
from annotator.project.config import Team

PER_DOCUMENT = 40


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--overlap", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    keys = [(f"wire/2025/{n // PER_DOCUMENT:06d}", n % PER_DOCUMENT * 120, n % PER_DOCUMENT * 120 + 100) for n in range(args.units)]
    team = Team(tuple(f"annotator-{n:02d}" for n in range(args.annotators)), args.overlap)
    blake2b = hashlib.blake2b

    def baseline() -> object:
        return [blake2b(unit_id(key).encode(), digest_size=8).digest() for key in keys]

    (floor, _), (ours, assignment) = best_times([baseline, lambda: assign(team, keys)], args.repeat)
    counts = assignment.counts().values()  # type: ignore[attr-defined]
    print(f"{args.units:,} units, {args.annotators} annotators, overlap {args.overlap}")
    print(f"hash every unit id once (baseline): {floor:.3f} s")
    print(f"assign:                             {ours:.3f} s  (loads {min(counts):,} to {max(counts):,})")
    print(f"ratio assign / baseline: {ours / floor:.2f}")


if __name__ == "__main__":
    main()
