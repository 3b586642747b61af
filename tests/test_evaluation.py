"""Evaluating an improvement: baseline, before/after, shift chart, sustainment, report."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcworkbook.errors import DataError, ParameterError
from svcworkbook.units.unit5_improvement import evaluation

START = pd.Timestamp("2026-01-05")  # a Monday
CHANGE = pd.Timestamp("2026-01-19")  # 14 days in


def make_contacts(fcr_by_day: list[float], per_day: int = 20, abandoned_per_day: int = 2):
    """Answered contacts each day with the given FCR share (exact), plus abandoned calls."""
    rows = []
    for day, share in enumerate(fcr_by_day):
        resolved = round(share * per_day)
        for i in range(per_day + abandoned_per_day):
            abandoned = i >= per_day
            rows.append(
                {
                    "contact_id": f"C{day:03d}{i:03d}",
                    "opened_at": START + pd.Timedelta(days=day, hours=9, minutes=i),
                    "channel": "phone",
                    "abandoned": abandoned,
                    "resolved_first_contact": (not abandoned) and i < resolved,
                    "handle_time_s": np.nan if abandoned else 300.0 + 10 * (day >= 14),
                    "queue_wait_s": 10.0,
                }
            )
    return pd.DataFrame(rows)


def make_surveys(csat_by_day: list[float], per_day: int = 10):
    """Responded surveys each day: the given share score 5, the rest 2; one unanswered a day."""
    rows = []
    for day, share in enumerate(csat_by_day):
        satisfied = round(share * per_day)
        for i in range(per_day + 1):
            responded = i < per_day
            rows.append(
                {
                    "survey_id": f"S{day:03d}{i:03d}",
                    "sent_at": START + pd.Timedelta(days=day, hours=12, minutes=i),
                    "responded": responded,
                    "csat": (5.0 if i < satisfied else 2.0) if responded else np.nan,
                }
            )
    return pd.DataFrame(rows)


FCR = [0.6] * 14 + [0.8] * 14
CSAT = [0.7] * 14 + [0.9] * 14


def test_baseline_is_the_period_before_the_change_against_targets():
    table = evaluation.baseline_table(
        make_contacts(FCR),
        make_surveys(CSAT),
        CHANGE,
        {"first_contact_resolution": 0.75, "csat": 0.8},
    )
    fcr = table.set_index("measure").loc["first_contact_resolution"]
    # 12 of 20 answered contacts each day before the change; abandoned calls are not counted
    assert fcr["baseline"] == pytest.approx(0.6)
    assert fcr["variance"] == pytest.approx(-0.15)
    assert not fcr["met"]
    csat = table.set_index("measure").loc["csat"]
    assert csat["baseline"] == pytest.approx(0.7)  # 7 of 10 responses score 4-5


def test_before_after_uses_every_row_on_each_side():
    results = evaluation.compare_before_after(make_contacts(FCR), make_surveys(CSAT), CHANGE)
    fcr = results["first_contact_resolution"]
    assert (fcr.before, fcr.after) == (pytest.approx(0.6), pytest.approx(0.8))
    assert (fcr.n_before, fcr.n_after) == (280, 280)  # 14 days x 20 answered contacts
    # the two-proportion z statistic by hand: pooled p = 0.7
    z = 0.2 / math.sqrt(0.7 * 0.3 * (2 / 280))
    assert fcr.p_value == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(z / math.sqrt(2)))), rel=1e-6)
    assert fcr.significant
    aht = results["average_handle_time"]
    assert aht.difference == pytest.approx(10.0)  # medians 300 s and 310 s
    table = evaluation.comparison_table(results)
    assert table.set_index("measure").loc["first_contact_resolution", "improved"]
    assert not table.set_index("measure").loc["average_handle_time", "improved"]


def test_no_change_is_not_called_an_improvement():
    flat = [0.7] * 28
    results = evaluation.compare_before_after(make_contacts(flat), make_surveys(flat), CHANGE)
    assert results["first_contact_resolution"].difference == pytest.approx(0)
    assert not results["first_contact_resolution"].significant
    sentences = evaluation.comparison_sentences(results)
    assert "not statistically significant" in sentences[0]


@pytest.mark.parametrize(
    "change, message",
    [
        (None, "change_date is not set"),
        ("next week", "is not a date"),
        ("2026-01-08", "too little data on one side"),
        ("2026-01-22", "too little data on one side"),
    ],
)
def test_a_bad_change_date_is_refused_clearly(change, message):
    with pytest.raises(ParameterError, match=message):
        evaluation.check_change_date(change, make_contacts(FCR))


def test_the_shift_chart_takes_its_limits_from_the_baseline_only():
    wobble = [0.55, 0.65] * 7 + [0.8] * 14
    contacts = make_contacts(wobble)
    daily = evaluation.daily_measure("first_contact_resolution", contacts, make_surveys(CSAT))
    assert len(daily) == 28
    chart = evaluation.shift_chart(daily, CHANGE)
    # baseline mean 0.6; mean moving range 0.1 -> limits 0.6 +/- 2.66 x 0.1
    assert chart["centre"].iloc[0] == pytest.approx(0.6)
    assert chart["ucl"].iloc[0] == pytest.approx(0.6 + 0.266)
    flags = evaluation.signals_after(chart, CHANGE)
    assert not flags.empty  # 14 days in a row above the old centre line
    assert set(flags["direction"]) == {"above"}


def test_a_shift_chart_needs_a_baseline():
    daily = pd.Series([0.5] * 10, index=pd.date_range("2026-01-15", periods=10))
    with pytest.raises(DataError, match="only 4 day"):
        evaluation.shift_chart(daily, "2026-01-19")


def test_sustainment_tells_holding_from_slipping():
    holding = evaluation.sustainment(
        "first_contact_resolution",
        make_contacts([0.6] * 14 + [0.8] * 42),
        make_surveys([0.7] * 56),
        CHANGE,
    )
    assert holding.retained == pytest.approx(1.0) and not holding.slipping
    fading = [0.6] * 14 + [0.8] * 21 + [0.65] * 21
    slipping = evaluation.sustainment(
        "first_contact_resolution", make_contacts(fading), make_surveys([0.7] * 56), CHANGE
    )
    # early gain 0.2, late gain 0.05: a quarter of it remains
    assert slipping.retained == pytest.approx(0.25)
    assert slipping.slipping
    assert "slipping" in slipping.sentence("Northgate")
    assert "Northgate" in slipping.sentence("Northgate")


def test_sustainment_words_a_growing_gain_and_a_lost_one():
    """Finding 14: never '108% of the early gain remains' nor 'only 0%'."""
    growing = evaluation.sustainment(
        "first_contact_resolution",
        make_contacts([0.6] * 14 + [0.7] * 21 + [0.8] * 21),
        make_surveys([0.7] * 56),
        CHANGE,
    )
    assert growing.retained == pytest.approx(2.0)  # late gain 0.2 over an early gain of 0.1
    text = growing.sentence("Northgate")
    assert "has grown since the first weeks" in text and "200%" not in text
    lost = evaluation.sustainment(
        "first_contact_resolution",
        make_contacts([0.6] * 14 + [0.8] * 21 + [0.55] * 21),
        make_surveys([0.7] * 56),
        CHANGE,
    )
    assert lost.retained == pytest.approx(-0.25) and lost.slipping
    text = lost.sentence("Northgate")
    assert "none of the early gain remains" in text and "0%" not in text.split(":")[1]


def test_sustainment_needs_enough_weeks_after_the_change():
    with pytest.raises(DataError, match="needs 6 weeks of data after the change"):
        evaluation.sustainment(
            "first_contact_resolution", make_contacts(FCR), make_surveys(CSAT), CHANGE, weeks=3
        )
    # by default it compares the first and the last week of the two after the change
    short = evaluation.sustainment(
        "first_contact_resolution",
        make_contacts([0.6] * 14 + [0.8] * 7 + [0.75] * 7),
        make_surveys(CSAT),
        CHANGE,
    )
    assert (short.early, short.late) == (pytest.approx(0.8), pytest.approx(0.75))
    assert short.retained == pytest.approx(0.75) and not short.slipping


def test_the_report_links_each_outcome_to_its_objective():
    contacts, surveys = make_contacts(FCR), make_surveys([0.7] * 28)
    targets = {"first_contact_resolution": 0.75, "csat": 0.8}
    baseline = evaluation.baseline_table(contacts, surveys, CHANGE, targets)
    report = evaluation.evaluation_report(
        baseline, evaluation.compare_before_after(contacts, surveys, CHANGE), "Northgate"
    )
    rows = report.set_index("measure")
    assert rows.loc["first_contact_resolution", "verdict"].startswith("objective achieved")
    assert rows.loc["first_contact_resolution", "variance_after"] == pytest.approx(0.05)
    assert rows.loc["csat", "verdict"].startswith("no measurable change and short")
    evidence = evaluation.evidence_table(report)
    assert "1 of 2 objectives achieved" in " ".join(evidence["evidence"])
    assert {"U5.MP1", "U5.MP2", "U5.MP3", "U5.MP4"} <= set(
        ", ".join(evidence["marking_points"]).split(", ")
    )


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=28, max_size=28), st.randoms(use_true_random=False))
def test_row_order_changes_nothing(shares, random):
    contacts = make_contacts(shares)
    surveys = make_surveys(shares)
    shuffled = contacts.sample(frac=1, random_state=random.randint(0, 2**31))
    a = evaluation.compare_before_after(
        contacts, surveys, CHANGE, measures=("first_contact_resolution",)
    )
    b = evaluation.compare_before_after(
        shuffled, surveys, CHANGE, measures=("first_contact_resolution",)
    )
    assert a["first_contact_resolution"].before == b["first_contact_resolution"].before
    assert 0 <= a["first_contact_resolution"].after <= 1


def test_the_change_date_comes_from_the_generator_note_or_must_be_given(tmp_path):
    from svcworkbook.data import generators, loading

    contacts = generators.generate("contacts", seed=4, scenario="slipping")
    loading.write_about(tmp_path, 4, "slipping")
    found = evaluation.resolve_change_date(None, {"data_dir": str(tmp_path)}, contacts)
    assert found == generators.change_date("slipping")
    # generated data without a note: the scenario's own date, or the improvement's for baseline
    assert evaluation.resolve_change_date(None, {"scenario": "baseline"}, contacts) == (
        generators.change_date("improvement")
    )
    # an export of your own (no note) needs the date
    with pytest.raises(ParameterError, match="change_date is not set"):
        evaluation.resolve_change_date(None, {"data_dir": str(tmp_path / "none")}, contacts)
    assert evaluation.resolve_change_date(
        "2026-02-09", {"data_dir": str(tmp_path)}, contacts
    ) == pd.Timestamp("2026-02-09")


def test_the_shift_is_described_by_days_beyond_limits_and_the_longest_run():
    wobble = [0.55, 0.65] * 7 + [0.8] * 10 + [0.95] * 4
    daily = evaluation.daily_measure(
        "first_contact_resolution", make_contacts(wobble), make_surveys(CSAT)
    )
    chart = evaluation.shift_chart(daily, CHANGE)
    sentence = evaluation.shift_sentence(chart, evaluation.signals_after(chart, CHANGE), CHANGE)
    # UCL 0.866: the four days at 95% are above it; all 14 days sit above the centre (60%)
    assert "4 of 14 days are above the baseline's upper control limit" in sentence
    assert "longest run on one side of the old centre line (60.0%) is 14 days" in sentence
    early = CHANGE - pd.Timedelta(days=7)  # a "change" inside the wobbling baseline
    flat = evaluation.shift_chart(daily.iloc[:14], early)
    calm = evaluation.shift_sentence(flat, evaluation.signals_after(flat, early), early)
    assert "none of the 7 days is outside the limits" in calm
    assert "has not shifted detectably" in calm


def test_the_comparison_table_reads_in_percent_and_seconds():
    results = evaluation.compare_before_after(make_contacts(FCR), make_surveys(CSAT), CHANGE)
    table = evaluation.comparison_display(results).set_index("measure")
    assert table.loc["First contact resolution", "before"] == "60.0%"
    assert table.loc["First contact resolution", "after"] == "80.0%"
    assert table.loc["Average handle time", "difference"].startswith("+10")
    assert table.loc["First contact resolution", "significant"] == "yes"


def test_without_surveys_csat_is_left_out_and_said_so():
    """Contacts alone (surveys None): FCR and handle time are evaluated, CSAT is left out of the
    baseline and the comparison, with the reason (issue 18)."""
    contacts = make_contacts(FCR)
    change = START + pd.Timedelta(days=14)
    objectives = {"first_contact_resolution": 0.75, "csat": 0.8}
    baseline = evaluation.baseline_table(contacts, None, change, objectives)
    assert baseline["measure"].tolist() == ["first_contact_resolution"]
    assert baseline["baseline"].iloc[0] == pytest.approx(0.6)
    comparisons = evaluation.compare_before_after(contacts, None, change)
    assert list(comparisons) == ["first_contact_resolution", "average_handle_time"]
    assert evaluation.left_out_sentences(contacts, None) == [
        "CSAT (share scoring 4-5) is left out of the evaluation: no surveys file was given."
    ]
    assert evaluation.left_out_sentences(contacts, make_surveys(CSAT)) == []
    assert evaluation.resolve_change_date(None, {"data_dir": "x"}, None) is None
    assert "No contacts file was given" in evaluation.start_sentence("your files", None)
