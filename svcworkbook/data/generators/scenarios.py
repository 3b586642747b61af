"""Scenarios and the plan: what a generated operation is asked to be.

The datasets' names, the default period and volume, the scenario knobs (demand, staffing, a
change that lifts resolution and satisfaction and may fade, the queue structure), the checked
arguments of one generation (:class:`Plan`), and when a scenario's change happens.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from svcworkbook.data.samples import SAMPLE_SEED

#: The eight datasets, in the order the units meet them.
DATASETS: tuple[str, ...] = (
    "contacts",
    "intervals",
    "surveys",
    "complaints",
    "mystery_shops",
    "servqual",
    "staff",
    "customers",
)

#: Default period, volume and organisation shape.
DEFAULT_START = "2026-01-05"

DEFAULT_DAYS = 84

DEFAULT_CONTACTS_PER_DAY = 350

DEFAULT_TEAMS: tuple[str, ...] = ("billing", "technical", "orders")

DEFAULT_CUSTOMERS = 4000

DEFAULT_STAFF = 36

INTERVAL_S = 1800

SLOTS_PER_DAY = 86400 // INTERVAL_S

SECONDS_PER_DAY = 86400

#: Service level the rosters are planned to (80% of calls answered in 20 seconds).
PLAN_TARGET = 0.8

PLAN_ANSWER_WITHIN_S = 20

#: Every knob with its baseline value; a scenario changes some of them.
BASELINE_KNOBS: dict[str, Any] = {
    "demand_factor": 1.0,  # contacts arriving, x baseline
    "agents_factor": 1.0,  # agents rostered, x what the plan for baseline demand needs
    "change_date_offset_days": None,  # days after start when a change starts (scaled to `days`)
    "fcr_lift": 0.0,  # extra first-contact resolution probability after the change
    "csat_lift": 0.0,  # extra satisfaction after the change, in points of the 1-5 scale (approx.)
    "fade_after_days": None,  # days after the change when monitoring stops and the gain fades
    "fade_over_days": None,  # days the gain takes to fade back to nothing
    "structure": "skills_based",  # skills_based | centralised | decentralised
}


@dataclass(frozen=True)
class Scenario:
    """A named set of knobs for the generators, with one plain-English sentence for tutors."""

    name: str
    description: str
    knobs: dict[str, Any] = field(default_factory=dict)

    def settings(self) -> dict[str, Any]:
        """Every knob: the baseline values overridden by this scenario's knobs."""
        return {**BASELINE_KNOBS, **self.knobs}


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "baseline",
            "A normal 12 weeks: demand as forecast, rosters planned to 80% of calls answered in "
            "20 seconds, one shared queue routing most contacts to the right team's agents.",
            {},
        ),
        Scenario(
            "peak_season",
            "A seasonal peak: about 40% more contacts than forecast while rosters grow only 10%, "
            "so queues, abandonment and complaints rise.",
            {"demand_factor": 1.4, "agents_factor": 1.1},
        ),
        Scenario(
            "understaffed",
            "Normal demand but about a quarter fewer agents rostered than the plan needs "
            "(vacancies and sickness), so waits and abandonment rise and satisfaction falls.",
            {"agents_factor": 0.75},
        ),
        Scenario(
            "improvement",
            "A change six weeks in (a first-contact resolution toolkit and coaching) lifts "
            "first-contact resolution by about 10 points and CSAT, and the gain holds.",
            {"change_date_offset_days": 42, "fcr_lift": 0.10, "csat_lift": 0.5},
        ),
        Scenario(
            "slipping",
            "The same change four weeks in lifts first-contact resolution and CSAT, but once "
            "monitoring stops three weeks later the gain fades back over two weeks.",
            {
                "change_date_offset_days": 28,
                "fcr_lift": 0.10,
                "csat_lift": 0.5,
                "fade_after_days": 21,
                "fade_over_days": 14,
            },
        ),
        Scenario(
            "centralised",
            "One central queue answered by whichever agent is free: waits stay short, but "
            "contacts that need a specialist are resolved first time less often.",
            {"structure": "centralised"},
        ),
        Scenario(
            "decentralised",
            "Each team answers only its own queue with local specialists: more agents and "
            "longer waits than a shared queue, but specialist contacts are resolved first time "
            "more often.",
            {"structure": "decentralised"},
        ),
    )
}

#: What each structure does: `pooled` = one queue for the whole line (else one per team);
#: `own_team` = chance an agent of the contact's own team answers (None = any agent at random);
#: FCR bonus for specialist reasons handled locally, and penalty when a non-specialist takes one.
STRUCTURES = {
    "skills_based": {
        "pooled": True, "own_team": 0.9, "specialist_bonus": 0.0, "outsider_penalty": 0.15,
    },
    "centralised": {
        "pooled": True, "own_team": None, "specialist_bonus": 0.0, "outsider_penalty": 0.15,
    },
    "decentralised": {
        "pooled": False, "own_team": 1.0, "specialist_bonus": 0.06, "outsider_penalty": 0.0,
    },
}  # fmt: skip

STREAMS = {
    name: number
    for number, name in enumerate((*DATASETS, "demand", "queues", "team_rosters"), start=1)
}


def _check_scenario(scenario: str) -> Scenario:
    """The named scenario, or a ValueError listing the allowed names."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of: {', '.join(SCENARIOS)}")
    return SCENARIOS[scenario]


def _check_dataset(dataset: str) -> str:
    """The dataset name, or a ValueError listing the allowed names."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of: {', '.join(DATASETS)}")
    return dataset


def _check_start(start) -> pd.Timestamp:
    """The first day as a midnight Timestamp, or a ValueError asking for YYYY-MM-DD."""
    if start is None:
        return pd.Timestamp(DEFAULT_START)
    try:
        stamp = pd.Timestamp(start)
    except (TypeError, ValueError):
        raise ValueError(f"start must be a date such as '2026-01-05', not {start!r}") from None
    if stamp is pd.NaT or stamp.tzinfo is not None:
        raise ValueError(f"start must be a plain date such as '2026-01-05', not {start!r}")
    return stamp.normalize()


def _check_whole(name: str, value, default: int, low: int, high: int) -> int:
    """A whole-number argument in low..high (default when None), or a ValueError naming it."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:,} and {high:,}, not {value!r}")
    return int(value)


def _check_teams(teams) -> tuple[str, ...]:
    """Team names as lower-case strings (at least one, no repeats), or a ValueError."""
    if teams is None:
        return DEFAULT_TEAMS
    if isinstance(teams, str):
        teams = (teams,)
    names = tuple(str(t).strip().lower() for t in teams)
    if not names or any(not n for n in names) or len(set(names)) != len(names):
        raise ValueError(
            f"teams must be one or more different names, e.g. ('billing', 'orders'), not {teams!r}"
        )
    return names


@dataclass(frozen=True)
class Plan:
    """The fixed inputs of one generated operation: seed, scenario, period, volume and shape."""

    seed: int
    scenario: Scenario
    start: pd.Timestamp
    days: int
    contacts_per_day: float
    teams: tuple[str, ...]
    customers: int
    staff: int
    complaints_per_day: float = 2.5
    mystery_shops: int | None = None
    servqual_respondents: int = 150

    @property
    def end(self) -> pd.Timestamp:
        """The moment the data period ends (midnight after the last day)."""
        return self.start + pd.Timedelta(days=self.days)

    @property
    def knobs(self) -> dict[str, Any]:
        """All scenario knobs, baseline values filled in."""
        return self.scenario.settings()


def _plan(seed, scenario, start, days, contacts_per_day, teams) -> Plan:
    """Check the arguments and fill in defaults; staff and customers scale with the volume."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number 0 or more, not {seed!r}")
    chosen = _check_scenario(scenario)
    first = _check_start(start)
    n_days = _check_whole("days", days, DEFAULT_DAYS, 1, 3660)
    if contacts_per_day is None:
        volume = float(DEFAULT_CONTACTS_PER_DAY)
    elif isinstance(contacts_per_day, bool) or not isinstance(contacts_per_day, numbers.Real):
        raise ValueError(f"contacts_per_day must be a number, not {contacts_per_day!r}")
    elif not 1 <= contacts_per_day <= 1_000_000:
        raise ValueError(
            f"contacts_per_day must be between 1 and 1,000,000, not {contacts_per_day}"
        )
    else:
        volume = float(contacts_per_day)
    names = _check_teams(teams)
    scale = volume / DEFAULT_CONTACTS_PER_DAY
    return Plan(
        seed=int(seed),
        scenario=chosen,
        start=first,
        days=n_days,
        contacts_per_day=volume,
        teams=names,
        customers=max(50, round(DEFAULT_CUSTOMERS * scale)),
        staff=max(3 * len(names), round(DEFAULT_STAFF * scale)),
    )


def _lift(plan: Plan, day: np.ndarray) -> np.ndarray:
    """Share of the scenario's gain in force on each day: 0 before the change, 1 after it, and
    falling linearly to 0 over fade_over_days once monitoring stops (slipping)."""
    knobs = plan.knobs
    change = _change_day(plan)
    if change is None:
        return np.zeros(len(day))
    gain = (day >= change).astype(float)
    if knobs["fade_after_days"] is not None:
        fade_start = change + _scaled_days(plan, knobs["fade_after_days"])
        fade_len = max(1.0, _scaled_days(plan, knobs["fade_over_days"] or 1))
        gain = gain * np.clip(1.0 - (day - fade_start) / fade_len, 0.0, 1.0)
    return gain


def _scaled_days(plan: Plan, offset: float) -> float:
    """A day offset written for the default 84 days, scaled to the plan's number of days."""
    return offset * plan.days / DEFAULT_DAYS


def _change_day(plan: Plan) -> float | None:
    """Whole days from start to the scenario's change, or None when nothing changes."""
    offset = plan.knobs["change_date_offset_days"]
    if offset is None:
        return None
    return float(max(1, round(_scaled_days(plan, offset))))


def _rescaled(plan: Plan, contacts_per_day: float) -> Plan:
    """The plan with another daily volume; staff and customers scale with it."""
    from dataclasses import replace

    scale = contacts_per_day / DEFAULT_CONTACTS_PER_DAY
    return replace(
        plan,
        contacts_per_day=contacts_per_day,
        customers=max(50, round(DEFAULT_CUSTOMERS * scale)),
        staff=max(3 * len(plan.teams), round(DEFAULT_STAFF * scale)),
    )


def change_date(scenario: str, start=None, days: int | None = None) -> pd.Timestamp | None:
    """The day the scenario's change starts (improvement, slipping), else None.

    The offset is written for the default 84 days and scales with `days`.
    """
    plan = _plan(SAMPLE_SEED, scenario, start, days, None, None)
    day = _change_day(plan)
    return None if day is None else plan.start + pd.Timedelta(days=day)
