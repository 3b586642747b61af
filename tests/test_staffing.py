"""Erlang C staffing checked against published worked examples and exact rational arithmetic."""

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcworkbook.analysis import staffing
from svcworkbook.errors import DataError


def exact_erlang_b(agents: int, traffic: Fraction) -> Fraction:
    """Erlang B exactly: with A = p/q, X_n = p^n + n q X_(n-1), X_0 = 1, and B = p^N / X_N.

    This is 1/B(n) = 1 + (n / A) / B(n-1) multiplied through by p^n, so every step is an exact
    integer operation (Python integers have no size limit), whatever the number of agents.
    """
    p, q = traffic.numerator, traffic.denominator
    x, power = 1, 1
    for n in range(1, agents + 1):
        power *= p
        x = power + n * q * x
    return Fraction(power, x)


def exact_erlang_c(agents: int, traffic: Fraction) -> Fraction:
    """Erlang C exactly from Erlang B: C = N B / (N - A (1 - B))."""
    b = exact_erlang_b(agents, traffic)
    return agents * b / (agents - traffic * (1 - b))


def textbook_erlang_c(agents: int, traffic: Fraction) -> Fraction:
    """The textbook formula with factorials: (A^N/N! . N/(N-A)) / (sum A^k/k! + A^N/N! . N/(N-A))."""
    top = traffic**agents / math.factorial(agents) * Fraction(agents) / (agents - traffic)
    return top / (sum(traffic**k / math.factorial(k) for k in range(agents)) + top)


def test_exact_helper_agrees_with_the_textbook_factorial_formula():
    for agents, traffic in [(1, Fraction(1, 2)), (3, Fraction(2)), (13, Fraction(10)), (20, 17)]:
        assert exact_erlang_c(agents, Fraction(traffic)) == textbook_erlang_c(
            agents, Fraction(traffic)
        )


# Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example"
# (callcentrehelper.com): 100 calls in 30 minutes, AHT 180 s, target 80% answered in 20 s,
# shrinkage 30%. Published: 10 Erlangs; 11 agents wait 68.21%, SL 39.0%; 14 agents needed, SL
# 88.8%, occupancy 71.4%, P(wait) 17.4%; 20 agents to schedule with 30% shrinkage. The same
# figures (14, 20, 0.888, 0.714, 0.174) are asserted in pyworkforce's tests
# (rodrigo-arenas/pyworkforce, pyworkforce/queuing/tests/test_erlang.py).
CCH = {"calls": 100, "interval_s": 1800, "aht_s": 180}


def test_traffic_of_the_call_centre_helper_example_is_10_erlangs():
    assert staffing.traffic_erlangs(**CCH) == 10.0


def test_call_centre_helper_example_11_agents():
    assert round(staffing.probability_of_wait(11, **CCH), 4) == 0.6821
    assert round(staffing.service_level(11, **CCH, answer_within_s=20), 3) == 0.390


def test_call_centre_helper_example_14_agents():
    assert round(staffing.service_level(14, **CCH, answer_within_s=20), 3) == 0.888
    assert round(staffing.occupancy(14, **CCH), 3) == 0.714
    assert round(staffing.probability_of_wait(14, **CCH), 3) == 0.174


def test_call_centre_helper_example_needs_14_on_the_phones_and_20_scheduled():
    # 13 agents give 79.56%, just short of 80%: the search must not stop at 13
    assert staffing.service_level(13, **CCH, answer_within_s=20) < 0.8
    assert staffing.agents_required(**CCH, answer_within_s=20, target=0.8) == 14
    assert staffing.agents_required(**CCH, answer_within_s=20, target=0.8, shrinkage=0.3) == 20


def test_shrinkage_divides_by_one_minus_shrinkage_not_multiplies_by_one_plus():
    # the trap: 14 x 1.3 = 18.2 -> 19 agents, which leaves 19 x 0.7 = 13.3 on the phones (< 14)
    required = staffing.agents_required(**CCH, answer_within_s=20, target=0.8, shrinkage=0.3)
    assert required != math.ceil(14 * 1.3)
    assert math.ceil(14 * 1.3) * 0.7 < 14
    assert required * 0.7 >= 14 - 1e-9
    assert required == 20


def test_rounding_up_ignores_floating_point_noise():
    # 21 / (1 - 0.3) is 30.000000000000004 in binary floating point: a naive ceil gives 31
    assert math.ceil(21 / (1 - 0.3)) == 31
    # 165 calls in 30 min, AHT 180 s, 80% in 20 s needs 21 on the phones -> 30 scheduled
    assert staffing.agents_required(165, 1800, 180, 20, 0.8) == 21
    assert staffing.agents_required(165, 1800, 180, 20, 0.8, shrinkage=0.3) == 30


def test_max_occupancy_raises_the_agents_when_it_binds():
    # 14 agents meet the SL at 71.4% occupancy; a 70% cap needs ceil(10 / 0.7) = 15 (pyworkforce
    # test_over_occupancy_erlangc: 15 raw, 22 with 30% shrinkage)
    assert staffing.agents_required(**CCH, answer_within_s=20, target=0.8, max_occupancy=0.7) == 15
    assert (
        staffing.agents_required(
            **CCH, answer_within_s=20, target=0.8, max_occupancy=0.7, shrinkage=0.3
        )
        == 22
    )
    # a cap that does not bind changes nothing
    assert staffing.agents_required(**CCH, answer_within_s=20, target=0.8, max_occupancy=0.85) == 14


def test_erlang_b_matches_the_published_one_percent_table():
    # Standard Erlang B tables (1% blocking): 5 lines 1.36 E, 10 lines 4.46 E, 100 lines 84.06 E
    for lines, erlangs in [(5, 1.36), (10, 4.46), (100, 84.06)]:
        assert staffing.erlang_b(lines, erlangs) == pytest.approx(0.01, abs=0.0003)
    assert staffing.erlang_b(1, 1.0) == 0.5  # one line, one Erlang: B = A / (1 + A)


def test_second_worked_example_against_exact_arithmetic():
    # 360 calls per half hour, AHT 240 s, 55 agents, 15 s threshold: 48 Erlangs
    a = Fraction(48)
    c = float(exact_erlang_c(55, a))
    assert staffing.traffic_erlangs(360, 1800, 240) == 48
    assert staffing.probability_of_wait(55, 360, 1800, 240) == pytest.approx(c, rel=1e-12)
    assert staffing.service_level(55, 360, 1800, 240, 15) == pytest.approx(
        1 - c * math.exp(-7 * 15 / 240), rel=1e-12
    )
    assert staffing.average_speed_of_answer(55, 360, 1800, 240) == pytest.approx(
        c * 240 / 7, rel=1e-12
    )
    assert round(staffing.service_level(55, 360, 1800, 240, 15), 3) == 0.846
    assert round(staffing.average_speed_of_answer(55, 360, 1800, 240), 1) == 8.2


@pytest.mark.parametrize("agents", [1, 2, 7, 50, 300, 1000, 2500, 5000])
@pytest.mark.parametrize(
    "load", [Fraction(1, 2), Fraction(4, 5), Fraction(95, 100), Fraction(99, 100)]
)
def test_erlang_c_is_exact_across_the_range_up_to_5000_agents(agents, load):
    traffic = agents * load  # occupancy 50% .. 99%
    expected = float(exact_erlang_c(agents, traffic))
    # calls chosen so that traffic = calls x 180 / 1800 exactly
    calls = float(traffic * 10)
    got = staffing.probability_of_wait(agents, calls, 1800, 180)
    assert got == pytest.approx(expected, rel=1e-9)


def test_factorials_would_overflow_at_5000_agents_but_the_result_is_finite():
    with pytest.raises(OverflowError):
        float(math.factorial(5000))
    value = staffing.service_level(5000, 49_000, 1800, 180, 20)
    assert 0 < value < 1


def test_agents_required_at_5000_agents_is_the_smallest_meeting_the_target():
    required = staffing.agents_required(49_000, 1800, 180, 20, 0.8)
    assert staffing.service_level(required, 49_000, 1800, 180, 20) >= 0.8
    assert staffing.service_level(required - 1, 49_000, 1800, 180, 20) < 0.8


def test_vectorised_results_equal_one_at_a_time():
    calls = np.array([100, 360, 49_000, 3])
    aht = np.array([180, 240, 180, 600])
    together = staffing.agents_required(calls, 1800, aht, 20, 0.8)
    one_by_one = [
        staffing.agents_required(c, 1800, a, 20, 0.8) for c, a in zip(calls, aht, strict=True)
    ]
    assert together.tolist() == one_by_one
    levels = staffing.service_level(together, calls, 1800, aht, 20)
    assert levels.tolist() == [
        staffing.service_level(n, c, 1800, a, 20)
        for n, c, a in zip(one_by_one, calls, aht, strict=True)
    ]


def test_no_calls_need_no_agents():
    assert staffing.agents_required(0, 1800, 180, 20, 0.8) == 0
    assert staffing.traffic_erlangs(0, 1800, 180) == 0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: staffing.service_level(10, 0, 1800, 180, 20), "calls must be more than 0"),
        (lambda: staffing.probability_of_wait(10, -5, 1800, 180), "calls must be more than 0"),
        (
            lambda: staffing.service_level(10, 100, 1800, 180, 20),
            "agents must be more than the traffic",
        ),
        (lambda: staffing.occupancy(9, 100, 1800, 180), "at least 11 needed"),
        (lambda: staffing.service_level(12.5, 100, 1800, 180, 20), "whole numbers"),
        (lambda: staffing.agents_required(100, 1800, 180, 20, 0.8, shrinkage=1.0), "shrinkage"),
        (lambda: staffing.agents_required(100, 1800, 180, 20, 0.8, shrinkage=-0.1), "shrinkage"),
        (lambda: staffing.agents_required(100, 1800, 180, 20, 1.0), "target"),
        (
            lambda: staffing.agents_required(100, 1800, 180, 20, 0.8, max_occupancy=0),
            "max_occupancy",
        ),
        (lambda: staffing.agents_required(-1, 1800, 180, 20, 0.8), "calls must be 0 or more"),
        (lambda: staffing.traffic_erlangs(100, 0, 180), "interval_s"),
        (lambda: staffing.traffic_erlangs(100, 1800, 0), "aht_s"),
        (lambda: staffing.traffic_erlangs("many", 1800, 180), "calls must be a number"),
        (lambda: staffing.service_level([14, 9], [100, 100], 1800, 180, 20), "9 agents"),
    ],
)
def test_bad_inputs_raise_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=60, deadline=None)
@given(
    calls=st.floats(0.5, 3000),
    aht=st.floats(10, 900),
    within=st.floats(0, 120),
    target=st.floats(0.05, 0.99),
    shrink=st.floats(0, 0.6),
)
def test_agents_required_is_the_smallest_that_meets_the_target(calls, aht, within, target, shrink):
    base = staffing.agents_required(calls, 1800, aht, within, target)
    traffic = calls * aht / 1800
    assert base > traffic
    assert staffing.service_level(base, calls, 1800, aht, within) >= target
    if base - 1 > traffic:
        assert staffing.service_level(base - 1, calls, 1800, aht, within) < target
    scheduled = staffing.agents_required(calls, 1800, aht, within, target, shrinkage=shrink)
    assert scheduled * (1 - shrink) >= base - 1e-9
    assert (scheduled - 1) * (1 - shrink) < base


@settings(max_examples=60, deadline=None)
@given(agents=st.integers(1, 400), load=st.floats(0.01, 0.999), within=st.floats(0, 300))
def test_rates_stay_in_range_and_improve_with_more_agents(agents, load, within):
    calls = agents * load * 10  # traffic = agents x load with AHT 180 s in 1800 s
    wait = staffing.probability_of_wait(agents, calls, 1800, 180)
    level = staffing.service_level(agents, calls, 1800, 180, within)
    assert 0 <= wait <= 1 and 0 <= level <= 1
    assert staffing.service_level(agents + 1, calls, 1800, 180, within) >= level
    assert staffing.average_speed_of_answer(agents, calls, 1800, 180) >= 0
    assert staffing.occupancy(agents, calls, 1800, 180) == pytest.approx(load)


def intervals() -> pd.DataFrame:
    """Three half hours: the worked example, a quiet one with no calls handled, a busy one."""
    return pd.DataFrame(
        {
            "interval_start": pd.to_datetime(
                ["2026-03-02 09:00", "2026-03-02 09:30", "2026-03-02 10:00"]
            ),
            "interval_s": [1800, 1800, 1800],
            "channel": ["phone"] * 3,
            "offered": [100, 0, 360],
            "handled": [100, 0, 350],
            "aht_s": [180.0, np.nan, 240.0],
            "agents_scheduled": [20, 2, 60],
        }
    )


def test_staffing_plan_per_interval():
    plan = staffing.staffing_plan(intervals(), answer_within_s=20, target=0.8, shrinkage=0.3)
    assert plan["forecast_calls"].tolist() == [100, 0, 360]
    assert plan["agents_on_phones"].tolist()[:2] == [14, 0]
    assert plan["agents_required"].tolist()[:2] == [20, 0]
    assert plan.loc[0, "gap"] == 0
    # 20 scheduled with 30% shrinkage leaves 14 on the phones: the worked example's 88.8%
    assert round(plan.loc[0, "predicted_service_level"], 3) == 0.888
    assert math.isnan(plan.loc[1, "predicted_service_level"])  # no calls: nothing to predict
    # the quiet interval's missing AHT is filled with the handled-weighted AHT of the others
    assert plan.loc[1, "aht_s"] == pytest.approx((100 * 180 + 350 * 240) / 450)
    busy = staffing.agents_required(360, 1800, 240, 20, 0.8, shrinkage=0.3)
    assert plan.loc[2, "agents_required"] == busy
    assert plan.loc[2, "gap"] == 60 - busy
    # 60 scheduled -> 42 on the phones for 48 Erlangs: the queue cannot keep up, model SL is 0
    assert plan.loc[2, "predicted_service_level"] == 0.0


def test_demand_change_scales_the_forecast():
    plan = staffing.staffing_plan(intervals(), demand_change=0.2)
    assert plan["forecast_calls"].tolist() == pytest.approx([120, 0, 432])
    assert plan.loc[0, "agents_required"] == staffing.agents_required(120, 1800, 180, 20, 0.8)


def test_what_if_compares_scenarios_with_todays_demand():
    table = staffing.what_if(intervals(), demand_change=[0.2], shrinkage=0.3)
    assert table["demand_change"].tolist() == [0.0, 0.2]
    now, peak = table.iloc[0], table.iloc[1]
    assert now["forecast_calls"] == 460 and peak["forecast_calls"] == pytest.approx(552)
    need = [
        staffing.agents_required(c, 1800, a, 20, 0.8, shrinkage=0.3)
        for c, a in [(120, 180), (432, 240)]
    ]
    assert peak["peak_agents_required"] == max(need)
    assert peak["agent_intervals_required"] == sum(need)
    assert peak["extra_agent_intervals"] == max(need[0] - 20, 0) + max(need[1] - 60, 0)
    assert peak["intervals_short"] == sum(n > s for n, s in zip(need, [20, 60], strict=True))
    assert peak["predicted_service_level"] < now["predicted_service_level"]


def test_staffing_plan_names_a_missing_column():
    with pytest.raises(DataError, match="agents_scheduled"):
        staffing.staffing_plan(intervals().drop(columns="agents_scheduled"))


def test_staffing_plan_rejects_bad_shrinkage():
    with pytest.raises(ValueError, match="shrinkage"):
        staffing.staffing_plan(intervals(), shrinkage=1.2)
