"""Legal record checks on a small complaints log worked by hand; unit 1's compliance and
privacy sentences, refund exercise, refund chart and pseudonymised complaints log."""

import math

import matplotlib
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from svcworkbook.data import privacy
from svcworkbook.units.unit1_environment import compliance

matplotlib.use("Agg")

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


# --- the law in the complaints log in words (unit 1) ------------------------------------------


def complaints() -> pd.DataFrame:
    """Four complaints: a refund on day 14 (on time), one on day 15 (late), one unpaid and still
    in time; two adjustment requests, one recorded; one record past its retention date."""
    return pd.DataFrame(
        {
            "complaint_id": ["K1", "K2", "K3", "K4"],
            "customer_id": ["C1", "C2", "C3", "C4"],
            "customer_name": ["Ann Smith", "Raj Patel", "Li Wong", "Jo Bloggs"],
            "customer_email": ["ann@example.com", "raj@example.com", None, "jo@example.com"],
            "received_at": [T("2026-01-01")] * 3 + [T("2019-01-01")],
            "resolved_at": [T("2026-01-02")] * 4,
            "refund_agreed_at": [T("2026-01-05"), T("2026-01-05"), T("2026-01-30"), pd.NaT],
            "refund_paid_at": [T("2026-01-18"), T("2026-01-19"), pd.NaT, pd.NaT],
            "adjustment_requested": ["large print", "call back", None, None],
            "adjustment_recorded": [True, False, False, False],
            "retain_until": [T("2032-01-01")] * 3 + [T("2025-01-01")],
        }
    )


def test_compliance_sentences_by_hand():
    cra, eqa, gdpr = compliance.compliance_sentences(complaints(), "Acme")
    # as of the latest date in the log (19 Jan): K1 on time, K2 late, K3 not yet due
    assert "of 2 refunds now due, 1 (50.0%) was paid within 14 days" in cra
    assert "1 was paid late and 0 are unpaid" in cra
    assert "1 more refund not yet paid" in cra
    assert "1 of 2 requests for a reasonable adjustment" in eqa and "(50.0%)" in eqa
    assert "1 record of 4 is still held past the retention date" in gdpr
    assert "delete or anonymise it," in gdpr
    assert "1 Jan 2025" in gdpr


def test_refund_exercise_matches_compliance_and_names_slips():
    frame = complaints()
    expected = compliance.refund_compliance(frame)
    assert expected == 0.5
    assert compliance.check_refund_compliance(0.5, frame).status == "right"
    assert compliance.check_refund_compliance(50, frame).status == "right"
    all_refunds = compliance.check_refund_compliance(1 / 3, frame)
    assert all_refunds.status == "close" and "not yet due" in all_refunds.message
    window = compliance.check_refund_compliance(1.0, frame)  # day 15 counted as on time
    assert window.status == "close" and "day 1" in window.message
    none_due = frame.iloc[[2]]
    assert compliance.check_refund_compliance(0.5, none_due).status == "missing"


def test_pseudonymised_complaints_hide_people_but_keep_the_checks():
    frame = complaints()
    key = b"k" * 32
    cleaned = compliance.pseudonymised_complaints(frame, key=key)
    for column in ("customer_id", "customer_name", "customer_email"):
        assert cleaned[column].dropna().str.match(r"^P-[0-9a-f]{12}$").all(), column
    assert cleaned.loc[0, "customer_name"] == privacy.token("Ann Smith", key)
    assert pd.isna(cleaned.loc[2, "customer_email"])
    assert privacy.personal_data_left(cleaned) == []
    pd.testing.assert_frame_equal(
        compliance.compliance_summary(cleaned), compliance.compliance_summary(frame)
    )
    found = privacy.find_personal_data(frame)
    lines = compliance.privacy_sentences(found, frame, cleaned, "Acme")
    assert "customer_name (name)" in lines[0]
    assert "customer_id, customer_name and customer_email were replaced" in lines[1]
    assert lines[2].startswith("No emails or phone numbers are left")


def test_refund_chart_marks_the_late_refund():
    ax = compliance.refund_chart(compliance.refund_timeliness(complaints()))
    assert sorted(p.get_x() + p.get_width() / 2 for p in ax.patches) == [14, 15]
