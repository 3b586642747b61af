"""Charts for the workbook (seaborn/matplotlib). Each takes tidy data, draws on `ax` (or a new
figure), labels its axes with units and a title, and returns the matplotlib Axes.

Proportions are passed as 0-1 and shown as percentages. Colours come from svcworkbook.report.style
(colour-blind safe) and every role also has its own line style or marker.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from svcworkbook.analysis import stats
from svcworkbook.analysis.servqual import DIMENSIONS
from svcworkbook.errors import NAME_YOUR_COLUMN, DataError, require_columns
from svcworkbook.report.legends import place_legend
from svcworkbook.report.narrative import format_target, format_value
from svcworkbook.report.style import (
    COLOURS,
    FLAG_MARKER,
    LINESTYLES,
    axis_label,
    date_axis,
    percent_axis,
)


def _axes(ax: Axes | None) -> Axes:
    """The Axes to draw on: the one given, or a new figure's."""
    if ax is not None:
        return ax
    _, new = plt.subplots()
    return new


def _finish(ax: Axes, xlabel: str, ylabel: str, title: str, legend: bool = True) -> Axes:
    """Set labels and title, and show a legend when anything is labelled."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if legend:
        place_legend(ax)  # inside where it covers no data, else beside the plot
    return ax


def _finish_over_time(
    ax: Axes, frame: pd.DataFrame, x: str, y: str, unit: str, labels: tuple, title: str
) -> Axes:
    """A chart of y over x: a percentage axis for unit '%', date labels when x holds dates, then
    the axis labels given (xlabel, ylabel, or None for x's and y's own names) and the title."""
    xlabel, ylabel = labels
    if unit == "%":
        percent_axis(ax)
    date_axis(ax, frame[x])
    return _finish(ax, xlabel or axis_label(x), ylabel or axis_label(y, unit), title)


def _target_line(ax: Axes, target: float, unit: str) -> None:
    """A dashed horizontal target line labelled with its value, kept clear of the chart's edge."""
    low, high = ax.get_ylim()
    margin = 0.05 * (max(high, target) - min(low, target) or 1)
    ax.set_ylim(min(low, target - margin), max(high, target + margin))
    ax.axhline(
        target,
        color=COLOURS["target"],
        linestyle=LINESTYLES["target"],
        linewidth=1.8,
        label=f"Target ({format_target(target, unit)})",
    )


def kpi_trend(
    data: pd.DataFrame,
    x: str,
    y: str,
    target: float | None = None,
    hue: str | None = None,
    ax: Axes | None = None,
    unit: str = "%",
    ylabel: str | None = None,
    xlabel: str | None = None,
    title: str | None = None,
) -> Axes:
    """A KPI over time (one line per `hue` group) with an optional dashed target line.
    With several rows per x value, the line shows their mean."""
    require_columns(data, [x, y, hue], "kpi_trend", fix=NAME_YOUR_COLUMN)
    ax = _axes(ax)
    frame = data.assign(**{y: pd.to_numeric(data[y]).astype(float)})
    sns.lineplot(
        data=frame,
        x=x,
        y=y,
        hue=hue,
        marker="o",
        errorbar=None,
        ax=ax,
        **({} if hue else {"color": COLOURS["data"], "label": axis_label(y)}),
    )
    if target is not None:
        _target_line(ax, target, unit)
    return _finish_over_time(
        ax, frame, x, y, unit, (xlabel, ylabel), title or f"{axis_label(y)} over time"
    )


def control_chart(
    chart: pd.DataFrame,
    flags: pd.DataFrame | None = None,
    ax: Axes | None = None,
    unit: str = "",
    ylabel: str = "Value",
    xlabel: str = "Period",
    title: str = "Control chart",
    scale: tuple[float | None, float | None] | None = None,
) -> Axes:
    """A control chart from stats.xmr_chart or stats.p_chart_limits: the values, the centre line,
    dashed upper/lower control limits, and flagged points (stats.chart_signals if not given) as
    diamonds. Use unit='%' for a p-chart or any share.

    ``scale`` is the range the measure can take, (low, high), None for no bound; by default 0-100%
    for unit '%', else unbounded. A limit calculated beyond it (an XmR lower limit of -3.1% for a
    share) is drawn at the bound and its legend entry, which the chart's text description reads,
    says so: "Lower control limit 0% (calculated -3.1%, clipped)"."""
    require_columns(
        chart, ["period", "value", "centre", "ucl", "lcl"], "control_chart", fix=NAME_YOUR_COLUMN
    )
    ax = _axes(ax)
    flags = stats.chart_signals(chart) if flags is None else flags
    periods = chart["period"]
    ax.plot(periods, chart["value"], marker="o", color=COLOURS["data"], label=axis_label(ylabel))
    ax.plot(
        periods,
        chart["centre"],
        color=COLOURS["centre"],
        linestyle=LINESTYLES["centre"],
        linewidth=1.2,
        label="Centre line",
    )
    drawstyle = "default" if chart["ucl"].nunique() == 1 else "steps-mid"
    low, high = ((0.0, 1.0) if unit == "%" else (None, None)) if scale is None else scale
    for column, name, bound in (
        ("ucl", "Upper control limit", high),
        ("lcl", "Lower control limit", low),
    ):
        values, label = _clipped_limit(chart[column], name, bound, column == "ucl", unit)
        ax.plot(
            periods,
            values,
            color=COLOURS["limit"],
            linestyle=LINESTYLES["limit"],
            drawstyle=drawstyle,
            label=label,
        )
    if not flags.empty:
        flagged = chart.iloc[sorted(set(flags["position"]))]
        ax.scatter(
            flagged["period"],
            flagged["value"],
            marker=FLAG_MARKER,
            s=70,
            zorder=3,
            color=COLOURS["flagged"],
            label="Flagged (special cause)",
        )
    if unit == "%":
        percent_axis(ax)
    if pd.api.types.is_integer_dtype(periods):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    date_axis(ax, periods)
    return _finish(ax, xlabel, axis_label(ylabel, unit) if unit else ylabel, title)


def _clipped_limit(
    limit: pd.Series, name: str, bound: float | None, upper: bool, unit: str
) -> tuple[np.ndarray, str]:
    """A control limit held inside the measure's scale, and its legend label: the name alone,
    or, when the calculated limit passes the bound, the bound with the calculated value."""
    values = pd.to_numeric(limit).to_numpy(dtype=float)
    if bound is None or not np.any((values > bound) if upper else (values < bound)):
        return values, name
    furthest = float(np.nanmax(values) if upper else np.nanmin(values))
    clipped = np.minimum(values, bound) if upper else np.maximum(values, bound)
    shown = format_value(bound, unit, 0 if unit == "%" or float(bound).is_integer() else None)
    return clipped, f"{name} {shown} (calculated {format_value(furthest, unit)}, clipped)"


def pareto_chart(
    table: pd.DataFrame,
    ax: Axes | None = None,
    what: str = "cases",
    threshold: float = 0.8,
    title: str | None = None,
) -> Axes:
    """A Pareto chart from stats.pareto: bars of counts (vital few in colour, the rest grey), the
    cumulative share as a line on a second axis (0-100%), and a dotted line at the threshold."""
    require_columns(
        table,
        ["category", "count", "cumulative_share", "vital_few"],
        "pareto_chart",
        fix=NAME_YOUR_COLUMN,
    )
    ax = _axes(ax)
    colours = [COLOURS["data"] if vital else COLOURS["muted"] for vital in table["vital_few"]]
    labels = table["category"].astype(str).tolist()
    ax.bar(labels, table["count"], color=colours)
    cumulative = ax.twinx()
    cumulative.plot(
        labels,
        table["cumulative_share"],
        marker="o",
        color=COLOURS["cumulative"],
        label="Cumulative share",
    )
    cumulative.axhline(
        threshold,
        color=COLOURS["centre"],
        linestyle=LINESTYLES["threshold"],
        linewidth=1.2,
        label=f"{threshold:.0%} line",
    )
    cumulative.set_ylim(0, 1.05)
    cumulative.set_ylabel("Cumulative share of " + what + " (%)")
    cumulative.grid(False)
    percent_axis(cumulative)
    ax.tick_params(axis="x", labelrotation=30)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    _finish(ax, "Category", f"Number of {what}", title or f"Pareto chart of {what}", legend=False)
    _legend_above(ax, [*_pareto_bar_keys(table["vital_few"], threshold), *cumulative.lines])
    return ax


def _pareto_bar_keys(vital_few: pd.Series, threshold: float) -> list[Patch]:
    """Legend keys for the bar colours present: the vital few, and the rest."""
    keys = []
    if vital_few.any():
        keys.append(Patch(color=COLOURS["data"], label=f"Vital few (to {threshold:.0%})"))
    if not vital_few.all():
        keys.append(Patch(color=COLOURS["muted"], label="The rest"))
    return keys


def _legend_above(ax: Axes, handles: list) -> None:
    """One row of legend keys between the title and the plot, where it cannot cover the data."""
    ax.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=len(handles),
        frameon=False,
        fontsize="small",
        borderaxespad=0.2,
    )
    ax.set_title(ax.get_title(), pad=24)


def before_after_chart(
    data: pd.DataFrame,
    x: str,
    y: str,
    change_date,
    ax: Axes | None = None,
    statistic: str = "mean",
    unit: str = "%",
    ylabel: str | None = None,
    xlabel: str | None = None,
    title: str | None = None,
) -> Axes:
    """A measure over time with a dotted line at the change date and the before and after levels
    (the `statistic`, "mean" or "median", of all rows on each side: date < change, date >= change)."""
    require_columns(data, [x, y], "before_after_chart", fix=NAME_YOUR_COLUMN)
    if statistic not in ("mean", "median"):
        raise ValueError(f"statistic must be 'mean' or 'median', not {statistic!r}")
    ax = _axes(ax)
    frame = data[[x, y]].dropna().assign(**{y: lambda f: pd.to_numeric(f[y]).astype(float)})
    change = (
        pd.Timestamp(change_date) if pd.api.types.is_datetime64_any_dtype(frame[x]) else change_date
    )
    after = frame[x] >= change
    if after.all() or not after.any():
        raise DataError(
            f"before_after_chart: the change ({change}) must fall inside the data, which runs "
            f"from {frame[x].min()} to {frame[x].max()}"
        )
    daily = frame.groupby(x, sort=True)[y].mean()
    ax.plot(daily.index, daily.to_numpy(), marker="o", color=COLOURS["muted"], label=axis_label(y))
    start, end = frame[x].min(), frame[x].max()
    for name, rows, xs in (("Before", ~after, [start, change]), ("After", after, [change, end])):
        level = float(getattr(frame.loc[rows, y], statistic)())
        shown = format_value(level, unit)
        ax.plot(
            xs,
            [level, level],
            color=COLOURS[name.lower()],
            linewidth=3,
            label=f"{name}: {statistic} {shown}",
        )
    ax.axvline(change, color=COLOURS["centre"], linestyle=LINESTYLES["change"], label="Change")
    return _finish_over_time(
        ax, frame, x, y, unit, (xlabel, ylabel),
        title or f"{axis_label(y)} before and after the change",
    )  # fmt: skip


def servqual_gap_chart(
    gaps: pd.DataFrame,
    ax: Axes | None = None,
    weighted: bool = False,
    title: str | None = None,
) -> Axes:
    """Horizontal bars of SERVQUAL gaps (perception - expectation) per dimension, or per item if
    the table has an item column; shortfalls in vermillion with hatching, surpluses in blue,
    each bar labelled with its value, and a line at zero. weighted=True plots weighted_gap."""
    column = "weighted_gap" if weighted else "gap"
    by = "item" if "item" in gaps.columns else "dimension"
    require_columns(gaps, [by, column], "servqual_gap_chart", fix=NAME_YOUR_COLUMN)
    ax = _axes(ax)
    table = gaps
    if by == "dimension":
        order = {d: i for i, d in enumerate(DIMENSIONS)}
        table = gaps.assign(_o=gaps["dimension"].map(order)).sort_values("_o", kind="stable")
    values = table[column].to_numpy(dtype=float)
    bars = ax.barh(
        table[by].astype(str).tolist(),
        values,
        color=[COLOURS["shortfall"] if v < 0 else COLOURS["surplus"] for v in values],
        hatch=None,
    )
    for bar, value in zip(bars, values, strict=True):
        if value < 0:
            bar.set_hatch("//")
    ax.bar_label(bars, labels=[f"{v:+.2f}" for v in values], padding=3)
    ax.axvline(0, color=COLOURS["centre"], linewidth=1)
    ax.invert_yaxis()  # first dimension at the top
    limit = max(0.5, float(np.nanmax(np.abs(values))) * 1.3) if values.size else 1
    ax.set_xlim(-limit, limit)
    kind = "Importance-weighted gap" if weighted else "Gap"
    return _finish(
        ax,
        f"{kind}: perception - expectation (points on the 1-7 scale)",
        "SERVQUAL " + by,
        title or f"SERVQUAL {'weighted ' if weighted else ''}gaps by {by}",
        legend=False,
    )


def service_level_curve(
    agents: Sequence[float],
    service_levels: Sequence[float],
    target: float | None = None,
    ax: Axes | None = None,
    answer_within_s: float | None = None,
    title: str = "Service level against agents",
) -> Axes:
    """Service level (0-1) against the number of agents, with the target as a dashed line and a
    dotted line at the fewest agents that meet it (if any do)."""
    agents = np.asarray(agents, dtype=float)
    levels = np.asarray(service_levels, dtype=float)
    if agents.shape != levels.shape or agents.ndim != 1 or agents.size == 0:
        raise DataError(
            f"service_level_curve: {agents.size} agent counts but {levels.size} service levels; "
            "give one service level per agent count"
        )
    ax = _axes(ax)
    order = np.argsort(agents)
    ax.plot(agents[order], levels[order], marker="o", color=COLOURS["data"], label="Service level")
    if target is not None:
        _target_line(ax, target, "%")
        meeting = agents[levels >= target]
        if meeting.size:
            fewest = float(meeting.min())
            ax.axvline(
                fewest,
                color=COLOURS["centre"],
                linestyle=LINESTYLES["threshold"],
                label=f"Fewest agents meeting target: {fewest:g}",
            )
    percent_axis(ax)
    ax.set_ylim(0, 1.02)
    within = f" answered within {answer_within_s:g} seconds" if answer_within_s else ""
    return _finish(ax, "Agents (number)", f"Service level (%{within})", title)
