"""Legal record checks on a small complaints log worked by hand."""

import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from svcworkbook import compliance

T = pd.Timestamp


def log() -> pd.DataFrame:
    """Five complaints: refunds on day 14 (on time), day 15 (late), unpaid but in time, unpaid late."""
    return pd.DataFrame(
        {
            "complaint_id": ["K1", "K2", "K3", "K4", "K5"],
            "received_at": [T("2026-01-01")] * 4 + [T("2019-01-01")],
            "resolved_at": [T("2026-01-02")] * 5,
            "refund_agreed_at": [
                T("2026-01-05 10:00"),
                T("2026-01-05"),
                T("2026-01-25"),
                T("2026-01-01"),
                pd.NaT,
            ],
            "refund_paid_at": [T("2026-01-18 16:00"), T("2026-01-19"), pd.NaT, pd.NaT, pd.NaT],
            "adjustment_requested": ["large print", "", None, "call back", ""],
            "adjustment_recorded": [True, False, False, False, False],
            "retain_until": [T("2032-01-01")] * 4 + [T("2025-01-01")],
        }
    )


def test_refund_days_count_the_agreement_day_as_day_one():
    table = compliance.refund_timeliness(log(), as_of="2026-01-31")
    assert table["days_taken"].tolist()[:2] == [14, 15]
    assert table["status"].tolist() == [
        "paid within 14 days",
        "paid late",
        "not yet paid, still within 14 days",
        "not yet paid, overdue",
    ]
    assert table.loc[0, "deadline"] == T("2026-01-18")


def test_refund_compliance_counts_only_refunds_now_due():
    # due: K1 (on time), K2 (late), K4 (overdue); K3 is still within its 14 days -> 1 / 3
    assert compliance.refund_compliance(log(), as_of="2026-01-31") == 1 / 3


def test_no_refunds_due_is_nan_not_zero():
    frame = log().iloc[[2]]
    assert math.isnan(compliance.refund_compliance(frame, as_of="2026-01-26"))


def test_adjustments_recorded_uses_requests_as_denominator():
    assert compliance.adjustments_recorded(log()) == 0.5
    assert compliance.adjustment_requests(log())["complaint_id"].tolist() == ["K1", "K4"]


def test_retention_flags_records_past_their_date():
    overdue = compliance.retention_overdue(log(), as_of="2026-02-01")
    assert overdue["complaint_id"].tolist() == ["K5"]


def test_summary_rows_match_the_individual_checks():
    summary = compliance.compliance_summary(log(), as_of="2026-01-31").set_index("law")
    assert summary.loc["Consumer Rights Act 2015", ["checked", "compliant"]].tolist() == [3, 1]
    assert summary.loc["Equality Act 2010", "rate"] == 0.5
    assert summary.loc["UK GDPR / Data Protection Act 2018", "compliant"] == 4


def test_as_of_defaults_to_the_latest_date_in_the_log():
    assert (
        compliance.refund_timeliness(log())["status"].iloc[2]
        == "not yet paid, still within 14 days"
    )


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=30), st.randoms())
def test_refund_compliance_is_a_rate_and_ignores_row_order(delays, rnd):
    agreed = T("2026-03-01")
    frame = pd.DataFrame(
        {
            "complaint_id": [f"K{i}" for i in range(len(delays))],
            "received_at": agreed,
            "resolved_at": agreed,
            "refund_agreed_at": agreed,
            "refund_paid_at": [agreed + pd.Timedelta(days=d) for d in delays],
        }
    )
    rate = compliance.refund_compliance(frame, as_of="2026-06-01")
    assert 0 <= rate <= 1
    assert rate == sum(d <= 13 for d in delays) / len(delays)
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 999))
    assert compliance.refund_compliance(shuffled, as_of="2026-06-01") == rate
