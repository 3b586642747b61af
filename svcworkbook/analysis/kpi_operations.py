"""Operational KPIs, one function each with its formula: contact handling from the contact log
(resolution, handle time, speed of answer, service level, abandonment, escalation, repeat
contacts, first response, SLA, resolution time, backlog) and occupancy from intervals.

The conventions (rates in [0, 1], NaN when there is nothing to divide by, sums of numerators over
sums of denominators) are set out in :mod:`svcworkbook.analysis.kpi`, which lists every KPI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from svcworkbook.analysis._kpi_table import (
    _NAT,
    _NS_PER_DAY,
    _NS_PER_HOUR,
    _codes,
    _Frames,
    _mean_parts,
    _Parts,
    _ratio,
    _resolution_taken,
    _share_parts,
)

LIVE_CHANNELS = ("phone", "chat")
WRITTEN_CHANNELS = ("email", "social")

#: Service level threshold: the "20" in "80% of calls answered in 20 seconds".
DEFAULT_THRESHOLD_S = 20.0
#: Calls abandoned in under this many seconds are "short abandons" and removed from the
#: service level and abandonment rate. See :func:`service_level` for why 5 s.
DEFAULT_SHORT_ABANDON_S = 5.0
DEFAULT_REPEAT_DAYS = 7
DEFAULT_SLA_HOURS = 24.0

#: Four published ways of counting abandoned calls in service level (the short-abandon filter,
#: ``short_abandon_s``, is applied before any of them; some lists count it as a definition too).
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
