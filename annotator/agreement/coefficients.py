"""Inter-annotator agreement coefficients.

The public functions take `ratings: Mapping[item, Mapping[coder, value]]`; a missing rating is an
absent key. A coefficient that is undefined (nothing pairable, no variation in the data) is
`math.nan`; no input raises ZeroDivisionError.

Underneath, ratings are integer arrays (`Units`) and every statistic is computed for a batch of
unit weightings at once: row b of `counts` says how many times each unit is drawn. The point
estimate is the single row `units.weight`; a bootstrap passes one row per resample, so a resample
costs a weighted sum over precomputed per-unit contributions, not a recomputation.

Krippendorff's alpha follows the coincidence-matrix formulation of Krippendorff (2011),
"Computing Krippendorff's Alpha-Reliability":
    alpha = 1 - (n - 1) * sum_ck o_ck delta_ck / sum_ck n_c n_k delta_ck,
where o is the coincidence matrix of the pairable values and n_c its marginals. Pairs are formed
within a unit only, each weighted 1 / (m_u - 1) for a unit with m_u ratings. The ordinal distance
is Krippendorff's, from the marginals: (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2; MASI is Passonneau's
(2006) 1 - Jaccard * M for set-valued ratings.

Conventions where references differ: alpha with a single value in the data is NaN (nltk's
`AnnotationTask.alpha` returns 1.0); Cohen's kappa and Scott's pi use only the items both coders
rated (nltk's assume complete data); Gwet's AC1 averages agreement over items with two or more
ratings and category shares over items with one or more (Gwet 2014).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import methodcaller
from typing import Any

import numpy as np

Ratings = Mapping[Hashable, Mapping[Hashable, Any]]
LEVELS = ("nominal", "ordinal", "interval", "ratio", "masi")
_DENSE_CELLS = 1 << 22  # largest (groups x bins) table `_binned` multiplies by: bounds its memory


@dataclass(frozen=True)
class Units:
    """Ratings of one variable as integer arrays.

    Rating r belongs to unit `unit[r]` and has value `code[r]` (an index into the domain); the
    ratings of a unit are contiguous and units are numbered 0..K-1 in order. `weight[k]` is how many
    identical units unit k stands for (1 unless the table was `grouped`).
    """

    unit: np.ndarray
    code: np.ndarray
    weight: np.ndarray
    n_codes: int

    @classmethod
    def from_sizes(cls, sizes: np.ndarray, code: np.ndarray, n_codes: int) -> Units:
        """Units whose `sizes[k]` ratings are consecutive in `code`."""
        unit = np.repeat(np.arange(len(sizes)), sizes)
        return cls(unit, code, np.ones(len(sizes)), n_codes)

    @property
    def n_units(self) -> int:
        return len(self.weight)

    def sizes(self) -> np.ndarray:
        return np.bincount(self.unit, minlength=self.n_units)

    def pairable(self) -> Units:
        """Only the units with at least two ratings."""
        return self.subset(self.sizes() >= 2)

    def subset(self, keep: np.ndarray) -> Units:
        """The units where `keep` (one bool per unit) holds, renumbered."""
        number = np.cumsum(keep) - 1
        rows = keep[self.unit]
        return Units(number[self.unit[rows]], self.code[rows], self.weight[keep], self.n_codes)

    def recoded(self, new_code: np.ndarray, n_codes: int) -> Units:
        """The same ratings with value c replaced by `new_code[c]` (e.g. one value against the rest)."""
        return Units(self.unit, new_code[self.code], self.weight, n_codes)

    def patterns(self) -> Units:
        """Each unit's values renumbered 0, 1, ... within the unit: which of its ratings are equal, not
        what they are. Enough for exact-match agreement, and far more units share a pattern than values."""
        unit, _, count = _entries(self)
        local = np.arange(len(unit)) - np.searchsorted(unit, unit)
        return Units(np.repeat(unit, count), np.repeat(local, count), self.weight, int(local.max(initial=0)) + 1)

    def grouped(self) -> Units:
        """Identical units (same multiset of values) merged into one, weighted by their number.

        Every statistic here depends on a unit only through that multiset, so the grouped table
        gives the same results and is far shorter to resample.
        """
        if not self.n_units:
            return self
        rows = self._padded_rows()
        group, first = row_groups(rows)
        kept = rows[first]
        unit, position = np.nonzero(kept >= 0)
        return Units(unit, kept[unit, position], np.bincount(group, weights=self.weight), self.n_codes)

    def _padded_rows(self) -> np.ndarray:
        """One row per unit: its codes in ascending order, padded with -1."""
        sizes = self.sizes()
        code = np.sort(self.unit * self.n_codes + self.code) % self.n_codes  # ascending within each unit
        start = np.cumsum(sizes) - sizes
        rows = np.full((self.n_units, int(sizes.max())), -1, dtype=np.intp)
        rows[self.unit, np.arange(len(self.unit)) - start[self.unit]] = code
        return rows


@dataclass(frozen=True)
class Pairs:
    """Two coders' values on the units both rated, grouped: `weight[p]` units got (`first[p]`, `second[p]`)."""

    first: np.ndarray
    second: np.ndarray
    weight: np.ndarray
    n_codes: int

    @classmethod
    def from_codes(cls, first: np.ndarray, second: np.ndarray, n_codes: int, weight: np.ndarray | None = None) -> Pairs:
        """The pairs (`first[i]`, `second[i]`), each standing for `weight[i]` units (default 1)."""
        if weight is None:
            cells, counts = count_distinct(first * n_codes + second, n_codes**2)
            return cls(cells // n_codes, cells % n_codes, counts.astype(float), n_codes)
        cells, cell = np.unique(first * n_codes + second, return_inverse=True)
        return cls(cells // n_codes, cells % n_codes, np.bincount(cell.reshape(-1), weights=weight, minlength=len(cells)), n_codes)

    def confusion(self) -> np.ndarray:
        """(V, V) counts: rows the first coder's value, columns the second's."""
        cells = self.first * self.n_codes + self.second
        table = np.bincount(cells, weights=self.weight, minlength=self.n_codes**2)
        return table.reshape(self.n_codes, self.n_codes).astype(int)


def row_groups(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For an (n, k) integer array: each row's group of equal rows (groups numbered in the rows'
    lexicographic order) and the index of the first row of each group."""
    if rows.size:
        low = rows.min(axis=0)
        span = rows.max(axis=0) - low + 1
        if np.prod(span.astype(float)) < 2**62:  # each row fits one integer, in the same order: one sort of n numbers
            place = np.cumprod(np.append(1, span[:0:-1]))[::-1]
            _, first, group = np.unique((rows - low) @ place, return_index=True, return_inverse=True)
            return group.reshape(-1), first
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    group = np.empty(len(rows), dtype=np.intp)
    group[order] = np.cumsum(first) - 1
    return group, order[first]


# --- public coefficients over a ratings mapping ---------------------------------------------------


def percent_agreement(ratings: Ratings) -> float:
    """Mean, over items with at least two ratings, of the share of agreeing pairs of ratings."""
    units = encode(ratings)[0].pairable()
    return float(agreement_batch(units, units.weight[None])[0])


def cohen_kappa(ratings: Ratings) -> float:
    """Cohen's (1960) kappa for exactly two coders, over the items both rated."""
    pairs = _two_coder_pairs(ratings, "Cohen's kappa")
    return float(kappa_batch(pairs, pairs.weight[None])[0])


def scott_pi(ratings: Ratings) -> float:
    """Scott's (1955) pi for exactly two coders, over the items both rated."""
    pairs = _two_coder_pairs(ratings, "Scott's pi")
    return float(scott_pi_batch(pairs, pairs.weight[None])[0])


def fleiss_kappa(ratings: Ratings) -> float:
    """Fleiss' (1971) kappa, for any number of ratings per item as Gwet (2014) generalises it: items
    with fewer than two ratings are left out, and the chance agreement comes from the mean over
    items of each value's share of the item's ratings (with equal numbers, Fleiss' own pooled shares)."""
    units = encode(ratings)[0].pairable()
    return float(fleiss_batch(units, units.weight[None])[0])


def gwet_ac1(ratings: Ratings, categories: Sequence[Hashable] | None = None) -> float:
    """Gwet's AC1 for any number of coders with missing ratings (Gwet 2008; Handbook, 4th ed. 2014).

    Agreement is averaged over items with at least two ratings; the category shares over items with
    at least one. The number of categories is `len(categories)` when given, else the number of
    distinct values observed.
    """
    units, domain = encode(ratings)
    if categories is not None:
        allowed = set(categories)
        unknown = [value for value in domain if value not in allowed]
        if unknown:
            raise ValueError(f"value {unknown[0]!r} is not one of the categories")
    rated = units.subset(units.sizes() >= 1)
    return float(gwet_batch(rated, rated.weight[None], len(categories) if categories is not None else len(domain))[0])


def krippendorff_alpha(ratings: Ratings, level: str = "nominal", order: Sequence[Hashable] | None = None) -> float:
    """Krippendorff's alpha at `level`: nominal, ordinal, interval, ratio or masi.

    `order` lists the values of an ordinal variable from lowest to highest (default: sorted values).
    At the masi level a value is a collection of labels, compared with the MASI distance
    (Passonneau 2006). Items with a single rating are not pairable and are ignored.
    """
    units, domain = encode(ratings, level, order)
    units = units.pairable()
    return float(alpha_batch(units, units.weight[None], level, domain)[0])


# --- encoding ---------------------------------------------------------------------------------------


def encode(ratings: Ratings, level: str = "nominal", order: Sequence[Hashable] | None = None) -> tuple[Units, list]:
    """The ratings as `Units` (all items, in mapping order) and the domain the codes index into."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
    rows = list(ratings.values())
    sizes = np.fromiter(map(len, rows), dtype=np.intp, count=len(rows))
    values = chain.from_iterable(map(methodcaller("values"), rows))
    first_seen, distinct = numbered(map(_label_set, values) if level == "masi" else values)
    domain = _domain(distinct, level, order)
    position = {value: code for code, value in enumerate(domain)}
    try:
        recode = np.array([position[value] for value in distinct], dtype=np.intp)
    except KeyError as error:
        raise ValueError(f"value {error.args[0]!r} is not in the given order") from None
    return Units.from_sizes(sizes, recode[first_seen], len(domain)), domain


class _Numbering(dict):
    """Numbers keys 0, 1, ... in the order they are first looked up."""

    def __missing__(self, key: Hashable) -> int:
        self[key] = number = len(self)
        return number


def numbered(keys: Iterable[Hashable]) -> tuple[np.ndarray, list]:
    """The number of each key, in order of first appearance, and the distinct keys in that order."""
    numbering = _Numbering()
    numbers = np.fromiter(map(numbering.__getitem__, keys), dtype=np.intp)
    return numbers, list(numbering)


def _domain(distinct: list, level: str, order: Sequence[Hashable] | None) -> list:
    """The distinct values, in the order their codes take."""
    if order is not None:
        if level != "ordinal":
            raise ValueError("an order is only meaningful for ordinal ratings")
        return list(dict.fromkeys(order))
    if level in ("interval", "ratio"):
        bad = [v for v in distinct if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v)]
        if bad:
            raise ValueError(f"{level} ratings must be finite numbers, not {bad[0]!r}")
    if level in ("ordinal", "interval", "ratio"):
        try:
            return sorted(distinct)
        except TypeError:
            raise ValueError("ordinal values cannot be compared: give their order") from None
    return distinct


def _label_set(value: Any) -> frozenset:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ValueError(f"a masi rating is a collection of labels, not {value!r}")
    return frozenset(value)


def _two_coder_pairs(ratings: Ratings, name: str) -> Pairs:
    """The (first coder's value, second coder's value) of every item both rated."""
    coders = list(dict.fromkeys(coder for row in ratings.values() for coder in row))
    if len(coders) != 2:
        raise ValueError(f"{name} needs exactly two coders, found {len(coders)}")
    first, second = coders
    both = [(row[first], row[second]) for row in ratings.values() if len(row) == 2]
    index = {value: code for code, value in enumerate(dict.fromkeys(v for pair in both for v in pair))}
    codes = np.array([(index[a], index[b]) for a, b in both], dtype=np.intp).reshape(-1, 2)
    return Pairs.from_codes(codes[:, 0], codes[:, 1], max(len(index), 1))


# --- batched statistics -----------------------------------------------------------------------------


def agreement_batch(units: Units, counts: np.ndarray) -> np.ndarray:
    """Percent agreement per row of `counts`: the weighted mean over pairable `units` of their share
    of agreeing pairs."""
    share = 1 - mean_pair_distance(units)
    return _divide(counts @ share, counts.sum(axis=1))


def alpha_batch(units: Units, counts: np.ndarray, level: str, domain: Sequence) -> np.ndarray:
    """Krippendorff's alpha per row of `counts` over pairable `units` whose codes index `domain`."""
    unit, code, count = _entries(units)
    sizes = units.sizes()
    totals = _binned(counts, unit, code, units.n_codes, count)
    if level == "ordinal":
        delta = _ordinal_distances(totals)
        pair_unit, first, second, together = _entry_pairs(unit, code, count)
        weight = 2 * together / (sizes[pair_unit] - 1)  # o_ck and o_kc, 1 / (m_u - 1) per pair of ratings
        coincidences = _binned(counts, pair_unit, first * units.n_codes + second, units.n_codes**2, weight)
        observed = (coincidences * delta.reshape(len(counts), -1)).sum(axis=1)
        expected = np.einsum("bi,bij,bj->b", totals, delta, totals)
    else:
        distances = None if level == "nominal" else distance_matrix(level, domain)
        observed = counts @ (2 * _disagreement(units, distances, (unit, code, count)) / np.maximum(sizes - 1, 1))
        if distances is None:
            expected = totals.sum(axis=1) ** 2 - (totals**2).sum(axis=1)
        else:
            expected = np.einsum("bi,ij,bj->b", totals, distances, totals)
    return 1 - _divide((totals.sum(axis=1) - 1) * observed, expected)


def fleiss_batch(units: Units, counts: np.ndarray) -> np.ndarray:
    """Fleiss' kappa per row of `counts` over pairable `units` (Gwet's generalisation, see `fleiss_kappa`)."""
    shares = _value_shares(units, counts)
    return _chance_corrected_batch(agreement_batch(units, counts), (shares**2).sum(axis=1))


def gwet_batch(units: Units, counts: np.ndarray, n_categories: int, delta: np.ndarray | None = None) -> np.ndarray:
    """Gwet's AC1 per row of `counts` (AC2 with distances `delta`, weights 1 - delta, Gwet 2014 ch. 3):
    agreement over the units with two ratings or more, value shares over all `units`, chance
    agreement sum(weights) / (q (q - 1)) * sum_k pi_k (1 - pi_k) with q = `n_categories`."""
    if n_categories < 2:
        return np.full(len(counts), math.nan)
    pairable = units.sizes() >= 2
    observed = _divide(counts @ (pairable * (1 - mean_pair_distance(units, delta))), counts @ pairable)
    shares = _value_shares(units, counts)
    weights = n_categories if delta is None else float((1 - delta).sum())
    expected = weights * (shares * (1 - shares)).sum(axis=1) / (n_categories * (n_categories - 1))
    return _chance_corrected_batch(observed, expected)


def _value_shares(units: Units, counts: np.ndarray) -> np.ndarray:
    """(B, V): per row of `counts`, the mean over units of each value's share of the unit's ratings."""
    unit, code, count = _entries(units)
    totals = _binned(counts, unit, code, units.n_codes, count / units.sizes()[unit])
    return _divide(totals, counts.sum(axis=1)[:, None])


def gwet_ordinal_distances(n_categories: int) -> np.ndarray:
    """1 - Gwet's ordinal weights between ranks k and l: (|k - l| + 1) |k - l| / (q (q - 1))."""
    steps = np.abs(np.subtract.outer(np.arange(n_categories), np.arange(n_categories)))
    return steps * (steps + 1) / max(n_categories * (n_categories - 1), 1)


def kappa_batch(pairs: Pairs, counts: np.ndarray) -> np.ndarray:
    """Cohen's kappa per row of `counts` (how many units each row of `pairs` stands for)."""
    shared = np.intersect1d(pairs.first, pairs.second)  # only values both coders used add chance agreement
    first = _coder_shares(counts, pairs.first, shared)
    second = _coder_shares(counts, pairs.second, shared)
    return _chance_corrected_batch(_pair_agreement(pairs, counts), (first * second).sum(axis=1))


def scott_pi_batch(pairs: Pairs, counts: np.ndarray) -> np.ndarray:
    """Scott's pi per row of `counts`: chance agreement from the pooled shares of both coders."""
    values = np.arange(pairs.n_codes)
    pooled = (_coder_shares(counts, pairs.first, values) + _coder_shares(counts, pairs.second, values)) / 2
    return _chance_corrected_batch(_pair_agreement(pairs, counts), (pooled**2).sum(axis=1))


def _pair_agreement(pairs: Pairs, counts: np.ndarray) -> np.ndarray:
    return _divide(counts @ (pairs.first == pairs.second), counts.sum(axis=1))


def _coder_shares(counts: np.ndarray, codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """(B, len(values)): per row of `counts`, the share of units in which the coder chose each of
    `values` (sorted codes)."""
    rows = np.flatnonzero(np.isin(codes, values))
    totals = _binned(counts, rows, np.searchsorted(values, codes[rows]), len(values))
    return _divide(totals, counts.sum(axis=1)[:, None])


def coincidence_matrix(units: Units) -> np.ndarray:
    """(V, V): Krippendorff's coincidences o_ck over pairable `units`, every ordered pair of two
    ratings of a unit weighted 1 / (m_u - 1); its margins are the number of pairable values n_c."""
    unit, code, count = _entries(units)
    scale = units.weight[unit] / (units.sizes()[unit] - 1)
    table = np.zeros((units.n_codes, units.n_codes))
    np.add.at(table, (code, code), scale * count * (count - 1))
    pair_unit, first, second, together = _entry_pairs(unit, code, count)
    pair_scale = units.weight[pair_unit] / (units.sizes()[pair_unit] - 1) * together
    np.add.at(table, (first, second), pair_scale)
    np.add.at(table, (second, first), pair_scale)
    return table


def mean_pair_distance(units: Units, delta: np.ndarray | None = None) -> np.ndarray:
    """Per unit, the mean over its pairs of ratings of delta[c, k] (None: 1 if the values differ,
    else 0); 0 for a unit with fewer than two ratings."""
    sizes = units.sizes()
    return _disagreement(units, delta) / np.maximum(sizes * (sizes - 1) / 2, 1)


def _disagreement(units: Units, delta: np.ndarray | None, entries: tuple[np.ndarray, ...] | None = None) -> np.ndarray:
    """Per unit, the sum over its unordered pairs of ratings of delta[c, k] (None: values differ)."""
    unit, code, count = _entries(units) if entries is None else entries
    if delta is None:
        sizes = units.sizes()
        return (sizes**2 - np.bincount(unit, weights=count**2, minlength=units.n_units)) / 2
    pair_unit, first, second, together = _entry_pairs(unit, code, count)
    return np.bincount(pair_unit, weights=together * delta[first, second], minlength=units.n_units)


def distance_matrix(level: str, domain: Sequence) -> np.ndarray:
    """delta[c, k] between the values of `domain` at an interval, ratio or masi level."""
    if level == "masi":
        return _masi_distances(domain)
    values = np.asarray(domain, dtype=float)
    difference = values[:, None] - values[None, :]
    if level == "interval":
        return difference**2
    if level == "ratio":
        total = values[:, None] + values[None, :]
        return np.divide(difference, total, out=np.zeros_like(difference), where=total != 0) ** 2
    raise ValueError(f"no distance matrix for level {level!r}")


def _masi_distances(sets: Sequence[frozenset]) -> np.ndarray:
    """1 - Jaccard * M, M = 1 equal, 2/3 one a subset of the other, 1/3 overlapping, 0 disjoint."""
    labels = {label: i for i, label in enumerate(dict.fromkeys(label for s in sets for label in s))}
    member = np.zeros((len(sets), len(labels)))
    for row, labelset in enumerate(sets):
        member[row, [labels[label] for label in labelset]] = 1
    common = member @ member.T
    size = member.sum(axis=1)
    union = size[:, None] + size[None, :] - common
    jaccard = np.divide(common, union, out=np.ones_like(common), where=union > 0)
    equal = (common == size[:, None]) & (common == size[None, :])
    subset = common == np.minimum(size[:, None], size[None, :])
    monotonicity = np.select([equal, subset, common > 0], [1, 2 / 3, 1 / 3], 0)
    return 1 - jaccard * monotonicity


def _ordinal_distances(totals: np.ndarray) -> np.ndarray:
    """Krippendorff's ordinal delta per row of value totals (B, V): (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2."""
    cumulative = np.cumsum(totals, axis=1)
    upward = cumulative[:, None, :] - cumulative[:, :, None] + totals[:, :, None]  # c <= k: sum of n_c..n_k
    between = np.where(np.triu(np.ones(totals.shape[1], dtype=bool)), upward, upward.transpose(0, 2, 1))
    return (between - (totals[:, :, None] + totals[:, None, :]) / 2) ** 2


# --- helpers -----------------------------------------------------------------------------------------


def _entries(units: Units) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unit, code, count) of every distinct value within a unit, ordered by unit then code."""
    key, count = count_distinct(units.unit * units.n_codes + units.code, units.n_units * units.n_codes)
    return key // units.n_codes, key % units.n_codes, count


def count_distinct(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of `keys` (integers in [0, size)) in ascending order, and their counts."""
    if size <= 4 * len(keys) + 1024:  # a dense count table is faster than sorting
        table = np.bincount(keys, minlength=size)
        distinct = np.flatnonzero(table)
        return distinct, table[distinct]
    distinct, counts = np.unique(keys, return_counts=True)
    return distinct, counts


def _entry_pairs(unit: np.ndarray, code: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, ...]:
    """(unit, code, other code, pairs of ratings) of every two distinct values within a unit."""
    empty = np.empty(0, dtype=np.intp)
    parts = [(empty, empty, empty, empty)]
    for step in range(1, int(np.bincount(unit).max(initial=0))):
        same = unit[step:] == unit[:-step]
        parts.append((unit[step:][same], code[:-step][same], code[step:][same], (count[:-step] * count[step:])[same]))
    return tuple(np.concatenate(column) for column in zip(*parts))


def _binned(counts: np.ndarray, group: np.ndarray, bins: np.ndarray, n_bins: int, weights: np.ndarray | None = None) -> np.ndarray:
    """(B, n_bins): for each row of counts, sum over items i of counts[row, group[i]] * weights[i] in bin bins[i]."""
    n_groups = counts.shape[1]
    if len(counts) > 1 and n_groups * n_bins <= _DENSE_CELLS:  # many rows: one matrix product over a (groups, bins) table
        table = np.bincount(group * n_bins + bins, weights=weights, minlength=n_groups * n_bins)
        return counts @ table.reshape(n_groups, n_bins)
    values = counts[:, group] if weights is None else counts[:, group] * weights
    keys = bins + n_bins * np.arange(len(counts))[:, None]
    return np.bincount(keys.ravel(), weights=values.ravel(), minlength=len(counts) * n_bins).reshape(len(counts), n_bins)


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    numerator, denominator = np.broadcast_arrays(np.asarray(numerator, float), np.asarray(denominator, float))
    return np.divide(numerator, denominator, out=np.full(numerator.shape, math.nan), where=denominator != 0)


def _chance_corrected_batch(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """(observed - expected) / (1 - expected), NaN when chance agreement is certain."""
    certain = np.isclose(expected, 1) | np.isnan(expected)
    return _divide(observed - expected, np.where(certain, 0, 1 - expected))


def _chance_corrected(observed: float, expected: float) -> float:
    return float(_chance_corrected_batch(np.array([observed]), np.array([expected]))[0])
