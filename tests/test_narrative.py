"""Sentences say what the numbers say: exact wording on hand-worked cases, and properties that a
sentence never claims more than the numbers support."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from svcworkbook.analysis import servqual, stats
from svcworkbook.report import narrative

# --------------------------------------------------------------------------- formatting


def test_formatting_helpers():
    assert narrative.join_words(["billing"]) == "billing"
    assert narrative.join_words(["a", "b", "c"]) == "a, b and c"
    assert narrative.format_percent(0.724) == "72.4%"
    assert narrative.format_target(0.75) == "75%"
    assert narrative.format_target(0.805) == "80.5%"
    assert [narrative.format_target(t) for t in (0.07, 0.29, 0.57)] == ["7%", "29%", "57%"]
    assert narrative.format_target(24, "hours") == "24 hours"
    assert narrative.format_value(1, "s") == "1 second"
    assert narrative.format_difference(0.026, "%") == "2.6 percentage points"
    assert narrative.format_signed(-0.0004, "%") == "0.0"
    assert narrative.format_period(pd.Timestamp("2024-03-04")) == "4 Mar 2024"
    assert narrative.format_period(pd.Timestamp("2024-03-04 09:30")) == "4 Mar 2024 09:30"


@pytest.mark.parametrize(
    "p, text",
    [(0.0004, "p < 0.001"), (0.0334, "p = 0.033"), (0.04996, "p = 0.04996"), (0.05, "p = 0.050")],
)
def test_p_values_never_round_across_the_significance_level(p, text):
    assert narrative.format_p(p) == text


@settings(deadline=None)
@given(st.floats(0.001, 1), st.sampled_from([0.01, 0.05, 0.1]))
def test_shown_p_value_is_on_the_same_side_of_alpha(p, alpha):
    shown = float(narrative.format_p(p, alpha).split("= ")[1])
    assert (shown < alpha) == (p < alpha)


# --------------------------------------------------------------------------- targets


def test_target_sentences_worked_by_hand():
    assert narrative.target_sentence("first contact resolution", 0.724, 0.75) == (
        "First contact resolution was 72.4%, 2.6 percentage points below the target of 75%: "
        "target missed."
    )
    assert narrative.target_sentence(
        "Average speed of answer", 42, 30, higher_is_better=False, unit="s"
    ) == (
        "Average speed of answer was 42 seconds, 12 seconds above the target of 30 seconds: target missed."
    )
    assert narrative.target_sentence("Abandonment rate", 0.049, 0.05, higher_is_better=False) == (
        "Abandonment rate was 4.9%, 0.1 percentage points below the target of 5%: target met."
    )
    assert narrative.target_sentence("NPS", 32, 30, unit="points", decimals=0) == (
        "NPS was 32 points, 2 points above the target of 30 points: target met."
    )
    assert narrative.target_sentence("FCR", 0.75, 0.75).endswith(
        "exactly on the target of 75%: target met."
    )


def test_a_near_miss_is_not_hidden_by_rounding():
    sentence = narrative.target_sentence("FCR", 0.7496, 0.75)
    assert "less than 0.1 percentage points below" in sentence
    assert sentence.endswith("target missed.")


def test_missing_value_is_said_plainly():
    assert "could not be calculated" in narrative.target_sentence("FCR", float("nan"), 0.75)


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1), st.floats(0.01, 0.99), st.booleans())
def test_target_sentence_never_says_met_when_missed(value, target, higher_is_better):
    sentence = narrative.target_sentence("FCR", value, target, higher_is_better)
    met = value >= target if higher_is_better else value <= target
    assert sentence.endswith("target met.") == met
    assert sentence.endswith("target missed.") == (not met)
    if value > target:
        assert "above the target" in sentence
    elif value < target:
        assert "below the target" in sentence
    match = re.search(r", ([\d.]+) percentage points", sentence)
    if match:
        assert float(match.group(1)) == pytest.approx(
            round(abs(value - target) * 100, 1), abs=0.051
        )


# --------------------------------------------------------------------------- comparisons


def test_significant_improvement_worked_by_hand():
    sentence = narrative.comparison_sentence(
        stats.compare_proportions(40, 100, 55, 100, measure="first contact resolution"),
        higher_is_better=True,
    )
    assert sentence.startswith(
        "First contact resolution rose from 40.0% (n = 100) before the change to 55.0% (n = 100) "
        "after, an increase of 15.0 percentage points (95% confidence interval +1.2 to +28.0 "
        "percentage points; pooled two-proportion z-test without continuity correction, p = 0.034)."
    )
    assert "This is statistically significant at the 5% level" in sentence
    assert "The change is an improvement." in sentence
    assert "Cohen's h = 0.30) is small" in sentence
    assert "Small sample" not in sentence


def test_not_significant_says_consistent_with_no_change():
    sentence = narrative.comparison_sentence(
        stats.compare_means([3, 4, 5, 4, 3], [4, 5, 5, 4, 5], measure="CSAT score"),
        higher_is_better=True,
    )
    assert sentence.startswith(
        "The mean CSAT score rose from 3.80 (n = 5) before the change to 4.60"
    )
    assert (
        "not statistically significant at the 5% level: the data are consistent with no change"
        in sentence
    )
    assert "improvement." not in sentence
    assert "Small sample: only 5 before the change" in sentence


def test_durations_are_described_as_medians_in_seconds():
    sentence = narrative.comparison_sentence(
        stats.compare_durations([100, 200, 300, 400, 500], [50, 60, 70, 80, 90, 1000], n_boot=500),
        higher_is_better=False,
    )
    assert sentence.startswith(
        "The median duration fell from 300 seconds (n = 5) before the change to 75 seconds (n = 6) "
        "after, a decrease of 225 seconds"
    )


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 400), st.integers(1, 400), st.data(), st.booleans())
def test_comparison_sentence_claims_significance_only_when_p_is_below_alpha(n1, n2, data, better):
    x1, x2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    result = stats.compare_proportions(x1, n1, x2, n2, measure="FCR")
    sentence = narrative.comparison_sentence(result, higher_is_better=better)
    significant = result.p_value < 0.05
    assert ("This is statistically significant" in sentence) == significant
    assert ("not statistically significant" in sentence) == (not significant)
    assert ("improvement" in sentence.replace("claim an improvement", "")) == (
        significant and result.difference != 0 and (result.difference > 0) == better
    )
    assert (result.warning or "") in sentence
    assert narrative.format_percent(result.before) in sentence
    assert narrative.format_percent(result.after) in sentence


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=2, max_size=40),
    st.lists(st.integers(1, 5), min_size=2, max_size=40),
)
def test_score_sentences_follow_the_p_value(before, after):
    result = stats.compare_means(before, after)
    sentence = narrative.comparison_sentence(result)
    assert ("This is statistically significant" in sentence) == (result.p_value < 0.05)


def test_effect_size_labels_follow_cohen():
    assert narrative.effect_size_label("Cohen's h", 0.19) == "very small"
    assert narrative.effect_size_label("Hedges' g", -0.5) == "medium"
    assert narrative.effect_size_label("rank-biserial correlation", 0.5) == "large"
    assert narrative.effect_size_label("something else", 0.5) is None


# --------------------------------------------------------------------------- control charts


def test_control_chart_sentence_names_each_signal():
    days = pd.date_range("2024-03-01", periods=16, freq="D")
    values = pd.Series([5, 6, 5, 4, 5, 6, 5, 20, 6, 6, 6, 6, 6, 6, 6, 6], index=days)
    flags = stats.chart_signals(stats.xmr_chart(values))
    sentence = narrative.control_chart_sentence(flags, "daily complaints", decimals=0)
    assert sentence.startswith(
        "The control chart of daily complaints shows 2 signals of special-cause variation: "
        "8 Mar 2024 (20) is above the upper control limit and 8 points in a row below the centre "
        "line from 9 Mar 2024 to 16 Mar 2024. Find out what was different"
    )


def test_a_quiet_chart_says_routine_variation():
    flags = stats.run_rules([5, 6, 5, 6], 5.5, 8, 3)
    sentence = narrative.control_chart_sentence(flags, "daily complaints")
    assert "only routine (common-cause) variation" in sentence
    assert "special-cause" not in sentence


def test_trend_signal_is_described():
    flags = stats.run_rules([1, 2, 3, 4, 5, 6], 3.5, 10, -10)
    assert "6 points in a row steadily increasing from 0 to 5" in narrative.control_chart_sentence(
        flags
    )


# --------------------------------------------------------------------------- pareto


def test_pareto_sentence_worked_by_hand():
    table = stats.pareto(["billing"] * 5 + ["fault"] * 3 + ["delivery", "returns"])
    assert narrative.pareto_sentence(table, "complaints") == (
        "2 of 4 categories (billing and fault) account for 80.0% of the 10 complaints: start "
        "improvement work there. The largest category, billing, accounts for 50.0% on its own."
    )


def test_a_flat_pareto_has_no_vital_few():
    sentence = narrative.pareto_sentence(stats.pareto(list("abcdefgh")), "complaints")
    assert sentence.startswith("There is no clear 'vital few': it takes 7 of 8 categories")


def test_one_category_pareto():
    assert narrative.pareto_sentence(stats.pareto(["fault"] * 3), "complaints") == (
        "All 3 complaints fall in one category: fault."
    )


# --------------------------------------------------------------------------- servqual


def servqual_example() -> pd.DataFrame:
    """One respondent per dimension row, gaps -0.25, -2.5, -1.0, -0.5, +0.5, weights 15/35/25/15/10."""
    return pd.DataFrame(
        {
            "dimension": list(servqual.DIMENSIONS),
            "expectation": [4.75, 7, 6.5, 5.5, 5.5],
            "perception": [4.5, 4.5, 5.5, 5.0, 6.0],
            "gap": [-0.25, -2.5, -1.0, -0.5, 0.5],
            "n": [2] * 5,
            "importance": [15.0, 35.0, 25.0, 15.0, 10.0],
            "weight": [0.15, 0.35, 0.25, 0.15, 0.10],
            "weighted_gap": [-0.0375, -0.875, -0.25, -0.075, 0.05],
        }
    )


def test_servqual_sentence_worked_by_hand():
    sentence = narrative.servqual_sentence(servqual_example())
    assert sentence == (
        "The largest gap is in reliability (perception 4.50 against expectation 7.00, a gap of "
        "-2.50 on the 7-point scale): customers' experience falls furthest short of what they "
        "expect in ability to perform the promised service dependably and accurately. "
        "Perceptions fall short of expectations in 4 of 5 dimensions and exceed them in empathy. "
        "Customers gave reliability the most importance (35.0 of 100 points); weighted by "
        "importance, the overall SERVQUAL score is -1.19, and reliability contributes most to the "
        "shortfall."
    )


def test_servqual_sentence_when_expectations_are_met():
    table = servqual_example().drop(columns=["importance", "weight", "weighted_gap"])
    table["gap"] = [0.2, 0.0, 0.1, 0.3, 0.5]
    sentence = narrative.servqual_sentence(table)
    assert sentence == (
        "Perceptions meet or exceed expectations in every dimension; the smallest margin is in "
        "reliability (gap +0.00)."
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=5, max_size=5))
def test_servqual_sentence_never_says_a_shortfall_exceeds(gaps):
    table = servqual_example().drop(columns=["importance", "weight", "weighted_gap"])
    table["gap"] = gaps
    sentence = narrative.servqual_sentence(table)
    exceeding = re.search(r"exceed them in ([a-z, ]+)\.", sentence)
    named = re.split(r", | and ", exceeding.group(1)) if exceeding else []
    for dimension, gap in zip(table["dimension"], gaps, strict=True):
        if gap <= 0:
            assert dimension not in named
    assert ("every dimension; the smallest" in sentence) == (min(gaps) >= 0)


# --------------------------------------------------------------------------- trends


def test_no_clear_trend_worked_by_hand():
    sentence = narrative.trend_sentence(stats.trend([1, 3, 2, 5, 4]), "complaints per week")
    assert sentence == (
        "Over the 5 periods, the fitted change in complaints per week is +0.80 per period (95% "
        "confidence interval -0.30 to +1.90 per period; p = 0.104), which could be zero: there is "
        "no clear trend, so treat the ups and downs as routine variation unless a control chart "
        "says otherwise."
    )


def test_clear_trend_in_percentage_points_per_day():
    days = pd.date_range("2024-01-01", periods=30, freq="D")
    noise = np.tile([0.004, -0.004], 15)
    result = stats.trend(pd.Series(0.70 + 0.002 * np.arange(30) + noise, index=days))
    sentence = narrative.trend_sentence(result, "first contact resolution", unit="%")
    assert sentence.startswith(
        "Between 1 Jan 2024 and 30 Jan 2024, first contact resolution rose by about 0.20 "
        "percentage points per day"
    )
    assert "statistically significant upward trend" in sentence


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=3, max_size=30))
def test_trend_sentence_calls_it_a_trend_only_when_the_interval_excludes_zero(values):
    assume(np.ptp(values) > 1e-6)
    result = stats.trend(values)
    sentence = narrative.trend_sentence(result, "waits")
    excludes_zero = result.ci_low > 0 or result.ci_high < 0
    assert ("statistically significant" in sentence) == (excludes_zero and result.significant)


def test_a_median_of_average_handle_time_is_a_median_handle_time():
    """Finding 14: 'The median Average handle time' reads 'The median handle time'."""
    comparison = stats.compare_durations(
        [300, 320, 340, 360, 380], [250, 260, 270, 280, 290, 300], n_boot=200,
        measure="Average handle time",
    )  # fmt: skip
    text = narrative.comparison_sentence(comparison, higher_is_better=False)
    assert text.startswith("The median handle time fell from 340 seconds")
