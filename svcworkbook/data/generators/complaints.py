"""Complaints: a few dominant root causes (a Pareto pattern), escalation, outcomes and
remedies, refunds (some late under the Consumer Rights Act 2015), reasonable adjustments asked
for under the Equality Act 2010, and retention dates (a few records kept beyond theirs).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from svcworkbook.data.generators._draws import _choose, _ids, _rng, _seconds, _text_or_blank
from svcworkbook.data.generators.scenarios import (
    DEFAULT_CONTACTS_PER_DAY,
    SECONDS_PER_DAY,
    Plan,
    _lift,
)

#: Complaint root causes and their shares: two causes dominate (Pareto).
ROOT_CAUSES = {
    "billing error": 0.36, "late delivery": 0.26, "no call back": 0.09, "faulty product": 0.08,
    "website problem": 0.07, "policy unclear": 0.06, "rude staff": 0.045,
    "wrong information": 0.035,
}  # fmt: skip

ROOT_CAUSE_CATEGORY = {
    "billing error": "billing", "late delivery": "delivery", "no call back": "service",
    "faulty product": "product", "website problem": "website", "policy unclear": "policy",
    "rude staff": "staff conduct", "wrong information": "service",
}  # fmt: skip

#: Outcomes of a complaint and the chance of each remedy for it (order of REMEDIES).
REMEDIES = ("refund", "repair", "replacement", "apology", "goodwill payment", "none")

REMEDY_SHARES = {
    "upheld": [0.45, 0.10, 0.15, 0.20, 0.10, 0.0],
    "partially upheld": [0.30, 0.0, 0.0, 0.40, 0.30, 0.0],
    "not upheld": [0.0, 0.0, 0.0, 0.30, 0.0, 0.70],
}

#: Years a complaint record is kept (the records policy; 6 years matches the Limitation Act 1980
#: period for contract claims).
RETENTION_YEARS = 6

ADJUSTMENTS = np.array(
    ["large print", "call back", "BSL interpreter", "extra time", "easy read", "email only"]
)


class _Complaints:
    """The complaints of a generated operation (part of :class:`Operation`)."""

    plan: Plan

    @cached_property
    def complaints(self) -> pd.DataFrame:
        """One row per complaint: a few root causes dominate; refunds, adjustments, retention."""
        plan, cust = self.plan, self._customers
        rng = _rng(plan, "complaints")
        received = self._complaint_times(rng)
        n = len(received)
        causes = np.array(list(ROOT_CAUSES), dtype=object)
        shares = np.array(list(ROOT_CAUSES.values()))
        cause = rng.choice(len(causes), size=n, p=shares / shares.sum())
        severity = np.array(["low", "medium", "high"], dtype=object)[
            rng.choice(3, size=n, p=[0.5, 0.35, 0.15])
        ]
        escalated, resolved, outcome, remedy = self._complaint_outcomes(rng, received, severity)
        agreed, paid = self._refunds(rng, resolved, remedy)
        # Equality Act 2010: reasonable adjustments asked for, about 1 in 5 never recorded
        asked = rng.random(n) < 0.09
        adjustment = _text_or_blank(asked, ADJUSTMENTS[rng.integers(0, len(ADJUSTMENTS), n)])
        recorded = asked & (rng.random(n) < 0.8)
        weights = cust["contact_weight"] + 0.2
        who = rng.choice(plan.customers, size=n, p=weights / weights.sum())
        channels = np.array(
            ["phone", "email", "letter", "chat", "social", "in person"], dtype=object
        )
        channel = channels[rng.choice(6, size=n, p=[0.38, 0.30, 0.07, 0.12, 0.08, 0.05])]
        received_ts = _seconds(plan.start, received)
        retain_until = pd.DatetimeIndex(received_ts) + pd.DateOffset(years=RETENTION_YEARS)
        return pd.DataFrame(
            {
                "complaint_id": _ids("CP", n, 5),
                "customer_id": cust["customer_id"][who],
                "customer_name": cust["customer_name"][who],
                "customer_email": cust["email"][who],
                "customer_phone": cust["phone"][who],
                "customer_postcode": cust["postcode"][who],
                "received_at": received_ts,
                "channel": channel,
                "category": np.array([ROOT_CAUSE_CATEGORY[r] for r in causes], dtype=object)[cause],
                "root_cause": causes[cause],
                "severity": severity,
                "escalated": escalated,
                "resolved_at": _seconds(plan.start, resolved),
                "outcome": outcome,
                "remedy": remedy,
                "refund_agreed_at": _seconds(plan.start, agreed),
                "refund_paid_at": _seconds(plan.start, paid),
                "adjustment_requested": adjustment.astype(object),
                "adjustment_recorded": recorded,
                "retain_until": retain_until.to_numpy(dtype="datetime64[ns]"),
            }
        )

    def _complaint_times(self, rng) -> np.ndarray:
        """When complaints arrive (s from start, sorted): a Poisson number per day, more when
        demand outruns staffing (demand_factor x (1 + 1.5 x staff shortfall)) and fewer once an
        improvement lifts resolution (1 - 2 x fcr_lift while the gain lasts); plus a few (2%) old
        records from 6-7 years before the period, kept beyond their retention date."""
        plan, knobs = self.plan, self.plan.knobs
        pressure = knobs["demand_factor"] * (1 + 1.5 * max(0.0, 1 - knobs["agents_factor"]))
        volume = plan.complaints_per_day * plan.contacts_per_day / DEFAULT_CONTACTS_PER_DAY
        days = np.arange(plan.days)
        per_day = volume * pressure * (1 - 2 * knobs["fcr_lift"] * _lift(plan, days))
        day = np.repeat(days, rng.poisson(per_day))
        now = day * SECONDS_PER_DAY + rng.integers(8 * 3600, 20 * 3600, len(day))
        n_old = max(1, round(0.02 * len(day)))
        old_days = rng.uniform(
            (RETENTION_YEARS * 365.25) + 20, (RETENTION_YEARS + 1) * 365.25, n_old
        )
        old = -np.round(old_days) * SECONDS_PER_DAY + rng.integers(9 * 3600, 17 * 3600, n_old)
        return np.sort(np.concatenate([now, old]).astype(float))

    def _complaint_outcomes(self, rng, received, severity) -> tuple[np.ndarray, ...]:
        """Escalated (8/22/50% by severity), resolved after a lognormal time (median 5 days, 12
        if high, +7 if escalated; blank if still open at the end), outcome and remedy."""
        n = len(received)
        high, medium = severity == "high", severity == "medium"
        escalated = rng.random(n) < np.where(high, 0.5, np.where(medium, 0.22, 0.08))
        days_to_resolve = rng.lognormal(np.log(np.where(high, 12, 5)), 0.7) + 7 * escalated
        resolved = np.round(received + days_to_resolve * SECONDS_PER_DAY)
        still_open = resolved >= self.plan.days * SECONDS_PER_DAY
        resolved = np.where(still_open, np.nan, resolved)
        outcomes = np.array(list(REMEDY_SHARES), dtype=object)
        decided = rng.choice(len(outcomes), size=n, p=[0.45, 0.25, 0.30])
        remedies = np.array(REMEDIES, dtype=object)
        cumulative = np.cumsum(np.array(list(REMEDY_SHARES.values())), axis=1)[:, :-1]
        remedy = remedies[_choose(rng, cumulative, decided)]
        outcome = np.where(still_open, "open", outcomes[decided]).astype(object)
        remedy = np.where(still_open, "none", remedy).astype(object)
        return escalated, resolved, outcome, remedy

    def _refunds(self, rng, resolved, remedy) -> tuple[np.ndarray, np.ndarray]:
        """Refund agreed when the complaint is resolved with a refund, paid 0.5-13.5 days later,
        or 15-40 days later for about 1 in 8 (late under the Consumer Rights Act 2015 s.20(15));
        blank if not paid by the end."""
        n = len(resolved)
        late = rng.random(n) < 0.12
        pay_days = np.where(late, rng.uniform(15, 40, n), rng.uniform(0.5, 13.5, n))
        agreed = np.where(remedy == "refund", resolved, np.nan)
        paid = np.round(agreed + pay_days * SECONDS_PER_DAY)
        return agreed, np.where(paid >= self.plan.days * SECONDS_PER_DAY, np.nan, paid)
