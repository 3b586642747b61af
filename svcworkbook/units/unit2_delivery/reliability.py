"""Reliable delivery (unit 2): the recording system in use, reliability as consistency, and why
reliability is not satisfaction.

* **The recording system in use** (:func:`recording_summary`, :func:`overdue_cases`,
  :func:`weekly_recording_trend`): SLA compliance, backlog and resolution times from the contacts
  log, per channel and week by week, and the overdue view a team leader acts on.
* **Reliability as consistency** (:func:`daily_service_level`, :func:`consistency`): the service
  level day by day on an XmR control chart with run rules. A period's average can meet the target
  while many single days miss it; the natural process limits say what the process will deliver
  day to day if nothing changes. An XmR chart is used rather than a p-chart because daily service
  level varies far more than binomial chance (staffing and demand change through the week), which
  would make p-chart limits too narrow and flag almost every day.
* **Reliability is not satisfaction** (:func:`reliability_and_satisfaction`): daily service level
  next to daily CSAT (surveys linked to the day of their contact).
* **A portfolio extract** (:func:`portfolio_extract`): a few case histories with the identifiers
  pseudonymised, fit to leave the organisation (UK GDPR).

Service level is :func:`svcworkbook.analysis.kpi.service_level` with its default definition throughout
(see :func:`service_level_definition`).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from svcworkbook.analysis import kpi, stats
from svcworkbook.errors import DataError, require_columns
from svcworkbook.learning import exercises, reasons
from svcworkbook.report import narrative

#: Columns of a case history in the portfolio extract, in order.
EXTRACT_COLUMNS = (
    "contact_id",
    "customer_id",
    "agent_id",
    "channel",
    "team",
    "category",
    "opened_at",
    "resolved_at",
    "hours_to_resolve",
    "within_sla",
)
#: Identifier columns pseudonymised in the portfolio extract.
EXTRACT_IDS = ("contact_id", "customer_id", "agent_id")


def service_level_definition(
    answer_within_s: float, short_abandon_s: float = kpi.DEFAULT_SHORT_ABANDON_S
) -> str:
    """The service level definition this workbook uses, in words (kpi.service_level's default),
    with the short-abandon threshold in force."""
    short = short_abandon_s
    return (
        f"Service level = phone calls and chats answered within {answer_within_s:g} seconds / "
        "calls and chats offered (answered + abandoned). Abandoned contacts count against the "
        f"service, except short abandons: callers who hang up within {short:g} seconds (a "
        "misdial, a dropped connection) are left out of both the top and the bottom of the "
        "fraction, because nobody could have answered them. Other definitions (dividing by "
        "answered calls only, or counting quick abandons as a success) give higher figures, so "
        "a report must always say which one it uses."
    )


# ---------------------------------------------------------------------------------------------
# The recording system in use: SLA compliance, backlog, resolution times
# ---------------------------------------------------------------------------------------------


def _data_end(contacts: pd.DataFrame) -> pd.Timestamp:
    """The end of the data: the latest opened or resolved time (as kpi.backlog reads it)."""
    return max(contacts["opened_at"].max(), contacts["resolved_at"].max())


def overdue_cases(contacts: pd.DataFrame, sla_hours: float) -> pd.DataFrame:
    """The service log's overdue view: answered contacts still open at the end of the data and
    older than the SLA, oldest first, with the hours they have been open."""
    require_columns(contacts, ["contact_id", "opened_at", "resolved_at", "abandoned"], "contacts")
    end = _data_end(contacts)
    open_ = ~contacts["abandoned"].astype(bool) & (
        contacts["resolved_at"].isna() | (contacts["resolved_at"] > end)
    )
    hours = (end - contacts["opened_at"]) / pd.Timedelta(hours=1)
    keep = open_ & (hours > sla_hours)
    overdue = contacts.loc[keep].assign(hours_open=hours[keep])
    columns = [
        c for c in ("contact_id", "channel", "team", "category", "opened_at") if c in overdue
    ]
    return overdue.sort_values("opened_at", kind="stable")[[*columns, "hours_open"]].reset_index(
        drop=True
    )


def _channel_row(name: str, contacts: pd.DataFrame, sla_hours: float) -> dict:
    """One line of the recording summary for a set of contacts."""
    answered = contacts.loc[~contacts["abandoned"].astype(bool)]
    return {
        "channel": name,
        "cases": len(answered),
        "resolved": int(answered["resolved_at"].notna().sum()),
        "sla_compliance": kpi.sla_compliance(contacts, target_hours=sla_hours),
        "median_hours": kpi.resolution_time_percentile(contacts, 50),
        "p90_hours": kpi.resolution_time_percentile(contacts, 90),
        "backlog": int(kpi.backlog(contacts)),
    }


def recording_summary(contacts: pd.DataFrame, sla_hours: float) -> pd.DataFrame:
    """Per channel and for all: cases (answered contacts), resolved, SLA compliance (resolved
    within sla_hours / cases due), median and 90th percentile hours to resolve, backlog (open at
    the end of the data) and overdue (open and older than the SLA)."""
    require_columns(contacts, ["channel", "opened_at", "resolved_at", "abandoned"], "contacts")
    end = _data_end(contacts)
    rows = []
    for channel, group in contacts.groupby("channel", sort=True):
        rows.append(_channel_row(str(channel), group, sla_hours))
    rows.append(_channel_row("all channels", contacts, sla_hours))
    table = pd.DataFrame(rows)
    overdue = overdue_cases(contacts, sla_hours)
    counts = overdue["channel"].value_counts() if "channel" in overdue else pd.Series(dtype=int)
    table["overdue"] = [int(counts.get(c, 0)) for c in table["channel"][:-1]] + [len(overdue)]
    table.attrs["as_of"] = end
    return table


def weekly_recording_trend(
    contacts: pd.DataFrame, sla_hours: float, sla_compliance_target: float
) -> pd.DataFrame:
    """SLA compliance, 90th percentile resolution hours and backlog week by week (kpi.kpi_table:
    contacts placed by the week they were opened; backlog = open at each week's end)."""
    return kpi.kpi_table(
        contacts,
        period="week",
        by=(),
        kpis=["sla_compliance", "resolution_time_p90", "backlog"],
        targets={"sla_compliance": sla_compliance_target},
        options={"sla_compliance": {"target_hours": sla_hours}},
    )


def recording_sentences(
    summary: pd.DataFrame, sla_hours: float, sla_compliance_target: float, organisation: str
) -> list[str]:
    """The recording summary in words: compliance against its target, the slowest channel, the
    backlog and what to do about the overdue cases."""
    everything = summary.iloc[-1]
    channels = summary.iloc[:-1].dropna(subset=["sla_compliance"])
    sentences = [
        narrative.target_sentence(
            f"SLA compliance at {organisation} (resolved within {sla_hours:g} hours)",
            everything["sla_compliance"],
            sla_compliance_target,
        )
    ]
    if len(channels) > 1:
        worst = channels.loc[channels["sla_compliance"].idxmin()]
        sentences.append(
            f"The weakest channel is {worst['channel']} at "
            f"{narrative.format_percent(worst['sla_compliance'])}, with 90% of its cases resolved "
            f"within {narrative.format_value(worst['p90_hours'], 'hours', 1)}."
        )
    sentences.append(
        f"Half of all cases were resolved within "
        f"{narrative.format_value(everything['median_hours'], 'hours', 1)} and 90% within "
        f"{narrative.format_value(everything['p90_hours'], 'hours', 1)}. At the end of the data "
        f"{everything['backlog']:,.0f} cases were open, {everything['overdue']:,.0f} of them "
        f"already past the {sla_hours:g}-hour SLA: the overdue view is the list to work "
        "through first, oldest at the top."
    )
    return sentences


# ---------------------------------------------------------------------------------------------
# Reliability as consistency: daily service level on a control chart
# ---------------------------------------------------------------------------------------------


def daily_service_level(
    contacts: pd.DataFrame,
    answer_within_s: float,
    short_abandon_s: float = kpi.DEFAULT_SHORT_ABANDON_S,
) -> pd.DataFrame:
    """Service level per day (kpi.service_level's definition): day, answered_in_time (numerator),
    offered (denominator, short abandons under short_abandon_s removed) and service_level; days
    with nothing offered on the live channels are left out."""
    parts = kpi.kpi_parts(
        contacts,
        period="day",
        by=(),
        kpis=["service_level"],
        options={
            "service_level": {"threshold_s": answer_within_s, "short_abandon_s": short_abandon_s}
        },
    )
    parts = parts.loc[parts["denominator"] > 0]
    return pd.DataFrame(
        {
            "day": pd.DatetimeIndex(parts["period"]),
            "answered_in_time": parts["numerator"].to_numpy(),
            "offered": parts["denominator"].to_numpy(),
            "service_level": (parts["numerator"] / parts["denominator"]).to_numpy(),
        }
    ).reset_index(drop=True)


def service_level_chart(daily: pd.DataFrame) -> pd.DataFrame:
    """XmR chart of daily service level (stats.xmr_chart): centre = mean of the days, natural
    limits = centre +/- 2.66 x mean moving range."""
    if len(daily) < 2:
        raise DataError(
            f"only {len(daily)} day(s) with phone or chat contacts: a control chart needs at "
            "least 2 (and 20 or more for dependable limits)"
        )
    return stats.xmr_chart(pd.Series(daily["service_level"].to_numpy(), index=daily["day"]))


@dataclass(frozen=True)
class Consistency:
    """How consistently the service level target is met, day by day."""

    days: int
    days_met: int
    period_service_level: float  # sum answered in time / sum offered over the whole period
    mean_daily: float  # the chart's centre line
    lowest_day: pd.Timestamp
    lowest: float
    ucl: float
    lcl: float
    signals: int  # run-rule findings (beyond limits, runs, trends)

    @property
    def share_days_met(self) -> float:
        """Days meeting the target / days."""
        return self.days_met / self.days if self.days else float("nan")

    def to_dict(self) -> dict:
        """The figures as a plain dict."""
        return {**asdict(self), "share_days_met": self.share_days_met}

    def sentences(self, organisation: str, target: float) -> list[str]:
        """Consistency in words: the period figure, the days met, and what the limits promise."""
        period = narrative.target_sentence(
            f"Service level at {organisation} over the whole period",
            self.period_service_level,
            target,
        )
        days = (
            f"Day by day, {self.days_met} of {self.days} days "
            f"({narrative.format_percent(self.share_days_met, 0)}) met the target; the worst was "
            f"{self.lowest_day:%A %d %B} at {narrative.format_percent(self.lowest)}."
        )
        limits = (
            f"The natural process limits run from {_limit_text(self.lcl, 0.0)} "
            f"to {_limit_text(self.ucl, 1.0)}"
        )
        if self.lcl >= target:
            promise = (
                f"{limits}, all above the target: as it runs, the process can be relied on to "
                "meet it every day."
            )
        else:
            promise = (
                f"{limits}, reaching below the {narrative.format_target(target)} target: as it "
                "runs, the process cannot promise the target every day, however good the "
                "average. Reliability means consistency, so the plan (staffing by interval, "
                "intraday moves) has to narrow that spread, not just lift the average."
            )
        return [period, days, promise]


def _limit_text(limit: float, bound: float) -> str:
    """A control limit of a share as the chart shows it: held at 0% or 100% when the calculated
    limit passes it, with the calculated value ('100% (calculated 102.6%, clipped)')."""
    if (bound == 0 and limit < 0) or (bound == 1 and limit > 1):
        return (
            f"{narrative.format_percent(bound, 0)} (calculated "
            f"{narrative.format_percent(limit)}, clipped)"
        )
    return narrative.format_percent(limit)


def consistency(daily: pd.DataFrame, chart: pd.DataFrame, target: float) -> Consistency:
    """Days meeting the target, the period's service level, the chart's limits and its signals."""
    if daily.empty:
        raise DataError("no day has phone or chat contacts, so there is no service level to chart")
    lowest = daily.loc[daily["service_level"].idxmin()]
    signals = stats.chart_signals(chart)
    return Consistency(
        days=len(daily),
        days_met=int((daily["service_level"] >= target).sum()),
        period_service_level=float(daily["answered_in_time"].sum() / daily["offered"].sum()),
        mean_daily=float(chart["centre"].iloc[0]),
        lowest_day=pd.Timestamp(lowest["day"]),
        lowest=float(lowest["service_level"]),
        ucl=float(chart["ucl"].iloc[0]),
        lcl=float(chart["lcl"].iloc[0]),
        signals=int(signals["signal"].nunique()) if not signals.empty else 0,
    )


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

WEAKEST_WEEKDAY = exercises.define(
    "U2.E4", 2, "the weekday to strengthen first", "choice", options=WEEKDAYS,
    giveaway=("lowest average", "weakest weekday", "strengthen first"),
    reason="that weekday's average service level",
    hint="Give each day its weekday, take the mean of the daily service level for each weekday, "
    "and pick the lowest.",
    slips={
        "worst single day": "that is the weekday of the single worst day; one bad day is not a "
        "pattern, so compare the average for each weekday",
        "busiest weekday": "that is the weekday with the most calls offered; busy is not the same "
        "as short of cover, so compare the service level itself",
    },
)  # fmt: skip


def weekday_service_level(daily: pd.DataFrame) -> pd.DataFrame:
    """Per weekday (Monday first): days, calls offered, and the mean of the daily service level."""
    frame = daily.assign(weekday=pd.DatetimeIndex(daily["day"]).day_name())
    table = frame.groupby("weekday").agg(
        days=("day", "size"),
        offered=("offered", "sum"),
        mean_service_level=("service_level", "mean"),
    )
    order = [d for d in WEEKDAYS if d in table.index]
    return table.loc[order].reset_index()


def check_weakest_weekday(
    my_answer,
    contacts: pd.DataFrame,
    answer_within_s: float,
    short_abandon_s: float = kpi.DEFAULT_SHORT_ABANDON_S,
    reason=None,
):
    """Exercise U2.E4: the weekday with the lowest mean daily service level (the one to
    strengthen first); slips: the worst single day's weekday, the busiest weekday. The daily
    service level is the notebook's: the same ``answer_within_s`` and ``short_abandon_s``."""
    daily = daily_service_level(contacts, answer_within_s, short_abandon_s)
    if daily.empty:
        return exercises.unavailable("U2.E4", "No day has phone or chat contacts to compare.")
    table = weekday_service_level(daily)
    expected = str(table.loc[table["mean_service_level"].idxmin(), "weekday"])
    worst_day = pd.Timestamp(daily.loc[daily["service_level"].idxmin(), "day"]).day_name()
    busiest = str(table.loc[table["offered"].idxmax(), "weekday"])
    slips = {"worst single day": worst_day, "busiest weekday": busiest}
    because = reasons.Because(shares=(float(table["mean_service_level"].min()),))
    return exercises.check(
        WEAKEST_WEEKDAY, my_answer, expected, slips, reason=reason, because=because
    )


# ---------------------------------------------------------------------------------------------
# Reliability is not satisfaction
# ---------------------------------------------------------------------------------------------


def reliability_and_satisfaction(
    daily: pd.DataFrame, contacts: pd.DataFrame, surveys: pd.DataFrame
) -> pd.DataFrame:
    """Daily service level next to daily CSAT (share of responses scoring 4-5, kpi.csat) of the
    surveys about contacts opened that day; days without a scored response have CSAT blank."""
    require_columns(surveys, ["contact_id", "csat"], "surveys")
    opened = contacts.set_index("contact_id")["opened_at"]
    if not opened.index.is_unique:
        raise DataError("contacts: contact_id must be unique to link surveys to their contacts")
    scores = pd.to_numeric(surveys["csat"], errors="coerce").to_numpy(dtype=float)
    has = ~np.isnan(scores)
    day = surveys["contact_id"].iloc[has].map(opened).dt.normalize().to_numpy()
    top_two = scores[has] >= 4  # kpi.csat: share of scored responses scoring 4-5
    by_day = pd.DataFrame({"day": day, "top_two": top_two}).dropna(subset=["day"])
    grouped = by_day.groupby("day")["top_two"]
    csat_by_day, responses = grouped.mean(), grouped.size()
    return daily.assign(
        csat=[csat_by_day.get(d, np.nan) for d in daily["day"]],
        responses=[int(responses.get(d, 0)) for d in daily["day"]],
    )


@dataclass(frozen=True)
class SatisfactionContrast:
    """CSAT on days that met and missed the service level target, and their daily correlation."""

    csat_days_met: float
    csat_days_missed: float
    correlation: float  # Pearson r of daily service level and daily CSAT
    days_met: int
    days_missed: int

    def sentences(self, organisation: str) -> list[str]:
        """The contrast in words, saying only what the numbers support."""
        parts = []
        if self.days_met and self.days_missed:
            parts.append(
                f"At {organisation}, CSAT was {narrative.format_percent(self.csat_days_met)} on "
                f"the {self.days_met} days that met the service level target and "
                f"{narrative.format_percent(self.csat_days_missed)} on the {self.days_missed} "
                "days that missed it."
            )
        r = self.correlation
        if math.isnan(r):
            parts.append("There are too few days with both figures to compare them day by day.")
        else:
            size = abs(r)
            strength = "weak" if size < 0.3 else "moderate" if size < 0.6 else "strong"
            direction = "positive" if r > 0 else "negative"
            parts.append(
                f"Day by day the two are only {strength}ly related (r = {r:.2f}, {direction})"
                if size < 0.6
                else f"Day by day the two are {strength}ly related (r = {r:.2f}, {direction})"
            )
            parts[-1] += (
                ": satisfaction is how customers felt, reliability is whether the commitment "
                "was kept every time, so each needs its own evidence. Happy customers do not "
                "prove that the service level was met consistently."
            )
        return parts


def satisfaction_contrast(both: pd.DataFrame, target: float) -> SatisfactionContrast:
    """Response-weighted CSAT on days meeting/missing the target, and Pearson r of the daily pairs."""
    known = both.dropna(subset=["csat"])
    met = known["service_level"] >= target

    def weighted(rows: pd.DataFrame) -> float:
        """Response-weighted CSAT: sum(CSAT x responses) / sum(responses)."""
        total = rows["responses"].sum()
        return float((rows["csat"] * rows["responses"]).sum() / total) if total else float("nan")

    r = (
        float(np.corrcoef(known["service_level"], known["csat"])[0, 1])
        if len(known) >= 3 and known["service_level"].std() > 0 and known["csat"].std() > 0
        else float("nan")
    )
    return SatisfactionContrast(
        csat_days_met=weighted(known.loc[met]),
        csat_days_missed=weighted(known.loc[~met]),
        correlation=r,
        days_met=int(met.sum()),
        days_missed=int((~met).sum()),
    )


def reliability_satisfaction_chart(both: pd.DataFrame, target: float, ax=None):
    """Scatter of daily service level (x) against daily CSAT (y), the target as a dashed line."""
    import matplotlib.pyplot as plt

    from svcworkbook.report.legends import place_legend
    from svcworkbook.report.style import COLOURS, LINESTYLES, percent_axis

    if ax is None:
        _, ax = plt.subplots()
    known = both.dropna(subset=["csat"])
    met = known["service_level"] >= target
    ax.scatter(known.loc[met, "service_level"], known.loc[met, "csat"], color=COLOURS["data"],
               label="Days meeting the service level target")  # fmt: skip
    ax.scatter(known.loc[~met, "service_level"], known.loc[~met, "csat"], marker="D",
               color=COLOURS["flagged"], label="Days missing it")  # fmt: skip
    ax.axvline(target, color=COLOURS["target"], linestyle=LINESTYLES["target"],
               label=f"Target ({narrative.format_target(target)})")  # fmt: skip
    percent_axis(ax, "x")
    percent_axis(ax, "y")
    ax.set_xlabel("Service level that day (%)")
    ax.set_ylabel("CSAT that day (% scoring 4-5)")
    ax.set_title("Reliability and satisfaction, day by day")
    place_legend(ax)
    return ax


# ---------------------------------------------------------------------------------------------
# Evidence: a pseudonymised extract, the recording exercise, the portfolio map, headline results
# ---------------------------------------------------------------------------------------------


def case_histories(contacts: pd.DataFrame, sla_hours: float, rows: int = 8) -> pd.DataFrame:
    """A case history sample from the log: the most recently opened cases that breached the SLA
    (resolved late, or open past it) and that met it, half each (fewer if there are not enough),
    in time order: ids, channel, team, category, opened, resolved, hours to resolve, within SLA."""
    require_columns(contacts, ["contact_id", "customer_id", "agent_id", "opened_at", "resolved_at",
                        "abandoned", "channel", "team", "category"], "contacts")  # fmt: skip
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
        raise ValueError(f"rows must be a whole number, 1 or more, not {rows!r}")
    end = _data_end(contacts)
    answered = contacts.loc[~contacts["abandoned"].astype(bool)]
    hours = (answered["resolved_at"] - answered["opened_at"]) / pd.Timedelta(hours=1)
    age = (end - answered["opened_at"]) / pd.Timedelta(hours=1)
    within = (hours <= sla_hours).to_numpy()
    breached = (hours > sla_hours) | (answered["resolved_at"].isna() & (age > sla_hours))
    cases = answered.assign(hours_to_resolve=hours, within_sla=within)
    cases = cases.sort_values("opened_at", kind="stable")
    late = cases.loc[breached.reindex(cases.index)].tail(rows // 2)
    on_time = cases.loc[cases["within_sla"]].tail(rows - len(late))
    chosen = cases.loc[cases.index.isin(late.index) | cases.index.isin(on_time.index)]
    return chosen[list(EXTRACT_COLUMNS)].reset_index(drop=True)


def portfolio_extract(
    contacts: pd.DataFrame, sla_hours: float, rows: int = 8, key: bytes | None = None
) -> pd.DataFrame:
    """Case histories fit for a portfolio: contact, customer and agent ids replaced by keyed
    pseudonyms (privacy.pseudonymise, HMAC-SHA256). With no key, a fresh random key is used and
    thrown away, so the tokens themselves cannot be reversed; but the extract keeps timestamps,
    team, channel and category, so the organisation could still re-identify people from its own
    records: it is pseudonymised personal data, not anonymised (UK GDPR Art 4(5), Recital 26)."""
    from svcworkbook.data import privacy

    key = secrets.token_bytes(32) if key is None else key
    return privacy.pseudonymise(case_histories(contacts, sla_hours, rows), key, list(EXTRACT_IDS))


SLA_COMPLIANCE = exercises.define(
    "U2.E3", 2, "SLA compliance if the SLA were twice as long", "percent", decimals=1,
    hint="Use the same rule with the longer SLA: cases resolved within it, divided by the cases "
    "due (resolved, or still open and older than it). Leave out abandoned calls.",
    slips={
        "not due": "you left out the open cases already past the SLA; they have breached it too",
        "every answered": "you divided by every answered contact, including open ones not yet due",
        "every contact": "you divided by every contact, including abandoned calls that were "
        "never cases",
        "current SLA": "that is the compliance for the SLA in the table above; the question asks "
        "about an SLA twice as long",
    },
)  # fmt: skip


def check_sla_compliance(
    my_answer, contacts: pd.DataFrame, sla_hours: float, current_sla_hours: float | None = None
):
    """Exercise U2.E3: SLA compliance = resolved within sla_hours / cases due (resolved, or open
    past it), for an SLA other than the one printed (``current_sla_hours``, a slip)."""
    expected = kpi.sla_compliance(contacts, target_hours=sla_hours)
    answered = contacts.loc[~contacts["abandoned"].astype(bool)]
    took = answered["resolved_at"] - answered["opened_at"]
    in_time = int((took <= pd.Timedelta(hours=sla_hours)).sum())
    resolved = int(answered["resolved_at"].notna().sum())
    slips = {
        "not due": in_time / resolved if resolved else None,
        "every answered": in_time / len(answered) if len(answered) else None,
        "every contact": in_time / len(contacts) if len(contacts) else None,
        "current SLA": (
            kpi.sla_compliance(contacts, target_hours=current_sla_hours)
            if current_sla_hours
            else None
        ),
    }
    return exercises.check(SLA_COMPLIANCE, my_answer, expected, slips)


def evidence_table(plan_hours: float, consistency_: Consistency, summary: pd.DataFrame):
    """What a learner can put in a portfolio from this unit's analyses, the unit 2 marking points
    each maps to, and the misconception (U2.M1-M6) it guards against."""
    everything = summary.iloc[-1]
    rows = [
        (
            f"Service plan: forecast by half hour, Erlang C staffing to the SLA and a rota of "
            f"{plan_hours:,.1f} agent hours with shrinkage allowed as / (1 - shrinkage)",
            "U2.MP1, U2.MP6",
            "U2.M3: staffing, time and budget are part of reliable delivery",
        ),
        (
            "Contingency what-if for 10%, 20% and 40% more calls, with the extra hours and the "
            "service level the usual cover would give",
            "U2.MP1, U2.MP6",
            "U2.M6: objectives tied to measurable criteria (80% in 20 s, per interval)",
        ),
        (
            "Forecast back-test against the calls that came, and the plan adapted for next week",
            "U2.MP4",
            "U2.M1: planning is a cycle of review and adaptation, not a one-off",
        ),
        (
            f"Recording system report: SLA compliance "
            f"{narrative.format_percent(everything['sla_compliance'])}, resolution times, "
            f"backlog and the overdue view ({everything['overdue']:,.0f} cases) with the action "
            "taken",
            "U2.MP2, U2.MP7",
            "U2.M2: show the recording system used actively, not just named",
        ),
        (
            f"Control chart of daily service level ({consistency_.days_met} of "
            f"{consistency_.days} days met the target) with run rules, reviewed against the "
            "standard and the corrective action agreed",
            "U2.MP3, U2.MP8",
            "U2.M5: reliability is consistency in meeting commitments, not satisfaction",
        ),
        (
            "Daily service level next to CSAT: satisfaction and reliability evidenced separately",
            "U2.MP3",
            "U2.M4, U2.M5: feedback linked to a specific improvement; satisfied is not reliable",
        ),
        (
            "Pseudonymised case-history extract (keyed ids) from the service log",
            "U2.MP2",
            "U2.M2: an extract shows the system in use; UK GDPR: still personal data (the "
            "dates, team and category could re-identify people), so share it only with the "
            "assessor and keep it secure",
        ),
        (
            "Team briefing notes or an email to the manager sharing these results and the plan",
            "U2.MP5",
            "U2.M1: the plan is communicated and reviewed with the people who deliver it",
        ),
    ]
    return pd.DataFrame(rows, columns=["evidence", "marking_points", "guards_against"])


def headline_results(
    plan: pd.DataFrame,
    what_if: pd.DataFrame,
    forecast_check,
    consistency_: Consistency,
    summary: pd.DataFrame,
    contrast: SatisfactionContrast,
) -> dict[str, object]:
    """The unit's headline figures, for wb.record (tests and assessors' reports)."""
    everything = summary.iloc[-1]
    base = what_if.loc[what_if["demand_change"] == 0].iloc[0]
    peak = plan.loc[plan["agents_on_phones"].idxmax()]
    by_change: Mapping[float, pd.Series] = {
        round(float(r["demand_change"]), 6): r for _, r in what_if.iterrows()
    }
    twenty = by_change.get(0.2)
    return {
        "forecast_week_start": f"{pd.Timestamp(plan['interval_start'].min()):%Y-%m-%d}",
        "forecast_calls": float(base["forecast_calls"]),
        "forecast_wape": forecast_check.wape,
        "roster_hours": float(base["roster_hours"]),
        "peak_on_phones": int(peak["agents_on_phones"]),
        "peak_to_roster": int(peak["staff_to_roster"]),
        "intervals_short": int(base["intervals_short"]),
        "extra_roster_hours_20pct": None if twenty is None else float(twenty["extra_roster_hours"]),
        "service_level_period": consistency_.period_service_level,
        "days": consistency_.days,
        "days_met_service_level": consistency_.days_met,
        "service_level_lcl": consistency_.lcl,
        "service_level_ucl": consistency_.ucl,
        "control_chart_signals": consistency_.signals,
        "sla_compliance": float(everything["sla_compliance"]),
        "median_resolution_hours": float(everything["median_hours"]),
        "p90_resolution_hours": float(everything["p90_hours"]),
        "backlog": int(everything["backlog"]),
        "overdue": int(everything["overdue"]),
        "csat_days_met": contrast.csat_days_met,
        "csat_days_missed": contrast.csat_days_missed,
        "service_level_csat_correlation": contrast.correlation,
    }


def sla_trend_chart(trend: pd.DataFrame, sla_hours: float, ax=None):
    """Weekly SLA compliance from weekly_recording_trend against its target (plots.kpi_trend)."""
    from svcworkbook.report import plots

    weekly = trend.loc[trend["kpi"] == "sla_compliance"].rename(
        columns={"value": "SLA compliance", "period": "week"}
    )
    if weekly.empty:
        raise DataError("no weekly SLA compliance to chart: the trend table has no such rows")
    return plots.kpi_trend(
        weekly, "week", "SLA compliance", target=float(weekly["target"].iloc[0]), ax=ax,
        ylabel=f"Resolved within {sla_hours:g} hours (%)", xlabel="Week starting",
        title="SLA compliance week by week",
    )  # fmt: skip
