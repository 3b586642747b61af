"""Statistics for service improvement, in one place to use them from (``stats.compare_means``):
before/after comparisons (:mod:`~svcworkbook.analysis.comparisons`), control charts with run
rules (:mod:`~svcworkbook.analysis.control_charts`), trends over time
(:mod:`~svcworkbook.analysis.trends`), Pareto analysis (:mod:`~svcworkbook.analysis.pareto`),
and a triangulation of scores with comment themes (:mod:`~svcworkbook.analysis.themes`).

Every result says how sure we can be, not just what the number is: comparisons carry a confidence
interval, a p-value and an effect size, and small samples are flagged with a plain warning rather
than hidden. Formulas are in each function's docstring so a learner can check them by hand.
"""

from svcworkbook.analysis.comparisons import (
    MIN_EXPECTED_COUNT,
    MIN_GROUP_SIZE,
    Comparison,
    before_after,
    compare_durations,
    compare_means,
    compare_proportions,
    hedges_g,
    wilson_interval,
)
from svcworkbook.analysis.control_charts import (
    MOVING_RANGE_SCALE,
    RULE_BEYOND_LIMITS,
    RULE_RUN,
    RULE_SETS,
    RULE_TREND,
    XMR_SCALE,
    XmRLimits,
    chart_signals,
    moving_ranges,
    p_chart_limits,
    run_rules,
    xmr_chart,
    xmr_limits,
)
from svcworkbook.analysis.paired import (
    compare_paired_proportions,
    compare_paired_values,
    matched_rank_biserial,
)
from svcworkbook.analysis.pareto import NOT_RECORDED, pareto, pareto_counts
from svcworkbook.analysis.themes import (
    NO_THEME,
    THEME_KEYWORDS,
    code_themes,
    keyword_pattern,
    triangulate,
)
from svcworkbook.analysis.trends import Trend, trend

__all__ = [
    "MIN_EXPECTED_COUNT",
    "MIN_GROUP_SIZE",
    "MOVING_RANGE_SCALE",
    "NOT_RECORDED",
    "NO_THEME",
    "RULE_BEYOND_LIMITS",
    "RULE_RUN",
    "RULE_SETS",
    "RULE_TREND",
    "THEME_KEYWORDS",
    "XMR_SCALE",
    "Comparison",
    "Trend",
    "XmRLimits",
    "before_after",
    "chart_signals",
    "code_themes",
    "compare_durations",
    "compare_means",
    "compare_paired_proportions",
    "compare_paired_values",
    "compare_proportions",
    "hedges_g",
    "matched_rank_biserial",
    "keyword_pattern",
    "moving_ranges",
    "p_chart_limits",
    "pareto",
    "pareto_counts",
    "run_rules",
    "trend",
    "triangulate",
    "wilson_interval",
    "xmr_chart",
    "xmr_limits",
]
