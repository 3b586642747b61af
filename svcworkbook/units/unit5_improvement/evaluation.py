"""Evaluating a service improvement (unit 5): baseline, before/after, variance, sustainment.

The questions an evaluator asks, in order: what was the baseline before the change? what changed
afterwards, and is the change bigger than chance? how far from the target is each measure now
(variance)? has the process really shifted (a control chart whose limits come from the baseline
alone)? is the gain holding, or slipping now that nobody is watching? and which service gap
should be closed next (SERVQUAL)?

The measures evaluated are the unit's objectives: first contact resolution (answered contacts
resolved at the first contact) and CSAT (share of survey responses scoring 4 or 5), with average
handle time watched as a side effect (resolving more at the first contact often takes longer).
Contacts are placed by ``opened_at``, surveys by ``sent_at``, as in :func:`svcworkbook.analysis.kpi.kpi_table`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from svcworkbook.analysis import kpi, stats
from svcworkbook.errors import DataError, ParameterError
from svcworkbook.report import narrative

#: The measures an improvement is judged on: KPI name -> (label, dataset, date column, kind).
MEASURES = {
    "first_contact_resolution": ("First contact resolution", "contacts", "opened_at", "proportion"),
    "csat": ("CSAT (share scoring 4-5)", "surveys", "sent_at", "proportion"),
    "average_handle_time": ("Average handle time", "contacts", "opened_at", "duration"),
}
#: Which way is better for each measure.
HIGHER_IS_BETTER = {"first_contact_resolution": True, "csat": True, "average_handle_time": False}
#: The column each measure is computed from, in its dataset.
MEASURE_COLUMNS = {
    "first_contact_resolution": "resolved_first_contact",
    "csat": "csat",
    "average_handle_time": "handle_time_s",
}


def measures_given(contacts: pd.DataFrame | None, surveys: pd.DataFrame | None) -> list[str]:
    """The measures this data can evaluate, in MEASURES order: a measure whose dataset is absent
    (None) or has no values in its column (see has_column) is left out."""
    from svcworkbook.report.contact_figures import has_column

    frames = {"contacts": contacts, "surveys": surveys}
    return [
        m
        for m, (_, dataset, _, _) in MEASURES.items()
        if frames[dataset] is not None and has_column(frames[dataset], MEASURE_COLUMNS[m])
    ]


def left_out_sentences(contacts: pd.DataFrame | None, surveys: pd.DataFrame | None) -> list[str]:
    """A sentence for each measure the data cannot evaluate, saying why (none when all can)."""
    given = measures_given(contacts, surveys)
    frames = {"contacts": contacts, "surveys": surveys}
    sentences = []
    for measure, (label, dataset, _, _) in MEASURES.items():
        if measure in given:
            continue
        why = (
            f"no {dataset} file was given"
            if frames[dataset] is None
            else f"the {dataset} file has no {MEASURE_COLUMNS[measure]} column"
        )
        sentences.append(f"{label} is left out of the evaluation: {why}.")
    return sentences


def check_change_date(change_date, contacts: pd.DataFrame) -> pd.Timestamp:
    """The change date as a day; ParameterError unless 7 days of data lie before it and 14 after."""
    if change_date is None:
        raise ParameterError(
            "change_date is not set: give the date the change started, for example "
            'change_date = "2026-02-16"'
        )
    try:
        change = pd.Timestamp(change_date).normalize()
    except (ValueError, TypeError):
        raise ParameterError(
            f"change_date {change_date!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-02-16"
        ) from None
    first, last = contacts["opened_at"].min().normalize(), contacts["opened_at"].max().normalize()
    if change - first < pd.Timedelta(days=7) or last - change < pd.Timedelta(days=13):
        raise ParameterError(
            f"change_date {change:%d %b %Y} leaves too little data on one side: the contacts "
            f"run from {first:%d %b %Y} to {last:%d %b %Y}. An evaluation needs at least a week "
            "before the change and two weeks after it (to check the gain is holding)."
        )
    return change


def _rows_for(measure: str, contacts: pd.DataFrame, surveys: pd.DataFrame) -> pd.DataFrame:
    """The rows a measure is computed on: answered contacts, or surveys with a CSAT score."""
    _, dataset, date_column, _ = MEASURES[measure]
    if dataset == "contacts":
        answered = contacts.loc[~contacts["abandoned"].astype(bool)]
        if measure == "first_contact_resolution":
            return answered.assign(value=answered["resolved_first_contact"].astype(bool))
        return answered.assign(value=answered["handle_time_s"].astype(float))
    scored = surveys.loc[surveys["csat"].notna()]
    return scored.assign(value=scored["csat"].astype(float) >= 4)


def measure_value(measure: str, contacts: pd.DataFrame, surveys: pd.DataFrame) -> float:
    """A measure on whole datasets, through the KPI registry (the same definition everywhere)."""
    frames = {"contacts": contacts, "surveys": surveys}
    return kpi.KPIS[measure].compute(**{d: frames[d] for d in kpi.KPIS[measure].datasets})


def split_at(frame: pd.DataFrame, date_column: str, change: pd.Timestamp):
    """(before, after): rows dated before the change day, and on or after it."""
    after = frame[date_column] >= change
    return frame.loc[~after], frame.loc[after]


def baseline_table(
    contacts: pd.DataFrame,
    surveys: pd.DataFrame | None,
    change_date,
    targets: Mapping[str, float],
) -> pd.DataFrame:
    """Each objective's baseline (the period before the change) against its target; an
    objective whose data is not given (no surveys file, say) is left out.

    variance = baseline - target (for handle time, lower is better, so a positive variance is
    worse); met follows the KPI's direction.
    """
    change = check_change_date(change_date, contacts)
    before_contacts, _ = split_at(contacts, "opened_at", change)
    before_surveys = None if surveys is None else split_at(surveys, "sent_at", change)[0]
    given = measures_given(contacts, surveys)
    rows = []
    for measure, target in targets.items():
        if measure not in given:  # its data is not given (left_out_sentences says so)
            continue
        label = MEASURES[measure][0]
        value = measure_value(measure, before_contacts, before_surveys)
        met = kpi.KPIS[measure].met(value, target)
        rows.append(
            {
                "measure": measure,
                "label": label,
                "baseline": value,
                "target": float(target),
                "variance": value - float(target),
                "met": met,
            }
        )
    return pd.DataFrame(rows)


def compare_before_after(
    contacts: pd.DataFrame,
    surveys: pd.DataFrame | None,
    change_date,
    measures=None,
) -> dict[str, stats.Comparison]:
    """Before/after comparison of each measure (interval, significance test, effect size);
    ``measures=None`` takes every measure the data gives (measures_given)."""
    change = check_change_date(change_date, contacts)
    results = {}
    for measure in measures_given(contacts, surveys) if measures is None else measures:
        label, _, date_column, kind = MEASURES[measure]
        rows = _rows_for(measure, contacts, surveys)
        if rows.empty:
            raise DataError(f"no rows to compare for {label}: the data has none that count")
        options = {"seed": 2026} if kind == "duration" else {}
        results[measure] = stats.before_after(
            rows, date_column, change, "value", kind=kind, label=label, **options
        )
    return results


def comparison_table(comparisons: Mapping[str, stats.Comparison]) -> pd.DataFrame:
    """One row per measure: before, after, difference, its 95% interval, p-value, significant."""
    rows = []
    for measure, c in comparisons.items():
        rows.append(
            {
                "measure": measure,
                "label": MEASURES[measure][0],
                "statistic": c.statistic,
                "before": c.before,
                "after": c.after,
                "difference": c.difference,
                "ci_low": c.ci_low,
                "ci_high": c.ci_high,
                "p_value": c.p_value,
                "significant": c.significant,
                "improved": (c.difference > 0) == HIGHER_IS_BETTER[measure] and c.significant,
                "n_before": c.n_before,
                "n_after": c.n_after,
            }
        )
    return pd.DataFrame(rows)


def comparison_display(comparisons: Mapping[str, stats.Comparison]) -> pd.DataFrame:
    """The comparisons as a table to read: values in % or seconds, the interval, p, significant."""
    rows = []
    for measure, c in comparisons.items():
        unit = "%" if c.kind == "proportion" else "s"
        rows.append(
            {
                "measure": MEASURES[measure][0],
                "statistic": c.statistic,
                "before": narrative.format_value(c.before, unit),
                "after": narrative.format_value(c.after, unit),
                "difference": narrative.format_signed(c.difference, unit),
                "95% interval": f"{narrative.format_signed(c.ci_low, unit)} to "
                f"{narrative.format_signed(c.ci_high, unit)}",
                "p-value": narrative.format_p(c.p_value, c.alpha),
                "significant": "yes" if c.significant else "no",
            }
        )
    return pd.DataFrame(rows)


def shift_sentence(chart: pd.DataFrame, flags: pd.DataFrame, change_date, unit: str = "%") -> str:
    """What a shift chart shows after the change, in words: days beyond the baseline's limits
    and the longest run on one side of the old centre line (8 or more in a row is a signal)."""
    change = pd.Timestamp(change_date)
    after = chart.loc[pd.to_datetime(chart["period"]) >= change]
    above = int((after["value"] > after["ucl"]).sum())
    below = int((after["value"] < after["lcl"]).sum())
    side = np.sign(after["value"].to_numpy() - after["centre"].to_numpy())
    longest, current, previous = 0, 0, 0
    for value in side:
        current = current + 1 if value != 0 and value == previous else (1 if value else 0)
        previous = value
        longest = max(longest, current)
    centre = narrative.format_value(float(chart["centre"].iloc[0]), unit)
    days = len(after)
    if flags.empty:
        return (
            f"After the change, none of the {days} days is outside the limits set by the "
            f"baseline (centre {centre}) and there is no long run on one side: the process has "
            "not shifted detectably, so the change cannot be said to have worked yet."
        )
    return (
        f"After the change, {above} of {days} days are above the baseline's upper control limit"
        + (f" and {below} below its lower limit" if below else "")
        + f", and the longest run on one side of the old centre line ({centre}) is {longest} days "
        "in a row (8 or more is a signal): the process has shifted, not just had a few good "
        "days. From here, recalculate the limits from the change date to monitor the new level."
    )


def comparison_sentences(comparisons: Mapping[str, stats.Comparison]) -> list[str]:
    """The comparisons in words (narrative.comparison_sentence), one per measure."""
    sentences = []
    for measure, c in comparisons.items():
        unit = "%" if c.kind == "proportion" else "s"
        sentences.append(
            narrative.comparison_sentence(c, higher_is_better=HIGHER_IS_BETTER[measure], unit=unit)
        )
    return sentences


def daily_measure(
    measure: str, contacts: pd.DataFrame, surveys: pd.DataFrame, min_count: int = 1
) -> pd.Series:
    """A measure per day (indexed by day), from kpi_table; days with fewer than min_count rows
    behind the value are left out (too few to plot as a point)."""
    dataset = MEASURES[measure][1]
    frames = {"contacts": contacts, "surveys": surveys}
    table = kpi.kpi_table(**{dataset: frames[dataset]}, period="day", by=(), kpis=[measure])
    table = table.loc[(table["n"] >= min_count) & table["value"].notna()]
    return pd.Series(
        table["value"].to_numpy(), index=pd.DatetimeIndex(table["period"]), name=measure
    )


def shift_chart(daily: pd.Series, change_date) -> pd.DataFrame:
    """An XmR chart whose centre line and limits come from the baseline days only.

    Limits from the baseline are the yardstick the change is judged against: if the process
    really shifted, points after the change fall in a run on one side of the old centre line or
    outside the old limits (stats.chart_signals finds them).
    """
    change = pd.Timestamp(change_date)
    before = daily.loc[daily.index < change]
    if len(before) < 5:
        raise DataError(
            f"only {len(before)} day(s) before the change on {change:%d %b %Y}: a baseline needs "
            "at least 5 points. Choose a later change date or give more data."
        )
    limits = stats.xmr_limits(before)
    return pd.DataFrame(
        {
            "period": daily.index,
            "value": daily.to_numpy(),
            "moving_range": daily.diff().abs().to_numpy(),
            "centre": limits.centre,
            "ucl": limits.ucl,
            "lcl": limits.lcl,
        }
    )


def signals_after(chart: pd.DataFrame, change_date) -> pd.DataFrame:
    """The run-rule signals of a shift chart that lie on or after the change date."""
    flags = stats.chart_signals(chart)
    if flags.empty:
        return flags
    return flags.loc[pd.to_datetime(flags["period"]) >= pd.Timestamp(change_date)]


@dataclass(frozen=True)
class Sustainment:
    """Whether a gain is holding: the measure's early and late level after the change."""

    measure: str
    baseline: float
    early: float  # first `weeks` weeks after the change
    late: float  # last `weeks` weeks of the data
    retained: (
        float  # share of the early gain still there late: (late - baseline) / (early - baseline)
    )
    slipping: bool

    def sentence(self, organisation: str) -> str:
        """The sustainment check in words."""
        label = MEASURES[self.measure][0]
        shown = {
            k: narrative.format_percent(getattr(self, k)) for k in ("baseline", "early", "late")
        }
        opening = (
            f"{label} at {organisation} was {shown['baseline']} before the change, "
            f"{shown['early']} in the first weeks after it and {shown['late']} in the latest weeks"
        )
        if math.isnan(self.retained):
            return opening + ": there was no early gain to sustain."
        kept = narrative.format_percent(self.retained, 0)
        if self.retained > 1:
            return (
                f"{opening}: the gain has grown since the first weeks, so the improvement is "
                "holding and still building. Keep monitoring it: a gain is only sustained while "
                "it is checked."
            )
        if self.retained <= 0:
            return (
                f"{opening}: none of the early gain remains (the measure is back at or beyond "
                "its level before the change), so the improvement has slipped away. Keep "
                "measuring and reviewing after a change: without monitoring, coaching and "
                "updated procedures, processes drift back to their old level."
            )
        if self.slipping:
            return (
                f"{opening}: only {kept} of the early gain remains, so the improvement is "
                "slipping. Keep measuring and reviewing after a change: without monitoring, "
                "coaching and updated procedures, processes drift back to their old level."
            )
        return (
            f"{opening}: {kept} of the early gain remains, so the improvement is holding. Keep "
            "monitoring it: a gain is only sustained while it is checked."
        )


def sustainment(
    measure: str,
    contacts: pd.DataFrame,
    surveys: pd.DataFrame,
    change_date,
    weeks: int | None = None,
    keep_share: float = 0.5,
) -> Sustainment:
    """Compare the first and the last `weeks` weeks after the change with the baseline.

    retained = (late - baseline) / (early - baseline); slipping when less than keep_share of the
    early gain remains. Needs at least 2 x weeks weeks of data after the change; weeks=None
    takes 3, or fewer when the data after the change is shorter (at least 1).
    """
    change = check_change_date(change_date, contacts)
    rows = _rows_for(measure, contacts, surveys)
    date_column = MEASURES[measure][2]
    before, after = split_at(rows, date_column, change)
    end = rows[date_column].max().normalize() + pd.Timedelta(days=1)  # the day after the last
    if weeks is None:
        weeks = max(1, min(3, (end - change).days // 14))
    span = pd.Timedelta(weeks=weeks)
    if end - change < 2 * span:
        raise DataError(
            f"sustainment needs {2 * weeks} weeks of data after the change on {change:%d %b %Y}; "
            f"the data ends on {end - pd.Timedelta(days=1):%d %b %Y}. Use fewer weeks or more data."
        )
    early = after.loc[after[date_column] < change + span, "value"].mean()
    late = after.loc[after[date_column] >= end - span, "value"].mean()
    base = before["value"].mean()
    gain = early - base
    retained = (late - base) / gain if gain > 0 else float("nan")
    slipping = bool(gain > 0 and retained < keep_share)
    return Sustainment(measure, float(base), float(early), float(late), float(retained), slipping)


def weekly_after(
    measure: str, contacts: pd.DataFrame, surveys: pd.DataFrame, change_date
) -> pd.DataFrame:
    """The measure week by week (tidy: period, kpi, value, n), marked before/after the change."""
    dataset = MEASURES[measure][1]
    frames = {"contacts": contacts, "surveys": surveys}
    table = kpi.kpi_table(**{dataset: frames[dataset]}, period="week", by=(), kpis=[measure])
    table["phase"] = np.where(table["period"] >= pd.Timestamp(change_date), "after", "before")
    return table[["period", "kpi", "value", "n", "phase"]]


def improvement_priorities(servqual: pd.DataFrame) -> pd.DataFrame:
    """SERVQUAL dimensions ranked for improvement: largest importance-weighted shortfall first."""
    from svcworkbook.analysis.servqual import weighted_servqual

    table = weighted_servqual(servqual).sort_values("weighted_gap", kind="stable")
    table = table.reset_index(drop=True)
    table["priority"] = np.arange(1, len(table) + 1)
    return table


def evaluation_report(
    baseline: pd.DataFrame,
    comparisons: Mapping[str, stats.Comparison],
    organisation: str,
) -> pd.DataFrame:
    """Each objective: target, baseline, after, variance after (after - target), met, significant,
    and a verdict in words (met and significant; improved but short of target; no real change)."""
    rows = []
    for _, objective in baseline.iterrows():
        measure = objective["measure"]
        c = comparisons[measure]
        met = kpi.KPIS[measure].met(c.after, objective["target"])
        better = (c.difference > 0) == HIGHER_IS_BETTER[measure]
        if c.significant and better and met:
            verdict = "objective achieved: a real improvement that reaches the target"
        elif c.significant and better:
            verdict = "a real improvement, but still short of the target: keep going"
        elif c.significant:
            verdict = "a real deterioration: review the change and its side effects"
        elif met:
            verdict = "on target, but no measurable change: the change cannot take the credit"
        else:
            verdict = "no measurable change and short of the target: rethink the change"
        rows.append(
            {
                "organisation": organisation,
                "measure": measure,
                "label": objective["label"],
                "target": objective["target"],
                "baseline": c.before,
                "after": c.after,
                "variance_after": c.after - objective["target"],
                "met_after": met,
                "significant": c.significant,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)


def evidence_table(report: pd.DataFrame) -> pd.DataFrame:
    """What a learner can put in a portfolio from this evaluation, the unit 5 marking points it
    maps to, and the misconception (U5.M1-M4) it guards against."""
    achieved = int(report["verdict"].str.startswith("objective achieved").sum())
    rows = [
        (
            "Objectives with targets and the baseline measured before the change",
            "U5.MP1, U5.MP3",
            "U5.M1: comparing with how things seemed before, instead of a measured baseline",
        ),
        (
            "Before/after comparison with confidence intervals, significance tests and the variance "
            "against each target",
            "U5.MP3",
            "U5.M1: a difference that chance alone could explain is not evidence of improvement",
        ),
        (
            "Control chart with limits from the baseline, showing whether the process shifted",
            "U5.MP3",
            "U5.M3: more changes are not more improvement; measure what each one did",
        ),
        (
            "Sustainment check weeks after the change (is the gain holding or slipping?)",
            "U5.MP3, U5.MP4",
            "U5.M4: monitoring cannot stop once the figures improve",
        ),
        (
            f"Evaluation report: {achieved} of {len(report)} objectives achieved, each outcome "
            "linked to its original objective, with lessons learned",
            "U5.MP4",
            "U5.M4: a gain is only sustained while it is checked",
        ),
        (
            "Briefing notes or minutes showing the results shared with the team and stakeholders",
            "U5.MP2",
            "U5.M2: front-line staff take part in the improvement, not just hear of it",
        ),
    ]
    return pd.DataFrame(rows, columns=["evidence", "marking_points", "guards_against"])


# --- the notebook's helpers: change date, sentences, charts, the slipping example, exercises ---


def resolve_change_date(
    change_date, params: Mapping, contacts: pd.DataFrame | None
) -> pd.Timestamp | None:
    """The change date to evaluate: the parameter if set; for generated data (or a folder the
    generator wrote, see io.read_about), the scenario's change date, or the improvement
    scenario's when the scenario has none; checked against the data. None when no contacts are
    given (your own data without a contacts file: there is nothing before and after to compare).

    Your own export has no scenario, so there the date must be given.
    """
    if contacts is None:
        return None
    if change_date is None:
        from svcworkbook.data import generators
        from svcworkbook.data.loading import read_about

        data_dir = params.get("data_dir")
        about = read_about(data_dir) if data_dir is not None else {}
        if data_dir is None or about:
            change_date = about.get("change_date")
            if change_date is None:
                start, end = contacts["opened_at"].min(), contacts["opened_at"].max()
                days = (end.normalize() - start.normalize()).days + 1
                scenario = about.get("scenario", params.get("scenario", "baseline"))
                change_date = generators.change_date(scenario, start, days)
                if change_date is None:
                    change_date = generators.change_date("improvement", start, days)
    if change_date is None:
        raise ParameterError(
            "change_date is not set: with your own data (data_dir), give the date the change "
            'started, for example -p change_date=2026-02-16 or change_date = "2026-02-16"'
        )
    return check_change_date(change_date, contacts)


def start_sentence(source: str, change: pd.Timestamp | None) -> str:
    """Where the data comes from and when the change started (or that no contacts are given)."""
    if change is None:
        return (
            f"Data: {source}. No contacts file was given, so the change cannot be evaluated "
            "before and after; only the sections on the data given are run."
        )
    return f"Data: {source}. The change being evaluated started on {change:%A %d %B %Y}."


def variance_sentences(report: pd.DataFrame, organisation: str) -> list[str]:
    """Each objective after the change against its target, in words (narrative.target_sentence)."""
    sentences = []
    for _, row in report.iterrows():
        label = f"{row['label']} at {organisation} after the change"
        higher = HIGHER_IS_BETTER[row["measure"]]
        sentences.append(
            narrative.target_sentence(label, row["after"], row["target"], higher_is_better=higher)
        )
    return sentences


def before_after_plot(
    measure: str, contacts: pd.DataFrame, surveys: pd.DataFrame, change_date, ax=None
):
    """The measure day by day with the before and after levels (plots.before_after_chart)."""
    from svcworkbook.report import plots

    # one row per contact or response, so the before and after levels are the pooled figures
    # the comparison table shows (a mean of daily figures would differ: 65.1% against 64.7%)
    _, _, date_column, _ = MEASURES[measure]
    rows = _rows_for(measure, contacts, surveys)
    frame = pd.DataFrame(
        {"day": rows[date_column].dt.normalize(), measure: rows["value"].astype(float)}
    )
    return plots.before_after_chart(
        frame, "day", measure, pd.Timestamp(change_date), ax=ax, unit="%",
        title=f"{MEASURES[measure][0]} by day, before and after the change",
    )  # fmt: skip


def slipping_example(params: Mapping, change_date) -> dict[str, pd.DataFrame] | None:
    """The same organisation in the 'slipping' scenario (same seed): a gain that fades once
    monitoring stops. None for your own data (data_dir), which has no scenarios."""
    if params.get("data_dir") is not None:
        return None
    from svcworkbook.data import generators
    from svcworkbook.data.samples import SAMPLE_SEED

    seed = params.get("seed")
    data = generators.generate_all(seed=SAMPLE_SEED if seed is None else seed, scenario="slipping")
    return {"contacts": data["contacts"], "surveys": data["surveys"]}


def sustainment_chart(weekly: Mapping[str, pd.DataFrame], change_date, target: float, ax=None):
    """Weekly values of each named series (weekly_after tables) with the target and the change."""
    from svcworkbook.report import plots
    from svcworkbook.report.legends import place_legend

    frame = pd.concat(
        [table.assign(series=name) for name, table in weekly.items()], ignore_index=True
    )
    measure = frame["kpi"].iloc[0]
    frame = frame.rename(columns={"value": measure, "period": "week"})
    ax = plots.kpi_trend(
        frame, "week", measure, target=target, hue="series", ax=ax, unit="%",
        title=f"{MEASURES[measure][0]} by week: holding or slipping?",
    )  # fmt: skip
    ax.axvline(pd.Timestamp(change_date), color="0.3", linestyle=":", label="Change")
    place_legend(ax)  # again, with the change line
    return ax


def headline_results(
    change: pd.Timestamp,
    comparisons: Mapping[str, stats.Comparison],
    report: pd.DataFrame,
    held: Sustainment,
    priorities: pd.DataFrame,
) -> dict[str, object]:
    """The unit's headline figures, for wb.record (tests and assessors' reports): the
    evaluation's and SERVQUAL's, the two parts the notebook records when their data is given."""
    return {
        **evaluation_headline(change, comparisons, report, held),
        **servqual_headline(priorities),
    }


def evaluation_headline(
    change: pd.Timestamp,
    comparisons: Mapping[str, stats.Comparison],
    report: pd.DataFrame,
    held: Sustainment,
) -> dict[str, object]:
    """The evaluation's headline figures: FCR before and after with its test, CSAT when the
    surveys are given, whether the gain is holding, and the objectives achieved."""
    fcr = comparisons["first_contact_resolution"]
    out: dict[str, object] = {
        "change_date": f"{change:%Y-%m-%d}",
        "fcr_before": fcr.before,
        "fcr_after": fcr.after,
        "fcr_difference": fcr.difference,
        "fcr_p_value": fcr.p_value,
        "fcr_significant": fcr.significant,
    }
    if "csat" in comparisons:
        csat_ = comparisons["csat"]
        out.update(
            csat_before=csat_.before, csat_after=csat_.after, csat_significant=csat_.significant
        )
    out.update(
        fcr_gain_retained=held.retained,
        fcr_slipping=held.slipping,
        objectives_achieved=int(report["verdict"].str.startswith("objective achieved").sum()),
    )
    return out


def servqual_headline(priorities: pd.DataFrame) -> dict[str, object]:
    """SERVQUAL's headline: the dimension to improve first."""
    return {"servqual_priority": str(priorities["dimension"].iloc[0])}


def sustainment_sentences(
    held: Sustainment, slipping: Mapping[str, pd.DataFrame] | None, change_date, organisation: str
) -> list[str]:
    """The sustainment check in words, with the slipping scenario beside it when there is one."""
    sentences = [held.sentence(organisation)]
    if slipping is None:
        sentences.append("Your own data has no scenarios, so only it is shown.")
        return sentences
    fading = sustainment(held.measure, slipping["contacts"], slipping["surveys"], change_date)
    sentences.append("Slipping scenario: " + fading.sentence(organisation))
    return sentences


def weekly_series(
    measure: str,
    contacts: pd.DataFrame,
    surveys: pd.DataFrame,
    slipping: Mapping[str, pd.DataFrame] | None,
    change_date,
) -> dict[str, pd.DataFrame]:
    """Weekly tables of the measure for this data and, when there is one, the slipping scenario."""
    weekly = {"this data": weekly_after(measure, contacts, surveys, change_date)}
    if slipping is not None:
        weekly["slipping scenario"] = weekly_after(
            measure, slipping["contacts"], slipping["surveys"], change_date
        )
    return weekly
