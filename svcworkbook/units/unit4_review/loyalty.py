"""Satisfaction is not loyalty: survey scores set beside what customers actually do (unit 4).

Satisfaction is how a customer felt about an experience (CSAT, NPS); loyalty is behaviour over
time: buying again (repeat purchase), staying (retention: bought in the last 12 months) and
recommending (referrals). Each customer's most recent survey response is joined to their
purchase record, and the loyalty rates are compared across satisfaction bands, to show how far
apart the two can be (misconception U4.M3).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from svcworkbook.analysis import kpi
from svcworkbook.errors import DataError
from svcworkbook.learning import exercises
from svcworkbook.report import narrative
from svcworkbook.report.style import PALETTE, percent_axis

#: CSAT bands (1-5 scale) and NPS groups (0-10 scale), in the order tables show them.
CSAT_BANDS = ("dissatisfied (1-2)", "neutral (3)", "satisfied (4-5)")
NPS_GROUPS = ("detractor (0-6)", "passive (7-8)", "promoter (9-10)")
NO_RESPONSE = "no survey response"
#: The loyalty measures, with the kpi function behind each.
LOYALTY_MEASURES = {
    "repeat_purchase_rate": ("Repeat purchase (2+ purchases)", kpi.repeat_purchase_rate),
    "retention_rate": ("Retained (bought in the last 12 months)", kpi.retention_rate),
    "referral_rate": ("Referred at least one customer", kpi.referral_rate),
}


def csat_band(score: float) -> str:
    """CSAT 4-5 satisfied, 3 neutral, 1-2 dissatisfied; no score -> 'no survey response'."""
    if score is None or pd.isna(score):
        return NO_RESPONSE
    if not 1 <= score <= 5:
        raise DataError(f"surveys: CSAT {score!r} is outside the 1-5 scale")
    return CSAT_BANDS[2] if score >= 4 else CSAT_BANDS[1] if score >= 3 else CSAT_BANDS[0]


def nps_group(score: float) -> str:
    """NPS 9-10 promoter, 7-8 passive, 0-6 detractor; no score -> 'no survey response'."""
    if score is None or pd.isna(score):
        return NO_RESPONSE
    if not 0 <= score <= 10:
        raise DataError(f"surveys: NPS {score!r} is outside the 0-10 scale")
    return NPS_GROUPS[2] if score >= 9 else NPS_GROUPS[1] if score >= 7 else NPS_GROUPS[0]


def latest_scores(surveys: pd.DataFrame) -> pd.DataFrame:
    """Each customer's most recent survey response (by responded_at, then sent_at, then
    survey_id): customer_id, csat, nps."""
    missing = [c for c in ("customer_id", "responded", "csat", "nps") if c not in surveys]
    if missing:
        raise DataError(f"surveys: column(s) {', '.join(missing)} not found; map them first")
    answered = surveys.loc[surveys["responded"].astype(bool) & surveys["customer_id"].notna()]
    order = [c for c in ("responded_at", "sent_at", "survey_id") if c in answered.columns]
    answered = answered.sort_values(order, kind="stable") if order else answered
    latest = answered.groupby("customer_id", sort=True).tail(1)
    return latest[["customer_id", "csat", "nps"]].reset_index(drop=True)


def customer_loyalty(customers: pd.DataFrame, surveys: pd.DataFrame) -> pd.DataFrame:
    """Customers with their latest CSAT and NPS, csat_band and nps_group ('no survey response'
    for customers who never answered)."""
    needed = ["customer_id", "purchases", "referrals", "retained"]
    missing = [c for c in needed if c not in customers.columns]
    if missing:
        raise DataError(
            f"customers: column(s) {', '.join(missing)} not found; map your columns to them"
        )
    joined = customers.merge(latest_scores(surveys), on="customer_id", how="left")
    joined["csat_band"] = [csat_band(s) for s in joined["csat"]]
    joined["nps_group"] = [nps_group(s) for s in joined["nps"]]
    return joined


def loyalty_by(joined: pd.DataFrame, by: str = "csat_band") -> pd.DataFrame:
    """Per band or group: customers, then repeat purchase, retention and referral rates
    (kpi.repeat_purchase_rate, retention_rate, referral_rate) of the customers in it."""
    order = {"csat_band": CSAT_BANDS, "nps_group": NPS_GROUPS}.get(by)
    if order is None:
        raise ValueError(f"by must be 'csat_band' or 'nps_group', not {by!r}")
    rows = []
    for group in (*order, NO_RESPONSE):
        part = joined.loc[joined[by] == group]
        row = {by: group, "customers": len(part)}
        for name, (_, function) in LOYALTY_MEASURES.items():
            row[name] = function(part) if len(part) else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def satisfied_not_retained(joined: pd.DataFrame) -> float:
    """Share of satisfied customers (latest CSAT 4-5) who were not retained (did not buy in the
    last 12 months) = satisfied and not retained / satisfied; NaN with no satisfied customers."""
    satisfied = joined.loc[joined["csat_band"] == CSAT_BANDS[2]]
    if satisfied.empty:
        return math.nan
    return float((~satisfied["retained"].astype(bool)).mean())


def promoters_without_referral(joined: pd.DataFrame) -> float:
    """Share of promoters (latest NPS 9-10) who referred nobody = promoters with 0 referrals /
    promoters; NaN with no promoters."""
    promoters = joined.loc[joined["nps_group"] == NPS_GROUPS[2]]
    if promoters.empty:
        return math.nan
    return float((pd.to_numeric(promoters["referrals"]) < 1).mean())


def loyalty_gap(table: pd.DataFrame, measure: str = "retention_rate") -> float:
    """Satisfied customers' rate minus dissatisfied customers' rate (percentage points as a
    fraction), from a loyalty_by(..., 'csat_band') table; NaN if either band is empty."""
    rows = table.set_index("csat_band")[measure]
    return float(rows[CSAT_BANDS[2]] - rows[CSAT_BANDS[0]])


def _pct(value: float) -> str:
    """A share as text, or 'not measurable' when missing."""
    return (
        "not measurable" if value is None or math.isnan(value) else narrative.format_percent(value)
    )


def loyalty_sentences(joined: pd.DataFrame, by_band: pd.DataFrame, by_nps: pd.DataFrame,
                      organisation: str) -> list[str]:  # fmt: skip
    """What satisfaction and loyalty show side by side: overall loyalty, satisfied customers who
    left, promoters who referred nobody, and the gap between satisfied and dissatisfied."""
    answered = int((joined["csat_band"] != NO_RESPONSE).sum())
    sentences = [
        f"Of the {len(joined):,} customers of {organisation}, "
        f"{_pct(kpi.retention_rate(joined))} bought in the last 12 months, "
        f"{_pct(kpi.repeat_purchase_rate(joined))} have bought more than once and "
        f"{_pct(kpi.referral_rate(joined))} referred at least one new customer; "
        f"{answered:,} answered a survey in the period.",
    ]
    not_kept = satisfied_not_retained(joined)
    satisfied = int((joined["csat_band"] == CSAT_BANDS[2]).sum())
    if satisfied:
        sentences.append(
            f"Satisfied is not the same as loyal: {_pct(not_kept)} of the {satisfied:,} "
            "customers whose latest CSAT was 4 or 5 did not buy again in the last 12 months, "
            f"and {_pct(promoters_without_referral(joined))} of promoters (NPS 9-10) referred "
            "nobody."
        )
    gap = loyalty_gap(by_band)
    if not math.isnan(gap):
        sentences.append(gap_sentence(gap))
    return sentences


#: A retention gap below this (10 percentage points) between satisfied and dissatisfied
#: customers is called small.
SMALL_GAP = 0.10


def gap_sentence(gap: float) -> str:
    """Retention of satisfied minus dissatisfied customers in words; below SMALL_GAP the link is
    called weak, otherwise clear (but still not the whole story)."""
    amount = narrative.format_difference(abs(gap), "%")
    if gap == 0:
        compared = "the same as among dissatisfied ones"
    else:
        compared = f"{amount} {'higher' if gap > 0 else 'lower'} than among dissatisfied ones"
    if abs(gap) < SMALL_GAP:
        verdict = (
            "a weak link, so satisfaction scores alone would say little about who stays; the "
            "review needs loyalty measures of its own"
        )
    else:
        verdict = (
            "a clear link, but satisfied customers still leave, so the review measures loyalty "
            "as well as satisfaction"
        )
    return f"Retention among satisfied customers was {compared}: {verdict}."


def loyalty_chart(table: pd.DataFrame, by: str = "csat_band", ax=None):
    """Grouped bars: repeat purchase, retention and referral rates for each band, with the number
    of customers under each band's name. Returns the Axes."""
    ax = ax or plt.subplots(figsize=(8, 4.2))[1]
    x = np.arange(len(table))
    width = 0.26
    hatches = ["", "//", ".."]
    for i, (name, (label, _)) in enumerate(LOYALTY_MEASURES.items()):
        values = table[name].fillna(0.0).to_numpy()
        bars = ax.bar(x + (i - 1) * width, values, width, label=label, color=PALETTE[i],
                      hatch=hatches[i], edgecolor="white")  # fmt: skip
        for bar, value, raw in zip(bars, values, table[name], strict=True):
            if not pd.isna(raw):
                ax.text(bar.get_x() + bar.get_width() / 2, value + 0.01, f"{value:.0%}",
                        ha="center", va="bottom", fontsize=7)  # fmt: skip
    names = [f"{g}\n{n:,} customers" for g, n in zip(table[by], table["customers"], strict=True)]
    ax.set_xticks(x, names, fontsize=8)
    ax.set_ylim(0, 1.08)
    percent_axis(ax)
    ax.set_ylabel("Share of customers (%)")
    ax.set_xlabel("Latest survey score" if by == "csat_band" else "Latest NPS answer")
    ax.set_title("Loyalty (what customers did) by satisfaction (what they said)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3, fontsize=8)
    ax.grid(axis="x", visible=False)
    return ax


SATISFIED_REFERRERS = exercises.define(
    "U4.E2", 4, "satisfied customers who referred someone", "percent", decimals=1,
    hint="Among customers whose latest CSAT was 4 or 5, the share with at least one referral.",
    slips={
        "promoters": "that is the share of promoters (NPS 9-10) who referred someone; the "
        "question asks about satisfied customers (CSAT 4-5)",
        "every customer": "that is the share of every customer who referred someone, not of the "
        "satisfied ones",
        "not retained": "that is the share of satisfied customers who did not buy again; the "
        "question is about referrals",
    },
)  # fmt: skip


def check_satisfied_referrers(my_answer, customers: pd.DataFrame, surveys: pd.DataFrame):
    """Exercise U4.E2: share of satisfied customers (latest CSAT 4-5) who referred at least one
    new customer; slips: promoters, every customer, satisfied not retained."""
    joined = customer_loyalty(customers, surveys)
    satisfied = joined.loc[joined["csat_band"] == CSAT_BANDS[2]]
    if satisfied.empty:
        return exercises.unavailable("U4.E2", "No customer's latest CSAT was 4 or 5.")
    expected = float((pd.to_numeric(satisfied["referrals"]) >= 1).mean())
    slips = {
        "promoters": 1 - promoters_without_referral(joined),
        "every customer": float((pd.to_numeric(joined["referrals"]) >= 1).mean()),
        "not retained": satisfied_not_retained(joined),
    }
    return exercises.check(SATISFIED_REFERRERS, my_answer, expected, slips)
