"""Customer service KPIs: one function per KPI, with its formula and convention, and a KPI table
grouped by period and team, channel or agent against targets.

Conventions used throughout:

* Rates are fractions in [0, 1] (the notebooks format them as percentages); NPS is a score on
  -100..100; times are in the unit the KPI's name or docstring gives (seconds, hours, days).
* A KPI whose denominator is 0 (no answered calls, no survey responses...) is NaN, never 0 and
  never an exception: "no data" is not "0%".
* Every ratio KPI is ``sum(numerator) / sum(denominator)`` over rows, so a KPI for a whole period
  equals the one computed from the groups' numerators and denominators added up (averaging the
  groups' percentages does not; :func:`kpi_parts` gives the parts).
* Contacts: "answered" means not abandoned. Queue-based KPIs (service level, speed of answer,
  abandonment) use the live channels, phone and chat, by default; for email and social
  ``queue_wait_s`` is the time to first response, reported as :func:`first_response_time`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from svcworkbook.errors import DataError

LIVE_CHANNELS = ("phone", "chat")
WRITTEN_CHANNELS = ("email", "social")

#: Service level threshold: the "20" in "80% of calls answered in 20 seconds".
DEFAULT_THRESHOLD_S = 20.0
#: Calls abandoned in under this many seconds are "short abandons" and removed from the
#: service level and abandonment rate. See :func:`service_level` for why 5 s.
DEFAULT_SHORT_ABANDON_S = 5.0
DEFAULT_REPEAT_DAYS = 7
DEFAULT_SLA_HOURS = 24.0

#: The published ways of counting abandoned calls in service level (ICMI lists five; the short
#: abandon filter, ``short_abandon_s``, is applied before any of them).
SERVICE_LEVEL_DEFINITIONS = {
    "answered_over_offered": "answered within threshold / (answered + abandoned)",
    "answered_over_answered": "answered within threshold / answered (ignores abandons)",
    "abandoned_within_threshold_as_good": (
        "(answered within threshold + abandoned within threshold) / (answered + abandoned)"
    ),
    "exclude_abandoned_within_threshold": (
        "answered within threshold / (answered + abandoned after the threshold)"
    ),
}

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


# ---------------------------------------------------------------------------------------------
# Contact handling
# ---------------------------------------------------------------------------------------------


def _first_contact_resolution(f: _Frames, channels=None) -> list[_Parts]:
    """FCR parts: resolved at first contact among answered contacts."""
    rows = f.answered() & f.in_channels(channels)
    return _share_parts("contacts", f.flag("contacts", "resolved_first_contact"), rows)


def first_contact_resolution(
    contacts: pd.DataFrame, *, channels: Sequence[str] | None = None
) -> float:
    """FCR = contacts resolved at the first contact / answered contacts (abandoned excluded), 0-1.

    An abandoned call never reached anyone, so it is neither a success nor a failure of
    resolution and is left out of the denominator (it counts in the abandonment rate instead).
    This is the "agent-reported" FCR from the resolved-first-contact flag; the
    :func:`repeat_contact_rate` is the customer's side of the same question.
    """
    return _ratio(_first_contact_resolution(_Frames(contacts=contacts), channels))


def _average_handle_time(f: _Frames, channels=None) -> list[_Parts]:
    """AHT parts: handle time of answered contacts with a handle time."""
    rows = f.answered() & f.in_channels(channels)
    return _mean_parts("contacts", f.number("contacts", "handle_time_s"), rows)


def average_handle_time(contacts: pd.DataFrame, *, channels: Sequence[str] | None = None) -> float:
    """AHT = total handle time / contacts handled, in seconds (answered contacts only).

    Handle time is talk + hold + after-contact work, as recorded in ``handle_time_s``. Channels
    differ a lot (a chat is not a call), so compare AHT within a channel: pass ``channels`` or
    group the KPI table by channel.
    """
    return _ratio(_average_handle_time(_Frames(contacts=contacts), channels))


def _average_speed_of_answer(f: _Frames, channels=LIVE_CHANNELS) -> list[_Parts]:
    """ASA parts: queue wait of answered contacts in the channels."""
    rows = f.answered() & f.in_channels(channels)
    return _mean_parts("contacts", f.number("contacts", "queue_wait_s"), rows)


def average_speed_of_answer(
    contacts: pd.DataFrame, *, channels: Sequence[str] | None = LIVE_CHANNELS
) -> float:
    """ASA = total queue wait of answered contacts / answered contacts, in seconds (phone, chat).

    The mean wait of contacts that were *answered*; abandoned calls are left out (their wait is
    in the abandonment rate). This is not the Erlang C ASA of
    :func:`svcworkbook.analysis.staffing.average_speed_of_answer`, which averages over every arrival, and
    not the service level threshold (the "20 s" in 80/20).
    """
    return _ratio(_average_speed_of_answer(_Frames(contacts=contacts), channels))


def _service_level(
    f: _Frames,
    threshold_s: float = DEFAULT_THRESHOLD_S,
    short_abandon_s: float = DEFAULT_SHORT_ABANDON_S,
    definition: str = "answered_over_offered",
    channels=LIVE_CHANNELS,
) -> list[_Parts]:
    """Service level parts for the chosen definition, after removing short abandons."""
    if definition not in SERVICE_LEVEL_DEFINITIONS:
        raise ValueError(
            f"definition must be one of {sorted(SERVICE_LEVEL_DEFINITIONS)}, not {definition!r}"
        )
    if threshold_s < 0 or short_abandon_s < 0:
        raise ValueError("threshold_s and short_abandon_s must be 0 or more seconds")
    wait = f.number("contacts", "queue_wait_s")
    answered = f.answered()
    abandoned = ~answered
    offered = f.in_channels(channels) & ~(abandoned & (wait < short_abandon_s))
    answered_in_time = offered & answered & (wait <= threshold_s)
    abandoned_in_time = offered & abandoned & (wait <= threshold_s)
    if definition == "answered_over_offered":
        hits, rows = answered_in_time, offered
    elif definition == "answered_over_answered":
        hits, rows = answered_in_time, offered & answered
    elif definition == "abandoned_within_threshold_as_good":
        hits, rows = answered_in_time | abandoned_in_time, offered
    else:  # exclude_abandoned_within_threshold
        hits, rows = answered_in_time, offered & ~abandoned_in_time
    return _share_parts("contacts", hits, rows)


def service_level(
    contacts: pd.DataFrame,
    *,
    threshold_s: float = DEFAULT_THRESHOLD_S,
    short_abandon_s: float = DEFAULT_SHORT_ABANDON_S,
    definition: str = "answered_over_offered",
    channels: Sequence[str] | None = LIVE_CHANNELS,
) -> float:
    """Service level = answered within threshold_s / (answered + abandoned after short_abandon_s).

    The workbook's default: contacts answered within the threshold (wait <= 20 s) divided by all
    contacts offered, where a call abandoned in under ``short_abandon_s`` (5 s) is a "short
    abandon" and removed from the count. Why: a caller who waited and gave up was not served,
    so every real abandon counts against the service (the customer's view, and the hardest to
    flatter); but a caller who hangs up within a few seconds (a misdial, a change of mind, a
    call that drops while being connected) gave nobody a chance to answer, so it says nothing
    about service. Telephony systems offer a configurable "short call" or "short abandon" timer
    for exactly this; 5 s keeps it shorter than any realistic answer time. ``short_abandon_s=0``
    counts every abandon.

    Other published definitions (``definition=``; short abandons are removed first in all):

    * ``"answered_over_offered"`` (default): answered in time / (answered + abandoned);
    * ``"answered_over_answered"``: answered in time / answered - ignores abandons and flatters;
    * ``"abandoned_within_threshold_as_good"``: (answered + abandoned within the threshold) /
      (answered + abandoned) - counts a caller who gave up quickly as a success;
    * ``"exclude_abandoned_within_threshold"``: answered in time / (answered + abandoned after the
      threshold) - abandons before the threshold count neither way.

    Live channels (phone, chat) by default. Result 0-1; NaN when nothing was offered.
    """
    parts = _service_level(
        _Frames(contacts=contacts), threshold_s, short_abandon_s, definition, channels
    )
    return _ratio(parts)


def _abandonment_rate(
    f: _Frames, short_abandon_s: float = DEFAULT_SHORT_ABANDON_S, channels=LIVE_CHANNELS
) -> list[_Parts]:
    """Abandonment parts: abandoned after the short-abandon time among contacts offered."""
    wait = f.number("contacts", "queue_wait_s")
    abandoned = ~f.answered()
    offered = f.in_channels(channels) & ~(abandoned & (wait < short_abandon_s))
    return _share_parts("contacts", abandoned, offered)


def abandonment_rate(
    contacts: pd.DataFrame,
    *,
    short_abandon_s: float = DEFAULT_SHORT_ABANDON_S,
    channels: Sequence[str] | None = LIVE_CHANNELS,
) -> float:
    """Abandonment rate = abandoned / offered, both without short abandons (< 5 s), 0-1.

    The same short-abandon rule as :func:`service_level`, so the two KPIs count the same
    offered contacts; ``short_abandon_s=0`` counts every abandon. Live channels by default.
    """
    return _ratio(_abandonment_rate(_Frames(contacts=contacts), short_abandon_s, channels))


def _escalation_rate(f: _Frames, channels=None) -> list[_Parts]:
    """Escalation parts: escalated among answered contacts."""
    rows = f.answered() & f.in_channels(channels)
    return _share_parts("contacts", f.flag("contacts", "escalated"), rows)


def escalation_rate(contacts: pd.DataFrame, *, channels: Sequence[str] | None = None) -> float:
    """Escalation rate = contacts escalated / answered contacts, 0-1 (abandoned excluded)."""
    return _ratio(_escalation_rate(_Frames(contacts=contacts), channels))


def _repeat_flags(f: _Frames, days: float) -> np.ndarray:
    """Contacts followed by another from the same customer within days (at or after, not itself)."""
    return f._cached(("repeat", days), lambda: _compute_repeat_flags(f, days))


def _compute_repeat_flags(f: _Frames, days: float) -> np.ndarray:
    """Sort by customer then time; a contact repeats if the next one (same customer) is in time.

    A contact whose customer made another contact at the very same moment also counts (so the
    result does not depend on row order). The sort is one integer sort of customer x 2^b + time
    rank (several times quicker than a two-key lexsort); rows already in time order skip ranking.
    Three arrays of row numbers are reused in place: on a year of contacts every new array
    costs page faults as well as arithmetic.
    """
    opened = f.time("contacts", "opened_at")
    customers = _codes(f.values("contacts", "customer_id"))  # no renumbering needed here
    bits = len(opened).bit_length()  # customer x 2^bits + time rank: shifts, not divisions
    by_time = None if np.all(opened[1:] >= opened[:-1]) else np.argsort(opened, kind="stable")
    key = (customers if by_time is None else customers[by_time]).astype(np.int64)
    key <<= bits
    scratch = np.arange(len(opened))
    key |= scratch  # customer, then time rank
    key.sort()
    rank = key & ((1 << bits) - 1)
    key >>= bits  # the customer: an arithmetic shift, right for blank (-1) too
    same_next = key[1:] == key[:-1]
    same_next &= key[1:] >= 0
    times = opened if by_time is None else opened[by_time]
    when = np.take(times, rank, out=key)  # the customers are no longer needed
    gap = np.subtract(when[1:], when[:-1], out=scratch[:-1])
    repeat_sorted = np.zeros(len(opened), dtype=bool)
    np.logical_and(same_next, gap <= days * _NS_PER_DAY, out=repeat_sorted[:-1])
    same_next &= gap == 0
    repeat_sorted[1:] |= same_next
    flags = np.empty(len(opened), dtype=bool)
    flags[rank if by_time is None else by_time[rank]] = repeat_sorted
    return flags


def _repeat_contact_rate(
    f: _Frames, days: float = DEFAULT_REPEAT_DAYS, exclude_incomplete: bool = True
) -> list[_Parts]:
    """Repeat parts: contacts followed by another within days, among contacts with a customer."""
    if days <= 0:
        raise ValueError(f"days must be more than 0, not {days!r}")
    opened = f.time("contacts", "opened_at")
    rows = f.values("contacts", "customer_id").notna().to_numpy() & (opened != _NAT)
    if exclude_incomplete:
        rows &= opened <= f.end_ns() - days * _NS_PER_DAY
    return _share_parts("contacts", _repeat_flags(f, days), rows)


def repeat_contact_rate(
    contacts: pd.DataFrame,
    *,
    days: float = DEFAULT_REPEAT_DAYS,
    exclude_incomplete: bool = True,
    as_of=None,
) -> float:
    """Repeat contact rate = contacts followed by another from the same customer within N days /
    contacts, 0-1 (default N = 7).

    Every contact counts, including abandoned ones (a caller who gives up and rings back has had
    to contact twice). By default a contact opened less than N days before the end of the data
    (``as_of``, else the latest date in it) is left out, because its follow-up window is not yet
    complete and would make the rate look better than it is; ``exclude_incomplete=False`` keeps
    them. A repeat to another team counts for the first contact's team.
    """
    f = _Frames(contacts=contacts, as_of=as_of)
    return _ratio(_repeat_contact_rate(f, days, exclude_incomplete))


def _first_response_time(f: _Frames, channels=WRITTEN_CHANNELS) -> list[_Parts]:
    """First response parts: hours to first response of answered written contacts."""
    rows = f.answered() & f.in_channels(channels)
    return _mean_parts("contacts", f.number("contacts", "queue_wait_s") / 3600.0, rows)


def first_response_time(
    contacts: pd.DataFrame, *, channels: Sequence[str] | None = WRITTEN_CHANNELS
) -> float:
    """First response time = total time to first reply / contacts replied to, in hours (email, social)."""
    return _ratio(_first_response_time(_Frames(contacts=contacts), channels))


def _channel_targets(f: _Frames, target_hours) -> np.ndarray | np.float64:
    """Target hours per contact: one number for all, or per contact from a {channel: hours}."""
    if not isinstance(target_hours, Mapping):
        if float(target_hours) <= 0:
            raise ValueError(f"target_hours must be more than 0, not {target_hours!r}")
        return np.float64(target_hours)  # one number for every contact: no array needed
    channel = f.values("contacts", "channel")
    hours = channel.map(dict(target_hours)).to_numpy(dtype=float, na_value=np.nan)
    missing = np.isnan(hours)
    if missing.any():
        absent = sorted(map(str, channel[missing].unique()))
        raise ValueError(f"target_hours has no target for channel(s) {absent}; add them")
    return hours


def _sla_compliance(
    f: _Frames, target_hours: float | Mapping[str, float] = DEFAULT_SLA_HOURS, channels=None
) -> list[_Parts]:
    """SLA parts: resolved within target among contacts resolved or already past the target."""
    target_ns = _channel_targets(f, target_hours) * _NS_PER_HOUR
    opened = f.time("contacts", "opened_at")
    resolved = f.time("contacts", "resolved_at")
    is_resolved = resolved != _NAT
    cases = f.answered() & f.in_channels(channels) & (opened != _NAT)
    with np.errstate(over="ignore"):  # a blank time's difference is meaningless, and masked
        took = resolved - opened
    in_time = is_resolved & (took <= target_ns)
    overdue_open = ~is_resolved & ((f.end_ns() - opened) > target_ns)
    return _share_parts("contacts", in_time, cases & (is_resolved | overdue_open))


def sla_compliance(
    contacts: pd.DataFrame,
    *,
    target_hours: float | Mapping[str, float] = DEFAULT_SLA_HOURS,
    channels: Sequence[str] | None = None,
    as_of=None,
) -> float:
    """SLA compliance = contacts resolved within the target time / contacts due, 0-1.

    Due = resolved, or still open and already older than the target at ``as_of`` (the end of the
    data by default): those have breached whatever happens next. Open contacts still inside their
    target cannot be judged yet and are left out. Abandoned calls are not cases and are left out.
    ``target_hours`` is one number (default 24) or a mapping per channel, e.g.
    ``{"phone": 24, "chat": 24, "email": 48, "social": 48}``.
    """
    f = _Frames(contacts=contacts, as_of=as_of)
    return _ratio(_sla_compliance(f, target_hours, channels))


def _resolution_taken(f: _Frames, channels=None) -> tuple[np.ndarray, np.ndarray]:
    """Nanoseconds from opened to resolved of the contacts measured (answered, opened and
    resolved), and which rows those are."""
    opened = f.time("contacts", "opened_at")
    resolved = f.time("contacts", "resolved_at")
    rows = f.answered() & f.in_channels(channels) & (resolved != _NAT) & (opened != _NAT)
    took = resolved[rows]
    took -= opened[rows]
    return took, rows


def _resolution_hours(f: _Frames, channels=None) -> np.ndarray:
    """Hours from opened to resolved of the contacts a resolution time is measured on."""
    return _resolution_taken(f, channels)[0] / _NS_PER_HOUR


def resolution_time_percentile(
    contacts: pd.DataFrame, percentile: float = 90, *, channels: Sequence[str] | None = None
) -> float:
    """Resolution time percentile: the P-th percentile of hours from opened to resolved.

    Over resolved, answered contacts (linear interpolation between the nearest ranks, as numpy's
    default). Contacts still open are not in it, and they are the slow ones, so read it with the
    :func:`backlog`. The median (P = 50) is typical; the 90th percentile shows the long tail.
    """
    if not 0 <= percentile <= 100:
        raise ValueError(f"percentile must be between 0 and 100, not {percentile!r}")
    hours = _resolution_hours(_Frames(contacts=contacts), channels)
    return float(np.percentile(hours, percentile)) if len(hours) else float("nan")


def resolution_time_percentiles(
    contacts: pd.DataFrame,
    percentiles: Iterable[float] = (50, 90),
    *,
    channels: Sequence[str] | None = None,
) -> pd.Series:
    """Several resolution time percentiles (hours), indexed by percentile."""
    return pd.Series(
        {p: resolution_time_percentile(contacts, p, channels=channels) for p in percentiles},
        name="resolution_hours",
    )


def backlog(contacts: pd.DataFrame, *, as_of=None) -> float:
    """Backlog = contacts open at as_of: opened at or before it and not resolved by then.

    Abandoned calls are not cases and are left out. ``as_of`` defaults to the end of the data
    (the latest opened or resolved time). A count, not a rate; returned as a float like every KPI.
    """
    f = _Frames(contacts=contacts, as_of=as_of)
    end = f.end_ns()
    opened = f.time("contacts", "opened_at")
    resolved = f.time("contacts", "resolved_at")
    open_ = (
        f.answered() & (opened != _NAT) & (opened <= end) & ((resolved == _NAT) | (resolved > end))
    )
    return float(open_.sum())


# ---------------------------------------------------------------------------------------------
# Staffing efficiency from intervals
# ---------------------------------------------------------------------------------------------


def _occupancy(f: _Frames, shrinkage: float = 0.0) -> list[_Parts]:
    """Occupancy parts: handled x AHT over staffed seconds per interval."""
    if not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage must be a share in [0, 1), not {shrinkage!r}")
    handled = f.number("intervals", "handled")
    aht = f.number("intervals", "aht_s")
    workload = np.where(handled > 0, handled * np.nan_to_num(aht), 0.0)
    staffed = (
        f.number("intervals", "agents_scheduled")
        * f.number("intervals", "interval_s")
        * (1.0 - shrinkage)
    )
    staffed = np.nan_to_num(staffed)
    return [_Parts("intervals", staffed > 0, numerator=workload, denominator=staffed)]


def occupancy(intervals: pd.DataFrame, *, shrinkage: float = 0.0) -> float:
    """Occupancy = handled x AHT / (agents x interval length), summed over intervals, 0-1.

    The share of staffed time spent handling contacts. ``agents_scheduled`` is taken as the
    agents logged in and available for contacts; if your schedule counts staff before shrinkage
    (breaks, training, absence), pass ``shrinkage`` and the staffed time is multiplied by
    ``1 - shrinkage``. Too high (over about 85-90%) burns people out; too low wastes time.
    """
    return _ratio(_occupancy(_Frames(intervals=intervals), shrinkage))


# ---------------------------------------------------------------------------------------------
# Satisfaction and effort (surveys)
# ---------------------------------------------------------------------------------------------


def _csat(f: _Frames) -> list[_Parts]:
    """CSAT parts: scores of 4 or 5 among CSAT responses."""
    score = f.score("surveys", "csat", 1, 5)
    return _share_parts("surveys", score >= 4, ~np.isnan(score))


def csat(surveys: pd.DataFrame) -> float:
    """CSAT = responses scoring 4 or 5 / responses with a CSAT score (1-5 scale), 0-1.

    The "top-two-box" CSAT most organisations report as a percentage. The mean score is a
    different number with the same name in some reports: see :func:`csat_mean`.
    """
    return _ratio(_csat(_Frames(surveys=surveys)))


def _csat_mean(f: _Frames) -> list[_Parts]:
    """CSAT mean parts: the score itself over responses."""
    score = f.score("surveys", "csat", 1, 5)
    return _mean_parts("surveys", score, np.ones(len(score), dtype=bool))


def csat_mean(surveys: pd.DataFrame) -> float:
    """CSAT mean = sum of CSAT scores / responses with a score, on the 1-5 scale."""
    return _ratio(_csat_mean(_Frames(surveys=surveys)))


def _net_promoter_score(f: _Frames) -> list[_Parts]:
    """NPS parts: +1 promoter (9-10), -1 detractor (0-6), 0 passive, over NPS responses."""
    score = f.score("surveys", "nps", 0, 10)
    rows = ~np.isnan(score)
    signed = np.where(score >= 9, 1.0, 0.0) - np.where(score <= 6, 1.0, 0.0)
    return _mean_parts("surveys", np.where(rows, signed, np.nan), rows)


def net_promoter_score(surveys: pd.DataFrame) -> float:
    """NPS = % promoters (9-10) - % detractors (0-6) of responses to the 0-10 question, -100..100.

    A score, not a percentage: passives (7-8) count in the responses but in neither group.
    """
    return _ratio(_net_promoter_score(_Frames(surveys=surveys)), scale=100.0)


def _customer_effort_score(f: _Frames) -> list[_Parts]:
    """CES parts: the effort score itself over responses."""
    score = f.score("surveys", "ces", 1, 7)
    return _mean_parts("surveys", score, np.ones(len(score), dtype=bool))


def customer_effort_score(surveys: pd.DataFrame) -> float:
    """CES = mean effort score on 1-7 (1 = very easy, 7 = very difficult); lower is better.

    Some organisations report the share answering "easy" instead; this workbook reports the
    mean, as the data dictionary defines the scale.
    """
    return _ratio(_customer_effort_score(_Frames(surveys=surveys)))


def _survey_response_rate(f: _Frames) -> list[_Parts]:
    """Response rate parts: responded among surveys sent."""
    responded = f.flag("surveys", "responded")
    return _share_parts("surveys", responded, np.ones(len(responded), dtype=bool))


def survey_response_rate(surveys: pd.DataFrame) -> float:
    """Survey response rate = surveys responded to / surveys sent, 0-1.

    Low response rates make satisfaction scores fragile (who answers is not a random sample).
    """
    return _ratio(_survey_response_rate(_Frames(surveys=surveys)))


# ---------------------------------------------------------------------------------------------
# Complaints
# ---------------------------------------------------------------------------------------------


def _complaints_per_1000_contacts(f: _Frames) -> list[_Parts]:
    """Complaints counted in the numerator, contacts in the denominator (two datasets)."""
    complaints = len(f.frame("complaints"))
    contacts = len(f.frame("contacts"))
    return [
        _Parts(
            "complaints",
            np.zeros(complaints, bool),
            numerator=np.ones(complaints),
            denominator=np.zeros(complaints),
        ),
        _Parts(
            "contacts",
            np.ones(contacts, bool),
            numerator=np.zeros(contacts),
            denominator=np.ones(contacts),
        ),
    ]


def complaints_per_1000_contacts(complaints: pd.DataFrame, contacts: pd.DataFrame) -> float:
    """Complaints per 1,000 contacts = complaints received / contacts x 1,000.

    Contacts include abandoned ones (every attempt to reach the service). Compare like with like:
    both datasets should cover the same period, which :func:`kpi_table` does for you.
    """
    parts = _complaints_per_1000_contacts(_Frames(complaints=complaints, contacts=contacts))
    return _ratio(parts, scale=1000.0)


def _complaint_resolution_time(f: _Frames) -> list[_Parts]:
    """Complaint resolution parts: days from received to resolved, over resolved complaints."""
    received = f.time("complaints", "received_at")
    resolved = f.time("complaints", "resolved_at")
    rows = (resolved != _NAT) & (received != _NAT)
    days = np.where(rows, (resolved - received) / _NS_PER_DAY, np.nan)
    return _mean_parts("complaints", days, rows)


def complaint_resolution_time(complaints: pd.DataFrame) -> float:
    """Complaint resolution time = total days from received to resolved / complaints resolved.

    A mean in days over resolved complaints; open complaints are not in it (count them
    separately). Under the FCA's complaint rules (DISP) regulated firms owe a final response
    within 8 weeks, so compare the long tail, not only the mean, with that limit.
    """
    return _ratio(_complaint_resolution_time(_Frames(complaints=complaints)))


# ---------------------------------------------------------------------------------------------
# Loyalty (customers): loyalty is behaviour, not satisfaction
# ---------------------------------------------------------------------------------------------


def _customer_share(f: _Frames, hits: np.ndarray) -> list[_Parts]:
    """Share of all customers for whom hits is True."""
    return _share_parts("customers", hits, np.ones(len(hits), dtype=bool))


def _retention_rate(f: _Frames) -> list[_Parts]:
    """Retention parts: retained customers among customers."""
    return _customer_share(f, f.flag("customers", "retained"))


def retention_rate(customers: pd.DataFrame) -> float:
    """Retention rate = customers who bought again in the last 12 months / customers, 0-1.

    A behaviour (did they come back?), not an attitude: satisfied customers still leave and
    dissatisfied ones sometimes stay, which is why the units keep loyalty and satisfaction apart.
    """
    return _ratio(_retention_rate(_Frames(customers=customers)))


def _repeat_purchase_rate(f: _Frames) -> list[_Parts]:
    """Repeat purchase parts: customers with 2+ purchases among customers."""
    purchases = f.number("customers", "purchases")
    return _customer_share(f, purchases >= 2)


def repeat_purchase_rate(customers: pd.DataFrame) -> float:
    """Repeat purchase rate = customers with two or more purchases / customers, 0-1."""
    return _ratio(_repeat_purchase_rate(_Frames(customers=customers)))


def _referral_rate(f: _Frames) -> list[_Parts]:
    """Referral parts: customers with at least one referral among customers."""
    referrals = f.number("customers", "referrals")
    return _customer_share(f, referrals >= 1)


def referral_rate(customers: pd.DataFrame) -> float:
    """Referral rate = customers who referred at least one new customer / customers, 0-1.

    What promoters actually do, as opposed to what NPS asks them whether they would do.
    """
    return _ratio(_referral_rate(_Frames(customers=customers)))


# ---------------------------------------------------------------------------------------------
# The registry: every KPI with its label, data, unit, direction and default target.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KPI:
    """One KPI: what it is called, the data it needs, its unit, which way is better, its target."""

    name: str
    label: str
    datasets: tuple[str, ...]
    unit: str
    direction: str  # "higher" or "lower" is better
    target: float | None
    function: Callable[..., float]
    kind: str = "ratio"  # "ratio" (numerator / denominator), "percentile" or "level"
    parts: Callable[..., list[_Parts]] | None = None
    scale: float = 1.0
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def formula(self) -> str:
        """The first line of the function's docstring: the formula and convention."""
        return (self.function.__doc__ or "").strip().splitlines()[0]

    def compute(self, **frames_and_options: Any) -> float:
        """The KPI for whole datasets: pass the datasets by name plus any options."""
        frames = [frames_and_options.pop(name) for name in self.datasets]
        options = {**self.options, **frames_and_options}
        return self.function(*frames, **options)

    def met(self, value: float, target: float | None = None) -> bool | None:
        """Whether value meets the target (>= for higher-is-better, <= for lower); None if unknown."""
        goal = self.target if target is None else target
        if goal is None or value is None or np.isnan(value):
            return None
        return bool(value >= goal) if self.direction == "higher" else bool(value <= goal)


def _entry(name, label, datasets, unit, direction, target, function, parts=None, **kw) -> KPI:
    """A registry entry (positional shorthand)."""
    return KPI(name, label, datasets, unit, direction, target, function, parts=parts, **kw)


C, S = ("contacts",), ("surveys",)

#: Every KPI, in the order the KPI table lists them. Targets are illustrative defaults that
#: notebooks and kpi_table(targets=...) override with an organisation's own.
# fmt: off
KPIS: dict[str, KPI] = {
    k.name: k
    for k in [
        _entry("first_contact_resolution", "First contact resolution", C, "share", "higher",
               0.70, first_contact_resolution, _first_contact_resolution),
        _entry("average_handle_time", "Average handle time", C, "seconds", "lower", 360.0,
               average_handle_time, _average_handle_time),
        _entry("average_speed_of_answer", "Average speed of answer", C, "seconds", "lower", 30.0,
               average_speed_of_answer, _average_speed_of_answer),
        _entry("service_level", "Service level", C, "share", "higher", 0.80, service_level,
               _service_level),
        _entry("abandonment_rate", "Abandonment rate", C, "share", "lower", 0.05,
               abandonment_rate, _abandonment_rate),
        _entry("escalation_rate", "Escalation rate", C, "share", "lower", 0.10, escalation_rate,
               _escalation_rate),
        _entry("repeat_contact_rate", "Repeat contact rate", C, "share", "lower", 0.15,
               repeat_contact_rate, _repeat_contact_rate),
        _entry("first_response_time", "First response time (email, social)", C, "hours",
               "lower", 24.0, first_response_time, _first_response_time),
        _entry("sla_compliance", "SLA compliance (resolved within target)", C, "share",
               "higher", 0.90, sla_compliance, _sla_compliance),
        _entry("resolution_time_p50", "Median resolution time", C, "hours", "lower", 24.0,
               resolution_time_percentile, kind="percentile", options={"percentile": 50}),
        _entry("resolution_time_p90", "90th percentile resolution time", C, "hours", "lower",
               72.0, resolution_time_percentile, kind="percentile", options={"percentile": 90}),
        _entry("backlog", "Backlog (open contacts at period end)", C, "contacts", "lower", None,
               backlog, kind="level"),
        _entry("occupancy", "Occupancy", ("intervals",), "share", "lower", 0.85, occupancy,
               _occupancy),
        _entry("csat", "CSAT (share scoring 4-5)", S, "share", "higher", 0.85, csat, _csat),
        _entry("csat_mean", "CSAT mean score (1-5)", S, "score 1-5", "higher", 4.2, csat_mean,
               _csat_mean),
        _entry("net_promoter_score", "Net Promoter Score", S, "score -100 to 100", "higher",
               30.0, net_promoter_score, _net_promoter_score, scale=100.0),
        _entry("customer_effort_score", "Customer effort score (1 easy - 7 difficult)", S,
               "score 1-7", "lower", 3.0, customer_effort_score, _customer_effort_score),
        _entry("survey_response_rate", "Survey response rate", S, "share", "higher", 0.10,
               survey_response_rate, _survey_response_rate),
        _entry("complaints_per_1000_contacts", "Complaints per 1,000 contacts",
               ("complaints", "contacts"), "per 1,000 contacts", "lower", 5.0,
               complaints_per_1000_contacts, _complaints_per_1000_contacts, scale=1000.0),
        _entry("complaint_resolution_time", "Complaint resolution time", ("complaints",), "days",
               "lower", 14.0, complaint_resolution_time, _complaint_resolution_time),
        _entry("retention_rate", "Retention rate", ("customers",), "share", "higher", 0.80,
               retention_rate, _retention_rate),
        _entry("repeat_purchase_rate", "Repeat purchase rate", ("customers",), "share", "higher",
               0.40, repeat_purchase_rate, _repeat_purchase_rate),
        _entry("referral_rate", "Referral rate", ("customers",), "share", "higher", 0.10,
               referral_rate, _referral_rate),
    ]
}
# fmt: on
del C, S


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


def _available(kpi: KPI, f: _Frames, by: tuple[str, ...]) -> str | None:
    """Why a KPI cannot be tabled with these datasets and groups, or None if it can."""
    for dataset in kpi.datasets:
        if not f.has(dataset):
            return f"needs the {dataset} dataset"
        columns = set(f.frame(dataset).columns)
        if dataset == "surveys" and f.has("contacts") and "contact_id" in columns:
            columns |= set(f.frame("contacts").columns)
        missing = [c for c in by if c not in columns]
        if missing:
            return f"the {dataset} dataset has no {missing} column to group by"
    return None


def _select(kpis, f: _Frames, by: tuple[str, ...]) -> list[KPI]:
    """The KPIs asked for (all that the datasets and groups allow when kpis is None)."""
    if kpis is None:
        return [k for k in KPIS.values() if _available(k, f, by) is None]
    names = [kpis] if isinstance(kpis, str) else list(kpis)
    unknown = [n for n in names if n not in KPIS]
    if unknown:
        raise ValueError(f"unknown KPI(s) {unknown}; choose from {list(KPIS)}")
    chosen = [KPIS[n] for n in names]
    for kpi in chosen:
        reason = _available(kpi, f, by)
        if reason:
            raise ValueError(f"cannot table {kpi.name} grouped by {list(by)}: it {reason}")
    return chosen


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


def _prepare(datasets: dict, period: str, by, kpis, as_of) -> tuple[_Frames, tuple, list[KPI]]:
    """Check the arguments shared by kpi_parts and kpi_table."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    by = (by,) if isinstance(by, str) else tuple(by or ())
    if "agent" in by:
        raise ValueError("group by 'agent_id' (the column's name), not 'agent'")
    f = _Frames(as_of=as_of, **datasets)
    if not f.frames:
        raise ValueError("pass at least one dataset (contacts=, surveys=, complaints=, ...)")
    return f, by, _select(kpis, f, by)


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


def kpi_parts(
    contacts: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    intervals: pd.DataFrame | None = None,
    *,
    period: str = "week",
    by: str | Sequence[str] = ("team",),
    kpis: str | Sequence[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    as_of=None,
) -> pd.DataFrame:
    """Numerator, denominator and n of each ratio KPI per period x group (the working behind it).

    Adding numerators and denominators over groups and dividing gives the KPI for the combined
    group; averaging the groups' values does not (unless every group is the same size).
    Percentile and backlog KPIs are not ratios and are left out. Same arguments as
    :func:`kpi_table`.
    """
    datasets = dict(
        contacts=contacts, surveys=surveys, complaints=complaints, customers=customers,
        intervals=intervals,
    )  # fmt: skip
    f, by, chosen = _prepare(datasets, period, by, kpis, as_of)
    chosen = [k for k in chosen if k.kind == "ratio"]
    grid = _Grid(f, [d for k in chosen for d in k.datasets], period, by)
    worked = _ratio_cells([(k, _options(k, options)) for k in chosen], f, grid)
    results = list(zip(chosen, worked, strict=True))
    table = _long(grid, results, ["numerator", "denominator", "n"])
    table["n"] = table["n"].astype("int64")
    return table


def kpi_table(
    contacts: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    intervals: pd.DataFrame | None = None,
    *,
    period: str = "week",
    by: str | Sequence[str] = ("team",),
    kpis: str | Sequence[str] | None = None,
    targets: Mapping[str, float | None] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    as_of=None,
) -> pd.DataFrame:
    """Every KPI by period (day, week from Monday, month) and groups, with target and whether met.

    Tidy: one row per period x group x KPI with columns ``period`` (the period's first day),
    the ``by`` columns, ``kpi``, ``value``, ``n`` (rows behind the value: answered contacts,
    responses, ...), ``target`` and ``met`` (True/False, or <NA> when the value is NaN or there is
    no target). Every period from the first to the last appears for every group, so an empty
    week shows NaN with n = 0 rather than disappearing; a zero denominator is NaN, never 0%.

    Each row is placed in a period by its dataset's date: contacts by ``opened_at``, surveys by
    ``sent_at``, complaints by ``received_at``, intervals by ``interval_start`` and customers by
    ``first_purchase_at`` (their cohort). Surveys without a grouping column take it from their
    contact (by ``contact_id``). A blank grouping value is shown as '(none)' (abandoned calls
    have no agent). With ``kpis=None`` the table holds every KPI the given datasets can be
    grouped for; ``targets`` overrides default targets ({name: value or None}); ``options``
    passes options to KPIs, e.g. ``{"service_level": {"threshold_s": 30}}``. Backlog is the
    count open at each period's end (no default target: it depends on volume).
    """
    datasets = dict(
        contacts=contacts, surveys=surveys, complaints=complaints, customers=customers,
        intervals=intervals,
    )  # fmt: skip
    f, by, chosen = _prepare(datasets, period, by, kpis, as_of)
    unknown = [name for name in (targets or {}) if name not in KPIS]
    if unknown:
        raise ValueError(f"targets for unknown KPI(s) {unknown}; choose from {list(KPIS)}")
    grid = _Grid(f, [d for k in chosen for d in k.datasets], period, by)
    results = []
    for kpi, cells in zip(chosen, _cells(chosen, f, grid, options), strict=True):
        goal = (targets or {}).get(kpi.name, kpi.target)
        cells["target"] = np.full(grid.size, np.nan if goal is None else float(goal))
        results.append((kpi, cells))
    table = _long(grid, results, ["value", "n", "target"])
    table["n"] = table["n"].astype("int64")
    higher = table["kpi"].map({k.name: k.direction == "higher" for k in KPIS.values()})
    known = table["value"].notna() & table["target"].notna()
    met = np.where(higher, table["value"] >= table["target"], table["value"] <= table["target"])
    table["met"] = pd.array(np.where(known, met, False), dtype="boolean")
    table.loc[~known, "met"] = pd.NA
    return table
