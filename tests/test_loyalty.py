"""Loyalty: bands, the latest response per customer, loyalty rates by band, satisfied customers
who left, and the exercise check, by hand."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcworkbook.errors import DataError
from svcworkbook.units.unit4_review import loyalty as ly

T0 = pd.Timestamp("2026-01-05 10:00")


def customers_frame(rows: list[tuple[str, int, int, bool]]) -> pd.DataFrame:
    """Customers from (id, purchases, referrals, retained)."""
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "purchases": [r[1] for r in rows],
            "referrals": [r[2] for r in rows],
            "retained": [r[3] for r in rows],
        }
    )


def surveys_frame(rows: list[tuple[str, int, int | None, int | None]]) -> pd.DataFrame:
    """Surveys from (customer, day answered, csat or None, nps or None)."""
    return pd.DataFrame(
        {
            "survey_id": [f"S{i:03d}" for i in range(len(rows))],
            "customer_id": [r[0] for r in rows],
            "sent_at": [T0 + pd.Timedelta(days=r[1]) for r in rows],
            "responded_at": [
                T0 + pd.Timedelta(days=r[1], hours=2) if r[2] is not None else pd.NaT for r in rows
            ],
            "responded": [r[2] is not None for r in rows],
            "csat": pd.array([r[2] for r in rows], dtype="Int64"),
            "nps": pd.array([r[3] for r in rows], dtype="Int64"),
        }
    )


CUSTOMERS = customers_frame(
    [
        ("K1", 3, 1, True),  # satisfied, loyal, referred
        ("K2", 1, 0, False),  # satisfied on the latest survey, but gone
        ("K3", 2, 0, False),  # satisfied, gone
        ("K4", 4, 2, True),  # dissatisfied, yet stays
        ("K5", 1, 0, True),  # neutral
        ("K6", 2, 0, False),  # never answered
    ]
)
SURVEYS = surveys_frame(
    [
        ("K1", 1, 5, 10),
        ("K2", 1, 1, 2),  # earlier: dissatisfied
        ("K2", 9, 4, 9),  # latest: satisfied promoter
        ("K3", 2, 5, 8),
        ("K4", 3, 2, 6),
        ("K5", 4, 3, 7),
        ("K6", 5, None, None),  # invited, no answer
    ]
)


def test_bands_and_groups():
    assert [ly.csat_band(s) for s in (1, 2, 3, 4, 5)] == [
        "dissatisfied (1-2)", "dissatisfied (1-2)", "neutral (3)", "satisfied (4-5)",
        "satisfied (4-5)",
    ]  # fmt: skip
    assert [ly.nps_group(s) for s in (0, 6, 7, 8, 9, 10)] == [
        "detractor (0-6)", "detractor (0-6)", "passive (7-8)", "passive (7-8)",
        "promoter (9-10)", "promoter (9-10)",
    ]  # fmt: skip
    assert ly.csat_band(None) == ly.nps_group(pd.NA) == ly.NO_RESPONSE
    with pytest.raises(DataError, match="outside the 1-5 scale"):
        ly.csat_band(7)
    with pytest.raises(DataError, match="outside the 0-10 scale"):
        ly.nps_group(11)


def test_latest_response_per_customer_is_used():
    latest = ly.latest_scores(SURVEYS).set_index("customer_id")
    assert latest.loc["K2", "csat"] == 4 and latest.loc["K2", "nps"] == 9
    assert "K6" not in latest.index


def test_loyalty_by_band_by_hand():
    joined = ly.customer_loyalty(CUSTOMERS, SURVEYS)
    table = ly.loyalty_by(joined).set_index("csat_band")
    satisfied = table.loc["satisfied (4-5)"]  # K1, K2, K3
    assert satisfied["customers"] == 3
    assert satisfied["repeat_purchase_rate"] == pytest.approx(2 / 3)  # K1, K3
    assert satisfied["retention_rate"] == pytest.approx(1 / 3)  # K1
    assert satisfied["referral_rate"] == pytest.approx(1 / 3)  # K1
    assert table.loc["dissatisfied (1-2)", "retention_rate"] == pytest.approx(1.0)  # K4
    assert table.loc[ly.NO_RESPONSE, "customers"] == 1
    assert ly.satisfied_not_retained(joined) == pytest.approx(2 / 3)
    # promoters: K1 (10, 1 referral) and K2 (9, none)
    assert ly.promoters_without_referral(joined) == pytest.approx(1 / 2)
    assert ly.loyalty_gap(table.reset_index()) == pytest.approx(1 / 3 - 1)
    nps = ly.loyalty_by(joined, "nps_group").set_index("nps_group")
    assert nps.loc["passive (7-8)", "customers"] == 2  # K3, K5
    text = ly.loyalty_sentences(joined, table.reset_index(), nps.reset_index(), "Acme")
    assert text[0].startswith("Of the 6 customers of Acme, 50.0% bought in the last 12 months")
    assert "66.7% of the 3 customers whose latest CSAT was 4 or 5" in text[1]
    assert "50.0% of promoters" in text[1]
    assert "66.7 percentage points lower than among dissatisfied ones: a clear link" in text[2]
    ly.loyalty_chart(table.reset_index())


def test_gap_sentence_calls_a_small_gap_weak():
    assert "4.0 percentage points higher" in ly.gap_sentence(0.04)
    assert "a weak link" in ly.gap_sentence(0.04)
    assert "a clear link" in ly.gap_sentence(0.25)
    assert "the same as" in ly.gap_sentence(0.0)


def test_no_satisfied_customers_gives_nan_not_zero():
    joined = ly.customer_loyalty(CUSTOMERS.iloc[3:], SURVEYS)
    assert math.isnan(ly.satisfied_not_retained(joined))
    table = ly.loyalty_by(joined)
    assert math.isnan(table.set_index("csat_band").loc["satisfied (4-5)", "retention_rate"])


def test_missing_columns_are_data_errors():
    with pytest.raises(DataError, match="retained"):
        ly.customer_loyalty(CUSTOMERS.drop(columns="retained"), SURVEYS)
    with pytest.raises(DataError, match="nps"):
        ly.latest_scores(SURVEYS.drop(columns="nps"))
    with pytest.raises(ValueError, match="csat_band"):
        ly.loyalty_by(ly.customer_loyalty(CUSTOMERS, SURVEYS), "team")


def test_check_names_the_slips():
    # satisfied (latest CSAT 4-5): K1 (1 referral), K2 (0), K3 (0) -> 1 of 3 referred = 33.3%
    check = ly.check_satisfied_referrers
    assert check(33.3, CUSTOMERS, SURVEYS).status == "right"
    assert check("33.3%", CUSTOMERS, SURVEYS).status == "right"
    assert check(33, CUSTOMERS, SURVEYS).judgement.slip == "rounded too far"
    everyone = check(33.4, CUSTOMERS, SURVEYS)  # K1 and K4 of 6 referred: 33.3% as well
    assert everyone.status == "wrong"
    # promoters (latest NPS 9-10): K1 (referred) and K2 (not) -> 50%
    assert check(50, CUSTOMERS, SURVEYS).judgement.slip == "promoters"
    gone = check(66.7, CUSTOMERS, SURVEYS)  # satisfied not retained: K2, K3 of 3
    assert gone.judgement.slip == "not retained"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.booleans(), st.integers(1, 5)), min_size=1,
                max_size=25))  # fmt: skip
def test_rates_stay_in_range_and_bands_cover_every_customer(rows):
    customers = customers_frame([(f"K{i}", p, 0, r) for i, (_, r, p) in enumerate(rows)])
    surveys = surveys_frame([(f"K{i}", 1, s, 9) for i, (s, _, _) in enumerate(rows)])
    joined = ly.customer_loyalty(customers, surveys)
    table = ly.loyalty_by(joined)
    assert table["customers"].sum() == len(rows)
    for column in ly.LOYALTY_MEASURES:
        assert table[column].dropna().between(0, 1).all()
    value = ly.satisfied_not_retained(joined)
    assert math.isnan(value) or 0 <= value <= 1
    reordered = ly.customer_loyalty(customers.iloc[::-1], surveys.iloc[::-1])
    assert ly.satisfied_not_retained(reordered) == pytest.approx(value, nan_ok=True)
