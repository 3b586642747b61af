"""Paired comparisons: the same cases measured twice (the same contacts handled two ways).

When every case appears in both groups, comparing each case with itself removes the variation
between cases, so the tests for two separate groups (z-test, Welch, Mann-Whitney) are the wrong
ones (issue 17, finding 13):

* yes/no results (answered in time, resolved first time): **McNemar's test**, which uses only the
  cases that changed, b (yes before, no after) and c (no before, yes after);
* numbers (waits, hours to resolve): the **Wilcoxon signed-rank test** on each case's difference
  (scipy.stats.wilcoxon), which suits skewed times and needs no normal distribution.

Each returns a :class:`~svcworkbook.analysis.comparisons.Comparison` like the unpaired tests, so
the sentences that describe comparisons work unchanged.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps

from svcworkbook.analysis.comparisons import (
    MIN_GROUP_SIZE,
    Comparison,
    _check_confidence,
    _small_sample_warning,
    resampled_medians,
)
from svcworkbook.errors import DataError


def _pairs(before, after, name: str, dtype) -> tuple[np.ndarray, np.ndarray]:
    """The two measurements of each case as arrays of the same length (DataError otherwise)."""
    first, second = np.asarray(before, dtype=dtype), np.asarray(after, dtype=dtype)
    if first.shape != second.shape or first.ndim != 1:
        raise DataError(
            f"{name}: a paired comparison needs one value per case in each group, in the same "
            f"order; got {first.size} and {second.size} values"
        )
    if first.size == 0:
        raise DataError(f"{name}: no cases to compare")
    return first, second


def compare_paired_proportions(
    before, after, confidence: float = 0.95, measure: str = "proportion"
) -> Comparison:
    """Compare a yes/no result measured twice on the same cases: after share - before share.

    With b = cases yes before and no after, c = cases no before and yes after, n = cases:
    difference = (c - b) / n; interval (Wald for paired proportions) difference +/- z x
    sqrt((b + c) / n - difference^2) / sqrt(n); test: McNemar's exact test, a binomial test of c
    out of b + c against 1/2 (scipy.stats.binomtest), so only the cases that changed count.
    Effect size: Cohen's h of the two shares, 2 asin(sqrt(p2)) - 2 asin(sqrt(p1)).
    """
    confidence = _check_confidence(confidence)
    first, second = _pairs(before, after, f"compare_paired_proportions ({measure})", bool)
    n = int(first.size)
    b = int(np.sum(first & ~second))
    c = int(np.sum(~first & second))
    p1, p2 = float(first.mean()), float(second.mean())
    difference = (c - b) / n
    spread = float(sps.norm.ppf(0.5 + confidence / 2)) * math.sqrt(
        max((b + c) / n - difference**2, 0.0) / n
    )
    p_value = 1.0 if b + c == 0 else float(sps.binomtest(c, b + c, 0.5).pvalue)
    reasons = (
        [f"only {n} cases measured twice (fewer than {MIN_GROUP_SIZE})"]
        if n < MIN_GROUP_SIZE
        else []
    )
    if 0 < b + c < 10:
        reasons.append(f"only {b + c} cases changed between the two")
    return Comparison(
        measure=measure,
        kind="proportion",
        statistic="proportion",
        before=p1,
        after=p2,
        difference=difference,
        ci_low=difference - spread,
        ci_high=difference + spread,
        confidence=confidence,
        p_value=p_value,
        test="McNemar's exact test (paired)",
        interval="Wald interval for paired proportions",
        effect_size=2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1)),
        effect_size_name="Cohen's h",
        n_before=n,
        n_after=n,
        small_sample=bool(reasons),
        warning=_small_sample_warning(reasons),
    )


def matched_rank_biserial(differences: np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation = (sum of ranks of positive differences - sum of
    ranks of negative ones) / sum of all ranks, ranking |difference| with zeros left out; -1 to 1."""
    nonzero = differences[differences != 0]
    if nonzero.size == 0:
        return 0.0
    ranks = sps.rankdata(np.abs(nonzero))
    return float((ranks[nonzero > 0].sum() - ranks[nonzero < 0].sum()) / ranks.sum())


def compare_paired_values(
    before,
    after,
    statistic: str = "mean",
    confidence: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
    measure: str = "value",
) -> Comparison:
    """Compare a number measured twice on the same cases: statistic(after) - statistic(before).

    statistic "mean": the mean of the differences with a t interval, mean(d) +/- t x sd(d) /
    sqrt(n); "median": the difference of the two medians with a paired bootstrap interval
    (cases resampled with both values kept together, n_boot times, percentiles). Test for both:
    the Wilcoxon signed-rank test on the differences (scipy.stats.wilcoxon, zero differences
    dropped). Effect size: the matched-pairs rank-biserial correlation.
    """
    confidence = _check_confidence(confidence)
    if statistic not in ("mean", "median"):
        raise ValueError(f"statistic must be 'mean' or 'median', not {statistic!r}")
    first, second = _pairs(before, after, f"compare_paired_values ({measure})", float)
    if np.isnan(first).any() or np.isnan(second).any():
        raise DataError(f"compare_paired_values ({measure}): a case has a blank value")
    n = int(first.size)
    if n < 2:
        raise DataError(f"compare_paired_values ({measure}): needs at least 2 cases, got {n}")
    differences = second - first
    if statistic == "mean":
        before_value, after_value = float(first.mean()), float(second.mean())
        difference = float(differences.mean())
        half = sps.t.ppf(0.5 + confidence / 2, n - 1) * differences.std(ddof=1) / math.sqrt(n)
        low, high, interval = difference - half, difference + half, "t interval of the differences"
    else:
        before_value, after_value = float(np.median(first)), float(np.median(second))
        difference = after_value - before_value
        rng = np.random.default_rng(seed)
        picks = rng.integers(0, n, size=(n_boot, n))
        boot = resampled_medians(second, picks) - resampled_medians(first, picks)
        tail = (1 - confidence) / 2 * 100
        low, high = (float(v) for v in np.percentile(boot, [tail, 100 - tail]))
        interval = "paired bootstrap percentile interval"
    p_value = 1.0 if not np.any(differences) else float(sps.wilcoxon(differences).pvalue)
    reasons = (
        [f"only {n} cases measured twice (fewer than {MIN_GROUP_SIZE})"]
        if n < MIN_GROUP_SIZE
        else []
    )
    return Comparison(
        measure=measure,
        kind="duration" if statistic == "median" else "score",
        statistic=statistic,
        before=before_value,
        after=after_value,
        difference=difference,
        ci_low=float(low),
        ci_high=float(high),
        confidence=confidence,
        p_value=p_value,
        test="Wilcoxon signed-rank test (paired)",
        interval=interval,
        effect_size=matched_rank_biserial(differences),
        effect_size_name="matched-pairs rank-biserial correlation",
        n_before=n,
        n_after=n,
        small_sample=bool(reasons),
        warning=_small_sample_warning(reasons),
    )
