"""Recommendations that follow from the review's analysis, by explicit rules (unit 4).

A review ends with actions someone can take, each traced to a finding and its figure, with an
owner, a date, a rough cost and a success measure (misconception U4.M6; marking points U4.MP3
and U4.MP7). The rules, in priority order:

1. Root cause: the largest complaint root cause (first of the Pareto's vital few) gets a
   root-cause investigation and fix.
2. Triangulated themes: each theme flagged by both survey comments and complaints (at most two)
   gets the action listed for it in THEME_ACTIONS.
3. Mystery shopping: the weakest standard, when its mean score is below STANDARD_PASS (80% of
   the maximum, the same mark the overall standard uses), gets coaching.
4. Participation: the survey method with the lowest response rate, when below the response
   rate target, gets a shorter, sooner survey.
5. Objectives: every other objective of the measurement plan that missed its target gets an
   action plan on its measure.
6. Loyalty: when at least LOYALTY_ALERT (20%) of satisfied customers did not buy again, the plan
   adds loyalty measures and asks lapsed customers why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from svcworkbook.report import narrative
from svcworkbook.units.unit4_review.feedback import confirmed_themes
from svcworkbook.units.unit4_review.measurement_plan import ReviewWindow, format_measure

#: The weakest standard gets coaching when its mean is below this share of the maximum score.
STANDARD_PASS = 0.8
#: Loyalty measures are added when at least this share of satisfied customers did not return.
LOYALTY_ALERT = 0.2
#: Most triangulated themes turned into recommendations.
MAX_THEMES = 2
#: What to do about a theme that two sources agree on.
THEME_ACTIONS = {
    "waiting time": "review rotas against the busiest half hours and offer a call back when "
    "the queue is long",
    "staff attitude": "coach the advisers named in low-scoring comments on tone and empathy, "
    "using recorded calls",
    "resolution": "give advisers the authority and knowledge articles to resolve the most "
    "common problems at the first contact",
    "billing and price": "fix the billing errors at source with the billing system owner and "
    "check bills before they go out",
    "communication": "set a call-back standard (a time agreed with the customer, logged in the "
    "CRM) and send an update whenever a case changes",
    "website and app": "fix the pages customers mention most and test them on a mobile phone",
    "delivery": "share late-delivery figures with the courier each week and send customers "
    "tracking updates",
    "product knowledge": "run short product briefings and keep the knowledge base up to date",
}
#: Each mystery-shop standard as the skill to coach.
STANDARD_SKILLS = {
    "greeting": "greeting customers",
    "needs_identified": "identifying the customer's needs with open questions and checking back",
    "product_knowledge": "product knowledge",
    "resolution_offered": "offering a resolution",
    "professional_close": "closing the contact professionally",
}
COLUMNS = ["priority", "finding", "action", "evidence", "owner", "by", "cost", "success measure",
           "marking points"]  # fmt: skip


def _by(window: ReviewWindow, weeks: int) -> str:
    """A date `weeks` after the review period ends, as '26 Apr 2026'."""
    return narrative.format_period(window.end + pd.Timedelta(weeks=weeks))


def root_cause_recommendation(causes: pd.DataFrame, window: ReviewWindow) -> dict | None:
    """Rule 1: the largest complaint root cause gets an investigation (5 whys) and a fix."""
    if causes.empty:
        return None
    top = causes.iloc[0]
    vital = causes.loc[causes["vital_few"], "category"].tolist()
    return {
        "finding": f"{top['category']} is the largest complaint root cause",
        "action": f"Run a 5 whys session on {top['category']} complaints with the team and the "
        "process owner, fix the cause found, and brief advisers on the change",
        "evidence": f"{int(top['count']):,} of {int(causes['count'].sum()):,} complaints, "
        f"{narrative.format_percent(top['share'])}; "
        + (
            f"vital few: {narrative.join_words(vital)}"
            if narrative.has_clear_vital_few(causes)
            else f"no clear vital few ({len(vital)} of {len(causes)} causes make up 80%), so "
            "this is the largest cause, not the only one to act on"
        ),
        "owner": "complaints manager",
        "by": _by(window, 6),
        "cost": "low (staff time)",
        "success measure": f"{top['category']} complaints per month, down on the review "
        "period's monthly average",
        "marking points": "U4.MP3, U4.MP6, U4.MP7",
    }


def theme_recommendations(triangulation: pd.DataFrame, window: ReviewWindow) -> list[dict]:
    """Rule 2: each theme both survey comments and complaints flag (at most MAX_THEMES)."""
    rows = triangulation.set_index("theme")
    found = []
    for theme in confirmed_themes(triangulation)[:MAX_THEMES]:
        row = rows.loc[theme]
        action = THEME_ACTIONS.get(theme, f"investigate what customers say about {theme}")
        found.append(
            {
                "finding": f"{theme} is a problem in both survey comments and complaints",
                "action": action[:1].upper() + action[1:],
                "evidence": f"{narrative.format_percent(row['low_score_share'])} of "
                f"{int(row['mentions']):,} comments on it scored CSAT 1-2; "
                f"{int(row['complaints']):,} complaints, "
                f"{narrative.format_percent(row['share_of_complaints'])} of all",
                "owner": "operations manager",
                "by": _by(window, 8),
                "cost": "medium",
                "success measure": f"share of low scores in comments on {theme}, and complaints "
                "coded to it, at the next review",
                "marking points": "U4.MP3, U4.MP6, U4.MP7",
            }
        )
    return found


def standard_recommendation(standards: pd.DataFrame, window: ReviewWindow) -> dict | None:
    """Rule 3: coaching on the weakest mystery-shop standard if below STANDARD_PASS."""
    if standards.empty:
        return None
    weakest = standards.iloc[0]
    if weakest["share_of_maximum"] >= STANDARD_PASS:
        return None
    label = weakest["label"].lower()
    skill = STANDARD_SKILLS.get(weakest["standard"], label)
    return {
        "finding": f"{label} is the weakest mystery-shop standard",
        "action": f"Coach every adviser on {skill} (a short team session, then one observed "
        "contact each), and add it to call quality checks",
        "evidence": f"mean score {weakest['mean_score']:.2f} of 4, "
        f"{narrative.format_percent(weakest['share_of_maximum'])} of the maximum; full marks "
        f"in {narrative.format_percent(weakest['full_marks_share'])} of visits",
        "owner": "team leaders",
        "by": _by(window, 4),
        "cost": "low (coaching time)",
        "success measure": f"mean {label} score of at least "
        f"{narrative.format_target(STANDARD_PASS)} of the maximum in next quarter's shops",
        "marking points": "U4.MP2, U4.MP7",
    }


def response_recommendation(rates: pd.DataFrame, target: float,
                            window: ReviewWindow) -> dict | None:  # fmt: skip
    """Rule 4: the survey method with the lowest response rate, if below the target."""
    if rates.empty:
        return None
    low = rates.iloc[0]
    by = rates.columns[0]
    if low["response_rate"] >= target:
        return None
    return {
        "finding": f"the {low[by]} survey has the lowest response rate",
        "action": f"Shorten the {low[by]} survey to three questions, send it within an hour of "
        "the contact, and say how feedback is used",
        "evidence": f"{narrative.format_percent(low['response_rate'])} of "
        f"{int(low['sent']):,} surveys sent answered, against a target of "
        f"{narrative.format_target(target)}",
        "owner": "customer insight lead",
        "by": _by(window, 4),
        "cost": "low",
        "success measure": f"{low[by]} response rate of at least {narrative.format_target(target)}",
        "marking points": "U4.MP5, U4.MP7",
    }


#: Actions for a missed objective of the measurement plan (rule 5).
OBJECTIVE_ACTIONS = {
    "csat": "Agree an action plan on the lowest-scoring touchpoints and themes, and check CSAT "
    "weekly until it is back on target",
    "survey_response_rate": "Review how and when surveys are sent, starting with the methods "
    "below target",
    "mystery_shop_met": "Share the mystery-shop results with each team, coach on the standards "
    "missed, and shop again within a month",
    "complaint_resolution_time": "Review open complaints weekly, set a target date for each, and "
    "escalate any over the standard",
}


def objective_recommendations(plan: pd.DataFrame, covered: set[str],
                              window: ReviewWindow) -> list[dict]:  # fmt: skip
    """Rule 5: each missed objective of the plan whose measure no other rule covers."""
    found = []
    for row in plan.itertuples(index=False):
        if row.met or row.measure in covered:
            continue
        result = format_measure(row.result, row.unit)
        found.append(
            {
                "finding": f"{row.label} missed its target",
                "action": OBJECTIVE_ACTIONS.get(
                    row.measure, f"Agree an action plan on {row.label}"
                ),
                "evidence": f"{result} over the review period against a target of "
                f"{format_measure(row.target, row.unit)}; baseline "
                f"{format_measure(row.baseline, row.unit)}",
                "owner": "operations manager",
                "by": _by(window, 8),
                "cost": "medium",
                "success measure": f"{row.label} meeting its target at the next review",
                "marking points": "U4.MP3, U4.MP7",
            }
        )
    return found


def loyalty_recommendation(satisfied_not_retained: float, window: ReviewWindow) -> dict | None:
    """Rule 6: add loyalty measures when LOYALTY_ALERT or more of satisfied customers left."""
    if satisfied_not_retained is None or math.isnan(satisfied_not_retained):
        return None
    if satisfied_not_retained < LOYALTY_ALERT:
        return None
    return {
        "finding": "many satisfied customers did not buy again",
        "action": "Add retention and referral rates to the measurement plan, and ask lapsed "
        "customers why they left (a short exit survey)",
        "evidence": f"{narrative.format_percent(satisfied_not_retained)} of customers whose "
        "latest CSAT was 4 or 5 did not buy in the last 12 months",
        "owner": "customer insight lead",
        "by": _by(window, 8),
        "cost": "low",
        "success measure": "retention and referral rates reported beside CSAT at every review",
        "marking points": "U4.MP1, U4.MP3",
    }


def recommendations(
    plan: pd.DataFrame,
    causes: pd.DataFrame,
    triangulation: pd.DataFrame,
    standards: pd.DataFrame,
    rates: pd.DataFrame,
    response_rate_target: float,
    satisfied_not_retained: float,
    window: ReviewWindow,
) -> pd.DataFrame:
    """Every recommendation the rules (see the module docstring) give, in priority order."""
    standard = standard_recommendation(standards, window)
    response = response_recommendation(rates, response_rate_target, window)
    covered = set()
    if standard is not None:
        covered.add("mystery_shop_met")
    if response is not None:
        covered.add("survey_response_rate")
    found = [
        root_cause_recommendation(causes, window),
        *theme_recommendations(triangulation, window),
        standard,
        response,
        *objective_recommendations(plan, covered, window),
        loyalty_recommendation(satisfied_not_retained, window),
    ]
    rows = [r for r in found if r is not None]
    for i, row in enumerate(rows, start=1):
        row["priority"] = i
    return pd.DataFrame(rows, columns=COLUMNS)


def recommendation_sentences(table: pd.DataFrame, organisation: str) -> list[str]:
    """Each recommendation as one sentence: finding, evidence, action, owner and date."""
    sentences = []
    for row in table.itertuples(index=False):
        finding = row.finding[:1].upper() + row.finding[1:]
        sentences.append(
            f"{row.priority}. {finding}: {row.evidence}. {row.action}; owner: {row.owner}, "
            f"by {row.by}."
        )
    if not sentences:
        sentences.append(
            f"Every objective at {organisation} met its target and no rule found a problem: "
            "keep monitoring, and raise the targets at the next review."
        )
    return sentences


def evidence_table(
    plan: pd.DataFrame,
    methods: pd.DataFrame,
    causes: pd.DataFrame,
    triangulation: pd.DataFrame,
    satisfied_not_retained: float,
    table: pd.DataFrame,
) -> pd.DataFrame:
    """What a learner can put in a portfolio from this unit's analyses, the unit 4 marking
    points each maps to, and the misconception it guards against."""
    met = int(plan["met"].sum())
    both = confirmed_themes(triangulation)
    rows = [
        (f"Measurement plan: {len(plan)} SMART objectives, each tied to a service standard, a "
         f"touchpoint and a collection method, with baseline, target and timeline ({met} met)",
         "U4.MP1, U4.MP4",
         "U4.M1: every measure checks a named standard; U4.M5: benchmarks set in advance"),
        (f"Feedback log from {len(methods)} methods ("
         f"{narrative.join_words(methods['method'].str.lower().tolist())}) with participation "
         "and response rates", "U4.MP2, U4.MP5",
         "U4.M4: complaints are not the only source of feedback"),
        ("Trend chart of CSAT, response rate and mystery shops against targets, and a Pareto of "
         f"complaint root causes (largest: {causes.iloc[0]['category'] if len(causes) else 'none'})",
         "U4.MP3, U4.MP6", "U4.M2: figures interpreted, not just presented"),
        ("Triangulation table: comment themes with their scores beside complaint causes ("
         + (f"agreeing on {narrative.join_words(both)}" if both else "no theme in both")
         + ")", "U4.MP3, U4.MP6", "U4.M2 and U4.M4: two sources checked against each other"),
        (f"Satisfaction against loyalty: {narrative.format_percent(satisfied_not_retained)} of "
         "satisfied customers did not buy again" if not math.isnan(satisfied_not_retained)
         else "Satisfaction against loyalty (repeat purchase, retention, referrals)",
         "U4.MP1, U4.MP3", "U4.M3: satisfaction is not loyalty"),
        (f"Recommendations table: {len(table)} actions, each with its finding, evidence, owner, "
         "date, cost and success measure", "U4.MP3, U4.MP7",
         "U4.M6: a review ends in actions, not a summary"),
        ("The review report or slides and the minutes of the meeting where you presented them "
         "(from your workplace)", "U4.MP8", "U4.M6: findings reach the people who can act"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["evidence", "marking points", "guards against"])


def _plain(value):
    """A float as itself, NaN as None (so recorded results compare equal)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def headline_results(
    plan: pd.DataFrame,
    scores: Mapping[str, float],
    rates: pd.DataFrame,
    shops: Mapping[str, float],
    standards: pd.DataFrame,
    causes: pd.DataFrame,
    triangulation: pd.DataFrame,
    csat_slope_per_day: float | None,
    satisfied_not_retained: float,
    retention_gap: float,
    table: pd.DataFrame,
) -> dict:
    """The unit's headline figures for wb.record (plain numbers and labels; NaN as None)."""
    rows = plan.set_index("measure")
    low = rates.iloc[0]
    results = {
        "objectives": len(plan),
        "objectives_met": int(plan["met"].sum()),
        "csat_baseline": float(rows.loc["csat", "baseline"]),
        "csat_review": float(rows.loc["csat", "result"]),
        "surveys_sent": int(scores["sent"]),
        "survey_responses": int(scores["responses"]),
        "response_rate": float(scores["response_rate"]),
        "lowest_response_method": str(low[rates.columns[0]]),
        "lowest_response_rate": float(low["response_rate"]),
        "csat": float(scores["csat"]),
        "nps": float(scores["nps"]),
        "ces": float(scores["ces"]),
        "mystery_shop_visits": int(shops["visits"]),
        "mystery_shop_met_rate": float(shops["met_rate"]),
        "weakest_standard": str(standards.iloc[0]["standard"]),
        "top_root_cause": str(causes.iloc[0]["category"]),
        "top_root_cause_share": float(causes.iloc[0]["share"]),
        "vital_few_causes": int(causes["vital_few"].sum()),
        "confirmed_themes": "; ".join(confirmed_themes(triangulation)),
        "csat_trend_per_day": None if csat_slope_per_day is None else float(csat_slope_per_day),
        "satisfied_not_retained": float(satisfied_not_retained),
        "retention_gap": float(retention_gap),
        "recommendations": len(table),
    }
    return {key: _plain(value) for key, value in results.items()}
