"""Chart text alternatives and data tables are written from the data drawn (report.chart_text)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcworkbook.analysis import stats
from svcworkbook.report import plots
from svcworkbook.report.chart_text import describe_figure, format_number, trend_word
from svcworkbook.report.figure_alt import figure_png


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_pareto_chart_names_each_cause_with_its_share_of_the_total():
    counts = pd.Series({"billing error": 72, "late delivery": 61, "rude staff": 40, "other": 50})
    ax = plots.pareto_chart(stats.pareto_counts(counts), what="complaints", title="Root causes")
    text = describe_figure(ax.figure)
    # by hand: total 223; 72/223 = 32.3%, 61/223 = 27.4%, 50/223 = 22.4%, 40/223 = 17.9%
    assert text.alt.startswith("Bar and line chart of Root causes")
    assert "billing error: 72 of 223 (32%)" in text.alt
    assert "late delivery: 61 of 223 (27%)" in text.alt
    assert "rude staff: 40 of 223 (18%)" in text.alt
    assert "Largest: billing error (72); smallest: rude staff (40)" in text.alt
    assert "80% line at 80%" in text.alt
    (table,) = text.tables
    assert table.columns == ["Category", "Number of complaints", "Cumulative share"]
    # cumulative shares by hand: 72/223, 133/223, 183/223, 223/223
    assert table.rows == [
        ["billing error", "72", "32.3%"],
        ["late delivery", "61", "59.6%"],
        ["other", "50", "82.1%"],
        ["rude staff", "40", "100%"],
    ]


def test_trend_over_dates_gives_first_last_extremes_trend_and_target():
    weeks = pd.date_range("2025-01-06", periods=6, freq="W-MON")
    data = pd.DataFrame({"week": weeks, "fcr": [0.60, 0.62, 0.58, 0.70, 0.71, 0.74]})
    ax = plots.kpi_trend(data, "week", "fcr", target=0.7, title="FCR by week")
    text = describe_figure(ax.figure)
    assert "6 points from 6 Jan 2025 (60%) to 10 Feb 2025 (74%)" in text.alt
    assert "highest 74% at 10 Feb 2025, lowest 58% at 20 Jan 2025" in text.alt
    assert "rising overall" in text.alt and "Target (70%) at 70%" in text.alt
    assert text.tables[0].rows[2] == ["20 Jan 2025", "58%"]


def test_grouped_bars_are_described_category_by_category():
    fig, ax = plt.subplots()
    x = np.arange(2)
    ax.bar(x - 0.2, [0.76, 0.08], 0.4, label="centralised")
    ax.bar(x + 0.2, [0.66, 0.13], 0.4, label="decentralised")
    ax.set_xticks(x, ["Service level", "Abandoned"])
    ax.set_title("By structure")
    fig.canvas.draw()
    text = describe_figure(fig)
    assert "Service level: centralised 0.76, decentralised 0.66" in text.alt
    assert "Highest: centralised for Service level (0.76)" in text.alt
    assert text.tables[0].columns == ["Category", "centralised", "decentralised"]
    assert text.tables[0].rows == [["Service level", "0.76", "0.66"], ["Abandoned", "0.08", "0.13"]]


def test_a_vertical_reference_line_is_named_with_its_position():
    ax = plots.service_level_curve([10, 11, 12, 13], [0.5, 0.7, 0.82, 0.9], target=0.8)
    alt = describe_figure(ax.figure).alt
    assert "4 points from 10 (50%) to 13 (90%)" in alt
    assert "Fewest agents meeting target: 12 at 12" in alt


def test_figure_png_carries_alt_and_data_as_image_metadata():
    fig, ax = plt.subplots()
    ax.barh(["chat", "phone"], [12, 30])
    ax.set_title("Contacts by channel")
    png, metadata = figure_png(fig)
    assert png.startswith("iVBOR")  # base64 of the PNG signature
    assert metadata["alt"].startswith("Bar chart of Contacts by channel")
    assert "phone: 30 of 42 (71%)" in metadata["alt"]  # 30 / 42 = 0.714
    assert metadata["data"][0]["rows"] == [["chat", "12"], ["phone", "30"]]


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=3, max_size=40))
@settings(max_examples=60, deadline=None)
def test_trend_word_follows_the_least_squares_slope(values):
    ys = np.array(values)
    word = trend_word(ys)
    slope = np.polyfit(np.arange(ys.size), ys, 1)[0]
    if word == "rising":
        assert slope > 0
    elif word == "falling":
        assert slope < 0
    else:
        assert abs(slope * (ys.size - 1)) <= 0.05 * np.ptp(ys) or np.ptp(ys) == 0


def test_numbers_read_as_people_write_them():
    assert format_number(0.734, percent=True) == "73.4%"
    assert format_number(0.8, percent=True) == "80%"
    assert format_number(1234.0) == "1,234"
    assert format_number(12.345) == "12.3"
    assert format_number(float("nan")) == "no value"


def test_a_heatmap_is_read_back_cell_by_cell():
    from svcworkbook.units.unit3_operations import dashboard

    table = pd.DataFrame(
        {
            "team": ["North", "North", "South", "South"],
            "channel": ["phone"] * 4,
            "kpi": ["service_level", "first_contact_resolution"] * 2,
            "value": [0.81, 0.70, 0.62, 0.75],
            "unit": ["%"] * 4,
            "rag": ["green", "amber", "red", "green"],
        }
    )
    ax = dashboard.dashboard_chart(table)
    text = describe_figure(ax.figure)
    assert text.alt.startswith("Heatmap of KPI dashboard against target")
    (data,) = text.tables
    assert data.rows[0][0] == "North / phone" and data.rows[1][0] == "South / phone"
    assert "81" in data.rows[0][1] and data.rows[0][1].endswith("G")
    assert "62" in data.rows[1][1] and data.rows[1][1].endswith("R")
    assert "North / phone:" in text.alt and "South / phone:" in text.alt


def test_a_row_chart_names_each_point_from_the_legend():
    from svcworkbook.units.unit4_review import measurement_plan

    plan = pd.DataFrame(
        {
            "unit": ["%", "%"],
            "label": ["CSAT", "Response rate"],
            "baseline": [0.852, 0.303],
            "result": [0.676, 0.299],
            "target": [0.80, 0.30],
            "met": [False, False],
        }
    )
    ax = measurement_plan.plan_chart(plan)
    text = describe_figure(ax.figure)
    assert text.alt.startswith("Dot chart of Objectives")
    assert "CSAT: Baseline 85.2%, Review: missed 67.6%, Target 80%" in text.alt
    assert text.tables[0].rows[0] == ["CSAT", "85.2%", "67.6%", "80%"]


def test_seaborn_lines_are_named_by_their_legend_and_labelled_points_by_their_text():
    weeks = pd.date_range("2026-01-05", periods=4, freq="W-MON")
    frame = pd.DataFrame(
        {
            "week": list(weeks) * 2,
            "fcr": [0.6, 0.65, 0.7, 0.72, 0.6, 0.64, 0.62, 0.6],
            "series": ["kept up"] * 4 + ["slipping"] * 4,
        }
    )
    ax = plots.kpi_trend(frame, "week", "fcr", hue="series", title="FCR")
    ax.annotate("peak", (0.5, 0.5))
    alt = describe_figure(ax.figure).alt
    assert "kept up: 4 points from 5 Jan 2026 (60%) to 26 Jan 2026 (72%)" in alt
    assert "slipping: 4 points" in alt
    fig, ax = plt.subplots()
    ax.scatter([0.1, 0.3], [0.2, 0.4], label="themes")
    ax.annotate("billing", (0.1, 0.2))
    assert "themes: 2 points: billing (x 0.1, y 0.2); x 0.3, y 0.4" in describe_figure(fig).alt
