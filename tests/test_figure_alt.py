"""report.figure_alt: a chart's PNG cropped to the measured tight box is the PNG matplotlib's
``bbox_inches="tight"`` gives, pixel for pixel, for every library chart."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from chart_gallery import draw_all, sample_data
from IPython.core.pylabtools import print_figure
from nbtools import tiny_data
from PIL import Image

from svcworkbook.report import figure_alt, style


def pixels(png: bytes) -> np.ndarray:
    """The picture in a PNG as an array of RGBA values."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


@pytest.mark.parametrize("data", ["samples", "tiny"])
def test_every_chart_is_the_tight_png_pixel_for_pixel(data):
    style.set_style()
    figures, _ = draw_all(sample_data() if data == "samples" else tiny_data())
    assert len(figures) >= 20
    try:
        for name, fig in figures.items():
            # ours first, on a figure never drawn, so matplotlib's own drawing cannot help it
            ours = base64.b64decode(figure_alt.figure_png(fig)[0])
            theirs = print_figure(fig, fmt="png", bbox_inches="tight")
            assert pixels(ours).shape == pixels(theirs).shape, name
            assert np.array_equal(pixels(ours), pixels(theirs)), name
    finally:
        plt.close("all")


def test_a_figure_with_nothing_drawn_shows_nothing():
    fig = plt.figure()
    try:
        assert figure_alt.figure_png(fig) is None
    finally:
        plt.close(fig)
