"""A figure of the report: its value, bootstrap interval and the units and ratings behind it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.agreement.bootstrap import bootstrap_intervals
from annotator.agreement.coefficients import Units

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    value: float  # NaN when undefined
    low: float  # bounds of the bootstrap interval (NaN without resamples)
    high: float
    units: int  # units behind the figure
    pairable: int  # their ratings (each in a unit with at least two)


def size(units: Units) -> tuple[int, int]:
    """(units, ratings) of pairable `units`: what an estimate over them stands on."""
    return int(units.weight.sum()), int(units.weight @ units.sizes()) if units.n_units else 0


def estimates(
    statistics: Sequence[Callable[[np.ndarray], np.ndarray]],
    weight: np.ndarray,
    behind: tuple[int, int],
    resamples: int,
    rng: np.random.Generator,
) -> list[Estimate]:
    """Each statistic's value and bootstrap interval, all intervals from the same resamples of the
    units `weight` describes; `behind` is (units, pairable ratings)."""
    intervals = bootstrap_intervals(statistics, weight, resamples, rng, CONFIDENCE)
    return [Estimate(float(statistic(weight[None])[0]), low, high, *behind) for statistic, (low, high) in zip(statistics, intervals)]
