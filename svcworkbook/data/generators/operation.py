"""One generated operation: every dataset family put together, and the calls that generate them.

:class:`Operation` builds each dataset on first use and keeps it; its parts come from one
module per dataset family (``people``, ``demand``, ``contacts``, ``surveys``, ``complaints``,
``assessments``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from svcworkbook.data.generators.assessments import SERVQUAL_ITEMS, _Assessments
from svcworkbook.data.generators.complaints import _Complaints
from svcworkbook.data.generators.contacts import _Contacts
from svcworkbook.data.generators.demand import OPENING_HOURS, _Demand
from svcworkbook.data.generators.people import _People
from svcworkbook.data.generators.scenarios import (
    DATASETS,
    DEFAULT_CONTACTS_PER_DAY,
    Plan,
    _check_dataset,
    _check_whole,
    _plan,
    _rescaled,
)
from svcworkbook.data.generators.surveys import _Surveys
from svcworkbook.data.samples import SAMPLE_SEED


class Operation(_People, _Demand, _Contacts, _Surveys, _Complaints, _Assessments):
    """One generated service operation; each dataset is built on first use and then kept."""

    def __init__(self, plan: Plan) -> None:
        """Hold the plan; nothing is generated until a dataset is asked for."""
        self.plan = plan


def generate_all(
    seed: int = SAMPLE_SEED,
    scenario: str = "baseline",
    *,
    start=None,
    days: int | None = None,
    contacts_per_day: float | None = None,
    teams=None,
) -> dict[str, pd.DataFrame]:
    """All eight datasets of one generated operation, consistent with each other, by name."""
    operation = Operation(_plan(seed, scenario, start, days, contacts_per_day, teams))
    return {name: getattr(operation, name) for name in DATASETS}


def generate(
    dataset: str,
    seed: int = SAMPLE_SEED,
    scenario: str = "baseline",
    *,
    rows: int | None = None,
    **kwargs,
) -> pd.DataFrame:
    """One dataset; `rows` scales its volume so it has about that many rows.

    Contacts, surveys and complaints scale with contacts per day (staff and customers follow);
    intervals with the number of days; staff, customers, mystery shops and SERVQUAL respondents
    are set directly. kwargs: start, days, contacts_per_day, teams (as :func:`generate_all`).
    """
    _check_dataset(dataset)
    unknown = set(kwargs) - {"start", "days", "contacts_per_day", "teams"}
    if unknown:
        raise ValueError(
            f"unknown argument(s) {sorted(unknown)}; generate takes rows, start, days, "
            "contacts_per_day and teams"
        )
    plan = _plan(
        seed,
        scenario,
        kwargs.get("start"),
        kwargs.get("days"),
        kwargs.get("contacts_per_day"),
        kwargs.get("teams"),
    )
    if rows is not None:
        rows = _check_whole("rows", rows, 0, 1, 50_000_000)
        plan = _plan_for_rows(plan, dataset, rows)
    return getattr(Operation(plan), dataset)


def _plan_for_rows(plan: Plan, dataset: str, rows: int) -> Plan:
    """A plan whose `dataset` has about `rows` rows (see :func:`generate`)."""
    from dataclasses import replace

    demand = plan.knobs["demand_factor"]
    if dataset in ("contacts", "surveys"):
        per_contact = 1.0 if dataset == "contacts" else 0.33
        volume = rows / (per_contact * plan.days * demand)
        return _rescaled(plan, volume)
    if dataset == "complaints":
        return replace(plan, complaints_per_day=rows / (plan.days * demand) / 1.02 * (
            DEFAULT_CONTACTS_PER_DAY / plan.contacts_per_day))  # fmt: skip
    if dataset == "intervals":
        weekday = (plan.start.dayofweek + np.arange(7)) % 7
        per_week = sum((OPENING_HOURS[d][1] - OPENING_HOURS[d][0]) * 2 for d in weekday)
        return replace(plan, days=max(1, math.ceil(rows / (per_week / 7))))
    if dataset == "staff":
        return replace(plan, staff=max(len(plan.teams), rows))
    if dataset == "customers":
        return replace(plan, customers=rows)
    if dataset == "mystery_shops":
        return replace(plan, mystery_shops=rows)
    return replace(plan, servqual_respondents=max(1, math.ceil(rows / len(SERVQUAL_ITEMS))))
