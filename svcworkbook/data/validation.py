"""Checking converted columns: blanks, ranges, unique ids, missing columns, and the rules across
columns (dates in order, handled <= offered, scores only from those who responded).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from svcworkbook.data.problems import Problems, examples
from svcworkbook.data.schemas import Col, OnlyWhen, Spec


def check_values(name: str, col: Col, values: pd.Series, problems: Problems) -> None:
    """Blanks, ranges and uniqueness of one converted column."""
    if not col.nullable:
        blank = values.isna()
        if blank.any():  # a value already reported as unreadable is not blank in the file
            blank = problems.not_yet_reported(name, blank)
        if blank.any():
            problems.add(name, "blank values", values.index[blank], "fill in every row")
    if col.kind in ("int", "float"):
        _check_range(name, col, values, problems)
    if col.kind == "datetime":
        check_not_future(name, col, values, problems)
    if col.unique:
        repeated = values.duplicated(keep=False)
        if repeated.any():
            repeated &= values.notna()
        if repeated.any():
            problems.add(
                name, f"repeated ids ({examples(values[repeated])})", values.index[repeated],
                "each row needs its own id: remove duplicate rows or correct the ids",
            )  # fmt: skip


def _check_range(name: str, col: Col, values: pd.Series, problems: Problems) -> None:
    """Numbers within the column's range: low <= value <= high, value > above (blanks are not
    checked)."""
    unit = f" ({col.unit})" if col.unit else ""
    if col.low is not None:
        low = values < col.low
        if low.any():
            what = "negative values" if col.low == 0 else f"values below {col.low:g}"
            fix = f"values must be {col.low:g} or more{unit}"
            if col.low >= 1 and (values == 0).any():
                fix += "; leave the cell blank when there is no rating (0 is not on the scale)"
            problems.add(name, f"{what} ({examples(values[low])})", values.index[low], fix)
    if col.above is not None:
        _check_above(name, col, values, problems)
    if col.high is not None:
        high = values > col.high
        if high.any():
            low = col.low if col.low is not None else col.above
            fix = f"values run from {_number(low)} to {_number(col.high)}{unit}"
            if col.high_fix:
                fix += f"; {col.high_fix}"
            problems.add(
                name, f"values above {_number(col.high)} ({examples(values[high])})",
                values.index[high], fix,
            )  # fmt: skip


#: Dates may lie at most this far after today: the data records what happened (a forecast or
#: roster reaches a few months ahead); 2099 is a typing slip or a placeholder.
MAX_DAYS_AHEAD = 366


def latest_date() -> pd.Timestamp:
    """The latest date a record may carry: today + MAX_DAYS_AHEAD days (end of that day)."""
    return pd.Timestamp.now().normalize() + pd.Timedelta(days=MAX_DAYS_AHEAD + 1)


def check_not_future(name: str, col: Col, values: pd.Series, problems: Problems) -> None:
    """Dates no more than a year after today (a column that may be a deadline is not checked)."""
    if col.may_be_future:
        return
    limit = latest_date()
    ahead = values >= limit  # False wherever blank
    if ahead.any():
        shown = values[ahead].dt.strftime("%d/%m/%Y")
        problems.add(
            name, f"dates more than a year ahead, after {limit - pd.Timedelta(days=1):%d %b %Y} "
            f"({examples(shown)})", values.index[ahead],
            "check the year (2099 or 2062 for 2026 is a typing slip) and that placeholder dates "
            "are left blank; the data records what has happened",
        )  # fmt: skip


def _number(value: float) -> str:
    """A bound as people write it: whole numbers with thousands separators (86,400), else as is."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _above_problem(above: float, bad: pd.Series) -> str:
    """The out-of-range values in words: negative, 0, or at most the bound."""
    if above == 0 and (bad < 0).all():
        return "negative values"
    if above == 0 and (bad == 0).all():
        return "values of 0"
    return f"values of {above:g} or less"


def _check_above(name: str, col: Col, values: pd.Series, problems: Problems) -> None:
    """Numbers more than the column's bound, value > above (a 0 gets the column's own fix)."""
    wrong = values <= col.above
    if wrong.any():
        bad = values[wrong]
        fix = f"values must be more than {col.above:g}{f' ({col.unit})' if col.unit else ''}"
        if col.zero_fix and (bad == 0).any():
            fix += f"; {col.zero_fix}"
        problems.add(name, f"{_above_problem(col.above, bad)} ({examples(bad)})", bad.index, fix)


def check_rules(spec: Spec, frame: Mapping[str, pd.Series], problems: Problems) -> None:
    """Cross-column rules (dates in order; handled <= offered; scores only from those who
    responded) on the columns present."""
    for rule in spec.rules:
        if rule.later not in frame or rule.earlier not in frame:
            continue
        later, earlier = frame[rule.later], frame[rule.earlier]
        wrong = later < earlier  # False wherever either is blank
        if wrong.any():
            problems.add(
                rule.later, f"earlier than {rule.earlier}", later.index[wrong],
                f"{rule.why}; correct the dates",
            )  # fmt: skip
    for column, limit in spec.not_more:
        if column not in frame or limit not in frame:
            continue
        wrong = frame[column] > frame[limit]
        if wrong.any():
            problems.add(
                column, f"more than {limit}", frame[column].index[wrong],
                f"{column} cannot exceed {limit}; check the two columns are not swapped",
            )  # fmt: skip
    for only in spec.only_when:
        _check_only_when(only, frame, problems)
    for column in spec.needed_when_answered:
        _check_needed_when_answered(column, frame, problems)


def _check_needed_when_answered(
    column: str, frame: Mapping[str, pd.Series], problems: Problems
) -> None:
    """A column that may be blank only on an abandoned contact (the wait of a call nobody
    answered is often not recorded): blank on an answered contact is a problem."""
    if column not in frame or "abandoned" not in frame:
        return
    answered = frame["abandoned"].eq(False).fillna(False).to_numpy(dtype=bool)
    blank = answered & frame[column].isna().to_numpy()
    if blank.any():
        rows = problems.not_yet_reported(column, pd.Series(blank, index=frame[column].index))
        if rows.any():
            what = {"queue_wait_s": "wait", "resolved_first_contact": "resolved flag"}
            name = what.get(column, column)
            problems.add(
                column, "blank on answered contacts", rows.index[rows.to_numpy()],
                f"fill in the {name} of every answered contact (a blank {name} is allowed only "
                "on an abandoned one)",
            )  # fmt: skip


def fill_unanswered_flags(frame: dict[str, pd.Series], notes: list[str]) -> None:
    """A blank resolved_first_contact on an abandoned contact is read as no (a call nobody
    answered was not resolved; first contact resolution counts answered contacts only), and the
    summary says how many."""
    if "resolved_first_contact" not in frame or "abandoned" not in frame:
        return
    flag = frame["resolved_first_contact"]
    blank = flag.isna() & frame["abandoned"].eq(True).fillna(False)
    if blank.any():
        frame["resolved_first_contact"] = flag.astype(object).where(~blank, False)
        count = int(blank.sum())
        notes.append(
            f"resolved_first_contact: blank on {count:,} abandoned contact"
            f"{'s' if count != 1 else ''}, read as no (nobody answered them)"
        )


def _check_only_when(rule: OnlyWhen, frame: Mapping[str, pd.Series], problems: Problems) -> None:
    """The rule's columns blank wherever its flag is False (a blank flag is reported as blank)."""
    given = [c for c in rule.columns if c in frame]
    if rule.flag not in frame or not given:
        return
    off = frame[rule.flag].eq(False).fillna(False).to_numpy(dtype=bool)
    filled = {c: off & frame[c].notna().to_numpy() for c in given}
    wrong = np.logical_or.reduce(list(filled.values()))
    if wrong.any():
        which = ", ".join(c for c, rows in filled.items() if rows.any())
        problems.add(
            rule.flag, f"False but {rule.what} given ({which})", frame[rule.flag].index[wrong],
            rule.fix,
        )  # fmt: skip


def missing_columns(
    dataset: str, spec: Spec, frame: pd.DataFrame, unused: list[str], problems: Problems
) -> list[str]:
    """Required columns the file does not have, recorded as one problem naming every column of
    the file no rule used (all of them: they are the ones to map)."""
    missing = [c for c, col in spec.columns.items() if c not in frame and not col.optional]
    if missing:
        names = ", ".join(f"'{h}'" for h in unused)
        hint = f" (columns not used: {names})" if unused else ""
        problems.add(
            None, f"missing column(s) {', '.join(missing)}{hint}", None,
            "add the columns, or map your names to them with a mapping file "
            f"({dataset}: {{Your Name: {missing[0]}}}); data/README.md lists every column",
        )  # fmt: skip
    return missing
