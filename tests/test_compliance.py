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


def test_refund_exercise_within_a_week_names_each_slip():
    # K1 paid on day 7 (within a week), K2 on day 8 (not), K3 agreed later: not yet due
    frame = complaints().assign(
        refund_paid_at=[T("2026-01-11"), T("2026-01-12"), pd.NaT, pd.NaT],
        resolved_at=[T("2026-01-19")] * 4,
    )
    assert compliance.refund_compliance(frame, days=7) == 0.5  # 1 of the 2 due
    check = compliance.check_refund_within
    assert check(50, frame).status == "right" and check("50.0%", frame).status == "right"
    assert (check(0.5, frame).status, check(0.5, frame).judgement.slip) == ("close", "fraction")
    legal = check(100, frame)  # both were paid within the legal 14 days
    assert legal.status == "wrong" and legal.judgement.slip == "14 days"
    every = check(33.3, frame)  # 1 of all 3 agreed refunds
    assert every.judgement.slip == "every refund" and "not yet due" in every.message
    assert check(75, frame).judgement.slip is None
    none_due = frame.iloc[[2]]
    assert check(50, none_due).status == "not attempted"
    assert "nothing to check" in check(50, none_due).message


def test_pseudonymised_complaints_hide_people_but_keep_the_checks():
    frame = complaints()
    key = b"k" * 32
    cleaned = compliance.pseudonymised_complaints(frame, key=key)
    for column in ("customer_id", "customer_name", "customer_email"):
        assert cleaned[column].dropna().str.match(r"^P-[0-9a-f]{12}$").all(), column
    # names are tokenised case-folded with spaces normalised: one person, one token
    assert cleaned.loc[0, "customer_name"] == privacy.token("ann smith", key)
    assert privacy.token(" ANN  Smith", key, "name") == privacy.token("ann smith", key)
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
