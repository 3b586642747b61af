"""Trends: a slope and its interval worked by hand, per period and per day."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from svcworkbook.analysis import trends
from svcworkbook.errors import DataError

# --------------------------------------------------------------------------- trend


def test_trend_slope_and_interval_worked_by_hand():
    # x = 0..4, y = 1,3,2,5,4: Sxy = 8, Sxx = 10, slope 0.8; SSE = 3.6, s^2 = 1.2, SE = 0.34641
    result = trends.trend([1, 3, 2, 5, 4], window=3)
    margin = sps.t.ppf(0.975, 3) * math.sqrt(0.12)
    assert result.slope == pytest.approx(0.8) and result.per == "period"
    assert (result.ci_low, result.ci_high) == pytest.approx((0.8 - margin, 0.8 + margin))
    assert (result.ci_low, result.ci_high) == pytest.approx((-0.3024, 1.9024), abs=1e-4)
    assert not result.significant
    assert result.rolling["rolling_mean"].tolist()[2:] == pytest.approx([2, 10 / 3, 11 / 3])
    assert result.rolling["rolling_mean"].isna().sum() == 2


def test_trend_on_dates_is_per_day():
    days = pd.date_range("2024-01-01", periods=5, freq="2D")
    result = trends.trend(pd.Series([1, 3, 2, 5, 4], index=days))
    assert result.per == "day" and result.slope == pytest.approx(0.4)
    assert result.to_dict()["n"] == 5 and "rolling" not in result.to_dict()


def test_trend_needs_three_points():
    with pytest.raises(DataError, match="at least 3"):
        trends.trend([1.0, np.nan, 2.0])


def test_a_flat_series_is_said_in_words_not_as_nan():
    """The same value in every period (a 100% response rate) fits a flat line exactly: the
    interval is 0 to 0 and the sentence says nothing moved, never 'interval +nan to +nan'."""
    from svcworkbook.report import narrative

    days = pd.date_range("2026-01-05", periods=4, freq="7D")
    flat = trends.trend(pd.Series([1.0] * 4, index=days), window=4)
    assert (flat.slope, flat.ci_low, flat.ci_high) == (0.0, 0.0, 0.0)
    text = narrative.trend_sentence(flat, "the survey response rate", unit="%")
    assert "nan" not in text
    assert "the survey response rate was 100.0% in every period: it did not move" in text
