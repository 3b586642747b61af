"""PDCA: Act decisions by rule, the record built from a training check, the peak plan and checks."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from test_training import TRAINED_AT, contacts_for, staff_for

from svcworkbook.units.unit2_delivery import service_plan
from svcworkbook.units.unit3_operations import improvement_cycle as ic
from svcworkbook.units.unit3_operations import training


@pytest.mark.parametrize(
    "linked, after, target, decision",
    [
        (True, 0.80, 0.75, ic.STANDARDISE),
        (True, 0.75, 0.75, ic.STANDARDISE),
        (True, 0.70, 0.75, ic.ADJUST),
        (False, 0.90, 0.75, ic.RETHINK),
    ],
)
def test_act_decision_rules(linked, after, target, decision):
    assert ic.act_decision(linked, after, target) == decision


def effect_for(spec):
    contacts = contacts_for(spec)
    staff = staff_for({"A": TRAINED_AT, "C": None})
    return training.training_effect("first_contact_resolution", contacts, staff)


def test_record_from_a_linked_training_that_misses_target():
    # A: 40/100 -> 70/100 (significant); C: 60/100 -> 60/100; target 75% not met
    effect = effect_for({"A": (40, 100, 70, 100), "C": (60, 100, 60, 100)})
    record = ic.pdca_from_training(effect, 0.75, ["resolution", "communication"], "Acme")
    assert record.decision == ic.ADJUST
    assert record.baseline == pytest.approx(0.40) and record.after == pytest.approx(0.70)
    assert record.net_change == pytest.approx(0.30)
    table = record.table()
    assert list(table["stage"]) == ["Plan", "Do", "Check", "Act"]
    assert "40.0%" in table.loc[0, "what"] and "+30.0 percentage points" in table.loc[2, "what"]
    text = " ".join(record.sentences())
    assert "Acme" in text and "resolution and communication" in text and "still below" in text
    why = "the gain is linked to the training, beyond the trend, but the target is not met"
    right = ic.check_act_decision("Adjust and repeat", record, reason=why)
    assert right.status == "right" and right.revealed.startswith("Act: adjust and repeat.")
    assert ic.check_act_decision("adjust and repeat", record, reason="70% after").status == "right"
    half = ic.check_act_decision("adjust and repeat", record, reason="it is linked")  # no target
    assert (half.status, half.judgement.slip) == ("close", "reason unchecked")
    assert ic.check_act_decision("standardise", record).judgement.slip == "target ignored"
    assert ic.check_act_decision("rethink the change", record).judgement.slip is None
    withheld = record.table(withhold_decision=True).iloc[3]
    assert "adjust" not in withheld["what"] and withheld["evidence"] == ""
    assert "adjust" not in record.sentences(withhold_decision=True)[3]


def test_record_when_nothing_changed_says_rethink():
    effect = effect_for({"A": (50, 100, 52, 100), "C": (50, 100, 50, 100)})
    record = ic.pdca_from_training(effect, 0.75, [], "Acme")
    assert record.decision == ic.RETHINK and record.causes == "no clear theme"
    assert "Do not roll the training out" in record.next_step


def intervals_frame() -> pd.DataFrame:
    """Two weeks of half hours, 09:00-12:00, 20 calls, 300 s AHT, 5 agents scheduled."""
    starts = [
        pd.Timestamp("2026-01-05") + pd.Timedelta(days=d, hours=9, minutes=30 * k)
        for d in range(14)
        for k in range(6)
    ]
    return pd.DataFrame({"interval_start": starts, "interval_s": 1800, "channel": "phone",
                         "offered": 20, "handled": 20, "aht_s": 300.0,
                         "agents_scheduled": 5})  # fmt: skip


def _erlang_c_agents(erlangs: float, aht_s: float, within_s: float, target: float) -> int:
    """Fewest agents whose Erlang C service level reaches target, from the textbook formula:
    P(wait) = (A^N/N! x N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! x N/(N-A)),
    SL = 1 - P(wait) x exp(-(N-A) x t / AHT)."""
    n = math.floor(erlangs) + 1
    while True:
        top = erlangs**n / math.factorial(n) * n / (n - erlangs)
        p_wait = top / (sum(erlangs**k / math.factorial(k) for k in range(n)) + top)
        if 1 - p_wait * math.exp(-(n - erlangs) * within_s / aht_s) >= target:
            return n
        n += 1


def test_peak_plan_matches_unit_2s_what_if_and_the_check():
    intervals = intervals_frame()
    plan = ic.peak_plan(intervals, 20, 0.8, 0.3)
    forecast = service_plan.forecast_demand(intervals)
    expected = service_plan.peak_what_if(
        forecast, ic.DEFAULT_PEAKS, answer_within_s=20, target=0.8, shrinkage=0.3
    )
    pd.testing.assert_frame_equal(plan, expected)
    assert list(plan["demand_change"]) == [0.0, 0.1, 0.2, 0.4]
    assert ic.peak_sentences(plan, 0.8)
    # 30% more calls: its own what-if, not the middle of the 20% and 40% rows
    rise = ic.peak_plan(intervals_frame(), 20, 0.8, 0.3, peaks=(0.3,)).iloc[-1]
    assert rise["demand_change"] == pytest.approx(0.3)
    check = ic.check_extra_hours
    extra = round(float(rise["extra_roster_hours"]), 1)
    assert check(extra, intervals_frame(), 20, 0.8, 0.3, plan).status == "right"
    total = check(float(rise["roster_hours"]), intervals_frame(), 20, 0.8, 0.3, plan)
    assert total.judgement.slip == "total hours"
    shown = plan.set_index(plan["demand_change"].round(2))["extra_roster_hours"]
    middle = (shown[0.2] + shown[0.4]) / 2
    if round(middle, 1) != extra:
        assert check(middle, intervals_frame(), 20, 0.8, 0.3, plan).judgement.slip == "in between"


def test_peak_plan_rosters_for_shrinkage_computed_by_hand():
    """20 calls of 300 s per half hour = 3.33 Erlangs; each rise scales it. The rota is the
    textbook Erlang C agents / (1 - 30% shrinkage), rounded up, never the agents alone."""
    plan = ic.peak_plan(intervals_frame(), 20, 0.8, 0.3)
    for _, row in plan.iterrows():
        erlangs = 20 * (1 + row["demand_change"]) * 300 / 1800
        on_phones = _erlang_c_agents(erlangs, 300, 20, 0.8)
        assert row["peak_on_phones"] == on_phones
        assert row["peak_to_roster"] == math.ceil(on_phones / 0.7 - 1e-9)
        assert row["peak_to_roster"] > row["peak_on_phones"]


def test_evidence_and_headline_results():
    effect = effect_for({"A": (40, 100, 70, 100), "C": (60, 100, 60, 100)})
    record = ic.pdca_from_training(effect, 0.75, ["resolution"], "Acme")
    evidence = ic.evidence_table({"green": 2, "amber": 1, "red": 3, "too few": 0}, effect, record)
    points = " ".join(evidence["marking points"])
    assert all(f"U3.MP{i}" in points for i in range(1, 6))
    assert all(f"U3.M{i}" in " ".join(evidence["guards against"]) for i in range(1, 5))
    dash = pd.DataFrame({"rag": ["green", "green", "red", "amber", "too few"]})
    plan = ic.peak_plan(intervals_frame(), 20, 0.8, 0.3)
    results = ic.headline_results(
        dash, {"first_contact_resolution": effect, "csat": effect}, plan, record
    )
    assert (results["dashboard_green"], results["dashboard_amber"], results["dashboard_red"]) == (
        2, 1, 1,
    )  # fmt: skip
    assert results["fcr_net_change"] == pytest.approx(0.30)
    assert results["peak_demand_change"] == 0.4
    assert results["act_decision"] == ic.ADJUST
