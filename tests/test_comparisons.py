"""Before/after comparisons checked against published values and small examples worked by hand.

Published sources:
- Wilson intervals 81/263 and 15/148: Newcombe (1998a), "Two-sided confidence intervals for the
  single proportion", Statistics in Medicine 17:857-872 (method 3).
- Newcombe hybrid score intervals 56/70 vs 48/80 and 9/10 vs 3/10: Newcombe (1998b), "Interval
  estimation for the difference between independent proportions", Statistics in Medicine
  17:873-890, Table II, method 10.
"""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from svcworkbook.analysis import comparisons
from svcworkbook.errors import DataError

# --------------------------------------------------------------------------- proportions


@pytest.mark.parametrize(
    "successes, n, low, high", [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605)]
)
def test_wilson_interval_matches_newcombe_1998(successes, n, low, high):
    lower, upper = comparisons.wilson_interval(successes, n)
    assert lower == pytest.approx(low, abs=6e-5)
    assert upper == pytest.approx(high, abs=6e-5)


def test_wilson_interval_for_zero_successes_worked_by_hand():
    # p = 0: lower = 0, upper = z^2 / (n + z^2) = 3.8415 / 13.8415
    z = sps.norm.ppf(0.975)
    assert comparisons.wilson_interval(0, 10) == pytest.approx((0.0, z * z / (10 + z * z)))


def test_wilson_interval_for_all_successes_worked_by_hand():
    # p = 1: upper = 1, lower = n / (n + z^2) = 10 / 13.8415
    z = sps.norm.ppf(0.975)
    assert comparisons.wilson_interval(10, 10) == pytest.approx((10 / (10 + z * z), 1.0))


@pytest.mark.parametrize("successes, n", [(81, 263), (1, 7), (48, 80)])
@pytest.mark.parametrize("confidence", [0.80, 0.90, 0.99])
def test_wilson_interval_follows_its_formula_at_any_confidence(successes, n, confidence):
    # (p + z^2/2n +/- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), z the two-sided quantile
    z = sps.norm.ppf(1 - (1 - confidence) / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low, high = comparisons.wilson_interval(successes, n, confidence)
    assert (low, high) == pytest.approx((centre - half, centre + half))


@pytest.mark.parametrize(
    "before, after, low, high",
    [((48, 80), (56, 70), 0.0524, 0.3339), ((3, 10), (9, 10), 0.1705, 0.8090)],
)
def test_newcombe_interval_matches_published_table(before, after, low, high):
    result = comparisons.compare_proportions(*before, *after)
    assert result.difference == pytest.approx(after[0] / after[1] - before[0] / before[1])
    assert result.ci_low == pytest.approx(low, abs=6e-5)
    assert result.ci_high == pytest.approx(high, abs=6e-5)


def test_two_proportion_z_test_worked_by_hand():
    # 40/100 before, 55/100 after: pooled p = 0.475, se = sqrt(0.475 * 0.525 * 0.02) = 0.070622
    result = comparisons.compare_proportions(40, 100, 55, 100)
    z = 0.15 / math.sqrt(0.475 * 0.525 * 0.02)
    assert z == pytest.approx(2.12398, abs=1e-5)
    assert result.p_value == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert result.p_value == pytest.approx(0.03367, abs=1e-5)
    assert result.significant
    assert "without continuity correction" in result.test


def test_z_test_equals_uncorrected_chi_squared_not_scipys_default():
    table = [[40, 60], [55, 45]]
    result = comparisons.compare_proportions(40, 100, 55, 100)
    uncorrected = sps.chi2_contingency(table, correction=False)
    yates = sps.chi2_contingency(table)  # scipy's default applies Yates' correction on 2x2
    assert result.p_value == pytest.approx(uncorrected.pvalue)
    assert yates.pvalue > result.p_value + 0.01


def test_cohens_h_worked_by_hand():
    # 2 asin(sqrt(0.5)) - 2 asin(sqrt(0.25)) = pi/2 - pi/3 = pi/6
    assert comparisons.compare_proportions(25, 100, 50, 100).effect_size == pytest.approx(
        math.pi / 6
    )


def test_identical_all_success_groups_give_no_evidence_of_change():
    result = comparisons.compare_proportions(50, 50, 40, 40)
    assert result.difference == 0 and result.p_value == 1.0 and not result.significant
    assert result.small_sample  # expected failures are 0


def test_small_samples_are_flagged_with_the_reason():
    small = comparisons.compare_proportions(10, 29, 15, 30)
    assert small.small_sample
    assert "only 29 before the change" in small.warning
    assert "after the change" not in small.warning
    rare = comparisons.compare_proportions(2, 100, 3, 100)
    assert rare.small_sample and "expected counts below 5" in rare.warning
    fine = comparisons.compare_proportions(30, 60, 35, 60)
    assert not fine.small_sample and fine.warning is None


def test_bad_counts_are_clear_errors():
    with pytest.raises(DataError, match="between 0 and n"):
        comparisons.compare_proportions(11, 10, 5, 10)
    with pytest.raises(DataError, match="at least 1"):
        comparisons.wilson_interval(0, 0)
    with pytest.raises(ValueError, match="confidence"):
        comparisons.wilson_interval(1, 10, confidence=95)


counts = st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(max_examples=60, deadline=None)
@given(counts, st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_interval_lies_in_unit_range_and_contains_the_estimate(count, confidence):
    successes, n = count
    low, high = comparisons.wilson_interval(successes, n, confidence)
    assert 0 <= low <= successes / n + 1e-12 <= high + 2e-12 <= 1 + 2e-12


@settings(max_examples=60, deadline=None)
@given(counts, counts)
def test_swapping_before_and_after_mirrors_the_comparison(first, second):
    forward = comparisons.compare_proportions(*first, *second)
    backward = comparisons.compare_proportions(*second, *first)
    assert backward.difference == pytest.approx(-forward.difference, abs=1e-12)
    assert backward.ci_low == pytest.approx(-forward.ci_high, abs=1e-12)
    assert backward.p_value == pytest.approx(forward.p_value)
    assert -1 <= forward.ci_low <= forward.difference <= forward.ci_high <= 1
    assert 0 <= forward.p_value <= 1


def test_comparison_records_as_a_plain_dict():
    record = comparisons.compare_proportions(40, 100, 55, 100, measure="FCR").to_dict()
    assert record["measure"] == "FCR" and record["significant"] is True
    assert record["n_before"] == 100 and record["effect_size_name"] == "Cohen's h"


# --------------------------------------------------------------------------- durations


def test_median_difference_and_rank_biserial_by_hand():
    before = [100, 200, 300, 400, 500]
    after = [50, 60, 70, 80, 90, 1000]
    result = comparisons.compare_durations(before, after, n_boot=500)
    assert (result.before, result.after, result.difference) == (300, 75, -225)
    # U(after) counts pairs where after > before: only 1000, beating all 5 -> U = 5 of 30 pairs
    assert result.effect_size == pytest.approx(2 * 5 / 30 - 1)
    assert result.small_sample and result.n_after == 6


def test_mann_whitney_p_value_matches_full_enumeration():
    # exact two-sided p: share of all 462 ways to split the 11 ranks whose U is as extreme
    before = [100, 200, 300, 400, 500]
    after = [50, 60, 70, 80, 90, 1000]
    pooled = before + after
    observed = sum(a > b for a in after for b in before)
    mean_u = 15
    extreme = 0
    splits = list(itertools.combinations(range(11), 6))
    for chosen in splits:
        group_after = [pooled[i] for i in chosen]
        group_before = [pooled[i] for i in range(11) if i not in chosen]
        u = sum(a > b for a in group_after for b in group_before)
        extreme += abs(u - mean_u) >= abs(observed - mean_u)
    result = comparisons.compare_durations(before, after, n_boot=500)
    assert len(splits) == 462
    assert result.p_value == pytest.approx(extreme / len(splits))


def test_bootstrap_interval_of_a_known_resampling_distribution():
    # before is always 0; median(after*) of [0, 10] is 0, 5 or 10 with chance 1/4, 1/2, 1/4,
    # so the 95% percentile interval is 0 to 10 and the replicates average about 5
    result = comparisons.compare_durations([0, 0], [0, 10], n_boot=4000, seed=1)
    assert (result.ci_low, result.ci_high) == (0.0, 10.0)
    replicates = comparisons._bootstrap_median_differences(
        np.array([0.0, 0.0]), np.array([0.0, 10.0]), 4000, np.random.default_rng(1)
    )
    assert replicates.mean() == pytest.approx(5, abs=0.3)
    assert set(np.unique(replicates)) == {0.0, 5.0, 10.0}


def test_bootstrap_is_repeatable_with_a_seed_and_drops_blanks():
    rng = np.random.default_rng(3)
    before = list(rng.exponential(300, 40)) + [np.nan]
    after = list(rng.exponential(250, 45))
    first = comparisons.compare_durations(before, after, seed=7)
    second = comparisons.compare_durations(before, after, seed=7)
    assert first == second
    assert first.n_before == 40 and not first.small_sample
    assert first.ci_low <= first.difference <= first.ci_high


def test_durations_reject_negative_and_too_few_values():
    with pytest.raises(DataError, match="negative"):
        comparisons.compare_durations([10, -5, 20], [10, 20, 30])
    with pytest.raises(DataError, match="at least 2"):
        comparisons.compare_durations([10], [10, 20, 30])


# --------------------------------------------------------------------------- means


def test_welch_t_test_worked_by_hand():
    before, after = [1, 2, 3, 4, 5], [2, 4, 6, 8, 10]
    result = comparisons.compare_means(before, after)
    # variances 2.5 and 10: se = sqrt(0.5 + 2) = 1.5811, t = 3 / 1.5811 = 1.8974
    # df = 2.5^2 / (0.5^2/4 + 2^2/4) = 6.25 / 1.0625 = 5.882
    df = 6.25 / 1.0625
    t = 3 / math.sqrt(2.5)
    assert result.difference == 3
    assert result.p_value == pytest.approx(2 * sps.t.sf(t, df))
    margin = sps.t.ppf(0.975, df) * math.sqrt(2.5)
    assert (result.ci_low, result.ci_high) == pytest.approx((3 - margin, 3 + margin))
    # pooled SD = sqrt((4 x 2.5 + 4 x 10) / 8) = 2.5, d = 1.2, g = 1.2 x (1 - 3/31)
    assert result.effect_size == pytest.approx(1.2 * 28 / 31)


@pytest.mark.parametrize("confidence", [0.90, 0.95, 0.99])
def test_welch_follows_the_welch_satterthwaite_formula_on_unequal_groups(confidence):
    # the formulas of the docstring worked out with numpy, on groups of unequal size and spread
    rng = np.random.default_rng(5)
    before, after = rng.normal(3.8, 0.9, 35), rng.normal(4.1, 1.3, 50)
    result = comparisons.compare_means(before, after, confidence=confidence)
    v1, v2 = before.var(ddof=1) / 35, after.var(ddof=1) / 50
    se = math.sqrt(v1 + v2)
    df = se**4 / (v1**2 / 34 + v2**2 / 49)
    difference = after.mean() - before.mean()
    assert result.difference == pytest.approx(difference)
    assert result.p_value == pytest.approx(2 * sps.t.sf(abs(difference) / se, df))
    margin = sps.t.ppf(1 - (1 - confidence) / 2, df) * se
    assert (result.ci_low, result.ci_high) == pytest.approx(
        (difference - margin, difference + margin)
    )


def test_constant_groups_do_not_divide_by_zero():
    same = comparisons.compare_means([4, 4, 4], [4, 4, 4])
    assert same.p_value == 1.0 and same.ci_low == same.ci_high == 0
    assert math.isnan(same.effect_size)


# --------------------------------------------------------------------------- before_after


def contacts() -> pd.DataFrame:
    """Ten contacts, five before 1 March (2 resolved) and five after (4 resolved)."""
    return pd.DataFrame(
        {
            "opened_at": pd.date_range("2024-02-26", periods=10, freq="D"),
            "resolved_first_contact": [
                True,
                False,
                False,
                True,
                False,
                True,
                True,
                False,
                True,
                True,
            ],
            "handle_time_s": [300, 320, 280, 310, np.nan, 250, 260, 240, 270, 255],
            "csat": [3, 4, 2, 5, 3, 4, 5, 4, 4, 5],
        }
    )


def test_before_after_splits_at_the_change_date():
    result = comparisons.before_after(
        contacts(), "opened_at", "2024-03-02", "resolved_first_contact", label="FCR"
    )
    assert result == comparisons.compare_proportions(2, 5, 4, 5, measure="FCR")
    durations = comparisons.before_after(
        contacts(), "opened_at", "2024-03-02", "handle_time_s", kind="duration", n_boot=200
    )
    assert durations.n_before == 4 and durations.before == 305
    scores = comparisons.before_after(contacts(), "opened_at", "2024-03-02", "csat", kind="score")
    assert scores.before == pytest.approx(17 / 5) and scores.after == pytest.approx(22 / 5)


def test_before_after_errors_name_the_problem():
    with pytest.raises(DataError, match=r"missing column\(s\) 'fcr'.*resolved_first_contact"):
        comparisons.before_after(contacts(), "opened_at", "2024-03-01", "fcr")
    with pytest.raises(DataError, match="no rows after"):
        comparisons.before_after(contacts(), "opened_at", "2025-01-01", "resolved_first_contact")
    with pytest.raises(DataError, match="True/False"):
        comparisons.before_after(contacts(), "opened_at", "2024-03-01", "csat")
    with pytest.raises(ValueError, match="do not apply"):
        comparisons.before_after(
            contacts(), "opened_at", "2024-03-01", "resolved_first_contact", seed=1
        )
    with pytest.raises(ValueError, match="kind"):
        comparisons.before_after(contacts(), "opened_at", "2024-03-01", "csat", kind="mean")


@settings(max_examples=60)
@given(
    st.lists(st.integers(-5, 40), min_size=1, max_size=30),
    st.integers(1, 6),
    st.integers(0, 2**32 - 1),
)
def test_resampled_medians_equal_numpy_median_of_each_resample(values, rows, seed):
    # ties, odd and even counts, negatives: the counting median is np.median, bit for bit
    values = np.array(values, dtype=float) / 4
    picks = np.random.default_rng(seed).integers(0, values.size, size=(rows, values.size))
    expected = np.median(values[picks], axis=1)
    assert np.array_equal(comparisons.resampled_medians(values, picks), expected)


def test_resampled_medians_by_hand():
    # resamples of 1, 2, 3: (3, 1, 1) -> 1; (3, 2, 2) -> 2; (1, 2, 3) -> 2; (3, 2) -> 2.5; (1, 1) -> 1
    values = np.array([1.0, 2.0, 3.0])
    picks = np.array([[2, 0, 0], [2, 1, 1], [0, 1, 2]])
    assert comparisons.resampled_medians(values, picks).tolist() == [1.0, 2.0, 2.0]
    even = np.array([[2, 1], [0, 0]])
    assert comparisons.resampled_medians(values, even).tolist() == [2.5, 1.0]
