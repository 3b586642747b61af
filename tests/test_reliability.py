"""Reliability (unit 2): recording-system figures, daily service level on an XmR chart, the
contrast with satisfaction, case histories; hand-worked values and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcworkbook import content
from svcworkbook.analysis import kpi
from svcworkbook.data import generators
from svcworkbook.errors import DataError
from svcworkbook.units.unit2_delivery import reliability, service_plan

T0 = pd.Timestamp("2026-01-05 09:00")


def contact(
    cid: str,
    opened: pd.Timestamp,
    wait: float = 10.0,
    abandoned: bool = False,
    resolved_after_h: float | None = 1.0,
    channel: str = "phone",
    team: str = "billing",
) -> dict:
    """One contacts row following the data contract."""
    answered = None if abandoned else opened + pd.Timedelta(seconds=wait)
    resolved = (
        None
        if abandoned or resolved_after_h is None
        else opened + pd.Timedelta(hours=resolved_after_h)
    )
    return {
        "contact_id": cid,
        "customer_id": "K" + cid[1:],
        "opened_at": opened,
        "channel": channel,
        "team": team,
        "agent_id": None if abandoned else "A001",
        "queue_wait_s": wait,
        "abandoned": abandoned,
        "answered_at": answered,
        "handle_time_s": None if abandoned else 300.0,
        "resolved_first_contact": not abandoned,
        "escalated": False,
        "category": "billing query",
        "resolved_at": resolved,
    }


def frame(rows: list[dict]) -> pd.DataFrame:
    """Contacts as a DataFrame with proper dtypes."""
    out = pd.DataFrame(rows)
    for column in ("opened_at", "answered_at", "resolved_at"):
        out[column] = pd.to_datetime(out[column])
    for column in ("queue_wait_s", "handle_time_s"):
        out[column] = out[column].astype(float)
    return out


def two_days() -> pd.DataFrame:
    """Day 1: answered in 10 s, answered in 30 s, abandoned after 60 s, short abandon after 2 s;
    day 2: answered in 5 s and 15 s, plus an email (not a live channel)."""
    day2 = T0 + pd.Timedelta(days=1)
    return frame(
        [
            contact("C1", T0, 10),
            contact("C2", T0 + pd.Timedelta(minutes=5), 30),
            contact("C3", T0 + pd.Timedelta(minutes=6), 60, abandoned=True),
            contact("C4", T0 + pd.Timedelta(minutes=7), 2, abandoned=True),
            contact("C5", day2, 5),
            contact("C6", day2 + pd.Timedelta(minutes=1), 15),
            contact("C7", day2 + pd.Timedelta(minutes=2), 5000, channel="email"),
        ]
    )


def test_the_definition_is_the_kpi_default_with_short_abandons_removed():
    text = reliability.service_level_definition(20)
    assert "answered within 20 seconds" in text
    assert f"within {kpi.DEFAULT_SHORT_ABANDON_S:g} seconds" in text
    assert "(answered + abandoned)" in text
    contacts = two_days()
    # the same definition as kpi.service_level: day 1 is 1 in time of 3 offered (C4 is short)
    assert kpi.service_level(contacts.iloc[:4], threshold_s=20) == pytest.approx(1 / 3)


def test_daily_service_level_by_hand():
    daily = reliability.daily_service_level(two_days(), answer_within_s=20)
    assert daily["day"].tolist() == [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-06")]
    assert daily["answered_in_time"].tolist() == [1, 2]
    assert daily["offered"].tolist() == [3, 2]  # the short abandon is left out
    assert daily["service_level"].tolist() == pytest.approx([1 / 3, 1.0])
    wider = reliability.daily_service_level(two_days(), answer_within_s=30)
    assert wider["service_level"].iloc[0] == pytest.approx(2 / 3)


def daily_of(levels: list[float], offered: int = 100) -> pd.DataFrame:
    """A daily service level table with the given levels and the same number offered each day."""
    days = pd.date_range("2026-01-05", periods=len(levels), freq="D")
    return pd.DataFrame(
        {
            "day": days,
            "answered_in_time": [round(v * offered) for v in levels],
            "offered": offered,
            "service_level": [round(v * offered) / offered for v in levels],
        }
    )


def test_consistency_by_hand():
    daily = daily_of([0.9, 0.7, 0.85, 0.6])
    chart = reliability.service_level_chart(daily)
    result = reliability.consistency(daily, chart, target=0.8)
    assert result.days == 4 and result.days_met == 2 and result.share_days_met == 0.5
    assert result.mean_daily == pytest.approx(0.7625)
    mr_bar = (0.2 + 0.15 + 0.25) / 3
    assert result.ucl == pytest.approx(0.7625 + 2.66 * mr_bar)
    assert result.lcl == pytest.approx(0.7625 - 2.66 * mr_bar)
    assert result.period_service_level == pytest.approx(305 / 400)
    assert result.lowest == pytest.approx(0.6) and result.lowest_day == pd.Timestamp("2026-01-08")
    text = " ".join(result.sentences("Acme", 0.8))
    assert "2 of 4 days (50%) met the target" in text
    assert "cannot promise the target every day" in text


def test_a_steady_process_above_target_can_be_relied_on():
    daily = daily_of([0.9, 0.91, 0.9, 0.92, 0.91, 0.9])
    chart = reliability.service_level_chart(daily)
    result = reliability.consistency(daily, chart, target=0.8)
    assert result.lcl > 0.8 and result.days_met == 6 and result.signals == 0
    assert "can be relied on to meet it every day" in " ".join(result.sentences("Acme", 0.8))


def test_a_run_below_the_centre_is_a_signal():
    daily = daily_of([0.9] * 8 + [0.7] * 8 + [0.9, 0.7] * 2)
    chart = reliability.service_level_chart(daily)
    assert reliability.consistency(daily, chart, 0.8).signals >= 1


def test_a_chart_needs_two_days():
    with pytest.raises(DataError, match="at least 2"):
        reliability.service_level_chart(daily_of([0.8]))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=30), st.floats(0.05, 0.95))
def test_days_met_and_rates_stay_in_range(levels, target):
    daily = daily_of(levels)
    result = reliability.consistency(daily, reliability.service_level_chart(daily), target)
    assert 0 <= result.days_met <= result.days == len(levels)
    assert 0 <= result.period_service_level <= 1
    assert result.lcl <= result.mean_daily <= result.ucl


def recording_log() -> pd.DataFrame:
    """Resolved in 2 h (phone), resolved in 30 h (email), open for 3 days (phone, overdue), opened
    an hour before the end and open (email, not yet due), abandoned (phone)."""
    end = T0 + pd.Timedelta(days=5)
    return frame(
        [
            contact("C1", T0, resolved_after_h=2),
            contact("C2", T0, resolved_after_h=30, channel="email"),
            contact("C3", end - pd.Timedelta(days=3), resolved_after_h=None),
            contact("C4", end - pd.Timedelta(hours=1), resolved_after_h=None, channel="email"),
            contact("C5", end, abandoned=True),
        ]
    )


def test_recording_summary_by_hand():
    table = reliability.recording_summary(recording_log(), sla_hours=24)
    everything = table.set_index("channel").loc["all channels"]
    assert everything["cases"] == 4 and everything["resolved"] == 2
    assert everything["sla_compliance"] == pytest.approx(1 / 3)  # C1 of C1, C2, C3 (C4 not due)
    assert everything["median_hours"] == pytest.approx(16.0)  # median of 2 and 30
    assert everything["backlog"] == 2 and everything["overdue"] == 1
    phone = table.set_index("channel").loc["phone"]
    assert phone["sla_compliance"] == pytest.approx(1 / 2) and phone["overdue"] == 1
    email = table.set_index("channel").loc["email"]
    assert email["sla_compliance"] == 0 and email["overdue"] == 0 and email["backlog"] == 1
    text = " ".join(reliability.recording_sentences(table, 24, 0.9, "Acme"))
    assert "SLA compliance at Acme (resolved within 24 hours) was 33.3%" in text
    assert "weakest channel is email" in text
    assert "2 cases were open, 1 of them already past the 24-hour SLA" in text


def test_overdue_view_lists_the_open_cases_past_the_sla_oldest_first():
    overdue = reliability.overdue_cases(recording_log(), sla_hours=24)
    assert overdue["contact_id"].tolist() == ["C3"]
    assert overdue["hours_open"].iloc[0] == pytest.approx(72.0)
    assert reliability.overdue_cases(recording_log(), sla_hours=100).empty


def test_weekly_trend_is_the_kpi_table():
    table = reliability.weekly_recording_trend(recording_log(), 24, 0.9)
    assert set(table["kpi"]) == {"sla_compliance", "resolution_time_p90", "backlog"}
    compliance = table.loc[table["kpi"] == "sla_compliance"]
    assert (compliance["target"] == 0.9).all()
    assert compliance["value"].iloc[0] == pytest.approx(1 / 3)


def test_satisfaction_is_linked_to_the_day_of_the_contact():
    contacts = two_days()
    surveys = pd.DataFrame(
        {
            "survey_id": ["S1", "S2", "S3", "S4", "S5"],
            "contact_id": ["C1", "C2", "C5", "C6", "C1"],
            "csat": [5, 4, 2, np.nan, 2],  # day 1: 5, 4, 2 -> 2/3; day 2: 2 -> 0
        }
    )
    daily = reliability.daily_service_level(contacts, 20)
    both = reliability.reliability_and_satisfaction(daily, contacts, surveys)
    assert both["csat"].tolist() == pytest.approx([2 / 3, 0.0])
    assert both["responses"].tolist() == [3, 1]
    contrast = reliability.satisfaction_contrast(both, target=0.8)
    assert contrast.days_met == 1 and contrast.days_missed == 1
    assert contrast.csat_days_met == 0.0 and contrast.csat_days_missed == pytest.approx(2 / 3)
    assert math.isnan(contrast.correlation)  # two days are too few to correlate
    assert "too few days" in " ".join(contrast.sentences("Acme"))


def test_satisfaction_contrast_correlation_and_weights():
    both = daily_of([0.9, 0.7, 0.85, 0.6]).assign(
        csat=[0.8, 0.9, 0.7, 0.85], responses=[10, 30, 10, 10]
    )
    contrast = reliability.satisfaction_contrast(both, target=0.8)
    assert contrast.csat_days_met == pytest.approx((0.8 * 10 + 0.7 * 10) / 20)
    assert contrast.csat_days_missed == pytest.approx((0.9 * 30 + 0.85 * 10) / 40)
    expected = np.corrcoef([0.9, 0.7, 0.85, 0.6], [0.8, 0.9, 0.7, 0.85])[0, 1]
    assert contrast.correlation == pytest.approx(expected)
    text = " ".join(contrast.sentences("Acme"))
    assert f"r = {expected:.2f}" in text and "each needs its own evidence" in text


def test_case_histories_mix_breaches_and_met_cases():
    cases = reliability.case_histories(recording_log(), sla_hours=24, rows=4)
    assert list(cases.columns) == list(reliability.EXTRACT_COLUMNS)
    assert cases["contact_id"].tolist() == ["C1", "C2", "C3"]  # C4 is not due, C5 abandoned
    assert cases["within_sla"].tolist() == [True, False, False]
    assert cases["hours_to_resolve"].iloc[1] == pytest.approx(30)
    with pytest.raises(ValueError, match="rows"):
        reliability.case_histories(recording_log(), 24, rows=0)


def test_missing_columns_are_named():
    with pytest.raises(DataError, match="resolved_at"):
        reliability.recording_summary(recording_log().drop(columns="resolved_at"), 24)


def test_reordering_the_log_changes_nothing():
    contacts = generators.generate_all(seed=5, days=14)["contacts"]
    shuffled = contacts.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(
        reliability.daily_service_level(contacts, 20),
        reliability.daily_service_level(shuffled, 20),
    )
    pd.testing.assert_frame_equal(
        reliability.recording_summary(contacts, 24), reliability.recording_summary(shuffled, 24)
    )


def test_headline_results_and_evidence_on_generated_data():
    data = generators.generate_all(seed=5, days=28)
    forecast = service_plan.forecast_demand(data["intervals"])
    plan = service_plan.staffing_for(forecast, 20, 0.8, 0.3)
    what_if = service_plan.peak_what_if(forecast, shrinkage=0.3)
    daily = reliability.daily_service_level(data["contacts"], 20)
    chart = reliability.service_level_chart(daily)
    held = reliability.consistency(daily, chart, 0.8)
    summary = reliability.recording_summary(data["contacts"], 24)
    both = reliability.reliability_and_satisfaction(daily, data["contacts"], data["surveys"])
    contrast = reliability.satisfaction_contrast(both, 0.8)
    check = service_plan.forecast_accuracy(data["intervals"])
    results = reliability.headline_results(plan, what_if, check, held, summary, contrast)
    assert results["days"] == 28
    assert results["sla_compliance"] == pytest.approx(
        kpi.sla_compliance(data["contacts"], target_hours=24)
    )
    assert results["backlog"] == kpi.backlog(data["contacts"])
    assert results["service_level_period"] == pytest.approx(
        kpi.service_level(data["contacts"], threshold_s=20)
    )
    assert results["extra_roster_hours_20pct"] == pytest.approx(
        what_if["roster_hours"].iloc[2] - what_if["roster_hours"].iloc[0]
    )
    evidence = reliability.evidence_table(results["roster_hours"], held, summary)
    unit = content.load_unit(2)
    mapped = {mp.strip() for cell in evidence["marking_points"] for mp in cell.split(",")}
    assert mapped == {f"U2.MP{i}" for i in range(1, 9)}  # every marking point has evidence
    for mp in mapped:
        unit.marking_point(mp)  # raises if the id does not exist


def test_exercise_checks_give_feedback():
    pytest.importorskip("svcworkbook.learning.exercises")
    contacts = recording_log()
    expected = kpi.sla_compliance(contacts, target_hours=48)
    check = reliability.check_sla_compliance
    right = check(round(expected * 100, 1), contacts, 48, 24)
    assert right.status == "right"
    printed = check(round(kpi.sla_compliance(contacts, target_hours=24) * 100, 1), contacts, 48, 24)
    assert printed.judgement.slip in ("current SLA", None)
    assert "replace none" in str(check(None, contacts, 48, 24)).lower()
    # weekdays: two days, Monday 1 of 1 in time, Tuesday 0 of 1 -> Tuesday is the weakest
    days = reliability.daily_service_level(two_days(), 20)
    table = reliability.weekday_service_level(days).set_index("weekday")
    weakest = table["mean_service_level"].idxmin()
    level = table.loc[weakest, "mean_service_level"]
    because = f"its days average {level:.0%} in time"
    assert reliability.check_weakest_weekday(
        weakest.upper(), two_days(), 20, reason=because
    ).status == ("right")
    assert reliability.check_weakest_weekday(weakest, two_days(), 20).status == "close"  # why?
    other = next(d for d in table.index if d != weakest)
    assert reliability.check_weakest_weekday(other, two_days(), 20).status == "wrong"
    assert reliability.check_weakest_weekday("Funday", two_days(), 20).status == "wrong"


def test_sla_trend_chart_plots_the_weekly_compliance():
    import matplotlib

    matplotlib.use("Agg")
    contacts = generators.generate_all(seed=5, days=21)["contacts"]
    trend = reliability.weekly_recording_trend(contacts, 24, 0.9)
    ax = reliability.sla_trend_chart(trend, 24)
    weekly = trend.loc[trend["kpi"] == "sla_compliance", "value"].to_numpy()
    plotted = [line.get_ydata() for line in ax.get_lines() if len(line.get_ydata()) == len(weekly)]
    assert any(np.allclose(np.asarray(y, float), weekly) for y in plotted)
    assert "24 hours" in ax.get_ylabel()


def test_portfolio_extract_pseudonymises_the_ids_and_keeps_the_case_history():
    from svcworkbook.data import privacy

    contacts = recording_log()
    key = b"k" * 32
    cases = reliability.case_histories(contacts, 24, rows=4)
    extract = reliability.portfolio_extract(contacts, 24, rows=4, key=key)
    for column in reliability.EXTRACT_IDS:
        assert extract[column].tolist() == [privacy.token(v, key) for v in cases[column]]
        assert not set(extract[column]) & set(contacts[column].dropna())
    kept = [c for c in reliability.EXTRACT_COLUMNS if c not in reliability.EXTRACT_IDS]
    pd.testing.assert_frame_equal(extract[kept], cases[kept])
    # with no key a fresh random one is used, so two extracts do not share pseudonyms
    first = reliability.portfolio_extract(contacts, 24, rows=4)
    second = reliability.portfolio_extract(contacts, 24, rows=4)
    assert not set(first["customer_id"]) & set(second["customer_id"])


def test_daily_csat_equals_kpi_csat_of_each_day():
    data = generators.generate_all(seed=5, days=10)
    contacts, surveys = data["contacts"], data["surveys"]
    daily = reliability.daily_service_level(contacts, 20)
    both = reliability.reliability_and_satisfaction(daily, contacts, surveys)
    day_of = surveys["contact_id"].map(contacts.set_index("contact_id")["opened_at"]).dt.normalize()
    for _, row in both.iterrows():
        that_day = surveys.loc[day_of == row["day"]]
        assert row["csat"] == pytest.approx(kpi.csat(that_day), nan_ok=True)
        assert row["responses"] == that_day["csat"].notna().sum()


def test_weakest_weekday_check_uses_the_notebooks_short_abandon_threshold():
    """U2.E4's expected answer follows the run's short_abandon_s (issue 18): Monday has 3 calls
    in time and 2 abandoned at 8 s, Tuesday 2 in time and 1 late. With 5 s Monday is 3/5 = 60%
    (weakest, Tuesday 2/3); with 10 s the two abandons are short, Monday is 3/3 and Tuesday the
    weakest."""
    tuesday = T0 + pd.Timedelta(days=1)
    rows = [contact(f"M{i}", T0 + pd.Timedelta(minutes=i), 10) for i in range(3)]
    rows += [
        contact(f"A{i}", T0 + pd.Timedelta(minutes=5 + i), 8, abandoned=True) for i in range(2)
    ]
    rows += [contact(f"T{i}", tuesday + pd.Timedelta(minutes=i), 10) for i in range(2)]
    rows += [contact("T9", tuesday + pd.Timedelta(minutes=9), 30)]
    contacts = frame(rows)
    monday, tuesday_name = T0.day_name(), tuesday.day_name()
    check = reliability.check_weakest_weekday
    # a right choice needs its reason (issue 15): the weekday's mean service level
    assert check(monday, contacts, 20, reason="its average is 60.0%").status == "right"
    assert check(monday, contacts, 20, 10, reason="its average is 100.0%").status == "wrong"
    assert check(tuesday_name, contacts, 20, 10, reason="its average is 66.7%").status == "right"
