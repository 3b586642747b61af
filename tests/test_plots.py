"""Charts hold the right things: lines, limits, flagged points, labels with units (not pixels)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

from svcworkbook.analysis import servqual, stats
from svcworkbook.errors import DataError  # noqa: E402
from svcworkbook.report import (
    plots,
    style,  # noqa: E402
)


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test opens."""
    yield
    plt.close("all")


def line(ax, label):
    """The one line on `ax` with this legend label."""
    found = [item for item in ax.get_lines() if item.get_label() == label]
    assert len(found) == 1, [item.get_label() for item in ax.get_lines()]
    return found[0]


def daily() -> pd.DataFrame:
    """Six days of first contact resolution for two teams."""
    return pd.DataFrame(
        {
            "date": list(pd.date_range("2024-03-01", periods=6, freq="D")) * 2,
            "first_contact_resolution": [0.70, 0.72, 0.71, 0.74, 0.76, 0.78] * 2,
            "team": ["billing"] * 6 + ["technical"] * 6,
        }
    )


def test_set_style_uses_the_colour_blind_palette():
    style.set_style()
    cycle = [to_hex(c) for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle[:6] == [to_hex(c) for c in sns.color_palette("colorblind")[:6]]
    assert style.axis_label("handle_time_s", "s") == "Handle time (seconds)"


def test_kpi_trend_draws_values_target_and_labels():
    data = daily().query("team == 'billing'")
    ax = plots.kpi_trend(data, "date", "first_contact_resolution", target=0.75)
    values = line(ax, "First contact resolution")
    assert list(values.get_ydata()) == pytest.approx([0.70, 0.72, 0.71, 0.74, 0.76, 0.78])
    target = line(ax, "Target (75%)")
    assert list(target.get_ydata()) == [0.75, 0.75]
    assert target.get_linestyle() == "--"
    assert ax.get_ylabel() == "First contact resolution (%)"
    assert ax.get_xlabel() == "Date"
    assert ax.get_title() == "First contact resolution over time"
    assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)


def test_kpi_trend_keeps_a_distant_target_in_view():
    ax = plots.kpi_trend(daily(), "date", "first_contact_resolution", target=0.9)
    low, high = ax.get_ylim()
    assert low < 0.70 and high > 0.9


def test_kpi_trend_one_line_per_team():
    fig, ax = plt.subplots()
    returned = plots.kpi_trend(
        daily(), "date", "first_contact_resolution", hue="team", ax=ax, ylabel="FCR (%)"
    )
    assert returned is ax
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert {"billing", "technical"} <= set(labels)
    assert ax.get_ylabel() == "FCR (%)"


def test_kpi_trend_names_a_missing_column():
    with pytest.raises(DataError, match=r"missing column\(s\) 'fcr'"):
        plots.kpi_trend(daily(), "date", "fcr")


def test_control_chart_shows_limits_and_flagged_points():
    values = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1, 60.0]
    chart = stats.xmr_chart(values)
    ax = plots.control_chart(chart, ylabel="Batch value")
    limits = stats.xmr_limits(values)
    assert list(line(ax, "Upper control limit").get_ydata()) == pytest.approx([limits.ucl] * 11)
    assert list(line(ax, "Lower control limit").get_ydata()) == pytest.approx([limits.lcl] * 11)
    assert list(line(ax, "Centre line").get_ydata()) == pytest.approx([limits.centre] * 11)
    assert list(line(ax, "Batch value").get_ydata()) == values
    flagged = [c for c in ax.collections if c.get_label() == "Flagged (special cause)"]
    assert len(flagged) == 1
    expected = stats.chart_signals(chart)["position"].unique()
    assert flagged[0].get_offsets().tolist() == [[p, values[p]] for p in sorted(expected)]
    assert ax.get_ylabel() == "Batch value"


def test_control_chart_without_signals_has_no_flag_markers():
    ax = plots.control_chart(stats.xmr_chart([5, 6, 5, 6, 5, 6]))
    assert not ax.collections


def test_p_chart_limits_step_with_sample_size():
    chart = stats.p_chart_limits([5, 20, 3, 9], [50, 100, 20, 60])
    ax = plots.control_chart(chart, unit="%", ylabel="Abandoned share")
    upper = line(ax, "Upper control limit")
    assert list(upper.get_ydata()) == pytest.approx(chart["ucl"].tolist())
    assert upper.get_drawstyle() == "steps-mid"
    assert ax.get_ylabel() == "Abandoned share (%)"
    assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)


def test_pareto_chart_bars_cumulative_line_and_threshold():
    table = stats.pareto(["billing"] * 5 + ["fault"] * 3 + ["delivery", "returns"])
    ax = plots.pareto_chart(table, what="complaints")
    assert [bar.get_height() for bar in ax.patches] == [5, 3, 1, 1]
    colours = [to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert colours[0] == colours[1] == to_hex(style.COLOURS["data"])
    assert colours[2] == colours[3] == to_hex(style.COLOURS["muted"])
    twin = [other for other in ax.figure.axes if other is not ax][0]
    assert list(line(twin, "Cumulative share").get_ydata()) == pytest.approx([0.5, 0.8, 0.9, 1.0])
    assert list(line(twin, "80% line").get_ydata()) == [0.8, 0.8]
    assert twin.get_ylim() == (0, 1.05)
    assert ax.get_ylabel() == "Number of complaints"
    assert twin.get_ylabel() == "Cumulative share of complaints (%)"
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "billing",
        "fault",
        "delivery",
        "returns",
    ]


def test_pareto_legend_explains_the_colours_and_sits_above_the_bars():
    table = stats.pareto(["billing"] * 5 + ["fault"] * 3 + ["delivery", "returns"])
    ax = plots.pareto_chart(table, what="complaints")
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "Vital few (to 80%)",
        "The rest",
        "Cumulative share",
        "80% line",
    ]
    keys = [to_hex(h.get_facecolor()) for h in legend.legend_handles[:2]]
    assert keys == [to_hex(style.COLOURS["data"]), to_hex(style.COLOURS["muted"])]
    ax.figure.canvas.draw()
    box = legend.get_window_extent()
    plot_area = ax.get_window_extent()
    assert box.y0 >= plot_area.y1 - 1  # above the plot area: no bar or point underneath
    assert ax.title.get_window_extent().y0 >= box.y1 - 1  # and below the title


def test_pareto_legend_leaves_out_the_rest_when_every_category_is_vital():
    ax = plots.pareto_chart(stats.pareto(["billing"] * 9), what="complaints")  # one cause: all
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["Vital few (to 80%)", "Cumulative share", "80% line"]


def test_before_after_chart_marks_the_change_and_both_levels():
    data = pd.DataFrame(
        {
            "opened_at": pd.date_range("2024-03-01", periods=6, freq="D"),
            "resolved": [True, False, False, True, True, True],
        }
    )
    ax = plots.before_after_chart(data, "opened_at", "resolved", "2024-03-04")
    assert list(line(ax, "Before: mean 33.3%").get_ydata()) == pytest.approx([1 / 3, 1 / 3])
    assert list(line(ax, "After: mean 100.0%").get_ydata()) == [1.0, 1.0]
    change = line(ax, "Change")
    assert [pd.Timestamp(x) for x in change.get_xdata()] == [pd.Timestamp("2024-03-04")] * 2
    assert ax.get_ylabel() == "Resolved (%)"
    with pytest.raises(DataError, match="inside the data"):
        plots.before_after_chart(data, "opened_at", "resolved", "2025-01-01")


def test_before_after_chart_medians_in_seconds():
    data = pd.DataFrame({"day": [1, 2, 3, 4], "handle_time_s": [300, 100, 50, 70]})
    ax = plots.before_after_chart(data, "day", "handle_time_s", 3, statistic="median", unit="s")
    assert list(line(ax, "Before: median 200 seconds").get_ydata()) == [200, 200]
    assert ax.get_ylabel() == "Handle time (seconds)"


def test_servqual_gap_chart_orders_dimensions_and_marks_shortfalls():
    gaps = pd.DataFrame(
        {"dimension": list(servqual.DIMENSIONS), "gap": [-0.25, -2.5, -1.0, -0.5, 0.5]}
    ).iloc[::-1]
    ax = plots.servqual_gap_chart(gaps)
    assert [bar.get_width() for bar in ax.patches] == [-0.25, -2.5, -1.0, -0.5, 0.5]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(servqual.DIMENSIONS)
    assert [bool(bar.get_hatch()) for bar in ax.patches] == [True, True, True, True, False]
    assert [t.get_text() for t in ax.texts] == ["-0.25", "-2.50", "-1.00", "-0.50", "+0.50"]
    assert ax.get_xlabel() == "Gap: perception - expectation (points on the 1-7 scale)"
    assert any(list(item.get_xdata()) == [0, 0] for item in ax.get_lines())


def test_weighted_servqual_chart_plots_weighted_gaps():
    gaps = pd.DataFrame(
        {
            "dimension": list(servqual.DIMENSIONS),
            "gap": [-1.0] * 5,
            "weighted_gap": [-0.1, -0.4, -0.2, -0.2, -0.1],
        }
    )
    ax = plots.servqual_gap_chart(gaps, weighted=True)
    assert [bar.get_width() for bar in ax.patches] == [-0.1, -0.4, -0.2, -0.2, -0.1]
    assert ax.get_xlabel().startswith("Importance-weighted gap")


def test_service_level_curve_marks_target_and_fewest_agents():
    agents = np.arange(10, 20)
    levels = [0.3, 0.45, 0.58, 0.69, 0.78, 0.85, 0.9, 0.93, 0.95, 0.97]
    ax = plots.service_level_curve(agents, levels, target=0.8, answer_within_s=20)
    assert list(line(ax, "Service level").get_xdata()) == list(agents)
    assert list(line(ax, "Target (80%)").get_ydata()) == [0.8, 0.8]
    assert list(line(ax, "Fewest agents meeting target: 15").get_xdata()) == [15, 15]
    assert ax.get_ylabel() == "Service level (% answered within 20 seconds)"
    assert ax.get_xlabel() == "Agents (number)"


def test_service_level_curve_without_a_reachable_target():
    ax = plots.service_level_curve([1, 2], [0.2, 0.5], target=0.8)
    assert not [x for x in ax.get_lines() if x.get_label().startswith("Fewest")]
    with pytest.raises(DataError, match="one service level per agent count"):
        plots.service_level_curve([1, 2, 3], [0.2, 0.5])
