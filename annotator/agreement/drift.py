"""Agreement per time window: whether agreement rises after a guideline change.

A unit belongs to the window (ISO week, as 2026-W03, or UTC day) of its last counted label: the day
its ratings were all in. Each window gets Krippendorff's alpha over its pairable units, with a
bootstrap interval over them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

import numpy as np

from annotator.agreement.coefficients import Units
from annotator.agreement.estimate import Estimate, estimates, size
from annotator.agreement.ratings import CountedLabels, FieldRatings

WINDOWS = ("week", "day")

Statistic = Callable[[Units, np.ndarray], np.ndarray]  # a coefficient over some units, per unit weighting


@dataclass(frozen=True)
class WindowAgreement:
    window: str  # 2026-W03 or 2026-01-14
    alpha: Estimate  # Krippendorff's alpha over the window's units


def unit_windows(counted: CountedLabels, by: str) -> tuple[list[str], np.ndarray]:
    """The windows in time order, and each unit's window (an index into them)."""
    day_of_label, days = np.unique([record["ts"][:10] for record in counted.records], return_inverse=True)
    last_day = np.zeros(len(counted.units), dtype=np.intp)
    np.maximum.at(last_day, counted.unit, days.reshape(-1))
    names = [_window(day, by) for day in day_of_label.tolist()]
    windows, window_of_day = np.unique(names, return_inverse=True) if names else (np.empty(0, str), np.empty(0, np.intp))
    return windows.tolist(), window_of_day.reshape(-1)[last_day] if len(names) else last_day


def _window(day: str, by: str) -> str:
    if by == "day":
        return day
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def window_agreement(
    ratings: FieldRatings,
    windows: tuple[list[str], np.ndarray],
    statistic: Statistic,
    resamples: int,
    rng: np.random.Generator,
) -> list[WindowAgreement]:
    """A row per window in which the field has pairable units."""
    names, window_of_unit = windows
    units = ratings.units
    found = []
    for number, name in enumerate(names):
        inside = window_of_unit[units.unit] == number
        pairable = Units(units.unit[inside], units.code[inside], units.weight, units.n_codes).pairable()
        if pairable.n_units:
            grouped = pairable.grouped() if resamples else pairable
            (alpha,) = estimates([partial(statistic, grouped)], grouped.weight, size(pairable), resamples, rng)
            found.append(WindowAgreement(name, alpha))
    return found
