"""report.chart_checks: the point-in-box test the legend placement and the layout checks use."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.transforms import Bbox

from svcworkbook.report.chart_checks import any_inside

coordinate = st.one_of(st.floats(-50, 50), st.just(math.nan), st.just(math.inf))


@given(
    st.lists(st.tuples(coordinate, coordinate), max_size=30),
    st.tuples(st.floats(-40, 40), st.floats(-40, 40), st.floats(-40, 40), st.floats(-40, 40)),
)
def testany_inside_is_bbox_contains_for_some_finite_point(points, corners):
    # one numpy test for all points = matplotlib's Bbox.contains point by point (edges count,
    # corners in either order, blanks and infinities never inside)
    box = Bbox([[corners[0], corners[1]], [corners[2], corners[3]]])
    expected = any(box.contains(x, y) for x, y in points if math.isfinite(x) and math.isfinite(y))
    assert any_inside(np.array(points, dtype=float).reshape(-1, 2), box) == expected


def testany_inside_by_hand():
    box = Bbox([[0, 0], [10, 5]])
    assert any_inside(np.array([[10.0, 5.0]]), box)  # on the corner: inside
    assert not any_inside(np.array([[10.01, 2.0], [np.nan, 1.0]]), box)
    assert not any_inside(np.empty((0, 2)), box)


def _two_close_points():
    """Axes with two points a label's width apart on the x axis, on one line (as 'waiting time'
    and 'product knowledge' were on unit 4's triangulation chart)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    ax.scatter([0.0700, 0.0815, 0.105], [0.0, 0.0, 0.0], s=60)
    ax.set_xlim(0.02, 0.13)
    ax.set_ylim(-0.02, 0.35)
    return fig, ax


def test_overlapping_point_labels_are_found_and_placed_apart():
    import matplotlib.pyplot as plt

    from svcworkbook.report.chart_checks import label_problems, renderer_of
    from svcworkbook.report.point_labels import label_points

    names = ["waiting time", "product knowledge", "resolution"]
    fig, ax = _two_close_points()
    try:
        for x, name in zip([0.0700, 0.0815, 0.105], names, strict=True):  # all right and above
            ax.annotate(name, (x, 0.0), xytext=(5, 4), textcoords="offset points", fontsize=8)
        (problem,) = label_problems(ax, renderer_of(fig))  # one pair overlaps, and only one
        assert "'waiting time' and 'product knowledge' overlap" in problem
    finally:
        plt.close(fig)
    fig, ax = _two_close_points()
    try:
        labels = label_points(ax, [0.0700, 0.0815, 0.105], [0.0, 0.0, 0.0], names)
        assert [label.get_text() for label in labels] == names
        assert label_problems(ax, renderer_of(fig)) == []
        assert labels[0].get_position() != (5, 4)  # the first moved: its place covered a point
        assert [labels[1].get_position(), labels[2].get_position()] == [(5, 4), (5, 4)]
    finally:
        plt.close(fig)
