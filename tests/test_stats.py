"""Statistics checked against published values and small examples worked by hand.

Published sources:
- Wilson intervals 81/263 and 15/148: Newcombe (1998a), "Two-sided confidence intervals for the
  single proportion", Statistics in Medicine 17:857-872 (method 3).
- Newcombe hybrid score intervals 56/70 vs 48/80 and 9/10 vs 3/10: Newcombe (1998b), "Interval
  estimation for the difference between independent proportions", Statistics in Medicine
  17:873-890, Table II, method 10.
- XmR chart, 10 batches: NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3.2.2
  (x-bar 50.81, MR-bar 1.8778, UCL 55.8041, LCL 45.8159; NIST uses 3/1.128 = 2.6596, we use 2.66).
- XmR chart, viscosity of aircraft primer paint: Montgomery, Introduction to Statistical Quality
  Control (x-bar 33.52, MR-bar 0.48, UCL 34.80, LCL 32.24).
- p-chart, 10 samples of 200: Example 16.6 of "An Introduction to Business Statistics"
  (p-bar 0.16, UCL 0.2378, LCL 0.0822).
"""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from svcworkbook.analysis import stats
from svcworkbook.errors import DataError

# --------------------------------------------------------------------------- proportions


@pytest.mark.parametrize(
    "successes, n, low, high", [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605)]
)
def test_wilson_interval_matches_newcombe_1998(successes, n, low, high):
    lower, upper = stats.wilson_interval(successes, n)
    assert lower == pytest.approx(low, abs=6e-5)
    assert upper == pytest.approx(high, abs=6e-5)


def test_wilson_interval_for_zero_successes_worked_by_hand():
    # p = 0: lower = 0, upper = z^2 / (n + z^2) = 3.8415 / 13.8415
    z = sps.norm.ppf(0.975)
    assert stats.wilson_interval(0, 10) == pytest.approx((0.0, z * z / (10 + z * z)))


@pytest.mark.parametrize(
    "before, after, low, high",
    [((48, 80), (56, 70), 0.0524, 0.3339), ((3, 10), (9, 10), 0.1705, 0.8090)],
)
def test_newcombe_interval_matches_published_table(before, after, low, high):
    result = stats.compare_proportions(*before, *after)
    assert result.difference == pytest.approx(after[0] / after[1] - before[0] / before[1])
    assert result.ci_low == pytest.approx(low, abs=6e-5)
    assert result.ci_high == pytest.approx(high, abs=6e-5)


def test_two_proportion_z_test_worked_by_hand():
    # 40/100 before, 55/100 after: pooled p = 0.475, se = sqrt(0.475 * 0.525 * 0.02) = 0.070622
    result = stats.compare_proportions(40, 100, 55, 100)
    z = 0.15 / math.sqrt(0.475 * 0.525 * 0.02)
    assert z == pytest.approx(2.12398, abs=1e-5)
    assert result.p_value == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert result.p_value == pytest.approx(0.03367, abs=1e-5)
    assert result.significant
    assert "without continuity correction" in result.test


def test_z_test_equals_uncorrected_chi_squared_not_scipys_default():
    table = [[40, 60], [55, 45]]
    result = stats.compare_proportions(40, 100, 55, 100)
    uncorrected = sps.chi2_contingency(table, correction=False)
    yates = sps.chi2_contingency(table)  # scipy's default applies Yates' correction on 2x2
    assert result.p_value == pytest.approx(uncorrected.pvalue)
    assert yates.pvalue > result.p_value + 0.01


def test_cohens_h_worked_by_hand():
    # 2 asin(sqrt(0.5)) - 2 asin(sqrt(0.25)) = pi/2 - pi/3 = pi/6
    assert stats.compare_proportions(25, 100, 50, 100).effect_size == pytest.approx(math.pi / 6)


def test_identical_all_success_groups_give_no_evidence_of_change():
    result = stats.compare_proportions(50, 50, 40, 40)
    assert result.difference == 0 and result.p_value == 1.0 and not result.significant
    assert result.small_sample  # expected failures are 0


def test_small_samples_are_flagged_with_the_reason():
    small = stats.compare_proportions(10, 29, 15, 30)
    assert small.small_sample
    assert "only 29 before the change" in small.warning
    assert "after the change" not in small.warning
    rare = stats.compare_proportions(2, 100, 3, 100)
    assert rare.small_sample and "expected counts below 5" in rare.warning
    fine = stats.compare_proportions(30, 60, 35, 60)
    assert not fine.small_sample and fine.warning is None


def test_bad_counts_are_clear_errors():
    with pytest.raises(DataError, match="between 0 and n"):
        stats.compare_proportions(11, 10, 5, 10)
    with pytest.raises(DataError, match="at least 1"):
        stats.wilson_interval(0, 0)
    with pytest.raises(ValueError, match="confidence"):
        stats.wilson_interval(1, 10, confidence=95)


counts = st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(max_examples=60, deadline=None)
@given(counts, st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_interval_lies_in_unit_range_and_contains_the_estimate(count, confidence):
    successes, n = count
    low, high = stats.wilson_interval(successes, n, confidence)
    assert 0 <= low <= successes / n + 1e-12 <= high + 2e-12 <= 1 + 2e-12


@settings(max_examples=60, deadline=None)
@given(counts, counts)
def test_swapping_before_and_after_mirrors_the_comparison(first, second):
    forward = stats.compare_proportions(*first, *second)
    backward = stats.compare_proportions(*second, *first)
    assert backward.difference == pytest.approx(-forward.difference, abs=1e-12)
    assert backward.ci_low == pytest.approx(-forward.ci_high, abs=1e-12)
    assert backward.p_value == pytest.approx(forward.p_value)
    assert -1 <= forward.ci_low <= forward.difference <= forward.ci_high <= 1
    assert 0 <= forward.p_value <= 1


def test_comparison_records_as_a_plain_dict():
    record = stats.compare_proportions(40, 100, 55, 100, measure="FCR").to_dict()
    assert record["measure"] == "FCR" and record["significant"] is True
    assert record["n_before"] == 100 and record["effect_size_name"] == "Cohen's h"


# --------------------------------------------------------------------------- durations


def test_median_difference_and_rank_biserial_by_hand():
    before = [100, 200, 300, 400, 500]
    after = [50, 60, 70, 80, 90, 1000]
    result = stats.compare_durations(before, after, n_boot=500)
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
    result = stats.compare_durations(before, after, n_boot=500)
    assert len(splits) == 462
    assert result.p_value == pytest.approx(extreme / len(splits))


def test_bootstrap_interval_of_a_known_resampling_distribution():
    # before is always 0; median(after*) of [0, 10] is 0, 5 or 10 with chance 1/4, 1/2, 1/4,
    # so the 95% percentile interval is 0 to 10 and the replicates average about 5
    result = stats.compare_durations([0, 0], [0, 10], n_boot=4000, seed=1)
    assert (result.ci_low, result.ci_high) == (0.0, 10.0)
    replicates = stats._bootstrap_median_differences(
        np.array([0.0, 0.0]), np.array([0.0, 10.0]), 4000, np.random.default_rng(1)
    )
    assert replicates.mean() == pytest.approx(5, abs=0.3)
    assert set(np.unique(replicates)) == {0.0, 5.0, 10.0}


def test_bootstrap_is_repeatable_with_a_seed_and_drops_blanks():
    rng = np.random.default_rng(3)
    before = list(rng.exponential(300, 40)) + [np.nan]
    after = list(rng.exponential(250, 45))
    first = stats.compare_durations(before, after, seed=7)
    second = stats.compare_durations(before, after, seed=7)
    assert first == second
    assert first.n_before == 40 and not first.small_sample
    assert first.ci_low <= first.difference <= first.ci_high


def test_durations_reject_negative_and_too_few_values():
    with pytest.raises(DataError, match="negative"):
        stats.compare_durations([10, -5, 20], [10, 20, 30])
    with pytest.raises(DataError, match="at least 2"):
        stats.compare_durations([10], [10, 20, 30])


# --------------------------------------------------------------------------- means


def test_welch_t_test_worked_by_hand():
    before, after = [1, 2, 3, 4, 5], [2, 4, 6, 8, 10]
    result = stats.compare_means(before, after)
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


def test_welch_agrees_with_scipy():
    rng = np.random.default_rng(5)
    before, after = rng.normal(3.8, 0.9, 35), rng.normal(4.1, 1.3, 50)
    result = stats.compare_means(before, after)
    reference = sps.ttest_ind(after, before, equal_var=False)
    interval = reference.confidence_interval(0.95)
    assert result.p_value == pytest.approx(reference.pvalue)
    assert (result.ci_low, result.ci_high) == pytest.approx((interval.low, interval.high))


def test_constant_groups_do_not_divide_by_zero():
    same = stats.compare_means([4, 4, 4], [4, 4, 4])
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
    result = stats.before_after(
        contacts(), "opened_at", "2024-03-02", "resolved_first_contact", label="FCR"
    )
    assert result == stats.compare_proportions(2, 5, 4, 5, measure="FCR")
    durations = stats.before_after(
        contacts(), "opened_at", "2024-03-02", "handle_time_s", kind="duration", n_boot=200
    )
    assert durations.n_before == 4 and durations.before == 305
    scores = stats.before_after(contacts(), "opened_at", "2024-03-02", "csat", kind="score")
    assert scores.before == pytest.approx(17 / 5) and scores.after == pytest.approx(22 / 5)


def test_before_after_errors_name_the_problem():
    with pytest.raises(DataError, match=r"missing column\(s\) 'fcr'.*resolved_first_contact"):
        stats.before_after(contacts(), "opened_at", "2024-03-01", "fcr")
    with pytest.raises(DataError, match="no rows after"):
        stats.before_after(contacts(), "opened_at", "2025-01-01", "resolved_first_contact")
    with pytest.raises(DataError, match="True/False"):
        stats.before_after(contacts(), "opened_at", "2024-03-01", "csat")
    with pytest.raises(ValueError, match="do not apply"):
        stats.before_after(contacts(), "opened_at", "2024-03-01", "resolved_first_contact", seed=1)
    with pytest.raises(ValueError, match="kind"):
        stats.before_after(contacts(), "opened_at", "2024-03-01", "csat", kind="mean")


# --------------------------------------------------------------------------- control charts

NIST_BATCHES = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]
VISCOSITY = [33.75, 33.05, 34.00, 33.81, 33.46, 34.02, 33.68, 33.27, 33.49, 33.20, 33.62, 33.00]
VISCOSITY += [33.54, 33.12, 33.84]


def test_xmr_limits_match_nist_example():
    limits = stats.xmr_limits(NIST_BATCHES)
    assert limits.centre == pytest.approx(50.81)
    assert limits.mr_bar == pytest.approx(1.8778, abs=1e-4)
    assert limits.ucl == pytest.approx(55.8041, abs=1e-3)
    assert limits.lcl == pytest.approx(45.8159, abs=1e-3)
    assert limits.mr_ucl == pytest.approx(3.267 * 16.9 / 9)


def test_xmr_limits_match_montgomery_viscosity_example():
    limits = stats.xmr_limits(VISCOSITY)
    assert (round(limits.centre, 2), round(limits.mr_bar, 2)) == (33.52, 0.48)
    assert (round(limits.ucl, 2), round(limits.lcl, 2)) == (34.80, 32.24)
    assert stats.chart_signals(stats.xmr_chart(VISCOSITY)).empty  # in control


def test_xmr_chart_table_keeps_the_periods():
    days = pd.date_range("2024-01-01", periods=4, freq="D")
    chart = stats.xmr_chart(pd.Series([10.0, 12.0, 11.0, 15.0], index=days))
    assert list(chart["period"]) == list(days)
    assert chart["moving_range"].tolist()[1:] == [2.0, 1.0, 4.0]
    assert chart["ucl"].iloc[0] == pytest.approx(12 + 2.66 * 7 / 3)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=30),
    st.floats(-1e3, 1e3),
    st.floats(0.1, 10),
)
def test_xmr_limits_move_with_the_data(values, shift, scale):
    base = stats.xmr_limits(values)
    moved = stats.xmr_limits([v * scale + shift for v in values])
    assert moved.centre == pytest.approx(base.centre * scale + shift, abs=1e-6)
    assert moved.ucl - moved.lcl == pytest.approx((base.ucl - base.lcl) * scale, abs=1e-6)
    assert base.lcl <= base.centre <= base.ucl


def test_xmr_rejects_blanks_with_their_periods():
    with pytest.raises(DataError, match=r"blank value\(s\) at \[2\]"):
        stats.xmr_limits([1.0, 2.0, np.nan, 4.0])


def test_p_chart_matches_published_example():
    chart = stats.p_chart_limits([40, 44, 22, 34, 24, 32, 28, 32, 34, 30], [200] * 10)
    assert chart["centre"].iloc[0] == pytest.approx(0.16)
    assert chart["ucl"].iloc[0] == pytest.approx(0.2378, abs=1e-4)
    assert chart["lcl"].iloc[0] == pytest.approx(0.0822, abs=1e-4)
    assert stats.chart_signals(chart, run_length=8).empty  # "the process is well under control"


def test_p_chart_limits_widen_for_small_samples_by_hand():
    # p-bar = 25 / 150 = 1/6; sigma at n = 50 is sqrt(1/6 x 5/6 / 50) = 0.052705
    chart = stats.p_chart_limits([5, 20], [50, 100])
    assert chart["value"].tolist() == [0.1, 0.2]
    assert chart["ucl"].tolist() == pytest.approx(
        [1 / 6 + 3 * 0.0527046, 1 / 6 + 3 * 0.0372678], abs=1e-6
    )
    assert chart["lcl"].tolist() == pytest.approx(
        [1 / 6 - 3 * 0.0527046, 1 / 6 - 3 * 0.0372678], abs=1e-6
    )
    clipped = stats.p_chart_limits([1, 0], [10, 10])
    assert clipped["lcl"].tolist() == [0.0, 0.0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 300), min_size=1, max_size=20), st.data())
def test_p_chart_limits_stay_in_unit_range(sizes, data):
    successes = [data.draw(st.integers(0, n)) for n in sizes]
    chart = stats.p_chart_limits(successes, sizes)
    assert (chart["lcl"] >= 0).all() and (chart["ucl"] <= 1).all()
    assert (chart["lcl"] <= chart["centre"]).all() and (chart["centre"] <= chart["ucl"]).all()


def test_p_chart_rejects_impossible_counts():
    with pytest.raises(DataError, match=r"periods \[1\]"):
        stats.p_chart_limits([3, 12], [10, 10])


# --------------------------------------------------------------------------- run rules


def test_points_beyond_the_limits_are_flagged():
    flags = stats.run_rules([5, 11, 5, -2, 5], centre=5, ucl=10, lcl=0)
    assert flags["position"].tolist() == [1, 3]
    assert flags["rule"].unique().tolist() == ["beyond limits"]
    assert flags["direction"].tolist() == ["above", "below"]
    assert flags["description"].tolist() == [
        "above the upper control limit (10)",
        "below the lower control limit (0)",
    ]


def test_eight_in_a_row_is_a_run_but_seven_is_not():
    seven = [4, 6, 4, 4, 4, 4, 4, 4, 4, 6]  # seven below the centre (5) in a row
    assert stats.run_rules(seven, 5, 10, 0).empty
    eight = [4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 6]
    flags = stats.run_rules(eight, 5, 10, 0)
    assert flags["position"].tolist() == list(range(2, 10))
    assert set(flags["rule"]) == {"run"} and flags["signal"].nunique() == 1
    assert flags["description"].iloc[0] == "one of 8 points in a row below the centre line"
    assert stats.run_rules(seven, 5, 10, 0, run_length=7)["position"].tolist() == list(range(2, 9))


def test_a_point_on_the_centre_line_breaks_a_run():
    values = [6, 6, 6, 6, 5, 6, 6, 6, 6]
    assert stats.run_rules(values, 5, 10, 0).empty


def test_six_steadily_rising_points_are_a_trend_and_ties_break_it():
    flags = stats.run_rules([1, 2, 3, 4, 5, 6, 3], centre=3.5, ucl=10, lcl=-10)
    assert flags["position"].tolist() == [0, 1, 2, 3, 4, 5]
    assert flags["description"].iloc[0] == "one of 6 points in a row steadily increasing"
    assert stats.run_rules([1, 2, 3, 3, 4, 5], 3, 10, -10).empty
    falling = stats.run_rules([9, 8, 7, 6, 5, 4, 3, 2], 5.5, 10, 0)
    assert falling["description"].iloc[0] == "one of 8 points in a row steadily decreasing"
    assert set(falling["direction"]) == {"decreasing"}


def test_run_rules_use_the_period_labels_and_varying_limits():
    days = pd.date_range("2024-05-01", periods=3, freq="D")
    flags = stats.run_rules(pd.Series([0.2, 0.5, 0.2], index=days), 0.2, [0.3, 0.6, 0.25], 0)
    assert flags.empty
    flags = stats.run_rules(pd.Series([0.2, 0.5, 0.3], index=days), 0.2, [0.3, 0.4, 0.25], 0)
    assert flags["period"].tolist() == [days[1], days[2]]


def test_one_point_can_carry_several_signals():
    values = [1, 2, 3, 4, 5, 30]
    flags = stats.run_rules(values, centre=0, ucl=20, lcl=-20, run_length=6)
    assert flags.groupby("rule")["position"].apply(list).to_dict() == {
        "beyond limits": [5],
        "run": [0, 1, 2, 3, 4, 5],
        "trend": [0, 1, 2, 3, 4, 5],
    }
    assert flags["signal"].nunique() == 3


alternating = st.lists(st.floats(0.01, 4.9), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(alternating)
def test_points_alternating_around_the_centre_inside_the_limits_raise_no_flags(sizes):
    values = [5 + size if i % 2 == 0 else 5 - size for i, size in enumerate(sizes)]
    assert stats.run_rules(values, 5, 10, 0).empty


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=1, max_size=40))
def test_run_rules_flag_the_same_points_read_backwards(values):
    forward = stats.run_rules(values, 0, 5, -5)
    backward = stats.run_rules(values[::-1], 0, 5, -5)
    last = len(values) - 1
    as_set = {(p, r) for p, r in zip(forward["position"], forward["rule"], strict=True)}
    mirrored = {(last - p, r) for p, r in zip(backward["position"], backward["rule"], strict=True)}
    assert as_set == mirrored


# --------------------------------------------------------------------------- trend


def test_trend_slope_and_interval_worked_by_hand():
    # x = 0..4, y = 1,3,2,5,4: Sxy = 8, Sxx = 10, slope 0.8; SSE = 3.6, s^2 = 1.2, SE = 0.34641
    result = stats.trend([1, 3, 2, 5, 4], window=3)
    margin = sps.t.ppf(0.975, 3) * math.sqrt(0.12)
    assert result.slope == pytest.approx(0.8) and result.per == "period"
    assert (result.ci_low, result.ci_high) == pytest.approx((0.8 - margin, 0.8 + margin))
    assert (result.ci_low, result.ci_high) == pytest.approx((-0.3024, 1.9024), abs=1e-4)
    assert not result.significant
    assert result.rolling["rolling_mean"].tolist()[2:] == pytest.approx([2, 10 / 3, 11 / 3])
    assert result.rolling["rolling_mean"].isna().sum() == 2


def test_trend_on_dates_is_per_day():
    days = pd.date_range("2024-01-01", periods=5, freq="2D")
    result = stats.trend(pd.Series([1, 3, 2, 5, 4], index=days))
    assert result.per == "day" and result.slope == pytest.approx(0.4)
    assert result.to_dict()["n"] == 5 and "rolling" not in result.to_dict()


def test_trend_needs_three_points():
    with pytest.raises(DataError, match="at least 3"):
        stats.trend([1.0, np.nan, 2.0])


# --------------------------------------------------------------------------- pareto


def test_pareto_table_worked_by_hand():
    causes = ["billing"] * 5 + ["fault"] * 3 + ["delivery"] * 1 + ["returns"] * 1
    table = stats.pareto(causes)
    assert table["category"].tolist() == ["billing", "fault", "delivery", "returns"]
    assert table["cumulative_share"].tolist() == pytest.approx([0.5, 0.8, 0.9, 1.0])
    assert table["vital_few"].tolist() == [True, True, False, False]  # 80% reached exactly


def test_pareto_counts_blanks_as_not_recorded():
    table = stats.pareto(["a", None, "", "a"])
    assert dict(zip(table["category"], table["count"], strict=True)) == {"a": 2, "not recorded": 2}


def test_pareto_from_counts_and_bad_counts():
    table = stats.pareto_counts({"phone": 10, "email": 30}, threshold=0.7)
    assert table["category"].tolist() == ["email", "phone"]
    assert table["vital_few"].tolist() == [True, False]
    with pytest.raises(DataError, match="positive total"):
        stats.pareto_counts({"phone": 0})


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(list("abcdefg")), min_size=1, max_size=60), st.randoms())
def test_pareto_ignores_row_order_and_vital_few_is_minimal(labels, random):
    shuffled = labels[:]
    random.shuffle(shuffled)
    table = stats.pareto(labels)
    pd.testing.assert_frame_equal(table, stats.pareto(shuffled))
    assert table["cumulative_share"].iloc[-1] == pytest.approx(1)
    vital = table[table["vital_few"]]
    assert vital["share"].sum() >= 0.8 - 1e-9
    assert vital["share"].iloc[:-1].sum() < 0.8


# --------------------------------------------------------------------------- themes


def test_keywords_match_whole_words_ignoring_case():
    coded = stats.code_themes(
        ["I WAITED ages", "Happy with the apple", "the app crashed", "await", None],
        {"waiting time": ["wait*"], "website and app": ["app"]},
    )
    assert coded["waiting time"].tolist() == [True, False, False, False, False]
    assert coded["website and app"].tolist() == [False, False, True, False, False]
    assert coded["themes"].tolist() == ["waiting time", "", "website and app", "", ""]


def test_default_keywords_code_typical_comments():
    coded = stats.code_themes(
        [
            "Kept on hold for 40 minutes",
            "The agent was rude and never called back",
            "I was overcharged on my bill",
        ]
    )
    assert coded["themes"].tolist() == [
        "waiting time",
        "staff attitude; communication",
        "billing and price",
    ]


def test_phrases_match_across_spaces_only_as_whole_phrases():
    coded = stats.code_themes(["on   hold again", "holding on"], {"waiting time": ["on hold"]})
    assert coded["waiting time"].tolist() == [True, False]


def test_bad_keyword_lists_are_explained():
    with pytest.raises(ValueError, match="list of keywords"):
        stats.code_themes(["x"], {"waiting time": "wait*"})
    with pytest.raises(ValueError, match="reserved"):
        stats.code_themes(["x"], {"comment": ["x"]})


def test_no_comments_give_an_empty_table():
    coded = stats.code_themes([], {"waiting time": ["wait*"]})
    assert coded.empty and list(coded.columns) == ["comment", "themes", "waiting time"]


def test_triangulation_worked_by_hand():
    surveys = pd.DataFrame(
        {
            "csat": [1, 2, 5, 4, 3, 5],
            "comment": [
                "waited forever",
                "rude and slow",
                "very friendly",
                "quick",
                "",
                "nothing to add",
            ],
        }
    )
    table = stats.triangulate(
        surveys,
        keywords={
            "waiting time": ["wait*", "slow", "quick"],
            "staff attitude": ["rude", "friendly"],
        },
    ).set_index("theme")
    wait, staff, none = (
        table.loc["waiting time"],
        table.loc["staff attitude"],
        table.loc["(no theme)"],
    )
    assert wait["mentions"] == 3 and wait["mean_score"] == pytest.approx(7 / 3)
    assert wait["low_score_share"] == pytest.approx(2 / 3)
    assert wait["example_comment"] == "waited forever"
    assert wait["share_of_comments"] == pytest.approx(3 / 5)  # the blank comment is not counted
    assert staff["mentions"] == 2 and staff["mean_score"] == pytest.approx(3.5)
    assert none["mentions"] == 1 and none["example_comment"] == "nothing to add"
    assert list(table.index) == ["waiting time", "staff attitude", "(no theme)"]


def test_triangulation_ignores_row_order():
    surveys = pd.DataFrame(
        {"csat": [1, 2, 5, 4], "comment": ["slow", "slow!", "rude", "quick and rude"]}
    )
    forward = stats.triangulate(surveys)
    backward = stats.triangulate(surveys.iloc[::-1])
    pd.testing.assert_frame_equal(forward, backward)
