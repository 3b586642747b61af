"""Contacts: every contact in the service log, from arrival to resolution.

Reasons for contact, handle times, queue waits from Erlang C with abandonment when a caller's
patience runs out, the agent who answers (skills-based routing), first contact resolution,
escalation, resolution times, repeat contacts from the same customer, and each contact's hidden
satisfaction that the surveys are scored from.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from svcworkbook.analysis import staffing
from svcworkbook.data.generators._draws import _choose, _ids, _rng, _seconds, _text_or_blank
from svcworkbook.data.generators.demand import CHANNELS, HANDLE_TIME, TEAM_HANDLE_FACTOR
from svcworkbook.data.generators.scenarios import (
    INTERVAL_S,
    SECONDS_PER_DAY,
    STRUCTURES,
    Plan,
    _lift,
)

#: Chance the same customer contacts again after a contact that was abandoned, unresolved, or
#: resolved (something else came up).
REPEAT_CHANCE = {"abandoned": 0.6, "unresolved": 0.45, "resolved": 0.03}

#: Mean patience (seconds) before a queued customer gives up.
PATIENCE_S = {"phone": 450.0, "chat": 600.0}

#: Median time to first response for email and social (seconds) when staffed as planned.
FIRST_RESPONSE_S = {"email": 3 * 3600.0, "social": 3600.0}

#: Reasons for contact per team (shares); unknown team names use "general".
TEAM_CATEGORIES: dict[str, dict[str, float]] = {
    "billing": {"billing query": 0.45, "payment": 0.2, "account change": 0.23, "complaint": 0.12},
    "technical": {"fault": 0.5, "setup help": 0.25, "account change": 0.13, "complaint": 0.12},
    "orders": {"delivery": 0.42, "returns": 0.28, "order change": 0.18, "complaint": 0.12},
    "general": {"general query": 0.6, "account change": 0.28, "complaint": 0.12},
}

#: Reasons that need a specialist's knowledge (pooled generalists resolve them less often).
SPECIALIST_CATEGORIES = frozenset({"billing query", "payment", "fault", "setup help", "returns"})

#: Chance of resolution at first contact by reason, before channel, agent and scenario effects.
CATEGORY_FCR = {
    "billing query": 0.76, "payment": 0.78, "account change": 0.86, "complaint": 0.48,
    "fault": 0.60, "setup help": 0.72, "delivery": 0.70, "returns": 0.74, "order change": 0.84,
    "general query": 0.82,
}  # fmt: skip

CHANNEL_FCR = {"phone": 0.03, "chat": 0.0, "email": -0.08, "social": -0.12}


def _erlang_waits(calls: np.ndarray, agents: np.ndarray, aht: np.ndarray):
    """Per queue and half hour: probability of waiting (Erlang C) and mean wait of those who wait.

    Traffic A = calls x AHT / 1800. Where A < 0.95 N: P(wait) = C(N, A) and the mean wait of a
    caller who waits is AHT / (N - A) (so C x AHT / (N - A) is the Erlang C ASA). Where the
    agents cannot keep up (A >= 0.95 N) the model's steady state does not exist: the queue is
    taken as C(N, 0.95 N) and the wait of those who wait as AHT / (0.05 N) x (1 + 10 (A/N - 0.95)),
    capped at 25 minutes, so waits keep rising with the overload.
    """
    traffic = calls * aht / INTERVAL_S
    p_wait = np.zeros(calls.shape)
    mean_wait = np.zeros(calls.shape)
    busy = (calls > 0) & (agents > 0)
    n = agents[busy]
    a = traffic[busy]
    capped = np.minimum(a, 0.95 * n)
    h = aht[busy]
    p_wait[busy] = staffing.probability_of_wait(n, capped * INTERVAL_S / h, INTERVAL_S, h)
    overload = 1 + 10 * np.maximum(a / n - 0.95, 0)
    mean_wait[busy] = np.minimum(h / (n - capped) * overload, 1500.0)
    return p_wait, mean_wait


class _Contacts:
    """The contact log of a generated operation (part of :class:`Operation`)."""

    plan: Plan

    @cached_property
    def _contacts(self) -> dict[str, np.ndarray]:
        """Every contact (arrays by name) with its hidden satisfaction, sorted by opened time."""
        rng = _rng(self.plan, "contacts")
        c = self._arrival_times(rng)
        c["category"] = self._reasons(rng, c["team"])
        c["handle"] = self._handle_times(rng, c["channel"], c["team"])
        c["wait"], c["abandoned"] = self._queue_waits(
            rng, c["day"], c["slot"], c["channel"], c["team"], c["opened"]
        )
        c["agent"] = self._assign_agents(rng, c["team"])
        c.update(self._outcomes(rng, c))
        c["customer"] = self._assign_customers(rng, c)
        c["satisfaction"] = self._satisfaction(rng, c)
        c["contact_id"] = _ids("C", len(c["opened"]), 7)
        c["handle"] = np.where(c["abandoned"], np.nan, c["handle"])
        c["agent"] = np.where(c["abandoned"], -1, c["agent"])
        return c

    def _arrival_times(self, rng) -> dict[str, np.ndarray]:
        """One contact per arrival, at a random second of its half hour, sorted by time."""
        counts = self._arrivals
        cell = np.repeat(np.arange(counts.size), counts.ravel())
        day, slot, channel, team = np.unravel_index(cell, counts.shape)
        offset = rng.integers(0, INTERVAL_S, len(cell))
        opened = (day * SECONDS_PER_DAY + slot * INTERVAL_S + offset).astype(float)
        order = np.argsort(opened, kind="stable")
        return {
            "day": day[order],
            "slot": slot[order],
            "channel": channel[order],
            "team": team[order],
            "opened": opened[order],
        }

    def _reasons(self, rng, team: np.ndarray) -> np.ndarray:
        """Reason for contact drawn from each team's mix (TEAM_CATEGORIES)."""
        mixes = [TEAM_CATEGORIES.get(t, TEAM_CATEGORIES["general"]) for t in self.plan.teams]
        names = sorted({name for mix in mixes for name in mix})
        table = np.array([[mix.get(name, 0.0) for name in names] for mix in mixes])
        cumulative = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)[:, :-1]
        return np.array(names, dtype=object)[_choose(rng, cumulative, team)]

    def _handle_times(self, rng, channel: np.ndarray, team: np.ndarray) -> np.ndarray:
        """Lognormal handle time: median x team factor x exp(sigma Z), whole seconds, >= 20 s."""
        median = np.array([HANDLE_TIME[c][0] for c in CHANNELS])[channel]
        sigma = np.array([HANDLE_TIME[c][1] for c in CHANNELS])[channel]
        factor = np.array([TEAM_HANDLE_FACTOR.get(t, 1.0) for t in self.plan.teams])[team]
        noise = np.exp(sigma * rng.standard_normal(len(channel)))
        return np.maximum(20.0, np.round(median * factor * noise))

    def _assign_agents(self, rng, team: np.ndarray) -> np.ndarray:
        """The agent who takes each contact: one of the team's own agents with the structure's
        `own_team` chance (skills-based routing), otherwise an agent of another team; anyone at
        random on a central queue."""
        staff, plan = self._staff, self.plan
        own_team = STRUCTURES[plan.knobs["structure"]]["own_team"]
        u = rng.random(len(team))
        if own_team is None:
            return np.floor(u * plan.staff).astype(np.int64)
        sizes = np.bincount(staff["team_index"], minlength=len(plan.teams))
        first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        own = first[team] + np.floor(u * sizes[team]).astype(np.int64)
        others = plan.staff - sizes[team]
        if own_team >= 1 or not others.any():
            return own
        pick = np.floor(rng.random(len(team)) * others).astype(np.int64)
        other = np.where(pick >= first[team], pick + sizes[team], pick)
        return np.where(rng.random(len(team)) < own_team, own, other)

    def _agent_effects(self, c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Per contact: agent skill, trained before the contact, and a non-specialist agent
        taking a specialist contact (pooled queues only)."""
        staff = self._staff
        agent = c["agent"]
        trained_day = staff["trained_day"][agent]
        specialist = np.isin(c["category"], list(SPECIALIST_CATEGORIES))
        return {
            "skill": staff["skill"][agent],
            "after_training": ~np.isnan(trained_day)
            & (c["day"] >= np.nan_to_num(trained_day, nan=np.inf)),
            "specialist": specialist,
            "outsider": specialist & (staff["team_index"][agent] != c["team"]),
        }

    def _outcomes(self, rng, c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Escalated, resolved at first contact, answered and resolved times.

        P(resolved first time) = the reason's rate + channel effect + 0.035 x agent skill
        + 0.08 after the agent's training + the scenario's lift + structure effects; escalated
        contacts are never resolved first time. Unresolved ones close after a lognormal
        follow-up (median 1.5 days, 4 if escalated); 4% never close.
        """
        plan, n = self.plan, len(c["opened"])
        structure = STRUCTURES[plan.knobs["structure"]]
        effects = self._agent_effects(c)
        lift = _lift(plan, c["day"].astype(float))
        p_fcr = (
            pd.Series(c["category"]).map(CATEGORY_FCR).to_numpy(dtype=float)
            + np.array([CHANNEL_FCR[name] for name in CHANNELS])[c["channel"]]
            + 0.035 * effects["skill"]
            + 0.08 * effects["after_training"]
            + plan.knobs["fcr_lift"] * lift
            + structure["specialist_bonus"] * effects["specialist"]
            - structure["outsider_penalty"] * effects["outsider"]
        )
        abandoned = c["abandoned"]
        complaint = c["category"] == "complaint"
        escalated = ~abandoned & (rng.random(n) < np.where(complaint, 0.18, 0.04))
        resolved_first = ~abandoned & ~escalated & (rng.random(n) < np.clip(p_fcr, 0.02, 0.98))
        answered = np.where(abandoned, np.nan, c["opened"] + c["wait"])
        follow_up = rng.lognormal(np.log(np.where(escalated, 4.0, 1.5) * 86400), 0.8, n)
        done = answered + c["handle"] + np.where(resolved_first, 0.0, follow_up)
        never = ~resolved_first & (rng.random(n) < 0.04)
        late = done >= plan.days * SECONDS_PER_DAY
        return {
            "escalated": escalated,
            "resolved_first": resolved_first,
            "answered": answered,
            "resolved": np.where(abandoned | never | late, np.nan, np.round(done)),
            **effects,
            "lift": lift,
        }

    def _assign_customers(self, rng, c: dict[str, np.ndarray]) -> np.ndarray:
        """Who made each contact. Repeat contacts follow unresolved and abandoned ones: with
        probability REPEAT_CHANCE the same customer contacts the same team again (abandoned
        callers within hours, unresolved ones after about a day); every other contact starts a
        new matter for a customer (see _first_contact_customers)."""
        n = len(c["opened"])
        unresolved = ~c["abandoned"] & ~c["resolved_first"]
        chance = np.where(
            c["abandoned"],
            REPEAT_CHANCE["abandoned"],
            np.where(unresolved, REPEAT_CHANCE["unresolved"], REPEAT_CHANCE["resolved"]),
        )
        comes_back = rng.random(n) < chance
        delay = np.where(
            c["abandoned"],
            rng.exponential(2 * 3600.0, n),
            rng.lognormal(np.log(86400.0), 1.0, n),
        )
        due = c["opened"] + c["wait"] + delay
        earlier = np.full(n, -1)
        for team in range(len(self.plan.teams)):
            members = np.flatnonzero(c["team"] == team)
            first = members[comes_back[members]]
            position = np.searchsorted(c["opened"][members], due[first], side="right")
            # spread over the next few contacts, so callers due overnight do not all take the
            # first contact of the morning
            position = position + rng.integers(0, 25, len(position))
            inside = position < len(members)
            first, later = first[inside], members[position[inside]]
            later, keep = np.unique(later, return_index=True)  # one earlier contact each
            earlier[later] = first[keep]
        root = np.where(earlier >= 0, earlier, np.arange(n))
        while True:  # follow each chain of repeats back to its first contact
            step = root[root]
            if np.array_equal(step, root):
                break
            root = step
        return self._first_contact_customers(rng, root == np.arange(n))[root]

    def _first_contact_customers(self, rng, first: np.ndarray) -> np.ndarray:
        """Customers for contacts that are not repeats: the customer list in a random order, then
        again in a new random order, and so on, so the same customer rarely starts two separate
        matters within days (customers get in touch a few times a year, not every week)."""
        count = self.plan.customers
        rank = np.cumsum(first) - 1
        cycles = int(rank[-1] // count) + 1 if len(rank) else 0
        orders = rng.permuted(np.tile(np.arange(count), (cycles, 1)), axis=1)
        out = np.full(len(first), -1)
        out[first] = orders[rank[first] // count, rank[first] % count]
        return out

    def _satisfaction(self, rng, c: dict[str, np.ndarray]) -> np.ndarray:
        """Hidden satisfaction with a contact (its survey scores come from it): higher when
        resolved first time, lower when escalated or kept waiting (log of the wait), plus agent,
        training, scenario and customer effects and noise."""
        queued = c["channel"] < 2
        wait = c["wait"]
        wait_penalty = np.where(queued, 0.6 * np.log1p(wait / 30.0), 0.5 * np.log1p(wait / 3600.0))
        return (
            0.9
            + 1.3 * c["resolved_first"]
            - 0.5 * c["escalated"]
            - wait_penalty
            + 0.15 * c["skill"]
            + 0.35 * c["after_training"]
            + self.plan.knobs["csat_lift"] * c["lift"]
            - 0.25 * c["outsider"]
            + 0.5 * self._customers["satisfaction"][c["customer"]]
            + rng.normal(0.0, 0.9, len(wait))
        )

    def _queue_waits(self, rng, day, slot, channel, team, opened) -> tuple[np.ndarray, np.ndarray]:
        """Queue wait (s) and abandoned flag per contact.

        Phone and chat: Erlang C per half hour and queue (one pooled queue, or one per team when
        decentralised) from the calls that arrived and the agents rostered: a caller waits with
        probability C, then an exponential time with mean W = AHT / (N - A); when traffic exceeds
        95% of the agents the wait grows with the overload. Callers who give up shorten the queue
        for the others, so the wait used is 1 / (1/W + 1/patience) (a rough Erlang A correction).
        Patience is exponential; a caller whose wait exceeds it hangs up (abandons) then.
        Email and social: see _first_response_times.
        """
        plan = self.plan
        n = len(day)
        counts = self._arrivals[:, :, :2, :].astype(float)
        aht = np.broadcast_to(self._queue_aht[None, None], counts.shape)
        pooled = STRUCTURES[plan.knobs["structure"]]["pooled"]
        if pooled:
            work = (counts * aht).sum(axis=3, keepdims=True)
            calls = counts.sum(axis=3, keepdims=True)
            aht = np.where(calls > 0, work / np.maximum(calls, 1), aht.mean(axis=3, keepdims=True))
            agents = self._agents[..., None].astype(float)
            counts = calls
        else:
            agents = self._team_agents.astype(float)
        p_wait, mean_wait = _erlang_waits(counts, agents, aht)
        queued = channel < 2
        q_team = np.zeros_like(team) if pooled else team
        idx = (day[queued], slot[queued], channel[queued], q_team[queued])
        waits_first = rng.random(queued.sum()) < p_wait[idx]
        mean_patience = np.where(channel[queued] == 0, PATIENCE_S["phone"], PATIENCE_S["chat"])
        # callers who give up shorten the queue for the rest: 1/wait' = 1/wait + 1/patience
        shortened = 1.0 / (1.0 / np.maximum(mean_wait[idx], 1e-9) + 1.0 / mean_patience)
        potential = np.where(
            waits_first, rng.exponential(1.0, queued.sum()) * shortened, 0.0
        ) + rng.uniform(0, 6, queued.sum())
        patience = rng.exponential(1.0, queued.sum()) * mean_patience
        gives_up = potential > patience
        wait = np.zeros(n)
        abandoned = np.zeros(n, dtype=bool)
        wait[queued] = np.round(np.where(gives_up, patience, potential))
        abandoned[queued] = gives_up

        wait[~queued] = self._first_response_times(rng, channel[~queued], opened[~queued])
        return wait, abandoned

    def _first_response_times(self, rng, channel: np.ndarray, opened: np.ndarray) -> np.ndarray:
        """Email and social time to first response (s): lognormal around the channel's median x
        (demand_factor / agents_factor) cubed (a backlog builds fast when short-staffed), plus
        the time until 08:00 for messages that arrive overnight."""
        knobs = self.plan.knobs
        load = knobs["demand_factor"] / knobs["agents_factor"]
        median = np.where(channel == 2, FIRST_RESPONSE_S["email"], FIRST_RESPONSE_S["social"])
        response = rng.lognormal(np.log(median * load**3), 0.8)
        clock = opened % SECONDS_PER_DAY
        overnight = np.where(
            clock < 8 * 3600, 8 * 3600 - clock, np.where(clock >= 20 * 3600, 32 * 3600 - clock, 0)
        )
        return np.round(overnight + response)

    @cached_property
    def contacts(self) -> pd.DataFrame:
        """One row per contact: channel, team, agent, queue wait, handle time, outcome, reason."""
        c, plan = self._contacts, self.plan
        agent = c["agent"]
        agent_ids = _text_or_blank(agent >= 0, self._staff["agent_id"][np.maximum(agent, 0)])
        return pd.DataFrame(
            {
                "contact_id": c["contact_id"],
                "customer_id": self._customers["customer_id"][c["customer"]],
                "opened_at": _seconds(plan.start, c["opened"]),
                "channel": np.array(CHANNELS, dtype=object)[c["channel"]],
                "team": np.array(plan.teams, dtype=object)[c["team"]],
                "agent_id": agent_ids.astype(object),
                "queue_wait_s": c["wait"].astype(float),
                "abandoned": c["abandoned"],
                "answered_at": _seconds(plan.start, c["answered"]),
                "handle_time_s": c["handle"].astype(float),
                "resolved_first_contact": c["resolved_first"],
                "escalated": c["escalated"],
                "category": c["category"],
                "resolved_at": _seconds(plan.start, c["resolved"]),
            }
        )
