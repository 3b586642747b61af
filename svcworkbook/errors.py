"""The errors the workbook raises on purpose, each with a message a learner can act on."""

from collections.abc import Iterable

#: The fix for a dataset that lacks a column the analysis reads.
RENAME_COLUMNS = (
    "Fix: rename your export's columns to the data dictionary names (data/README.md), or give a "
    "mapping."
)
#: The fix when a function was told which column to use and the data has no such column.
NAME_YOUR_COLUMN = "Fix: pass the name of a column the data has."


class DataError(ValueError):
    """A dataset failed validation; the message names the file, columns, rows and the fix."""


class ContentError(ValueError):
    """A unit content file is malformed; the message names the file and the field."""


class ParameterError(ValueError):
    """A notebook or command parameter is unknown or out of range; the message says what is allowed."""


def require_columns(frame, columns: Iterable, where: str, fix: str = RENAME_COLUMNS) -> None:
    """DataError naming each needed column that frame lacks (None entries are skipped), the
    columns it has, and the fix."""
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise DataError(
            f"{where}: missing column(s) {', '.join(map(repr, missing))}; the data has "
            f"{', '.join(map(str, frame.columns))}. {fix}"
        )
