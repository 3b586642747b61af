"""The KPI table's engine (private): reading columns once, and counting KPIs per period x group.

FROZEN: this is the fast machinery behind :func:`svcworkbook.analysis.kpi.kpi_table` and every
KPI function (``_Frames`` reads and checks each column once; ``_Parts`` holds a ratio KPI's
row-level contributions; ``_Grid`` numbers every period x group cell and counts rows into the
cells with numpy). Its speed is measured by ``benchmarks/bench_kpi.py`` and its behaviour by
``tests/test_kpi.py``; change it only to fix a bug, never to tune it. The KPIs themselves, with
their formulas, are in ``kpi_operations`` and ``kpi_customers``; the registry and the public
table in ``kpi``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from svcworkbook.errors import DataError

if TYPE_CHECKING:  # the registry's record type, for annotations only
    from svcworkbook.analysis.kpi import KPI

PERIODS = ("day", "week", "month")
#: The timestamp that places a row of each dataset in a period.
TIME_COLUMNS = {
    "contacts": "opened_at",
    "surveys": "sent_at",
    "complaints": "received_at",
    "customers": "first_purchase_at",
    "intervals": "interval_start",
}
#: Label for rows whose grouping column is blank (e.g. abandoned calls have no agent).
NO_GROUP = "(none)"

_NS_PER_DAY = 86_400 * 10**9
_NS_PER_HOUR = 3_600 * 10**9
_NAT = np.iinfo(np.int64).min
_MAX_TABLE_CELLS = 20_000_000


# ---------------------------------------------------------------------------------------------
# Reading columns: each checked once, with errors that name the dataset, column, rows and fix.
# ---------------------------------------------------------------------------------------------


def _codes(series: pd.Series) -> np.ndarray:
    """A consistent integer per value (blank = -1): a categorical's own codes, else factorized."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy()
    return pd.factorize(series)[0]


def _factorize(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (blank = -1) and the distinct values present, as pd.factorize gives.

    A categorical column already holds codes: they are renumbered over the categories in use
    (unused categories are not values present), which avoids hashing every row again.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = _codes(series)
        used = np.zeros(len(series.cat.categories) + 1, dtype=bool)
        used[codes] = True  # code -1 (blank) marks the extra last entry
        used = used[:-1]
        if used.all():
            return codes, series.cat.categories
        renumber = np.append(np.cumsum(used) - 1, -1)  # code -1 (blank) picks the last entry
        return renumber.astype(codes.dtype)[codes], series.cat.categories[used]
    codes, uniques = pd.factorize(series)
    return codes, pd.Index(uniques)


def _isin(series: pd.Series, values: Sequence) -> np.ndarray:
    """Rows whose value is one of values; a categorical column is looked up by its codes."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        hit = np.append(series.cat.categories.isin(values), False)  # blank (code -1) is no hit
        return hit[_codes(series)]
    return series.isin(values).to_numpy()


def _rows(frame: pd.DataFrame, bad: np.ndarray) -> list:
    """The labels of the first few rows flagged bad, for error messages."""
    return frame.index[np.flatnonzero(bad)[:5]].tolist()


class _Frames:
    """The datasets a KPI reads, with each derived column computed once and reused."""

    def __init__(self, as_of=None, **frames: pd.DataFrame | None):
        self.frames = {name: frame for name, frame in frames.items() if frame is not None}
        for name, frame in self.frames.items():
            if not isinstance(frame, pd.DataFrame):
                raise ValueError(f"{name} must be a pandas DataFrame, not {type(frame).__name__}")
        self.as_of = as_of
        self._cache: dict[tuple, Any] = {}

    def has(self, dataset: str) -> bool:
        """Whether this dataset was given."""
        return dataset in self.frames

    def frame(self, dataset: str) -> pd.DataFrame:
        """The dataset, or a ValueError saying which argument to pass."""
        if dataset not in self.frames:
            raise ValueError(f"this KPI needs the {dataset} dataset: pass {dataset}=...")
        return self.frames[dataset]

    def _series(self, dataset: str, column: str) -> pd.Series:
        """One column of a dataset, or a DataError naming it and the columns present."""
        frame = self.frame(dataset)
        if column not in frame.columns:
            raise DataError(
                f"{dataset}: column '{column}' is missing (found: {list(frame.columns)}). "
                "Rename your export's column to the data dictionary name (data/README.md)."
            )
        return frame[column]

    def _cached(self, key: tuple, make: Callable[[], Any]) -> Any:
        """The cached value for key, computed by make() the first time."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def flag(self, dataset: str, column: str) -> np.ndarray:
        """A True/False column as a bool array; anything else (Y/N, blanks) is a DataError."""
        return self._cached(("flag", dataset, column), lambda: self._flag(dataset, column))

    def _flag(self, dataset: str, column: str) -> np.ndarray:
        """Convert a flag column, refusing blanks and non-flag values rather than guessing."""
        series = self._series(dataset, column)
        if series.dtype == bool:
            return series.to_numpy()
        if isinstance(series.dtype, pd.BooleanDtype) and not series.isna().any():
            return series.to_numpy(dtype=bool)
        if pd.api.types.is_numeric_dtype(series.dtype) and not isinstance(
            series.dtype, pd.BooleanDtype
        ):
            values = series.to_numpy(dtype=float, na_value=np.nan)
            bad = ~np.isin(values, (0.0, 1.0))
            if not bad.any():
                return values == 1.0
        else:
            bad = ~series.isin([True, False]).to_numpy() | series.isna().to_numpy()
            if not bad.any():
                return series.to_numpy() == True  # noqa: E712 - element-wise on object arrays
        frame = self.frame(dataset)
        rows = _rows(frame, bad)
        shown = series.loc[rows].tolist()
        raise DataError(
            f"{dataset}: column '{column}' must be True/False; rows {rows} hold {shown}. "
            "Convert Y/N or yes/no flags to True/False and fill blanks before computing KPIs."
        )

    def number(self, dataset: str, column: str) -> np.ndarray:
        """A numeric column as float (blank = NaN); text such as h:mm:ss is a DataError."""
        return self._cached(("number", dataset, column), lambda: self._number(dataset, column))

    def _number(self, dataset: str, column: str) -> np.ndarray:
        """Convert a numeric column, refusing text rather than guessing its unit."""
        series = self._series(dataset, column)
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
            series.dtype
        ):
            return series.to_numpy(dtype=float, na_value=np.nan)
        numbers = pd.to_numeric(series, errors="coerce")
        bad = (numbers.isna() & series.notna()).to_numpy()
        rows = _rows(self.frame(dataset), bad)
        raise DataError(
            f"{dataset}: column '{column}' must be numbers; rows {rows} hold "
            f"{series.loc[rows].tolist()}. Convert durations such as h:mm:ss to seconds first."
        )

    def score(self, dataset: str, column: str, low: int, high: int) -> np.ndarray:
        """A survey score column (blank = no answer); values outside low..high are a DataError."""
        values = self.number(dataset, column)
        bad = ~np.isnan(values) & ((values < low) | (values > high) | (values != np.round(values)))
        if bad.any():
            rows = _rows(self.frame(dataset), bad)
            hint = " A 0 often means 'no rating' in exports: make it blank." if low > 0 else ""
            raise DataError(
                f"{dataset}: column '{column}' must be whole numbers {low}-{high} or blank; rows "
                f"{rows} hold {values[np.flatnonzero(bad)[:5]].tolist()}.{hint}"
            )
        return values

    def time(self, dataset: str, column: str) -> np.ndarray:
        """A timestamp column as int64 nanoseconds (blank = NaT = int64 minimum)."""
        return self._cached(("time", dataset, column), lambda: self._time(dataset, column))

    def _time(self, dataset: str, column: str) -> np.ndarray:
        """Convert a datetime column to nanoseconds, refusing text dates rather than guessing."""
        series = self._series(dataset, column)
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_localize(None)
        if not pd.api.types.is_datetime64_dtype(series.dtype) and series.isna().all():
            return np.full(len(series), _NAT, dtype=np.int64)  # an all-blank column read as text
        if not pd.api.types.is_datetime64_dtype(series.dtype):
            raise DataError(
                f"{dataset}: column '{column}' must be dates and times, not {series.dtype}. "
                "Parse it first (UK exports are often day-first: pd.to_datetime(..., dayfirst=True))."
            )
        ns = series.to_numpy().astype("datetime64[ns]", copy=False).view("int64")
        ns.flags.writeable = False  # often the frame's own memory: in-place work must copy first
        return ns

    def values(self, dataset: str, column: str) -> pd.Series:
        """A column as it is (for categories such as channel)."""
        return self._series(dataset, column)

    def in_channels(self, channels: Sequence[str] | None) -> np.ndarray:
        """Contacts whose channel is one of channels (all contacts when channels is None)."""
        contacts = self.frame("contacts")
        if channels is None:
            return np.ones(len(contacts), dtype=bool)
        if isinstance(channels, str):
            channels = (channels,)
        key = ("channels", tuple(channels))
        return self._cached(key, lambda: _isin(self.values("contacts", "channel"), list(channels)))

    def end_ns(self) -> int:
        """The date the data runs to: as_of if given, else the latest opened/resolved time."""
        if self.as_of is not None:
            return pd.Timestamp(self.as_of).as_unit("ns").value
        return self._cached(("end",), self._end_ns)

    def _end_ns(self) -> int:
        """Latest contact opened or resolved (NaT ignored)."""
        opened = self.time("contacts", "opened_at")
        resolved = self.time("contacts", "resolved_at")
        latest = max(opened.max(initial=_NAT), resolved.max(initial=_NAT))
        if len(opened) == 0:
            return 0  # no contacts: any date will do, nothing is measured
        if latest == _NAT:
            raise DataError("contacts: no opened_at dates, so there is no period to measure")
        return int(latest)

    def answered(self) -> np.ndarray:
        """Contacts answered: not abandoned."""
        return self._cached(("answered",), lambda: ~self.flag("contacts", "abandoned"))


@dataclass
class _Parts:
    """Row-level contributions of one dataset to a ratio KPI (aligned with the dataset's rows).

    Three forms, so that shares and means are counted without building arrays of 0s and 1s:
    a share gives ``hits`` (numerator 1 for each counted row that hits, denominator 1 for each
    counted row); a mean gives ``values`` (numerator = the value of each counted row, whatever
    the others hold; denominator 1 for each counted row); any other ratio gives ``numerator``
    and ``denominator`` per row. ``counted`` marks the rows counted in n.
    """

    dataset: str
    counted: np.ndarray
    hits: np.ndarray | None = None
    values: np.ndarray | None = None
    numerator: np.ndarray | None = None
    denominator: np.ndarray | None = None

    def totals(self) -> tuple[float, float]:
        """(sum of numerators, sum of denominators) over every row."""
        if self.hits is not None:
            return float(np.count_nonzero(self.hits)), float(np.count_nonzero(self.counted))
        if self.values is not None:
            return float(self.values.sum(where=self.counted)), float(np.count_nonzero(self.counted))
        return float(self.numerator.sum()), float(self.denominator.sum())

    def state(self) -> np.ndarray | None:
        """Each row's state to count per cell: 0 not counted, 1 counted, 2 counted and a hit.

        None for a ratio of numerators and denominators, which is summed rather than counted.
        """
        if self.hits is not None:
            return self.counted.view(np.int8) + self.hits.view(np.int8)
        return self.counted.view(np.int8) if self.values is not None else None

    def by_cell(
        self, grid: _Grid, counts: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(numerator, denominator, n) summed per cell of the grid.

        Shares and means read the rows per cell x :meth:`state` from counts (see
        :meth:`_Grid.count_states`); a mean also sums its values per cell.
        """
        if self.hits is not None:
            n = (counts[:, 1] + counts[:, 2]).astype(float)
            return counts[:, 2].astype(float), n, n
        if self.values is not None:
            n = counts[:, 1].astype(float)
            return grid.sum_by_cell(self.dataset, self.values, self.counted), n, n
        cells = grid.codes(self.dataset)
        n = np.bincount(cells, weights=self.counted, minlength=grid.size)
        numerator = np.bincount(cells, weights=self.numerator, minlength=grid.size)
        return numerator, np.bincount(cells, weights=self.denominator, minlength=grid.size), n


def _mean_parts(dataset: str, values: np.ndarray, rows: np.ndarray) -> list[_Parts]:
    """Parts of a mean over rows: numerator = value, denominator = 1, blanks excluded."""
    return [_Parts(dataset, rows & ~np.isnan(values), values=values)]


def _share_parts(dataset: str, hits: np.ndarray, rows: np.ndarray) -> list[_Parts]:
    """Parts of a share: numerator = 1 for rows that hit, denominator = 1 for rows counted."""
    rows = np.asarray(rows, dtype=bool)
    return [_Parts(dataset, rows, hits=np.asarray(hits, dtype=bool) & rows)]


def _ratio(parts: list[_Parts], scale: float = 1.0) -> float:
    """sum(numerator) / sum(denominator) x scale, NaN when the denominator is 0."""
    totals = [p.totals() for p in parts]
    numerator = sum(t[0] for t in totals)
    denominator = sum(t[1] for t in totals)
    return numerator / denominator * scale if denominator > 0 else float("nan")


def _resolution_taken(f: _Frames, channels=None) -> tuple[np.ndarray, np.ndarray]:
    """Nanoseconds from opened to resolved of the contacts measured (answered, opened and
    resolved), and which rows those are."""
    opened = f.time("contacts", "opened_at")
    resolved = f.time("contacts", "resolved_at")
    rows = f.answered() & f.in_channels(channels) & (resolved != _NAT) & (opened != _NAT)
    took = resolved[rows]
    took -= opened[rows]
    return took, rows


# ---------------------------------------------------------------------------------------------
# Grouping: one pass of vectorised counting per KPI over a grid of period x groups.
# ---------------------------------------------------------------------------------------------


def _period_index(ns: np.ndarray, period: str, *, overwrite: bool = False) -> np.ndarray:
    """Period number of each timestamp: days since 1970, Monday-weeks, or months.

    With ``overwrite`` a day or week number is worked out in the array of times itself: on a
    year of contacts every new array costs page faults as well as arithmetic.
    """
    if period == "month":
        return ns.view("datetime64[ns]").astype("datetime64[M]").view("int64")
    out = ns if overwrite else np.empty_like(ns)
    if period == "day":
        return np.floor_divide(ns, _NS_PER_DAY, out=out)
    np.add(ns, 3 * _NS_PER_DAY, out=out)  # 1970-01-01 was a Thursday
    out //= 7 * _NS_PER_DAY
    return out


def _period_start(index: np.ndarray, period: str) -> pd.DatetimeIndex:
    """The first day (00:00) of each period number (weeks start on Monday)."""
    if period == "month":
        starts = index.astype("datetime64[M]").astype("datetime64[ns]")
    elif period == "day":
        starts = (index * _NS_PER_DAY).view("datetime64[ns]")
    else:
        starts = ((index * 7 - 3) * _NS_PER_DAY).view("datetime64[ns]")
    return pd.DatetimeIndex(starts)


#: Most cells x states counted in one pass (8 MiB of counts); more states take more passes.
_JOINT_COUNT_CELLS = 1 << 20


class _Grid:
    """Every period from the first to the last x every value of each grouping column."""

    def __init__(self, f: _Frames, datasets: Iterable[str], period: str, by: tuple[str, ...]):
        self.f, self.period, self.by = f, period, by
        self.datasets = list(dict.fromkeys(datasets))
        self._codes: dict[str, np.ndarray] = {}
        self._work = np.empty(0, dtype=np.int64)  # working arrays, reused by every KPI
        self._weights = np.empty(0)
        firsts, lasts, self._factors = [], [], {}
        for dataset in self.datasets:
            ns = self._times(dataset)
            if len(ns):  # period numbers rise with time: the first and last times give them
                first, last = _period_index(np.array([ns.min(), ns.max()]), period)
                firsts.append(first)
                lasts.append(last)
        self.first = min(firsts) if firsts else 0
        self.n_periods = (max(lasts) - self.first + 1) if firsts else 0
        self.levels = [self._levels(column) for column in by]
        self.n_groups = int(np.prod([len(levels) for levels in self.levels], dtype=np.int64))
        self.size = self.n_periods * self.n_groups
        if self.size > _MAX_TABLE_CELLS:
            raise ValueError(
                f"the KPI table would have {self.size:,} period x group cells; group by fewer "
                "columns or a longer period"
            )

    def _times(self, dataset: str) -> np.ndarray:
        """The times that place a dataset's rows in periods, refusing blank dates."""
        column = TIME_COLUMNS[dataset]
        ns = self.f.time(dataset, column)
        blank = ns == _NAT
        if blank.any():
            rows = _rows(self.f.frame(dataset), blank)
            raise DataError(
                f"{dataset}: column '{column}' is blank in {int(blank.sum())} row(s), e.g. {rows}; "
                "every row needs a date to be placed in a period. Fill or drop those rows."
            )
        return ns

    def group_values(self, dataset: str, column: str) -> pd.Series:
        """A grouping column of a dataset, taken from contacts by contact_id for surveys."""
        frame = self.f.frame(dataset)
        if column in frame.columns:
            return frame[column]
        contacts = self.f.frame("contacts")
        ids = pd.Index(contacts["contact_id"])
        if not ids.is_unique:
            raise DataError("contacts: contact_id must be unique to link surveys to contacts")
        where = ids.get_indexer(frame["contact_id"])
        values = contacts[column].to_numpy()[np.where(where >= 0, where, 0)]
        return pd.Series(values, index=frame.index).where(where >= 0)

    def _factor(self, dataset: str, column: str) -> tuple[np.ndarray, pd.Index]:
        """Codes and distinct values of a grouping column in one dataset (blank = -1)."""
        key = (dataset, column)
        if key not in self._factors:
            codes, uniques = _factorize(self.group_values(dataset, column))
            self._factors[key] = (codes, pd.Index(np.asarray(uniques, dtype=object)))
        return self._factors[key]

    def _levels(self, column: str) -> pd.Index:
        """Sorted values of a grouping column across the datasets, plus '(none)' for blanks."""
        values: set = set()
        blank = False
        for dataset in self.datasets:
            codes, uniques = self._factor(dataset, column)
            values.update(uniques.tolist())
            blank = blank or bool((codes < 0).any())
        ordered = sorted(values, key=lambda v: (str(type(v)), v))
        return pd.Index([*ordered, *([NO_GROUP] if blank else [])], dtype=object)

    def codes(self, dataset: str) -> np.ndarray:
        """Cell number of each row: period x group, in the grid's order."""
        if dataset not in self._codes:
            code = _period_index(self._times(dataset), self.period)
            code -= self.first
            for column, levels in zip(self.by, self.levels, strict=True):
                group_codes, uniques = self._factor(dataset, column)
                # blank values have code -1, which picks the last entry: '(none)', last level
                mapping = np.append(levels.get_indexer(uniques), len(levels) - 1)
                code *= len(levels)
                code += mapping.astype(np.min_scalar_type(len(levels)))[group_codes]
            self._codes[dataset] = code
        return self._codes[dataset]

    def count_states(self, dataset: str, states: list[np.ndarray]) -> list[np.ndarray]:
        """Rows per cell x state for each array of states (0, 1 or 2 per row), counted together.

        k arrays make one count of cell x 3^k + sum(state_i x 3^i), with k as large as keeps the
        counts within _JOINT_COUNT_CELLS (7 arrays on a year of weeks x 6 teams); each array's
        counts are then the sums over the others' states. One pass over the rows serves several
        KPIs.
        """
        codes = self.codes(dataset)
        if len(self._work) < len(codes):
            self._work = np.empty(len(codes), dtype=np.int64)  # reused by every count
        work = self._work[: len(codes)]
        k = 1
        while k < 9 and self.size * 3 ** (k + 1) <= _JOINT_COUNT_CELLS:
            k += 1
        counted = []
        together, digit = np.empty(len(codes), dtype=np.int16), np.empty(len(codes), dtype=np.int16)
        for start in range(0, len(states), k):
            batch = states[start : start + k]
            together.fill(0)
            for i, state in enumerate(batch):  # 3^9 fits in 16 bits: quicker than 64
                together += np.multiply(state, 3**i, out=digit, dtype=np.int16)
            np.multiply(codes, 3 ** len(batch), out=work)
            work += together
            shape = (self.size, *[3] * len(batch))
            counts = np.bincount(work, minlength=self.size * 3 ** len(batch)).reshape(shape)
            for i in range(len(batch)):
                others = tuple(1 + j for j in range(len(batch)) if j != len(batch) - 1 - i)
                counted.append(counts.sum(axis=others))
        return counted

    def sum_by_cell(self, dataset: str, values: np.ndarray, where: np.ndarray) -> np.ndarray:
        """Sum of values per cell over the rows where is True (others add 0, blanks included)."""
        if len(self._weights) < len(values):
            self._weights = np.empty(len(values))
        weights = self._weights[: len(values)]
        weights.fill(0.0)
        np.copyto(weights, values, where=where)
        return np.bincount(self.codes(dataset), weights=weights, minlength=self.size)

    def frame(self) -> pd.DataFrame:
        """The grid's cells as columns: period start, then one column per grouping column."""
        periods = _period_start(np.arange(self.first, self.first + self.n_periods), self.period)
        columns = {"period": np.repeat(periods, self.n_groups)}
        if self.size == 0:  # no rows at all: an empty table with the right columns
            return pd.DataFrame({**columns, **{c: np.array([], dtype=object) for c in self.by}})
        repeat = self.n_groups
        for column, levels in zip(self.by, self.levels, strict=True):
            repeat //= len(levels)
            block = np.repeat(levels.to_numpy(), repeat)
            columns[column] = np.tile(block, self.size // len(block)) if len(block) else block
        return pd.DataFrame(columns)


def _options(kpi: KPI, options: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any]:
    """The KPI's default options overlaid with the caller's options for it."""
    return {**kpi.options, **dict((options or {}).get(kpi.name, {}))}


def _ratio_parts(kpi: KPI, f: _Frames, opts: dict) -> list[_Parts]:
    """A ratio KPI's row-level parts, with its options checked."""
    try:
        return kpi.parts(f, **opts)
    except TypeError as error:
        raise ValueError(f"bad options for {kpi.name}: {error}") from None


def _ratio_cells(
    chosen: list[tuple[KPI, dict]], f: _Frames, grid: _Grid
) -> list[dict[str, np.ndarray]]:
    """Numerator, denominator and n per cell for ratio KPIs (with their options).

    The shares and means of each dataset are counted per cell together (see
    :meth:`_Grid.count_states`).
    """
    parts = [_ratio_parts(kpi, f, opts) for kpi, opts in chosen]
    counted = [(part, part.state()) for kpi_parts in parts for part in kpi_parts]
    counted = [(part, state) for part, state in counted if state is not None]
    counts = {}
    for dataset in dict.fromkeys(part.dataset for part, _ in counted):
        mine = [(part, state) for part, state in counted if part.dataset == dataset]
        together = grid.count_states(dataset, [state for _, state in mine])
        counts.update((id(part), cells) for (part, _), cells in zip(mine, together, strict=True))
    results = []
    for kpi_parts in parts:
        numerator = np.zeros(grid.size)
        denominator = np.zeros(grid.size)
        n = np.zeros(grid.size)
        for part in kpi_parts:
            cells = part.by_cell(grid, counts.get(id(part)))
            numerator += cells[0]
            denominator += cells[1]
            n += cells[2]
        results.append({"numerator": numerator, "denominator": denominator, "n": n})
    return results


def _channel_key(channels) -> tuple | None:
    """A hashable form of a channels option (None, one channel or several)."""
    if channels is None or isinstance(channels, str):
        return channels
    return tuple(channels)


@dataclass
class _SortedTimes:
    """Times taken to resolve (ns), grouped by grid cell and sorted within each cell.

    Packed as ``keys``: cell x 2^bits + (time taken - shortest), or the times themselves when
    ``bits`` is None; ``counts`` holds how many each cell has.
    """

    keys: np.ndarray
    counts: np.ndarray
    bits: int | None = None
    shortest: int = 0

    def hours(self, positions: np.ndarray) -> np.ndarray:
        """The times at these positions (in cell-then-time order), in hours."""
        picked = self.keys[positions]
        if self.bits is not None:
            picked = (picked & ((1 << self.bits) - 1)) + self.shortest
        return picked / _NS_PER_HOUR


def _times_by_cell(f: _Frames, grid: _Grid, channels) -> _SortedTimes:
    """Resolution times sorted by grid cell then value, with the count in each cell.

    One integer sort of cell x 2^b + (time taken - the shortest), b the bits the range of times
    taken needs, whenever that fits in 63 bits (a grid of 1,000 cells with times taken spanning
    up to 100 days); else one lexsort of (cell, time taken). The times are whole nanoseconds,
    so both sorts are exact, and only the times a percentile picks are unpacked.
    """
    took, rows = _resolution_taken(f, channels)
    codes = grid.codes("contacts")[rows]
    counts = np.bincount(codes, minlength=grid.size)
    if not len(took):
        return _SortedTimes(took, counts)
    shortest = int(took.min())
    bits = (int(took.max()) - shortest).bit_length()
    if int(grid.size - 1).bit_length() + bits > 63:
        return _SortedTimes(took[np.lexsort((took, codes))], counts)
    took -= shortest
    codes <<= bits
    codes |= took
    codes.sort()
    return _SortedTimes(codes, counts, bits, shortest)


def _percentile_cells(kpi: KPI, f: _Frames, grid: _Grid, opts: dict) -> dict[str, np.ndarray]:
    """Percentile of resolution hours per cell: one sort by (cell, hours), then interpolation."""
    percentile = opts.pop("percentile")
    if not 0 <= percentile <= 100:
        raise ValueError(f"percentile must be between 0 and 100, not {percentile!r}")
    try:
        channels = opts.pop("channels", None)
        if opts:
            raise TypeError(f"unexpected option(s) {sorted(opts)}")
        key = ("cell-sorted times", grid.period, grid.by, _channel_key(channels))
        times = f._cached(key, lambda: _times_by_cell(f, grid, channels))
    except TypeError as error:
        raise ValueError(f"bad options for {kpi.name}: {error}") from None
    counts = times.counts
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    position = (counts - 1) * percentile / 100.0
    low = np.floor(position).astype(np.int64)
    high = np.ceil(position).astype(np.int64)
    has = counts > 0
    value = np.full(grid.size, np.nan)
    if has.any():
        v_low = times.hours((starts + low)[has])
        v_high = times.hours((starts + high)[has])
        value[has] = v_low + (v_high - v_low) * (position - low)[has]
    return {"value": value, "n": counts.astype(float)}


def _backlog_cells(kpi: KPI, f: _Frames, grid: _Grid, opts: dict) -> dict[str, np.ndarray]:
    """Open contacts at each period's end: opened so far minus resolved so far, per group.

    A contact resolved in a later period leaves the backlog in that period's cell of its group;
    one resolved (by its dates) before it was opened leaves it at once.
    """
    end = f.end_ns()
    cases = f.answered() & (f.time("contacts", "opened_at") <= end)
    opened = grid.count_states("contacts", [cases.view(np.int8)])[0][:, 1]
    resolved_ns = f.time("contacts", "resolved_at")
    done = cases & (resolved_ns != _NAT) & (resolved_ns <= end)
    codes = grid.codes("contacts")[done]  # the cell each was opened in
    shift = _period_index(resolved_ns[done], grid.period, overwrite=True)  # period resolved in ...
    shift -= grid.first
    opened_period = codes // grid.n_groups
    np.maximum(shift, opened_period, out=shift)
    shift -= opened_period  # ... as periods after the one it was opened in
    shift *= grid.n_groups
    codes += shift
    np.minimum(codes, grid.size, out=codes)  # resolved after the last period: not in the table
    resolved = np.bincount(codes, minlength=grid.size + 1)[: grid.size]
    shape = (grid.n_periods, grid.n_groups)
    level = np.cumsum(opened.reshape(shape), axis=0) - np.cumsum(resolved.reshape(shape), axis=0)
    level = level.reshape(-1).astype(float)
    return {"value": level, "n": level.copy()}


def _cells(chosen: list[KPI], f: _Frames, grid: _Grid, options) -> list[dict[str, np.ndarray]]:
    """Per-cell results for each KPI, by its kind; the ratios worked out together."""
    opts_of = {kpi.name: _options(kpi, options) for kpi in chosen}
    ratios = [kpi for kpi in chosen if kpi.kind == "ratio"]
    worked = _ratio_cells([(kpi, opts_of[kpi.name]) for kpi in ratios], f, grid)
    by_name = dict(zip([kpi.name for kpi in ratios], worked, strict=True))
    results = []
    for kpi in chosen:
        opts = opts_of[kpi.name]
        if kpi.kind == "ratio":
            cells = by_name[kpi.name]
            with np.errstate(invalid="ignore", divide="ignore"):
                value = cells["numerator"] / cells["denominator"] * kpi.scale
            cells["value"] = np.where(cells["denominator"] > 0, value, np.nan)
        elif kpi.kind == "percentile":
            cells = _percentile_cells(kpi, f, grid, opts)
        else:
            cells = _backlog_cells(kpi, f, grid, opts)
        results.append(cells)
    return results


def _long(grid: _Grid, results: list[tuple[KPI, dict]], columns: Sequence[str]) -> pd.DataFrame:
    """One tidy frame in grid order: period, groups, kpi (in the order asked), then columns."""
    cells = grid.frame()
    count = len(results)
    table = cells.loc[cells.index.repeat(count)].reset_index(drop=True)
    table["kpi"] = np.tile(np.array([k.name for k, _ in results], dtype=object), len(cells))
    for column in columns:
        stacked = np.vstack([r[column] for _, r in results]) if results else np.empty((0, 0))
        table[column] = stacked.T.reshape(-1)  # cell by cell, KPIs inside each cell
    return table
