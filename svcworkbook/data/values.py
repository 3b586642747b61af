"""Converting each kind of column from the text of an export: numbers (thousands separators,
``h:mm:ss`` and ``m:ss`` durations), dates (ISO or UK day-first), yes/no flags, categories.

Problems are recorded in a :class:`~svcworkbook.data.problems.Problems`, never raised here.
Speed: each conversion runs on whole columns at once, and the slower clean-ups (spaces, other
date formats, thousands separators) run only on the values the fast path could not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from svcworkbook.data.problems import Problems, examples
from svcworkbook.data.schemas import Col

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t", "1.0"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f", "0.0"})
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_CLOCK = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")
_MINUTES = re.compile(r"^(\d+):([0-5]\d)$")
_ISO = "YYYY-MM-DD"
_UK = "DD/MM/YYYY"
_MAIN_FORMAT = "%Y-%m-%d %H:%M:%S"  # the contract's format: tried first, on every value
_DATE_FORMATS = {
    _ISO: (_MAIN_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
           "%Y-%m-%d %H:%M:%S.%f"),
    _UK: ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M:%S",
          "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y"),
}  # fmt: skip
_MONTH_FIRST = r"^\d{1,2}[/.-](1[3-9]|2\d|3[01])[/.-]\d{4}"


def clean_text(values: pd.Series) -> pd.Series:
    """Strings with surrounding spaces removed; a blank or space-only cell becomes missing."""
    if values.dtype != object:  # e.g. a column pandas read as all-blank numbers
        values = values.astype(str).mask(values.isna())
    text = values.str.strip()
    empty = text == ""
    return text.mask(empty) if empty.any() else text


def _per_value(values: pd.Series, rule: Callable[[str], Any]) -> tuple[np.ndarray, list[Any]]:
    """A rule applied once per distinct value: (each row's code, -1 if blank; rule results)."""
    codes, uniques = pd.factorize(values)
    return codes, [rule(value) for value in uniques]


def _word(value: str) -> Any:
    """A category word as compared: stripped, lower case; blank becomes missing."""
    text = str(value).strip().lower()
    return text if text else np.nan


def _numbers(name: str, col: Col, values: pd.Series, problems: Problems, notes: list) -> pd.Series:
    """Numbers from text; on the values that fail, thousands separators ('1,234') are removed
    and, in a seconds column, h:mm:ss durations are turned into seconds."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    failed = ~np.isfinite(numbers.to_numpy()) & values.notna().to_numpy()
    if not failed.any():
        return numbers
    text = clean_text(values[failed])
    blank = text.isna()
    cleaned = text[~blank].str.replace(" ", "", regex=False)
    thousands = cleaned.str.match(_THOUSANDS)
    cleaned = cleaned.where(~thousands, cleaned.str.replace(",", "", regex=False))
    fixed = pd.to_numeric(cleaned, errors="coerce")
    if col.unit == "seconds" and len(cleaned):
        clock = cleaned.str.extract(_CLOCK).astype(float)
        as_seconds = clock[0] * 3600 + clock[1] * 60 + clock[2]
        if as_seconds.notna().any():
            notes.append(f"column '{name}': h:mm:ss durations read as seconds")
        minutes = cleaned.str.extract(_MINUTES).astype(float)
        as_minutes = minutes[0] * 60 + minutes[1]
        if as_minutes.notna().any():
            notes.append(f"column '{name}': m:ss durations read as minutes and seconds")
        fixed = fixed.fillna(as_seconds).fillna(as_minutes)
    numbers.loc[fixed.index] = fixed
    still = fixed.index[~np.isfinite(fixed.to_numpy(dtype=float))]
    if len(still):
        durations = " or a duration as h:mm:ss or m:ss" if col.unit == "seconds" else ""
        problems.add(
            name, f"values that are not numbers ({examples(text[still])})", still,
            f"use digits only, with a full stop for decimals (no units or text){durations}; "
            "leave the cell blank when there is no value",
        )  # fmt: skip
        numbers.loc[still] = np.nan
    return numbers


def _uk_fast(text: pd.Series) -> pd.Series:
    """Zero-padded UK dates, DD/MM/YYYY ('/', '-' or '.') with an optional ' HH:MM' or
    ' HH:MM:SS', read by arithmetic on their characters over the whole column at once (pandas
    reads such formats one value at a time); NaT for any other value, including impossible dates
    such as 31/02/2026, which the slower formats then report."""
    result = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    chars = text.to_numpy(dtype=str)
    width = chars.dtype.itemsize // 4
    if len(text) == 0 or width < 10:
        return pd.Series(result, index=text.index)
    codes = chars.view(np.uint32).reshape(len(chars), width)
    if width < 19:
        codes = np.pad(codes, ((0, 0), (0, 19 - width)))
    length = (codes != 0).sum(axis=1)

    def digits(*columns: int) -> np.ndarray:
        """The number written by the characters at these positions (-1 if not all digits)."""
        number = np.zeros(len(codes), dtype=np.int64)
        for column in columns:
            digit = codes[:, column].astype(np.int64) - 48
            number = np.where((digit >= 0) & (digit <= 9) & (number >= 0), number * 10 + digit, -1)
        return number

    separator = codes[:, 2]
    shaped = np.isin(separator, [ord("/"), ord("-"), ord(".")]) & (codes[:, 5] == separator)
    shaped &= np.isin(length, [10, 16, 19])
    timed, with_seconds = length >= 16, length == 19
    shaped &= ~timed | ((codes[:, 10] == ord(" ")) & (codes[:, 13] == ord(":")))
    shaped &= ~with_seconds | (codes[:, 16] == ord(":"))
    day, month, year = digits(0, 1), digits(3, 4), digits(6, 7, 8, 9)
    hour = np.where(timed, digits(11, 12), 0)
    minute = np.where(timed, digits(14, 15), 0)
    second = np.where(with_seconds, digits(17, 18), 0)
    shaped &= (day >= 0) & (month >= 0) & (year >= 0)
    shaped &= (hour >= 0) & (hour < 24) & (minute >= 0) & (minute < 60)
    shaped &= (second >= 0) & (second < 60)
    if shaped.any():
        parts = {"year": year, "month": month, "day": day, "hour": hour, "minute": minute,
                 "second": second}  # fmt: skip
        assembled = pd.to_datetime(
            pd.DataFrame({k: v[shaped] for k, v in parts.items()}), errors="coerce"
        )
        result[shaped] = assembled.to_numpy(dtype="datetime64[ns]")
    return pd.Series(result, index=text.index)


def _by_fit(sample: pd.Series, formats: tuple[str, ...]) -> list[str]:
    """A style's formats, those that read most of a sample first (so most values parse at once)."""
    hits = {f: pd.to_datetime(sample, format=f, errors="coerce").notna().sum() for f in formats}
    return sorted(formats, key=lambda f: -hits[f])


def _parse_styles(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Dates tried in each style's formats: (parsed values, the style that read each one, the
    values no fast path read, without surrounding spaces). Zero-padded UK dates are read first
    in one go; of the rest, values starting with a four-digit year are tried as ISO, the others
    as UK day-first."""
    parsed = _uk_fast(values)
    style = pd.Series(np.where(parsed.notna(), _UK, ""), index=values.index, dtype=object)
    text = clean_text(values[parsed.isna().to_numpy()]).dropna()
    iso_like = text.str.match(r"\d{4}-").to_numpy(dtype=bool)
    for name, subset in ((_ISO, text[iso_like]), (_UK, text[~iso_like])):
        for fmt in _by_fit(subset.head(200), _DATE_FORMATS[name]):
            if subset.empty:
                break
            attempt = pd.to_datetime(subset, format=fmt, errors="coerce")
            done = attempt.notna().to_numpy()
            parsed.loc[subset.index[done]] = attempt[done]
            style.loc[subset.index[done]] = name
            subset = subset[~done]
    return parsed, style, text


def _dates(name: str, values: pd.Series, problems: Problems) -> pd.Series:
    """Dates and times, ISO (2026-01-05 08:00) or UK day-first (05/01/2026 08:00); a column must
    keep to one of the two; month-first (US) dates and impossible dates are reported."""
    present = values.notna().to_numpy()
    first = values.first_valid_index()
    if first is not None and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", values[first]):
        parsed = pd.to_datetime(values, format=_MAIN_FORMAT, errors="coerce")  # the fast path
        failed = parsed.isna().to_numpy() & present
        if not failed.any():
            return parsed.astype("datetime64[ns]")
    else:  # another layout: every value goes through the styles
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        failed = present
    others, style, text = _parse_styles(values[failed])
    parsed.loc[others.index] = others
    counts = {_ISO: int((present & ~failed).sum() + (style == _ISO).sum())}
    counts[_UK] = int((style == _UK).sum())
    main = _UK if counts[_UK] > counts[_ISO] else _ISO
    other = _ISO if main == _UK else _UK
    minority = style.index[style == other]
    if len(minority) and counts[main]:
        problems.add(
            name, f"dates in two formats: most are {main} but some are {other} "
            f"({examples(values[minority])})", minority,
            "use one date format for the whole column (UK: DD/MM/YYYY HH:MM)",
        )  # fmt: skip
    unread = text[style.loc[text.index] == ""]
    if unread.empty:
        return parsed.astype("datetime64[ns]")
    month_first = unread.str.match(_MONTH_FIRST)
    serial = pd.to_numeric(unread, errors="coerce").between(20000, 80000)
    for mask, what, fix in (
        (month_first, "dates that look month-first (US style, ", "dates are read day-first (UK): "
         "write 31/12/2026, not 12/31/2026; check the whole column, as 05/01/2026 is 5 January"),
        (serial & ~month_first, "Excel date serial numbers, not dates (",
         "format the column as a date in Excel (Format Cells > Date) before saving"),
        (~month_first & ~serial, "values that are not valid dates (",
         "check the day, month and year (UK order: DD/MM/YYYY HH:MM, or YYYY-MM-DD HH:MM)"),
    ):  # fmt: skip
        if mask.any():
            rows = unread.index[mask]
            problems.add(name, f"{what}{examples(unread[rows])})", rows, fix)
    return parsed.astype("datetime64[ns]")


def _flags(name: str, values: pd.Series, problems: Problems) -> pd.Series:
    """Yes/no flags from yes/no, y/n, true/false, 1/0 (any case)."""

    def meaning(value: str) -> int:
        """1 for yes, 0 for no, -1 for blank, -2 for anything else."""
        word = str(value).strip().lower()
        return 1 if word in TRUE_WORDS else 0 if word in FALSE_WORDS else -1 if not word else -2

    codes, meanings = _per_value(values, meaning)
    looked_up = np.append(np.array(meanings, dtype=np.int8), np.int8(-1))[codes]
    bad = looked_up == -2
    if bad.any():
        rows = values.index[bad]
        problems.add(
            name, f"values that are not yes/no ({examples(values[rows])})", rows,
            "use yes/no, Y/N, true/false or 1/0",
        )  # fmt: skip
    flags = pd.Series(looked_up == 1, index=values.index)
    if (looked_up < 0).any():  # blanks: reported by the checks unless the column may be blank
        flags = flags.astype("boolean").mask(looked_up < 0)
    return flags


def _categories(name: str, col: Col, values: pd.Series, problems: Problems) -> pd.Series:
    """Category words in lower case, each one of the column's allowed values."""
    codes, words = _per_value(values, _word)
    lookup = np.array([*words, np.nan], dtype=object)
    text = pd.Series(lookup[codes], index=values.index, dtype=object)
    allowed = set(col.allowed)
    bad_word = np.array([isinstance(w, str) and w not in allowed for w in words] + [False])
    bad = bad_word[codes]
    if bad.any():
        rows = values.index[bad]
        problems.add(
            name, f"unexpected values ({examples(text[rows])})", rows,
            f"use one of: {', '.join(col.allowed)}",
        )  # fmt: skip
    return text


def convert(name: str, col: Col, values: pd.Series, problems: Problems, notes: list) -> pd.Series:
    """One column converted to its kind (problems recorded, never raised here)."""
    if col.kind in ("id", "text"):
        return clean_text(values)
    if col.kind == "category":
        return _categories(name, col, values, problems)
    if col.kind == "datetime":
        return _dates(name, values, problems)
    if col.kind == "bool":
        return _flags(name, values, problems)
    numbers = _numbers(name, col, values, problems, notes)
    if col.kind == "int":
        fractional = numbers.notna() & (numbers != np.floor(numbers))
        if fractional.any():
            problems.add(
                name, f"values that are not whole numbers ({examples(numbers[fractional])})",
                numbers.index[fractional], "use whole numbers (no decimals)",
            )  # fmt: skip
            numbers = numbers.mask(fractional)
    return numbers


def finish_dtype(col: Col, values: pd.Series) -> pd.Series:
    """The in-memory dtype of the contract: bool for flags, int64/Int64, float, object text."""
    if col.kind == "bool":
        return values.astype(bool) if values.dtype != bool and not values.isna().any() else values
    if col.kind == "int":
        if col.nullable or values.isna().any():
            return values.round().astype("Int64")
        return values.astype("int64")
    if col.kind in ("id", "text", "category"):
        return values if values.dtype == object else values.astype(object)
    return values


def blank_column(col: Col, index: pd.Index) -> pd.Series:
    """An optional column the file does not have: blank (False for a flag, unless the flag is
    then unknown, as whether a contact was resolved at first contact is)."""
    if col.kind == "bool" and col.unknown_when_absent:
        return pd.Series(pd.NA, index=index, dtype="boolean")
    if col.kind == "bool":
        return pd.Series(False, index=index)
    if col.kind == "datetime":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if col.kind == "int":
        return pd.Series(pd.NA, index=index, dtype="Int64")
    if col.kind == "float":
        return pd.Series(np.nan, index=index, dtype=float)
    return pd.Series(np.nan, index=index, dtype=object)
