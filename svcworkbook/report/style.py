"""One chart style for the whole workbook: a colour-blind-safe palette, readable text, and a fixed
colour (plus a line style or marker shape, so colour is never the only cue) for each role."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

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


def percent_axis(ax: Axes, axis: str = "y", decimals: int = 0) -> None:
    """Show proportions (0-1) on an axis as percentages (0%-100%)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(xmax=1, decimals=decimals))


def date_axis(ax: Axes, values) -> None:
    """Concise date labels on the x axis when the values are dates (no overlapping labels)."""
    if pd.api.types.is_datetime64_any_dtype(pd.Series(values)):
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


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
