"""Legends placed where they cover no data, worked out from what is drawn.

``place_legend(ax)`` tries the corners and edges inside the axes in turn and keeps the first
where the legend's box touches no point, line (targets and limits too), bar or value label
(``chart_checks.legend_covers``); when every place inside covers something, the legend goes
outside the axes, under the x axis's labels, in up to three columns (the chart keeps its width).
Set the axis labels first: the legend goes below them.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.legend import Legend

from svcworkbook.report.chart_checks import legend_covers, renderer_of

#: Places inside the axes, tried in this order (the corners first).
INSIDE = (
    "upper right", "upper left", "lower right", "lower left",
    "center right", "center left", "upper center", "lower center",
)  # fmt: skip


def place_legend(ax: Axes, handles=None, labels=None, **kwargs) -> Legend | None:
    """The axes' legend (of ``handles`` or of every labelled artist) in the first place inside
    the axes where it covers no data, else below the axes; None when nothing is labelled."""
    if handles is None:
        handles, found = ax.get_legend_handles_labels()
        labels = found if labels is None else labels
    elif labels is None:
        labels = [h.get_label() for h in handles]
    if not handles:
        return None
    renderer = renderer_of(ax.figure)
    legend = ax.legend(handles, labels, loc=INSIDE[0], **kwargs)
    for loc in INSIDE:
        legend.set_loc(loc)  # one legend moved from place to place, not one built for each
        if not legend_covers(legend, ax.figure, renderer):
            return legend
    return legend_below(ax, handles, labels, renderer, **kwargs)


def legend_below(ax: Axes, handles, labels, renderer, **kwargs) -> Legend:
    """The legend under the axes and everything drawn below them (tick labels, the x label)."""
    if ax.get_legend() is not None:
        ax.get_legend().remove()  # measure the axes without a legend tried inside
    below = ax.get_tightbbox(renderer)
    top = (below.y0 - ax.bbox.y0) / ax.bbox.height if ax.bbox.height else -0.15
    kwargs.setdefault("ncol", min(3, len(handles)))
    return ax.legend(
        handles, labels, loc="upper center", bbox_to_anchor=(0.5, min(top, 0.0) - 0.02),
        borderaxespad=0, **kwargs,
    )  # fmt: skip
