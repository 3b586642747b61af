"""The brand in every contact (unit 1): CSAT and NPS by touchpoint, linked to brand values.

A brand is what customers expect from an organisation, and each touchpoint (a call, a chat, a
delivery, a visit to a store) either confirms that expectation or contradicts it. So a brand
value is tested where it is kept or broken: "dependable" at the phone line and the delivery, "quick
to respond" in chat, email and social media. This module scores each touchpoint from the surveys
log (CSAT as the share of 4-5 ratings, its mean, and NPS) and pools the touchpoints that carry
each brand value, so a learner can say, with numbers, where the organisation's values are visible
in its service and where they are at risk.

The mapping of brand values to touchpoints is a parameter (:data:`BRAND_VALUES` is the workbook's
example organisation's); learners replace it with their own organisation's values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from svcworkbook.analysis import kpi
from svcworkbook.errors import DataError, ParameterError, require_columns
from svcworkbook.learning import exercises, reasons
from svcworkbook.report import narrative

#: Touchpoints in the data contract's order (surveys.touchpoint).
TOUCHPOINTS = ("phone", "email", "chat", "social", "website", "delivery", "store")

#: The example organisation's brand values and the touchpoints where each is kept or broken.
BRAND_VALUES: dict[str, tuple[str, ...]] = {
    "dependable": ("phone", "delivery"),
    "quick to respond": ("chat", "email", "social"),
    "easy to deal with": ("website", "store"),
}

#: Fewer responses than this and a touchpoint's score is a first indication only.
MIN_RESPONSES = 30

SCORE_COLUMNS = [
    "touchpoint",
    "surveys_sent",
    "responses",
    "response_rate",
    "csat",
    "csat_mean",
    "nps",
]
VALUE_COLUMNS = [
    "brand_value",
    "touchpoints",
    "responses",
    "csat",
    "nps",
    "weakest_touchpoint",
    "weakest_csat",
    "no_responses_at",
]


def check_brand_values(brand_values: Mapping | None) -> dict[str, tuple[str, ...]]:
    """The brand values mapping checked and tidied (None: BRAND_VALUES): value -> touchpoints.

    Each key is a brand value in words; each value is one touchpoint or a list of them (lower
    case, as in surveys.touchpoint). Raises ParameterError with the fix when the shape is wrong.
    """
    if brand_values is None:
        return dict(BRAND_VALUES)
    example = '{"dependable": ["phone", "delivery"], "quick to respond": ["chat", "email"]}'
    if not isinstance(brand_values, Mapping) or not brand_values:
        raise ParameterError(
            f"brand_values must map each brand value to its touchpoints, e.g. {example}; "
            f"got {brand_values!r}"
        )
    checked: dict[str, tuple[str, ...]] = {}
    for value, points in brand_values.items():
        if not isinstance(value, str) or not value.strip():
            raise ParameterError(
                f"brand_values: each brand value must be a non-empty piece of text, got {value!r}"
            )
        if isinstance(points, str):
            points = [points]
        if not isinstance(points, Sequence) or not points:
            raise ParameterError(
                f"brand_values[{value!r}] must list at least one touchpoint, e.g. {example}"
            )
        bad = [p for p in points if not isinstance(p, str) or not p.strip()]
        if bad:
            raise ParameterError(
                f"brand_values[{value!r}]: touchpoints must be text such as "
                f"{', '.join(TOUCHPOINTS)}; got {bad!r}"
            )
        checked[value.strip()] = tuple(dict.fromkeys(p.strip().lower() for p in points))
    return checked


def _ordered(touchpoints) -> list[str]:
    """Touchpoints in the contract's order, any others after them alphabetically."""
    present = set(touchpoints)
    known = [t for t in TOUCHPOINTS if t in present]
    return known + sorted(present - set(TOUCHPOINTS))


def _score_row(name: str, group: pd.DataFrame) -> dict:
    """One touchpoint's figures: sent, responses, response rate, CSAT (4-5 share), mean, NPS."""
    responses = int(group["csat"].notna().sum())
    return {
        "touchpoint": name,
        "surveys_sent": len(group),
        "responses": responses,
        "response_rate": kpi.survey_response_rate(group) if len(group) else float("nan"),
        "csat": kpi.csat(group),
        "csat_mean": kpi.csat_mean(group),
        "nps": kpi.net_promoter_score(group),
    }


def touchpoint_scores(surveys: pd.DataFrame) -> pd.DataFrame:
    """Per touchpoint: surveys sent, responses (with a CSAT score), response rate, CSAT (share
    of 4-5 among responses), CSAT mean (1-5) and NPS (% 9-10 minus % 0-6, -100 to 100)."""
    require_columns(surveys, ["touchpoint", "responded", "csat", "nps"], "surveys")
    if surveys.empty:
        raise DataError("surveys: the file has no rows, so there is nothing to score")
    touchpoint = surveys["touchpoint"].astype(str).str.strip().str.lower()
    groups = {name: group for name, group in surveys.groupby(touchpoint, sort=False)}
    rows = [_score_row(name, groups[name]) for name in _ordered(groups)]
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def _weakest(scores: pd.DataFrame) -> pd.Series | None:
    """The touchpoint with the lowest CSAT among those with MIN_RESPONSES responses (else any)."""
    scored = scores.loc[scores["csat"].notna()]
    enough = scored.loc[scored["responses"] >= MIN_RESPONSES]
    pool = enough if len(enough) else scored
    if pool.empty:
        return None
    return pool.loc[pool["csat"].idxmin()]


def brand_value_scores(surveys: pd.DataFrame, brand_values: Mapping | None = None) -> pd.DataFrame:
    """Per brand value: its touchpoints, the responses there pooled (CSAT and NPS of all of
    them together, not an average of averages), its weakest touchpoint (when two or more have
    responses), and touchpoints with no responses in the data."""
    values = check_brand_values(brand_values)
    scores = touchpoint_scores(surveys)
    touchpoint = surveys["touchpoint"].astype(str).str.strip().str.lower()
    rows = []
    for value, points in values.items():
        pooled = surveys.loc[touchpoint.isin(points)]
        mine = scores.loc[scores["touchpoint"].isin(points)]
        answered = set(mine.loc[mine["responses"] > 0, "touchpoint"])
        weakest = _weakest(mine) if len(answered) > 1 else None
        rows.append(
            {
                "brand_value": value,
                "touchpoints": ", ".join(points),
                "responses": int(pooled["csat"].notna().sum()),
                "csat": kpi.csat(pooled),
                "nps": kpi.net_promoter_score(pooled),
                "weakest_touchpoint": None if weakest is None else weakest["touchpoint"],
                "weakest_csat": float("nan") if weakest is None else float(weakest["csat"]),
                "no_responses_at": ", ".join(p for p in points if p not in answered),
            }
        )
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def _nps_text(nps: float) -> str:
    """NPS as people write it: +38, -5, 0 (a score, not a percentage); 'not recorded' when the
    surveys have no NPS answers."""
    if nps is None or nps != nps:  # NaN: no NPS question in these surveys
        return "not recorded"
    return f"{nps:+.0f}" if round(nps) != 0 else "0"


def brand_value_sentences(
    values: pd.DataFrame,
    organisation: str,
    csat_target: float,
    nps_target: float,
) -> list[str]:
    """One sentence per brand value: where it is kept or broken, CSAT and NPS there against the
    targets, and the weakest touchpoint (with a caution when responses are few)."""
    sentences = []
    for row in values.itertuples(index=False):
        points = narrative.join_words(row.touchpoints.split(", "))
        if row.responses == 0:
            sentences.append(
                f"At {organisation} the brand value '{row.brand_value}' is tested at {points}, but "
                "there are no survey responses there in this data, so it cannot show whether the "
                "value is kept: collect feedback at those touchpoints."
            )
            continue
        csat_ok = narrative.target_met(row.csat, csat_target)
        nps_ok = row.nps == row.nps and narrative.target_met(row.nps, nps_target)
        verdict = (
            "both targets met" if csat_ok and nps_ok
            else "both targets missed" if not (csat_ok or nps_ok)
            else "CSAT target met, NPS target missed" if csat_ok
            else "NPS target met, CSAT target missed"
        )  # fmt: skip
        text = (
            f"At {organisation} the brand value '{row.brand_value}' is kept or broken at {points}: "
            f"there, CSAT was {narrative.format_percent(row.csat)} (target "
            f"{narrative.format_target(csat_target)}) and NPS {_nps_text(row.nps)} (target "
            f"{_nps_text(nps_target)}) from {row.responses:,} responses: {verdict}."
        )
        if row.weakest_touchpoint is not None:
            text += (
                f" The weakest touchpoint for it is {row.weakest_touchpoint} (CSAT "
                f"{narrative.format_percent(row.weakest_csat)}), where the promise is most at "
                "risk."
            )
        if row.responses < MIN_RESPONSES:
            text += (
                f" Only {row.responses} responses: treat this as a first indication, not firm "
                "evidence."
            )
        if row.no_responses_at:
            text += f" No responses at {narrative.join_words(row.no_responses_at.split(', '))}."
        sentences.append(text)
    return sentences


def touchpoint_sentences(scores: pd.DataFrame, organisation: str, csat_target: float) -> list[str]:
    """The best and weakest touchpoints by CSAT (among those with enough responses), how many
    meet the target, and why a logo cannot make up for the weakest one."""
    scored = scores.loc[scores["csat"].notna()]
    if scored.empty:
        return [f"No touchpoint at {organisation} has survey responses with a CSAT score."]
    enough = scored.loc[scored["responses"] >= MIN_RESPONSES]
    pool = enough if len(enough) else scored
    best = pool.loc[pool["csat"].idxmax()]
    worst = pool.loc[pool["csat"].idxmin()]
    met = int((scored["csat"] >= csat_target).sum())
    sentences = [
        f"{met} of {len(scored)} touchpoints at {organisation} met the CSAT target of "
        f"{narrative.format_target(csat_target)}.",
        f"The strongest touchpoint was {best['touchpoint']} (CSAT "
        f"{narrative.format_percent(best['csat'])}, NPS {_nps_text(best['nps'])}, "
        f"{best['responses']:,} responses) and the weakest {worst['touchpoint']} (CSAT "
        f"{narrative.format_percent(worst['csat'])}, NPS {_nps_text(worst['nps'])}, "
        f"{worst['responses']:,} responses).",
        "Customers meet the brand at every touchpoint: a weak one damages the brand however "
        "good the logo and the advertising are.",
    ]
    small = scored.loc[scored["responses"] < MIN_RESPONSES, "touchpoint"].tolist()
    if small:
        sentences.append(
            f"Fewer than {MIN_RESPONSES} responses at {narrative.join_words(small)}, so their "
            "scores are a first indication only and were not ranked."
        )
    return sentences


def touchpoint_chart(scores: pd.DataFrame, csat_target: float, ax=None):
    """Horizontal bars of CSAT per touchpoint (below target in vermillion), NPS and responses
    written to the right of the 100% mark, the target as a dashed line; returns the Axes."""
    import matplotlib.pyplot as plt

    from svcworkbook.report.style import COLOURS, LINESTYLES, percent_axis

    require_columns(scores, ["touchpoint", "csat", "nps", "responses"], "touchpoint scores")
    shown = scores.loc[scores["csat"].notna()].iloc[::-1]
    if shown.empty:
        raise DataError("no touchpoint has a CSAT score to chart")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.5 * len(shown) + 1.5))
    colours = [COLOURS["data"] if v >= csat_target else COLOURS["shortfall"] for v in shown["csat"]]
    ax.barh(shown["touchpoint"], shown["csat"], color=colours)
    for y, row in enumerate(shown.itertuples(index=False)):
        ax.text(
            1.02, y, f"NPS {_nps_text(row.nps)}  (n = {row.responses:,})",
            va="center", fontsize=9,
        )  # fmt: skip
    ax.axvline(
        csat_target, color=COLOURS["target"], linestyle=LINESTYLES["target"], linewidth=1.8,
        label=f"CSAT target ({narrative.format_target(csat_target)})",
    )  # fmt: skip
    ax.set_xlim(0, 1.4)
    ax.set_xticks(np.linspace(0, 1, 6))
    percent_axis(ax, axis="x")
    ax.set_xlabel("CSAT: responses scoring 4 or 5 (%)")
    ax.set_ylabel("Touchpoint")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    ax.set_title("CSAT and NPS by touchpoint (below the CSAT target highlighted)")
    return ax


def busiest_touchpoint(surveys: pd.DataFrame) -> str:
    """The touchpoint with the most survey responses (the exercise's touchpoint)."""
    scores = touchpoint_scores(surveys)
    if scores["responses"].max() == 0:
        raise DataError("surveys: no responses with a score at any touchpoint")
    return str(scores.loc[scores["responses"].idxmax(), "touchpoint"])


MOST_DISSATISFIED = exercises.define(
    "U1.E3", 1, "the touchpoint to improve first", "choice",
    giveaway=("most dissatisfied", "improve first", "fix first"),
    reason="the number of dissatisfied responses at that touchpoint",
    hint="For each touchpoint, the responses not scoring 4 or 5 are responses x (1 - CSAT); "
    "pick the touchpoint with the most of them.",
    slips={
        "lowest CSAT": "that touchpoint has the lowest CSAT, but fewer customers answer there; "
        "count the dissatisfied responses, not the share",
        "most responses": "that is the touchpoint with the most responses; count how many of "
        "them did not score 4 or 5",
    },
)  # fmt: skip


def dissatisfied_responses(surveys: pd.DataFrame) -> pd.Series:
    """Per touchpoint: responses with a CSAT score below 4 (the customers not satisfied)."""
    scored = surveys.loc[surveys["csat"].notna()]
    touchpoint = scored["touchpoint"].astype(str).str.strip().str.lower()
    return (scored["csat"] < 4).groupby(touchpoint).sum().astype(int)


def check_most_dissatisfied(my_answer, surveys: pd.DataFrame, reason=None):
    """Exercise U1.E3: the touchpoint with the most dissatisfied responses (CSAT 1-3), where an
    improvement reaches the most customers; slips: the lowest CSAT, the most responses. The
    reason must name that touchpoint's dissatisfied responses."""
    counts = dissatisfied_responses(surveys)
    if counts.empty or counts.max() == 0:
        return exercises.unavailable("U1.E3", "No touchpoint has a dissatisfied response.")
    scores = touchpoint_scores(surveys)
    weakest = _weakest(scores)
    slips = {
        "lowest CSAT": None if weakest is None else str(weakest["touchpoint"]),
        "most responses": busiest_touchpoint(surveys),
    }
    because = reasons.Because(figures=(float(counts.max()),))
    return exercises.check(
        MOST_DISSATISFIED, my_answer, str(counts.idxmax()), slips, reason=reason, because=because
    )


def evidence_table(
    values: pd.DataFrame, structure_compared: bool, summary: pd.DataFrame
) -> pd.DataFrame:
    """What a learner could put in a portfolio from this unit's analyses, the marking points
    (U1.MP1-MP3) each maps to, and the misconception (U1.M1-M3) it guards against."""
    weakest = values.dropna(subset=["csat"])
    brand = (
        f"Brand values mapped to touchpoints with CSAT and NPS at each (e.g. "
        f"'{weakest.iloc[0]['brand_value']}' at {weakest.iloc[0]['touchpoints']}), and the "
        "standard or behaviour that keeps each value at its weakest touchpoint"
        if len(weakest)
        else "Brand values mapped to the touchpoints where each is kept or broken"
    )
    structure_text = (
        "Centralised and decentralised structures compared on the same demand: response "
        "(service level, ASA) and resolution (FCR, time to resolve), with the trade-off"
        if structure_compared
        else "Response and resolution compared by team, with a note of how your structure "
        "(central, local or mixed) shapes the differences"
    )
    rates = summary.set_index("law")["rate"]
    cra = rates.get("Consumer Rights Act 2015", float("nan"))
    rows = [
        (brand, "U1.MP1", "U1.M1: the brand is every interaction, not the logo"),
        (
            "A reflective account of one contact at the weakest touchpoint and what you did "
            "to keep the brand promise there",
            "U1.MP1",
            "U1.M1: specific examples, not a description of the logo or advert",
        ),
        (structure_text, "U1.MP2", "U1.M2: structures differ, and each has strengths and risks"),
        (
            "Refunds checked against the Consumer Rights Act 2015 14-day rule"
            + (f" ({narrative.format_percent(cra)} on time)" if not np.isnan(cra) else "")
            + ", with the late cases and the fix",
            "U1.MP3",
            "U1.M3: the law applied to a procedure (refunds), not a list of Acts",
        ),
        (
            "Reasonable adjustments requested and recorded (Equality Act 2010)",
            "U1.MP3",
            "U1.M3: legislation changes how you adapt service for a disabled customer",
        ),
        (
            "The complaints log with personal data found and pseudonymised before analysis, and "
            "the records past their retention date (UK GDPR, Data Protection Act 2018)",
            "U1.MP3",
            "U1.M3: data protection applies to everyday feedback and complaint notes",
        ),
    ]
    return pd.DataFrame(rows, columns=["evidence", "marking_points", "guards_against"])


def headline_results(
    scores: pd.DataFrame,
    values: pd.DataFrame,
    comparison_headline: Mapping[str, object],
    summary: pd.DataFrame,
    found: pd.DataFrame,
) -> dict[str, object]:
    """The unit's headline figures for wb.record: touchpoint and brand value scores, the
    structure comparison, and the compliance checks (the three parts the notebook records, each
    when its data is given)."""
    return {
        **touchpoint_headline(scores, values),
        **comparison_headline,
        **compliance_headline(summary, found),
    }


def touchpoint_headline(scores: pd.DataFrame, values: pd.DataFrame) -> dict[str, object]:
    """Headline figures from the surveys: CSAT, NPS and responses per touchpoint, the weakest
    touchpoint, and CSAT and NPS per brand value."""
    out: dict[str, object] = {"touchpoints": int(len(scores))}
    for row in scores.itertuples(index=False):
        out[f"csat_{row.touchpoint}"] = float(row.csat)
        out[f"nps_{row.touchpoint}"] = float(row.nps)
        out[f"responses_{row.touchpoint}"] = int(row.responses)
    weakest = _weakest(scores)
    out["weakest_touchpoint"] = None if weakest is None else str(weakest["touchpoint"])
    for row in values.itertuples(index=False):
        slug = "_".join("".join(c if c.isalnum() else " " for c in row.brand_value).split())
        out[f"brand_{slug.lower()}_csat"] = float(row.csat)
        out[f"brand_{slug.lower()}_nps"] = float(row.nps)
    return out


def compliance_headline(summary: pd.DataFrame, found: pd.DataFrame) -> dict[str, object]:
    """Headline figures from the complaints log: each law's records checked, compliant and the
    rate, and the columns holding personal data."""
    out: dict[str, object] = {}
    keys = {
        "Consumer Rights Act 2015": "refund",
        "Equality Act 2010": "adjustments",
        "UK GDPR / Data Protection Act 2018": "retention",
    }
    for row in summary.itertuples(index=False):
        key = keys.get(row.law, row.law)
        out[f"{key}_checked"] = int(row.checked)
        out[f"{key}_compliant"] = int(row.compliant)
        out[f"{key}_rate"] = float(row.rate)
    out["personal_data_columns"] = sorted(found["column"].astype(str).unique().tolist())
    return out
