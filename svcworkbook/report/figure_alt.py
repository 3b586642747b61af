"""Charts shown in a notebook carry their text alternative and data with the picture.

``install()`` (called by every unit notebook's ``start_unit``) registers a PNG formatter for
matplotlib figures with IPython. It draws the figure exactly as the inline backend does and
returns, with the picture, output metadata written from the chart's data
(``svcworkbook.report.chart_text``)::

    {"image/png": {"alt": "Bar chart of ...", "data": [{"caption": ..., "columns": [...],
                                                        "rows": [[...], ...]}]}}

The HTML export uses ``alt`` as the image's alt attribute and shows ``data`` as a table behind a
"data" toggle; JupyterLab keeps both in the saved notebook.

The inline backend removes every formatter for figures when it is (re)configured
(``IPython.core.pylabtools.select_figure_formats``), so ``install`` configures it first and also
re-registers before each cell runs (``pre_run_cell``), which costs a dictionary look-up.

With the environment variable ``SVCWORKBOOK_CHECK_CHARTS`` set (the test suite sets it), the
metadata also carries ``chart_problems``: what ``report.chart_checks`` finds wrong with the
chart's layout (uneven ticks, a legend over the data, limits off the scale, stray date labels),
so a test reads every chart of an executed notebook.
"""

from __future__ import annotations

import os
from typing import Any

from matplotlib.figure import Figure

from svcworkbook.display import ipython_shell
from svcworkbook.report.chart_text import describe_figure

#: Set (to anything) to have every chart shown checked by report.chart_checks.
CHECK_CHARTS = "SVCWORKBOOK_CHECK_CHARTS"


def tight_box(fig: Figure):
    """The box ``bbox_inches="tight"`` crops a figure to: its tight bounding box, padded by
    savefig.pad_inches, measured with the figure's own renderer.

    Given this box, matplotlib draws the figure once; given "tight", it first draws it once more
    without rendering, to lay it out, then measures the same box. Measuring directly saves that
    pass, about a quarter of a chart's cost. Every library chart gives the same PNG pixel for
    pixel either way, on the samples and on a week of tiny data (tests/test_figure_alt.py) and
    on two other scenarios (checked by hand, December 2026).
    """
    import matplotlib as mpl

    from svcworkbook.report.chart_checks import renderer_of

    box = fig.get_tightbbox(renderer_of(fig))
    return box.padded(mpl.rcParams["savefig.pad_inches"])


def figure_png(fig: Figure) -> tuple[str, dict[str, Any]] | None:
    """The figure as base64 PNG (cropped to ``tight_box``, as the inline backend's
    ``bbox_inches="tight"`` crops it) and its metadata: the alt text and data tables from
    describe_figure."""
    from IPython.core.pylabtools import print_figure

    if not fig.axes and not fig.lines:  # nothing drawn: nothing to show, as the inline backend
        return None
    data = print_figure(fig, fmt="png", bbox_inches=tight_box(fig), base64=True)
    try:
        metadata = describe_figure(fig).to_metadata()
    except Exception as error:  # a chart the describer cannot read still shows, and says so
        title = " ".join(ax.get_title() for ax in fig.axes if ax.get_title()) or "a chart"
        metadata = {"alt": f"Chart: {title} (its data could not be described: {error})"}
    if os.environ.get(CHECK_CHARTS):
        from svcworkbook.report.chart_checks import chart_problems

        metadata["chart_problems"] = chart_problems(fig)
    return data, metadata


def _register(shell) -> None:
    """Make figure_png the PNG formatter for figures, if it is not already."""
    formatter = shell.display_formatter.formatters["image/png"]
    if formatter.type_printers.get(Figure) is not figure_png:
        formatter.for_type(Figure, figure_png)


def install(shell=None) -> bool:
    """Describe every chart shown in this IPython kernel (True), or do nothing outside one."""
    shell = ipython_shell(shell)
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    import matplotlib

    if "matplotlib_inline" in matplotlib.get_backend():
        # Importing the inline backend configures its formatters (once); ours goes on top.
        import matplotlib_inline.backend_inline  # noqa: F401
    _register(shell)
    callbacks = shell.events.callbacks.get("pre_run_cell", [])
    if not any(getattr(cb, "__name__", "") == "_svc_describe_charts" for cb in callbacks):

        def _svc_describe_charts(*_args: Any) -> None:
            """Keep figure_png registered before each cell (the inline backend may reset it)."""
            _register(shell)

        shell.events.register("pre_run_cell", _svc_describe_charts)
    return True
