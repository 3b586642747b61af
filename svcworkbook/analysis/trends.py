"""Trend over time: a rolling mean and a straight-line slope with its confidence interval.

A slope says how fast a measure moves per day (or per period), and its interval whether that is
more than noise; read it with a control chart, which says whether a single period stands out.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from svcworkbook.analysis.comparisons import _check_confidence
from svcworkbook.errors import DataError


@dataclass(frozen=True)
class Trend:
    """A straight-line trend fitted to a series, with its rolling mean."""

    slope: float  # change per `per` (per day for dated series)
    ci_low: float
    ci_high: float
    p_value: float
    intercept: float
    n: int
    per: str  # "day" or "period"
    confidence: float
    window: int
    rolling: pd.DataFrame = field(repr=False, compare=False)

    @property
    def significant(self) -> bool:
        """True when the slope's interval excludes zero (p < 1 - confidence)."""
        return bool(self.p_value < 1 - self.confidence)

    def to_dict(self) -> dict:
        """The trend's numbers as a plain dict (without the rolling table)."""
        record = {k: v for k, v in asdict(self).items() if k != "rolling"}
        record["significant"] = self.significant
        return record


def trend(values: pd.Series, window: int = 7, confidence: float = 0.95) -> Trend:
    """Rolling mean over `window` points and an OLS slope with a t interval:
    slope +/- t(n-2) x SE (scipy.stats.linregress). A dated index gives the slope per day."""
    confidence = _check_confidence(confidence)
    if window < 1:
        raise ValueError(f"window must be at least 1, not {window}")
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    series = pd.to_numeric(series, errors="coerce").astype(float)
    if isinstance(series.index, pd.DatetimeIndex):
        order = np.argsort(series.index.to_numpy(), kind="stable")
        series = series.iloc[order]
        x = (series.index - series.index[0]) / pd.Timedelta(days=1)
        x, per = np.asarray(x, dtype=float), "day"
    else:
        x, per = np.arange(series.size, dtype=float), "period"
    present = ~np.isnan(series.to_numpy())
    if present.sum() < 3:
        raise DataError(
            f"trend: {int(present.sum())} usable value(s); a trend needs at least 3 periods "
            "with data (and many more to be convincing)"
        )
    if np.ptp(x[present]) == 0:
        raise DataError("trend: every value has the same date, so no trend over time can be fitted")
    y = series.to_numpy()[present]
    fit = sps.linregress(x[present], y)
    degrees = int(present.sum()) - 2
    margin = float(sps.t.ppf(1 - (1 - confidence) / 2, degrees)) * fit.stderr
    if np.ptp(y) == 0:  # the same value every period (a 100% response rate, say): a flat line
        margin = 0.0  # fitted exactly (linregress gives no standard error for it)
    rolling = pd.DataFrame(
        {
            "period": series.index,
            "value": series.to_numpy(),
            "rolling_mean": series.rolling(window, min_periods=window).mean().to_numpy(),
        }
    )
    p_value = float(fit.pvalue) if not math.isnan(fit.pvalue) else 1.0
    return Trend(
        slope=float(fit.slope),
        ci_low=float(fit.slope - margin),
        ci_high=float(fit.slope + margin),
        p_value=p_value,
        intercept=float(fit.intercept),
        n=int(present.sum()),
        per=per,
        confidence=confidence,
        window=window,
        rolling=rolling,
    )
