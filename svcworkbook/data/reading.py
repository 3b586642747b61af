"""Reading an export file as it arrives: CSV (any of three separators, UTF-8 with or without a
byte-order mark) or an Excel workbook, as a frame of strings; finding a folder's file for each
dataset.

Nothing is converted here (see :mod:`svcworkbook.data.values`); completely blank lines and empty
unnamed columns are the only things left out, and the loader reports them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from svcworkbook.data.schemas import DATASETS, SPECS
from svcworkbook.errors import DataError

SUFFIXES = (".csv", ".xlsx", ".xlsm")
_UNNAMED = re.compile(r"^Unnamed: \d+$")


def normalise_name(name: Any) -> str:
    """A column name as the workbook compares it: lower case, runs of other characters as '_'."""
    text = re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower())
    return text.strip("_")


def check_dataset(dataset: str):
    """The spec of a dataset name (ValueError listing the choices)."""
    if dataset not in SPECS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of: {', '.join(DATASETS)}")
    return SPECS[dataset]


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
    _refuse_nul_bytes(path)
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
    if not isinstance(frame.index, pd.RangeIndex):  # pandas made the first values an index
        frame = _without_trailing_values(path, sep, frame, notes)
    frame.attrs["repeated"] = repeated_headers(_header_line(path, sep), frame.columns)
    return frame, notes


def _header_line(path: Path, sep: str) -> list[str]:
    """The header's names exactly as written (pandas renames a repeated name 'x' to 'x.1')."""
    import csv

    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        return next(csv.reader(handle, delimiter=sep), [])


def repeated_headers(written: list[str], columns: pd.Index) -> dict[str, str]:
    """For each column pandas renamed because its header name came again: {new name: name as
    written}, so the mapping sees two columns of the same name (and compares them)."""
    if len(written) != len(columns) or len(set(written)) == len(written):
        return {}
    return {
        str(column): str(name)
        for column, name in zip(columns, written, strict=True)
        if str(column) != str(name)
    }


def _without_trailing_values(
    path: Path, sep: str, frame: pd.DataFrame, notes: list[str]
) -> pd.DataFrame:
    """Every data row has more values than the header: blank extra values (a separator at the
    end of each row) are left out with a note; DataError naming the rows when any is filled."""
    header = [str(c) for c in frame.columns]
    wide = pd.read_csv(
        path, sep=sep, header=None, skiprows=1, dtype=str, keep_default_na=False,
        na_values=[""], skip_blank_lines=False, encoding="utf-8-sig", engine="c",
    )  # fmt: skip
    extra = wide.iloc[:, len(header) :]
    filled = extra.notna().any(axis=1)
    if filled.any():
        rows = ", ".join(str(i + 2) for i in wide.index[filled][:5])
        more = int(filled.sum()) - 5
        raise DataError(
            f"{path.name}: rows {rows}{f' and {more:,} more' if more > 0 else ''} have more "
            f"values than the header has names ({len(header)}: {', '.join(header[:6])}"
            f"{', ...' if len(header) > 6 else ''}). Fix: add the missing column name to the "
            "header, or remove the extra values (often a separator inside a value that is not in "
            "double quotes)."
        )
    notes.append(
        "a separator at the end of every data row (one more value than the header, always "
        "blank) left out"
    )
    wide = wide.iloc[:, : len(header)]
    wide.columns = header
    return wide


def _refuse_nul_bytes(path: Path) -> None:
    """DataError when a text file holds NUL bytes (pandas would cut each such cell short)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
        line, chunk = 1, head
        while chunk:
            found = chunk.find(b"\x00")
            if found >= 0:
                line += chunk[:found].count(b"\n")
                utf16 = head.count(b"\x00") > len(head) // 4
                hint = (
                    "it looks like UTF-16 text: in Excel use Save As > 'CSV UTF-8 (Comma delimited)'"
                    if utf16
                    else "export the file again, or remove the damaged characters"
                )
                raise DataError(
                    f"{path.name}: line {line} holds NUL bytes (character 0), which would cut "
                    f"values short. Fix: {hint}."
                )
            line += chunk.count(b"\n")
            chunk = handle.read(1 << 20)


#: Limits for Excel files (a real export is far smaller): the cells a sheet says it spans, and
#: the size of the workbook once unzipped (a "zip bomb" is small on disk and huge unpacked).
MAX_EXCEL_CELLS = 20_000_000
MAX_EXCEL_UNZIPPED_BYTES = 500_000_000


def check_workbook_size(path: Path) -> None:
    """DataError when a workbook would take too much memory or time to read (see the limits)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
            sheets = [n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)]
            spans = {}
            for name in sheets:
                with archive.open(name) as sheet:
                    head = sheet.read(4096).decode("utf-8", "replace")
                found = re.search(
                    r'<(?:\w+:)?dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', head
                )
                if found:
                    spans[name] = _cells_spanned(*found.groups())
    except zipfile.BadZipFile:
        return  # not a zip: openpyxl reports the damage with its own message
    if unzipped > MAX_EXCEL_UNZIPPED_BYTES:
        raise DataError(
            f"{path.name}: the workbook unpacks to {unzipped / 1e6:,.0f} MB, more than the "
            f"{MAX_EXCEL_UNZIPPED_BYTES / 1e6:,.0f} MB the workbook reads. Fix: save the sheet "
            "you need as CSV UTF-8."
        )
    for name, cells in spans.items():
        if cells > MAX_EXCEL_CELLS:
            raise DataError(
                f"{path.name}: sheet {Path(name).stem} says it spans {cells:,} cells (more than "
                f"{MAX_EXCEL_CELLS:,}; often one stray cell far to the right or bottom). Fix: "
                "delete the empty rows and columns after your data, or save the sheet as CSV UTF-8."
            )


def _column_number(letters: str) -> int:
    """A spreadsheet column's number: A = 1, Z = 26, AA = 27, XFD = 16,384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _cells_spanned(first_col, first_row, last_col=None, last_row=None) -> int:
    """Cells from A1 to the far corner of a range such as A1:XFD1048576 (what a reader fills in:
    a single cell at XFD1048576 makes the whole sheet that big)."""
    return int(last_row or first_row) * _column_number(last_col or first_col)


def _has_formulas(path: Path) -> bool:
    """Whether any sheet of a workbook holds a formula (an <f> element), read in chunks."""
    import zipfile

    tag = re.compile(rb"<(?:\w+:)?f[\s>/]")
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
                continue
            with archive.open(name) as sheet:
                tail = b""
                while chunk := sheet.read(1 << 20):
                    if tag.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


def formulas_without_values(path: Path, sheet: str) -> list[str]:
    """Cells of a sheet holding a formula whose value was never saved (openpyxl reads such a
    cell as blank with data_only=True: a file written by a program that does not calculate)."""
    import openpyxl

    if not _has_formulas(path):
        return []
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        found = []
        pairs = zip(formulas[sheet].iter_rows(), values[sheet].iter_rows(), strict=False)
        for formula_row, value_row in pairs:
            for formula, value in zip(formula_row, value_row, strict=False):
                if getattr(formula, "data_type", None) == "f" and value.value is None:
                    found.append(formula.coordinate)
        return found
    finally:
        formulas.close()
        values.close()


def _refuse_formulas_without_values(path: Path, sheet: str) -> None:
    """DataError naming the cells whose formula has no saved value (they would read as blank)."""
    cells = formulas_without_values(path, sheet)
    if cells:
        more = f" and {len(cells) - 5:,} more" if len(cells) > 5 else ""
        raise DataError(
            f"{path.name}: sheet '{sheet}': cell(s) {', '.join(cells[:5])}{more} hold a formula "
            "with no saved value (the file was written by a program that does not calculate "
            "formulas), so they would read as blank. Fix: open the file in Excel or LibreOffice "
            "and save it again (the values are then calculated and saved), or save the sheet as "
            "CSV UTF-8."
        )


def _read_excel(path: Path, dataset: str) -> tuple[pd.DataFrame, list[str]]:
    """The dataset's sheet of a workbook (named like the dataset, else the only/first sheet)."""
    check_workbook_size(path)
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
    _refuse_formulas_without_values(path, chosen)
    written = sheets.parse(chosen, header=None, nrows=1, dtype=str).iloc[0].tolist()
    frame.attrs["repeated"] = repeated_headers([str(w) for w in written], frame.columns)
    notes = [] if len(names) == 1 else [f"sheet '{chosen}' used (of {', '.join(names)})"]
    return frame, notes


def read_table(path: Path, dataset: str) -> tuple[pd.DataFrame, list[str]]:
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


def drop_empty_unnamed(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Columns without a header and without values (e.g. from trailing commas) left out."""
    empty = [c for c in frame.columns if _UNNAMED.match(str(c)) and frame[c].isna().all()]
    return (frame.drop(columns=empty) if empty else frame), len(empty)


def blank_lines(frame: pd.DataFrame) -> pd.Series:
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
        check_dataset(name)
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
