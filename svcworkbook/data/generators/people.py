"""The people of the operation: agents with their training and coaching (``staff``) and
customers with their purchases, referrals and a loyalty only loosely tied to satisfaction
(``customers``).
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
import pandas as pd

from svcworkbook.data.generators._draws import (
    _fake_emails,
    _fake_names,
    _fake_phones,
    _fake_postcodes,
    _ids,
    _rng,
    _seconds,
    _text_or_blank,
)
from svcworkbook.data.generators.scenarios import SECONDS_PER_DAY, Plan

TRAINING_COURSES = np.array(
    [
        "first contact resolution",
        "complaint handling",
        "de-escalation",
        "product update",
        "accessibility awareness",
    ]
)


class _People:
    """Staff and customers of a generated operation (part of :class:`Operation`)."""

    plan: Plan

    @cached_property
    def _staff(self) -> dict[str, np.ndarray]:
        """Agents (sorted by team) with hidden skill and the day each was trained (NaN if not)."""
        plan, rng = self.plan, _rng(self.plan, "staff")
        n, teams = plan.staff, plan.teams
        team = np.repeat(
            np.arange(len(teams)), [len(a) for a in np.array_split(np.arange(n), len(teams))]
        )
        new_starter = rng.random(n) < 0.12
        years = np.where(new_starter, rng.uniform(0.05, 0.4, n), rng.uniform(0.5, 9.0, n))
        start_date = plan.start - pd.to_timedelta(np.round(years * 365.25), unit="D")
        skill = rng.normal(0.0, 1.0, n) - 0.8 * new_starter
        trained = rng.random(n) < 0.4
        low, high = max(1, round(plan.days * 0.15)), max(2, round(plan.days * 0.85))
        trained_day = np.where(trained, rng.integers(low, max(low + 1, high), n), np.nan)
        course = _text_or_blank(
            trained, TRAINING_COURSES[rng.integers(0, len(TRAINING_COURSES), n)]
        )
        coaching = rng.poisson(1.5 + 1.5 * new_starter + 1.0 * trained)
        competency = np.clip(68 + 8 * skill + 7 * trained + rng.normal(0, 4, n), 0, 100)
        first, last = _fake_names(rng, n)
        return {
            "agent_id": _ids("A", n, 3),
            "agent_name": np.char.add(np.char.add(first, " "), last).astype(object),
            "team_index": team,
            "start_date": start_date.to_numpy(dtype="datetime64[ns]"),
            "skill": skill,
            "trained_day": trained_day,
            "training_course": course.astype(object),
            "coaching_sessions": coaching.astype(np.int64),
            "competency_score": np.round(competency, 1),
        }

    @cached_property
    def staff(self) -> pd.DataFrame:
        """One row per agent: team, start date, training (trained_at), coaching and competency."""
        s, plan = self._staff, self.plan
        trained_at = _seconds(plan.start, s["trained_day"] * SECONDS_PER_DAY + 9 * 3600)
        return pd.DataFrame(
            {
                "agent_id": s["agent_id"],
                "agent_name": s["agent_name"],
                "team": np.array(plan.teams, dtype=object)[s["team_index"]],
                "start_date": s["start_date"],
                "trained_at": trained_at,
                "training_course": s["training_course"],
                "coaching_sessions": s["coaching_sessions"],
                "competency_score": s["competency_score"],
            }
        )

    @cached_property
    def _customers(self) -> dict[str, np.ndarray]:
        """Customers with a hidden satisfaction tendency and a loyalty only loosely tied to it."""
        plan, rng = self.plan, _rng(self.plan, "customers")
        n = plan.customers
        satisfaction = rng.normal(0.0, 1.0, n)
        loyalty = 0.35 * satisfaction + math.sqrt(1 - 0.35**2) * rng.normal(0.0, 1.0, n)
        end = plan.end
        history_days = 6 * 365
        # days before the end; everyone was a customer before the period began
        first_offset = rng.uniform(plan.days + 7, max(history_days, plan.days + 30), n)
        purchases = 1 + rng.poisson(np.exp(0.7 + 0.55 * loyalty))
        active = rng.random(n) < 1 / (1 + np.exp(-(0.4 + 1.1 * loyalty)))
        recent = rng.uniform(0, np.minimum(first_offset, 365), n)
        lapsed = rng.uniform(np.minimum(first_offset, 366), np.maximum(first_offset, 366), n)
        last_offset = np.where(purchases == 1, first_offset, np.where(active, recent, lapsed))
        last_offset = np.minimum(last_offset, first_offset)
        first_ts = _seconds(end, -np.round(first_offset * 86400))
        last_ts = _seconds(end, -np.round(last_offset * 86400))
        referrals = rng.poisson(np.exp(-1.6 + 0.35 * satisfaction + 0.35 * loyalty))
        first, last = _fake_names(rng, n)
        return {
            "customer_id": _ids("K", n, 5),
            "customer_name": np.char.add(np.char.add(first, " "), last).astype(object),
            "email": _fake_emails(rng, first, last).astype(object),
            "phone": _fake_phones(rng, n).astype(object),
            "postcode": _fake_postcodes(rng, n).astype(object),
            "first_purchase_at": first_ts,
            "last_purchase_at": last_ts,
            "purchases": purchases.astype(np.int64),
            "referrals": referrals.astype(np.int64),
            "satisfaction": satisfaction,
            "contact_weight": rng.gamma(2.0, 1.0, n),
        }

    @cached_property
    def customers(self) -> pd.DataFrame:
        """One row per customer: purchases, repeat business, referrals, retained in the last
        year."""
        c, plan = self._customers, self.plan
        retained = c["last_purchase_at"] >= (plan.end - pd.Timedelta(days=365)).to_datetime64()
        return pd.DataFrame(
            {
                "customer_id": c["customer_id"],
                "customer_name": c["customer_name"],
                "email": c["email"],
                "phone": c["phone"],
                "postcode": c["postcode"],
                "first_purchase_at": c["first_purchase_at"],
                "last_purchase_at": c["last_purchase_at"],
                "purchases": c["purchases"],
                "repeat_customer": c["purchases"] >= 2,
                "referrals": c["referrals"],
                "retained": retained & (c["purchases"] >= 2),
            }
        )
