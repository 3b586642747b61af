"""Measurement plan: the review window, baselines and results by hand, SMART text, checks."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcworkbook.errors import DataError
from svcworkbook.units.unit4_review import measurement_plan as mp

START = pd.Timestamp("2026-01-05")
TARGETS = {
    "csat_target": 0.8,
    "response_rate_target": 0.3,
    "mystery_shop_target": 0.8,
    "complaint_resolution_days": 14,
}


def contacts_over(days: int) -> pd.DataFrame:
    """One contact at 10:00 on each of `days` days from START."""
    return pd.DataFrame(
        {"opened_at": [START + pd.Timedelta(days=d, hours=10) for d in range(days)]}
    )


def surveys_frame(rows: list[tuple[int, int | None]]) -> pd.DataFrame:
    """Surveys from (day offset, CSAT or None for no response)."""
    return pd.DataFrame(
        {
            "sent_at": [START + pd.Timedelta(days=d, hours=12) for d, _ in rows],
            "responded": [s is not None for _, s in rows],
            "csat": pd.array([s for _, s in rows], dtype="Int64"),
        }
    )


def shops_frame(rows: list[tuple[int, bool]]) -> pd.DataFrame:
    """Mystery shops from (day offset, standard met)."""
    return pd.DataFrame(
        {
            "visited_at": [START + pd.Timedelta(days=d, hours=11) for d, _ in rows],
            "standard_met": [m for _, m in rows],
        }
    )


def complaints_frame(rows: list[tuple[int, float | None]]) -> pd.DataFrame:
    """Complaints from (day offset received, days to resolve or None if open)."""
    received = [START + pd.Timedelta(days=d, hours=9) for d, _ in rows]
    return pd.DataFrame(
        {
            "received_at": received,
            "resolved_at": [
                pd.NaT if t is None else r + pd.Timedelta(days=t)
                for r, (_, t) in zip(received, rows, strict=True)
            ],
        }
    )


def test_window_uses_four_weeks_of_baseline_or_half_of_short_data():
    window = mp.review_window(contacts_over(84))
    assert window.start == START
    assert window.baseline_end == START + pd.Timedelta(days=28)
    assert window.end == START + pd.Timedelta(days=84)
    assert window.describe() == ("5 Jan 2026 to 1 Feb 2026", "2 Feb 2026 to 29 Mar 2026")
    short = mp.review_window(contacts_over(7))
    assert short.baseline_end == START + pd.Timedelta(days=3)  # 7 // 2
    with pytest.raises(DataError, match="covers one day"):
        mp.review_window(contacts_over(1))
    with pytest.raises(DataError, match="opened_at"):
        mp.review_window(pd.DataFrame({"when": [START]}))


def test_plan_values_by_hand():
    window = mp.review_window(contacts_over(84))
    surveys = surveys_frame(
        # baseline: 3 sent, 2 responded (5, 3) -> CSAT 1/2, response 2/3
        [(1, 5), (2, 3), (3, None)]
        # review: 4 sent, 3 responded (4, 5, 2) -> CSAT 2/3, response 3/4
        + [(30, 4), (40, 5), (50, 2), (60, None)]
    )
    shops = shops_frame([(2, True), (5, False), (29, True), (70, True)])
    complaints = complaints_frame([(-2000, 1), (3, 4), (10, 10), (35, 20), (45, None)])
    plan = mp.measurement_plan(
        {"surveys": surveys, "mystery_shops": shops, "complaints": complaints}, TARGETS, window
    )
    rows = plan.set_index("measure")
    assert rows.loc["csat", "baseline"] == pytest.approx(1 / 2)
    assert rows.loc["csat", "result"] == pytest.approx(2 / 3)
    assert not rows.loc["csat", "met"]  # 66.7% < 80%
    assert rows.loc["survey_response_rate", "baseline"] == pytest.approx(2 / 3)
    assert rows.loc["survey_response_rate", "result"] == pytest.approx(3 / 4)
    assert rows.loc["survey_response_rate", "met"]  # 75% >= 30%
    assert rows.loc["mystery_shop_met", "baseline"] == pytest.approx(1 / 2)
    assert rows.loc["mystery_shop_met", "result"] == pytest.approx(1.0)
    assert rows.loc["mystery_shop_met", "met"]
    # the 2020 complaint is outside the window; baseline mean of 4 and 10 days; review: 20 days
    assert rows.loc["complaint_resolution_time", "baseline"] == pytest.approx(7.0)
    assert rows.loc["complaint_resolution_time", "result"] == pytest.approx(20.0)
    assert not rows.loc["complaint_resolution_time", "met"]  # lower is better, 20 > 14
    assert rows.loc["complaint_resolution_time", "n_review"] == 2
    text = rows.loc["csat", "objective"]
    assert "at least 80%" in text and "2 Feb 2026 to 29 Mar 2026" in text
    assert "no more than 14 days" in rows.loc["complaint_resolution_time", "objective"]
    shown = mp.readable(plan).set_index("measure")
    assert shown.loc["csat", "result"] == "66.7%" and shown.loc["csat", "met"] == "missed"
    assert shown.loc["complaint_resolution_time", "baseline"] == "7.0 days"
    sentences = mp.plan_sentences(plan, "Acme")
    assert sentences[-1].startswith("Acme met 2 of its 4 review objectives")
    assert "66.7%" in sentences[0] and "target missed" in sentences[0]


def test_no_data_is_never_met_and_shown_as_a_dash():
    window = mp.review_window(contacts_over(10))
    plan = mp.measurement_plan(
        {
            "surveys": surveys_frame([(1, 5)]),
            "mystery_shops": shops_frame([(1, True)]),
            "complaints": complaints_frame([(1, 2)]),
        },
        TARGETS,
        window,
    )
    assert not plan["met"].any()
    assert math.isnan(plan["result"].iloc[0])
    assert (mp.readable(plan)["result"] == "–").all()
    assert "could not be calculated" in mp.plan_sentences(plan, "Acme")[0]


def test_a_missing_target_or_measure_is_a_clear_error():
    window = mp.review_window(contacts_over(10))
    data = {"surveys": surveys_frame([(1, 5)]), "mystery_shops": shops_frame([(1, True)])}
    with pytest.raises(ValueError, match="complaint_resolution_days"):
        mp.measurement_plan(
            data, {k: v for k, v in TARGETS.items() if k != "complaint_resolution_days"}, window
        )
    plan = mp.measurement_plan(data, TARGETS, window)  # no complaints: that measure left out
    assert "complaint_resolution_time" not in set(plan["measure"])
    assert {"csat", "survey_response_rate", "mystery_shop_met"} <= set(plan["measure"])
    with pytest.raises(ValueError, match="unknown measure"):
        mp.measure_value("speed", data["surveys"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 83), st.booleans()), min_size=1, max_size=40))
def test_met_rate_is_a_share_and_order_does_not_matter(rows):
    shops = shops_frame(rows)
    rate = mp.mystery_shop_met_rate(shops)
    assert 0 <= rate <= 1
    assert rate == pytest.approx(mp.mystery_shop_met_rate(shops.iloc[::-1]))
    window = mp.review_window(contacts_over(84))
    before, after = mp.split_rows(shops, "visited_at", window)
    assert len(before) + len(after) == len(shops)


def test_check_baseline_at_one_touchpoint_names_the_slips():
    window = mp.review_window(contacts_over(84))
    surveys = surveys_frame([(1, 5), (2, 3), (3, 2), (30, 4), (70, 5), (71, 2)]).assign(
        touchpoint=["phone", "phone", "email", "email", "phone", "phone"]
    )
    data = {"surveys": surveys}
    # baseline phone: 5 and 3 -> 1 of 2 = 50%; every touchpoint 5, 3, 2, 4 -> 2 of 4... unless
    # day 30 falls in the review: worked out from the window itself
    before, after = mp.split_rows(surveys, "sent_at", window)
    assert len(before) >= 3
    check = mp.check_baseline
    assert check(50, data, window).status == "right" and check("50%", data, window).right
    assert check(0.5, data, window).judgement.slip == "fraction"
    every = round(100 * (before["csat"] >= 4).mean(), 1)
    if every != 50:
        assert check(every, data, window).judgement.slip == "every touchpoint"
    review = check(50.1, data, window)
    assert review.status == "wrong" and review.judgement.slip is None
    assert check(None, data, window).status == "not attempted"


def test_plan_chart_shows_the_share_objectives_only():
    import matplotlib

    matplotlib.use("Agg")
    window = mp.review_window(contacts_over(84))
    plan = mp.measurement_plan(
        {
            "surveys": surveys_frame([(1, 5), (30, 4)]),
            "mystery_shops": shops_frame([(1, True), (30, False)]),
            "complaints": complaints_frame([(1, 2), (30, 3)]),
        },
        TARGETS,
        window,
    )
    ax = mp.plan_chart(plan)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Mystery shops meeting the standard", "Survey response rate", "CSAT"]


def test_csat_objective_is_judged_at_every_touchpoint():
    """Finding 4: pooled CSAT 10/11 = 90.9% meets 80%, but email's 2/3 = 66.7% does not, so the
    objective 'at every touchpoint' is missed and the sentence names email with its figure."""
    window = mp.review_window(contacts_over(84))
    review = [(30, 5)] * 7 + [(31, 4)] + [(32, 4), (33, 5), (34, 2)]
    surveys = surveys_frame([(1, 5)] + review)
    surveys["touchpoint"] = ["phone"] * 9 + ["email"] * 3
    datasets = {
        "surveys": surveys,
        "mystery_shops": shops_frame([(2, True), (40, True)]),
        "complaints": complaints_frame([(3, 4), (40, 2)]),
    }
    rows = mp.measurement_plan(datasets, TARGETS, window).set_index("measure")
    assert rows.loc["csat", "result"] == pytest.approx(10 / 11)  # overall above the target
    assert not rows.loc["csat", "met"]
    assert rows.loc["csat", "short_at"] == "email 66.7%"
    assert "every touchpoint" in rows.loc["csat", "objective"]
    sentence = mp.plan_sentences(rows.reset_index(), "Acme")[0]
    assert "email 66.7%" in sentence and "not met" in sentence
    # with every touchpoint at or above 80% the objective is met
    surveys.loc[surveys["touchpoint"] == "email", "csat"] = [4, 5, 5]
    rows = mp.measurement_plan(datasets, TARGETS, window).set_index("measure")
    assert rows.loc["csat", "met"] and rows.loc["csat", "short_at"] == ""


def test_a_small_mystery_shop_sample_carries_a_warning_with_its_p_value():
    """Finding 14: 23 of 27 visits to 23 of 34 is a fall, but could be chance. The pooled
    two-proportion z-test by hand: p = erfc(|z| / sqrt 2) = 0.114."""
    window = mp.review_window(contacts_over(84))
    shops = shops_frame(
        [(1 + d % 27, d < 23) for d in range(27)] + [(30 + d, d < 23) for d in range(34)]
    )
    datasets = {
        "surveys": surveys_frame([(1, 5), (40, 5)]),
        "mystery_shops": shops,
        "complaints": complaints_frame([(3, 4), (40, 2)]),
    }
    plan = mp.measurement_plan(datasets, TARGETS, window)
    sentence = mp.plan_sentences(plan, "Acme")[2]
    pooled = 46 / 61
    z = (23 / 34 - 23 / 27) / math.sqrt(pooled * (1 - pooled) * (1 / 27 + 1 / 34))
    p_value = math.erfc(abs(z) / math.sqrt(2))
    assert f"p = {p_value:.3f}" == "p = 0.114"
    assert "Small sample: 23 of 27 visits before and 23 of 34 in the review period" in sentence
    assert f"p = {p_value:.3f}" in sentence
    big = shops_frame(
        [(1 + d % 27, d < 50) for d in range(60)] + [(30 + d % 50, True) for d in range(60)]
    )
    plan = mp.measurement_plan({**datasets, "mystery_shops": big}, TARGETS, window)
    assert "Small sample" not in mp.plan_sentences(plan, "Acme")[2]
