"""SERVQUAL gap scores: how far customers' perceptions fall short of (or exceed) their expectations.

Parasuraman, Zeithaml and Berry's SERVQUAL asks each customer what they expect of an excellent
organisation and what they perceived of this one, on 22 statements scored 1-7 in five dimensions.
The gap is perception - expectation: negative means the service falls short of expectations.
Respondents also share 100 importance points between the five dimensions, so gaps can be
weighted by what matters most to customers.

Data: one row per respondent x item (the `servqual` dataset): respondent_id, dimension, item,
expectation, perception, and importance (the points that respondent gave the item's dimension).
"""

from __future__ import annotations

import re

import pandas as pd

from svcworkbook.errors import DataError

#: The five SERVQUAL dimensions, in the order Parasuraman et al. (1988) list them.
DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
#: What each dimension means, in words a learner can quote.
DIMENSION_MEANINGS = {
    "tangibles": "physical facilities, equipment and the appearance of staff and materials",
    "reliability": "ability to perform the promised service dependably and accurately",
    "responsiveness": "willingness to help customers and provide prompt service",
    "assurance": "knowledge and courtesy of staff and their ability to inspire trust and confidence",
    "empathy": "caring, individualised attention the organisation gives its customers",
}
#: Items per dimension in the 22-item instrument.
ITEMS_PER_DIMENSION = {
    "tangibles": 4,
    "reliability": 5,
    "responsiveness": 4,
    "assurance": 4,
    "empathy": 5,
}
#: The answer scale for expectations and perceptions (1 = strongly disagree, 7 = strongly agree).
SCALE = (1, 7)
#: Importance points each respondent shares between the five dimensions.
IMPORTANCE_TOTAL = 100
#: A respondent's points may differ from 100 by this much (rounding) before it is an error.
IMPORTANCE_TOLERANCE = 1.0

REQUIRED = ["respondent_id", "dimension", "item", "expectation", "perception"]


def _rows(index) -> str:
    """'row 3' or 'rows 3, 4' (the first few row labels of a problem, for an error message)."""
    labels = list(index)
    more = f" and {len(labels) - 5} more" if len(labels) > 5 else ""
    word = "row" if len(labels) == 1 else "rows"
    return f"{word} " + ", ".join(map(str, labels[:5])) + more


def check_servqual(data: pd.DataFrame, need_importance: bool = False) -> pd.DataFrame:
    """Validate SERVQUAL rows: required columns, known dimensions, scores 1-7 or blank, one row
    per respondent x item; returns a copy with scores as numbers and dimensions in lower case."""
    columns = REQUIRED + (["importance"] if need_importance else [])
    missing = [column for column in columns if column not in data.columns]
    if missing:
        raise DataError(
            f"servqual: column(s) {', '.join(missing)} not found; the data has "
            f"{', '.join(map(str, data.columns))}. Rename your columns to match the servqual "
            "dataset (see data/README.md)."
        )
    frame = data.copy()
    frame["dimension"] = frame["dimension"].astype(str).str.strip().str.lower()
    unknown = ~frame["dimension"].isin(DIMENSIONS)
    if unknown.any():
        raise DataError(
            f"servqual: unknown dimension(s) {sorted(frame.loc[unknown, 'dimension'].unique())} in "
            f"{_rows(frame.index[unknown])}; use one of {', '.join(DIMENSIONS)}"
        )
    low, high = SCALE
    for column in ("expectation", "perception"):
        scores = pd.to_numeric(frame[column], errors="coerce")
        not_numbers = scores.isna() & frame[column].notna()
        if not_numbers.any():
            raise DataError(
                f"servqual: column {column!r} has text that is not a score in "
                f"{_rows(frame.index[not_numbers])}; scores are whole numbers {low}-{high}"
            )
        outside = scores.notna() & ((scores < low) | (scores > high))
        if outside.any():
            raise DataError(
                f"servqual: column {column!r} has scores outside {low}-{high} in "
                f"{_rows(frame.index[outside])} (e.g. {scores[outside].iloc[0]:g}). If 0 means "
                "'no answer', replace it with a blank so it is left out, not averaged in."
            )
        frame[column] = scores.astype(float)
    repeated = frame.duplicated(["respondent_id", "item"], keep=False)
    if repeated.any():
        raise DataError(
            f"servqual: respondent and item repeated in {_rows(frame.index[repeated])}; "
            "keep one answer per respondent per item"
        )
    return frame


def _item_order(item: str) -> tuple:
    """Natural sort key so REL2 comes before REL10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(item)))


def _dimension_order(frame: pd.DataFrame) -> pd.Series:
    """Position of each row's dimension in DIMENSIONS (for sorting)."""
    return frame["dimension"].map({d: i for i, d in enumerate(DIMENSIONS)})


def item_gaps(data: pd.DataFrame) -> pd.DataFrame:
    """Per item: mean expectation, mean perception, gap = perception - expectation, and n (the
    answers with both scores). Sorted by dimension (DIMENSIONS order) then item number."""
    frame = check_servqual(data)
    complete = frame.dropna(subset=["expectation", "perception"])
    keys = ["dimension", "item"] + (["statement"] if "statement" in frame.columns else [])
    table = (
        complete.groupby(keys, sort=False)
        .agg(
            expectation=("expectation", "mean"),
            perception=("perception", "mean"),
            n=("expectation", "size"),
        )
        .reset_index()
    )
    table["gap"] = table["perception"] - table["expectation"]
    table = table.assign(_d=_dimension_order(table), _i=table["item"].map(_item_order)).sort_values(
        ["_d", "_i"]
    )
    return table[[*keys, "expectation", "perception", "gap", "n"]].reset_index(drop=True)


def _respondent_dimension_means(frame: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's mean expectation and perception per dimension (complete answers only)."""
    complete = frame.dropna(subset=["expectation", "perception"])
    return (
        complete.groupby(["respondent_id", "dimension"])[["expectation", "perception"]]
        .mean()
        .reset_index()
    )


def dimension_gaps(data: pd.DataFrame) -> pd.DataFrame:
    """Per dimension: each respondent's item scores are averaged first (Parasuraman et al.), then
    expectation, perception and gap are averaged over respondents; n = respondents. Rows follow
    DIMENSIONS; a dimension nobody answered is left out."""
    means = _respondent_dimension_means(check_servqual(data))
    table = (
        means.groupby("dimension")
        .agg(
            expectation=("expectation", "mean"),
            perception=("perception", "mean"),
            n=("respondent_id", "nunique"),
        )
        .reindex([d for d in DIMENSIONS if d in set(means["dimension"])])
        .rename_axis("dimension")
        .reset_index()
    )
    table["gap"] = table["perception"] - table["expectation"]
    return table[["dimension", "expectation", "perception", "gap", "n"]]


def servqual_gaps(data: pd.DataFrame, by: str = "dimension") -> pd.DataFrame:
    """Unweighted gap scores by "dimension" (dimension_gaps) or by "item" (item_gaps)."""
    if by == "dimension":
        return dimension_gaps(data)
    if by == "item":
        return item_gaps(data)
    raise ValueError(f"by must be 'dimension' or 'item', not {by!r}")


def importance_points(data: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent x dimension with the importance points given, checked: the same
    value on every item of a dimension, and each respondent's points totalling 100."""
    frame = check_servqual(data, need_importance=True)
    frame["importance"] = pd.to_numeric(frame["importance"], errors="coerce")
    blank = frame["importance"].isna() | (frame["importance"] < 0)
    if blank.any():
        raise DataError(
            f"servqual: importance is blank, not a number or negative in "
            f"{_rows(frame.index[blank])}; each respondent shares {IMPORTANCE_TOTAL} points "
            "between the five dimensions"
        )
    spread = frame.groupby(["respondent_id", "dimension"])["importance"].agg(["min", "max"])
    differs = spread[spread["max"] != spread["min"]]
    if not differs.empty:
        pairs = [f"{r} ({d})" for r, d in differs.index[:5]]
        raise DataError(
            f"servqual: importance differs between items of the same dimension for {', '.join(pairs)}; "
            "importance is given per dimension, so repeat the same points on each of its items"
        )
    points = spread["min"].rename("importance").reset_index()
    totals = points.groupby("respondent_id")["importance"].sum()
    off = totals[(totals - IMPORTANCE_TOTAL).abs() > IMPORTANCE_TOLERANCE]
    if not off.empty:
        shown = ", ".join(f"{r} ({t:g})" for r, t in off.head(5).items())
        raise DataError(
            f"servqual: importance points must total {IMPORTANCE_TOTAL} per respondent, but "
            f"{len(off)} respondent(s) differ: {shown}. Check their answers or rescale them to "
            f"{IMPORTANCE_TOTAL} and say so in your report."
        )
    return points


def weighted_servqual(data: pd.DataFrame) -> pd.DataFrame:
    """Importance-weighted gaps per dimension: weight = mean importance points / 100,
    weighted_gap = gap x weight. The weighted SERVQUAL score is the sum of weighted_gap."""
    points = importance_points(data)
    table = dimension_gaps(data)
    importance = points.groupby("dimension")["importance"].mean()
    table["importance"] = table["dimension"].map(importance)
    table["weight"] = table["importance"] / IMPORTANCE_TOTAL
    table["weighted_gap"] = table["gap"] * table["weight"]
    return table


def servqual_scores(data: pd.DataFrame) -> dict[str, float]:
    """Overall scores: unweighted = mean of the dimension gaps; weighted = sum of weighted gaps
    (needs the importance column)."""
    gaps = dimension_gaps(data)
    scores = {"unweighted": float(gaps["gap"].mean())}
    if "importance" in data.columns:
        scores["weighted"] = float(weighted_servqual(data)["weighted_gap"].sum())
    return scores
