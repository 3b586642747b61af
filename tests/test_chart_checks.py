"""report.chart_checks: the point-in-box test the legend placement and the layout checks use."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.transforms import Bbox

from svcworkbook.report.chart_checks import _any_inside

coordinate = st.one_of(st.floats(-50, 50), st.just(math.nan), st.just(math.inf))


@given(
    st.lists(st.tuples(coordinate, coordinate), max_size=30),
    st.tuples(st.floats(-40, 40), st.floats(-40, 40), st.floats(-40, 40), st.floats(-40, 40)),
)
def test_any_inside_is_bbox_contains_for_some_finite_point(points, corners):
    # one numpy test for all points = matplotlib's Bbox.contains point by point (edges count,
    # corners in either order, blanks and infinities never inside)
    box = Bbox([[corners[0], corners[1]], [corners[2], corners[3]]])
    expected = any(box.contains(x, y) for x, y in points if math.isfinite(x) and math.isfinite(y))
    assert _any_inside(np.array(points, dtype=float).reshape(-1, 2), box) == expected


def test_any_inside_by_hand():
    box = Bbox([[0, 0], [10, 5]])
    assert _any_inside(np.array([[10.0, 5.0]]), box)  # on the corner: inside
    assert not _any_inside(np.array([[10.01, 2.0], [np.nan, 1.0]]), box)
    assert not _any_inside(np.empty((0, 2)), box)
