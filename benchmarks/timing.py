"""Timing shared by the in-process benchmarks (`bench_agreement`, `bench_corpus`)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_times(functions: list[Callable[[], object]], repeat: int) -> list[tuple[float, object]]:
    """(best time in seconds, last result) of each function over `repeat` rounds; each round runs
    every function once, so that a busy spell of the machine hits all of them."""
    times: list[list[float]] = [[] for _ in functions]
    results: list[object] = [None] * len(functions)
    for _ in range(repeat):
        for index, function in enumerate(functions):
            start = time.perf_counter()
            results[index] = function()
            times[index].append(time.perf_counter() - start)
    return [(min(found), result) for found, result in zip(times, results)]
