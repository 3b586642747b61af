"""Statistics for service improvement: before/after comparisons, control charts with run rules,
trends over time, Pareto analysis, and a triangulation of scores with comment themes.

Every result says how sure we can be, not just what the number is: comparisons carry a confidence
interval, a p-value and an effect size, and small samples are flagged with a plain warning rather
than hidden. Formulas are in each function's docstring so a learner can check them by hand.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from svcworkbook.errors import NAME_YOUR_COLUMN, DataError, require_columns

#: A group smaller than this is flagged as a small sample (a common rule of thumb).
MIN_GROUP_SIZE = 30
#: A proportion test is flagged when an expected count of successes or failures is below this.
MIN_EXPECTED_COUNT = 5
#: XmR chart: limits sit 2.66 average moving ranges from the mean (2.66 = 3 / d2, d2 = 1.128).
XMR_SCALE = 2.66
#: XmR chart: the moving-range chart's upper limit is 3.267 x the average moving range (D4, n = 2).
MOVING_RANGE_SCALE = 3.267


# ---------------------------------------------------------------------------------------------
# Before/after comparisons
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A before/after comparison of one measure: estimates, difference, interval, test, effect."""

    measure: str
    kind: str  # "proportion", "duration" or "score"
    statistic: str  # what `before` and `after` are: "proportion", "median" or "mean"
    before: float
    after: float
    difference: float  # after - before
    ci_low: float
    ci_high: float
    confidence: float
    p_value: float
    test: str
    interval: str
    effect_size: float
    effect_size_name: str
    n_before: int
    n_after: int
    small_sample: bool
    warning: str | None

    @property
    def alpha(self) -> float:
        """Significance level = 1 - confidence (0.05 for 95% confidence)."""
        return 1.0 - self.confidence

    @property
    def significant(self) -> bool:
        """True when p < alpha: chance alone is an unlikely explanation for the difference."""
        return bool(self.p_value < self.alpha)

    def to_dict(self) -> dict:
        """The comparison as a plain dict (with `significant`), for recording results."""
        record = asdict(self)
        record["significant"] = self.significant
        return record


def _check_confidence(confidence: float) -> float:
    """Confidence must lie strictly between 0 and 1 (e.g. 0.95)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence!r}")
    return float(confidence)


def _z_value(confidence: float) -> float:
    """Two-sided normal quantile: z such that P(-z < Z < z) = confidence (1.96 for 95%)."""
    return float(sps.norm.ppf(1 - (1 - _check_confidence(confidence)) / 2))


def _check_count(successes: int, n: int, name: str) -> tuple[int, int]:
    """Counts must be whole numbers with 0 <= successes <= n and n > 0."""
    for label, value in (("successes", successes), ("n", n)):
        if isinstance(value, bool) or not float(value).is_integer():
            raise DataError(f"{name}: {label} must be a whole number, not {value!r}")
    successes, n = int(successes), int(n)
    if n <= 0:
        raise DataError(f"{name}: n must be at least 1 (got {n}); there is nothing to compare")
    if not 0 <= successes <= n:
        raise DataError(
            f"{name}: successes ({successes}) must be between 0 and n ({n}); check the counts"
        )
    return successes, n


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion p = x/n:
    (p + z^2/2n +/- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)."""
    successes, n = _check_count(successes, n, "wilson_interval")
    z = _z_value(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def _small_sample_warning(reasons: list[str]) -> str | None:
    """Join the reasons a sample is small into one plain warning (None if there are none)."""
    if not reasons:
        return None
    return (
        "Small sample: "
        + "; ".join(reasons)
        + ". Treat the result as a first indication, not firm evidence."
    )


def _size_reasons(n_before: int, n_after: int) -> list[str]:
    """Reasons from group sizes: each group below MIN_GROUP_SIZE is named with its size."""
    return [
        f"only {n} {group} the change (fewer than {MIN_GROUP_SIZE})"
        for group, n in (("before", n_before), ("after", n_after))
        if n < MIN_GROUP_SIZE
    ]


def compare_proportions(
    successes_before: int,
    n_before: int,
    successes_after: int,
    n_after: int,
    confidence: float = 0.95,
    measure: str = "proportion",
) -> Comparison:
    """Compare two proportions (after - before) with a Newcombe interval and a two-proportion z-test.

    Interval: Newcombe's hybrid score method (method 10 in Newcombe 1998, Statistics in Medicine
    17:873-890), built from the two Wilson intervals (l1, u1) before and (l2, u2) after:
    d - sqrt((p2 - l2)^2 + (u1 - p1)^2) to d + sqrt((u2 - p2)^2 + (p1 - l1)^2), d = p2 - p1.
    Test: the pooled two-proportion z-test, z = d / sqrt(p(1-p)(1/n1 + 1/n2)) with
    p = (x1 + x2)/(n1 + n2), two-sided. This equals the chi-squared test of the 2x2 table WITHOUT
    Yates' continuity correction (z^2 = chi^2). Note that ``scipy.stats.chi2_contingency`` applies
    Yates' correction to 2x2 tables by default, so its p-value is larger than this one.
    Effect size: Cohen's h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1)) (0.2 small, 0.5 medium, 0.8 large).
    Small sample: a group below MIN_GROUP_SIZE or an expected count (under the pooled p) below 5.
    """
    x1, n1 = _check_count(successes_before, n_before, f"compare_proportions ({measure}, before)")
    x2, n2 = _check_count(successes_after, n_after, f"compare_proportions ({measure}, after)")
    p1, p2 = x1 / n1, x2 / n2
    difference = p2 - p1
    l1, u1 = wilson_interval(x1, n1, confidence)
    l2, u2 = wilson_interval(x2, n2, confidence)
    ci_low = max(-1.0, difference - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2))
    ci_high = min(1.0, difference + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2))

    pooled = (x1 + x2) / (n1 + n2)
    standard_error = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if standard_error == 0:  # every case a success (or every case a failure) in both groups
        p_value = 1.0
    else:
        p_value = float(2 * sps.norm.sf(abs(difference / standard_error)))
    cohens_h = 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))

    reasons = _size_reasons(n1, n2)
    expected = {
        "successes before": n1 * pooled,
        "failures before": n1 * (1 - pooled),
        "successes after": n2 * pooled,
        "failures after": n2 * (1 - pooled),
    }
    low = [f"{name} {value:.1f}" for name, value in expected.items() if value < MIN_EXPECTED_COUNT]
    if low:
        reasons.append(
            f"expected counts below {MIN_EXPECTED_COUNT} ({', '.join(low)}), "
            "so the z-test's normal approximation is unreliable"
        )
    return Comparison(
        measure=measure,
        kind="proportion",
        statistic="proportion",
        before=p1,
        after=p2,
        difference=difference,
        ci_low=ci_low,
        ci_high=ci_high,
        confidence=_check_confidence(confidence),
        p_value=p_value,
        test="pooled two-proportion z-test without continuity correction",
        interval="Newcombe hybrid score interval",
        effect_size=cohens_h,
        effect_size_name="Cohen's h",
        n_before=n1,
        n_after=n2,
        small_sample=bool(reasons),
        warning=_small_sample_warning(reasons),
    )


def _clean_values(values: Iterable, name: str, group: str, minimum: int = 2) -> np.ndarray:
    """Numbers as a float array with blanks dropped; fewer than `minimum` left is a DataError."""
    try:
        array = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="raise")
    except (ValueError, TypeError) as error:
        raise DataError(
            f"{name}: the {group} values must be numbers ({error}); "
            "convert text such as '4:05' to seconds first"
        ) from None
    array = array.to_numpy(dtype=float)
    array = array[~np.isnan(array)]
    if array.size < minimum:
        raise DataError(
            f"{name}: only {array.size} value(s) {group} the change; at least {minimum} are "
            "needed. Choose a change date with data on both sides or a longer period."
        )
    return array


def _bootstrap_median_differences(
    before: np.ndarray, after: np.ndarray, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Bootstrap replicates of median(after*) - median(before*), resampling each group separately."""
    replicates = np.empty(n_boot)
    chunk = max(1, 2_000_000 // max(before.size, after.size))  # keep memory small on big logs
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        resampled_before = rng.choice(before, size=(size, before.size), replace=True)
        resampled_after = rng.choice(after, size=(size, after.size), replace=True)
        replicates[start : start + size] = np.median(resampled_after, axis=1) - np.median(
            resampled_before, axis=1
        )
    return replicates


def compare_durations(
    before: Iterable[float],
    after: Iterable[float],
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    measure: str = "duration",
) -> Comparison:
    """Compare two sets of durations by their medians: median(after) - median(before).

    Durations (waits, handle times) are skewed, so the median is the summary. Interval: percentile
    bootstrap (resample each group with replacement `n_boot` times, take the middle `confidence`
    share of the median differences); `seed` makes it repeatable. Test: Mann-Whitney U, two-sided
    (scipy chooses the exact test for small samples without ties, else the normal approximation);
    it asks whether one group tends to be larger, which is not exactly a test of the medians.
    Effect size: rank-biserial correlation r = 2U/(n1 n2) - 1 = P(after > before) - P(after <
    before), from -1 to 1. Blanks are left out and the group sizes count only the values used.
    """
    confidence = _check_confidence(confidence)
    if n_boot < 100:
        raise ValueError(f"n_boot must be at least 100 for a usable interval, not {n_boot}")
    first = _clean_values(before, f"compare_durations ({measure})", "before")
    second = _clean_values(after, f"compare_durations ({measure})", "after")
    for group, array in (("before", first), ("after", second)):
        if (array < 0).any():
            raise DataError(
                f"compare_durations ({measure}): {int((array < 0).sum())} negative duration(s) "
                f"{group} the change; durations are seconds >= 0, so check how they were computed"
            )
    difference = float(np.median(second) - np.median(first))
    replicates = _bootstrap_median_differences(first, second, n_boot, np.random.default_rng(seed))
    alpha = 1 - confidence
    ci_low, ci_high = np.quantile(replicates, [alpha / 2, 1 - alpha / 2])
    result = sps.mannwhitneyu(second, first, alternative="two-sided")
    rank_biserial = 2 * float(result.statistic) / (first.size * second.size) - 1
    reasons = _size_reasons(first.size, second.size)
    return Comparison(
        measure=measure,
        kind="duration",
        statistic="median",
        before=float(np.median(first)),
        after=float(np.median(second)),
        difference=difference,
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        confidence=confidence,
        p_value=float(result.pvalue),
        test="Mann-Whitney U test",
        interval=f"percentile bootstrap of the median difference ({n_boot} resamples)",
        effect_size=rank_biserial,
        effect_size_name="rank-biserial correlation",
        n_before=int(first.size),
        n_after=int(second.size),
        small_sample=bool(reasons),
        warning=_small_sample_warning(reasons),
    )


def hedges_g(before: np.ndarray, after: np.ndarray) -> float:
    """Hedges' g = Cohen's d x (1 - 3 / (4(n1 + n2) - 9)), d = (mean2 - mean1) / pooled SD."""
    n1, n2 = before.size, after.size
    pooled_sd = math.sqrt(
        ((n1 - 1) * before.var(ddof=1) + (n2 - 1) * after.var(ddof=1)) / (n1 + n2 - 2)
    )
    if pooled_sd == 0:
        return float("nan")
    cohens_d = (after.mean() - before.mean()) / pooled_sd
    return float(cohens_d * (1 - 3 / (4 * (n1 + n2) - 9)))


def compare_means(
    before: Iterable[float],
    after: Iterable[float],
    confidence: float = 0.95,
    measure: str = "score",
) -> Comparison:
    """Compare two means (after - before) with Welch's t-test and its confidence interval.

    Welch: se = sqrt(s1^2/n1 + s2^2/n2), t = difference / se, degrees of freedom by the
    Welch-Satterthwaite formula df = se^4 / ((s1^2/n1)^2/(n1-1) + (s2^2/n2)^2/(n2-1)); interval =
    difference +/- t(df) x se. It does not assume equal spreads. Effect size: Hedges' g (Cohen's d
    corrected for small samples; 0.2 small, 0.5 medium, 0.8 large). Use it for scores such as CSAT
    1-5 or a quality score; blanks are left out.
    """
    confidence = _check_confidence(confidence)
    first = _clean_values(before, f"compare_means ({measure})", "before")
    second = _clean_values(after, f"compare_means ({measure})", "after")
    n1, n2 = first.size, second.size
    v1, v2 = first.var(ddof=1) / n1, second.var(ddof=1) / n2
    difference = float(second.mean() - first.mean())
    standard_error = math.sqrt(v1 + v2)
    if standard_error == 0:  # no variation at all inside either group
        p_value = 1.0 if difference == 0 else 0.0
        ci_low = ci_high = difference
    else:
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        p_value = float(2 * sps.t.sf(abs(difference / standard_error), df))
        margin = float(sps.t.ppf(1 - (1 - confidence) / 2, df)) * standard_error
        ci_low, ci_high = difference - margin, difference + margin
    reasons = _size_reasons(n1, n2)
    return Comparison(
        measure=measure,
        kind="score",
        statistic="mean",
        before=float(first.mean()),
        after=float(second.mean()),
        difference=difference,
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        confidence=confidence,
        p_value=p_value,
        test="Welch's t-test",
        interval="Welch t interval",
        effect_size=hedges_g(first, second),
        effect_size_name="Hedges' g",
        n_before=int(n1),
        n_after=int(n2),
        small_sample=bool(reasons),
        warning=_small_sample_warning(reasons),
    )


def _as_yes_no(values: pd.Series, column: str) -> pd.Series:
    """A yes/no column as bool with blanks dropped; anything but True/False/1/0 is a DataError."""
    present = values.dropna()
    allowed = present.map(lambda v: isinstance(v, bool | np.bool_) or v in (0, 1))
    if not allowed.all():
        examples = ", ".join(repr(v) for v in present[~allowed].unique()[:3])
        raise DataError(
            f"before_after: column {column!r} must hold True/False (or 1/0) for a proportion, "
            f"but has {examples} in rows {list(present[~allowed].index[:5])}. Make a yes/no "
            "column first, e.g. data['satisfied'] = data['csat'] >= 4."
        )
    return present.astype(bool)


def before_after(
    data: pd.DataFrame,
    date_column: str,
    change_date,
    measure: str,
    kind: str = "proportion",
    label: str | None = None,
    confidence: float = 0.95,
    **options,
) -> Comparison:
    """Split rows at `change_date` (before: date < change; after: date >= change) and compare.

    kind "proportion" (a True/False column, e.g. resolved_first_contact) uses compare_proportions;
    "duration" (seconds, e.g. handle_time_s) uses compare_durations; "score" (e.g. csat) uses
    compare_means. `options` go to the chosen function (e.g. n_boot, seed).
    """
    choices = ("proportion", "duration", "score")
    if kind not in choices:
        raise ValueError(f"kind must be one of {', '.join(choices)}, not {kind!r}")
    require_columns(data, [date_column, measure], "before_after", fix=NAME_YOUR_COLUMN)
    dates = data[date_column]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        try:
            dates = pd.to_datetime(dates)
        except (ValueError, TypeError) as error:
            raise DataError(
                f"before_after: column {date_column!r} could not be read as dates ({error}); "
                "load the file with svcworkbook.data.loading so dates are parsed"
            ) from None
    missing_dates = dates.isna()
    if missing_dates.any():
        raise DataError(
            f"before_after: {int(missing_dates.sum())} row(s) have no {date_column!r} (rows "
            f"{list(data.index[missing_dates][:5])}); fill in or remove them before comparing"
        )
    change = pd.Timestamp(change_date)
    is_after = dates >= change
    for group, rows in (("before", ~is_after), ("after", is_after)):
        if not rows.any():
            raise DataError(
                f"before_after: no rows {group} {change:%d %b %Y}; the dates run from "
                f"{dates.min():%d %b %Y} to {dates.max():%d %b %Y}. Choose a change date "
                "inside that range."
            )
    label = label or measure
    if kind == "proportion" and options:
        raise ValueError(f"options {sorted(options)} do not apply to kind='proportion'")
    if kind == "proportion":
        before = _as_yes_no(data.loc[~is_after, measure], measure)
        after = _as_yes_no(data.loc[is_after, measure], measure)
        if before.empty or after.empty:
            raise DataError(
                f"before_after: column {measure!r} is blank on one side of the change date"
            )
        return compare_proportions(
            int(before.sum()),
            before.size,
            int(after.sum()),
            after.size,
            confidence=confidence,
            measure=label,
        )
    compare = compare_durations if kind == "duration" else compare_means
    return compare(
        data.loc[~is_after, measure],
        data.loc[is_after, measure],
        confidence=confidence,
        measure=label,
        **options,
    )


# ---------------------------------------------------------------------------------------------
# Control charts and run rules
# ---------------------------------------------------------------------------------------------


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
_FLAG_COLUMNS = ["period", "position", "value", "rule", "direction", "signal", "description"]


def _stretches(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each unbroken stretch of True values in a boolean array."""
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def run_rules(values, centre, ucl, lcl, run_length: int = 8, trend_length: int = 6) -> pd.DataFrame:
    """Points a control chart flags, one row per point and rule: period, position, value, rule,
    direction (above/below, increasing/decreasing), signal (one number per finding, shared by the
    points of a run) and a plain description.

    Rules: (1) beyond limits: a point above the UCL or below the LCL; (2) run: `run_length` (8) or
    more points in a row strictly on one side of the centre line (a point on the line breaks the
    run); (3) trend: `trend_length` (6) or more points in a row each strictly higher (or each
    strictly lower) than the one before (an equal value breaks the trend). Western Electric and
    Nelson rules use these lengths; NHS "Making Data Count" uses 7 for both.
    """
    if run_length < 2 or trend_length < 3:
        raise ValueError("run_length must be at least 2 and trend_length at least 3")
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
    for direction, mask in (("increasing", steps > 0), ("decreasing", steps < 0)):
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


def chart_signals(chart: pd.DataFrame, run_length: int = 8, trend_length: int = 6) -> pd.DataFrame:
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


# ---------------------------------------------------------------------------------------------
# Trend over time
# ---------------------------------------------------------------------------------------------


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
    fit = sps.linregress(x[present], series.to_numpy()[present])
    degrees = int(present.sum()) - 2
    margin = float(sps.t.ppf(1 - (1 - confidence) / 2, degrees)) * fit.stderr
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


# ---------------------------------------------------------------------------------------------
# Pareto analysis
# ---------------------------------------------------------------------------------------------

#: Label used for blank categories, which are counted rather than silently dropped.
NOT_RECORDED = "not recorded"


def pareto_counts(counts: Mapping[str, float] | pd.Series, threshold: float = 0.8) -> pd.DataFrame:
    """Pareto table from counts per category: category, count, share = count / total,
    cumulative_share, vital_few = categories up to and including the first that reaches
    `threshold` (80%). Sorted by count (largest first), ties by category name."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be a share between 0 and 1 (e.g. 0.8), not {threshold}")
    series = pd.Series(counts, dtype="object") if isinstance(counts, Mapping) else counts
    table = pd.DataFrame(
        {"category": [str(c) for c in series.index], "count": pd.to_numeric(series.to_numpy())}
    )
    if table.empty or (table["count"] < 0).any() or table["count"].sum() <= 0:
        raise DataError(
            "pareto: counts must be zero or more with a positive total; got "
            f"{dict(zip(table['category'], table['count'], strict=True))}"
        )
    if table["category"].duplicated().any():
        raise DataError(
            f"pareto: categories repeated: {sorted(set(table['category'][table['category'].duplicated()]))}; "
            "add their counts together first"
        )
    table = table.sort_values(["count", "category"], ascending=[False, True], ignore_index=True)
    total = table["count"].sum()
    cumulative = table["count"].cumsum()
    table["share"] = table["count"] / total
    table["cumulative_share"] = cumulative / total
    reached = np.flatnonzero(cumulative.to_numpy() >= threshold * total - 1e-9 * total)
    table["vital_few"] = table.index <= reached[0]
    return table


def pareto(categories: Iterable, threshold: float = 0.8) -> pd.DataFrame:
    """Pareto table from one label per case (e.g. a complaint's root cause); blanks are counted
    as 'not recorded'. See pareto_counts for the columns."""
    labels = pd.Series(list(categories), dtype="object")
    labels = labels.where(labels.notna() & (labels.astype(str).str.strip() != ""), NOT_RECORDED)
    return pareto_counts(labels.astype(str).value_counts(), threshold=threshold)


# ---------------------------------------------------------------------------------------------
# Comment themes and triangulation
# ---------------------------------------------------------------------------------------------

#: Keyword coding of free-text comments: {theme: [keywords]}. Read and edit it freely. Matching
#: ignores case and matches whole words; a keyword ending in * matches any word starting with it
#: ("wait*" matches wait, waited, waiting). A theme says what a comment is about, not whether it
#: is praise or criticism: the score says that.
THEME_KEYWORDS: dict[str, list[str]] = {
    "waiting time": [
        "wait*",
        "queue*",
        "on hold",
        "hold music",
        "slow*",
        "quick*",
        "fast",
        "speed*",
        "ages",
        "delay*",
        "prompt*",
        "straight through",
    ],
    "staff attitude": [
        "rude*",
        "friendly",
        "unfriendly",
        "helpful",
        "unhelpful",
        "polite*",
        "impolite",
        "patient",
        "impatient",
        "kind*",
        "attitude",
        "courteous",
        "dismissive",
        "caring",
        "lovely",
        "manner*",
        "empath*",
        "listened",
        "respect*",
    ],
    "resolution": [
        "resolv*",
        "unresolved",
        "fixed",
        "not fixed",
        "sorted",
        "solved",
        "solution*",
        "still broken",
        "still waiting",
        "first time",
        "went away",
        "no answer",
    ],
    "billing and price": [
        "bill*",
        "charg*",
        "overcharg*",
        "price*",
        "pricing",
        "refund*",
        "invoice*",
        "payment*",
        "paid",
        "cost*",
        "expensive",
        "money",
        "fee*",
    ],
    "communication": [
        "updat*",
        "inform*",
        "told",
        "explain*",
        "kept me",
        "call back",
        "called back",
        "never called",
        "rang back",
        "follow up",
        "followed up",
        "clear*",
        "confus*",
        "jargon",
        "letter*",
    ],
    "website and app": [
        "website",
        "web site",
        "online",
        "app",
        "log in",
        "login",
        "password*",
        "portal",
        "chatbot",
        "bot",
    ],
    "delivery": [
        "deliver*",
        "parcel*",
        "courier*",
        "dispatch*",
        "arriv*",
        "missing item*",
        "tracking",
    ],
    "product knowledge": [
        "knowledg*",
        "knew",
        "clueless",
        "expert*",
        "trained",
        "untrained",
        "understood",
        "did not understand",
        "didn't understand",
    ],
}
#: Theme given to comments that match no keyword (shown, not dropped).
NO_THEME = "(no theme)"


def keyword_pattern(keyword: str) -> re.Pattern:
    """A case-insensitive whole-word pattern for one keyword; a trailing * allows any ending."""
    text = keyword.strip().lower()
    if not text or text == "*":
        raise ValueError(f"a theme keyword must contain a word, not {keyword!r}")
    stem, wildcard = (text[:-1], True) if text.endswith("*") else (text, False)
    words = r"\s+".join(re.escape(word) for word in stem.split())
    return re.compile(r"\b" + words + (r"\w*" if wildcard else r"\b"), re.IGNORECASE)


def _theme_patterns(keywords: Mapping[str, Sequence[str]]) -> dict[str, list[re.Pattern]]:
    """Compiled patterns per theme; an empty theme or a bare string is a ValueError."""
    if not keywords:
        raise ValueError("keywords must name at least one theme, e.g. {'waiting time': ['wait*']}")
    patterns = {}
    for theme, words in keywords.items():
        if theme in ("comment", "themes", NO_THEME):
            raise ValueError(f"{theme!r} is reserved; give the theme another name")
        if isinstance(words, str) or not words:
            raise ValueError(
                f"theme {theme!r} needs a list of keywords, e.g. ['wait*', 'queue'], not {words!r}"
            )
        patterns[theme] = [keyword_pattern(word) for word in words]
    return patterns


def code_themes(
    comments: Iterable, keywords: Mapping[str, Sequence[str]] = THEME_KEYWORDS
) -> pd.DataFrame:
    """Tag each comment with the themes whose keywords it contains: columns comment, themes
    ('; '-joined, '' if none) and one True/False column per theme. Blank comments match nothing."""
    patterns = _theme_patterns(keywords)
    texts = comments if isinstance(comments, pd.Series) else pd.Series(list(comments))
    texts = texts.astype("object").where(texts.notna(), "").astype(str)
    found = texts.map(
        lambda text: [theme for theme, ps in patterns.items() if any(p.search(text) for p in ps)]
    )
    table = pd.DataFrame({"comment": texts, "themes": found.map("; ".join)})
    for theme in patterns:
        table[theme] = found.map(lambda themes, name=theme: name in themes).astype(bool)
    return table[["comment", "themes", *patterns]]


def triangulate(
    surveys: pd.DataFrame,
    score: str = "csat",
    comment: str = "comment",
    keywords: Mapping[str, Sequence[str]] = THEME_KEYWORDS,
    low_at_or_below: float = 2,
) -> pd.DataFrame:
    """Join scores with comment themes: per theme, mentions (comments coded to it), share of
    comments, mean score, share of low scores (<= `low_at_or_below`, e.g. CSAT 1-2) and an example
    (the lowest-scoring comment, alphabetical among ties). Comments with no theme get their own
    row. Only rows with a comment count; a comment can carry several themes."""
    require_columns(surveys, [score, comment], "triangulate", fix=NAME_YOUR_COLUMN)
    has_comment = surveys[comment].notna() & (surveys[comment].astype(str).str.strip() != "")
    answered = surveys.loc[has_comment]
    scores = pd.to_numeric(answered[score], errors="coerce")
    coded = code_themes(answered[comment], keywords)
    themes = [t for t in coded.columns if t not in ("comment", "themes")]
    coded[NO_THEME] = ~coded[themes].any(axis=1)
    rows = []
    for theme in [*themes, NO_THEME]:
        mask = coded[theme].to_numpy()
        theme_scores = scores[mask]
        examples = pd.DataFrame({"score": theme_scores, "comment": coded["comment"][mask]})
        examples = examples.sort_values(["score", "comment"], na_position="last")
        rows.append(
            {
                "theme": theme,
                "mentions": int(mask.sum()),
                "share_of_comments": float(mask.mean()) if mask.size else float("nan"),
                "mean_score": float(theme_scores.mean())
                if theme_scores.notna().any()
                else float("nan"),
                "low_score_share": (
                    float((theme_scores.dropna() <= low_at_or_below).mean())
                    if theme_scores.notna().any()
                    else float("nan")
                ),
                "example_comment": examples["comment"].iloc[0] if len(examples) else "",
            }
        )
    table = pd.DataFrame(rows)
    order = table["theme"].eq(NO_THEME)
    table = pd.concat(
        [
            table[~order].sort_values(["mentions", "theme"], ascending=[False, True]),
            table[order],
        ],
        ignore_index=True,
    )
    return table
