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

Where things are: the operational KPIs (contact handling, occupancy) are written out with their
formulas in :mod:`svcworkbook.analysis.kpi_operations`, the customer KPIs (surveys, complaints,
loyalty) in :mod:`svcworkbook.analysis.kpi_customers`; this module lists them all (``KPIS``)
and tables them. Use every KPI from here (``from svcworkbook.analysis import kpi``). The
counting machinery is private, in ``_kpi_table``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from svcworkbook.analysis._kpi_table import (
    NO_GROUP,
    PERIODS,
    TIME_COLUMNS,
    _cells,
    _Frames,
    _Grid,
    _long,
    _options,
    _Parts,
    _ratio_cells,
)
from svcworkbook.analysis.kpi_customers import (
    _complaint_resolution_time,
    _complaints_per_1000_contacts,
    _csat,
    _csat_mean,
    _customer_effort_score,
    _net_promoter_score,
    _referral_rate,
    _repeat_purchase_rate,
    _retention_rate,
    _survey_response_rate,
    complaint_resolution_time,
    complaints_per_1000_contacts,
    csat,
    csat_mean,
    customer_effort_score,
    net_promoter_score,
    referral_rate,
    repeat_purchase_rate,
    retention_rate,
    survey_response_rate,
)
from svcworkbook.analysis.kpi_operations import (
    DEFAULT_REPEAT_DAYS,
    DEFAULT_SHORT_ABANDON_S,
    DEFAULT_SLA_HOURS,
    DEFAULT_THRESHOLD_S,
    LIVE_CHANNELS,
    SERVICE_LEVEL_DEFINITIONS,
    WRITTEN_CHANNELS,
    _abandonment_rate,
    _average_handle_time,
    _average_speed_of_answer,
    _escalation_rate,
    _first_contact_resolution,
    _first_response_time,
    _occupancy,
    _repeat_contact_rate,
    _service_level,
    _sla_compliance,
    abandonment_rate,
    average_handle_time,
    average_speed_of_answer,
    backlog,
    escalation_rate,
    first_contact_resolution,
    first_response_time,
    occupancy,
    repeat_contact_rate,
    resolution_time_percentile,
    resolution_time_percentiles,
    service_level,
    sla_compliance,
)

#: The public names: every KPI function, its constants, the registry and the table.
__all__ = [
    "KPI",
    "KPIS",
    "NO_GROUP",
    "PERIODS",
    "TIME_COLUMNS",
    "DEFAULT_REPEAT_DAYS",
    "DEFAULT_SHORT_ABANDON_S",
    "DEFAULT_SLA_HOURS",
    "DEFAULT_THRESHOLD_S",
    "LIVE_CHANNELS",
    "SERVICE_LEVEL_DEFINITIONS",
    "WRITTEN_CHANNELS",
    "abandonment_rate",
    "average_handle_time",
    "average_speed_of_answer",
    "backlog",
    "complaint_resolution_time",
    "complaints_per_1000_contacts",
    "csat",
    "csat_mean",
    "customer_effort_score",
    "escalation_rate",
    "first_contact_resolution",
    "first_response_time",
    "net_promoter_score",
    "occupancy",
    "referral_rate",
    "repeat_contact_rate",
    "repeat_purchase_rate",
    "resolution_time_percentile",
    "resolution_time_percentiles",
    "retention_rate",
    "service_level",
    "sla_compliance",
    "survey_response_rate",
    "kpi_parts",
    "kpi_table",
]

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
