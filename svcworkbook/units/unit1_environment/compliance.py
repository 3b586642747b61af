"""Checking a complaints log against UK law: refunds (Consumer Rights Act 2015), reasonable
adjustments (Equality Act 2010) and storage limitation (UK GDPR / Data Protection Act 2018).

These are record-keeping checks a service manager can run on their own log. They show where the
records suggest a procedure was not followed; they are not legal advice.

Unit 1 runs them on a log whose customer ids and personal data were first replaced by keyed
pseudonyms (:func:`pseudonymised_complaints`, data minimisation under UK GDPR), puts what they
found into sentences (:func:`privacy_sentences`, :func:`compliance_sentences`), charts the days
taken to pay refunds (:func:`refund_chart`) and checks a learner's refund compliance rate
(:func:`check_refund_compliance`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcworkbook.errors import require_columns
from svcworkbook.learning import exercises
from svcworkbook.report import narrative

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


# ---------------------------------------------------------------------------------------------
# The law in the complaints log in words (unit 1): the log pseudonymised before the checks, the
# checks as sentences, the refund chart and the refund exercise
# ---------------------------------------------------------------------------------------------


def pseudonymised_complaints(complaints: pd.DataFrame, key: bytes | None = None) -> pd.DataFrame:
    """The complaints log with the customer id and every column found to hold personal data by
    name (name, email, phone, postcode) replaced by keyed pseudonyms (HMAC-SHA256) before any
    analysis. With no key a random one is used and thrown away, so nobody can reverse them."""
    import secrets

    from svcworkbook.data import privacy

    found = privacy.find_personal_data(complaints)
    columns = [c for c in ("customer_id",) if c in complaints.columns]
    columns += [c for c in found["column"] if c not in columns and c not in ("comment", "notes")]
    key = secrets.token_bytes(32) if key is None else key
    return privacy.pseudonymise(complaints, key, columns)


def privacy_sentences(
    found: pd.DataFrame, original: pd.DataFrame, cleaned: pd.DataFrame, organisation: str
) -> list[str]:
    """What personal data the log held, that it was pseudonymised before the analysis, and what
    is left (UK GDPR data minimisation)."""
    from svcworkbook.data import privacy

    if found.empty:
        first = (
            f"No personal data (names, emails, phone numbers or postcodes) was found in the "
            f"complaints log of {organisation}, by column name or by content."
        )
    else:
        kinds = [f"{row.column} ({row.kind})" for row in found.itertuples(index=False)]
        first = (
            f"The complaints log of {organisation} holds personal data in {len(found)} column(s): "
            f"{narrative.join_words(kinds)}, found by column name and by content."
        )
    changed = [c for c in original.columns if not original[c].equals(cleaned[c])]
    second = (
        f"Before the analysis {narrative.join_words(changed) or 'nothing'} "
        f"{'was' if len(changed) == 1 else 'were'} replaced with keyed pseudonyms (HMAC-SHA256, "
        "with a random key that is then thrown away). The legal checks need only dates, "
        "remedies and adjustments, so nobody's identity is needed: this is data minimisation "
        "under UK GDPR and the Data Protection Act 2018."
    )
    left = privacy.personal_data_left(cleaned)
    third = (
        "No emails or phone numbers are left anywhere in the pseudonymised log."
        if not left
        else f"Emails or phone numbers are still found in {narrative.join_words(left)}: "
        "redact or remove those columns before sharing anything."
    )
    return [first, second, third]


def _was(n: int) -> str:
    """'was' for one, 'were' for any other number."""
    return "was" if n == 1 else "were"


def _count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 refund', '3 refunds'."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def compliance_sentences(complaints: pd.DataFrame, organisation: str, as_of=None) -> list[str]:
    """One sentence per law from compliance's checks: refunds within 14 days (Consumer Rights
    Act 2015), adjustments recorded (Equality Act 2010), records past retention (UK GDPR)."""
    refunds = refund_timeliness(complaints, as_of=as_of)
    status = refunds["status"].value_counts()
    on_time, late, waiting, overdue = (int(status.get(s, 0)) for s in REFUND_STATUSES)
    due = on_time + late + overdue
    if due == 0:
        cra = (
            f"No refund in the log of {organisation} is due yet, so the Consumer Rights Act 2015 "
            "14-day rule cannot be checked on this data."
        )
    else:
        cra = (
            f"Consumer Rights Act 2015: of {_count(due, 'refund')} now due, {on_time:,} "
            f"({narrative.format_percent(on_time / due)}) {_was(on_time)} paid within 14 days of "
            f"agreeing {'it' if due == 1 else 'them'} (the day of agreeing is day 1); {late:,} {_was(late)} paid late and "
            f"{overdue:,} {'is' if overdue == 1 else 'are'} "
            "unpaid past the deadline. Each late refund breaks the customer's statutory right and "
            "needs putting right and its cause found."
        )
    if waiting:
        cra += f" {_count(waiting, 'more refund')} not yet paid are still within their 14 days."
    requests = adjustment_requests(complaints)
    if requests.empty:
        eqa = (
            "Equality Act 2010: no customer in this log asked for a reasonable adjustment, so "
            "there is nothing to check; make sure the log has a place to record one."
        )
    else:
        recorded = int(requests["adjustment_recorded"].astype(bool).sum())
        kinds = requests["adjustment_requested"].astype(str).str.strip().value_counts()
        eqa = (
            f"Equality Act 2010: {recorded:,} of {_count(len(requests), 'request')} for a "
            f"reasonable adjustment ({narrative.join_words(list(kinds.index[:4]))}) "
            f"{'was' if recorded == 1 or len(requests) == 1 else 'were'} recorded on the file "
            f"({narrative.format_percent(recorded / len(requests))}). An adjustment that is not "
            "recorded is easily missed at the next contact, leaving a disabled customer at the "
            "disadvantage the duty exists to prevent."
        )
    held = retention_overdue(complaints, as_of=as_of)
    if held.empty:
        gdpr = (
            f"UK GDPR storage limitation: none of the {len(complaints):,} complaint records is "
            "held past its retention date."
        )
    else:
        oldest = narrative.format_period(held["retain_until"].min().normalize())
        gdpr = (
            f"UK GDPR storage limitation: {_count(len(held), 'record')} of {len(complaints):,} "
            f"{'is' if len(held) == 1 else 'are'} still held past the retention date (the oldest "
            f"was due for deletion on {oldest}); delete or anonymise "
            f"{'it' if len(held) == 1 else 'them'}, since personal data "
            "may be kept no longer than needed."
        )
    return [cra, eqa, gdpr]


def refund_chart(refunds: pd.DataFrame, ax=None):
    """Days taken to pay each agreed refund (day of agreeing = day 1) with the day-14 limit
    of the Consumer Rights Act 2015; returns the Axes."""
    import matplotlib.pyplot as plt

    from svcworkbook.report.legends import place_legend
    from svcworkbook.report.style import COLOURS, LINESTYLES

    require_columns(refunds, ["days_taken"], "refund table")
    days = refunds["days_taken"].dropna().astype(int)
    if ax is None:
        _, ax = plt.subplots()
    if days.empty:
        ax.text(0.5, 0.5, "No refunds paid yet", ha="center", va="center", transform=ax.transAxes)
    else:
        counts = days.value_counts().sort_index()
        colours = [
            COLOURS["data"] if d <= REFUND_DAYS else COLOURS["shortfall"] for d in counts.index
        ]
        ax.bar(counts.index, counts.to_numpy(), color=colours, width=0.8)
    ax.axvline(REFUND_DAYS + 0.5, color=COLOURS["target"], linestyle=LINESTYLES["target"],
               linewidth=1.8, label=f"Limit: day {REFUND_DAYS}")  # fmt: skip
    ax.set_xlabel("Days taken to pay the refund (day of agreeing = day 1)")
    ax.set_ylabel("Refunds")
    ax.set_title("Refunds paid, by days taken (late ones highlighted)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    place_legend(ax)
    return ax


QUICK_REFUNDS = exercises.define(
    "U1.E2", 1, "refunds paid within a week", "percent", decimals=1,
    hint="Count the refunds due that were paid by day 7 (the day of agreeing is day 1) and divide "
    "by the refunds due: paid, or unpaid past the deadline.",
    slips={
        "14 days": "that is the share paid within the legal 14 days; the question asks about a "
        "week",
        "every refund": "you divided by every agreed refund, including those not yet due",
        "day 1": "the day of agreeing is day 1, so day 7 is six days after it, not seven",
    },
)  # fmt: skip


def check_refund_within(my_answer, complaints: pd.DataFrame, days: int = 7):
    """Exercise U1.E2: share of refunds now due that were paid within ``days`` of agreeing them
    (the agreement day is day 1); slips: the 14-day share, every refund, a day too many."""
    expected = refund_compliance(complaints, days=days)
    if np.isnan(expected):
        return exercises.unavailable(
            "U1.E2", "No refund in this log is due yet, so there is nothing to check; try "
            "another seed.",
        )  # fmt: skip
    table = refund_timeliness(complaints, days=days)
    on_time = int((table["status"] == REFUND_STATUSES[0]).sum())
    slips = {
        "14 days": refund_compliance(complaints),
        "every refund": on_time / len(table) if len(table) else None,
        "day 1": refund_compliance(complaints, days=days + 1),
    }
    return exercises.check(QUICK_REFUNDS, my_answer, expected, slips)
