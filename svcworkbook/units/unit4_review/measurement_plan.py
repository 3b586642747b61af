"""A measurement plan for a service review: SMART objectives tied to service standards.

Each objective names the service standard it checks, the touchpoint, the measure and its formula,
the data collection method, a benchmark (the target), a baseline measured from the data and a
timeline (baseline period, review period), so whether service met the standard is not a matter
of opinion (unit 4, misconceptions U4.M1 and U4.M5; marking points U4.MP1 and U4.MP4).

The review window runs from the first to the last day of the contacts. The baseline is its first
four weeks (or its first half when the data covers less than eight weeks); the review period is
the rest. An objective is met when its value over the review period meets the target.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from svcworkbook.analysis import kpi, stats
from svcworkbook.errors import DataError
from svcworkbook.learning import exercises
from svcworkbook.report import narrative

#: The baseline is this many days long when the data covers at least twice as many.
BASELINE_DAYS = 28


@dataclass(frozen=True)
class Measure:
    """One measure of the plan: what it checks, where, how it is collected and its formula."""

    name: str
    label: str
    standard: str
    touchpoint: str
    method: str
    formula: str
    dataset: str
    date_column: str
    unit: str  # "%" for shares, "days" for durations
    higher_is_better: bool
    target_name: str
    #: judge the target in each group of this column too (the standard says "every ..."), so a
    #: good overall figure cannot hide a touchpoint below the target (issue 17, finding 4)
    each: str | None = None


#: The plan's measures, each tied to a service standard and a touchpoint.
MEASURES: tuple[Measure, ...] = (
    Measure(
        "csat",
        "CSAT",
        "Customers rate their contact 4 or 5 out of 5",
        "every touchpoint (phone, email, chat, social, delivery, store, website), each judged "
        "on its own",
        "post-contact survey (email, SMS, IVR, web)",
        "responses scoring 4 or 5 / responses with a score, at each touchpoint",
        "surveys",
        "sent_at",
        "%",
        True,
        "csat_target",
        each="touchpoint",
    ),
    Measure(
        "survey_response_rate",
        "Survey response rate",
        "Enough customers answer for the scores to be trusted",
        "the survey after each contact",
        "survey log: invitations sent and responses received",
        "surveys responded to / surveys sent",
        "surveys",
        "sent_at",
        "%",
        True,
        "response_rate_target",
    ),
    Measure(
        "mystery_shop_met",
        "Mystery shops meeting the standard",
        "Mystery-shopped contacts score at least 80% over the five service standards "
        "(greeting, needs identified, product knowledge, resolution offered, professional "
        "close); a visit can pass with one standard scored 0 (4+4+4+4+0 = 16 of 20 = 80%)",
        "phone, email, chat and store",
        "mystery shopping scored 0-4 against each standard",
        "visits scoring 80% or more overall / visits",
        "mystery_shops",
        "visited_at",
        "%",
        True,
        "mystery_shop_target",
    ),
    Measure(
        "complaint_resolution_time",
        "Complaint resolution time",
        "Complaints are resolved promptly",
        "the complaints process (all channels)",
        "complaints log: date received and date resolved",
        "total days from received to resolved / complaints resolved",
        "complaints",
        "received_at",
        "days",
        False,
        "complaint_resolution_days",
    ),
)
MEASURES_BY_NAME = {m.name: m for m in MEASURES}


@dataclass(frozen=True)
class ReviewWindow:
    """The review's timeline: start, end of the baseline (exclusive) and end (exclusive)."""

    start: pd.Timestamp
    baseline_end: pd.Timestamp
    end: pd.Timestamp

    def describe(self) -> tuple[str, str]:
        """The baseline and review periods as UK dates, e.g. ('5 Jan 2026 to 1 Feb 2026', ...)."""
        last = pd.Timedelta(days=1)
        return (
            f"{_day(self.start)} to {_day(self.baseline_end - last)}",
            f"{_day(self.baseline_end)} to {_day(self.end - last)}",
        )


def _day(moment: pd.Timestamp) -> str:
    """A date as '5 Jan 2026'."""
    return narrative.format_period(moment.normalize())


def review_window(contacts: pd.DataFrame) -> ReviewWindow:
    """Window = first to last day of contacts.opened_at; baseline = the first 28 days, or the
    first half (whole days, at least one) when the data covers fewer than 56 days."""
    if "opened_at" not in contacts.columns:
        raise DataError("contacts: no 'opened_at' column; map your contact date column to it")
    opened = pd.to_datetime(contacts["opened_at"]).dropna()
    if opened.empty:
        raise DataError("contacts: 'opened_at' is blank in every row, so there is no period")
    start = opened.min().normalize()
    end = opened.max().normalize() + pd.Timedelta(days=1)
    days = (end - start).days
    if days < 2:
        raise DataError(
            "contacts: the data covers one day, so there is no baseline to compare with; "
            "a measurement plan needs at least two days of data"
        )
    baseline_days = BASELINE_DAYS if days >= 2 * BASELINE_DAYS else days // 2
    return ReviewWindow(start, start + pd.Timedelta(days=baseline_days), end)


def mystery_shop_met_rate(mystery_shops: pd.DataFrame) -> float:
    """Mystery shops meeting the standard = visits with standard_met / visits, 0-1 (NaN if none)."""
    if "standard_met" not in mystery_shops.columns:
        raise DataError("mystery_shops: no 'standard_met' column; map your pass/fail column to it")
    if mystery_shops.empty:
        return float("nan")
    return float(mystery_shops["standard_met"].astype(bool).mean())


def measure_value(name: str, data: pd.DataFrame) -> float:
    """The value of one plan measure on its dataset's rows (NaN when there are none)."""
    if name == "csat":
        return kpi.csat(data) if len(data) else float("nan")
    if name == "survey_response_rate":
        return kpi.survey_response_rate(data) if len(data) else float("nan")
    if name == "mystery_shop_met":
        return mystery_shop_met_rate(data)
    if name == "complaint_resolution_time":
        return kpi.complaint_resolution_time(data) if len(data) else float("nan")
    raise ValueError(f"unknown measure {name!r}; choose one of: {', '.join(MEASURES_BY_NAME)}")


def split_rows(
    data: pd.DataFrame, column: str, window: ReviewWindow
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows dated in the baseline and in the review period (rows outside the window are left
    out, e.g. complaints kept from earlier years)."""
    if column not in data.columns:
        raise DataError(f"no '{column}' column; map your date column to {column}")
    when = data[column]
    if not pd.api.types.is_datetime64_any_dtype(when):  # to_datetime on dates costs a scan
        when = pd.to_datetime(when)
    baseline = (when >= window.start) & (when < window.baseline_end)
    review = (when >= window.baseline_end) & (when < window.end)
    return data.loc[baseline], data.loc[review]


def is_met(value: float, target: float, higher_is_better: bool) -> bool:
    """Met when value >= target (higher is better) or <= target; never met without a value."""
    if value is None or math.isnan(value):
        return False
    return narrative.target_met(value, target, higher_is_better)


def groups_short(measure: Measure, rows: pd.DataFrame, target: float) -> list[tuple[str, float]]:
    """The groups of ``measure.each`` (e.g. each touchpoint) whose own value misses the target,
    worst first; none when the measure is judged overall or the data has no such column."""
    if measure.each is None or measure.each not in rows.columns:
        return []
    short = []
    for name, group in rows.groupby(measure.each, sort=True, observed=True):
        value = measure_value(measure.name, group)
        if not math.isnan(value) and not is_met(value, target, measure.higher_is_better):
            short.append((str(name), value))
    return sorted(short, key=lambda pair: pair[1], reverse=not measure.higher_is_better)


def smart_objective(measure: Measure, target: float, window: ReviewWindow) -> str:
    """The objective in SMART form: specific measure, target, where, and by when."""
    verb = "at least" if measure.higher_is_better else "no more than"
    _, review = window.describe()
    return (
        f"{measure.label} ({measure.formula}) of {verb} "
        f"{narrative.format_target(target, _unit(measure))} at {measure.touchpoint}, "
        f"over {review}"
    )


def _unit(measure: Measure) -> str:
    """The narrative unit of a measure: '%' for shares, 'days' otherwise."""
    return "%" if measure.unit == "%" else measure.unit


def measurement_plan(
    datasets: Mapping[str, pd.DataFrame],
    targets: Mapping[str, float],
    window: ReviewWindow,
) -> pd.DataFrame:
    """One row per SMART objective: measure, standard, touchpoint, method, baseline (value over
    the baseline days), target, result (value over the review period), met (result meets target),
    timeline and the marking points it serves. `targets` maps each measure's target_name. A
    measure whose dataset is not given (someone's own data without it) is left out."""
    rows = []
    baseline_text, review_text = window.describe()
    for measure in MEASURES:
        if measure.target_name not in targets:
            raise ValueError(
                f"measurement_plan needs the target {measure.target_name!r}; give "
                f"targets={{{measure.target_name!r}: value, ...}}"
            )
        if measure.dataset not in datasets:  # someone's own data without it: left out
            continue
        target = float(targets[measure.target_name])
        before, after = split_rows(datasets[measure.dataset], measure.date_column, window)
        baseline = measure_value(measure.name, before)
        result = measure_value(measure.name, after)
        short = groups_short(measure, after, target)
        rows.append(
            {
                "measure": measure.name,
                "label": measure.label,
                "objective": smart_objective(measure, target, window),
                "standard": measure.standard,
                "touchpoint": measure.touchpoint,
                "method": measure.method,
                "unit": measure.unit,
                "higher_is_better": measure.higher_is_better,
                "baseline": baseline,
                "target": target,
                "result": result,
                "n_baseline": len(before),
                "n_review": len(after),
                "met": is_met(result, target, measure.higher_is_better) and not short,
                "short_at": "; ".join(
                    f"{name} {format_measure(value, measure.unit)}" for name, value in short
                ),
                "timeline": f"baseline {baseline_text}; review {review_text}",
                "marking_points": "U4.MP1, U4.MP4",
            }
        )
    return pd.DataFrame(rows)


def format_measure(value: float, unit: str) -> str:
    """A plan value as text: shares as %, days with one decimal, '–' when missing."""
    if value is None or math.isnan(value):
        return "–"
    if unit == "%":
        return narrative.format_percent(value)
    return f"{value:.1f} {unit}"


def readable(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan with baseline, target and result as text in each measure's unit (for showing)."""
    shown = plan.copy()
    for column in ("baseline", "target", "result"):
        shown[column] = [
            format_measure(v, u) for v, u in zip(plan[column], plan["unit"], strict=True)
        ]
    shown["met"] = plan["met"].map({True: "met", False: "missed"})
    return shown


#: Measures whose value is a share of the rows counted (visits, surveys sent), so the counts
#: behind a change are known and a two-proportion test can say if it could be chance.
COUNTED_BY_ROWS = ("mystery_shop_met", "survey_response_rate")


def small_sample_warning(row) -> str | None:
    """A warning when a share measure's baseline or review rests on fewer than
    stats.MIN_GROUP_SIZE rows: the counts (23 of 27 to 23 of 34) and the two-proportion z-test's
    p-value (stats.compare_proportions), so a small change is not read as proven."""
    if row.measure not in COUNTED_BY_ROWS:
        return None
    n_before, n_after = int(row.n_baseline), int(row.n_review)
    if min(n_before, n_after) == 0 or min(n_before, n_after) >= stats.MIN_GROUP_SIZE:
        return None
    x_before, x_after = round(row.baseline * n_before), round(row.result * n_after)
    test = stats.compare_proportions(x_before, n_before, x_after, n_after)
    what = "visits" if row.measure == "mystery_shop_met" else "surveys sent"
    return (
        f"Small sample: {x_before:,} of {n_before:,} {what} before and {x_after:,} of "
        f"{n_after:,} in the review period. With so few, a change this size could be chance "
        f"(two-proportion z-test, {narrative.format_p(test.p_value)}), so treat it as a sign to "
        f"watch, and collect more {what} before treating it as proven."
    )


def plan_sentences(plan: pd.DataFrame, organisation: str) -> list[str]:
    """Each objective's result against its target (narrative.target_sentence), then a summary."""
    sentences = []
    for row in plan.itertuples(index=False):
        unit = "%" if row.unit == "%" else row.unit
        text = narrative.target_sentence(
            f"{row.label} over the review period", row.result, row.target, row.higher_is_better,
            unit=unit, decimals=1,
        )  # fmt: skip
        if row.short_at:
            text = (
                f"{row.label} over the review period was {format_measure(row.result, row.unit)} "
                f"overall, but the standard applies at every "
                f"{MEASURES_BY_NAME[row.measure].each} and these miss the "
                f"{format_measure(row.target, row.unit)} target: {row.short_at}; so the "
                "objective is not met."
            )
        if not math.isnan(row.baseline) and not math.isnan(row.result):
            text += f" The baseline was {format_measure(row.baseline, row.unit)}."
            warning = small_sample_warning(row)
            if warning:
                text += " " + warning
        sentences.append(text)
    met = int(plan["met"].sum())
    sentences.append(
        f"{organisation} met {met} of its {len(plan)} review objectives; each missed objective "
        "needs an explanation from the analysis and a recommendation."
    )
    return sentences


PHONE_BASELINE = exercises.define(
    "U4.E3", 4, "baseline CSAT at the phone touchpoint", "percent", decimals=1,
    hint="Keep the surveys sent in the baseline days, then only the phone touchpoint's "
    "responses, and take the share scoring 4 or 5.",
    slips={
        "every touchpoint": "that is the baseline for every touchpoint together, as in the plan "
        "above; the question asks about the phone touchpoint",
        "whole period": "that is the whole period; the baseline is only the days before the "
        "review period",
        "review period": "that is the review period, not the baseline",
    },
)  # fmt: skip


def check_baseline(
    my_answer, datasets: Mapping[str, pd.DataFrame], window: ReviewWindow, touchpoint="phone"
):
    """Exercise U4.E3: CSAT (share 4-5) at one touchpoint over the baseline days; slips: every
    touchpoint, the whole period, the review period."""
    surveys = datasets["surveys"]
    before, after = split_rows(surveys, "sent_at", window)
    mine = before.loc[before["touchpoint"].astype(str).str.lower() == touchpoint]
    if mine["csat"].notna().sum() == 0:
        return exercises.unavailable(
            "U4.E3", f"No {touchpoint} survey was answered in the baseline."
        )
    later = after.loc[after["touchpoint"].astype(str).str.lower() == touchpoint]
    slips = {
        "every touchpoint": measure_value("csat", before),
        "whole period": measure_value("csat", pd.concat([mine, later])),
        "review period": measure_value("csat", later) if len(later) else None,
    }
    return exercises.check(PHONE_BASELINE, my_answer, measure_value("csat", mine), slips)


def plan_chart(plan: pd.DataFrame, ax=None):
    """The share objectives (CSAT, response rate, mystery shops): baseline (open circle) to
    review result (filled circle) with the target as a vertical mark, missed results in red.
    Objectives in days are left out (another scale). Returns the Axes."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from svcworkbook.report.style import COLOURS, percent_axis

    shares = plan[plan["unit"] == "%"].iloc[::-1]
    ax = ax or plt.subplots(figsize=(7, 0.7 * len(shares) + 1.6))[1]
    for y, row in enumerate(shares.itertuples(index=False)):
        colour = COLOURS["data"] if row.met else COLOURS["shortfall"]
        ax.plot([row.baseline, row.result], [y, y], color=COLOURS["muted"], zorder=1)
        ax.scatter([row.baseline], [y], facecolor="white", edgecolor=colour, s=60, zorder=2)
        ax.scatter([row.result], [y], color=colour, s=60, zorder=3)
        ax.scatter([row.target], [y], marker="|", s=400, color=COLOURS["target"], zorder=2)
    key = [
        Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
               markeredgecolor=COLOURS["centre"], label="Baseline"),
        Line2D([], [], marker="o", linestyle="", color=COLOURS["data"], label="Review: met"),
        Line2D([], [], marker="o", linestyle="", color=COLOURS["shortfall"],
               label="Review: missed"),
        Line2D([], [], marker="|", linestyle="", markersize=14, color=COLOURS["target"],
               label="Target"),
    ]  # fmt: skip
    ax.legend(handles=key, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=4, fontsize=8)
    ax.set_yticks(range(len(shares)), shares["label"])
    ax.set_ylim(-0.5, len(shares) - 0.5)  # the top and bottom rows' points in full
    ax.set_xlim(0, 1)
    percent_axis(ax, axis="x")
    ax.set_xlabel("Share (%)")
    ax.set_title("Objectives: baseline to review period against target (missed in red)")
    return ax
