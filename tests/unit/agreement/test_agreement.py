"""Agreement coefficients against published worked examples, and their edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.agreement.bootstrap import bootstrap_intervals
from annotator.agreement.coefficients import (
    Units,
    agreement_batch,
    alpha_batch,
    cohen_kappa,
    distance_matrix,
    encode,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    row_groups,
    scott_pi,
)


def by_coder(*coders: list) -> dict:
    """Ratings from one list per coder (None = not rated), items numbered from 1."""
    return {
        item: {f"c{number}": values[item - 1] for number, values in enumerate(coders, 1) if values[item - 1] is not None}
        for item in range(1, len(coders[0]) + 1)
    }


def from_table(cells: dict[tuple[str, str], int]) -> dict:
    """Two-coder ratings from a confusion table {(A's value, B's value): number of items}."""
    pairs = [pair for pair, count in cells.items() for _ in range(count)]
    return {item: {"A": a, "B": b} for item, (a, b) in enumerate(pairs)}


N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, values 1-5, missing data. Gwet (2014, Handbook of Inter-Rater Reliability, 4th ed.) reuses it.
KRIPPENDORFF_2011 = by_coder(
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
)


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_four_observers_with_missing_data(level: str, expected: float) -> None:
    """Krippendorff (2011) section C reports alpha = .743 nominal, .815 ordinal, .849 interval, .797 ratio."""
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level), 3) == expected


def test_ordinal_alpha_uses_the_given_order_of_named_values() -> None:
    """The same data with the values named and ordered by `order` gives the same .815."""
    names = ["very low", "low", "mid", "high", "very high"]
    named = {item: {coder: names[value - 1] for coder, value in row.items()} for item, row in KRIPPENDORFF_2011.items()}
    assert round(krippendorff_alpha(named, "ordinal", order=names), 3) == 0.815
    assert krippendorff_alpha(named, "ordinal", order=names[::-1]) == pytest.approx(0.8153875, abs=1e-6)


def test_krippendorff_2011_binary_two_observers() -> None:
    """Krippendorff (2011) section A: binary data, two observers, ten units: alpha = .095."""
    ratings = by_coder([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0])
    assert round(krippendorff_alpha(ratings), 3) == 0.095


def test_wikipedia_krippendorff_computational_example() -> None:
    """Wikipedia, "Krippendorff's alpha", A computational example: 3 coders, 15 units, alpha = 0.691."""
    ratings = by_coder(
        [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
        [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
        [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
    )
    assert round(krippendorff_alpha(ratings), 3) == 0.691


def test_fleiss_1971_wikipedia_example() -> None:
    """Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories: kappa = 0.210."""
    table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    ratings = {
        subject: dict(enumerate(category for category, count in enumerate(row) for _ in range(count))) for subject, row in enumerate(table)
    }
    assert round(fleiss_kappa(ratings), 3) == 0.210


def test_cohen_kappa_wikipedia_grant_example() -> None:
    """Wikipedia, "Cohen's kappa", 50 grant proposals: p_o = 0.7, p_e = 0.5, kappa = 0.4."""
    ratings = from_table({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15})
    assert cohen_kappa(ratings) == pytest.approx(0.4)
    assert percent_agreement(ratings) == pytest.approx(0.7)


def test_scott_pi_wikipedia_example() -> None:
    """Wikipedia, "Scott's pi", worked example: 45 items, Pr(a) = 0.333, Pr(e) = 0.369 from the squared
    joint proportions 0.2, 0.333, 0.467."""
    cells = {("yes", "yes"): 1, ("yes", "no"): 2, ("yes", "maybe"): 3, ("no", "yes"): 4, ("no", "no"): 5,
             ("no", "maybe"): 6, ("maybe", "yes"): 7, ("maybe", "no"): 8, ("maybe", "maybe"): 9}  # fmt: skip
    expected_agreement = 0.2**2 + (30 / 90) ** 2 + (42 / 90) ** 2
    assert round(expected_agreement, 3) == 0.369
    assert scott_pi(from_table(cells)) == pytest.approx((15 / 45 - expected_agreement) / (1 - expected_agreement))


def test_gwet_ac1_handbook_four_raters() -> None:
    """Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed.: the 4-rater, 12-unit data above with
    5 categories gives p_a = 0.818, p_e = 0.190, AC1 = 0.775 (the figures the irrCAC package's test suite
    and the R package `agreement` reproduce)."""
    assert round(percent_agreement(KRIPPENDORFF_2011), 3) == 0.818
    assert round(gwet_ac1(KRIPPENDORFF_2011), 3) == 0.775


def test_gwet_ac1_two_raters_with_a_missing_rating() -> None:
    """irrCAC dataset `raw_ben_gerry` (2 raters, 12 units, one rating missing, categories a-e):
    p_a = 0.727, p_e = 0.194, AC1 = 0.661."""
    ratings = by_coder(list("aabbdcccedda"), ["b", "a", "b", "b", "b", "c", "c", "c", "e", N, "d", "d"])
    assert round(gwet_ac1(ratings), 3) == 0.661


def test_gwet_ac1_counts_the_categories_offered_not_only_those_used() -> None:
    ratings = by_coder(["x", "x", "x", "y"], ["x", "x", "x", "x"])
    assert gwet_ac1(ratings, categories=["x", "y", "z"]) != gwet_ac1(ratings)
    assert gwet_ac1(by_coder(["x", "x"], ["x", "x"]), categories=["x", "y"]) == 1.0


def test_masi_distance_follows_passonneau_2006() -> None:
    """MASI = 1 - Jaccard * M; M = 1 equal, 2/3 subset, 1/3 overlap, 0 disjoint (Passonneau 2006)."""
    sets = [frozenset({1, 2}), frozenset({1, 2}), frozenset({1, 2, 3, 4}), frozenset({2, 5}), frozenset({6})]
    delta = distance_matrix("masi", sets)
    assert delta[0, 1] == 0
    assert delta[0, 2] == pytest.approx(1 - 2 / 4 * 2 / 3)
    assert delta[0, 3] == pytest.approx(1 - 1 / 3 * 1 / 3)
    assert delta[0, 4] == 1
    assert np.allclose(delta, delta.T)


def test_masi_alpha_is_nominal_alpha_when_sets_are_singletons() -> None:
    as_sets = {item: {coder: {value} for coder, value in row.items()} for item, row in KRIPPENDORFF_2011.items()}
    assert krippendorff_alpha(as_sets, "masi") == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011))


def test_partial_overlap_of_sets_counts_as_partial_agreement() -> None:
    exact = {1: {"a": {"x"}, "b": {"y"}}, 2: {"a": {"x", "y"}, "b": {"x", "y"}}, 3: {"a": {"y"}, "b": {"y"}}}
    overlapping = {**exact, 1: {"a": {"x"}, "b": {"x", "y"}}}
    assert krippendorff_alpha(overlapping, "masi") > krippendorff_alpha(exact, "masi")


def test_percent_agreement_is_the_mean_share_of_agreeing_pairs() -> None:
    ratings = {1: {"a": "x", "b": "x", "c": "y"}, 2: {"a": "x", "b": "x"}, 3: {"a": "y"}}
    assert percent_agreement(ratings) == pytest.approx((1 / 3 + 1) / 2)


def test_items_with_one_rating_do_not_change_alpha() -> None:
    lonely = {**KRIPPENDORFF_2011, "extra": {"c1": 5}, "empty": {}}
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert krippendorff_alpha(lonely, level) == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011, level))


@pytest.mark.parametrize(
    "ratings",
    [{}, {1: {}}, {1: {"a": "x"}}, {1: {"a": "x", "b": "x"}, 2: {"a": "x", "b": "x"}}],
    ids=["empty", "no ratings", "one rating", "no variation"],
)
def test_undefined_coefficients_are_nan(ratings: dict) -> None:
    assert math.isnan(krippendorff_alpha(ratings))
    assert math.isnan(krippendorff_alpha(ratings, "ordinal"))
    assert math.isnan(fleiss_kappa(ratings))
    assert math.isnan(gwet_ac1(ratings))


def test_kappa_and_pi_without_variation_are_nan() -> None:
    ratings = from_table({("x", "x"): 5})
    assert math.isnan(cohen_kappa(ratings))
    assert math.isnan(scott_pi(ratings))
    assert math.isnan(cohen_kappa({1: {"A": "x"}, 2: {"B": "y"}}))  # no item rated by both


@pytest.mark.parametrize("function", [cohen_kappa, scott_pi])
@pytest.mark.parametrize("ratings", [{}, {1: {"a": 1}}, KRIPPENDORFF_2011], ids=["none", "one", "four"])
def test_two_coder_coefficients_refuse_other_numbers_of_coders(function, ratings: dict) -> None:
    with pytest.raises(ValueError, match="exactly two coders"):
        function(ratings)


def test_fleiss_kappa_takes_unequal_numbers_of_ratings_and_ignores_items_with_fewer_than_two() -> None:
    """Gwet's (2014) generalised Fleiss' kappa on the 4-rater data above, its unit with one rating left
    out: 0.76248 (irrCAC 0.4.4 `CAC(...).fleiss()` on the 11 units with two ratings or more; on all 12,
    irrCAC counts the single rating in the value shares and gives 0.76117)."""
    assert fleiss_kappa(KRIPPENDORFF_2011) == pytest.approx(0.7624831309, abs=1e-9)
    with_empty_items = {**KRIPPENDORFF_2011, "empty": {}, "lonely": {"c1": 5}}
    assert fleiss_kappa(with_empty_items) == fleiss_kappa(KRIPPENDORFF_2011)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: krippendorff_alpha({1: {"a": 1}}, "circular"), "unknown level"),
        (lambda: krippendorff_alpha({1: {"a": "x", "b": "z"}}, "ordinal", order=["x", "y"]), "'z' is not in the given order"),
        (lambda: krippendorff_alpha({1: {"a": "x", "b": 2}}, "ordinal"), "give their order"),
        (lambda: krippendorff_alpha({1: {"a": "x", "b": "y"}}, "interval"), "finite numbers"),
        (lambda: krippendorff_alpha({1: {"a": 1.0, "b": math.inf}}, "ratio"), "finite numbers"),
        (lambda: krippendorff_alpha({1: {"a": "xy", "b": {"x"}}}, "masi"), "collection of labels"),
        (lambda: krippendorff_alpha({1: {"a": 1, "b": 2}}, "nominal", order=[1, 2]), "only meaningful for ordinal"),
        (lambda: gwet_ac1({1: {"a": "x", "b": "q"}}, categories=["x", "y"]), "'q' is not one of the categories"),
    ],
)
def test_misuse_is_a_clear_value_error(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


small_ratings = st.dictionaries(
    st.integers(0, 6),
    st.dictionaries(st.sampled_from("abcd"), st.integers(0, 2), max_size=4),
    max_size=7,
)


@given(small_ratings)
def test_no_input_raises_anything_but_the_documented_value_errors(ratings: dict) -> None:
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert -1.5 <= krippendorff_alpha(ratings, level) <= 1 or math.isnan(krippendorff_alpha(ratings, level))
    assert 0 <= percent_agreement(ratings) <= 1 or math.isnan(percent_agreement(ratings))
    assert gwet_ac1(ratings, categories=[0, 1, 2]) <= 1 or math.isnan(gwet_ac1(ratings, categories=[0, 1, 2]))
    for function in (cohen_kappa, scott_pi, fleiss_kappa):
        try:
            value = function(ratings)
        except ValueError:
            continue
        assert value <= 1 or math.isnan(value)


def test_grouping_identical_units_keeps_every_statistic() -> None:
    rng = np.random.default_rng(3)
    ratings = {i: {c: int(v) for c, v in enumerate(rng.integers(0, 3, 4)) if rng.random() > 0.2} for i in range(300)}
    units, domain = encode(ratings, "ordinal")
    units = units.pairable()
    grouped = units.grouped()
    assert grouped.n_units < units.n_units
    assert grouped.weight.sum() == units.n_units
    for level in ("nominal", "ordinal", "interval"):
        assert alpha_batch(grouped, grouped.weight[None], level, domain)[0] == pytest.approx(krippendorff_alpha(ratings, level))
    assert agreement_batch(grouped, grouped.weight[None])[0] == pytest.approx(percent_agreement(ratings))


def test_batch_weights_are_unit_multiplicities() -> None:
    units, domain = encode(KRIPPENDORFF_2011)
    units = units.pairable()
    doubled = {(copy, item): row for copy in range(2) for item, row in KRIPPENDORFF_2011.items()}
    assert alpha_batch(units, 2 * units.weight[None], "nominal", domain)[0] == pytest.approx(krippendorff_alpha(doubled))


def test_bootstrap_interval_is_reproducible_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, 400)
    ratings = {i: {c: int(truth[i] if rng.random() < 0.8 else rng.integers(0, 3)) for c in range(3)} for i in range(400)}
    units, domain = encode(ratings)
    ungrouped = units.pairable()
    grouped = ungrouped.grouped()

    def interval(table: Units, seed: int) -> tuple[float, float]:
        def statistic(counts: np.ndarray) -> np.ndarray:
            return alpha_batch(table, counts, "nominal", domain)

        return bootstrap_intervals([statistic], table.weight, 500, np.random.default_rng(seed))[0]

    low, high = interval(grouped, 7)
    assert interval(grouped, 7) == (low, high)
    assert interval(grouped, 8) != (low, high)
    assert low < krippendorff_alpha(ratings) < high
    assert high - low < 0.2
    # Drawing units one by one (many distinct units) estimates the same interval.
    assert interval(ungrouped, 7) == pytest.approx((low, high), abs=0.03)


def test_bootstrap_of_no_units_is_undefined() -> None:
    units, domain = encode({})
    intervals = bootstrap_intervals(
        [lambda counts: alpha_batch(units, counts, "nominal", domain)], units.weight, 100, np.random.default_rng(0)
    )
    assert all(math.isnan(bound) for bound in intervals[0])


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.sampled_from([0, 2**61, -(2**61)])), min_size=1, max_size=30))
def test_row_groups_number_equal_rows_in_lexicographic_order(rows: list[tuple[int, int, int]]) -> None:
    """Rows that fit one integer are grouped by it, wider ones by a sort of the rows: the same groups."""
    for table in (np.array(rows)[:, :2], np.array(rows)):
        group, first = row_groups(table)
        distinct = sorted(set(map(tuple, table.tolist())))
        assert [distinct[g] for g in group] == list(map(tuple, table.tolist()))
        assert [tuple(table[i]) for i in first] == distinct
        assert all(first[g] <= i for i, g in enumerate(group))  # the first row of each group
