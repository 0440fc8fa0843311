"""Agreement coefficients against reference implementations, on seeded random data with missing ratings.

Reference packages (test extra only): krippendorff, statsmodels, scikit-learn, nltk. Where a
package has its own convention the test says how the data are chosen to compare like with like:
- `krippendorff.alpha` refuses data with a single value; on such draws ours must be NaN.
- nltk's `AnnotationTask.alpha` returns 1.0 when only one value occurs (ours: NaN, alpha is
  undefined there); on such draws ours must be NaN. Its `pi` and `kappa` assume every coder rated every
  item, so they are compared on complete two-coder data only.
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import masi_distance
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from annotator.agreement.coefficients import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

SEEDS = range(60)


def random_matrix(seed: int, missing: float = 0.25) -> np.ndarray:
    """coders x items of values 1..k (as floats), NaN where a rating is missing."""
    rng = np.random.default_rng(seed)
    coders, items, k = rng.integers(2, 7), rng.integers(5, 60), rng.integers(2, 7)
    truth = rng.integers(1, k + 1, items)
    noise = rng.integers(1, k + 1, (coders, items))
    matrix = np.where(rng.random((coders, items)) < rng.random(), truth, noise).astype(float)
    matrix[rng.random(matrix.shape) < missing] = np.nan
    return matrix


def as_ratings(matrix: np.ndarray) -> dict:
    return {
        item: {coder: float(matrix[coder, item]) for coder in range(matrix.shape[0]) if not np.isnan(matrix[coder, item])}
        for item in range(matrix.shape[1])
    }


def pairable_values(matrix: np.ndarray) -> np.ndarray:
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    values = matrix[:, pairable]
    return values[~np.isnan(values)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_the_krippendorff_package(seed: int, level: str) -> None:
    matrix = random_matrix(seed)
    if len(np.unique(pairable_values(matrix))) < 2:  # the package refuses a single value
        assert math.isnan(krippendorff_alpha(as_ratings(matrix), level))
        return
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
    assert krippendorff_alpha(as_ratings(matrix), level) == pytest.approx(expected, abs=1e-9)


def random_sets(seed: int) -> dict:
    """Set-valued ratings (1-3 of 5 labels, often near a per-item truth), some missing."""
    rng = np.random.default_rng(seed)
    labels = list("abcde")
    ratings = {}
    for item in range(rng.integers(5, 40)):
        truth = set(rng.choice(labels, rng.integers(1, 4), replace=False))
        ratings[item] = {}
        for coder in range(rng.integers(2, 5)):
            if rng.random() < 0.2:
                continue
            drawn = set(rng.choice(labels, rng.integers(1, 4), replace=False))
            ratings[item][coder] = frozenset(truth if rng.random() < 0.6 else drawn)
    return ratings


@pytest.mark.parametrize("seed", SEEDS)
def test_masi_alpha_matches_nltk(seed: int) -> None:
    ratings = random_sets(seed)
    triples = [(coder, item, value) for item, row in ratings.items() for coder, value in row.items()]
    pairable = {value for row in ratings.values() if len(row) >= 2 for value in row.values()}
    if len(pairable) < 2:  # nltk returns 1.0 for a single value; alpha is undefined there
        assert math.isnan(krippendorff_alpha(ratings, "masi"))
        return
    expected = AnnotationTask(data=triples, distance=masi_distance).alpha()
    assert krippendorff_alpha(ratings, "masi") == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_nominal_alpha_matches_nltk(seed: int) -> None:
    ratings = as_ratings(random_matrix(seed))
    triples = [(coder, item, value) for item, row in ratings.items() for coder, value in row.items()]
    if len({value for row in ratings.values() if len(row) >= 2 for value in row.values()}) < 2:  # nltk says 1.0 there
        assert math.isnan(krippendorff_alpha(ratings))
        return
    assert krippendorff_alpha(ratings) == pytest.approx(AnnotationTask(data=triples).alpha(), abs=1e-9)


def two_coders(seed: int, missing: float) -> dict:
    matrix = random_matrix(seed * 7919, missing)[:2]
    return as_ratings(matrix)


def both_rated(ratings: dict) -> tuple[list, list]:
    pairs = [(row[0], row[1]) for row in ratings.values() if len(row) == 2]
    return [a for a, _ in pairs], [b for _, b in pairs]


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt")  # statsmodels' standard error
@pytest.mark.parametrize("seed", SEEDS)
def test_cohen_kappa_matches_scikit_learn_and_statsmodels(seed: int) -> None:
    ratings = two_coders(seed, missing=0.3)
    first, second = both_rated(ratings)
    values = sorted(set(first) | set(second))
    table = np.array([[sum(1 for a, b in zip(first, second) if (a, b) == (r, c)) for c in values] for r in values])
    ours = cohen_kappa(ratings)
    if math.isnan(ours):
        assert len(set(first)) == len(set(second)) == 1 or not first
        return
    assert ours == pytest.approx(cohen_kappa_score(first, second), abs=1e-9)
    assert ours == pytest.approx(cohens_kappa(table).kappa, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_kappa_and_scott_pi_match_nltk_on_complete_data(seed: int) -> None:
    ratings = two_coders(seed, missing=0.0)
    triples = [(coder, item, value) for item, row in ratings.items() for coder, value in row.items()]
    task = AnnotationTask(data=triples)
    if len({value for row in ratings.values() for value in row.values()}) < 2:
        pytest.skip("no variation: undefined")
    assert cohen_kappa(ratings) == pytest.approx(task.kappa(), abs=1e-9)
    assert scott_pi(ratings) == pytest.approx(task.pi(), abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_fleiss_kappa_matches_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    raters, items, k = rng.integers(2, 9), rng.integers(3, 50), rng.integers(2, 6)
    truth = rng.integers(0, k, items)
    ratings = {
        item: {rater: int(truth[item] if rng.random() < 0.5 else rng.integers(0, k)) for rater in range(raters)} for item in range(items)
    }
    table = np.array([[sum(1 for v in row.values() if v == c) for c in range(k)] for row in ratings.values()])
    expected = sm_fleiss_kappa(table, method="fleiss")
    assert fleiss_kappa(ratings) == pytest.approx(expected, abs=1e-9, nan_ok=True)


def naive_ac1(ratings: dict, categories: list) -> float:
    """Gwet's AC1 item by item, as written in Gwet (2014): the check on the vectorised version."""
    rated = [list(row.values()) for row in ratings.values() if row]
    pairable = [values for values in rated if len(values) >= 2]
    p_a = sum(
        sum(values.count(c) * (values.count(c) - 1) for c in categories) / (len(values) * (len(values) - 1)) for values in pairable
    ) / len(pairable)
    shares = [sum(values.count(c) / len(values) for values in rated) / len(rated) for c in categories]
    p_e = sum(share * (1 - share) for share in shares) / (len(categories) - 1)
    return (p_a - p_e) / (1 - p_e)


@pytest.mark.parametrize("seed", SEEDS)
def test_gwet_ac1_matches_the_formula_item_by_item(seed: int) -> None:
    ratings = as_ratings(random_matrix(seed))
    categories = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    if not any(len(row) >= 2 for row in ratings.values()):
        pytest.skip("nothing pairable")
    assert gwet_ac1(ratings, categories) == pytest.approx(naive_ac1(ratings, categories), abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_percent_agreement_matches_nltk_on_complete_data(seed: int) -> None:
    matrix = random_matrix(seed, missing=0.0)
    ratings = as_ratings(matrix)
    triples = [(coder, item, value) for item, row in ratings.items() for coder, value in row.items()]
    assert percent_agreement(ratings) == pytest.approx(AnnotationTask(data=triples).avg_Ao(), abs=1e-9)
