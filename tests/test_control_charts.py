"""Control charts and run rules checked against published examples and points worked by hand.

Published sources:
- XmR chart, 10 batches: NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3.2.2
  (x-bar 50.81, MR-bar 1.8778, UCL 55.8041, LCL 45.8159; NIST uses 3/1.128 = 2.6596, we use 2.66).
- XmR chart, viscosity of aircraft primer paint: Montgomery, Introduction to Statistical Quality
  Control (x-bar 33.52, MR-bar 0.48, UCL 34.80, LCL 32.24).
- p-chart, 10 samples of 200: Example 16.6 of "An Introduction to Business Statistics"
  (p-bar 0.16, UCL 0.2378, LCL 0.0822).
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcworkbook.analysis import control_charts
from svcworkbook.errors import DataError

# --------------------------------------------------------------------------- control charts

NIST_BATCHES = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]
VISCOSITY = [33.75, 33.05, 34.00, 33.81, 33.46, 34.02, 33.68, 33.27, 33.49, 33.20, 33.62, 33.00]
VISCOSITY += [33.54, 33.12, 33.84]


def test_xmr_limits_match_nist_example():
    limits = control_charts.xmr_limits(NIST_BATCHES)
    assert limits.centre == pytest.approx(50.81)
    assert limits.mr_bar == pytest.approx(1.8778, abs=1e-4)
    assert limits.ucl == pytest.approx(55.8041, abs=1e-3)
    assert limits.lcl == pytest.approx(45.8159, abs=1e-3)
    assert limits.mr_ucl == pytest.approx(3.267 * 16.9 / 9)


def test_xmr_limits_match_montgomery_viscosity_example():
    limits = control_charts.xmr_limits(VISCOSITY)
    assert (round(limits.centre, 2), round(limits.mr_bar, 2)) == (33.52, 0.48)
    assert (round(limits.ucl, 2), round(limits.lcl, 2)) == (34.80, 32.24)
    assert control_charts.chart_signals(control_charts.xmr_chart(VISCOSITY)).empty  # in control


def test_xmr_chart_table_keeps_the_periods():
    days = pd.date_range("2024-01-01", periods=4, freq="D")
    chart = control_charts.xmr_chart(pd.Series([10.0, 12.0, 11.0, 15.0], index=days))
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
    base = control_charts.xmr_limits(values)
    moved = control_charts.xmr_limits([v * scale + shift for v in values])
    assert moved.centre == pytest.approx(base.centre * scale + shift, abs=1e-6)
    assert moved.ucl - moved.lcl == pytest.approx((base.ucl - base.lcl) * scale, abs=1e-6)
    assert base.lcl <= base.centre <= base.ucl


def test_xmr_rejects_blanks_with_their_periods():
    with pytest.raises(DataError, match=r"blank value\(s\) at \[2\]"):
        control_charts.xmr_limits([1.0, 2.0, np.nan, 4.0])


def test_p_chart_matches_published_example():
    chart = control_charts.p_chart_limits([40, 44, 22, 34, 24, 32, 28, 32, 34, 30], [200] * 10)
    assert chart["centre"].iloc[0] == pytest.approx(0.16)
    assert chart["ucl"].iloc[0] == pytest.approx(0.2378, abs=1e-4)
    assert chart["lcl"].iloc[0] == pytest.approx(0.0822, abs=1e-4)
    assert control_charts.chart_signals(
        chart, run_length=8
    ).empty  # "the process is well under control"


def test_p_chart_limits_widen_for_small_samples_by_hand():
    # p-bar = 25 / 150 = 1/6; sigma at n = 50 is sqrt(1/6 x 5/6 / 50) = 0.052705
    chart = control_charts.p_chart_limits([5, 20], [50, 100])
    assert chart["value"].tolist() == [0.1, 0.2]
    assert chart["ucl"].tolist() == pytest.approx(
        [1 / 6 + 3 * 0.0527046, 1 / 6 + 3 * 0.0372678], abs=1e-6
    )
    assert chart["lcl"].tolist() == pytest.approx(
        [1 / 6 - 3 * 0.0527046, 1 / 6 - 3 * 0.0372678], abs=1e-6
    )
    clipped = control_charts.p_chart_limits([1, 0], [10, 10])
    assert clipped["lcl"].tolist() == [0.0, 0.0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 300), min_size=1, max_size=20), st.data())
def test_p_chart_limits_stay_in_unit_range(sizes, data):
    successes = [data.draw(st.integers(0, n)) for n in sizes]
    chart = control_charts.p_chart_limits(successes, sizes)
    assert (chart["lcl"] >= 0).all() and (chart["ucl"] <= 1).all()
    assert (chart["lcl"] <= chart["centre"]).all() and (chart["centre"] <= chart["ucl"]).all()


def test_p_chart_rejects_impossible_counts():
    with pytest.raises(DataError, match=r"periods \[1\]"):
        control_charts.p_chart_limits([3, 12], [10, 10])


# --------------------------------------------------------------------------- run rules


def test_points_beyond_the_limits_are_flagged():
    flags = control_charts.run_rules([5, 11, 5, -2, 5], centre=5, ucl=10, lcl=0)
    assert flags["position"].tolist() == [1, 3]
    assert flags["rule"].unique().tolist() == ["beyond limits"]
    assert flags["direction"].tolist() == ["above", "below"]
    assert flags["description"].tolist() == [
        "above the upper control limit (10)",
        "below the lower control limit (0)",
    ]


def test_eight_in_a_row_is_a_run_but_seven_is_not():
    seven = [4, 6, 4, 4, 4, 4, 4, 4, 4, 6]  # seven below the centre (5) in a row
    assert control_charts.run_rules(seven, 5, 10, 0).empty
    eight = [4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 6]
    flags = control_charts.run_rules(eight, 5, 10, 0)
    assert flags["position"].tolist() == list(range(2, 10))
    assert set(flags["rule"]) == {"run"} and flags["signal"].nunique() == 1
    assert flags["description"].iloc[0] == "one of 8 points in a row below the centre line"
    assert control_charts.run_rules(seven, 5, 10, 0, run_length=7)["position"].tolist() == list(
        range(2, 9)
    )


def test_a_point_on_the_centre_line_breaks_a_run():
    values = [6, 6, 6, 6, 5, 6, 6, 6, 6]
    assert control_charts.run_rules(values, 5, 10, 0).empty


def test_the_named_rule_sets_are_the_published_lengths():
    """Finding 12: Nelson's run rule is 9 in a row; Western Electric's basic rules have no trend."""
    nelson_run, nelson_trend = control_charts.RULE_SETS["Nelson rules"]
    we_run, we_trend = control_charts.RULE_SETS["Western Electric basic rules"]
    assert (nelson_run, nelson_trend, we_run, we_trend) == (9, 6, 8, None)
    eight_below = [4, 6] + [4] * 8 + [6]
    assert control_charts.run_rules(eight_below, 5, 10, 0, nelson_run, nelson_trend).empty
    nine_below = [4, 6] + [4] * 9 + [6]
    flags = control_charts.run_rules(nine_below, 5, 10, 0, nelson_run, nelson_trend)
    assert flags["position"].tolist() == list(range(2, 11))
    rising = [1, 2, 3, 4, 5, 6, 7, 8, 3]  # 8 rising points, crossing the centre line
    assert set(control_charts.run_rules(rising, 4.5, 10, -10)["rule"]) == {"trend"}
    assert control_charts.run_rules(rising, 4.5, 10, -10, we_run, we_trend).empty


def test_six_steadily_rising_points_are_a_trend_and_ties_break_it():
    flags = control_charts.run_rules([1, 2, 3, 4, 5, 6, 3], centre=3.5, ucl=10, lcl=-10)
    assert flags["position"].tolist() == [0, 1, 2, 3, 4, 5]
    assert flags["description"].iloc[0] == "one of 6 points in a row steadily increasing"
    assert control_charts.run_rules([1, 2, 3, 3, 4, 5], 3, 10, -10).empty
    falling = control_charts.run_rules([9, 8, 7, 6, 5, 4, 3, 2], 5.5, 10, 0)
    assert falling["description"].iloc[0] == "one of 8 points in a row steadily decreasing"
    assert set(falling["direction"]) == {"decreasing"}


def test_run_rules_use_the_period_labels_and_varying_limits():
    days = pd.date_range("2024-05-01", periods=3, freq="D")
    flags = control_charts.run_rules(
        pd.Series([0.2, 0.5, 0.2], index=days), 0.2, [0.3, 0.6, 0.25], 0
    )
    assert flags.empty
    flags = control_charts.run_rules(
        pd.Series([0.2, 0.5, 0.3], index=days), 0.2, [0.3, 0.4, 0.25], 0
    )
    assert flags["period"].tolist() == [days[1], days[2]]


def test_one_point_can_carry_several_signals():
    values = [1, 2, 3, 4, 5, 30]
    flags = control_charts.run_rules(values, centre=0, ucl=20, lcl=-20, run_length=6)
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
    assert control_charts.run_rules(values, 5, 10, 0).empty


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=1, max_size=40))
def test_run_rules_flag_the_same_points_read_backwards(values):
    forward = control_charts.run_rules(values, 0, 5, -5)
    backward = control_charts.run_rules(values[::-1], 0, 5, -5)
    last = len(values) - 1
    as_set = {(p, r) for p, r in zip(forward["position"], forward["rule"], strict=True)}
    mirrored = {(last - p, r) for p, r in zip(backward["position"], backward["rule"], strict=True)}
    assert as_set == mirrored
