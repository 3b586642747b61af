"""Loading service data from CSV or Excel, validated against the schemas, with one clear error.

``load(dataset, path, mapping=None)`` reads a file the way a real export arrives: column names in
any case and spacing, another system's names and layout turned into ours by a mapping
(:mod:`svcworkbook.data.mapping`: rename, combine Date + Time, sum talk + hold + wrap, invert
Answered into abandoned, constants, recoded values), UK day-first dates, thousands separators,
``h:mm:ss`` and ``m:ss`` durations, a UTF-8 byte-order mark, Excel workbooks with several sheets.
It checks every rule of :mod:`svcworkbook.data.schemas` and the plausibility of the mapping
(:mod:`svcworkbook.data.plausibility`), and collects every problem into one :class:`DataError`
that names the file, each column, the first offending rows as a spreadsheet numbers them (the
header is row 1), and how to fix it. Nothing is dropped silently: completely blank lines, empty
unnamed columns and the rows a mapping's ``keep`` rule leaves out are the only things left out,
and they are counted in ``frame.attrs["excluded"]`` and by :func:`summary`.

The steps live in their own modules: reading files (:mod:`~svcworkbook.data.reading`), the mapping
(:mod:`~svcworkbook.data.mapping`), converting values (:mod:`~svcworkbook.data.values`), checks
(:mod:`~svcworkbook.data.validation`, :mod:`~svcworkbook.data.plausibility`) and the problem list
(:mod:`~svcworkbook.data.problems`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from svcworkbook.data import plausibility
from svcworkbook.data.mapping import (
    apply_mapping,
    dataset_mapping,
    keep_rows,
    mapped_files,
    mapping_for,
    mapping_label,
    read_mapping,
)
from svcworkbook.data.problems import Problems
from svcworkbook.data.reading import (
    SUFFIXES,
    blank_lines,
    check_dataset,
    dataset_files,
    dataset_of,
    drop_empty_unnamed,
    normalise_name,
    read_table,
)
from svcworkbook.data.samples import sample_data_dir
from svcworkbook.data.schemas import DATASETS
from svcworkbook.data.validation import (
    check_rules,
    check_values,
    fill_unanswered_flags,
    missing_columns,
)
from svcworkbook.data.values import blank_column, convert, finish_dtype
from svcworkbook.errors import DataError

__all__ = [
    "SUFFIXES", "dataset_files", "dataset_of", "load", "load_folder", "load_samples",
    "mapping_for", "normalise_name", "read_about", "read_mapping", "sample_data_dir", "summary",
    "write_about",
]  # fmt: skip


def load(
    dataset: str, path: str | Path, mapping: str | Path | Mapping | None = None
) -> pd.DataFrame:
    """Read, map, convert and validate one dataset file; one DataError names every problem."""
    spec = check_dataset(dataset)
    path = Path(path)
    if path.exists() and not path.is_file():
        what = "a folder" if path.is_dir() else "not a regular file (a device, pipe or socket)"
        raise DataError(
            f"{path}: is {what}, so it cannot be read as data. Fix: give the CSV or Excel "
            "file itself (a link to a real file is fine)."
        )
    if not path.is_file():
        raise DataError(f"{path}: no such file. Fix: check the folder and the file name.")
    source = mapping_label(mapping, path.name)
    pairs = read_mapping(mapping)
    dataset_mapping(dataset, pairs, source)  # a bad mapping is refused before reading
    raw, notes = read_table(path, dataset)
    if len(raw.columns) == 1 and "|" in str(raw.columns[0]):
        raise DataError(
            f"{path.name}: all the values are in one column separated by '|'. Fix: save the file "
            "as CSV with commas (or semicolons, or tabs) between values."
        )
    problems = Problems(path.name)
    raw, empty_columns = drop_empty_unnamed(raw)
    blank = blank_lines(raw)
    if blank.any():
        raw = raw.loc[~blank.to_numpy()]
    if raw.empty:
        raise DataError(
            f"{path.name}: there are no data rows under the header. Fix: export the data again."
        )
    dm = dataset_mapping(dataset, pairs, source, raw.columns)
    dm.from_file = isinstance(mapping, str | Path)
    raw, kept = keep_rows(raw, dm, problems, notes)
    applied = apply_mapping(raw, dm, spec, problems, notes)
    frame = applied.frame
    missing_columns(dataset, spec, frame, applied.unused, problems)
    if dataset == "contacts":
        plausibility.check_directions(raw, set(dm.keep), problems, notes)
    out: dict[str, pd.Series] = {}
    for name, col in spec.columns.items():
        if name in frame:
            out[name] = convert(name, col, frame[name], problems, notes)
            check_values(name, col, out[name], problems)
    check_rules(spec, out, problems)
    if dataset == "contacts":
        plausibility.check_contacts(out, problems, notes)
    problems.raise_if_any()
    if dataset == "contacts":
        fill_unanswered_flags(out, notes)
    columns = {
        name: finish_dtype(col, out[name]) if name in out else blank_column(col, frame.index)
        for name, col in spec.columns.items()
    }
    extras = [c for c in frame.columns if c not in spec.columns]
    columns.update({name: frame[name] for name in extras})
    result = pd.DataFrame(columns, index=frame.index).reset_index(drop=True)
    excluded = [kept] if kept else []
    if blank.any():
        excluded.append(f"{int(blank.sum())} completely blank line(s) left out")
    if empty_columns:
        excluded.append(f"{empty_columns} empty column(s) without a header left out")
    result.attrs.update(
        source=str(path),
        mapped=applied.renamed,
        derived=applied.derived,
        unused=applied.unused,
        extra_columns=extras,
        missing_optional=[c for c, col in spec.columns.items() if col.optional and c not in frame],
        notes=notes,
        excluded="; ".join(excluded),
    )
    return result


def _resolve_mapping(folder: Path, mapping: str | Path | Mapping | None) -> Any:
    """A mapping file named relative to the data folder when it is there, else as given."""
    if isinstance(mapping, str | Path) and not Path(mapping).is_absolute():
        return folder / mapping if (folder / mapping).is_file() else mapping
    return mapping


def folder_files(
    folder: str | Path,
    mapping: str | Path | Mapping | None = None,
    datasets: Iterable[str] = DATASETS,
) -> dict[str, Path]:
    """The folder's file for each named dataset that has one: the file its mapping names
    (``file:``), else the file named after the dataset. DataError for a named file that is not
    there, listing the folder's files."""
    folder, names = Path(folder), list(datasets)
    resolved = _resolve_mapping(folder, mapping)
    label = mapping_label(resolved, "the mapping")
    named = {k: v for k, v in mapped_files(read_mapping(resolved), label).items() if k in names}
    files = dataset_files(folder, [n for n in names if n not in named])
    absent = {name: file for name, file in named.items() if not (folder / file).is_file()}
    if absent:
        there = sorted(p.name for p in folder.iterdir() if p.is_file())
        raise DataError(
            f"{label}: the mapping names "
            + "; ".join(f"file '{f}' for {n}" for n, f in absent.items())
            + f", which {folder} does not hold. Fix: correct the file name; the folder holds "
            + (", ".join(there) or "no files")
            + "."
        )
    files.update({name: folder / file for name, file in named.items()})
    return {name: files[name] for name in names if name in files}


def load_folder(
    folder: str | Path,
    mapping: str | Path | Mapping | None = None,
    datasets: Iterable[str] = DATASETS,
    required: Iterable[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Load the named datasets from a folder (files named after the datasets, or as the mapping
    says); the problems of every file are reported together in one DataError. Every dataset is
    required unless ``required`` names fewer: the others are loaded when the folder has them."""
    folder, names = Path(folder), list(datasets)
    needed = names if required is None else [n for n in names if n in set(required)]
    files = folder_files(folder, mapping, names)
    missing = [n for n in needed if n not in files]
    if missing:
        raise DataError(
            f"{folder}: no file for {', '.join(missing)}. Fix: add "
            f"{', '.join(f'{n}.csv' for n in missing)} (or .xlsx) to the folder, or name your "
            "export in the mapping (file: ...); data/README.md describes their columns."
        )
    resolved = _resolve_mapping(folder, mapping)
    label = mapping_label(resolved, "the mapping")
    pairs = read_mapping(resolved)  # a bad mapping is reported once, not once per file
    for name in names:
        dataset_mapping(name, pairs, label)
    loaded, errors = {}, []
    for name, path in files.items():
        try:
            loaded[name] = load(name, path, resolved)
        except DataError as err:
            errors.append(str(err))
    if "surveys" in loaded and "contacts" in loaded:
        crossed = plausibility.check_ratings_on_unanswered(
            loaded["surveys"], loaded["contacts"], files["surveys"].name
        )
        try:
            crossed.raise_if_any()
        except DataError as err:
            errors.append(str(err))
    if errors:
        raise DataError("\n\n".join(errors))
    return loaded


@lru_cache(maxsize=1)
def _samples() -> dict[str, pd.DataFrame]:
    """The bundled samples, loaded and validated once per process (and saved for the next
    kernel: :mod:`svcworkbook.data.sample_cache`)."""
    from svcworkbook.data.sample_cache import load_cached

    return load_cached(sample_data_dir(), load_folder)


def load_samples() -> dict[str, pd.DataFrame]:
    """All eight bundled sample datasets (fresh copies: changing one changes nothing else)."""
    return {name: frame.copy() for name, frame in _samples().items()}


def summary(dataset: str, frame: pd.DataFrame, mapped: Mapping[str, str] | None = None) -> str:
    """One line about a loaded dataset: rows, date range, columns mapped, anything left out."""
    spec = check_dataset(dataset)
    dates = frame[spec.date].dropna() if spec.date in frame else pd.Series(dtype="datetime64[ns]")
    span = f", {dates.min():%d %b %Y} to {dates.max():%d %b %Y}" if len(dates) else ""
    parts = [f"{dataset}: {len(frame):,} rows{span}"]
    mapped = frame.attrs.get("mapped", {}) if mapped is None else mapped
    if mapped:
        parts.append("mapped " + ", ".join(f"'{k}' -> {v}" for k, v in mapped.items()))
    if frame.attrs.get("derived"):
        parts.append("derived " + ", ".join(frame.attrs["derived"]))
    if frame.attrs.get("extra_columns"):
        parts.append("extra columns kept: " + ", ".join(frame.attrs["extra_columns"]))
    if frame.attrs.get("missing_optional"):
        parts.append("not in the file (left blank): " + ", ".join(frame.attrs["missing_optional"]))
    for key in ("notes",):
        parts.extend(frame.attrs.get(key, []))
    if frame.attrs.get("excluded"):
        parts.append(frame.attrs["excluded"])
    return "; ".join(parts)


def mapping_report(dataset: str, frame: pd.DataFrame) -> list[str]:
    """Lines saying what the mapping did to a loaded dataset and every column it did not use."""
    lines = [f"{dataset}: mapping applied"]
    renamed = frame.attrs.get("mapped", {})
    lines += [f"  '{theirs}' -> {ours}" for theirs, ours in renamed.items()]
    lines += [f"  {line}" for line in frame.attrs.get("derived", [])]
    if not renamed and not frame.attrs.get("derived"):
        lines[0] = f"{dataset}: no mapping applied (the file uses the workbook's column names)"
    unused = frame.attrs.get("unused", [])
    if unused:
        lines.append(f"  columns not used ({len(unused)}): " + ", ".join(f"'{u}'" for u in unused))
    else:
        lines.append("  every column of the file was used")
    return lines


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
