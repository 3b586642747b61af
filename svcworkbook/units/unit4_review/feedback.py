"""Feedback from two or more methods, their trends, root causes and triangulation (unit 4).

Surveys give many customers' scores and comments, with a response rate that shows how far they
can be trusted; mystery shopping checks behaviour against each service standard; the complaints
log gives root causes. Trends show whether things are getting better or worse; a Pareto chart
shows the few causes behind most complaints; triangulation checks whether comments and complaints
point to the same problems (marking points U4.MP2, U4.MP3, U4.MP5, U4.MP6).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from svcworkbook.analysis import kpi, stats
from svcworkbook.data import privacy
from svcworkbook.errors import DataError, require_columns
from svcworkbook.learning import exercises, reasons
from svcworkbook.report import narrative
from svcworkbook.report.legends import place_legend
from svcworkbook.report.point_labels import label_points
from svcworkbook.report.style import COLOURS, LINESTYLES, PALETTE, date_axis, percent_axis
from svcworkbook.units.unit4_review.measurement_plan import (
    ReviewWindow,
    mystery_shop_met_rate,
    split_rows,
)

#: The five mystery-shop standards (columns scored 0-4) and how a report names them.
STANDARDS: dict[str, str] = {
    "greeting": "Greeting",
    "needs_identified": "Needs identified",
    "product_knowledge": "Product knowledge",
    "resolution_offered": "Resolution offered",
    "professional_close": "Professional close",
}
MAX_STANDARD_SCORE = 4
#: A theme needs this many comments before the survey can flag it.
MIN_MENTIONS = 5
#: Data covering at least this many days is trended by week, shorter data by day.
WEEKLY_FROM_DAYS = 42


# ---------------------------------------------------------------------------------------------
# Surveys: participation and scores
# ---------------------------------------------------------------------------------------------


def response_rates(surveys: pd.DataFrame, by: str = "method", target: float | None = None):
    """Per group: surveys sent, responses, response rate = responses / sent (kpi.survey_response_rate)
    and, with a target, whether it is met. Sorted by rate, lowest first."""
    require_columns(surveys, [by, "responded"], "surveys")
    rows = []
    for group, part in surveys.groupby(by, sort=True):
        rows.append(
            {
                by: str(group),
                "sent": len(part),
                "responses": int(part["responded"].astype(bool).sum()),
                "response_rate": kpi.survey_response_rate(part),
            }
        )
    table = pd.DataFrame(rows, columns=[by, "sent", "responses", "response_rate"])
    if target is not None:
        table["target"] = float(target)
        table["met"] = table["response_rate"] >= target
    return table.sort_values(["response_rate", by], ignore_index=True)


def lowest_response(table: pd.DataFrame) -> pd.Series:
    """The row of a response_rates table with the lowest rate (alphabetical among ties)."""
    if table.empty:
        raise DataError("surveys: no surveys were sent, so there is no response rate")
    return table.iloc[0]


def survey_scores(surveys: pd.DataFrame) -> dict[str, float]:
    """Sent, responses, response rate, CSAT (share 4-5), CSAT mean, NPS and CES from surveys."""
    return {
        "sent": len(surveys),
        "responses": int(surveys["responded"].astype(bool).sum()),
        "response_rate": kpi.survey_response_rate(surveys),
        "csat": kpi.csat(surveys),
        "csat_mean": kpi.csat_mean(surveys),
        "nps": kpi.net_promoter_score(surveys),
        "ces": kpi.customer_effort_score(surveys),
    }


def survey_sentences(scores: Mapping[str, float], rates: pd.DataFrame, target: float,
                     organisation: str) -> list[str]:  # fmt: skip
    """Participation (response rate against target, lowest method) and the scores, in words."""
    low = lowest_response(rates)
    by = rates.columns[0]
    rate = narrative.target_sentence("the response rate", scores["response_rate"], target)
    out = [
        f"{organisation} sent {scores['sent']:,} surveys and received {scores['responses']:,} "
        f"responses: {rate[:1].lower()}{rate[1:]}",
    ]
    if len(rates) > 1:  # with one method (or touchpoint) there is no lowest to compare
        out.append(
            f"The lowest response rate was for the {low[by]} {_by_word(by)} "
            f"({narrative.format_percent(low['response_rate'])} of {int(low['sent']):,} sent), "
            "so its customers are the least well represented in the scores."
        )
    else:
        out.append(f"Every survey was sent by one {_by_word(by)}, {low[by]}.")
    out.append(_scores_sentence(scores))
    return out


def _scores_sentence(scores: Mapping[str, float]) -> str:
    """CSAT, NPS and effort in words, each only when the surveys have it."""
    parts = []
    if not math.isnan(scores["csat"]):
        parts.append(
            f"CSAT (share scoring 4 or 5) was {narrative.format_percent(scores['csat'])} (mean "
            f"{scores['csat_mean']:.2f} out of 5)"
        )
    if not math.isnan(scores["nps"]):
        parts.append(f"NPS was {scores['nps']:+.0f}")
    if not math.isnan(scores["ces"]):
        parts.append(
            f"customer effort averaged {scores['ces']:.2f} on the 1 (very easy) to 7 (very "
            "difficult) scale"
        )
    if not parts:
        return "No response carries a score, so there is nothing to report on satisfaction."
    missing = [n for n, k in (("CSAT", "csat"), ("NPS", "nps"), ("effort", "ces"))
               if math.isnan(scores[k])]  # fmt: skip
    tail = f" ({' and '.join(missing)} not recorded in these surveys)" if missing else ""
    return f"Of those who answered, {narrative.join_words(parts)}{tail}."


def _by_word(by: str) -> str:
    """'method' -> 'survey method', 'touchpoint' -> 'touchpoint'."""
    return "survey method" if by == "method" else by


CHEAPEST_FIX = exercises.define(
    "U4.E4", 4, "the survey method to work on first", "choice",
    giveaway=("fewest extra", "work on first", "closest to the target"),
    reason="the extra responses that method needs to reach the target",
    hint="For each method below the target, the extra responses needed = target x sent - "
    "responses (rounded up); pick the method needing the fewest.",
    slips={"lowest rate": "that method has the lowest response rate, but it needs more extra "
           "responses than another; compare how many each method needs to reach the target"},
)  # fmt: skip


def extra_responses_needed(rates: pd.DataFrame, target: float) -> pd.Series:
    """Per method below the target: responses still needed = ceil(target x sent) - responses."""
    below = rates.loc[rates["response_rate"] < target]
    needed = np.ceil(np.round(target * below["sent"], 9)).astype(int) - below["responses"]
    return pd.Series(needed.to_numpy(), index=below.iloc[:, 0].astype(str), name="needed")


def extra_responses_sentence(needed: pd.Series) -> str:
    """The extra responses each method below the target needs, in words (fewest first)."""
    if needed.empty:
        return "Every survey method already meets the response-rate target."
    parts = [f"{method} {int(n):,}" for method, n in needed.sort_values(kind="stable").items()]
    return f"Extra responses needed to reach the target, by method: {', '.join(parts)}."


def check_cheapest_fix(my_answer, surveys: pd.DataFrame, target: float, reason=None):
    """Exercise U4.E4: the survey method below the response-rate target that needs the fewest
    extra responses to reach it; slip: the method with the lowest rate."""
    rates = response_rates(surveys, "method")
    if len(rates) < 2:  # nothing to choose between
        return exercises.unavailable(
            "U4.E4",
            f"This exercise needs two or more survey methods to choose between; this data has "
            f"{'only ' + str(rates['method'].iloc[0]) if len(rates) else 'none'}.",
        )
    needed = extra_responses_needed(rates, target)
    if needed.empty:
        return exercises.unavailable("U4.E4", "Every survey method already meets the target.")
    slips = {"lowest rate": str(lowest_response(rates)["method"])}
    because = reasons.Because(figures=(float(needed.min()),))
    return exercises.check(
        CHEAPEST_FIX, my_answer, str(needed.idxmin()), slips, reason=reason, because=because
    )


# ---------------------------------------------------------------------------------------------
# Mystery shopping
# ---------------------------------------------------------------------------------------------


def standard_scores(mystery_shops: pd.DataFrame) -> pd.DataFrame:
    """Per standard: mean score (0-4), share of the maximum = mean / 4, and the share of visits
    with full marks. Sorted weakest first (lowest share of the maximum)."""
    require_columns(mystery_shops, list(STANDARDS), "mystery_shops")
    if mystery_shops.empty:
        raise DataError("mystery_shops: there are no visits to score")
    rows = []
    for order, (column, label) in enumerate(STANDARDS.items()):
        scores = pd.to_numeric(mystery_shops[column], errors="coerce")
        rows.append(
            {
                "standard": column,
                "label": label,
                "mean_score": float(scores.mean()),
                "share_of_maximum": float(scores.mean() / MAX_STANDARD_SCORE),
                "full_marks_share": float((scores == MAX_STANDARD_SCORE).mean()),
                "order": order,
            }
        )
    table = pd.DataFrame(rows).sort_values(["share_of_maximum", "order"], ignore_index=True)
    return table.drop(columns="order")


def mystery_shop_summary(mystery_shops: pd.DataFrame) -> dict[str, float]:
    """Visits, share meeting the standard (overall >= 80%) and the mean overall score (%)."""
    require_columns(mystery_shops, ["standard_met", "overall_pct"], "mystery_shops")
    return {
        "visits": len(mystery_shops),
        "met_rate": mystery_shop_met_rate(mystery_shops),
        "mean_overall_pct": float(pd.to_numeric(mystery_shops["overall_pct"]).mean()),
    }


def mystery_shop_sentences(summary: Mapping[str, float], standards: pd.DataFrame,
                           target: float) -> list[str]:  # fmt: skip
    """The visits meeting the standard against target, and the weakest and strongest standard."""
    weakest, strongest = standards.iloc[0], standards.iloc[-1]
    return [
        f"Mystery shoppers made {summary['visits']:,} visits. "
        + narrative.target_sentence(
            "the share of visits meeting the standard (80% or more overall)",
            summary["met_rate"],
            target,
        ),
        f"The weakest standard was {weakest['label'].lower()} (mean "
        f"{weakest['mean_score']:.2f} of {MAX_STANDARD_SCORE}, full marks in "
        f"{narrative.format_percent(weakest['full_marks_share'])} of visits); the strongest was "
        f"{strongest['label'].lower()} (mean {strongest['mean_score']:.2f}).",
    ]


def standards_chart(standards: pd.DataFrame, ax=None):
    """Horizontal bars of each standard's mean score as a share of the maximum, weakest in
    colour and labelled with its value. Returns the Axes."""
    ax = ax or plt.subplots(figsize=(7, 3.2))[1]
    ordered = standards.iloc[::-1]
    colours = [COLOURS["data"] if i == len(ordered) - 1 else COLOURS["muted"]
               for i in range(len(ordered))]  # fmt: skip
    ax.barh(ordered["label"], ordered["share_of_maximum"], color=colours)
    for y, value in enumerate(ordered["share_of_maximum"]):
        ax.text(value + 0.01, y, narrative.format_percent(value), va="center", fontsize=9)
    ax.set_xlim(0, 1.1)
    percent_axis(ax, axis="x")
    ax.set_xlabel("Mean score as a share of the maximum (%)")
    ax.set_ylabel("Standard")
    ax.set_title("Mystery shopping: each standard (weakest in colour)")
    return ax


# ---------------------------------------------------------------------------------------------
# Methods used (at least two)
# ---------------------------------------------------------------------------------------------


def feedback_methods(surveys: pd.DataFrame, mystery_shops: pd.DataFrame,
                     complaints: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """The feedback methods in the data: records, participation and what each measures."""
    return pd.DataFrame(
        [
            ("Post-contact survey", len(surveys),
             f"{int(surveys['responded'].astype(bool).sum()):,} responses "
             f"({narrative.format_percent(kpi.survey_response_rate(surveys))} response rate)"
             if len(surveys) else "no surveys sent",
             "how customers felt (CSAT, NPS, effort) and why (comments)"),
            ("Mystery shopping", len(mystery_shops),
             f"{len(mystery_shops):,} visits by "
             f"{mystery_shops['shopper_id'].nunique() if 'shopper_id' in mystery_shops else 0} "
             "shoppers", "behaviour against each service standard"),
            ("Complaints log", len(complaints), f"{len(complaints):,} complaints",
             "what went wrong and its root cause"),
        ],
        columns=["method", "records", "participation", "what it measures"],
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Trends
# ---------------------------------------------------------------------------------------------


def trend_period(window: ReviewWindow) -> str:
    """'week' when the data covers at least six weeks, else 'day' (a trend needs points)."""
    return "week" if (window.end - window.start).days >= WEEKLY_FROM_DAYS else "day"


def feedback_trends(surveys: pd.DataFrame, mystery_shops: pd.DataFrame, window: ReviewWindow,
                    period: str | None = None) -> pd.DataFrame:  # fmt: skip
    """CSAT and response rate (kpi.kpi_table by sent_at) per period in the window, and the
    mystery-shop met rate by visited_at a step coarser (month for weekly surveys, week for
    daily; a first part-period starts at the window's start): columns period, measure, value, n."""
    period = period or trend_period(window)
    inside, _ = split_rows(surveys, "sent_at", ReviewWindow(window.start, window.end, window.end))
    table = kpi.kpi_table(surveys=inside, period=period, by=(),
                          kpis=["csat", "survey_response_rate"])  # fmt: skip
    table = table[["period", "kpi", "value", "n"]].rename(columns={"kpi": "measure"})
    shops, _ = split_rows(mystery_shops, "visited_at",
                          ReviewWindow(window.start, window.end, window.end))  # fmt: skip
    if len(shops):
        # a few visits a week: mystery shops are grouped a step coarser than the surveys
        when = pd.to_datetime(shops["visited_at"])
        starts = when.dt.to_period("M" if period == "week" else "W").dt.start_time
        starts = starts.where(starts >= window.start, window.start)
        met = shops["standard_met"].astype(bool).groupby(starts.to_numpy())
        shop_rows = pd.DataFrame(
            {"period": met.mean().index, "measure": "mystery_shop_met",
             "value": met.mean().to_numpy(), "n": met.size().to_numpy()}
        )  # fmt: skip
        table = pd.concat([table, shop_rows], ignore_index=True)
    return table.sort_values(["measure", "period"], ignore_index=True)


def measure_trend(trends: pd.DataFrame, measure: str, min_n: int = 1) -> stats.Trend | None:
    """stats.trend of one measure's series (periods with at least min_n cases); None when there
    are fewer than three periods with data, too few for a trend."""
    rows = trends[(trends["measure"] == measure) & (trends["n"] >= min_n)].dropna(subset=["value"])
    if len(rows) < 3:
        return None
    series = pd.Series(rows["value"].to_numpy(), index=pd.DatetimeIndex(rows["period"]))
    return stats.trend(series, window=min(4, len(rows)))


TREND_LABELS = {
    "csat": "CSAT",
    "survey_response_rate": "the survey response rate",
    "mystery_shop_met": "the share of mystery shops meeting the standard",
}


def trend_sentences(trends: pd.DataFrame) -> list[str]:
    """A narrative.trend_sentence for CSAT and the response rate (or why there is none)."""
    sentences = []
    for measure in ("csat", "survey_response_rate"):
        result = measure_trend(trends, measure)
        label = TREND_LABELS[measure]
        if result is None:
            sentences.append(f"There are too few periods with data to judge a trend in {label}.")
        else:
            sentences.append(narrative.trend_sentence(result, label, unit="%"))
    return sentences


def _shared_targets(drawn: list[tuple[str, object, float]]) -> list[tuple[str, object, float]]:
    """One target line per target value: (names, colour, target). Measures whose targets are the
    same share one line, named for them all ('CSAT and Mystery shops meeting standard') and drawn
    in the target colour, so no line hides under another of the same height."""
    lines: list[tuple[list[str], object, float]] = []
    for label, colour, target in drawn:
        same = next((line for line in lines if math.isclose(line[2], target)), None)
        if same is None:
            lines.append(([label], colour, target))
        else:  # mid-sentence: 'CSAT and mystery shops ...' (an acronym keeps its capitals)
            same[0].append(label if label[:2].isupper() else label[0].lower() + label[1:])
    return [
        (" and ".join(names), colour if len(names) == 1 else COLOURS["target"], target)
        for names, colour, target in lines
    ]


def trend_chart(trends: pd.DataFrame, targets: Mapping[str, float], ax=None):
    """CSAT, response rate and mystery shops meeting the standard per period (0-100%), each
    with its target as a dashed line of the same colour. Returns the Axes."""
    ax = ax or plt.subplots(figsize=(8, 4))[1]
    palette = [COLOURS["data"], COLOURS["cumulative"], PALETTE[4]]
    markers = ["o", "s", "^"]
    drawn = []  # (label, colour, target) of each measure drawn that has a target
    for i, measure in enumerate(["csat", "survey_response_rate", "mystery_shop_met"]):
        rows = trends[trends["measure"] == measure]
        if rows.empty:
            continue
        label = {"csat": "CSAT", "survey_response_rate": "Survey response rate",
                 "mystery_shop_met": "Mystery shops meeting standard"}[measure]  # fmt: skip
        ax.plot(rows["period"], rows["value"], marker=markers[i], color=palette[i], label=label)
        if measure in targets:
            drawn.append((label, palette[i], float(targets[measure])))
    for names, colour, target in _shared_targets(drawn):
        ax.axhline(target, color=colour, linestyle=LINESTYLES["target"], linewidth=1.2,
                   label=f"{names} target ({narrative.format_target(target)})")  # fmt: skip
    ax.set_ylim(0, 1.05)
    percent_axis(ax)
    date_axis(ax, trends["period"])
    ax.set_xlabel("Period starting")
    ax.set_ylabel("Share (%)")
    ax.set_title("Feedback measures over time against their targets")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize=8)
    return ax


# ---------------------------------------------------------------------------------------------
# Root causes (Pareto) and triangulation
# ---------------------------------------------------------------------------------------------


def complaint_root_causes(complaints: pd.DataFrame, window: ReviewWindow) -> pd.DataFrame:
    """stats.pareto of root_cause for complaints received in the review window (older
    complaints kept for their retention period are left out)."""
    require_columns(complaints, ["root_cause", "received_at"], "complaints")
    whole = ReviewWindow(window.start, window.end, window.end)
    inside, _ = split_rows(complaints, "received_at", whole)
    if inside.empty:
        raise DataError(
            "complaints: none were received in the review window "
            f"({window.describe()[0].split(' to ')[0]} onwards), so there are no root causes "
            "to analyse"
        )
    return stats.pareto(inside["root_cause"])


TOP_TWO_SHARE = exercises.define(
    "U4.E1", 4, "share of complaints from the two largest root causes", "percent", decimals=1,
    hint="Add the complaints of the two largest root causes and divide by all the complaints "
    "in the review window.",
    slips={
        "largest only": "that is the largest root cause on its own; add the second largest",
        "count": "that is the number of complaints; give it as a share of all complaints",
        "vital few": "that is the share of all the vital few, not of the two largest causes",
    },
)  # fmt: skip


def check_top_two_share(my_answer, causes: pd.DataFrame):
    """Exercise U4.E1: share of complaints from the two largest root causes (a Pareto table's
    first two rows); slips: the largest alone, the count, the vital few's share."""
    if len(causes) < 2:
        return exercises.unavailable("U4.E1", "This window has fewer than two root causes.")
    top = causes.iloc[:2]
    vital = causes.loc[causes["vital_few"], "share"].sum()
    slips = {
        "largest only": float(causes["share"].iloc[0]),
        "count": float(top["count"].sum()) / 100,  # given as a number of complaints, not a share
        "vital few": float(vital) if causes["vital_few"].sum() != 2 else None,
    }
    return exercises.check(TOP_TWO_SHARE, my_answer, float(top["share"].sum()), slips)


def complaint_themes(complaints: pd.DataFrame, window: ReviewWindow,
                     keywords=stats.THEME_KEYWORDS) -> pd.DataFrame:  # fmt: skip
    """Complaints in the window per comment theme: each root cause is coded with the same
    keywords as survey comments (stats.code_themes); columns theme, complaints, share."""
    whole = ReviewWindow(window.start, window.end, window.end)
    inside, _ = split_rows(complaints, "received_at", whole)
    coded = stats.code_themes(inside["root_cause"], keywords)
    themes = [t for t in coded.columns if t not in ("comment", "themes")]
    counts = {t: int(coded[t].sum()) for t in themes}
    counts[stats.NO_THEME] = int((~coded[themes].any(axis=1)).sum()) if themes else len(coded)
    total = max(len(coded), 1)
    return pd.DataFrame(
        {"theme": list(counts), "complaints": list(counts.values()),
         "share_of_complaints": [c / total for c in counts.values()]}
    )  # fmt: skip


def triangulation(surveys: pd.DataFrame, complaints: pd.DataFrame, window: ReviewWindow,
                  min_mentions: int = MIN_MENTIONS) -> pd.DataFrame:  # fmt: skip
    """Survey comment themes with their scores (stats.triangulate) beside complaint root causes
    coded to the same themes. Rules: the survey flags a theme with at least min_mentions comments
    whose share of low scores (CSAT 1-2) is above that of all comments; complaints flag a theme
    in the vital few of complaint themes (80% Pareto). Verdict: both, one source, or neither."""
    whole = ReviewWindow(window.start, window.end, window.end)
    inside, _ = split_rows(surveys, "sent_at", whole)
    themes = stats.triangulate(inside, score="csat", comment="comment")
    themes["example_comment"] = themes["example_comment"].map(privacy.redact)  # shown in reports
    has_comment = inside["comment"].notna() & (inside["comment"].astype(str).str.strip() != "")
    scores = pd.to_numeric(inside.loc[has_comment, "csat"], errors="coerce").dropna()
    overall_low = float((scores <= 2).mean()) if len(scores) else math.nan
    table = themes.merge(complaint_themes(complaints, window), on="theme", how="left")
    table[["complaints"]] = table[["complaints"]].fillna(0).astype(int)
    table["share_of_complaints"] = table["share_of_complaints"].fillna(0.0)
    coded = table["theme"] != stats.NO_THEME
    table["survey_flag"] = (
        coded & (table["mentions"] >= min_mentions) & (table["low_score_share"] > overall_low)
    )
    vital: set[str] = set()
    counts = table.loc[coded & (table["complaints"] > 0)].set_index("theme")["complaints"]
    if counts.sum() > 0:
        pareto = stats.pareto_counts(counts)
        vital = set(pareto.loc[pareto["vital_few"], "category"])
    table["complaint_flag"] = table["theme"].isin(vital)
    table["verdict"] = np.select(
        [table["survey_flag"] & table["complaint_flag"], table["survey_flag"],
         table["complaint_flag"]],
        ["both sources", "survey comments only", "complaints only"],
        "neither",
    )  # fmt: skip
    table.attrs["overall_low_score_share"] = overall_low
    return table


def confirmed_themes(table: pd.DataFrame) -> list[str]:
    """Themes both the survey comments and the complaints flag, most complaints first."""
    both = table[table["verdict"] == "both sources"]
    return both.sort_values(["complaints", "theme"], ascending=[False, True])["theme"].tolist()


def triangulation_sentences(table: pd.DataFrame, causes: pd.DataFrame) -> list[str]:
    """What the sources agree on, what only one source shows, and the Pareto sentence."""
    sentences = [narrative.pareto_sentence(causes, what="complaints")]
    overall = table.attrs.get("overall_low_score_share", math.nan)
    both = confirmed_themes(table)
    if both:
        sentences.append(
            f"Survey comments and complaints agree on {narrative.join_words(both)}: "
            + ("this theme has" if len(both) == 1 else "these themes have")
            + f" a larger share of low scores than the {narrative.format_percent(overall)} of "
            "all comments and "
            + ("is" if len(both) == 1 else "are")
            + " among the vital few complaint themes, so the finding rests on two sources."
        )
    else:
        sentences.append(
            "No theme is flagged by both survey comments and complaints, so each finding rests "
            "on one source: look for a third (mystery shopping, call audits) before acting."
        )
    for verdict, source in (("survey comments only", "only the survey comments"),
                            ("complaints only", "only the complaints")):  # fmt: skip
        names = table.loc[table["verdict"] == verdict, "theme"].tolist()
        if names:
            text = narrative.join_words(names)
            sentences.append(f"{text[:1].upper()}{text[1:]}: flagged by {source}.")
    return sentences


def trend_targets(csat_target: float, response_rate_target: float,
                  mystery_shop_target: float) -> dict[str, float]:  # fmt: skip
    """The notebook's targets keyed by the trend measures, for trend_chart."""
    return {
        "csat": csat_target,
        "survey_response_rate": response_rate_target,
        "mystery_shop_met": mystery_shop_target,
    }


def trend_slope(trends: pd.DataFrame, measure: str) -> float | None:
    """The fitted change per day of one measure (measure_trend), None when there is no trend."""
    result = measure_trend(trends, measure)
    return None if result is None else result.slope


def response_chart(rates: pd.DataFrame, target: float, ax=None):
    """Bars of the response rate per group (below target in colour, met in grey), labelled with
    the rate and the number sent, and the target as a dashed line. Returns the Axes."""
    by = rates.columns[0]
    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    colours = [COLOURS["shortfall"] if r < target else COLOURS["muted"]
               for r in rates["response_rate"]]  # fmt: skip
    ax.bar(rates[by].astype(str), rates["response_rate"], color=colours)
    for i, (rate, sent) in enumerate(zip(rates["response_rate"], rates["sent"], strict=True)):
        ax.text(i, rate + 0.01, f"{rate:.1%}\nof {int(sent):,}", ha="center", va="bottom",
                fontsize=8)  # fmt: skip
    ax.axhline(target, color=COLOURS["target"], linestyle=LINESTYLES["target"],
               label=f"Target ({narrative.format_target(target)})")  # fmt: skip
    ax.set_ylim(0, max(float(rates["response_rate"].max()), target) * 1.3 or 1)
    percent_axis(ax)
    ax.set_xlabel(_by_word(by).capitalize())
    ax.set_ylabel("Response rate (%)")
    ax.set_title(f"Survey response rate by {_by_word(by)} (below target in red)")
    place_legend(ax)
    return ax


def triangulation_chart(table: pd.DataFrame, ax=None):
    """Each coded theme placed by its share of low scores in comments (x) and its share of
    complaints (y), marked by verdict, with the all-comments low-score share as a dotted line.
    Returns the Axes."""
    ax = ax or plt.subplots(figsize=(7.5, 4.5))[1]
    coded = table[(table["theme"] != stats.NO_THEME) & (table["mentions"] > 0)]
    styles = {
        "both sources": (COLOURS["shortfall"], "D"),
        "survey comments only": (COLOURS["data"], "o"),
        "complaints only": (COLOURS["cumulative"], "s"),
        "neither": (COLOURS["muted"], "o"),
    }
    for verdict, (colour, marker) in styles.items():
        rows = coded[coded["verdict"] == verdict]
        if rows.empty:
            continue
        ax.scatter(rows["low_score_share"], rows["share_of_complaints"], color=colour,
                   marker=marker, s=60, label=verdict, zorder=3)  # fmt: skip
    overall = table.attrs.get("overall_low_score_share", math.nan)
    if not math.isnan(overall):
        ax.axvline(overall, color=COLOURS["centre"], linestyle=LINESTYLES["threshold"],
                   label=f"Low scores in all comments ({overall:.1%})")  # fmt: skip
    percent_axis(ax)
    percent_axis(ax, axis="x")
    # each theme named beside its point, no two names on top of each other
    label_points(ax, coded["low_score_share"], coded["share_of_complaints"], coded["theme"])
    ax.set_xlabel("Comments on the theme scoring CSAT 1-2 (%)")
    ax.set_ylabel("Complaints coded to the theme (%)")
    ax.set_title("Triangulation: what comments and complaints each say")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize=8)
    return ax
