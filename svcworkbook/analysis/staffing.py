"""Staffing a queue with Erlang C: traffic, probability of waiting, service level, speed of answer,
occupancy and the agents required, per interval, with shrinkage and a what-if for demand peaks.

Erlang C models calls arriving at random (Poisson) to ``N`` agents who each take an exponentially
distributed handle time, with callers who wait in one queue and never hang up. With traffic
``A = calls x AHT / interval`` (Erlangs):

* Erlang B (blocking) is computed without factorials, as a Poisson ratio
  ``B(N, A) = P(X = N) / P(X <= N)`` for ``X ~ Poisson(A)`` (log-gamma and the regularised
  incomplete gamma function), which is exact in floating point up to many thousands of agents;
* Erlang C (probability of waiting) follows from it: ``C = N B / (N - A (1 - B))``.

The functions take numbers, arrays or DataFrame columns and broadcast like numpy; a scalar in
gives a float (or int) out. Because the model ignores abandoned calls it is a planning model, not
a description of a real queue: an understaffed interval in real life loses callers rather than
queueing them for ever.

Two common traps, handled here:

* the Erlang C average speed of answer averages over *every* caller, including those answered at
  once; the KPI :func:`svcworkbook.analysis.kpi.average_speed_of_answer` averages the wait of *answered*
  calls in the data; neither is the "answer within" threshold of the service level target;
* staff to schedule with shrinkage is ``ceil(agents / (1 - shrinkage))``, not
  ``agents x (1 + shrinkage)`` (30% shrinkage on 14 agents needs 20 scheduled, not 19).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from svcworkbook.errors import DataError

#: Decimal places used to absorb floating-point noise before rounding staff up or down
#: (14 / 0.7 is 20.000000000000004 in binary floating point, which must round up to 20, not 21).
_ROUNDING_DECIMALS = 9

INTERVAL_COLUMNS = (
    "interval_start",
    "interval_s",
    "offered",
    "handled",
    "aht_s",
    "agents_scheduled",
)


def _array(name: str, value) -> np.ndarray:
    """The argument as a float array, or a ValueError naming it if it is not numeric."""
    try:
        values = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, not {value!r}") from None
    if np.isnan(values).any():
        raise ValueError(f"{name} has blank (NaN) values; fill or drop them before staffing")
    return values


def _fail(name: str, values: np.ndarray, bad: np.ndarray, rule: str) -> None:
    """Raise a ValueError naming the argument, the rule and the first offending positions."""
    if not bad.any():
        return
    if values.ndim == 0:
        raise ValueError(f"{name} must be {rule}; got {values.item()!r}")
    positions = np.argwhere(bad)[:5].tolist()
    shown = [values[tuple(p)].item() for p in positions]
    raise ValueError(f"{name} must be {rule}; got {shown} at positions {positions}")


def _out(values: np.ndarray):
    """A 0-d result as a Python number, otherwise the array."""
    return values.item() if np.ndim(values) == 0 else values


def _round_up(values: np.ndarray) -> np.ndarray:
    """Smallest whole number >= values, ignoring floating-point noise (20.000000000000004 -> 20)."""
    return np.ceil(np.round(values, _ROUNDING_DECIMALS))


def _round_down(values: np.ndarray) -> np.ndarray:
    """Largest whole number <= values, ignoring floating-point noise (13.999999999999998 -> 14)."""
    return np.floor(np.round(values, _ROUNDING_DECIMALS))


def _check_calls(calls, interval_s, aht_s, *, allow_zero: bool) -> tuple[np.ndarray, ...]:
    """Validated calls (>= 0, or > 0), interval (> 0 s) and AHT (> 0 s) as float arrays."""
    calls_a = _array("calls", calls)
    interval_a = _array("interval_s", interval_s)
    aht_a = _array("aht_s", aht_s)
    if allow_zero:
        _fail("calls", calls_a, calls_a < 0, "0 or more (calls forecast in the interval)")
    else:
        _fail(
            "calls",
            calls_a,
            calls_a <= 0,
            "more than 0: with no calls there is no caller to wait, so nothing to predict",
        )
    _fail("interval_s", interval_a, interval_a <= 0, "more than 0 seconds (e.g. 1800)")
    _fail("aht_s", aht_a, aht_a <= 0, "more than 0 seconds (average handle time)")
    return calls_a, interval_a, aht_a


def _check_agents(agents, traffic: np.ndarray) -> np.ndarray:
    """Validated agents: whole numbers, at least 1 and more than the traffic (else no steady queue)."""
    agents_a = _array("agents", agents)
    _fail("agents", agents_a, agents_a != np.round(agents_a), "whole numbers of agents")
    _fail("agents", agents_a, agents_a < 1, "at least 1")
    agents_b, traffic_b = np.broadcast_arrays(agents_a, traffic)
    short = agents_b <= traffic_b
    if short.any():
        index = tuple(np.argwhere(short)[0])
        a, n = traffic_b[index].item(), agents_b[index].item()
        raise ValueError(
            f"agents must be more than the traffic: {n:g} agents cannot carry {a:.4g} Erlangs "
            f"(at least {int(_round_down(np.asarray(a)).item()) + 1} needed); with agents <= "
            "traffic the Erlang C queue grows without limit. Add agents or reduce the calls."
        )
    return agents_a


def _check_share(name: str, value, low: float, high: float, rule: str) -> np.ndarray:
    """A validated fraction with the stated bounds (inclusive low, exclusive high unless noted)."""
    values = _array(name, value)
    _fail(name, values, (values < low) | (values >= high), rule)
    return values


def traffic_erlangs(calls, interval_s, aht_s):
    """Offered traffic in Erlangs: A = calls x AHT / interval length (both in seconds)."""
    calls_a, interval_a, aht_a = _check_calls(calls, interval_s, aht_s, allow_zero=True)
    return _out(calls_a * aht_a / interval_a)


def _erlang_b(agents: np.ndarray, traffic: np.ndarray) -> np.ndarray:
    """Erlang B without checks: B = P(X = N) / P(X <= N) for X ~ Poisson(A), in log space."""
    log_pmf = special.xlogy(agents, traffic) - traffic - special.gammaln(agents + 1.0)
    return np.exp(log_pmf) / special.pdtr(agents, traffic)


def _erlang_c(agents: np.ndarray, traffic: np.ndarray) -> np.ndarray:
    """Erlang C without checks: C = N B / (N - A (1 - B)), the probability a caller waits."""
    blocking = _erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def _service_level(agents, traffic, aht_s, answer_within_s) -> np.ndarray:
    """Erlang C service level without checks: SL = 1 - C exp(-(N - A) t / AHT)."""
    return 1.0 - _erlang_c(agents, traffic) * np.exp(-(agents - traffic) * answer_within_s / aht_s)


def erlang_b(agents, traffic):
    """Erlang B: share of calls blocked when N lines carry A Erlangs and blocked calls are lost."""
    traffic_a = _array("traffic", traffic)
    _fail("traffic", traffic_a, traffic_a < 0, "0 or more Erlangs")
    agents_a = _array("agents", agents)
    _fail("agents", agents_a, (agents_a < 0) | (agents_a != np.round(agents_a)), "whole, >= 0")
    return _out(_erlang_b(agents_a, traffic_a))


def probability_of_wait(agents, calls, interval_s, aht_s):
    """Erlang C: probability a caller has to queue, C(N, A) = N B / (N - A (1 - B))."""
    calls_a, interval_a, aht_a = _check_calls(calls, interval_s, aht_s, allow_zero=False)
    traffic = calls_a * aht_a / interval_a
    agents_a = _check_agents(agents, traffic)
    return _out(_erlang_c(agents_a, traffic))


def service_level(agents, calls, interval_s, aht_s, answer_within_s):
    """Erlang C service level: share answered within t s, SL = 1 - C exp(-(N - A) t / AHT).

    ``answer_within_s`` is the threshold of the target (the "20" in "80% in 20 seconds"). The
    model has no abandoned calls, so this is every caller answered within the threshold over
    every caller.
    """
    calls_a, interval_a, aht_a = _check_calls(calls, interval_s, aht_s, allow_zero=False)
    within = _array("answer_within_s", answer_within_s)
    _fail("answer_within_s", within, within < 0, "0 or more seconds")
    traffic = calls_a * aht_a / interval_a
    agents_a = _check_agents(agents, traffic)
    return _out(_service_level(agents_a, traffic, aht_a, within))


def average_speed_of_answer(agents, calls, interval_s, aht_s):
    """Erlang C ASA over all callers (those answered at once count 0 s): C x AHT / (N - A), seconds.

    This is the queueing model's average, taken over every caller. The KPI of the same name
    measured from a contact log (:func:`svcworkbook.analysis.kpi.average_speed_of_answer`) averages the
    wait of answered calls only, and the service level threshold is a third, different number.
    """
    calls_a, interval_a, aht_a = _check_calls(calls, interval_s, aht_s, allow_zero=False)
    traffic = calls_a * aht_a / interval_a
    agents_a = _check_agents(agents, traffic)
    return _out(_erlang_c(agents_a, traffic) * aht_a / (agents_a - traffic))


def occupancy(agents, calls, interval_s, aht_s):
    """Erlang C occupancy: share of agents' time spent handling calls, A / N."""
    calls_a, interval_a, aht_a = _check_calls(calls, interval_s, aht_s, allow_zero=True)
    traffic = calls_a * aht_a / interval_a
    agents_a = _check_agents(agents, traffic)
    return _out(traffic / agents_a)


def _agents_for_service_level(traffic, aht_s, answer_within_s, target) -> np.ndarray:
    """Smallest whole N > A with Erlang C SL >= target, by doubling then bisection (vectorised)."""
    traffic, aht_s, answer_within_s, target = np.broadcast_arrays(
        traffic, aht_s, answer_within_s, target
    )
    low = _round_down(traffic)  # largest N that cannot carry the traffic (or 0)
    step = np.ones_like(traffic)
    high = low + step
    meets = _service_level(high, traffic, aht_s, answer_within_s) >= target
    while not meets.all():
        low = np.where(meets, low, high)
        step = np.where(meets, step, step * 2)
        high = np.where(meets, high, low + step)
        meets = _service_level(high, traffic, aht_s, answer_within_s) >= target
    # now SL(low) < target (or low cannot carry the traffic) and SL(high) >= target
    open_ = (high - low) > 1
    while open_.any():
        middle = np.where(open_, np.floor((low + high) / 2), high)  # closed: probe a valid N
        ok = _service_level(middle, traffic, aht_s, answer_within_s) >= target
        high = np.where(open_ & ok, middle, high)
        low = np.where(open_ & ~ok, middle, low)
        open_ = (high - low) > 1
    return np.where(traffic > 0, high, 0.0)


def agents_required(
    calls,
    interval_s,
    aht_s,
    answer_within_s,
    target,
    max_occupancy=None,
    shrinkage=0.0,
):
    """Agents to schedule: smallest N meeting the SL target (and occupancy cap), then / (1 - shrinkage).

    Steps: traffic ``A = calls x AHT / interval``; the smallest whole ``N > A`` whose Erlang C
    service level reaches ``target`` (a share, e.g. 0.8 for 80%) within ``answer_within_s``;
    raised if needed so that occupancy ``A / N`` stays at or below ``max_occupancy``; then staff
    to schedule = ``ceil(N / (1 - shrinkage))`` because shrinkage (breaks, training, absence) is
    a share of *scheduled* time. ``N x (1 + shrinkage)`` understaffs and is wrong. An interval
    with no calls needs no agents (0); any minimum cover for opening hours is a separate decision.
    """
    calls_a, interval_a, aht_a = _check_calls(calls, interval_s, aht_s, allow_zero=True)
    within = _array("answer_within_s", answer_within_s)
    _fail("answer_within_s", within, within < 0, "0 or more seconds")
    target_a = _array("target", target)
    _fail(
        "target", target_a, (target_a <= 0) | (target_a >= 1), "a share between 0 and 1, e.g. 0.8"
    )
    shrink = _check_share("shrinkage", shrinkage, 0.0, 1.0, "a share in [0, 1), e.g. 0.3 for 30%")
    traffic = calls_a * aht_a / interval_a
    agents = _agents_for_service_level(traffic, aht_a, within, target_a)
    if max_occupancy is not None:
        cap = _array("max_occupancy", max_occupancy)
        _fail("max_occupancy", cap, (cap <= 0) | (cap > 1), "a share in (0, 1], e.g. 0.85")
        agents = np.maximum(agents, _round_up(traffic / cap))
    return _out(_round_up(agents / (1.0 - shrink)).astype(int))


def _interval_columns(intervals: pd.DataFrame) -> None:
    """Raise a DataError naming any interval column the plan needs but the frame lacks."""
    if not isinstance(intervals, pd.DataFrame):
        raise ValueError("intervals must be a DataFrame with one row per interval")
    missing = [c for c in INTERVAL_COLUMNS if c not in intervals.columns]
    if missing:
        raise DataError(
            f"intervals: missing column(s) {missing}; found {list(intervals.columns)}. "
            "Rename your export's columns to the data dictionary names (data/README.md)."
        )


def _overall_aht(intervals: pd.DataFrame) -> float:
    """Handled-weighted AHT over all intervals: sum(handled x AHT) / sum(handled)."""
    handled = intervals["handled"].to_numpy(dtype=float)
    aht = intervals["aht_s"].to_numpy(dtype=float)
    has = (handled > 0) & np.isfinite(aht)
    if not has.any():
        raise DataError(
            "intervals: no interval has handled calls with an AHT (aht_s), so there is no handle "
            "time to plan with; pass aht_s= to staffing_plan."
        )
    return float((handled[has] * aht[has]).sum() / handled[has].sum())


def staffing_plan(
    intervals: pd.DataFrame,
    answer_within_s: float = 20,
    target: float = 0.8,
    shrinkage: float = 0.0,
    max_occupancy: float | None = None,
    demand_change: float = 0.0,
    aht_s: float | None = None,
) -> pd.DataFrame:
    """Per interval: forecast calls, agents required (on the phones and scheduled), gap, predicted SL.

    Forecast calls = ``offered x (1 + demand_change)`` (``demand_change=0.2`` is a 20% peak).
    AHT is the interval's own ``aht_s``; intervals with no handled calls use the handled-weighted
    AHT of all intervals, or pass ``aht_s`` to plan every interval with one AHT.
    ``agents_required`` is staff to schedule (after shrinkage), ``gap = agents_scheduled -
    agents_required`` (negative = short). ``predicted_service_level`` is the Erlang C service
    level of the staff actually scheduled, of whom ``floor(scheduled x (1 - shrinkage))`` take
    calls; it is 0 where they cannot carry the traffic (the queue grows without limit) and NaN
    where no calls are forecast (nobody to answer).
    """
    _interval_columns(intervals)
    change = float(demand_change)
    if change <= -1:
        raise ValueError(f"demand_change must be more than -1 (-100%), not {demand_change!r}")
    offered = intervals["offered"].to_numpy(dtype=float)
    if np.isnan(offered).any() or (offered < 0).any():
        rows = intervals.index[np.isnan(offered) | (offered < 0)][:5].tolist()
        raise DataError(f"intervals: 'offered' must be a count >= 0; check rows {rows}")
    calls = offered * (1.0 + change)
    if aht_s is None:
        aht = intervals["aht_s"].to_numpy(dtype=float)
        aht = np.where(np.isfinite(aht) & (aht > 0), aht, _overall_aht(intervals))
    else:
        aht = np.full(len(intervals), float(aht_s))
    interval_s = intervals["interval_s"].to_numpy(dtype=float)
    scheduled = intervals["agents_scheduled"].to_numpy(dtype=float)
    on_phones = np.asarray(
        agents_required(calls, interval_s, aht, answer_within_s, target, max_occupancy, 0.0)
    )
    required = np.asarray(
        agents_required(calls, interval_s, aht, answer_within_s, target, max_occupancy, shrinkage)
    )
    traffic = calls * aht / interval_s
    productive = _round_down(scheduled * (1.0 - float(shrinkage)))
    stable = (productive > traffic) & (calls > 0)
    predicted = np.full(len(intervals), np.nan)
    predicted[(calls > 0) & ~stable] = 0.0
    predicted[stable] = _service_level(
        productive[stable], traffic[stable], aht[stable], float(answer_within_s)
    )
    plan = pd.DataFrame(
        {
            "interval_start": intervals["interval_start"].to_numpy(),
            "forecast_calls": calls,
            "aht_s": aht,
            "traffic_erlangs": traffic,
            "agents_on_phones": on_phones.astype(int),
            "agents_required": required.astype(int),
            "agents_scheduled": scheduled.astype(int),
            "gap": (scheduled - required).astype(int),
            "predicted_service_level": predicted,
        },
        index=intervals.index,
    )
    if "channel" in intervals.columns:
        plan.insert(1, "channel", intervals["channel"].to_numpy())
    return plan


def what_if(
    intervals: pd.DataFrame,
    demand_change: float | Sequence[float] = 0.2,
    answer_within_s: float = 20,
    target: float = 0.8,
    shrinkage: float = 0.0,
    max_occupancy: float | None = None,
    aht_s: float | None = None,
) -> pd.DataFrame:
    """Contingency for peaks: per demand change, calls, staff needed, extra staff, intervals short.

    One row per scenario (``demand_change`` 0.2 = 20% more calls than offered in every interval),
    always including the current demand (0.0) for comparison: total forecast calls, the peak and
    total agents required per interval, the extra agent-intervals needed beyond today's schedule,
    the intervals where the schedule falls short, and the call-weighted predicted service level of
    the current schedule.
    """
    changes = np.atleast_1d(np.asarray(demand_change, dtype=float)).tolist()
    rows = []
    for change in sorted(set([0.0, *changes])):
        plan = staffing_plan(
            intervals, answer_within_s, target, shrinkage, max_occupancy, change, aht_s
        )
        with_calls = plan["forecast_calls"] > 0
        weights = plan.loc[with_calls, "forecast_calls"]
        rows.append(
            {
                "demand_change": change,
                "forecast_calls": float(plan["forecast_calls"].sum()),
                "peak_agents_required": int(plan["agents_required"].max()),
                "agent_intervals_required": int(plan["agents_required"].sum()),
                "extra_agent_intervals": int((-plan["gap"]).clip(lower=0).sum()),
                "intervals_short": int((plan["gap"] < 0).sum()),
                "predicted_service_level": float(
                    (plan.loc[with_calls, "predicted_service_level"] * weights).sum()
                    / weights.sum()
                )
                if weights.sum() > 0
                else float("nan"),
            }
        )
    return pd.DataFrame(rows)
