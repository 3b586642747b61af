"""What a reader must never see on a chart, checked on the drawn figure (issue 17).

``chart_problems(fig)`` draws the figure (without rendering pixels) and returns one sentence per
problem, an empty list for a clean chart:

- **tick steps**: on every numeric axis the labelled ticks are evenly spaced by a nice step (1, 2,
  2.5 or 5 x 10^k; on a percentage axis, of the percentage: 0%, 20%, 40% ...), sit on multiples
  of it, and each label says its tick's value (no 2.5% written as "2%");
- **legends** cover no data: the legend's box (its window extent) touches no drawn point, line,
  reference line, bar or value label of any axes;
- **control limits** lie inside the axes' limits and, on a percentage axis, inside 0-100%
  (``report.plots.control_chart`` clips them and says so);
- **date axes**: no offset text in the corner (ConciseDateFormatter's "2025-Mar"), no two tick
  labels overlapping, and no labelled date outside the span of the data drawn;
- **point labels** (annotations, ``report.point_labels``) do not overlap one another.

Charts on named categories (bars by team, a heatmap) have fixed labels and no tick step to check.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FixedFormatter, PercentFormatter
from matplotlib.transforms import Bbox

from svcworkbook.report.chart_shapes import one_line

#: A nice tick step is one of these times a power of ten.
NICE_STEPS = (1.0, 2.0, 2.5, 5.0)

#: Lines whose label contains this are control limits.
LIMIT_WORDS = "control limit"


def _title(ax: Axes) -> str:
    """How a problem names its axes: by title, else by position in the figure."""
    title = one_line(ax.get_title()) or one_line(ax.get_ylabel()) or "untitled axes"
    return f"'{title}'"


def is_nice_step(step: float) -> bool:
    """Whether a step is 1, 2, 2.5 or 5 times a power of ten."""
    if not math.isfinite(step) or step <= 0:
        return False
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mantissa, nice, rel_tol=1e-6) for nice in (*NICE_STEPS, 10.0))


def _is_date(axis: Axis) -> bool:
    """Whether an axis shows dates (its converter or formatter is matplotlib.dates')."""
    from svcworkbook.report.chart_text import _is_date_axis

    return _is_date_axis(axis)


def _has_named_ticks(axis: Axis) -> bool:
    """Categories or labels set by hand (set_xticks(positions, names)): no step to check."""
    formatter = axis.get_major_formatter()
    return (
        isinstance(formatter, FixedFormatter) or type(formatter).__name__ == "StrCategoryFormatter"
    )


def _labelled_ticks(axis: Axis) -> list[tuple[float, Text]]:
    """(location, label) of the major ticks drawn inside the axis's view with visible text."""
    low, high = sorted(axis.get_view_interval())
    span = (high - low) or 1.0
    ticks = []
    for tick in axis.get_major_ticks():
        loc = float(tick.get_loc()) if tick.get_loc() is not None else math.nan
        if not (low - 1e-9 * span <= loc <= high + 1e-9 * span):
            continue
        label = tick.label1 if tick.label1.get_visible() else tick.label2
        if label.get_visible() and label.get_text().strip():
            ticks.append((loc, label))
    return sorted(ticks, key=lambda pair: pair[0])


def _label_number(text: str) -> float | None:
    """The number a tick label shows ('1,200' -> 1200, '−20%' -> -20); None if it shows none."""
    cleaned = text.replace("\u2212", "-").replace(",", "").replace("%", "").strip()
    try:
        return float(cleaned)
    except ValueError:
        return None


def tick_problems(ax: Axes) -> list[str]:
    """Numeric axes whose labelled ticks are uneven, not a nice step, or mislabelled."""
    problems = []
    for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        if not axis.get_visible() or _has_named_ticks(axis) or _is_date(axis):
            continue
        if axis.get_scale() != "linear":
            continue
        ticks = _labelled_ticks(axis)
        if len(ticks) < 2:
            continue
        formatter = axis.get_major_formatter()
        scale = 100 / formatter.xmax if isinstance(formatter, PercentFormatter) else 1.0
        values = np.array([loc for loc, _ in ticks]) * scale
        steps = np.diff(values)
        step = float(np.median(steps))
        where = f"{_title(ax)} {name} axis"
        if not np.allclose(steps, step, rtol=1e-6, atol=1e-9 * max(1.0, abs(step))):
            problems.append(f"{where}: uneven tick steps {sorted(set(np.round(steps, 9)))}")
            continue
        if not is_nice_step(step):
            problems.append(f"{where}: tick step {step:g} is not 1, 2, 2.5 or 5 x 10^k")
        offset = values / step - np.round(values / step)
        if np.any(np.abs(offset) > 1e-6):
            problems.append(f"{where}: ticks {values.tolist()} are not multiples of {step:g}")
        if axis.get_offset_text().get_text().strip():
            continue  # labels shown against an offset or a multiplier: read as the axis says
        for value, (_, label) in zip(values, ticks, strict=True):
            shown = _label_number(label.get_text())
            if shown is not None and not math.isclose(shown, value, abs_tol=1e-6 * step):
                problems.append(f"{where}: the tick at {value:g} is labelled '{label.get_text()}'")
    return problems


def _display_points(artist, xy) -> np.ndarray:
    """Points in display coordinates (n x 2), finite ones only."""
    points = np.asarray(xy, dtype=float).reshape(-1, 2)
    points = points[np.isfinite(points).all(axis=1)]
    return artist.get_transform().transform(points) if len(points) else points


def _line_touches(line: Line2D, box: Bbox, dpi: float) -> bool:
    """Whether a drawn line (its segments or markers) touches a box in display coordinates."""
    if not line.get_visible():
        return False
    path = line.get_transform().transform_path(line.get_path())
    if line.get_linestyle() not in ("None", "", " ", "none") and len(path.vertices) > 1:
        if path.intersects_bbox(box, filled=False):  # the box counts as filled: inside too
            return True
    if line.get_marker() not in (None, "None", "", " ", "none"):
        radius = line.get_markersize() * dpi / 72 / 2
        return any_inside(path.vertices, box.padded(radius))
    return False


def any_inside(points: np.ndarray, box: Bbox) -> bool:
    """Whether any finite point (n x 2, display coordinates) lies in the box, edges included
    (Bbox.contains for every point at once)."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    (x0, x1), (y0, y1) = sorted(box.intervalx), sorted(box.intervaly)
    xs, ys = points[:, 0], points[:, 1]
    return bool(np.any((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)))


def _collection_touches(collection: PathCollection, box: Bbox, dpi: float) -> bool:
    """Whether any scatter point (with its marker size) touches the box."""
    offsets = np.asarray(collection.get_offsets(), dtype=float).reshape(-1, 2)
    if not collection.get_visible() or not len(offsets):
        return False
    points = collection.get_offset_transform().transform(offsets)
    sizes = collection.get_sizes()
    radius = math.sqrt(float(np.max(sizes)) if len(sizes) else 36.0) * dpi / 72 / 2
    return any_inside(points, box.padded(radius))


def _drawn_artists(ax: Axes):
    """(description, artist) of what carries data on the axes: lines, points, bars, text."""
    for line in ax.get_lines():
        yield f"line '{one_line(line.get_label())}'", line
    for collection in ax.collections:
        if isinstance(collection, PathCollection):
            yield f"points '{one_line(collection.get_label())}'", collection
    for patch in ax.patches:
        if isinstance(patch, Rectangle) and patch.get_visible():
            yield "a bar", patch
    for text in ax.texts:
        if text.get_visible() and text.get_text().strip():
            yield f"the label '{one_line(text.get_text())}'", text


def legend_covers(legend, fig: Figure, renderer) -> list[str]:
    """What drawn data a legend's box covers, in words ('line 'Target (80%)' of 'Title''); [] when
    it covers nothing. Lines, points and bars are clipped to their axes, so only the part of the
    box inside an axes can cover them; labels (text) are not clipped."""
    box = legend.get_window_extent(renderer).padded(-1)
    covered = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        ax.get_xlim(), ax.get_ylim()  # autoscaling is lazy: bring the data transform up to date
        visible = Bbox.intersection(box, ax.bbox)
        inside = visible is not None and visible.width > 0 and visible.height > 0
        for what, artist in _drawn_artists(ax):
            clipped = artist.get_clip_on() and not isinstance(artist, Text)
            if clipped and not inside:
                continue
            if _touches(artist, visible if clipped else box, renderer, fig.dpi):
                covered.append(f"{what} of {_title(ax)}")
    return covered


def legend_problems(fig: Figure, renderer) -> list[str]:
    """Legends whose box covers a drawn point, line, bar or label of any axes in the figure."""
    legends = [(_title(ax), ax.get_legend()) for ax in fig.axes if ax.get_legend() is not None]
    legends += [("the figure", legend) for legend in fig.legends]
    problems = []
    for where, legend in legends:
        if legend.get_visible():
            problems += [
                f"{where}: the legend covers {what}"
                for what in legend_covers(legend, fig, renderer)
            ]
    return problems


def _touches(artist, box: Bbox, renderer, dpi: float) -> bool:
    """Whether one drawn artist touches a box (display coordinates)."""
    if isinstance(artist, Line2D):
        return _line_touches(artist, box, dpi)
    if isinstance(artist, PathCollection):
        return _collection_touches(artist, box, dpi)
    extent = artist.get_window_extent(renderer)
    return extent.width > 0 and extent.height > 0 and extent.overlaps(box)


def limit_problems(ax: Axes) -> list[str]:
    """Control limits drawn outside the axes' limits, or outside 0-100% on a percentage axis."""
    problems = []
    low, high = sorted(ax.get_ylim())
    percent = isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
    for line in ax.get_lines():
        label = one_line(line.get_label())
        if LIMIT_WORDS not in label.lower():
            continue
        ys = np.asarray(line.get_ydata(), dtype=float)
        ys = ys[np.isfinite(ys)]
        if not ys.size:
            continue
        if ys.min() < low - 1e-12 or ys.max() > high + 1e-12:
            problems.append(
                f"{_title(ax)}: '{label}' runs from {ys.min():g} to {ys.max():g}, outside the "
                f"axes' {low:g} to {high:g}"
            )
        if percent and (ys.min() < -1e-12 or ys.max() > 1 + 1e-12):
            problems.append(f"{_title(ax)}: '{label}' goes outside 0-100% without being clipped")
    return problems


def _data_span(ax: Axes) -> tuple[float, float] | None:
    """The smallest and largest x of the data drawn on the axes (display-independent units)."""
    xs = []
    for line in ax.get_lines():
        if line.get_transform() == ax.transData:
            xs.append(np.asarray(ax.xaxis.convert_units(line.get_xdata()), dtype=float))
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and len(collection.get_offsets()):
            xs.append(np.asarray(collection.get_offsets(), dtype=float)[:, 0])
    for patch in ax.patches:
        if isinstance(patch, Rectangle):
            xs.append(np.array([patch.get_x(), patch.get_x() + patch.get_width()], dtype=float))
    values = np.concatenate(xs) if xs else np.array([])
    values = values[np.isfinite(values)]
    return (float(values.min()), float(values.max())) if values.size else None


def date_problems(ax: Axes, renderer) -> list[str]:
    """Date axes with an offset label in the corner, overlapping labels, or labels off the data."""
    axis = ax.xaxis
    if not axis.get_visible() or not _is_date(axis):
        return []
    problems = []
    corner = axis.get_offset_text()
    if corner.get_visible() and corner.get_text().strip():
        problems.append(f"{_title(ax)}: a stray date label '{corner.get_text()}' in the corner")
    ticks = _labelled_ticks(axis)
    boxes = [label.get_window_extent(renderer) for _, label in ticks]
    for (_, first), (_, second), a, b in zip(ticks, ticks[1:], boxes, boxes[1:], strict=False):
        if a.padded(-0.5).overlaps(b.padded(-0.5)):
            problems.append(
                f"{_title(ax)}: date labels '{one_line(first.get_text())}' and "
                f"'{one_line(second.get_text())}' overlap"
            )
    span = _data_span(ax)
    if span is not None and ticks:
        start, end = span
        slack = 0.005 * max(end - start, 1.0)  # half a percent of the span: rounding, not a day
        for loc, label in ticks:
            if loc < start - slack or loc > end + slack:
                problems.append(
                    f"{_title(ax)}: the date label '{one_line(label.get_text())}' is beyond "
                    "the data"
                )
    return problems


def renderer_of(fig: Figure):
    """A renderer for measuring the figure: its canvas's (Agg, the inline backend), else an Agg
    canvas's (a closed figure's canvas cannot draw)."""
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def label_problems(ax: Axes, renderer) -> list[str]:
    """Point labels (annotations) whose boxes overlap each other, so one hides the other."""
    labels = [t for t in ax.texts if isinstance(t, Annotation) and t.get_visible() and t.get_text()]
    boxes = [label.get_window_extent(renderer).padded(-0.5) for label in labels]
    return [
        f"{_title(ax)}: the labels '{one_line(labels[i].get_text())}' and "
        f"'{one_line(labels[j].get_text())}' overlap"
        for i in range(len(labels))
        for j in range(i + 1, len(labels))
        if boxes[i].overlaps(boxes[j])
    ]


def chart_problems(fig: Figure) -> list[str]:
    """Every layout problem of a figure (see the module), as sentences; [] for a clean chart."""
    renderer = renderer_of(fig)
    fig.draw_without_rendering()
    problems = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        problems += tick_problems(ax)
        problems += limit_problems(ax)
        problems += date_problems(ax, renderer)
        problems += label_problems(ax, renderer)
    problems += legend_problems(fig, renderer)
    return problems
