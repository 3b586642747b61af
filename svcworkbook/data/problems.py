"""Collecting every problem found in one file, to report them together in one DataError.

Each problem names the column, what is wrong, the rows as a spreadsheet numbers them (the header
is row 1) and the fix.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from svcworkbook.errors import DataError

MAX_ROWS_SHOWN = 5


def problem_rows(index: pd.Index) -> str:
    """Spreadsheet row numbers (header = row 1) of the first few rows, and how many more."""
    numbers = [str(int(i) + 2) for i in index[:MAX_ROWS_SHOWN]]
    more = len(index) - MAX_ROWS_SHOWN
    text = ", ".join(numbers)
    return f"{text} and {more:,} more" if more > 0 else text


def in_rows(index: pd.Index) -> str:
    """'in row 4' or 'in rows 4, 7': where a problem is, as a spreadsheet numbers the rows."""
    return f"in {'row' if len(index) == 1 else 'rows'} {problem_rows(index)}"


def examples(values: pd.Series) -> str:
    """Up to three distinct offending values, quoted."""
    shown = list(dict.fromkeys(_shown(v) for v in values.head(50).tolist()))[:3]
    return ", ".join(repr(v) for v in shown)


def _shown(value: Any) -> str:
    """A value as the user typed it: whole numbers without '.0'."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}"  # 1e+308, not 309 digits
    return str(value)


class Problems:
    """Every problem found in one file, to be reported together."""

    def __init__(self, source: str):
        self.source = source
        self.items: list[str] = []
        self.flagged: dict[str, list[pd.Index]] = {}

    def add(self, column: str | None, what: str, rows: pd.Index | None, fix: str) -> None:
        """Record one problem: the column, what is wrong, the rows, and the fix."""
        if column and rows is not None:
            self.flagged.setdefault(column, []).append(rows)
        where = f"column '{column}': " if column else ""
        at = f" {in_rows(rows)}" if rows is not None and len(rows) else ""
        self.items.append(f"{where}{what}{at}. Fix: {fix}")

    def not_yet_reported(self, column: str, mask: pd.Series) -> pd.Series:
        """The rows of a mask not already named in a problem of the column."""
        for rows in self.flagged.get(column, []):
            mask = mask & ~mask.index.isin(rows)
        return mask

    def raise_if_any(self) -> None:
        """Raise one DataError listing every problem."""
        if self.items:
            count = f"{len(self.items)} problem{'s' if len(self.items) > 1 else ''}"
            lines = "\n".join(f"- {item}" for item in self.items)
            raise DataError(f"{self.source}: {count} (rows as numbered in a spreadsheet):\n{lines}")
