"""Chart shapes that need more than bars and lines to describe (used by report.chart_text).

- names from the legend for series drawn without a label (seaborn's hue lines, proxy keys):
  the legend entry of the same colour;
- labelled points (``ax.annotate`` next to a scatter point): each point named;
- row charts (named rows on the y axis, points along x: baseline, result, target per
  objective): each row with its points, by their legend names;
- heatmaps (``imshow`` with the values written in the cells): the grid read back as a table.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Annotation
from matplotlib.ticker import FixedLocator


def one_line(text) -> str:
    """Text on one line (tick labels often break: 'neutral (3)\\n255 customers')."""
    return " ".join(str(text).split())


def _handle_colours(handle) -> list[tuple]:
    """The colours a legend key shows (its marker face, its line, its patch), as RGBA."""
    colours = []
    if isinstance(handle, Line2D):
        face = handle.get_markerfacecolor()
        if handle.get_marker() not in (None, "", "None") and face not in ("none", "None"):
            colours.append(to_rgba(face))
        colours.append(to_rgba(handle.get_color()))
    elif isinstance(handle, Patch):
        colours.append(to_rgba(handle.get_facecolor()))
    elif isinstance(handle, PathCollection) and len(handle.get_facecolor()):
        colours.append(tuple(handle.get_facecolor()[0]))
    return colours


def legend_entries(ax: Axes) -> list[tuple[tuple, str]]:
    """(colour, label) for every key of the axes' legend."""
    legend = ax.get_legend()
    if legend is None:
        return []
    handles = getattr(legend, "legend_handles", None) or getattr(legend, "legendHandles", [])
    entries = []
    for handle, text in zip(handles, legend.get_texts(), strict=False):
        for colour in _handle_colours(handle):
            entries.append((colour, one_line(text.get_text())))
    return entries


def name_by_colour(ax: Axes, colour) -> str:
    """The legend label drawn in this colour ('' when none matches)."""
    if colour is None:
        return ""
    wanted = np.asarray(to_rgba(colour))
    for key, label in legend_entries(ax):
        if np.allclose(np.asarray(key)[:3], wanted[:3], atol=2e-3):
            return label
    return ""


def scatter_colour(collection: PathCollection):
    """A scatter's first face colour (its edge colour when the face is white or empty)."""
    faces = collection.get_facecolor()
    if len(faces) and faces[0][3] > 0:
        return tuple(faces[0])
    edges = collection.get_edgecolor()
    return tuple(edges[0]) if len(edges) else None


def point_labels(ax: Axes) -> dict[tuple[float, float], str]:
    """Text written next to points with ax.annotate, by the point it names."""
    labels = {}
    for text in ax.texts:
        if isinstance(text, Annotation) and text.get_text().strip():
            x, y = text.xy
            try:
                labels[(round(float(x), 9), round(float(y), 9))] = one_line(text.get_text())
            except (TypeError, ValueError):  # an annotation placed on dates or categories
                continue
    return labels


def named_rows(axis) -> list[tuple[float, str]]:
    """(position, label) of an axis's named ticks (set with set_yticks(positions, labels))."""
    if not isinstance(axis.get_major_locator(), FixedLocator):
        return []
    pairs = [
        (float(loc), one_line(label.get_text()))
        for loc, label in zip(axis.get_ticklocs(), axis.get_ticklabels(), strict=False)
    ]
    return [(loc, text) for loc, text in pairs if text]


def nearest_row(rows: list[tuple[float, str]], y: float) -> str | None:
    """The named row a y position belongs to (within half the rows' spacing)."""
    if not rows:
        return None
    locs = sorted(loc for loc, _ in rows)
    spacing = min((b - a for a, b in zip(locs, locs[1:], strict=False)), default=1.0)
    loc, name = min(rows, key=lambda pair: abs(pair[0] - y))
    return name if abs(loc - y) <= spacing / 2 + 1e-9 else None


def row_points(ax: Axes, fmt) -> tuple[list[str], list[list[str]]] | None:
    """A row chart read as a table: one row per named y tick, one column per kind of point
    (named from the legend by colour); None when the axes are not a row chart."""
    rows = named_rows(ax.yaxis)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    if not rows or not scatters:
        return None
    kinds: list[str] = []
    cells: dict[str, dict[str, str]] = {name: {} for _, name in rows}
    for n, collection in enumerate(scatters):
        label = one_line(collection.get_label())
        kind = (
            label
            if label and not label.startswith("_")
            else name_by_colour(ax, scatter_colour(collection)) or f"Point {n + 1}"
        )
        for x, y in np.asarray(collection.get_offsets(), dtype=float).reshape(-1, 2):
            row = nearest_row(rows, y)
            if row is None:
                continue
            if kind not in kinds:
                kinds.append(kind)
            cells[row][kind] = fmt(x)
    if not kinds:
        return None
    order = [name for _, name in sorted(rows, key=lambda pair: -pair[0])]  # top row first
    table = [[name, *(cells[name].get(k, "") for k in kinds)] for name in order]
    return kinds, table


def heatmap_grid(ax: Axes) -> tuple[list[str], list[list[str]]] | None:
    """A heatmap whose cells carry their values as text: (column names, rows), top row first;
    None when the axes hold no image with text in its cells."""
    if not ax.images:
        return None
    columns = named_rows(ax.xaxis)
    rows = named_rows(ax.yaxis)
    if not columns or not rows:
        return None
    grid: dict[tuple[str, str], str] = {}
    for text in ax.texts:
        x, y = text.get_position()
        column, row = nearest_row(columns, float(x)), nearest_row(rows, float(y))
        if column is not None and row is not None and text.get_text().strip():
            grid[(row, column)] = one_line(text.get_text())
    if not grid:
        return None
    names = [name for _, name in sorted(columns)]
    table = [[r, *(grid.get((r, c), "") for c in names)] for _, r in sorted(rows)]
    return names, table
