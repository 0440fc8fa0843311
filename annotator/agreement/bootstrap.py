"""Percentile bootstrap intervals over units: every statistic from the same resamples, each resample
a row of counts of how often each unit is drawn (see `annotator.agreement.coefficients`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence

import numpy as np

# Cells (resamples x units) drawn at once by the bootstrap: bounds its memory.
_BOOTSTRAP_CELLS = 1 << 22


def bootstrap_intervals(
    statistics: Sequence[Callable[[np.ndarray], np.ndarray]],
    weight: np.ndarray,
    resamples: int,
    rng: np.random.Generator,
    confidence: float = 0.95,
) -> list[tuple[float, float]]:
    """Percentile bootstrap interval of each statistic, all from the same resamples of the units.

    Units are drawn with replacement; `weight[k]` is the number of units sharing contribution k, and
    each statistic maps a (B, K) array of how often each is drawn to B values. Resamples in which a
    statistic is undefined (NaN) are left out of its interval.
    """
    values: list[list[np.ndarray]] = [[] for _ in statistics]
    for counts in _resampled_counts(weight, resamples, rng):
        for found, statistic in zip(values, statistics):
            found.append(statistic(counts))
    return [_percentile_interval(found, confidence) for found in values]


def _percentile_interval(values: list[np.ndarray], confidence: float) -> tuple[float, float]:
    finite = np.concatenate(values) if values else np.empty(0)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return math.nan, math.nan
    tail = (1 - confidence) / 2
    low, high = np.quantile(finite, [tail, 1 - tail])
    return float(low), float(high)


def _resampled_counts(weight: np.ndarray, resamples: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Chunks of (B, K) counts: how often each group is drawn when n units are drawn n times."""
    n = round(weight.sum())
    groups = len(weight)
    if n == 0:
        return
    few_groups = groups * 16 <= n  # then one multinomial draw per resample is far cheaper than n draws
    chunk = max(1, _BOOTSTRAP_CELLS // (groups if few_groups else n))
    owner = np.repeat(np.arange(groups), np.round(weight).astype(np.intp))
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        if few_groups:
            yield rng.multinomial(n, weight / n, size=size).astype(float)
        else:
            drawn = owner[rng.integers(0, n, size=(size, n))] + groups * np.arange(size)[:, None]
            yield np.bincount(drawn.ravel(), minlength=size * groups).reshape(size, groups).astype(float)
