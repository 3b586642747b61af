"""Labels beside the points of a scatter chart, placed so that no two labels overlap.

``label_points(ax, xs, ys, texts)`` puts each label to the right of and above its point, as a
chart reader expects; when that box would overlap a label already placed or another point, it
tries right and below, left and above, left and below, above, then below, and keeps the first
free place (the first place when none is free: ``chart_checks.label_problems`` then says so).
Call it once the points are drawn and the axes' limits are set, because the places are measured
on the drawn figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Annotation

from svcworkbook.report.chart_checks import any_inside, renderer_of

#: Where a label may go, in order: (offset in points from the point, horizontal alignment).
PLACES = (
    ((5, 4), "left"), ((5, -11), "left"), ((-5, 4), "right"), ((-5, -11), "right"),
    ((0, 9), "center"), ((0, -16), "center"),
)  # fmt: skip


def _label(ax: Axes, text: str, point: tuple[float, float], place, fontsize: float) -> Annotation:
    """One label beside its point, at one of PLACES."""
    offset, align = place
    return ax.annotate(text, point, xytext=offset, textcoords="offset points", ha=align,
                       fontsize=fontsize)  # fmt: skip


def label_points(
    ax: Axes, xs: Sequence[float], ys: Sequence[float], texts: Sequence[str], fontsize: float = 8
) -> list[Annotation]:
    """Each point labelled with its text in the first place (PLACES) where the label overlaps no
    label placed before it and no other point (else the first place); the labels, in order."""
    ax.get_xlim(), ax.get_ylim()  # autoscaling is lazy: fix the limits the places are measured on
    renderer = renderer_of(ax.figure)
    points = ax.transData.transform(np.column_stack([xs, ys]).astype(float))
    radius = 5 * ax.figure.dpi / 72  # half a marker of size 60, in pixels
    placed, labels = [], []
    for i, (x, y, text) in enumerate(zip(xs, ys, texts, strict=True)):
        others = np.delete(points, i, axis=0)
        chosen = PLACES[0]  # where a reader looks first, when no place is free
        for place in PLACES:
            trial = _label(ax, str(text), (x, y), place, fontsize)
            box = trial.get_window_extent(renderer)
            trial.remove()
            if not any(box.overlaps(other) for other in placed) and not any_inside(
                others, box.padded(radius)
            ):
                chosen = place
                break
        label = _label(ax, str(text), (x, y), chosen, fontsize)
        placed.append(label.get_window_extent(renderer))
        labels.append(label)
    return labels
