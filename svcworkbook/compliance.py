"""Checking a complaints log against UK law: refunds (Consumer Rights Act 2015), reasonable
adjustments (Equality Act 2010) and storage limitation (UK GDPR / Data Protection Act 2018).

These are record-keeping checks a service manager can run on their own log. They show where the
records suggest a procedure was not followed; they are not legal advice.
"""

from __future__ import annotations

import pandas as pd

#: Consumer Rights Act 2015 s.20(15): a refund is given without undue delay and in any event
#: within 14 days beginning with the day the trader agrees the consumer is entitled to it.
REFUND_DAYS = 14

REFUND_STATUSES = (
    "paid within 14 days",
    "paid late",
    "not yet paid, still within 14 days",
    "not yet paid, overdue",
)


def _as_of(frame: pd.DataFrame, as_of) -> pd.Timestamp:
    """The date the check is made: the given date, else the latest date in the log."""
    if as_of is not None:
        return pd.Timestamp(as_of)
    dates = frame[["received_at", "resolved_at", "refund_paid_at"]].stack()
    return pd.Timestamp(dates.max()) if len(dates) else pd.Timestamp.now().normalize()


def refund_timeliness(
    complaints: pd.DataFrame, as_of=None, days: int = REFUND_DAYS
) -> pd.DataFrame:
    """Each agreed refund with days taken: the agreement day is day 1, so on time = paid by day 14."""
    refunds = complaints.loc[complaints["refund_agreed_at"].notna()].copy()
    check_date = _as_of(complaints, as_of)
    agreed = refunds["refund_agreed_at"].dt.normalize()
    paid = refunds["refund_paid_at"].dt.normalize()
    deadline = agreed + pd.Timedelta(days=days - 1)
    refunds["deadline"] = deadline
    refunds["days_taken"] = (paid - agreed).dt.days + 1
    status = pd.Series(REFUND_STATUSES[0], index=refunds.index)
    status[paid.notna() & (paid > deadline)] = REFUND_STATUSES[1]
    status[paid.isna() & (check_date.normalize() <= deadline)] = REFUND_STATUSES[2]
    status[paid.isna() & (check_date.normalize() > deadline)] = REFUND_STATUSES[3]
    refunds["status"] = status
    return refunds[
        [
            "complaint_id",
            "refund_agreed_at",
            "refund_paid_at",
            "deadline",
            "days_taken",
            "status",
        ]
    ].reset_index(drop=True)


def refund_compliance(complaints: pd.DataFrame, as_of=None, days: int = REFUND_DAYS) -> float:
    """Share of refunds now due that were paid on time = on time / (paid + unpaid past deadline)."""
    table = refund_timeliness(complaints, as_of=as_of, days=days)
    due = table["status"] != REFUND_STATUSES[2]
    if not due.any():
        return float("nan")
    return float((table.loc[due, "status"] == REFUND_STATUSES[0]).mean())


def adjustment_requests(complaints: pd.DataFrame) -> pd.DataFrame:
    """Complaints where a customer asked for a reasonable adjustment, and whether it was recorded."""
    requested = complaints["adjustment_requested"].fillna("").astype(str).str.strip() != ""
    return complaints.loc[
        requested, ["complaint_id", "adjustment_requested", "adjustment_recorded"]
    ].reset_index(drop=True)


def adjustments_recorded(complaints: pd.DataFrame) -> float:
    """Share of adjustment requests recorded on the file = recorded / requested (NaN if none)."""
    table = adjustment_requests(complaints)
    if table.empty:
        return float("nan")
    return float(table["adjustment_recorded"].astype(bool).mean())


def retention_overdue(complaints: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Records still held after their retention date (UK GDPR Art. 5(1)(e) storage limitation)."""
    check_date = _as_of(complaints, as_of)
    overdue = complaints["retain_until"].notna() & (complaints["retain_until"] < check_date)
    return complaints.loc[overdue, ["complaint_id", "received_at", "retain_until"]].reset_index(
        drop=True
    )


def compliance_summary(complaints: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """One row per legal check: law, check, records checked, compliant, rate (NaN if none checked)."""
    refunds = refund_timeliness(complaints, as_of=as_of)
    due = refunds.loc[refunds["status"] != REFUND_STATUSES[2]]
    adjustments = adjustment_requests(complaints)
    overdue = retention_overdue(complaints, as_of=as_of)
    rows = [
        (
            "Consumer Rights Act 2015",
            "refund paid within 14 days of agreeing it",
            len(due),
            int((due["status"] == REFUND_STATUSES[0]).sum()),
        ),
        (
            "Equality Act 2010",
            "requested reasonable adjustment recorded",
            len(adjustments),
            int(adjustments["adjustment_recorded"].astype(bool).sum()),
        ),
        (
            "UK GDPR / Data Protection Act 2018",
            "record not kept past its retention date",
            len(complaints),
            len(complaints) - len(overdue),
        ),
    ]
    table = pd.DataFrame(rows, columns=["law", "check", "checked", "compliant"])
    table["rate"] = (table["compliant"] / table["checked"]).where(table["checked"] > 0)
    return table
