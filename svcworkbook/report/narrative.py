"""Plain UK English sentences that interpret results, with the numbers in them.

A worked example calls these instead of hard-coding its conclusions, so it rewrites itself when
the data change. Each sentence says only what the numbers support: "met" only when the target is
met, "statistically significant" only when p is below the significance level, and small samples
are always mentioned.

Units: "%" means the value is a proportion (0.724 is shown as 72.4%) and differences between
rates are in percentage points; "s" means seconds; any other unit is written after the number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import pandas as pd

from svcworkbook.analysis.servqual import DIMENSION_MEANINGS
from svcworkbook.analysis.stats import Comparison, Trend

# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c' (UK style: no comma before 'and')."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def format_percent(fraction: float, decimals: int = 1) -> str:
    """A proportion as a percentage with `decimals` places: 0.724 -> '72.4%'."""
    return f"{fraction * 100:.{decimals}f}%"


def format_target(target: float, unit: str = "%", decimals: int | None = None) -> str:
    """A target as people say it: 0.75 -> '75%', 0.805 -> '80.5%', 30 -> '30 seconds'."""
    scaled = target * 100 if unit == "%" else target
    if decimals is None:
        decimals = 0 if round(float(scaled), 6).is_integer() else (1 if unit == "%" else 2)
    return format_value(target, unit, decimals)


def _plural(number_text: str, singular: str, plural: str) -> str:
    """'1 second', '2 seconds', '1.0 seconds' (only exactly '1' takes the singular)."""
    return f"{number_text} {singular if number_text in ('1', '-1') else plural}"


def _default_decimals(unit: str) -> int:
    """One decimal for percentages, whole seconds, two decimals for anything else."""
    return 1 if unit == "%" else 0 if unit == "s" else 2


def format_value(value: float, unit: str = "", decimals: int | None = None) -> str:
    """A value with its unit: ('%', 0.724) -> '72.4%', ('s', 42) -> '42 seconds', ('', 4.1) -> '4.10'."""
    decimals = _default_decimals(unit) if decimals is None else decimals
    if unit == "%":
        return format_percent(value, decimals)
    text = f"{value:.{decimals}f}"
    if unit == "s":
        return _plural(text, "second", "seconds")
    return f"{text} {unit}" if unit else text


def format_difference(amount: float, unit: str = "", decimals: int | None = None) -> str:
    """The size of a difference: for '%' in percentage points (0.026 -> '2.6 percentage points')."""
    decimals = _default_decimals(unit) if decimals is None else decimals
    if unit == "%":
        return _plural(f"{amount * 100:.{decimals}f}", "percentage point", "percentage points")
    return format_value(amount, unit, decimals)


def _smallest_shown(unit: str, decimals: int) -> str:
    """The smallest non-zero difference at this precision, e.g. '0.1 percentage points'."""
    step = 10.0**-decimals
    return format_difference(step / 100 if unit == "%" else step, unit, decimals)


def _distance_text(distance: float, unit: str, decimals: int) -> str:
    """A non-negative distance, or 'less than 0.1 percentage points' when it would show as 0."""
    text = format_difference(distance, unit, decimals)
    shown = round(distance * (100 if unit == "%" else 1), decimals)
    if distance > 0 and shown == 0:
        return "less than " + _smallest_shown(unit, decimals)
    return text


def format_signed(amount: float, unit: str = "", decimals: int | None = None) -> str:
    """A signed number for intervals: 0.012 with '%' -> '+1.2', -3 with 's' -> '-3'."""
    decimals = _default_decimals(unit) if decimals is None else decimals
    scaled = amount * 100 if unit == "%" else amount
    text = f"{scaled:+.{decimals}f}"
    return f"{0:.{decimals}f}" if float(text) == 0 else text


def format_p(p_value: float, alpha: float = 0.05) -> str:
    """'p < 0.001', or 'p = 0.034' with enough decimals that rounding never crosses alpha."""
    if p_value < 0.001:
        return "p < 0.001"
    for decimals in range(3, 8):
        text = f"{p_value:.{decimals}f}"
        if (float(text) < alpha) == (p_value < alpha):
            return f"p = {text}"
    return f"p = {p_value:.8f}"


def format_period(period) -> str:
    """A period label in UK style: a date as '4 Mar 2024' (with the time if it has one)."""
    if isinstance(period, pd.Timestamp):
        if period == period.normalize():
            return f"{period.day} {period:%b %Y}"
        return f"{period.day} {period:%b %Y %H:%M}"
    if isinstance(period, pd.Period):
        return str(period)
    return str(period)


def _capitalise(text: str) -> str:
    """First letter upper case, the rest untouched (so 'NPS' and 'CSAT' survive)."""
    return text[:1].upper() + text[1:]


def _level(alpha: float) -> str:
    """The significance level in words: 0.05 -> 'the 5% level'."""
    return f"the {alpha * 100:g}% level"


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------


def target_met(value: float, target: float, higher_is_better: bool = True) -> bool:
    """Met when value >= target (higher is better) or value <= target (lower is better)."""
    return bool(value >= target) if higher_is_better else bool(value <= target)


def target_sentence(
    kpi_label: str,
    value: float,
    target: float,
    higher_is_better: bool = True,
    unit: str = "%",
    decimals: int | None = None,
) -> str:
    """'First contact resolution was 72.4%, 2.6 percentage points below the target of 75%:
    target missed.' The distance is |value - target|; met follows target_met."""
    decimals = _default_decimals(unit) if decimals is None else decimals
    label = _capitalise(kpi_label)
    target_text = format_target(target, unit)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (
            f"{label} could not be calculated (no data), so it cannot be judged against the "
            f"target of {target_text}."
        )
    shown = format_value(value, unit, decimals)
    distance = abs(value - target)
    if distance == 0:
        return f"{label} was {shown}, exactly on the target of {target_text}: target met."
    side = "above" if value > target else "below"
    verdict = "met" if target_met(value, target, higher_is_better) else "missed"
    return (
        f"{label} was {shown}, {_distance_text(distance, unit, decimals)} {side} the target of "
        f"{target_text}: target {verdict}."
    )


# ---------------------------------------------------------------------------------------------
# Before/after comparisons
# ---------------------------------------------------------------------------------------------

#: Cohen's conventional thresholds (small, medium, large) for each effect size.
EFFECT_SIZE_THRESHOLDS = {
    "Cohen's h": (0.2, 0.5, 0.8),
    "Hedges' g": (0.2, 0.5, 0.8),
    "Cohen's d": (0.2, 0.5, 0.8),
    "rank-biserial correlation": (0.1, 0.3, 0.5),
}


def effect_size_label(name: str, size: float) -> str | None:
    """'very small', 'small', 'medium' or 'large' by Cohen's rules of thumb (None if unknown)."""
    if name not in EFFECT_SIZE_THRESHOLDS or size is None or math.isnan(size):
        return None
    small, medium, large = EFFECT_SIZE_THRESHOLDS[name]
    size = abs(size)
    if size < small:
        return "very small"
    if size < medium:
        return "small"
    return "medium" if size < large else "large"


_DEFAULT_UNITS = {"proportion": "%", "duration": "s", "score": ""}


def _statistic_subject(statistic: str, measure: str) -> str:
    """'The median handle time' for a median of 'Average handle time' (a median is not an
    average), 'The mean CSAT score' for a mean; other statistics keep the measure's name."""
    word = {"median": "median", "mean": "mean"}.get(statistic)
    if word is None:
        return measure
    name = re.sub(r"^(average|mean|median)\s+", "", measure, flags=re.I)
    name = name if name[:2].isupper() else name[:1].lower() + name[1:]
    return f"The {word} {name}"


def comparison_sentence(
    comparison: Comparison,
    higher_is_better: bool | None = None,
    unit: str | None = None,
    decimals: int | None = None,
) -> str:
    """Describe a before/after comparison: the two values, the difference with its interval and
    p-value, whether it is statistically significant (only if p < alpha), the effect size, and
    any small-sample warning. `higher_is_better` lets it say improvement or deterioration."""
    c = comparison
    unit = _DEFAULT_UNITS.get(c.kind, "") if unit is None else unit
    decimals = _default_decimals(unit) if decimals is None else decimals
    subject = _capitalise(_statistic_subject(c.statistic, c.measure))
    before = format_value(c.before, unit, decimals)
    after = format_value(c.after, unit, decimals)
    counts = f"(n = {c.n_before:,})", f"(n = {c.n_after:,})"
    if c.difference == 0:
        opening = (
            f"{subject} was {before} {counts[0]} before the change and {after} {counts[1]} after"
        )
    else:
        verb = "rose" if c.difference > 0 else "fell"
        change = "an increase" if c.difference > 0 else "a decrease"
        opening = (
            f"{subject} {verb} from {before} {counts[0]} before the change to {after} "
            f"{counts[1]} after, {change} of {_distance_text(abs(c.difference), unit, decimals)}"
        )
    interval_unit = " percentage points" if unit == "%" else (" seconds" if unit == "s" else "")
    interval = (
        f"{c.confidence * 100:g}% confidence interval {format_signed(c.ci_low, unit, decimals)} "
        f"to {format_signed(c.ci_high, unit, decimals)}{interval_unit}"
    )
    sentences = [f"{opening} ({interval}; {c.test}, {format_p(c.p_value, c.alpha)})."]

    interval_excludes_zero = c.ci_low > 0 or c.ci_high < 0
    if c.significant:
        sentences.append(
            f"This is statistically significant at {_level(c.alpha)}: a difference this large "
            "would be unlikely if nothing had really changed, although the test cannot show what "
            "caused it."
        )
        if higher_is_better is not None and c.difference != 0:
            better = (c.difference > 0) == higher_is_better
            sentences.append(f"The change is {'an improvement' if better else 'a deterioration'}.")
        if not interval_excludes_zero:
            sentences.append(
                "However, the confidence interval for the difference includes zero, so the size "
                "of the change is uncertain."
            )
    else:
        sentences.append(
            f"This is not statistically significant at {_level(c.alpha)}: the data are "
            "consistent with no change, so do not claim an improvement or a deterioration on "
            "this evidence alone."
        )
        if interval_excludes_zero:
            sentences.append(
                "The confidence interval does exclude zero, so the evidence is mixed: collect "
                "more data before drawing a conclusion."
            )
    label = effect_size_label(c.effect_size_name, c.effect_size)
    if label is not None:
        sentences.append(
            f"The effect size ({c.effect_size_name} = {c.effect_size:.2f}) is {label} by "
            "Cohen's rules of thumb."
        )
    if c.warning:
        sentences.append(c.warning)
    return " ".join(sentences)


# ---------------------------------------------------------------------------------------------
# Control charts
# ---------------------------------------------------------------------------------------------


def _signal_phrase(points: pd.DataFrame, unit: str, decimals: int | None) -> str:
    """One control-chart signal in words, from its flagged points."""
    first = points.iloc[0]
    rule, direction = first["rule"], first["direction"]
    if rule == "beyond limits":
        limit = "upper" if direction == "above" else "lower"
        return (
            f"{format_period(first['period'])} ({format_value(first['value'], unit, decimals)}) "
            f"is {direction} the {limit} control limit"
        )
    span = f"from {format_period(first['period'])} to {format_period(points.iloc[-1]['period'])}"
    if rule == "run":
        return f"{len(points)} points in a row {direction} the centre line {span}"
    return f"{len(points)} points in a row steadily {direction} {span}"


def control_chart_sentence(
    flags: pd.DataFrame,
    measure: str = "the measure",
    unit: str = "",
    decimals: int | None = None,
) -> str:
    """Say which points a control chart flags (from stats.run_rules) and what to do about them;
    with no flags, say the variation is routine (common cause) and not to chase single points."""
    if flags.empty:
        return (
            f"No point of {measure} is outside the control limits and there are no long runs "
            "or trends: the chart shows only routine (common-cause) variation. Do not react to "
            "individual ups and downs; to improve the average, change the process itself."
        )
    phrases = [
        _signal_phrase(points.sort_values("position"), unit, decimals)
        for _, points in flags.groupby("signal", sort=True)
    ]
    count = len(phrases)
    what = "a signal" if count == 1 else f"{count} signals"
    return (
        f"The control chart of {measure} shows {what} of special-cause variation: "
        f"{join_words(phrases)}. Find out what was different at those times (for example "
        "staffing, a system fault, a new procedure or a campaign) before changing the process "
        "or the target; if the cause is a lasting change, recalculate the limits from that point."
    )


# ---------------------------------------------------------------------------------------------
# Pareto, SERVQUAL, trend
# ---------------------------------------------------------------------------------------------


def has_clear_vital_few(table: pd.DataFrame) -> bool:
    """Whether a stats.pareto table has a clear 'vital few': the categories reaching the
    threshold are at most half of all categories (more than that is a flat pattern)."""
    return len(table) > 0 and int(table["vital_few"].sum()) <= len(table) / 2


def pareto_sentence(table: pd.DataFrame, what: str = "cases", threshold: float = 0.8) -> str:
    """Name the vital few categories of a stats.pareto table and the share they account for;
    if it takes more than half the categories to reach the threshold, say the pattern is flat."""
    total = int(table["count"].sum())
    if len(table) == 1:
        return f"All {total:,} {what} fall in one category: {table['category'].iloc[0]}."
    vital = table[table["vital_few"]]
    top = table.iloc[0]
    largest = (
        f"The largest category, {top['category']}, accounts for {format_percent(top['share'])} "
        "on its own."
    )
    share = format_percent(vital["cumulative_share"].iloc[-1])
    if not has_clear_vital_few(table):
        return (
            f"There is no clear 'vital few': it takes {len(vital)} of {len(table)} categories to "
            f"reach {format_percent(threshold, 0)} of the {total:,} {what}, so look for a common "
            f"underlying cause rather than one quick win. {largest}"
        )
    names = join_words(vital["category"].tolist())
    verb = "accounts" if len(vital) == 1 else "account"
    categories = "category" if len(vital) == 1 else "categories"
    return (
        f"{len(vital)} of {len(table)} {categories} ({names}) {verb} for {share} of the "
        f"{total:,} {what}: start improvement work there. {largest}"
    )


def _gap_text(gap: float) -> str:
    """A gap on the 7-point scale with its sign, e.g. '-1.50', never '-0.00'."""
    if gap != 0 and round(gap, 2) == 0:
        return "less than 0.01 below zero" if gap < 0 else "less than 0.01 above zero"
    return f"{gap:+.2f}"


def servqual_sentence(gaps: pd.DataFrame) -> str:
    """Describe SERVQUAL dimension gaps (servqual.dimension_gaps or weighted_servqual): where
    perceptions fall furthest short, which dimensions exceed expectations, and the weighted view."""
    table = gaps.reset_index(drop=True)
    short = table[table["gap"] < 0]
    exceed = table[table["gap"] > 0]
    worst = table.loc[table["gap"].idxmin()]
    sentences = []
    if short.empty:
        sentences.append(
            "Perceptions meet or exceed expectations in every dimension; the smallest margin is "
            f"in {worst['dimension']} (gap {_gap_text(worst['gap'])})."
        )
    else:
        meaning = DIMENSION_MEANINGS.get(worst["dimension"], worst["dimension"])
        sentences.append(
            f"The largest gap is in {worst['dimension']} (perception {worst['perception']:.2f} "
            f"against expectation {worst['expectation']:.2f}, a gap of {_gap_text(worst['gap'])} "
            f"on the 7-point scale): customers' experience falls furthest short of what they "
            f"expect in {meaning}."
        )
        where = (
            "every dimension"
            if len(short) == len(table)
            else f"{len(short)} of {len(table)} dimensions"
        )
        extra = (
            f" and exceed them in {join_words(exceed['dimension'].tolist())}"
            if not exceed.empty
            else ""
        )
        sentences.append(f"Perceptions fall short of expectations in {where}{extra}.")
    if "weighted_gap" in table.columns:
        important = table.loc[table["importance"].idxmax()]
        heaviest = table.loc[table["weighted_gap"].idxmin()]
        sentences.append(
            f"Customers gave {important['dimension']} the most importance "
            f"({important['importance']:.1f} of 100 points); weighted by importance, the overall "
            f"SERVQUAL score is {_gap_text(table['weighted_gap'].sum())}"
            + (
                f", and {heaviest['dimension']} contributes most to the shortfall."
                if heaviest["weighted_gap"] < 0
                else "."
            )
        )
    return " ".join(sentences)


def trend_sentence(result: Trend, measure: str, unit: str = "", decimals: int = 2) -> str:
    """Describe a fitted trend: the change per day (or period) with its interval and p-value; call
    it a trend only when the interval excludes zero, otherwise say there is no clear trend."""
    per = result.per
    if unit == "%":
        slope_unit = "percentage points"
        scale = 100
    else:
        slope_unit = {"s": "seconds", "": ""}.get(unit, unit)
        scale = 1
    amount = f"{abs(result.slope) * scale:.{decimals}f}" + (f" {slope_unit}" if slope_unit else "")
    interval = (
        f"{result.confidence * 100:g}% confidence interval "
        f"{result.ci_low * scale:+.{decimals}f} to {result.ci_high * scale:+.{decimals}f} per {per}; "
        f"{format_p(result.p_value, 1 - result.confidence)}"
    )
    periods = result.rolling["period"]
    if per == "day":
        span = f"Between {format_period(periods.min())} and {format_period(periods.max())}"
    else:
        span = f"Over the {result.n} periods"
    values = result.rolling["value"].dropna()
    if len(values) and values.max() == values.min():  # the same every period: nothing to fit
        level = format_value(float(values.iloc[0]), unit)
        return (
            f"{span}, {measure} was {level} in every period: it did not move, so there is no "
            "clear trend to judge."
        )
    if math.isnan(result.ci_low) or math.isnan(result.ci_high):
        interval = (
            "its confidence interval cannot be worked out from so few values; "
            f"{format_p(result.p_value, 1 - result.confidence)}"
        )
    clear = result.significant and (result.ci_low > 0 or result.ci_high < 0)
    if clear:
        direction = "rose" if result.slope > 0 else "fell"
        kind = "upward" if result.slope > 0 else "downward"
        return (
            f"{span}, {measure} {direction} by about {amount} per {per} ({interval}): a "
            f"statistically significant {kind} trend. Check a control chart before acting, as a "
            "single shift can look like a trend."
        )
    return (
        f"{span}, the fitted change in {measure} is {result.slope * scale:+.{decimals}f}"
        f"{' ' + slope_unit if slope_unit else ''} per {per} ({interval}), which could be zero: "
        "there is no clear trend, so treat the ups and downs as routine variation unless a "
        "control chart says otherwise."
    )
