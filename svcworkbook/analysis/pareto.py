"""Pareto analysis: the few categories (root causes, complaint types) behind most of the cases.

A table sorted by count with each category's share and the cumulative share, marking the "vital
few" up to the first category that reaches the threshold (80% by default).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from svcworkbook.errors import DataError

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
