"""Loading service data from CSV or Excel, validated against the schemas, with one clear error.

``load(dataset, path, mapping=None)`` reads a file the way a real export arrives: column names in
any case and spacing, another system's names renamed by a mapping, UK day-first dates, thousands
separators, a UTF-8 byte-order mark, Excel workbooks with several sheets. It checks every rule of
:mod:`svcworkbook.schemas` and collects every problem into one :class:`DataError` that names the
file, each column, the first offending rows as a spreadsheet numbers them (the header is row 1),
and how to fix it. Nothing is dropped silently: completely blank lines are the only rows left out,
and their count is reported in ``frame.attrs["excluded"]`` and by :func:`summary`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from svcworkbook.errors import DataError
from svcworkbook.schemas import DATASETS, SPECS, Col, Spec

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = (".csv", ".xlsx", ".xlsm")
MAX_ROWS_SHOWN = 5
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t", "1.0"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f", "0.0"})
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE_FORMATS = {
    "YYYY-MM-DD": ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"),
    "DD/MM/YYYY": ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M:%S",
                   "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y"),
}  # fmt: skip


def sample_data_dir() -> Path:
    """The bundled sample data: the repository's top-level data/ folder."""
    return ROOT / "data"


def normalise_name(name: Any) -> str:
    """A column name as the workbook compares it: lower case, runs of other characters as '_'."""
    text = re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower())
    return text.strip("_")


# --- mappings --------------------------------------------------------------------------------


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
            "contacts:\n  Date Opened: opened_at"
        )
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as err:
        raise DataError(f"{path.name}: not valid YAML ({err}). Fix the file's layout.") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, Mapping):
        raise DataError(
            f"{path.name}: a mapping must be 'their name: our name' pairs (optionally under a "
            "dataset name such as contacts:)"
        )
    return dict(loaded)


def mapping_for(dataset: str, mapping: Mapping[str, Any], source: str) -> dict[str, str]:
    """The renames for one dataset ({their normalised name: our column}); DataError for a target
    that is not one of the dataset's columns."""
    per_dataset = any(isinstance(v, Mapping) for v in mapping.values())
    if per_dataset:
        unknown = sorted(k for k in mapping if k not in DATASETS)
        if unknown:
            raise DataError(
                f"{source}: unknown dataset(s) {', '.join(map(str, unknown))} in the mapping. "
                f"Fix: use the dataset names {', '.join(DATASETS)}."
            )
        pairs = dict(mapping.get(dataset) or {})
        targets_ok = set(SPECS[dataset].columns)
    else:
        pairs = dict(mapping)
        targets_ok = {c for spec in SPECS.values() for c in spec.columns}
    renames = {}
    for theirs, ours in pairs.items():
        if ours not in targets_ok:
            raise DataError(
                f"{source}: the mapping sends '{theirs}' to '{ours}', which is not a column of "
                f"{dataset}. Fix: map it to one of {', '.join(SPECS[dataset].columns)}."
            )
        renames[normalise_name(theirs)] = ours
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
    shown = list(dict.fromkeys(str(v) for v in values.tolist()))[:3]
    return ", ".join(repr(v) for v in shown)


def _sniff_delimiter(path: Path) -> str:
    """The delimiter of a CSV from its header line: comma, semicolon or tab."""
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline()
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """A CSV file as strings (blank = missing), and notes about how it was read."""
    if path.stat().st_size == 0:
        raise DataError(
            f"{path.name}: the file is empty. Fix: export it again with a header row and data."
        )
    sep = _sniff_delimiter(path)
    try:
        frame = pd.read_csv(
            path, sep=sep, dtype=str, keep_default_na=False, na_values=[""],
            skip_blank_lines=False, encoding="utf-8-sig", engine="c",
        )  # fmt: skip
    except UnicodeDecodeError:
        raise DataError(
            f"{path.name}: the file is not UTF-8 text. Fix: in Excel use Save As > "
            "'CSV UTF-8 (Comma delimited)'."
        ) from None
    except pd.errors.ParserError as err:
        raise DataError(
            f"{path.name}: the rows do not all have the same number of values ({err}). Fix: "
            "check for separators inside values that are not in quotes."
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(
            f"{path.name}: the file is empty. Fix: export it again with a header row and data."
        ) from None
    notes = [] if sep == "," else [f"values separated by {'tabs' if sep == chr(9) else repr(sep)}"]
    return frame, notes


def _read_excel(path: Path, dataset: str) -> tuple[pd.DataFrame, list[str]]:
    """The dataset's sheet of a workbook (named like the dataset, else the only/first sheet)."""
    try:
        sheets = pd.ExcelFile(path, engine="openpyxl")
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise DataError(f"{path.name}: cannot be read as an Excel workbook ({err}).") from None
    names = sheets.sheet_names
    chosen = next((s for s in names if normalise_name(s) == dataset), names[0])
    frame = sheets.parse(chosen, dtype=str, keep_default_na=False, na_values=[""])
    notes = [] if len(names) == 1 else [f"sheet '{chosen}' used (of {', '.join(names)})"]
    return frame, notes


def _read(path: Path, dataset: str) -> tuple[pd.DataFrame, list[str]]:
    """A CSV or Excel file as a frame of strings, with notes on how it was read."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_excel(path, dataset)
    if suffix == ".xls":
        raise DataError(
            f"{path.name}: old .xls workbooks are not read. Fix: save it as .xlsx or CSV UTF-8."
        )
    return _read_csv(path)


# --- converting each kind of column ------------------------------------------------------------


class Problems:
    """Every problem found in one file, to be reported together."""

    def __init__(self, source: str):
        self.source = source
        self.items: list[str] = []

    def add(self, column: str | None, what: str, rows: pd.Index | None, fix: str) -> None:
        """Record one problem: the column, what is wrong, the rows, and the fix."""
        where = f"column '{column}': " if column else ""
        at = f" in rows {_problem_rows(rows)}" if rows is not None and len(rows) else ""
        self.items.append(f"{where}{what}{at}. Fix: {fix}")

    def raise_if_any(self) -> None:
        """Raise one DataError listing every problem."""
        if self.items:
            count = f"{len(self.items)} problem{'s' if len(self.items) > 1 else ''}"
            lines = "\n".join(f"- {item}" for item in self.items)
            raise DataError(f"{self.source}: {count} (rows as numbered in a spreadsheet):\n{lines}")


def _text(values: pd.Series) -> pd.Series:
    """Strings with surrounding spaces removed; blank becomes missing."""
    text = values.str.strip()
    return text.mask(text == "")


def _numbers(name: str, values: pd.Series, problems: Problems) -> pd.Series:
    """Numbers from text, with thousands separators ('1,234') and spaces removed."""
    text = _text(values)
    numbers = pd.to_numeric(text, errors="coerce")
    failed = numbers.isna() & text.notna()
    if failed.any():
        cleaned = text[failed].str.replace(" ", "", regex=False)
        thousands = cleaned.str.match(_THOUSANDS)
        cleaned = cleaned.where(~thousands, cleaned.str.replace(",", "", regex=False))
        numbers.loc[failed] = pd.to_numeric(cleaned, errors="coerce")
        failed = numbers.isna() & text.notna()
        if failed.any():
            rows = text.index[failed]
            problems.add(
                name, f"values that are not numbers ({_examples(text[failed])})", rows,
                "use digits only, with a full stop for decimals (no units or text)",
            )  # fmt: skip
    return numbers.astype(float)


def _which_format(sample: pd.Series) -> str | None:
    """The date style of a sample of values: 'YYYY-MM-DD' or 'DD/MM/YYYY' (None if neither)."""
    first = sample.iloc[0]
    if re.match(r"^\d{4}-\d{2}-\d{2}", first):
        return "YYYY-MM-DD"
    if re.match(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", first):
        return "DD/MM/YYYY"
    return None


def _parse_dates(text: pd.Series, style: str) -> pd.Series:
    """Dates in one style, trying its formats in turn for the values still unparsed."""
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text.notna()
    for fmt in _DATE_FORMATS[style]:
        if not todo.any():
            break
        attempt = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        parsed.loc[attempt.index] = attempt
        todo = parsed.isna() & text.notna()
    return parsed


def _dates(name: str, values: pd.Series, problems: Problems) -> pd.Series:
    """Dates and times, ISO (2026-01-05 08:00) or UK day-first (05/01/2026 08:00)."""
    text = _text(values)
    filled = text.dropna()
    if filled.empty:
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    style = _which_format(filled)
    if style is None:
        problems.add(
            name, f"values that are not dates ({_examples(filled.head(3))})", filled.index[:5],
            "write dates as DD/MM/YYYY HH:MM (UK) or YYYY-MM-DD HH:MM",
        )  # fmt: skip
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    parsed = _parse_dates(text, style)
    failed = parsed.isna() & text.notna()
    if failed.any():
        other = "DD/MM/YYYY" if style == "YYYY-MM-DD" else "YYYY-MM-DD"
        as_other = _parse_dates(text[failed], other)
        if as_other.notna().any():
            rows = as_other.index[as_other.notna()]
            problems.add(
                name, f"dates in two formats: most are {style} but some are {other} "
                f"({_examples(text[rows])})", rows,
                "use one date format for the whole column (UK: DD/MM/YYYY HH:MM)",
            )  # fmt: skip
            failed = failed & ~text.index.isin(rows)
        if failed.any():
            month_first = text[failed].str.match(r"^\d{1,2}[/.-](1[3-9]|2\d|3[01])[/.-]\d{4}")
            if style == "DD/MM/YYYY" and month_first.any():
                rows = month_first.index[month_first]
                problems.add(
                    name, f"dates that look month-first (US style, {_examples(text[rows])})",
                    rows, "dates are read day-first (UK): write 31/12/2026, not 12/31/2026",
                )  # fmt: skip
                failed = failed & ~text.index.isin(rows)
            if failed.any():
                rows = text.index[failed]
                problems.add(
                    name, f"values that are not valid dates ({_examples(text[rows])})", rows,
                    "check the day, month and year (UK order: DD/MM/YYYY HH:MM)",
                )  # fmt: skip
    return parsed.astype("datetime64[ns]")


def _flags(name: str, values: pd.Series, problems: Problems) -> pd.Series:
    """Yes/no flags from yes/no, y/n, true/false, 1/0 (any case)."""
    words = _text(values).str.lower()
    result = pd.Series(pd.NA, index=words.index, dtype="boolean")
    result[words.isin(TRUE_WORDS)] = True
    result[words.isin(FALSE_WORDS)] = False
    bad = words.notna() & result.isna()
    if bad.any():
        problems.add(
            name, f"values that are not yes/no ({_examples(values[bad])})", words.index[bad],
            "use yes/no, true/false or 1/0",
        )  # fmt: skip
    return result


def _convert(name: str, col: Col, values: pd.Series, problems: Problems) -> pd.Series:
    """One column converted to its kind (problems recorded, never raised here)."""
    if col.kind in ("id", "text"):
        return _text(values)
    if col.kind == "category":
        text = _text(values).str.lower()
        bad = text.notna() & ~text.isin(col.allowed)
        if bad.any():
            problems.add(
                name, f"unexpected values ({_examples(text[bad])})", text.index[bad],
                f"use one of: {', '.join(col.allowed)}",
            )  # fmt: skip
        return text
    if col.kind == "datetime":
        return _dates(name, values, problems)
    if col.kind == "bool":
        return _flags(name, values, problems)
    numbers = _numbers(name, values, problems)
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
        return values.astype(bool) if not values.isna().any() else values
    if col.kind == "int":
        if col.nullable or values.isna().any():
            return values.round().astype("Int64")
        return values.astype("int64")
    if col.kind in ("id", "text", "category"):
        return values.astype(object)
    return values


# --- checks across rows and columns ----------------------------------------------------------


def _check_values(name: str, col: Col, values: pd.Series, problems: Problems) -> None:
    """Blanks, ranges and uniqueness of one converted column."""
    if not col.nullable:
        blank = values.isna()
        if blank.any():
            problems.add(name, "blank values", values.index[blank], "fill in every row")
    numeric = values.astype(float) if col.kind in ("int", "float") else None
    if numeric is not None and col.low is not None:
        low = numeric < col.low
        if low.any():
            what = "negative values" if col.low == 0 else f"values below {col.low:g}"
            unit = f" ({col.unit})" if col.unit else ""
            problems.add(
                name, f"{what} ({_examples(values[low])})", values.index[low],
                f"values must be {col.low:g} or more{unit}",
            )  # fmt: skip
    if numeric is not None and col.high is not None:
        high = numeric > col.high
        if high.any():
            problems.add(
                name, f"values above {col.high:g} ({_examples(values[high])})", values.index[high],
                f"{col.unit or 'values'} run from {col.low:g} to {col.high:g}",
            )  # fmt: skip
    if col.unique:
        repeated = values.duplicated(keep=False) & values.notna()
        if repeated.any():
            problems.add(
                name, f"repeated ids ({_examples(values[repeated])})", values.index[repeated],
                "each row needs its own id: remove duplicate rows or correct the ids",
            )  # fmt: skip


def _check_rules(spec: Spec, frame: pd.DataFrame, problems: Problems) -> None:
    """Cross-column rules (dates in order; handled <= offered)."""
    for rule in spec.rules:
        later, earlier = frame[rule.later], frame[rule.earlier]
        wrong = later.notna() & earlier.notna() & (later < earlier)
        if wrong.any():
            problems.add(
                rule.later, f"earlier than {rule.earlier}", frame.index[wrong],
                f"{rule.why}; correct the dates",
            )  # fmt: skip
    for column, limit in spec.not_more:
        wrong = frame[column] > frame[limit]
        if wrong.any():
            problems.add(
                column, f"more than {limit}", frame.index[wrong],
                f"{column} cannot exceed {limit}; check the two columns are not swapped",
            )  # fmt: skip


# --- the loader --------------------------------------------------------------------------------


def _check_dataset(dataset: str) -> Spec:
    """The spec of a dataset name (ValueError listing the choices)."""
    if dataset not in SPECS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of: {', '.join(DATASETS)}")
    return SPECS[dataset]


def _rename(
    frame: pd.DataFrame, dataset: str, spec: Spec, renames: dict[str, str], problems: Problems
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Columns normalised and mapped to ours; (frame, {their header: our column} applied)."""
    headers = [str(c) for c in frame.columns]
    normalised = [normalise_name(c) for c in headers]
    targets = [renames.get(n, n) for n in normalised]
    seen: dict[str, str] = {}
    for header, target in zip(headers, targets, strict=True):
        if target in seen and target in spec.columns:
            problems.add(
                None, f"two columns, '{seen[target]}' and '{header}', both give '{target}'", None,
                "keep one of them, or correct the mapping",
            )  # fmt: skip
        seen.setdefault(target, header)
    applied = {h: t for h, n, t in zip(headers, normalised, targets, strict=True) if n in renames}
    frame = frame.set_axis(targets, axis=1)
    frame = frame.loc[:, ~pd.Index(targets).duplicated()]
    return frame, applied


def load(
    dataset: str, path: str | Path, mapping: str | Path | Mapping | None = None
) -> pd.DataFrame:
    """Read, map, convert and validate one dataset file; one DataError names every problem."""
    spec = _check_dataset(dataset)
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file. Fix: check the folder and the file name.")
    raw, notes = _read(path, dataset)
    problems = Problems(path.name)
    renames = mapping_for(dataset, read_mapping(mapping), path.name)
    if len(raw.columns) == 1 and "|" in str(raw.columns[0]):
        raise DataError(
            f"{path.name}: all the values are in one column separated by '|'. Fix: save the file "
            "as CSV with commas (or semicolons) between values."
        )
    frame, applied = _rename(raw, dataset, spec, renames, problems)
    blank_lines = frame.isna().all(axis=1)
    if blank_lines.any():
        frame = frame.loc[~blank_lines]
    if frame.empty:
        raise DataError(
            f"{path.name}: there are no data rows under the header. Fix: export the data again."
        )
    missing = [c for c, col in spec.columns.items() if c not in frame and not col.optional]
    if missing:
        hint = ""
        unmapped = [c for c in frame.columns if c not in spec.columns]
        if unmapped:
            hint = f" Columns found that the workbook does not use: {', '.join(unmapped[:8])}."
        problems.add(
            None, f"missing column(s) {', '.join(missing)}.{hint}", None,
            "add the columns, or map your names to them with a mapping file "
            f"({dataset}: {{Your Name: {missing[0]}}}); data/README.md lists every column",
        )  # fmt: skip
        problems.raise_if_any()
    out = {}
    for name, col in spec.columns.items():
        if name not in frame:
            values = pd.Series(np.nan, index=frame.index, dtype=object)
            out[name] = _finish_dtype(col, _convert(name, col, values, Problems("")))
            if col.kind == "bool":
                out[name] = pd.Series(False, index=frame.index)
            continue
        converted = _convert(name, col, frame[name].astype(object), problems)
        _check_values(name, col, converted, problems)
        out[name] = converted
    extras = [c for c in frame.columns if c not in spec.columns]
    result = pd.DataFrame(out, index=frame.index)
    _check_rules(spec, result, problems)
    problems.raise_if_any()
    for name, col in spec.columns.items():
        result[name] = _finish_dtype(col, result[name])
    for name in extras:
        result[name] = frame[name]
    result = result.reset_index(drop=True)
    result.attrs.update(
        source=str(path),
        mapped=applied,
        extra_columns=extras,
        missing_optional=[c for c, col in spec.columns.items() if col.optional and c not in frame],
        notes=notes,
        excluded=(
            f"{int(blank_lines.sum())} completely blank line(s) left out"
            if blank_lines.any()
            else ""
        ),
    )
    return result


def _find_file(folder: Path, dataset: str) -> Path | None:
    """The folder's file for a dataset: <dataset>.csv/.xlsx, any case."""
    for path in sorted(folder.iterdir()):
        if path.is_file() and normalise_name(path.stem) == dataset:
            if path.suffix.lower() in (*SUFFIXES, ".xls"):
                return path
    return None


def load_folder(
    folder: str | Path,
    mapping: str | Path | Mapping | None = None,
    datasets: Iterable[str] = DATASETS,
) -> dict[str, pd.DataFrame]:
    """Load the named datasets from a folder (files named after the datasets); the problems of
    every file are reported together in one DataError."""
    folder = Path(folder)
    names = [n for n in datasets]
    for name in names:
        _check_dataset(name)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder. Fix: give the folder holding your CSV files.")
    files = {name: _find_file(folder, name) for name in names}
    missing = [n for n, f in files.items() if f is None]
    if missing:
        raise DataError(
            f"{folder}: no file for {', '.join(missing)}. Fix: add "
            f"{', '.join(f'{n}.csv' for n in missing)} (or .xlsx) to the folder; data/README.md "
            "describes their columns."
        )
    resolved = mapping
    if isinstance(mapping, str | Path) and not Path(mapping).is_absolute():
        resolved = folder / mapping if (folder / mapping).is_file() else mapping
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

    from svcworkbook import datasets

    change = datasets.change_date(scenario, start, days)
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
