"""Customer KPIs, one function each with its formula: what customers say (satisfaction, effort and
response rate from surveys), what they complain about (complaints) and what they do (loyalty:
retention, repeat purchase, referral).

Loyalty is behaviour and satisfaction an attitude, so they are measured from different data.
Use them from :mod:`svcworkbook.analysis.kpi`, whose docstring sets out the conventions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcworkbook.analysis._kpi_table import (
    _NAT,
    _NS_PER_DAY,
    _Frames,
    _mean_parts,
    _Parts,
    _ratio,
    _share_parts,
)

# ---------------------------------------------------------------------------------------------
# Satisfaction and effort (surveys)
# ---------------------------------------------------------------------------------------------


def _csat(f: _Frames) -> list[_Parts]:
    """CSAT parts: scores of 4 or 5 among CSAT responses."""
    score = f.score("surveys", "csat", 1, 5)
    return _share_parts("surveys", score >= 4, ~np.isnan(score))


def csat(surveys: pd.DataFrame) -> float:
    """CSAT = responses scoring 4 or 5 / responses with a CSAT score (1-5 scale), 0-1.

    The "top-two-box" CSAT most organisations report as a percentage. The mean score is a
    different number with the same name in some reports: see :func:`csat_mean`.
    """
    return _ratio(_csat(_Frames(surveys=surveys)))


def _csat_mean(f: _Frames) -> list[_Parts]:
    """CSAT mean parts: the score itself over responses."""
    score = f.score("surveys", "csat", 1, 5)
    return _mean_parts("surveys", score, np.ones(len(score), dtype=bool))


def csat_mean(surveys: pd.DataFrame) -> float:
    """CSAT mean = sum of CSAT scores / responses with a score, on the 1-5 scale."""
    return _ratio(_csat_mean(_Frames(surveys=surveys)))


def _net_promoter_score(f: _Frames) -> list[_Parts]:
    """NPS parts: +1 promoter (9-10), -1 detractor (0-6), 0 passive, over NPS responses."""
    score = f.score("surveys", "nps", 0, 10)
    rows = ~np.isnan(score)
    signed = np.where(score >= 9, 1.0, 0.0) - np.where(score <= 6, 1.0, 0.0)
    return _mean_parts("surveys", np.where(rows, signed, np.nan), rows)


def net_promoter_score(surveys: pd.DataFrame) -> float:
    """NPS = % promoters (9-10) - % detractors (0-6) of responses to the 0-10 question, -100..100.

    A score, not a percentage: passives (7-8) count in the responses but in neither group.
    """
    return _ratio(_net_promoter_score(_Frames(surveys=surveys)), scale=100.0)


def _customer_effort_score(f: _Frames) -> list[_Parts]:
    """CES parts: the effort score itself over responses."""
    score = f.score("surveys", "ces", 1, 7)
    return _mean_parts("surveys", score, np.ones(len(score), dtype=bool))


def customer_effort_score(surveys: pd.DataFrame) -> float:
    """CES = mean effort score on 1-7 (1 = very easy, 7 = very difficult); lower is better.

    Some organisations report the share answering "easy" instead; this workbook reports the
    mean, as the data dictionary defines the scale.
    """
    return _ratio(_customer_effort_score(_Frames(surveys=surveys)))


def _survey_response_rate(f: _Frames) -> list[_Parts]:
    """Response rate parts: responded among surveys sent."""
    responded = f.flag("surveys", "responded")
    return _share_parts("surveys", responded, np.ones(len(responded), dtype=bool))


def survey_response_rate(surveys: pd.DataFrame) -> float:
    """Survey response rate = surveys responded to / surveys sent, 0-1.

    Low response rates make satisfaction scores fragile (who answers is not a random sample).
    """
    return _ratio(_survey_response_rate(_Frames(surveys=surveys)))


# ---------------------------------------------------------------------------------------------
# Complaints
# ---------------------------------------------------------------------------------------------


def _complaints_per_1000_contacts(f: _Frames) -> list[_Parts]:
    """Complaints counted in the numerator, contacts in the denominator (two datasets)."""
    complaints = len(f.frame("complaints"))
    contacts = len(f.frame("contacts"))
    return [
        _Parts(
            "complaints",
            np.zeros(complaints, bool),
            numerator=np.ones(complaints),
            denominator=np.zeros(complaints),
        ),
        _Parts(
            "contacts",
            np.ones(contacts, bool),
            numerator=np.zeros(contacts),
            denominator=np.ones(contacts),
        ),
    ]


def complaints_per_1000_contacts(complaints: pd.DataFrame, contacts: pd.DataFrame) -> float:
    """Complaints per 1,000 contacts = complaints received / contacts x 1,000.

    Contacts include abandoned ones (every attempt to reach the service). Compare like with like:
    both datasets should cover the same period, which :func:`kpi_table` does for you.
    """
    parts = _complaints_per_1000_contacts(_Frames(complaints=complaints, contacts=contacts))
    return _ratio(parts, scale=1000.0)


def _complaint_resolution_time(f: _Frames) -> list[_Parts]:
    """Complaint resolution parts: days from received to resolved, over resolved complaints."""
    received = f.time("complaints", "received_at")
    resolved = f.time("complaints", "resolved_at")
    rows = (resolved != _NAT) & (received != _NAT)
    days = np.where(rows, (resolved - received) / _NS_PER_DAY, np.nan)
    return _mean_parts("complaints", days, rows)


def complaint_resolution_time(complaints: pd.DataFrame) -> float:
    """Complaint resolution time = total days from received to resolved / complaints resolved.

    A mean in days over resolved complaints; open complaints are not in it (count them
    separately). Under the FCA's complaint rules (DISP) regulated firms owe a final response
    within 8 weeks, so compare the long tail, not only the mean, with that limit.
    """
    return _ratio(_complaint_resolution_time(_Frames(complaints=complaints)))


# ---------------------------------------------------------------------------------------------
# Loyalty (customers): loyalty is behaviour, not satisfaction
# ---------------------------------------------------------------------------------------------


def _customer_share(f: _Frames, hits: np.ndarray) -> list[_Parts]:
    """Share of all customers for whom hits is True."""
    return _share_parts("customers", hits, np.ones(len(hits), dtype=bool))


def _retention_rate(f: _Frames) -> list[_Parts]:
    """Retention parts: retained customers among customers."""
    return _customer_share(f, f.flag("customers", "retained"))


def retention_rate(customers: pd.DataFrame) -> float:
    """Retention rate = customers who bought again in the last 12 months / customers, 0-1.

    A behaviour (did they come back?), not an attitude: satisfied customers still leave and
    dissatisfied ones sometimes stay, which is why the units keep loyalty and satisfaction apart.
    """
    return _ratio(_retention_rate(_Frames(customers=customers)))


def _repeat_purchase_rate(f: _Frames) -> list[_Parts]:
    """Repeat purchase parts: customers with 2+ purchases among customers."""
    purchases = f.number("customers", "purchases")
    return _customer_share(f, purchases >= 2)


def repeat_purchase_rate(customers: pd.DataFrame) -> float:
    """Repeat purchase rate = customers with two or more purchases / customers, 0-1."""
    return _ratio(_repeat_purchase_rate(_Frames(customers=customers)))


def _referral_rate(f: _Frames) -> list[_Parts]:
    """Referral parts: customers with at least one referral among customers."""
    referrals = f.number("customers", "referrals")
    return _customer_share(f, referrals >= 1)


def referral_rate(customers: pd.DataFrame) -> float:
    """Referral rate = customers who referred at least one new customer / customers, 0-1.

    What promoters actually do, as opposed to what NPS asks them whether they would do.
    """
    return _ratio(_referral_rate(_Frames(customers=customers)))
