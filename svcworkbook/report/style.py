"""One chart style for the whole workbook: a colour-blind-safe palette, readable text, and a fixed
colour (plus a line style or marker shape, so colour is never the only cue) for each role."""

from __future__ import annotations

import re

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import AutoLocator, MaxNLocator, PercentFormatter

#: seaborn's "colorblind" palette (Okabe-Ito style), safe for the common colour-vision deficiencies.
PALETTE_NAME = "colorblind"
PALETTE = sns.color_palette(PALETTE_NAME)

#: Colour for each role a line or bar plays in a chart.
COLOURS = {
    "data": PALETTE[0],  # blue
    "after": PALETTE[1],  # orange
    "before": PALETTE[0],  # blue
    "target": PALETTE[2],  # green
    "flagged": PALETTE[3],  # vermillion
    "limit": PALETTE[7],  # grey
    "centre": (0.2, 0.2, 0.2),  # near black
    "cumulative": PALETTE[1],  # orange
    "shortfall": PALETTE[3],  # vermillion
    "surplus": PALETTE[0],  # blue
    "muted": PALETTE[7],  # grey
}
#: Line styles per role, so charts read in greyscale too.
LINESTYLES = {"target": "--", "limit": "--", "centre": "-", "change": ":", "threshold": ":"}
#: Marker for flagged (special-cause) points: a diamond, different from the data's circles.
FLAG_MARKER = "D"


def draw_each_chart_once() -> bool:
    """In a Jupyter kernel, let the inline backend draw each chart once (for its PNG), not twice.

    After every cell pyplot's IPython display hook redraws each changed figure, and then the
    inline backend draws it again to make the PNG it shows (and closes the figure), so the first
    drawing is thrown away: about 0.2 s of CPU a chart, a third of what a chart costs. Unhooking
    pyplot (its public ``uninstall_repl_displayhook``) leaves the inline backend's own hook, so
    every chart is still shown, once, as before. The backend is chosen first, because pyplot hooks
    itself in again when it does that. Elsewhere (scripts, tests, other backends) nothing changes.
    True when the hook was removed.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend()
    if "backend_inline" not in backend:
        return False
    if not plt.get_fignums():  # with a figure open the backend is chosen (and switching closes it)
        plt.switch_backend(backend)
    plt.uninstall_repl_displayhook()
    return True


def set_style(context: str = "notebook") -> None:
    """Apply the workbook style: seaborn whitegrid, the colour-blind palette, no top/right spines;
    in a Jupyter kernel, each chart drawn once (``draw_each_chart_once``)."""
    draw_each_chart_once()
    sns.set_theme(
        context=context,
        style="whitegrid",
        palette=PALETTE_NAME,
        rc={
            "figure.figsize": (8, 4.5),
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        },
    )


#: Tick steps a percentage axis may use (times a power of ten): 2.5 is left out, because a 2.5%
#: step needs a decimal place (a whole-number label would read 72.5% as "73%").
PERCENT_STEPS = (1, 2, 5, 10)


def percent_axis(ax: Axes, axis: str = "y", decimals: int = 0) -> None:
    """Show proportions (0-1) on an axis as percentages (0%-100%), with ticks on a step of 1, 2
    or 5 x 10^k percent (0%, 20%, 40% ...) unless the ticks were placed by hand."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(xmax=1, decimals=decimals))
    if decimals == 0 and type(target.get_major_locator()) is AutoLocator:
        target.set_major_locator(PercentLocator())


class PercentLocator(MaxNLocator):
    """Ticks for proportions shown as whole percentages: a step of 1, 2 or 5 x 10^k percent, never
    under 1% (so every label is exact without a decimal place)."""

    def __init__(self) -> None:
        super().__init__(nbins="auto", steps=list(PERCENT_STEPS), integer=True)

    def tick_values(self, vmin, vmax):
        return np.asarray(super().tick_values(vmin * 100, vmax * 100), dtype=float) / 100


class DataSpanDateLocator(mdates.AutoDateLocator):
    """matplotlib's automatic date ticks, keeping only those inside the data's first and last
    date: no label in the chart's margin that belongs to no data (1 Jan before data from 5 Jan,
    1 Apr after data to 29 Mar). With fewer than two inside, the first and last dates."""

    def __init__(self, start: float, end: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.span = (start, end)

    def __call__(self):
        ticks = np.asarray(super().__call__(), dtype=float)
        start, end = self.span
        slack = 1e-9 * max(end - start, 1.0)
        inside = ticks[(ticks >= start - slack) & (ticks <= end + slack)]
        if len(inside) < 2:  # a short span: label its first and last date
            return np.unique([start, end])
        return inside


class DateLabels(mdates.ConciseDateFormatter):
    """Concise date labels that carry their own context, with nothing in the axis's corner: days as
    '5 Jan' (the year under the first label and wherever it changes), months as 'Mar' (the same),
    times of day as '08:00' (the day is in the chart's title)."""

    def __init__(self, locator) -> None:
        super().__init__(
            locator,
            formats=["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%S.%f"],
            zero_formats=["", "%Y", "%d %b", "%H:%M", "%H:%M", "%M:%S.%f"],
            show_offset=False,
        )

    def format_ticks(self, values):
        if len(values) == 0:
            return []
        if len(values) == 1:  # one date (one week of data by week): the whole date
            when = mdates.num2date(values[0])
            if (when.hour, when.minute) == (0, 0):
                return [f"{when.day} {when:%b}\n{when.year}"]
        # '05 Jan' -> '5 Jan' (strftime's %-d is not portable)
        labels = [re.sub(r"^0(\d )", r"\1", label) for label in super().format_ticks(values)]
        dates = [mdates.num2date(v) for v in values]
        if len({d.date() for d in dates}) <= 1:
            return labels  # times of one day: the day is in the title
        for i, when in enumerate(dates):
            if (i == 0 or when.year != dates[i - 1].year) and str(when.year) not in labels[i]:
                labels[i] = f"{labels[i]}\n{when.year}"
        return labels


def date_axis(ax: Axes, values) -> None:
    """Concise date labels on the x axis when the values are dates: ticks only within the data,
    labels that do not overlap, and no offset text in the corner (DateLabels)."""
    series = pd.Series(values)
    if not pd.api.types.is_datetime64_any_dtype(series) or series.dropna().empty:
        return
    start, end = (
        mdates.date2num(pd.Timestamp(v).to_pydatetime()) for v in (series.min(), series.max())
    )
    locator = DataSpanDateLocator(start, end)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(DateLabels(locator))


def axis_label(name: str, unit: str = "") -> str:
    """An axis label with its unit: ('handle_time_s', 's') -> 'Handle time (seconds)'."""
    text = str(name)
    if unit == "s" and text.endswith("_s"):
        text = text[:-2]
    text = text.replace("_", " ").strip()
    text = text[:1].upper() + text[1:]
    units = {"%": "%", "s": "seconds", "": ""}
    shown = units.get(unit, unit)
    return f"{text} ({shown})" if shown else text
