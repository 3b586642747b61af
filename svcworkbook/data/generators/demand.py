"""Demand and staffing: when contacts arrive and how many agents are rostered for them.

Day-of-week and intraday demand patterns, opening hours, handle times by channel and team, the
forecast and the contacts that actually arrive, and the Erlang C rosters for 80% answered in 20
seconds (:mod:`svcworkbook.analysis.staffing`); ``intervals`` reports them per half hour.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
import pandas as pd

from svcworkbook.analysis import staffing
from svcworkbook.data.generators._draws import _rng, _seconds
from svcworkbook.data.generators.scenarios import (
    INTERVAL_S,
    PLAN_ANSWER_WITHIN_S,
    PLAN_TARGET,
    SLOTS_PER_DAY,
    STRUCTURES,
    Plan,
)

CHANNELS = ("phone", "chat", "email", "social")

QUEUED_CHANNELS = ("phone", "chat")

CHANNEL_SHARE = np.array([0.55, 0.18, 0.20, 0.07])

#: Day-of-week demand (Monday first), normalised to mean 1 below.
DAY_OF_WEEK_DEMAND = np.array([1.30, 1.10, 1.00, 1.00, 0.95, 0.45, 0.20])

#: Opening hours of the phone and chat queues per weekday (Monday first), hours from midnight.
OPENING_HOURS = ((8, 20),) * 5 + ((9, 17), (10, 16))

#: Lognormal handle time per channel: median seconds and sigma (of the log).
HANDLE_TIME = {"phone": (330.0, 0.55), "chat": (540.0, 0.50), "email": (360.0, 0.60),
               "social": (240.0, 0.60)}  # fmt: skip

#: Chats are handled two at a time, so a chat occupies half an agent.
CHAT_CONCURRENCY = 2.0

#: Fewest agents on a queue while it is open (nobody leaves a phone queue to one person).
MINIMUM_COVER = {"phone": 2, "chat": 1}

TEAM_HANDLE_FACTOR = {"billing": 1.0, "technical": 1.25, "orders": 0.85}

TEAM_SHARE = {"billing": 0.36, "technical": 0.36, "orders": 0.28}


class _Demand:
    """Demand, rosters and intervals of a generated operation (part of :class:`Operation`)."""

    plan: Plan

    @cached_property
    def _open(self) -> np.ndarray:
        """Whether the phone/chat queues are open: bool [day, slot]."""
        plan = self.plan
        weekday = (plan.start.dayofweek + np.arange(plan.days)) % 7
        hours = np.array(OPENING_HOURS)[weekday]
        slot_hour = np.arange(SLOTS_PER_DAY) * INTERVAL_S / 3600
        return (slot_hour[None, :] >= hours[:, :1]) & (slot_hour[None, :] < hours[:, 1:])

    @cached_property
    def _forecast(self) -> np.ndarray:
        """Expected arrivals at baseline demand: float [day, slot, channel, team]."""
        plan = self.plan
        weekday = (plan.start.dayofweek + np.arange(plan.days)) % 7
        dow = DAY_OF_WEEK_DEMAND / DAY_OF_WEEK_DEMAND.mean()
        hour = (np.arange(SLOTS_PER_DAY) + 0.5) * INTERVAL_S / 3600
        daytime = (
            np.exp(-(((hour - 10.5) / 2.0) ** 2))
            + 0.8 * np.exp(-(((hour - 14.5) / 2.2) ** 2))
            + 0.3 * np.exp(-(((hour - 18.5) / 1.5) ** 2))
        )
        queued = np.where(self._open, daytime[None, :], 0.0)  # [day, slot]
        queued = queued / queued.sum(axis=1, keepdims=True)
        anytime = np.tile(daytime + 0.04, (plan.days, 1))
        anytime = anytime / anytime.sum(axis=1, keepdims=True)
        shares = np.array([TEAM_SHARE.get(t, 1.0) for t in plan.teams])
        shares = shares / shares.sum()
        daily = plan.contacts_per_day * dow[weekday]  # [day]
        per_channel = (
            np.stack([queued, queued, anytime, anytime], axis=2) * CHANNEL_SHARE[None, None, :]
        )
        return daily[:, None, None, None] * per_channel[..., None] * shares[None, None, None, :]

    @cached_property
    def _arrivals(self) -> np.ndarray:
        """Contacts that actually arrive: Poisson counts [day, slot, channel, team], with daily
        variation and the scenario's demand factor."""
        plan, rng = self.plan, _rng(self.plan, "demand")
        day_noise = rng.gamma(80.0, 1 / 80.0, plan.days)
        rate = self._forecast * plan.knobs["demand_factor"] * day_noise[:, None, None, None]
        return rng.poisson(rate)

    def _mean_handle(self, channel: str, team: str) -> float:
        """Expected handle time in seconds: lognormal mean = median x exp(sigma^2 / 2) x team."""
        median, sigma = HANDLE_TIME[channel]
        return median * math.exp(sigma**2 / 2) * TEAM_HANDLE_FACTOR.get(team, 1.0)

    @cached_property
    def _queue_aht(self) -> np.ndarray:
        """Expected agent time per contact [queued channel, team]: mean handle time, halved for
        chat because an agent handles two chats at once."""
        return np.array(
            [[self._mean_handle(c, t) / (CHAT_CONCURRENCY if c == "chat" else 1.0)
              for t in self.plan.teams] for c in QUEUED_CHANNELS]
        )  # fmt: skip

    @cached_property
    def _agents(self) -> np.ndarray:
        """Agents rostered per [day, slot, queued channel] for the whole line: the Erlang C
        requirement for 80% in 20 s on the forecast, with roster noise (absence, lunch) and at
        least the minimum cover, then x agents_factor (rounded at random so the factor holds on
        average); never fewer than one agent while open."""
        plan, rng = self.plan, _rng(self.plan, "queues")
        forecast = self._forecast[:, :, :2, :]
        calls = forecast.sum(axis=3)
        work = (forecast * self._queue_aht).sum(axis=3)
        aht = np.where(calls > 0, work / np.maximum(calls, 1e-12), self._queue_aht.mean(axis=1))
        required = np.asarray(
            staffing.agents_required(calls, INTERVAL_S, aht, PLAN_ANSWER_WITHIN_S, PLAN_TARGET),
            dtype=float,
        )
        cover = np.array([MINIMUM_COVER[c] for c in QUEUED_CHANNELS])[None, None, :]
        noise = rng.choice([-1, 0, 1], size=required.shape, p=[0.1, 0.8, 0.1])
        lunch = (np.arange(SLOTS_PER_DAY) >= 24) & (np.arange(SLOTS_PER_DAY) < 28)
        away = lunch[None, :, None] & (rng.random(required.shape) < 0.25)
        planned = np.maximum(required + noise - away, cover)
        wanted = planned * plan.knobs["agents_factor"]
        rostered = np.floor(wanted) + (rng.random(wanted.shape) < (wanted - np.floor(wanted)))
        return np.where(self._open[:, :, None], np.maximum(rostered, 1), 0).astype(np.int64)

    @cached_property
    def _team_agents(self) -> np.ndarray:
        """Decentralised rosters [day, slot, queued channel, team]: the line's agents shared by
        each team's forecast workload (rounded at random), but at least each team's own minimum
        cover while open, so a split line needs more agents in quiet periods."""
        rng = _rng(self.plan, "team_rosters")
        forecast = self._forecast[:, :, :2, :]
        work = forecast * self._queue_aht
        share = work / np.maximum(work.sum(axis=3, keepdims=True), 1e-12)
        raw = self._agents[..., None] * share
        split = np.floor(raw) + (rng.random(raw.shape) < (raw - np.floor(raw)))
        cover = np.array([MINIMUM_COVER[c] for c in QUEUED_CHANNELS])[None, None, :, None]
        return np.where(self._open[:, :, None, None], np.maximum(split, cover), 0).astype(np.int64)

    def _phone_agents(self) -> np.ndarray:
        """Agents on the phone line per [day, slot], whatever the structure."""
        if STRUCTURES[self.plan.knobs["structure"]]["pooled"]:
            return self._agents[:, :, 0]
        return self._team_agents[:, :, 0, :].sum(axis=2)

    @cached_property
    def intervals(self) -> pd.DataFrame:
        """One row per open half hour of the phone queue: offered, handled, AHT, agents rostered."""
        c, plan = self._contacts, self.plan
        phone = c["channel"] == 0
        flat = c["day"][phone] * SLOTS_PER_DAY + c["slot"][phone]
        size = plan.days * SLOTS_PER_DAY
        offered = np.bincount(flat, minlength=size)
        handled_mask = ~c["abandoned"][phone]
        handled = np.bincount(flat[handled_mask], minlength=size)
        handle_sum = np.bincount(
            flat[handled_mask], weights=c["handle"][phone][handled_mask], minlength=size
        )
        aht = np.where(handled > 0, np.round(handle_sum / np.maximum(handled, 1), 1), np.nan)
        agents = self._phone_agents().ravel()
        open_ = self._open.ravel()
        slots = np.flatnonzero(open_)
        return pd.DataFrame(
            {
                "interval_start": _seconds(plan.start, slots.astype(float) * INTERVAL_S),
                "interval_s": np.full(len(slots), INTERVAL_S, dtype=np.int64),
                "channel": np.full(len(slots), "phone", dtype=object),
                "offered": offered[slots].astype(np.int64),
                "handled": handled[slots].astype(np.int64),
                "aht_s": aht[slots],
                "agents_scheduled": agents[slots].astype(np.int64),
            }
        )
