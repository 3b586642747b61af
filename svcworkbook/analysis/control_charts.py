"""Control charts and run rules: is a measure just varying, or has something changed?

XmR (individuals and moving range) charts for any measure per period, p-charts for a share per
period (limits that widen when a period has few cases), and the run rules that flag points
beyond the limits, runs on one side of the centre line and steady trends. Formulas are in each
function's docstring, with the published examples they are tested against in the tests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from svcworkbook.errors import NAME_YOUR_COLUMN, DataError, require_columns

#: XmR chart: limits sit 2.66 average moving ranges from the mean (2.66 = 3 / d2, d2 = 1.128).
XMR_SCALE = 2.66
#: XmR chart: the moving-range chart's upper limit is 3.267 x the average moving range (D4, n = 2).
MOVING_RANGE_SCALE = 3.267


@dataclass(frozen=True)
class XmRLimits:
    """Limits of an XmR (individuals and moving range) chart."""

    centre: float
    mr_bar: float
    ucl: float
    lcl: float
    mr_ucl: float
    n: int

    def to_dict(self) -> dict:
        """The limits as a plain dict, for recording results."""
        return asdict(self)


def _as_series(values, name: str) -> pd.Series:
    """Values as a float Series keeping their index (periods); blanks are a DataError."""
    series = values.copy() if isinstance(values, pd.Series) else pd.Series(list(values))
    try:
        series = pd.to_numeric(series, errors="raise").astype(float)
    except (ValueError, TypeError) as error:
        raise DataError(f"{name}: values must be numbers ({error})") from None
    if series.isna().any():
        raise DataError(
            f"{name}: {int(series.isna().sum())} blank value(s) at "
            f"{list(series.index[series.isna()][:5])}; a control chart needs one value per "
            "period, so fill them in or drop those periods (and say so)"
        )
    return series


def moving_ranges(values) -> pd.Series:
    """Moving range of two: MR_i = |x_i - x_(i-1)| (blank for the first point)."""
    return _as_series(values, "moving_ranges").diff().abs()


def xmr_limits(values) -> XmRLimits:
    """XmR limits: centre = mean, MR-bar = mean moving range, limits = mean +/- 2.66 x MR-bar;
    the moving-range chart's upper limit is 3.267 x MR-bar (Wheeler's natural process limits)."""
    series = _as_series(values, "xmr_limits")
    if series.size < 2:
        raise DataError(
            f"xmr_limits: {series.size} value(s) given; an XmR chart needs at least 2 "
            "(and 20 or more give dependable limits)"
        )
    centre = float(series.mean())
    mr_bar = float(series.diff().abs().mean())
    return XmRLimits(
        centre=centre,
        mr_bar=mr_bar,
        ucl=centre + XMR_SCALE * mr_bar,
        lcl=centre - XMR_SCALE * mr_bar,
        mr_ucl=MOVING_RANGE_SCALE * mr_bar,
        n=int(series.size),
    )


def xmr_chart(values) -> pd.DataFrame:
    """An XmR chart as a table: period, value, moving_range, centre, ucl, lcl (one row a point)."""
    series = _as_series(values, "xmr_chart")
    limits = xmr_limits(series)
    return pd.DataFrame(
        {
            "period": series.index,
            "value": series.to_numpy(),
            "moving_range": series.diff().abs().to_numpy(),
            "centre": limits.centre,
            "ucl": limits.ucl,
            "lcl": limits.lcl,
        }
    )


def p_chart_limits(successes, n, sigma: float = 3.0) -> pd.DataFrame:
    """A p-chart as a table: p_i = x_i/n_i, centre p-bar = sum x / sum n, limits per point
    p-bar +/- 3 sqrt(p-bar (1 - p-bar) / n_i), clipped to [0, 1] (so they widen when n_i is small)."""
    counts = _as_series(successes, "p_chart_limits (successes)")
    sizes = _as_series(n, "p_chart_limits (n)")
    if counts.size != sizes.size:
        raise DataError(
            f"p_chart_limits: {counts.size} success counts but {sizes.size} sample sizes; "
            "give one of each per period"
        )
    sizes.index = counts.index
    bad = (sizes <= 0) | (counts < 0) | (counts > sizes)
    if bad.any():
        raise DataError(
            f"p_chart_limits: periods {list(counts.index[bad][:5])} have n <= 0 or successes "
            "outside 0..n; every period needs at least one case and 0 <= successes <= n"
        )
    centre = float(counts.sum() / sizes.sum())
    spread = sigma * np.sqrt(centre * (1 - centre) / sizes.to_numpy())
    return pd.DataFrame(
        {
            "period": counts.index,
            "successes": counts.to_numpy(),
            "n": sizes.to_numpy(),
            "value": (counts / sizes).to_numpy(),
            "centre": centre,
            "ucl": np.minimum(1.0, centre + spread),
            "lcl": np.maximum(0.0, centre - spread),
        }
    )


RULE_BEYOND_LIMITS = "beyond limits"
RULE_RUN = "run"
RULE_TREND = "trend"
#: Published run-rule sets as (run_length, trend_length) for run_rules; None = no trend rule.
#: Western Electric Statistical Quality Control Handbook (1956), the four basic rules: 1 point
#: beyond 3 sigma, 2 of 3 beyond 2 sigma, 4 of 5 beyond 1 sigma, 8 in a row on one side (no
#: trend rule; the zone rules need sigma zones, which these charts do not draw). Nelson (1984),
#: Journal of Quality Technology 16(4): rule 2 is 9 in a row on one side, rule 3 is 6 in a row
#: steadily increasing or decreasing. NHS England "Making Data Count": a shift of 7 and a trend
#: of 7. The workbook's default takes Western Electric's run and Nelson's trend.
RULE_SETS: dict[str, tuple[int, int | None]] = {
    "workbook default (Western Electric run, Nelson trend)": (8, 6),
    "Western Electric basic rules": (8, None),
    "Nelson rules": (9, 6),
    "NHS Making Data Count": (7, 7),
}
_FLAG_COLUMNS = ["period", "position", "value", "rule", "direction", "signal", "description"]


def _stretches(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each unbroken stretch of True values in a boolean array."""
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def run_rules(
    values, centre, ucl, lcl, run_length: int = 8, trend_length: int | None = 6
) -> pd.DataFrame:
    """Points a control chart flags, one row per point and rule: period, position, value, rule,
    direction (above/below, increasing/decreasing), signal (one number per finding, shared by the
    points of a run) and a plain description.

    Rules: (1) beyond limits: a point above the UCL or below the LCL; (2) run: `run_length` (8) or
    more points in a row strictly on one side of the centre line (a point on the line breaks the
    run); (3) trend: `trend_length` (6) or more points in a row each strictly higher (or each
    strictly lower) than the one before (an equal value breaks the trend); ``None`` checks no
    trend. The defaults mix two published sets (see RULE_SETS): the run of 8 is the fourth of
    Western Electric's four basic rules (1956), which have no trend rule; the trend of 6 is
    Nelson's rule 3 (1984), whose own run rule (rule 2) is 9 points. NHS "Making Data Count"
    uses 7 for both.
    """
    if run_length < 2 or (trend_length is not None and trend_length < 3):
        raise ValueError("run_length must be at least 2 and trend_length at least 3 (or None)")
    series = _as_series(values, "run_rules")
    x = series.to_numpy()
    size = x.size
    centre_line, upper, lower = (
        np.broadcast_to(np.asarray(v, float), (size,)) for v in (centre, ucl, lcl)
    )
    findings: list[tuple[int, str, str, list[int], str]] = []

    for i in np.flatnonzero((x > upper) | (x < lower)):
        if x[i] > upper[i]:
            text = f"above the upper control limit ({upper[i]:.4g})"
            findings.append((i, RULE_BEYOND_LIMITS, "above", [i], text))
        else:
            text = f"below the lower control limit ({lower[i]:.4g})"
            findings.append((i, RULE_BEYOND_LIMITS, "below", [i], text))

    for side, mask in (("above", x > centre_line), ("below", x < centre_line)):
        for start, stop in _stretches(mask):
            if stop - start >= run_length:
                text = f"one of {stop - start} points in a row {side} the centre line"
                findings.append((start, RULE_RUN, side, list(range(start, stop)), text))

    steps = np.diff(x)
    trends = () if trend_length is None else (("increasing", steps > 0), ("decreasing", steps < 0))
    for direction, mask in trends:
        for start, stop in _stretches(mask):
            points = stop - start + 1  # k steps join k + 1 points
            if points >= trend_length:
                text = f"one of {points} points in a row steadily {direction}"
                findings.append((start, RULE_TREND, direction, list(range(start, stop + 1)), text))

    rule_order = {RULE_BEYOND_LIMITS: 0, RULE_RUN: 1, RULE_TREND: 2}
    findings.sort(key=lambda f: (f[0], rule_order[f[1]]))
    rows = [
        {
            "period": series.index[i],
            "position": int(i),
            "value": float(x[i]),
            "rule": rule,
            "direction": direction,
            "signal": signal,
            "description": text,
        }
        for signal, (_, rule, direction, positions, text) in enumerate(findings, start=1)
        for i in positions
    ]
    return pd.DataFrame(rows, columns=_FLAG_COLUMNS)


def chart_signals(
    chart: pd.DataFrame, run_length: int = 8, trend_length: int | None = 6
) -> pd.DataFrame:
    """run_rules applied to a chart table from xmr_chart or p_chart_limits."""
    require_columns(
        chart, ["period", "value", "centre", "ucl", "lcl"], "chart_signals", fix=NAME_YOUR_COLUMN
    )
    values = pd.Series(chart["value"].to_numpy(), index=pd.Index(chart["period"]))
    return run_rules(
        values,
        chart["centre"].to_numpy(),
        chart["ucl"].to_numpy(),
        chart["lcl"].to_numpy(),
        run_length=run_length,
        trend_length=trend_length,
    )
