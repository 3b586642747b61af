"""Chart layout (issue 17): even tick steps, legends that cover no data, control limits clipped to
the scale with the clip said, no stray date labels. report.chart_checks finds each problem; the
library's charts have none (every chart of the executed notebooks is checked in the notebook
tests, through the image metadata; see nbtools.chart_problems)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from chart_gallery import chart_makers, draw_all
from nbtools import tiny_data

from svcworkbook.analysis import stats
from svcworkbook.report import plots, style
from svcworkbook.report.chart_checks import chart_problems, is_nice_step
from svcworkbook.report.chart_text import describe_figure
from svcworkbook.report.legends import place_legend
from svcworkbook.units.unit2_delivery.reliability import Consistency


@pytest.fixture(autouse=True)
def _close_figures():
    style.set_style()
    yield
    plt.close("all")


def tick_labels(axis) -> list[str]:
    """The labels of the ticks drawn inside the axis's view."""
    axis.figure.draw_without_rendering()
    low, high = sorted(axis.get_view_interval())
    return [t.label1.get_text() for t in axis.get_major_ticks() if low <= t.get_loc() <= high]


@pytest.mark.parametrize(
    ("step", "nice"),
    [(1, True), (0.2, True), (25, True), (0.05, True), (500, True), (0.3, False), (4, False),
     (0.125, False), (7.5, False)],
)  # fmt: skip
def test_a_nice_step_is_1_2_2_5_or_5_times_a_power_of_ten(step, nice):
    assert is_nice_step(step) is nice


def test_uneven_odd_and_mislabelled_ticks_are_found():
    fig, (a, b, c) = plt.subplots(1, 3)
    for ax in (a, b, c):
        ax.plot([0, 1], [0, 1])
    a.set_yticks([0, 0.3, 0.5])
    b.set_yticks([0, 0.3, 0.6])
    c.set_yticks([0.7, 0.725, 0.75])
    style.percent_axis(c)  # whole percentages: 72.5% would read "72%"
    problems = chart_problems(fig)
    assert any("uneven tick steps" in p for p in problems)
    assert any("tick step 0.3 is not 1, 2, 2.5 or 5" in p for p in problems)
    assert any("the tick at 72.5 is labelled '72%'" in p for p in problems)


def test_percentage_axes_tick_on_whole_nice_percentages():
    days = pd.date_range("2026-01-05", periods=12, freq="W-MON")
    for spread in (0.05, 0.012, 0.4, 0.09):  # a few points to a wide range
        values = 0.72 + spread * np.sin(np.arange(12))
        ax = plots.kpi_trend(pd.DataFrame({"week": days, "fcr": values}), "week", "fcr")
        labels = tick_labels(ax.yaxis)
        assert len(labels) >= 2 and all("." not in label for label in labels), labels
        assert chart_problems(ax.figure) == [], spread
        plt.close(ax.figure)


def test_a_legend_over_a_line_is_found_and_place_legend_moves_it():
    fig, ax = plt.subplots()
    ax.plot([0, 10], [0, 10], label="rising")
    ax.axhline(5, label="target")
    ax.legend(loc="center")
    assert any("the legend covers line 'rising'" in p for p in chart_problems(fig))
    place_legend(ax)
    assert chart_problems(fig) == []
    assert ax.get_legend()._loc != 10  # not the centre


def test_a_legend_with_no_free_place_inside_goes_below_the_axis_labels():
    fig, ax = plt.subplots()
    for level in np.linspace(0, 1, 21):  # lines everywhere
        ax.plot([0, 1], [level, level], color="grey")
    ax.plot([0, 1], [0.5, 0.5], label="the one that matters")
    ax.set_xlabel("Day")
    legend = place_legend(ax)
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    assert legend.get_window_extent(renderer).y1 < ax.xaxis.label.get_window_extent(renderer).y0
    assert chart_problems(fig) == []


def test_control_limits_are_clipped_to_the_scale_and_the_chart_says_so():
    shares = [0.05, 0.3, 0.02, 0.25, 0.04, 0.28, 0.01, 0.3, 0.06, 0.02]
    chart = stats.xmr_chart(shares)
    lcl = float(chart["lcl"].iloc[0])
    assert lcl < 0  # the XmR lower limit of a share falls below 0%
    ax = plots.control_chart(chart, unit="%", ylabel="Abandoned share")
    lower = next(line for line in ax.get_lines() if line.get_label().startswith("Lower"))
    assert list(lower.get_ydata()) == [0.0] * len(shares)
    expected = f"Lower control limit 0% (calculated {lcl * 100:.1f}%, clipped)"
    assert lower.get_label() == expected
    assert expected in [t.get_text() for t in ax.get_legend().get_texts()]  # on the chart
    assert expected in describe_figure(ax.figure).alt  # and in its text description
    assert chart_problems(ax.figure) == []
    upper = next(line for line in ax.get_lines() if line.get_label().startswith("Upper"))
    assert upper.get_label() == "Upper control limit"  # inside the scale: as calculated
    # unclipped (no scale), the check finds the limit outside 0-100%
    plt.close(ax.figure)
    ax = plots.control_chart(chart, unit="%", scale=(None, None))
    assert any("outside 0-100%" in p for p in chart_problems(ax.figure))


def test_a_limit_outside_the_axes_is_found():
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [5, 6, 5], label="value")
    ax.plot([0, 1, 2], [9, 9, 9], label="Upper control limit")
    ax.set_ylim(0, 8)
    assert any("'Upper control limit' runs from 9 to 9" in p for p in chart_problems(fig))


def test_the_consistency_sentence_says_a_limit_was_clipped():
    held = Consistency(
        days=30, days_met=20, period_service_level=0.81, mean_daily=0.8, ucl=1.026, lcl=0.55,
        lowest=0.5, lowest_day=pd.Timestamp("2026-01-12"), signals=0,
    )  # fmt: skip
    text = " ".join(held.sentences("Northgate", 0.8))
    assert "run from 55.0% to 100% (calculated 102.6%, clipped)" in text


def test_date_axes_label_only_the_data_with_nothing_in_the_corner():
    days = pd.date_range("2026-01-05", "2026-03-29", freq="D")
    frame = pd.DataFrame({"day": days, "fcr": 0.7 + 0.05 * np.sin(np.arange(len(days)))})
    ax = plots.kpi_trend(frame, "day", "fcr")
    assert chart_problems(ax.figure) == []
    labels = tick_labels(ax.xaxis)
    assert labels[0] == "15 Jan\n2026" and "1 Feb" in labels and "Jan" not in labels
    assert ax.xaxis.get_offset_text().get_text() == ""
    # matplotlib's own concise labels: an offset in the corner and ticks in the margins
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    problems = chart_problems(ax.figure)
    assert any("a stray date label '2026-Apr' in the corner" in p for p in problems)
    assert any("the date label 'Jan' is beyond the data" in p for p in problems)


def test_one_week_by_week_is_labelled_with_its_date():
    frame = pd.DataFrame({"week": pd.to_datetime(["2026-01-05"]), "fcr": [0.7]})
    ax = plots.kpi_trend(frame, "week", "fcr", target=0.75)
    assert tick_labels(ax.xaxis) == ["5 Jan\n2026"]
    assert chart_problems(ax.figure) == []


def test_overlapping_date_labels_are_found():
    fig, ax = plt.subplots(figsize=(2, 2))
    days = pd.date_range("2026-01-01", periods=40, freq="D")
    ax.plot(days, np.arange(40))
    ax.xaxis.set_major_locator(mdates.DayLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %B %Y"))
    assert any("overlap" in p for p in chart_problems(fig))


def test_every_library_chart_on_a_tiny_dataset_is_clean_and_described():
    """The 24 charts of the five unit notebooks on one week of one team (the notebook tests
    check the same charts on the samples, other seeds and an outside export)."""
    data = tiny_data()
    with plt.rc_context({"figure.max_open_warning": 0}):  # 23 charts open at once, on purpose
        figures, skipped = draw_all(data)
    assert skipped == ["u5_control"]  # a week is too short for a baseline: unit 5 refuses it
    assert len(figures) == len(chart_makers(data)) - 1 == 23
    for name, fig in figures.items():
        assert chart_problems(fig) == [], name
        alt = describe_figure(fig).alt
        assert alt and "could not be described" not in alt, name


def test_the_kernel_records_each_charts_problems_and_the_notebook_check_reads_them(
    tmp_path, monkeypatch
):
    import nbformat
    from nbtools import chart_problems as notebook_chart_problems

    from svcworkbook.report.figure_alt import CHECK_CHARTS, figure_png

    fig, ax = plt.subplots()
    ax.plot([0, 10], [0, 10], label="rising")
    ax.legend(loc="center")
    monkeypatch.setenv(CHECK_CHARTS, "1")
    data, metadata = figure_png(fig)
    assert any("covers line 'rising'" in p for p in metadata["chart_problems"])
    monkeypatch.delenv(CHECK_CHARTS)
    assert "chart_problems" not in figure_png(fig)[1]  # for learners: no checks, no cost

    def image(meta):
        return nbformat.v4.new_output("display_data", data={"image/png": data}, metadata=meta)

    cell = nbformat.v4.new_code_cell("chart")
    cell.outputs = [image({"image/png": metadata}), image({"image/png": {"alt": "a chart"}})]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    found = notebook_chart_problems(path)
    assert any("cell 0:" in p and "covers line 'rising'" in p for p in found)
    assert "cell 0: the chart was not checked (no chart_problems)" in found
