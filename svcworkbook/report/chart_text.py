"""What a chart shows, in words and as a table, read from the data drawn on it.

Every chart in the workbook is a matplotlib figure. ``describe_figure`` reads what was actually
plotted (the bars' heights, the lines' points, the scatter's points, the reference lines) with
the axes' own labels and formats, and writes:

- a text alternative for screen readers: what the chart shows, its key values, and the largest
  item (bars) or the trend (lines), e.g. "Bar chart of complaints by root cause: Billing error 72
  of 223 (32%), ...";
- the numbers as a table (column names and rows of text), shown behind a "data" toggle.

Reading the drawn artists (rather than asking each chart function for its own text) means every
chart, including the units' own, is described from the same numbers the reader sees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.category import StrCategoryLocator
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, PercentFormatter

from svcworkbook.report import chart_shapes

#: At most this many items are named in a text alternative (the table holds them all).
MAX_NAMED = 6

#: At most this many rows go into a chart's data table.
MAX_ROWS = 400


@dataclass
class DataTable:
    """The numbers behind one panel of a chart: a caption, column names and rows of text."""

    caption: str
    columns: list[str]
    rows: list[list[str]]

    def to_dict(self) -> dict:
        """The table as JSON-ready values."""
        return {"caption": self.caption, "columns": self.columns, "rows": self.rows}


@dataclass
class ChartText:
    """A chart's text alternative and the numbers behind it (one table per panel)."""

    alt: str
    tables: list[DataTable] = field(default_factory=list)

    def to_metadata(self) -> dict:
        """The description as image output metadata: ``alt`` and ``data`` (the tables)."""
        return {"alt": self.alt, "data": [t.to_dict() for t in self.tables]}


def _percent(formatter) -> bool:
    """Whether an axis shows proportions as percentages (style.percent_axis)."""
    return isinstance(formatter, PercentFormatter)


def format_number(value: float, percent: bool = False) -> str:
    """A value as a reader sees it: 0.734 -> '73.4%' on a percent axis; 1234.0 -> '1,234';
    12.345 -> '12.3'; 0.0456 -> '0.046' (three significant figures below 10)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no value"
    value = float(value)
    if percent:
        return f"{value * 100:.1f}%".replace(".0%", "%")
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def _is_date_axis(axis) -> bool:
    """Whether an axis shows dates (a date formatter or converter: values are day numbers)."""
    formatter = axis.get_major_formatter()
    if isinstance(
        formatter, mdates.DateFormatter | mdates.ConciseDateFormatter | mdates.AutoDateFormatter
    ):
        return True
    converter = axis.get_converter() if hasattr(axis, "get_converter") else axis.converter
    return isinstance(
        converter,
        mdates.DateConverter | mdates.ConciseDateConverter | mdates._SwitchableDateConverter,
    )


def _x_reader(ax: Axes):
    """How x values on these axes are written: day numbers on a date axis as dates."""
    dates = _is_date_axis(ax.xaxis)

    def read(value) -> str:
        if dates and isinstance(value, int | float | np.integer | np.floating):
            return _format_x(mdates.num2date(float(value)).replace(tzinfo=None))
        return _format_x(value)

    return read


def _format_x(value) -> str:
    """An x value as text: dates as '3 Mar 2025', numbers as format_number, the rest as given."""
    if isinstance(value, np.datetime64):
        value = value.astype("datetime64[ms]").astype(datetime)
    if isinstance(value, datetime):
        if (value.hour, value.minute) != (0, 0):
            return f"{value.day} {value:%b %Y %H:%M}"
        return f"{value.day} {value:%b %Y}"
    if isinstance(value, date):
        return f"{value.day} {value:%b %Y}"
    if hasattr(value, "to_pydatetime"):
        return _format_x(value.to_pydatetime())
    if isinstance(value, int | float | np.integer | np.floating):
        return format_number(float(value))
    return str(value)


def _clean_label(text: str) -> str:
    """An axis or legend label without matplotlib's hidden-label marker."""
    text = str(text or "").strip()
    return "" if text.startswith("_") else text


def _named(parts: list[str], more_word: str = "more") -> str:
    """The first MAX_NAMED parts joined by commas, then 'and N more'."""
    shown = parts[:MAX_NAMED]
    rest = len(parts) - len(shown)
    text = "; ".join(shown)
    return f"{text}; and {rest} {more_word}" if rest > 0 else text


# --- bars -------------------------------------------------------------------------------------


@dataclass
class _Bars:
    """One set of bars: its label, categories, values and orientation."""

    label: str
    categories: list[str]
    values: list[float]
    horizontal: bool


def _bar_categories(ax: Axes, centres: list[float], horizontal: bool) -> list[str]:
    """The tick label nearest each bar centre (grouped bars sit either side of their tick) on an
    axis of named ticks; the bar's position on a numeric axis (or with no tick near it)."""
    axis = ax.yaxis if horizontal else ax.xaxis
    if not isinstance(axis.get_major_locator(), FixedLocator | StrCategoryLocator):
        return [format_number(c) for c in centres]  # numbers on the axis: the bar's own position
    locs = [float(t) for t in axis.get_ticklocs()]
    labels = [chart_shapes.one_line(lab.get_text()) for lab in axis.get_ticklabels()]
    spacing = min((b - a for a, b in zip(sorted(locs), sorted(locs)[1:], strict=False)), default=1)
    names = []
    for centre in centres:
        text = ""
        if locs:
            nearest = min(range(len(locs)), key=lambda i: abs(locs[i] - centre))
            if abs(locs[nearest] - centre) <= spacing / 2 + 1e-9 and nearest < len(labels):
                text = labels[nearest]
        names.append(text or format_number(centre))
    return names


def _bars(ax: Axes) -> list[_Bars]:
    """Every set of bars drawn on the axes (ax.bar / ax.barh / seaborn barplot)."""
    found = []
    for container in ax.containers:
        if not isinstance(container, BarContainer) or not len(container.patches):
            continue
        horizontal = getattr(container, "orientation", None) == "horizontal"
        centres, values = [], []
        for patch in container.patches:
            if horizontal:
                centres.append(patch.get_y() + patch.get_height() / 2)
                values.append(float(patch.get_width()))
            else:
                centres.append(patch.get_x() + patch.get_width() / 2)
                values.append(float(patch.get_height()))
        categories = _bar_categories(ax, centres, horizontal)
        found.append(_Bars(_clean_label(container.get_label()), categories, values, horizontal))
    return found


def _describe_bars(bars: _Bars, percent: bool) -> str:
    """Each bar's value (with its share of the total for counts); the largest and smallest."""
    values = [v for v in bars.values if not math.isnan(v)]
    counts = not percent and all(v >= 0 and abs(v - round(v)) < 1e-9 for v in values)
    total = sum(values)
    parts = []
    for name, value in zip(bars.categories, bars.values, strict=True):
        text = f"{name}: {format_number(value, percent)}"
        if counts and total > 0 and len(values) > 1:
            text = f"{name}: {format_number(value)} of {format_number(total)} ({value / total:.0%})"
        parts.append(text)
    sentence = _named(parts)
    if len(values) > 1:
        largest = int(np.nanargmax(bars.values))
        smallest = int(np.nanargmin(bars.values))
        sentence += (
            f". Largest: {bars.categories[largest]} "
            f"({format_number(bars.values[largest], percent)}); smallest: "
            f"{bars.categories[smallest]} ({format_number(bars.values[smallest], percent)})"
        )
    if bars.label:
        sentence = f"{bars.label}: {sentence}"
    return sentence


def _grouped(sets: list[_Bars]) -> bool:
    """Whether several sets of bars share their categories (bars grouped by category)."""
    return len(sets) > 1 and all(s.categories == sets[0].categories for s in sets)


def _describe_groups(sets: list[_Bars], percent: bool) -> str:
    """Grouped bars: each category with every group's value, then the highest bar."""
    parts = []
    for i, category in enumerate(sets[0].categories):
        values = ", ".join(
            f"{s.label or f'set {n + 1}'} {format_number(s.values[i], percent)}"
            for n, s in enumerate(sets)
        )
        parts.append(f"{category}: {values}")
    best = max(
        ((s, i) for s in sets for i in range(len(s.values)) if not math.isnan(s.values[i])),
        key=lambda pair: pair[0].values[pair[1]],
        default=None,
    )
    text = _named(parts, "more categories")
    if best is not None:
        s, i = best
        text += (
            f". Highest: {s.label or 'a set'} for {s.categories[i]} "
            f"({format_number(s.values[i], percent)})"
        )
    return text


# --- lines ------------------------------------------------------------------------------------


def _is_reference(ax: Axes, line: Line2D) -> bool:
    """Whether a line is a reference (axhline/axvline: drawn partly in axes coordinates)."""
    return line.get_transform() != ax.transData


def _data_lines(ax: Axes) -> list[Line2D]:
    """Lines that carry data (not reference lines, not empty)."""
    return [
        line
        for line in ax.get_lines()
        if not _is_reference(ax, line) and len(np.atleast_1d(line.get_xdata(orig=True))) > 0
    ]


def _xs(line: Line2D) -> list:
    """A line's x values as drawn (dates stay dates, categories stay text)."""
    return list(np.atleast_1d(line.get_xdata(orig=True)))


def _ys(line: Line2D) -> np.ndarray:
    """A line's y values as floats."""
    return np.asarray(np.atleast_1d(line.get_ydata(orig=False)), dtype=float)


def trend_word(values: np.ndarray) -> str:
    """'rising', 'falling' or 'level': the least-squares slope over the series, times its length,
    compared with 5% of the series' range (a change smaller than that is called level)."""
    ys = values[~np.isnan(values)]
    if ys.size < 3:
        return "level"
    xs = np.arange(ys.size, dtype=float)
    slope = np.polyfit(xs, ys, 1)[0]
    spread = float(np.ptp(ys))
    if spread == 0 or abs(slope * (ys.size - 1)) < 0.05 * spread:
        return "level"
    return "rising" if slope > 0 else "falling"


def _describe_line(line: Line2D, percent: bool, name: str, fx=None) -> str:
    """A line's points: how many, first and last, highest and lowest, and its trend."""
    fx = fx or _format_x
    xs, ys = _xs(line), _ys(line)
    keep = ~np.isnan(ys)
    if not keep.any():
        return f"{name}: no values"
    xs = [x for x, k in zip(xs, keep, strict=False) if k]
    ys = ys[keep]
    if ys.size == 1:
        return f"{name}: {format_number(ys[0], percent)} at {fx(xs[0])}"
    if np.all(ys == ys[0]):
        return (
            f"{name}: {format_number(ys[0], percent)} throughout, from {fx(xs[0])} to {fx(xs[-1])}"
        )
    high, low = int(np.argmax(ys)), int(np.argmin(ys))

    def fmt(v: float) -> str:
        return format_number(v, percent)

    text = (
        f"{name}: {ys.size} points from {fx(xs[0])} ({fmt(ys[0])}) to {fx(xs[-1])} "
        f"({fmt(ys[-1])}); highest {fmt(ys[high])} at {fx(xs[high])}, lowest {fmt(ys[low])} "
        f"at {fx(xs[low])}"
    )
    if ys.size >= 3:
        text += f"; {trend_word(ys)} overall"
    return text


def _describe_reference(line: Line2D, y_percent: bool, x_percent: bool, fx) -> str:
    """A reference line: its label and value (horizontal: its y value; vertical: its x value)."""
    label = _clean_label(line.get_label()) or "Reference line"
    xs, ys = _xs(line), _ys(line)
    horizontal = ys.size and np.all(ys == ys[0]) and len({str(x) for x in xs}) > 1
    if horizontal:
        return f"{label} at {format_number(ys[0], y_percent)}"
    if xs:
        value = xs[0]
        if x_percent and isinstance(value, int | float | np.floating | np.integer):
            return f"{label} at {format_number(float(value), True)}"
        return f"{label} at {fx(value)}"
    return label


def _scatter_points(ax: Axes) -> list[tuple[str, np.ndarray]]:
    """Scatter collections (name, n x 2 offsets) drawn on the axes; an unlabelled one is named
    by the legend key of its colour."""
    found = []
    for collection in ax.collections:
        if isinstance(collection, PathCollection):
            offsets = np.asarray(collection.get_offsets(), dtype=float)
            if offsets.size:
                name = _clean_label(collection.get_label()) or chart_shapes.name_by_colour(
                    ax, chart_shapes.scatter_colour(collection)
                )
                found.append((name, offsets.reshape(-1, 2)))
    return found


def _describe_scatter(
    name: str, points: np.ndarray, x_percent: bool, y_percent: bool, labels=None
) -> str:
    """A scatter: up to MAX_NAMED * 2 points each named (by its annotation) with x and y;
    more: how many, the ranges, and the correlation (Pearson r)."""
    xs, ys = points[:, 0], points[:, 1]
    labels = labels or {}
    if len(xs) <= 2 * MAX_NAMED:
        each = []
        for x, y in points:
            label = labels.get((round(float(x), 9), round(float(y), 9)), "")
            where = f"x {format_number(x, x_percent)}, y {format_number(y, y_percent)}"
            each.append(f"{label} ({where})" if label else where)
        count = "1 point" if len(xs) == 1 else f"{len(xs)} points"
        return f"{name or 'Points'}: {count}: " + "; ".join(each)
    text = (
        f"{name or 'Points'}: {len(xs)} points, x from {format_number(xs.min(), x_percent)} to "
        f"{format_number(xs.max(), x_percent)}, y from {format_number(ys.min(), y_percent)} to "
        f"{format_number(ys.max(), y_percent)}"
    )
    if len(xs) >= 3 and np.ptp(xs) > 0 and np.ptp(ys) > 0:
        r = float(np.corrcoef(xs, ys)[0, 1])
        text += f"; correlation r = {r:.2f}"
    return text


def _describe_grid(columns: list[str], rows: list[list[str]]) -> str:
    """A row-by-row reading of a table chart: 'row: column value, column value'."""
    parts = [
        f"{row[0]}: " + ", ".join(f"{c} {v}" for c, v in zip(columns, row[1:], strict=False) if v)
        for row in rows
    ]
    return _named(parts, "more rows")


# --- whole axes and figures -------------------------------------------------------------------


def _kind(ax: Axes, twins: list[Axes] = ()) -> str:
    """'Bar chart', 'Bar and line chart', 'Line chart', 'Scatter chart' or 'Chart' from what is
    drawn on the axes and any twin sharing its x axis."""
    lines = any(_data_lines(a) for a in (ax, *twins))
    if _bars(ax):
        return "Bar and line chart" if lines else "Bar chart"
    if lines:
        return "Line chart"
    if _scatter_points(ax):
        return "Scatter chart"
    return "Chart"


def _title(ax: Axes) -> str:
    """The axes' title (any of left, centre, right)."""
    return " ".join(ax.get_title(loc) for loc in ("left", "center", "right") if ax.get_title(loc))


def describe_axes(ax: Axes, twins: list[Axes] = ()) -> tuple[str, list[str], list[list[str]]]:
    """One axes (with any twin sharing its x axis): sentence, table columns, table rows."""
    x_percent = _percent(ax.xaxis.get_major_formatter())
    y_percent = _percent(ax.yaxis.get_major_formatter())
    title = _title(ax) or next((_title(t) for t in twins if _title(t)), "")
    xlabel, ylabel = _clean_label(ax.get_xlabel()), _clean_label(ax.get_ylabel())
    kind = _kind(ax, twins)
    head = f"{kind} of {title}" if title else kind
    axes_label = f" ({ylabel} against {xlabel})" if xlabel and ylabel else ""
    fx = _x_reader(ax)
    special = _special(ax, title, x_percent, y_percent, xlabel, ylabel, fx)
    if special is not None:
        return special
    parts, columns, rows = [], [], []
    sets = _bars(ax)
    if _grouped(sets):
        percent = x_percent if sets[0].horizontal else y_percent
        parts.append(_describe_groups(sets, percent))
        category_name = (ylabel if sets[0].horizontal else xlabel) or "Category"
        columns = [category_name, *(s.label or f"Set {n + 1}" for n, s in enumerate(sets))]
        rows = [
            [c, *(format_number(s.values[i], percent) for s in sets)]
            for i, c in enumerate(sets[0].categories)
        ]
        sets = []
    for bars in sets:
        percent = x_percent if bars.horizontal else y_percent
        parts.append(_describe_bars(bars, percent))
        value_name = bars.label or ((xlabel if bars.horizontal else ylabel) or "Value")
        category_name = (ylabel if bars.horizontal else xlabel) or "Category"
        columns, rows = (
            [category_name, value_name],
            [
                [c, format_number(v, percent)]
                for c, v in zip(bars.categories, bars.values, strict=True)
            ],
        )
    series: list[tuple[str, Line2D, bool]] = []
    for axes in (ax, *twins):
        percent = _percent(axes.yaxis.get_major_formatter())
        label = _clean_label(axes.get_ylabel()) or "Value"
        for i, line in enumerate(_data_lines(axes)):
            name = (
                _clean_label(line.get_label())
                or chart_shapes.name_by_colour(axes, line.get_color())
                or (label if i == 0 else f"{label} {i + 1}")
            )
            series.append((name, line, percent))
    for name, line, percent in series:
        parts.append(_describe_line(line, percent, name, fx))
    if series:
        line_columns, line_rows = _line_table(series, xlabel or "x", fx)
        if columns:  # bars and lines share the x categories (a Pareto chart)
            columns, rows = _join_tables(columns, rows, line_columns, line_rows)
        else:
            columns, rows = line_columns, line_rows
    labels = chart_shapes.point_labels(ax)
    for name, points in _scatter_points(ax):
        parts.append(_describe_scatter(name, points, x_percent, y_percent, labels))
        if not columns:
            columns = [xlabel or "x", ylabel or "y"]
            rows = [[format_number(x, x_percent), format_number(y, y_percent)] for x, y in points]
    parts += _references(ax, twins, x_percent, fx)
    if not parts:
        parts.append("nothing is plotted")
    return f"{head}{axes_label}: " + ". ".join(parts) + ".", columns, rows[:MAX_ROWS]


def _references(ax: Axes, twins, x_percent: bool, fx) -> list[str]:
    """The reference lines (targets, limits, change dates) of the axes and their twins."""
    found = []
    for axes in (ax, *twins):
        y_pc = _percent(axes.yaxis.get_major_formatter())
        for line in axes.get_lines():
            if _is_reference(axes, line):
                found.append(_describe_reference(line, y_pc, x_percent, fx))
    return found


def _special(ax: Axes, title: str, x_percent: bool, y_percent: bool, xlabel, ylabel, fx):
    """A heatmap or a row chart (chart_shapes) as (sentence, columns, rows); None otherwise."""
    heat = chart_shapes.heatmap_grid(ax)
    if heat is not None:
        names, table = heat
        columns = [ylabel or "Row", *names]
        head = f"Heatmap of {title}" if title else "Heatmap"
        return f"{head}: " + _describe_grid(names, table) + ".", columns, table[:MAX_ROWS]
    if _bars(ax):
        return None
    dots = chart_shapes.row_points(ax, lambda x: format_number(x, x_percent))
    if dots is None:
        return None
    kinds, table = dots
    head = f"Dot chart of {title}" if title else "Dot chart"
    label = f" ({xlabel})" if xlabel else ""
    parts = [_describe_grid(kinds, table), *_references(ax, [], x_percent, fx)]
    return f"{head}{label}: " + ". ".join(parts) + ".", [ylabel or "Row", *kinds], table


def _line_table(series, x_name: str, fx) -> tuple[list[str], list[list[str]]]:
    """A table with one row per x value and one column per line (blank where a line has none)."""
    order: list[str] = []
    values: dict[str, dict[str, str]] = {}
    for name, line, percent in series:
        for x, y in zip(_xs(line), _ys(line), strict=False):
            key = fx(x)
            if key not in values:
                values[key] = {}
                order.append(key)
            values[key][name] = format_number(y, percent)
    names = list(dict.fromkeys(name for name, _, _ in series))
    rows = [[key, *(values[key].get(n, "") for n in names)] for key in order]
    return [x_name, *names], rows


def _join_tables(left_cols, left_rows, right_cols, right_rows):
    """Join two tables on their first column (the categories), keeping the left's order."""
    right = {row[0]: row[1:] for row in right_rows}
    blank = [""] * (len(right_cols) - 1)
    rows = [[*row, *right.get(row[0], blank)] for row in left_rows]
    return [*left_cols, *right_cols[1:]], rows


def _twins(fig: Figure, ax: Axes) -> list[Axes]:
    """Axes that share ax's x axis and sit on top of it (ax.twinx())."""
    siblings = ax.get_shared_x_axes().get_siblings(ax)
    return [
        other
        for other in fig.axes
        if other is not ax and other in siblings and other.bbox.bounds == ax.bbox.bounds
    ]


def describe_figure(fig: Figure) -> ChartText:
    """A figure's text alternative (every panel described in turn) and one table per panel."""
    described: list[Axes] = []
    sentences, tables = [], []
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    for ax in fig.axes:
        if not ax.get_visible() or any(ax in _twins(fig, d) for d in described):
            continue
        twins = _twins(fig, ax)
        sentence, columns, rows = describe_axes(ax, twins)
        described.append(ax)
        sentences.append(sentence)
        if columns:
            width = len(columns)
            rows = [r + [""] * (width - len(r)) if len(r) < width else r[:width] for r in rows]
            caption = _title(ax) or suptitle or f"Panel {len(described)}"
            tables.append(DataTable(caption, columns, rows[:MAX_ROWS]))
    alt = " ".join(sentences) or "An empty chart."
    if suptitle:
        alt = f"{suptitle}. {alt}"
    return ChartText(alt, tables)
