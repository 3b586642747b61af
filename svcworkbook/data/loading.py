"""Loading service data from CSV or Excel, validated against the schemas, with one clear error.

``load(dataset, path, mapping=None)`` reads a file the way a real export arrives: column names in
any case and spacing, another system's names renamed by a mapping, UK day-first dates, thousands
separators, ``h:mm:ss`` durations, a UTF-8 byte-order mark, Excel workbooks with several sheets. It
checks every rule of :mod:`svcworkbook.data.schemas` and collects every problem into one
:class:`DataError` that names the file, each column, the first offending rows as a spreadsheet
numbers them (the header is row 1), and how to fix it. Nothing is dropped silently: completely
blank lines and empty unnamed columns are the only things left out, and they are reported in
``frame.attrs["excluded"]`` and by :func:`summary`.

Speed: each check runs on whole columns at once, and the slower clean-ups (spaces, other date
formats, thousands separators) run only on the values the fast path could not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from svcworkbook.data.samples import sample_data_dir  # noqa: F401  (part of the loading API)
from svcworkbook.data.schemas import DATASETS, SPECS, Col, OnlyWhen, Spec
from svcworkbook.errors import DataError

SUFFIXES = (".csv", ".xlsx", ".xlsm")
MAX_ROWS_SHOWN = 5
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t", "1.0"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f", "0.0"})
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_CLOCK = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")
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
_UNNAMED = re.compile(r"^Unnamed: \d+$")


def normalise_name(name: Any) -> str:
    """A column name as the workbook compares it: lower case, runs of other characters as '_'."""
    text = re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower())
    return text.strip("_")


# --- mappings --------------------------------------------------------------------------------

_MAPPING_EXAMPLE = "contacts:\n  Date Opened: opened_at\n  Ticket No: contact_id"


def read_mapping(mapping: str | Path | Mapping | None) -> dict[str, Any]:
    """A mapping as a dict: given as a dict or a YAML file; flat {their name: our name} or per
    dataset {contacts: {their name: our name}, ...}."""
    if mapping is None:
        return {}
    if isinstance(mapping, Mapping):
        return dict(mapping)
    import yaml

    path = Path(mapping)
    if not path.is_file():
        raise DataError(
            f"mapping file {path} does not exist. Fix: give the path of a YAML file such as\n"
            f"{_MAPPING_EXAMPLE}"
        )
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        where = ""
        mark = getattr(err, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}"
        raise DataError(
            f"{path.name}: the mapping file is not valid YAML{where}. Fix: write one "
            f"'their name: our name' pair per line, e.g.\n{_MAPPING_EXAMPLE}"
        ) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, Mapping):
        raise DataError(
            f"{path.name}: the mapping file holds {type(loaded).__name__}, not name pairs. Fix: "
            f"write one 'their name: our name' pair per line (optionally under a dataset name), "
            f"e.g.\n{_MAPPING_EXAMPLE}"
        )
    return dict(loaded)


def _pairs_for(dataset: str, mapping: Mapping[Any, Any], source: str) -> tuple[dict, bool]:
    """(The mapping's pairs that may apply to a dataset, whether it is grouped by dataset); dataset
    names compared as column names are ('Mystery Shops' is mystery_shops)."""
    if not any(isinstance(v, Mapping) for v in mapping.values()):
        return dict(mapping), False
    groups: dict[str, list[Any]] = {}
    for key in mapping:
        groups.setdefault(normalise_name(key), []).append(key)
    unknown = sorted(str(k) for name, keys in groups.items() if name not in DATASETS for k in keys)
    if unknown:
        raise DataError(
            f"{source}: unknown dataset(s) {', '.join(unknown)} in the mapping. "
            f"Fix: use the dataset names {', '.join(DATASETS)}."
        )
    twice = {name: keys for name, keys in groups.items() if len(keys) > 1}
    if twice:
        raise DataError(
            f"{source}: the mapping names a dataset twice ("
            + "; ".join(f"{' and '.join(map(repr, k))} are both {n}" for n, k in twice.items())
            + "). Fix: put all of a dataset's pairs under one name."
        )
    key = next(iter(groups.get(dataset, [])), None)
    pairs = mapping.get(key) if key is not None else None
    if pairs is not None and not isinstance(pairs, Mapping):
        raise DataError(
            f"{source}: under '{key}' the mapping holds {pairs!r}, not name pairs. Fix: write one "
            f"'their name: our name' pair per line under it, e.g.\n{_MAPPING_EXAMPLE}"
        )
    return dict(pairs or {}), True


def _owners(column: str) -> list[str]:
    """The datasets that have a column."""
    return [name for name, spec in SPECS.items() if column in spec.columns]


def _one_target_per_name(pairs: Mapping[Any, Any], source: str) -> None:
    """DataError when two of their names, once compared, are sent to two different targets."""
    first: dict[str, tuple[Any, str]] = {}
    for theirs, ours in pairs.items():
        theirs_name, ours_name = normalise_name(theirs), normalise_name(ours)
        earlier, target = first.setdefault(theirs_name, (theirs, ours_name))
        if target != ours_name:
            raise DataError(
                f"{source}: the mapping gives '{earlier}' and '{theirs}' (the same name once "
                f"compared) two targets, {target} and {ours_name}. Fix: keep one of the two pairs."
            )


def mapping_for(
    dataset: str, mapping: Mapping[Any, Any], source: str, headers: Iterable[Any] | None = None
) -> dict[str, str]:
    """The renames for one dataset ({their normalised name: our column}), names on both sides
    compared in any case and spacing. DataError for an unknown dataset, a name given two targets,
    or a target that is not a column of the dataset; in a flat mapping a column of another dataset
    is refused only when the file's headers (if given) have the name, else passed over."""
    pairs, per_dataset = _pairs_for(dataset, mapping, source)
    _one_target_per_name(pairs, source)
    columns = SPECS[dataset].columns
    present = set() if headers is None else {normalise_name(h) for h in headers}
    renames: dict[str, str] = {}
    for theirs, ours in pairs.items():
        theirs_name, ours_name = normalise_name(theirs), normalise_name(ours)
        owners = _owners(ours_name)
        if ours_name in columns:
            renames[theirs_name] = ours_name
        elif per_dataset or not owners or theirs_name in present:
            where = f", a column of {' and '.join(owners)} only" if owners else ""
            hint = f"; or, for {owners[0]}, put the pair under '{owners[0]}:'" if owners else ""
            raise DataError(
                f"{source}: the mapping sends '{theirs}' to '{ours}'{where}, which is not a "
                f"column of {dataset}. Fix: map it to one of {', '.join(columns)}{hint}."
            )
    return renames


# --- reading ---------------------------------------------------------------------------------


def _problem_rows(index: pd.Index) -> str:
    """Spreadsheet row numbers (header = row 1) of the first few rows, and how many more."""
    numbers = [str(int(i) + 2) for i in index[:MAX_ROWS_SHOWN]]
    more = len(index) - MAX_ROWS_SHOWN
    text = ", ".join(numbers)
    return f"{text} and {more:,} more" if more > 0 else text


def _examples(values: pd.Series) -> str:
    """Up to three distinct offending values, quoted."""
    shown = list(dict.fromkeys(_shown(v) for v in values.head(50).tolist()))[:3]
    return ", ".join(repr(v) for v in shown)


def _shown(value: Any) -> str:
    """A value as the user typed it: whole numbers without '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sniff_delimiter(path: Path) -> str:
    """The delimiter of a CSV from its header line: comma, semicolon or tab."""
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline()
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _not_utf8(path: Path) -> DataError:
    """The error for a file that is not UTF-8: the first bad character's row and the fix."""
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
        where = ""
    except UnicodeDecodeError as err:
        row = data.count(b"\n", 0, err.start) + 1
        byte = data[err.start : err.start + 1]
        where = (
            f" (row {row} holds byte 0x{byte.hex().upper()}, "
            f"'{byte.decode('cp1252', errors='replace')}' in the Windows-1252 encoding)"
        )
    return DataError(
        f"{path.name}: the file is not UTF-8 text{where}. Fix: in Excel use Save As > "
        "'CSV UTF-8 (Comma delimited)'."
    )


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """A CSV file as strings (blank = missing), and notes about how it was read."""
    empty = DataError(
        f"{path.name}: the file is empty. Fix: export it again with a header row and data."
    )
    if path.stat().st_size == 0:
        raise empty
    sep = _sniff_delimiter(path)
    try:
        frame = pd.read_csv(
            path, sep=sep, dtype=str, keep_default_na=False, na_values=[""],
            skip_blank_lines=False, encoding="utf-8-sig", engine="c",
        )  # fmt: skip
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except pd.errors.ParserError as err:
        found = re.search(r"line (\d+), saw (\d+)", str(err))
        where = f" (row {found.group(1)} has {found.group(2)} values)" if found else ""
        raise DataError(
            f"{path.name}: the rows do not all have the same number of values{where}. Fix: put "
            "values that contain the separator in double quotes, or remove the extra separators."
        ) from None
    except pd.errors.EmptyDataError:
        raise empty from None
    notes = [] if sep == "," else [f"values separated by {'tabs' if sep == chr(9) else repr(sep)}"]
    return frame, notes


def _read_excel(path: Path, dataset: str) -> tuple[pd.DataFrame, list[str]]:
    """The dataset's sheet of a workbook (named like the dataset, else the only/first sheet)."""
    try:
        sheets = pd.ExcelFile(path, engine="openpyxl")
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise DataError(
            f"{path.name}: cannot be read as an Excel workbook ({type(err).__name__}). Fix: open "
            "it in Excel and save it again as .xlsx, or as CSV UTF-8."
        ) from None
    names = sheets.sheet_names
    chosen = next((s for s in names if normalise_name(s) == dataset), names[0])
    try:
        frame = sheets.parse(chosen, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame()
    if frame.columns.empty:
        raise DataError(
            f"{path.name}: sheet '{chosen}' is empty. Fix: put the header in row 1 and the data "
            "below it."
        )
    notes = [] if len(names) == 1 else [f"sheet '{chosen}' used (of {', '.join(names)})"]
    return frame, notes


def _read(path: Path, dataset: str) -> tuple[pd.DataFrame, list[str]]:
    """A CSV or Excel file as a frame of strings, with notes on how it was read."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_excel(path, dataset)
    if suffix == ".xls":
        raise DataError(
            f"{path.name}: old .xls workbooks are not read. Fix: in Excel use Save As > "
            "'Excel Workbook (.xlsx)' or 'CSV UTF-8 (Comma delimited)'."
        )
    return _read_csv(path)


# --- converting each kind of column ------------------------------------------------------------


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
        at = f" in rows {_problem_rows(rows)}" if rows is not None and len(rows) else ""
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


def _text(values: pd.Series) -> pd.Series:
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
    text = _text(values[failed])
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
        fixed = fixed.fillna(as_seconds)
    numbers.loc[fixed.index] = fixed
    still = fixed.index[~np.isfinite(fixed.to_numpy(dtype=float))]
    if len(still):
        problems.add(
            name, f"values that are not numbers ({_examples(text[still])})", still,
            "use digits only, with a full stop for decimals (no units or text); leave the cell "
            "blank when there is no value",
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
    text = _text(values[parsed.isna().to_numpy()]).dropna()
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
            f"({_examples(values[minority])})", minority,
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
            problems.add(name, f"{what}{_examples(unread[rows])})", rows, fix)
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
            name, f"values that are not yes/no ({_examples(values[rows])})", rows,
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
            name, f"unexpected values ({_examples(text[rows])})", rows,
            f"use one of: {', '.join(col.allowed)}",
        )  # fmt: skip
    return text


def _convert(name: str, col: Col, values: pd.Series, problems: Problems, notes: list) -> pd.Series:
    """One column converted to its kind (problems recorded, never raised here)."""
    if col.kind in ("id", "text"):
        return _text(values)
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
                name, f"values that are not whole numbers ({_examples(numbers[fractional])})",
                numbers.index[fractional], "use whole numbers (no decimals)",
            )  # fmt: skip
            numbers = numbers.mask(fractional)
    return numbers


def _finish_dtype(col: Col, values: pd.Series) -> pd.Series:
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


def _blank_column(col: Col, index: pd.Index) -> pd.Series:
    """An optional column the file does not have: blank (False for a flag)."""
    if col.kind == "bool":
        return pd.Series(False, index=index)
    if col.kind == "datetime":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if col.kind == "int":
        return pd.Series(pd.NA, index=index, dtype="Int64")
    if col.kind == "float":
        return pd.Series(np.nan, index=index, dtype=float)
    return pd.Series(np.nan, index=index, dtype=object)


# --- checks across rows and columns ----------------------------------------------------------


def _check_values(name: str, col: Col, values: pd.Series, problems: Problems) -> None:
    """Blanks, ranges and uniqueness of one converted column."""
    if not col.nullable:
        blank = values.isna()
        if blank.any():  # a value already reported as unreadable is not blank in the file
            blank = problems.not_yet_reported(name, blank)
        if blank.any():
            problems.add(name, "blank values", values.index[blank], "fill in every row")
    if col.kind in ("int", "float"):
        _check_range(name, col, values, problems)
    if col.unique:
        repeated = values.duplicated(keep=False)
        if repeated.any():
            repeated &= values.notna()
        if repeated.any():
            problems.add(
                name, f"repeated ids ({_examples(values[repeated])})", values.index[repeated],
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
            problems.add(name, f"{what} ({_examples(values[low])})", values.index[low], fix)
    if col.above is not None:
        _check_above(name, col, values, problems)
    if col.high is not None:
        high = values > col.high
        if high.any():
            problems.add(
                name, f"values above {col.high:g} ({_examples(values[high])})", values.index[high],
                f"values run from {col.low:g} to {col.high:g}{unit}",
            )  # fmt: skip


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
        problems.add(name, f"{_above_problem(col.above, bad)} ({_examples(bad)})", bad.index, fix)


def _check_rules(spec: Spec, frame: Mapping[str, pd.Series], problems: Problems) -> None:
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


# --- the loader --------------------------------------------------------------------------------


def _check_dataset(dataset: str) -> Spec:
    """The spec of a dataset name (ValueError listing the choices)."""
    if dataset not in SPECS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of: {', '.join(DATASETS)}")
    return SPECS[dataset]


def _rename(
    frame: pd.DataFrame,
    spec: Spec,
    renames: dict[str, str],
    problems: Problems,
    mapping: str,
    notes: list[str],
) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """Columns normalised and mapped to ours; (frame, {their header: our column} applied, {column:
    their header}). Two columns giving one of ours are a problem; two extra columns giving one
    name are both kept, the second as name_1 (as pandas names a repeated header), with a note."""
    headers = [str(c) for c in frame.columns]
    normalised = [normalise_name(c) for c in headers]
    targets = [renames.get(n, n) for n in normalised]
    taken = set(targets)
    seen: dict[str, str] = {}
    for i, (header, target) in enumerate(zip(headers, targets, strict=True)):
        if target in seen and target in spec.columns:
            problems.add(
                None, f"two columns, '{seen[target]}' and '{header}', both give '{target}'", None,
                f"keep one of them, or correct the mapping{mapping}",
            )  # fmt: skip
        elif target in seen:
            targets[i] = _free_name(target, taken)
            notes.append(
                f"columns '{seen[target]}' and '{header}' both give '{target}': "
                f"'{header}' kept as {targets[i]}"
            )
        seen.setdefault(targets[i], header)
    applied = {h: t for h, n, t in zip(headers, normalised, targets, strict=True) if n in renames}
    frame.columns = targets
    if len(set(targets)) < len(targets):  # only after a problem, so nothing is loaded
        frame = frame.loc[:, ~pd.Index(targets).duplicated()]
    return frame, applied, seen


def _free_name(name: str, taken: set[str]) -> str:
    """name_1, or name_2 and so on: the first not taken (and now taken)."""
    number = 1
    while f"{name}_{number}" in taken:
        number += 1
    taken.add(f"{name}_{number}")
    return f"{name}_{number}"


def _drop_empty_unnamed(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Columns without a header and without values (e.g. from trailing commas) left out."""
    empty = [c for c in frame.columns if _UNNAMED.match(str(c)) and frame[c].isna().all()]
    return (frame.drop(columns=empty) if empty else frame), len(empty)


def _blank_lines(frame: pd.DataFrame) -> pd.Series:
    """Rows with no value in any column, a cell of spaces only counting as no value (a blank line
    in the middle of a file, or one of spaces and separators only)."""
    first = frame.iloc[:, 0]
    maybe = first.isna().to_numpy()
    if first.dtype == object:  # the first cell can hold spaces, even on a line of spaces only
        maybe |= first.str.isspace().eq(True).to_numpy()
    blank = pd.Series(False, index=frame.index)
    if maybe.any():
        candidates = frame.loc[maybe]
        empty = candidates.apply(lambda c: c.map(lambda v: not isinstance(v, str) or not v.strip()))
        blank.loc[candidates.index] = empty.all(axis=1)
    return blank


def _missing_columns(
    dataset: str, spec: Spec, frame: pd.DataFrame, headers: Mapping[str, str], problems: Problems
) -> list[str]:
    """Required columns the file does not have, recorded as one problem with a mapping hint."""
    missing = [c for c, col in spec.columns.items() if c not in frame and not col.optional]
    if missing:
        unused = [f"'{headers.get(c, c)}'" for c in frame.columns if c not in spec.columns]
        hint = f" (columns not used: {', '.join(unused[:8])})" if unused else ""
        problems.add(
            None, f"missing column(s) {', '.join(missing)}{hint}", None,
            "add the columns, or map your names to them with a mapping file "
            f"({dataset}: {{Your Name: {missing[0]}}}); data/README.md lists every column",
        )  # fmt: skip
    return missing


def load(
    dataset: str, path: str | Path, mapping: str | Path | Mapping | None = None
) -> pd.DataFrame:
    """Read, map, convert and validate one dataset file; one DataError names every problem."""
    spec = _check_dataset(dataset)
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file. Fix: check the folder and the file name.")
    mapping_source = Path(mapping).name if isinstance(mapping, str | Path) else path.name
    pairs = read_mapping(mapping)
    mapping_for(dataset, pairs, mapping_source)  # a bad mapping is refused before reading
    raw, notes = _read(path, dataset)
    if len(raw.columns) == 1 and "|" in str(raw.columns[0]):
        raise DataError(
            f"{path.name}: all the values are in one column separated by '|'. Fix: save the file "
            "as CSV with commas (or semicolons, or tabs) between values."
        )
    problems = Problems(path.name)
    raw, empty_columns = _drop_empty_unnamed(raw)
    renames = mapping_for(dataset, pairs, mapping_source, raw.columns)
    frame, applied, headers = _rename(
        raw,
        spec,
        renames,
        problems,
        f" ({mapping_source})" if isinstance(mapping, str | Path) else "",
        notes,
    )
    blank_lines = _blank_lines(frame)
    if blank_lines.any():
        frame = frame.loc[~blank_lines.to_numpy()]
    if frame.empty:
        raise DataError(
            f"{path.name}: there are no data rows under the header. Fix: export the data again."
        )
    _missing_columns(dataset, spec, frame, headers, problems)
    out: dict[str, pd.Series] = {}
    for name, col in spec.columns.items():
        if name in frame:
            out[name] = _convert(name, col, frame[name], problems, notes)
            _check_values(name, col, out[name], problems)
    _check_rules(spec, out, problems)
    problems.raise_if_any()
    columns = {
        name: _finish_dtype(col, out[name]) if name in out else _blank_column(col, frame.index)
        for name, col in spec.columns.items()
    }
    extras = [c for c in frame.columns if c not in spec.columns]
    columns.update({name: frame[name] for name in extras})
    result = pd.DataFrame(columns, index=frame.index).reset_index(drop=True)
    excluded = []
    if blank_lines.any():
        excluded.append(f"{int(blank_lines.sum())} completely blank line(s) left out")
    if empty_columns:
        excluded.append(f"{empty_columns} empty column(s) without a header left out")
    result.attrs.update(
        source=str(path),
        mapped=applied,
        extra_columns=extras,
        missing_optional=[c for c, col in spec.columns.items() if col.optional and c not in frame],
        notes=notes,
        excluded="; ".join(excluded),
    )
    return result


def dataset_of(path: str | Path) -> str | None:
    """The dataset a file is named after: its name without the suffix compared as column names
    are (any case and spacing: 'Mystery Shops.xlsx' is mystery_shops); None for any other name."""
    name = normalise_name(Path(path).stem)
    return name if name in SPECS else None


def _is_data_file(path: Path) -> bool:
    """A file the folder lookup reads: CSV or Excel (.xls too, to refuse it with the fix), not a
    hidden file ('._contacts.csv' from a Mac) or an Office lock file ('~$contacts.xlsx')."""
    if path.name.startswith((".", "~$")) or not path.is_file():
        return False
    return path.suffix.lower() in (*SUFFIXES, ".xls")


def dataset_files(folder: str | Path, datasets: Iterable[str] = DATASETS) -> dict[str, Path]:
    """The folder's file for each named dataset that has one (named after the dataset, any case,
    .csv/.xlsx/.xlsm); DataError naming the files when two are for the same dataset."""
    wanted = list(datasets)
    for name in wanted:
        _check_dataset(name)
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder. Fix: give the folder holding your CSV files.")
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        name = dataset_of(path)
        if name in wanted and _is_data_file(path):
            found.setdefault(name, []).append(path)
    twice = [
        f"{', '.join(p.name for p in paths[:-1])} and {paths[-1].name} are "
        f"{'both' if len(paths) == 2 else 'all'} {name}"
        for name, paths in found.items()
        if len(paths) > 1
    ]
    if twice:
        raise DataError(
            f"{folder}: more than one file for a dataset ({'; '.join(twice)}). Fix: keep one "
            "file per dataset in the folder, and move or rename the others."
        )
    return {name: found[name][0] for name in wanted if name in found}


def load_folder(
    folder: str | Path,
    mapping: str | Path | Mapping | None = None,
    datasets: Iterable[str] = DATASETS,
) -> dict[str, pd.DataFrame]:
    """Load the named datasets from a folder (files named after the datasets); the problems of
    every file are reported together in one DataError."""
    folder, names = Path(folder), list(datasets)
    files = dataset_files(folder, names)
    missing = [n for n in names if n not in files]
    if missing:
        raise DataError(
            f"{folder}: no file for {', '.join(missing)}. Fix: add "
            f"{', '.join(f'{n}.csv' for n in missing)} (or .xlsx) to the folder; data/README.md "
            "describes their columns."
        )
    resolved = mapping
    if isinstance(mapping, str | Path) and not Path(mapping).is_absolute():
        resolved = folder / mapping if (folder / mapping).is_file() else mapping
    label = Path(resolved).name if isinstance(resolved, str | Path) else "the mapping"
    pairs = read_mapping(resolved)  # a bad mapping is reported once, not once per file
    for name in names:
        mapping_for(name, pairs, label)
    loaded, errors = {}, []
    for name, path in files.items():
        try:
            loaded[name] = load(name, path, resolved)
        except DataError as err:
            errors.append(str(err))
    if errors:
        raise DataError("\n\n".join(errors))
    return loaded


@lru_cache(maxsize=1)
def _samples() -> dict[str, pd.DataFrame]:
    """The bundled samples, loaded and validated once per process."""
    return load_folder(sample_data_dir())


def load_samples() -> dict[str, pd.DataFrame]:
    """All eight bundled sample datasets (fresh copies: changing one changes nothing else)."""
    return {name: frame.copy() for name, frame in _samples().items()}


def summary(dataset: str, frame: pd.DataFrame, mapped: Mapping[str, str] | None = None) -> str:
    """One line about a loaded dataset: rows, date range, columns mapped, anything left out."""
    spec = _check_dataset(dataset)
    dates = frame[spec.date].dropna() if spec.date in frame else pd.Series(dtype="datetime64[ns]")
    span = f", {dates.min():%d %b %Y} to {dates.max():%d %b %Y}" if len(dates) else ""
    parts = [f"{dataset}: {len(frame):,} rows{span}"]
    mapped = frame.attrs.get("mapped", {}) if mapped is None else mapped
    if mapped:
        parts.append("mapped " + ", ".join(f"'{k}' -> {v}" for k, v in mapped.items()))
    if frame.attrs.get("extra_columns"):
        parts.append("extra columns kept: " + ", ".join(frame.attrs["extra_columns"]))
    if frame.attrs.get("missing_optional"):
        parts.append("not in the file (left blank): " + ", ".join(frame.attrs["missing_optional"]))
    for key in ("notes",):
        parts.extend(frame.attrs.get(key, []))
    if frame.attrs.get("excluded"):
        parts.append(frame.attrs["excluded"])
    return "; ".join(parts)


ABOUT_FILE = "about.yaml"


def write_about(
    folder: str | Path, seed: int, scenario: str, start=None, days: int | None = None
) -> Path:
    """Note beside generated data how it was made (seed, scenario, change date), so notebooks
    run on the folder later know the scenario's change date."""
    import yaml

    from svcworkbook.data import generators

    change = generators.change_date(scenario, start, days)
    about = {
        "generated_by": "svcworkbook",
        "seed": int(seed),
        "scenario": scenario,
        "change_date": None if change is None else f"{change:%Y-%m-%d}",
    }
    path = Path(folder) / ABOUT_FILE
    path.write_text(yaml.safe_dump(about, sort_keys=False), encoding="utf-8")
    return path


def read_about(folder: str | Path) -> dict[str, Any]:
    """How a data folder was generated (see write_about); empty for a user's own export."""
    import yaml

    path = Path(folder) / ABOUT_FILE
    if not path.is_file():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}
