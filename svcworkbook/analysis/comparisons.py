"""Before/after comparisons: did a change make a difference, and how sure can we be?

Proportions (e.g. first contact resolution) by a Newcombe interval and a two-proportion z-test,
durations (waits, handle times) by their medians with a bootstrap interval and Mann-Whitney U,
scores (CSAT, quality) by Welch's t-test; :func:`before_after` splits a log at the change date and
picks the right one. Every result carries a confidence interval, a p-value and an effect size, and
small samples are flagged with a plain warning rather than hidden. Formulas are in each
function's docstring so a learner can check them by hand; the sums are left to scipy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from svcworkbook.errors import NAME_YOUR_COLUMN, DataError, require_columns

#: A group smaller than this is flagged as a small sample (a common rule of thumb).
MIN_GROUP_SIZE = 30
#: A proportion test is flagged when an expected count of successes or failures is below this.
MIN_EXPECTED_COUNT = 5


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
    (p + z^2/2n +/- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), clipped to [0, 1].

    Worked out by scipy (``binomtest(x, n).proportion_ci(method="wilson")``, without continuity
    correction), which gives exactly this formula with z the two-sided normal quantile.
    """
    successes, n = _check_count(successes, n, "wilson_interval")
    interval = sps.binomtest(successes, n).proportion_ci(
        confidence_level=_check_confidence(confidence), method="wilson"
    )
    return max(0.0, float(interval.low)), min(1.0, float(interval.high))


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


def resampled_medians(values: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """The median of each row of values[picks], exactly as np.median(values[picks], axis=1).

    Written by hand because np.median sorts every resample (most of a unit's run time went on it):
    here each resample is counted over the sorted distinct values instead. The k-th smallest of
    a row is the first distinct value whose running count passes k; with an even count the median
    is the mean of the two middle values, (a + b) / 2, as np.median takes it.
    """
    distinct, codes = np.unique(values, return_inverse=True)
    rows, n = picks.shape
    width = distinct.size
    medians = np.empty(rows)
    # working arrays of about 250,000 cells stay in the processor's cache (measured fastest), so
    # their cell numbers fit in 32 bits, which halves the memory each step reads
    chunk = max(1, 250_000 // max(n, width))
    codes = codes.astype(np.int32) if chunk * width < 2**31 else codes
    for start in range(0, rows, chunk):
        block = picks[start : start + chunk]
        offsets = (np.arange(block.shape[0], dtype=codes.dtype) * width)[:, None]
        counts = np.bincount((codes[block] + offsets).ravel(), minlength=block.shape[0] * width)
        running = counts.reshape(block.shape[0], width).cumsum(axis=1)
        lower = (running > (n - 1) // 2).argmax(axis=1)
        upper = (running > n // 2).argmax(axis=1)
        medians[start : start + chunk] = (distinct[lower] + distinct[upper]) / 2
    return medians


def _bootstrap_median_differences(
    before: np.ndarray, after: np.ndarray, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Bootstrap replicates of median(after*) - median(before*), resampling each group separately."""
    replicates = np.empty(n_boot)
    chunk = max(1, 2_000_000 // max(before.size, after.size))  # keep memory small on big logs
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        # the same draws as rng.choice(group, size=(size, group.size), replace=True)
        picks_before = rng.integers(0, before.size, size=(size, before.size))
        picks_after = rng.integers(0, after.size, size=(size, after.size))
        replicates[start : start + size] = resampled_medians(after, picks_after) - (
            resampled_medians(before, picks_before)
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
    difference +/- t(df) x se. It does not assume equal spreads; scipy works it out
    (``scipy.stats.ttest_ind(after, before, equal_var=False)``). Effect size: Hedges' g (Cohen's d
    corrected for small samples; 0.2 small, 0.5 medium, 0.8 large). Use it for scores such as CSAT
    1-5 or a quality score; blanks are left out.
    """
    confidence = _check_confidence(confidence)
    first = _clean_values(before, f"compare_means ({measure})", "before")
    second = _clean_values(after, f"compare_means ({measure})", "after")
    n1, n2 = first.size, second.size
    difference = float(second.mean() - first.mean())
    if first.var(ddof=1) + second.var(ddof=1) == 0:  # no variation in either group: se = 0
        p_value = 1.0 if difference == 0 else 0.0
        ci_low = ci_high = difference
    else:
        welch = sps.ttest_ind(second, first, equal_var=False)
        interval = welch.confidence_interval(confidence_level=confidence)
        p_value, ci_low, ci_high = float(welch.pvalue), interval.low, interval.high
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
