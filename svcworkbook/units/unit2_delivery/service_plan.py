"""A service plan for the phone queue (unit 2): forecast demand, staff it, allow for shrinkage, and
say what a peak would need.

The steps a planner takes, in order:

1. **Forecast** next week's calls per half hour from history: the average of the same weekday and
   time over the last few weeks (:func:`forecast_demand`). A simple, explainable forecast; check
   it against what really happened (:func:`forecast_accuracy`) and adapt it, because planning
   is a cycle, not a one-off.
2. **Staff** each interval with Erlang C to the service level target (:func:`staffing_for`,
   through :func:`svcworkbook.analysis.staffing.staffing_plan`): the agents needed *on the phones*.
3. **Allow for shrinkage** (breaks, training, meetings, holiday, absence): staff to roster =
   ``ceil(on the phones / (1 - shrinkage))``, never ``on the phones x (1 + shrinkage)``.
4. **Contingency**: the same plan for a peak, e.g. 10%, 20% or 40% more calls
   (:func:`peak_what_if`), so the extra hours and the trigger are agreed before the peak arrives.

Convention: ``agents_scheduled`` in the intervals log counts the agents logged in and available
to take calls (as :func:`svcworkbook.analysis.kpi.occupancy` reads it), so it is compared with the agents
needed on the phones; shrinkage applies to the rota, the people who must be paid to be there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from svcworkbook.analysis import staffing
from svcworkbook.errors import DataError
from svcworkbook.learning import exercises
from svcworkbook.report import narrative

#: Days of the week, Monday first (pandas' dayofweek 0-6).
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Weeks of history averaged by default: recent enough to follow change, long enough to smooth.
DEFAULT_WEEKS = 4
#: Demand rises tried in the contingency what-if (0.4 is the peak_season scenario's size).
DEFAULT_PEAKS = (0.1, 0.2, 0.4)


def _check_intervals(intervals: pd.DataFrame) -> pd.DataFrame:
    """The intervals log with the columns a plan needs and a usable interval_start, or DataError."""
    if not isinstance(intervals, pd.DataFrame):
        raise ValueError("intervals must be a DataFrame with one row per interval")
    missing = [c for c in staffing.INTERVAL_COLUMNS if c not in intervals.columns]
    if missing:
        raise DataError(
            f"intervals: missing column(s) {missing}; the service plan needs "
            f"{list(staffing.INTERVAL_COLUMNS)}. Rename your export's columns (data/README.md)."
        )
    if intervals.empty:
        raise DataError("intervals: no rows, so there is no history to forecast from")
    starts = intervals["interval_start"]
    if not pd.api.types.is_datetime64_any_dtype(starts) or starts.isna().any():
        bad = intervals.index[pd.to_datetime(starts, errors="coerce").isna()][:5].tolist()
        raise DataError(
            f"intervals: 'interval_start' must be a date and time in every row; check rows {bad}"
        )
    return intervals


def _slot_keys(frame: pd.DataFrame) -> list[str]:
    """The columns that identify a recurring slot: weekday, time of day (and channel if given)."""
    return ["weekday", "time", *(["channel"] if "channel" in frame.columns else [])]


def _with_slots(intervals: pd.DataFrame) -> pd.DataFrame:
    """The intervals with their weekday (0 = Monday) and time of day added."""
    starts = intervals["interval_start"]
    return intervals.assign(weekday=starts.dt.dayofweek, time=starts - starts.dt.normalize())


def forecast_demand(intervals: pd.DataFrame, weeks: int = DEFAULT_WEEKS) -> pd.DataFrame:
    """Next 7 days' calls per interval: the mean offered in the same weekday and time slot over
    the last `weeks` weeks of history (fewer if the history is shorter).

    Also per slot: the forecast AHT (handled-weighted mean AHT of those intervals: sum(handled x
    AHT) / sum(handled); blank when none were handled) and the usual cover (mean agents
    scheduled, rounded to the nearest whole agent). The forecast week starts the day after the
    history ends; slots that never appear in the history (closed) are not forecast. The result
    has the intervals log's columns, so :func:`svcworkbook.analysis.staffing.staffing_plan` can staff it
    (``handled`` = the forecast, ``weeks_used`` = how many weeks were averaged).
    """
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise ValueError(f"weeks must be a whole number of weeks, 1 or more, not {weeks!r}")
    intervals = _with_slots(_check_intervals(intervals))
    last_day = intervals["interval_start"].max().normalize()
    first_kept = last_day + pd.Timedelta(days=1) - pd.Timedelta(weeks=weeks)
    history = intervals.loc[intervals["interval_start"] >= first_kept]
    handled = history["handled"].astype(float)
    aht = history["aht_s"].astype(float)
    counted = (handled > 0) & np.isfinite(aht)
    history = history.assign(
        _work=np.where(counted, handled * aht, 0.0),
        _handled=np.where(counted, handled, 0.0),
        _day=history["interval_start"].dt.normalize(),
    )
    keys = _slot_keys(history)
    slots = history.groupby(keys, sort=True).agg(
        offered=("offered", "mean"),
        work=("_work", "sum"),
        handled_with_aht=("_handled", "sum"),
        cover=("agents_scheduled", "mean"),
        interval_s=("interval_s", "max"),
        weeks_used=("_day", "nunique"),
    )
    slots = slots.reset_index()
    first_day = last_day + pd.Timedelta(days=1)
    offset_days = (slots["weekday"] - first_day.dayofweek) % 7
    starts = first_day + pd.to_timedelta(offset_days, unit="D") + slots["time"]
    forecast = pd.DataFrame(
        {
            "interval_start": starts,
            "interval_s": slots["interval_s"].astype(int),
            **({"channel": slots["channel"]} if "channel" in slots.columns else {}),
            "offered": slots["offered"].astype(float),
            "handled": slots["offered"].astype(float),
            "aht_s": np.where(
                slots["handled_with_aht"] > 0,
                slots["work"] / slots["handled_with_aht"].where(slots["handled_with_aht"] > 0),
                np.nan,
            ),
            "agents_scheduled": np.floor(slots["cover"].astype(float) + 0.5).astype(int),
            "weeks_used": slots["weeks_used"].astype(int),
        }
    )
    return forecast.sort_values("interval_start", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class ForecastCheck:
    """How well the forecast method would have predicted the last week of the history."""

    wape: float  # weighted absolute percentage error: sum |actual - forecast| / sum actual
    bias: float  # sum (forecast - actual) / sum actual: positive = over-forecast
    actual_calls: float
    forecast_calls: float
    intervals: int

    def sentence(self, organisation: str) -> str:
        """The accuracy check in words."""
        if math.isnan(self.wape):
            return (
                f"The history at {organisation} is too short to test the forecast: it needs at least "
                "one week to forecast from and the following week to compare with."
            )
        direction = "over" if self.bias > 0 else "under"
        return (
            f"Tested on the last week of the history at {organisation}, the method forecast "
            f"{self.forecast_calls:,.0f} calls against {self.actual_calls:,.0f} that arrived "
            f"({narrative.format_percent(abs(self.bias))} {direction}), and was out by "
            f"{narrative.format_percent(self.wape)} of the calls interval by interval (WAPE). "
            "Check the forecast against what happens every week and adapt it: a plan is a "
            "cycle, not a one-off."
        )


def forecast_accuracy(intervals: pd.DataFrame, weeks: int = DEFAULT_WEEKS) -> ForecastCheck:
    """Back-test: forecast the last 7 days from the weeks before them, and compare with what came.

    WAPE = sum |actual - forecast| / sum actual over the intervals of the last week (a slot
    missing from either side counts as 0 calls there); bias = (sum forecast - sum actual) /
    sum actual. NaN when there is less than a week before the last week, or no calls came.
    """
    intervals = _check_intervals(intervals)
    last_day = intervals["interval_start"].max().normalize()
    cut = last_day + pd.Timedelta(days=1) - pd.Timedelta(weeks=1)
    before = intervals.loc[intervals["interval_start"] < cut]
    after = intervals.loc[intervals["interval_start"] >= cut]
    days_before = before["interval_start"].dt.normalize().nunique()
    if days_before < 7:
        return ForecastCheck(float("nan"), float("nan"), float(after["offered"].sum()), 0.0, 0)
    forecast = forecast_demand(before, weeks)
    actual = after.groupby("interval_start")["offered"].sum()
    predicted = forecast.groupby("interval_start")["offered"].sum()
    both = pd.concat([actual.rename("actual"), predicted.rename("forecast")], axis=1).fillna(0.0)
    total = float(both["actual"].sum())
    if total == 0:
        return ForecastCheck(float("nan"), float("nan"), 0.0, float(both["forecast"].sum()), 0)
    return ForecastCheck(
        wape=float((both["actual"] - both["forecast"]).abs().sum() / total),
        bias=float((both["forecast"].sum() - total) / total),
        actual_calls=total,
        forecast_calls=float(both["forecast"].sum()),
        intervals=int(len(both)),
    )


def staffing_for(
    forecast: pd.DataFrame,
    answer_within_s: float = 20,
    target: float = 0.8,
    shrinkage: float = 0.0,
    demand_change: float = 0.0,
    max_occupancy: float | None = None,
) -> pd.DataFrame:
    """Per forecast interval: agents needed on the phones (Erlang C), staff to roster, usual cover.

    ``agents_on_phones`` = fewest agents whose Erlang C service level reaches ``target`` within
    ``answer_within_s`` (staffing.staffing_plan); ``staff_to_roster`` = ceil(agents_on_phones /
    (1 - shrinkage)); ``gap`` = usual cover - agents on the phones (negative = short);
    ``predicted_service_level`` = Erlang C service level if the usual cover took the calls.
    ``demand_change`` scales the forecast (0.2 = 20% more calls).
    """
    plan = staffing.staffing_plan(
        forecast, answer_within_s, target, 0.0, max_occupancy, demand_change
    )
    calls = plan["forecast_calls"].to_numpy(dtype=float)
    interval_s = forecast["interval_s"].to_numpy(dtype=float)
    roster = np.asarray(
        staffing.agents_required(
            calls, interval_s, plan["aht_s"].to_numpy(dtype=float), answer_within_s, target,
            max_occupancy, shrinkage,
        )
    )  # fmt: skip
    starts = pd.to_datetime(plan["interval_start"])
    return pd.DataFrame(
        {
            "interval_start": starts.to_numpy(),
            "day": [WEEKDAYS[d] for d in starts.dt.dayofweek],
            "time": starts.dt.strftime("%H:%M").to_numpy(),
            "interval_s": interval_s.astype(int),
            "forecast_calls": calls,
            "aht_s": plan["aht_s"].to_numpy(),
            "traffic_erlangs": plan["traffic_erlangs"].to_numpy(),
            "agents_on_phones": plan["agents_on_phones"].to_numpy(),
            "staff_to_roster": roster.astype(int),
            "usual_cover": plan["agents_scheduled"].to_numpy(),
            "gap": plan["gap"].to_numpy(),
            "predicted_service_level": plan["predicted_service_level"].to_numpy(),
        }
    )


def daily_plan(plan: pd.DataFrame) -> pd.DataFrame:
    """Per day of the plan: calls, the peak agents on the phones and on the rota, the hours to
    roster (sum of staff to roster x interval length / 3,600) and the intervals the usual cover
    leaves short."""
    hours = plan["interval_s"] / 3600
    frame = plan.assign(
        date=pd.to_datetime(plan["interval_start"]).dt.normalize(),
        phone_hours=plan["agents_on_phones"] * hours,
        roster_hours=plan["staff_to_roster"] * hours,
        short=plan["gap"] < 0,
    )
    days = frame.groupby(["date", "day"], sort=True).agg(
        forecast_calls=("forecast_calls", "sum"),
        peak_on_phones=("agents_on_phones", "max"),
        peak_to_roster=("staff_to_roster", "max"),
        phone_hours=("phone_hours", "sum"),
        roster_hours=("roster_hours", "sum"),
        intervals_short=("short", "sum"),
    )
    return days.reset_index()


def _weighted_service_level(plan: pd.DataFrame) -> float:
    """Call-weighted predicted service level: sum(calls x SL) / sum(calls) over intervals with calls."""
    with_calls = plan["forecast_calls"] > 0
    calls = plan.loc[with_calls, "forecast_calls"]
    if calls.sum() == 0:
        return float("nan")
    return float((plan.loc[with_calls, "predicted_service_level"] * calls).sum() / calls.sum())


def peak_what_if(
    forecast: pd.DataFrame,
    peaks: Iterable[float] = DEFAULT_PEAKS,
    answer_within_s: float = 20,
    target: float = 0.8,
    shrinkage: float = 0.0,
    max_occupancy: float | None = None,
) -> pd.DataFrame:
    """Contingency: the plan for the forecast and for each demand rise (0.2 = 20% more calls).

    One row per demand change (0 always included, first): calls, peak agents on the phones and on
    the rota, hours to roster, extra rota hours beyond the plain forecast, intervals where the
    usual cover is short, and the call-weighted service level the usual cover would give.
    """
    changes = sorted({0.0, *(float(p) for p in peaks)})
    rows = []
    for change in changes:
        plan = staffing_for(forecast, answer_within_s, target, shrinkage, change, max_occupancy)
        rows.append(
            {
                "demand_change": change,
                "forecast_calls": float(plan["forecast_calls"].sum()),
                "peak_on_phones": int(plan["agents_on_phones"].max()),
                "peak_to_roster": int(plan["staff_to_roster"].max()),
                "roster_hours": float((plan["staff_to_roster"] * plan["interval_s"]).sum() / 3600),
                "intervals_short": int((plan["gap"] < 0).sum()),
                "usual_cover_service_level": _weighted_service_level(plan),
            }
        )
    table = pd.DataFrame(rows)
    table.insert(
        5, "extra_roster_hours", table["roster_hours"] - float(table["roster_hours"].iloc[0])
    )
    return table


def busiest_interval(plan: pd.DataFrame) -> pd.Series:
    """The plan's row needing the most agents on the phones (the first such, in time order)."""
    if plan.empty:
        raise DataError("the plan has no intervals: the history had no open intervals to forecast")
    return plan.loc[plan["agents_on_phones"].idxmax()]


def shrinkage_sentence(plan: pd.DataFrame, shrinkage: float) -> str:
    """The busiest interval staffed with shrinkage the right way (/ (1 - s)) and the wrong way."""
    peak = busiest_interval(plan)
    base = int(peak["agents_on_phones"])
    right = int(peak["staff_to_roster"])
    wrong = math.ceil(round(base * (1 + shrinkage), 9))
    share = narrative.format_percent(shrinkage, 0)
    text = (
        f"At the busiest interval ({peak['day']} {peak['time']}) {base} agents are needed on the "
        f"phones. With {share} shrinkage, {right} must be rostered ({base} / (1 - {shrinkage:g}), "
        "rounded up)"
    )
    if wrong < right:
        on_phones = narrative.format_value(wrong * (1 - shrinkage), "", 1)
        return (
            f"{text}, not {wrong} ({base} x (1 + {shrinkage:g})): of {wrong} rostered, {share} are "
            f"away, leaving {on_phones} on the phones, fewer than the {base} needed."
        )
    return text + "."


def plan_sentences(
    plan: pd.DataFrame,
    what_if: pd.DataFrame,
    organisation: str,
    target: float,
    answer_within_s: float,
) -> list[str]:
    """The plan in words: the objective, the week's calls and rota hours, the busiest day, and
    whether the usual cover is enough."""
    days = daily_plan(plan)
    busiest = days.loc[days["forecast_calls"].idxmax()]
    base = what_if.loc[what_if["demand_change"] == 0].iloc[0]
    objective = (
        f"Objective: answer {narrative.format_target(target)} of calls within "
        f"{answer_within_s:g} seconds in every half hour of the week of "
        f"{pd.Timestamp(plan['interval_start'].min()):%d %B %Y}."
    )
    sentences = [
        objective,
        f"{organisation} expects {base['forecast_calls']:,.0f} calls that week, the most on "
        f"{busiest['day']} ({busiest['forecast_calls']:,.0f}); meeting the objective takes "
        f"{base['roster_hours']:,.1f} rostered agent hours, with up to "
        f"{int(base['peak_to_roster'])} people on the rota at once.",
    ]
    short = int(base["intervals_short"])
    level = base["usual_cover_service_level"]
    if short:
        sentences.append(
            f"The usual cover is short in {short} of {len(plan)} intervals; as it stands it "
            f"would answer about {narrative.format_percent(level)} of calls in time (Erlang C)."
        )
    else:
        sentences.append(
            "The usual cover meets the need in every interval (about "
            f"{narrative.format_percent(level)} of calls answered in time, Erlang C)."
        )
    sentences.append(ERLANG_C_ASSUMPTIONS)
    return sentences


#: Why an Erlang C figure is usually better than the service level measured in the log
#: (issue 17, finding 10): the model's assumptions, in plain words.
ERLANG_C_ASSUMPTIONS = (
    "Erlang C is a model, and it is usually more hopeful than the real queue. It assumes that "
    "calls arrive at random but at a steady average rate (a Poisson pattern), that handle times "
    "follow a set spread (exponential), that nobody hangs up while waiting (no abandonment), and "
    "that every agent counted is free to take the next call. In a real centre calls come in "
    "bursts, some callers give up, and agents are also on breaks, after-call work or other "
    "tasks. So the service level measured from the contact log is often a few points below the "
    "Erlang C figure: use the model to plan, and check the plan against what the log shows."
)


def contingency_sentences(what_if: pd.DataFrame, target: float) -> list[str]:
    """What each peak in the what-if would need, what happens without it, and the trigger."""
    sentences = []
    peaks = what_if.loc[what_if["demand_change"] > 0]
    for _, row in peaks.iterrows():
        level = row["usual_cover_service_level"]
        verdict = "still meeting" if level >= target else "missing"
        sentences.append(
            f"With {narrative.format_percent(row['demand_change'], 0)} more calls, "
            f"{row['extra_roster_hours']:,.1f} extra rota hours are needed (up to "
            f"{int(row['peak_to_roster'])} rostered at once); without them the usual cover would "
            f"answer about {narrative.format_percent(level)} in time, {verdict} the "
            f"{narrative.format_target(target)} target."
        )
    failing = peaks.loc[peaks["usual_cover_service_level"] < target]
    if not failing.empty:
        first = failing.iloc[0]
        sentences.append(
            f"Contingency trigger: if calls run {narrative.format_percent(first['demand_change'], 0)}"
            " or more above the forecast by mid-morning, put the contingency into action (overtime,"
            " moving email advisers to the phones, postponing training) rather than waiting for"
            " the day's figures."
        )
    return sentences


def service_level_by_agents(
    plan: pd.DataFrame, answer_within_s: float = 20, extra: int = 4
) -> pd.DataFrame:
    """Erlang C service level at the busiest interval for agents from the fewest that can carry
    the traffic to `extra` more than needed (for plots.service_level_curve)."""
    peak = busiest_interval(plan)
    traffic = float(peak["traffic_erlangs"])
    lowest = int(math.floor(round(traffic, 9))) + 1
    agents = np.arange(lowest, max(int(peak["agents_on_phones"]) + extra, lowest + 1) + 1)
    levels = staffing.service_level(
        agents, float(peak["forecast_calls"]), float(peak["interval_s"]), float(peak["aht_s"]),
        answer_within_s,
    )  # fmt: skip
    return pd.DataFrame({"agents": agents, "service_level": np.atleast_1d(levels)})


def plan_chart(plan: pd.DataFrame, day: str | None = None, ax=None):
    """Agents by half hour on one day (the busiest by default): needed on the phones, to roster
    after shrinkage, and the usual cover (plots.kpi_trend)."""
    from svcworkbook.report import plots

    if day is None:
        days = daily_plan(plan)
        day = str(days.loc[days["forecast_calls"].idxmax(), "day"])
    rows = plan.loc[plan["day"] == day]
    if rows.empty:
        raise ValueError(f"day must be one of {sorted(set(plan['day']))}, not {day!r}")
    names = {
        "agents_on_phones": "needed on the phones",
        "staff_to_roster": "to roster (with shrinkage)",
        "usual_cover": "usual cover",
    }
    long = rows.melt(
        id_vars="interval_start", value_vars=list(names), var_name="series", value_name="agents"
    ).assign(series=lambda f: f["series"].map(names))
    return plots.kpi_trend(
        long, "interval_start", "agents", hue="series", ax=ax, unit="", xlabel="Time of day",
        ylabel="Agents", title=f"The plan for {day}: agents by half hour",
    )  # fmt: skip


def what_if_chart(what_if: pd.DataFrame, target: float, ax=None):
    """Bars: the service level the usual cover would give at each demand rise, with the target."""
    import matplotlib.pyplot as plt

    from svcworkbook.report.legends import place_legend
    from svcworkbook.report.style import COLOURS, LINESTYLES, percent_axis

    if ax is None:
        _, ax = plt.subplots()
    labels = [
        "forecast" if c == 0 else f"+{narrative.format_percent(c, 0)}"
        for c in what_if["demand_change"]
    ]
    levels = what_if["usual_cover_service_level"].to_numpy()
    colours = [COLOURS["surplus"] if v >= target else COLOURS["shortfall"] for v in levels]
    ax.bar(labels, levels, color=colours)
    ax.axhline(target, color=COLOURS["target"], linestyle=LINESTYLES["target"],
               label=f"Target ({narrative.format_target(target)})")  # fmt: skip
    percent_axis(ax)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("Demand")
    ax.set_ylabel("Service level with the usual cover (%)")
    ax.set_title("Contingency: what a peak does to the usual cover")
    place_legend(ax)
    return ax


WEEKEND_HOURS = exercises.define(
    "U2.E1", 2, "rostered hours at the weekend", "number", decimals=1, noun="hours",
    hint="In the plan by day, add the roster hours of Saturday and Sunday.",
    slips={
        "phone hours": "those are the hours on the phones; the rota needs the roster hours, "
        "which allow for shrinkage",
        "one day": "that is one day of the weekend; add Saturday and Sunday together",
    },
)  # fmt: skip

WEEKEND = ("Saturday", "Sunday")


def check_weekend_hours(my_answer, plan: pd.DataFrame):
    """Exercise U2.E1: the roster hours of the plan's Saturday and Sunday together, read off the
    plan by day; slips: the phone hours (before shrinkage), one weekend day alone."""
    days = daily_plan(plan)
    weekend = days.loc[days["day"].isin(WEEKEND)]
    if weekend.empty:
        return exercises.unavailable("U2.E1", "This plan has no Saturday or Sunday to add up.")
    one_day = float(weekend["roster_hours"].iloc[0]) if len(weekend) > 1 else None
    slips = {"phone hours": float(weekend["phone_hours"].sum()), "one day": one_day}
    return exercises.check(WEEKEND_HOURS, my_answer, float(weekend["roster_hours"].sum()), slips)


STAFF_TO_ROSTER = exercises.define(
    "U2.E2", 2, "staff to roster at the busiest half hour with more shrinkage", "count",
    noun="staff",
    hint="Take the agents needed on the phones in the busiest half hour, divide by (1 minus the "
    "new shrinkage) and round up.",
    slips={
        "multiplied": "you multiplied by (1 + shrinkage); shrinkage is a share of rostered time, "
        "so divide by (1 - shrinkage)",
        "before shrinkage": "that is the agents needed on the phones, before allowing for "
        "shrinkage",
        "rounded down": "you rounded down; you cannot roster part of a person, and rounding down "
        "leaves the half hour short",
        "plan's shrinkage": "that is the rota for the plan's own shrinkage; the question asks "
        "about the higher shrinkage",
    },
)  # fmt: skip


def staff_to_roster(agents_on_phones: int, shrinkage: float) -> int:
    """Staff to roster = ceil(agents on the phones / (1 - shrinkage)), rounded to 9 places first
    so that 13 / (1 - 0.35) is 20, not 21 from floating-point dust."""
    if not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage must be from 0 up to (not including) 1, not {shrinkage!r}")
    return math.ceil(round(agents_on_phones / (1 - shrinkage), 9))


def check_staff_to_roster(my_answer, plan: pd.DataFrame, shrinkage: float):
    """Exercise U2.E2: staff to roster at the busiest interval with another shrinkage =
    ceil(agents on the phones / (1 - shrinkage)); the plan's rota is a slip."""
    peak = busiest_interval(plan)
    base = int(peak["agents_on_phones"])
    expected = staff_to_roster(base, shrinkage)
    slips = {
        "multiplied": math.ceil(round(base * (1 + shrinkage), 9)),
        "before shrinkage": base,
        "rounded down": math.floor(round(base / (1 - shrinkage), 9)),
        "plan's shrinkage": int(peak["staff_to_roster"]),
    }
    return exercises.check(STAFF_TO_ROSTER, my_answer, expected, slips)
