"""Service quality measured from outside: mystery-shopper visits scored against five
standards (``mystery_shops``) and a SERVQUAL survey of expectations and perceptions
(``servqual``, items after Parasuraman, Zeithaml and Berry 1988, worded for a service
organisation).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from svcworkbook.data.generators._draws import _ids, _random_times, _rng, _seconds
from svcworkbook.data.generators.scenarios import DEFAULT_DAYS, SECONDS_PER_DAY, Plan, _lift

SERVQUAL_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("TAN1", "tangibles", "It has up-to-date equipment and systems."),
    ("TAN2", "tangibles", "Its premises, website and app are visually appealing."),
    ("TAN3", "tangibles", "Its staff are well dressed and appear neat."),
    ("TAN4", "tangibles", "Its letters, emails and statements are clear and look professional."),
    ("REL1", "reliability", "When it promises to do something by a certain time, it does so."),
    ("REL2", "reliability", "When I have a problem, it shows a sincere interest in solving it."),
    ("REL3", "reliability", "It performs the service right the first time."),
    ("REL4", "reliability", "It provides its services at the time it promises to do so."),
    ("REL5", "reliability", "It keeps accurate, error-free records."),
    ("RES1", "responsiveness", "Staff tell me exactly when things will be done."),
    ("RES2", "responsiveness", "Staff give me prompt service."),
    ("RES3", "responsiveness", "Staff are always willing to help me."),
    ("RES4", "responsiveness", "Staff are never too busy to respond to my requests."),
    ("ASS1", "assurance", "The behaviour of staff instils confidence in me."),
    ("ASS2", "assurance", "I feel safe in my transactions with it."),
    ("ASS3", "assurance", "Staff are consistently courteous with me."),
    ("ASS4", "assurance", "Staff have the knowledge to answer my questions."),
    ("EMP1", "empathy", "It gives me individual attention."),
    ("EMP2", "empathy", "Its opening hours are convenient for all its customers."),
    ("EMP3", "empathy", "Its staff give me personal attention."),
    ("EMP4", "empathy", "It has my best interests at heart."),
    ("EMP5", "empathy", "Its staff understand my specific needs."),
)

SERVQUAL_DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")

#: Mean perception minus expectation per dimension (reliability and responsiveness fall shortest).
SERVQUAL_GAP = {"tangibles": -0.2, "reliability": -1.3, "responsiveness": -1.0,
                "assurance": -0.4, "empathy": -0.6}  # fmt: skip

#: Typical share of the 100 importance points per dimension (reliability matters most).
SERVQUAL_IMPORTANCE = np.array([0.11, 0.32, 0.22, 0.19, 0.16])


def _whole_points(points: np.ndarray) -> np.ndarray:
    """Round each row to whole numbers that still sum to 100 (largest remainder method)."""
    floor = np.floor(points)
    short = np.round(100 - floor.sum(axis=1)).astype(int)
    order = np.argsort(-(points - floor), axis=1, kind="stable")
    rank = np.argsort(order, axis=1, kind="stable")
    return floor + (rank < short[:, None])


class _Assessments:
    """Mystery shops and SERVQUAL of a generated operation (part of :class:`Operation`)."""

    plan: Plan

    @cached_property
    def mystery_shops(self) -> pd.DataFrame:
        """Mystery-shopper visits (60-120 per 12 weeks) scored 0-4 against five standards; overall
        % = sum / 20 x 100; standard met at 80% or more."""
        plan = self.plan
        rng = _rng(plan, "mystery_shops")
        per_12_weeks = int(rng.integers(60, 121))
        n = plan.mystery_shops or max(5, round(per_12_weeks * plan.days / DEFAULT_DAYS))
        visited = np.sort(_random_times(rng, plan.start, plan.days, n, hours=(9, 18)))
        day = np.floor(visited / SECONDS_PER_DAY)
        team = rng.integers(0, len(plan.teams), n)
        channel = np.array(["phone", "email", "chat", "store"], dtype=object)[
            rng.choice(4, size=n, p=[0.45, 0.2, 0.2, 0.15])
        ]
        # chance of meeting each point of a standard (greeting and close are usually good)
        base = np.array([0.92, 0.72, 0.78, 0.74, 0.88])
        team_effect = rng.normal(0, 0.04, len(plan.teams))[team]
        lift = 0.08 * _lift(plan, day) * (plan.knobs["fcr_lift"] > 0)
        short = 0.06 * max(0.0, 1 - plan.knobs["agents_factor"] / plan.knobs["demand_factor"])
        p = np.clip(base[None, :] + (team_effect + lift - short)[:, None], 0.05, 0.99)
        scores = rng.binomial(4, p)
        overall = np.round(scores.sum(axis=1) / 20 * 100, 1)
        names = ["greeting", "needs_identified", "product_knowledge", "resolution_offered",
                 "professional_close"]  # fmt: skip
        frame = pd.DataFrame(
            {
                "visit_id": _ids("V", n, 3),
                "visited_at": _seconds(plan.start, visited),
                "channel": channel,
                "team": np.array(plan.teams, dtype=object)[team],
                "shopper_id": _ids("MS", 8, 2)[rng.integers(0, 8, n)],
            }
        )
        for i, name in enumerate(names):
            frame[name] = scores[:, i].astype(np.int64)
        frame["overall_pct"] = overall
        frame["standard_met"] = overall >= 80
        return frame

    @cached_property
    def servqual(self) -> pd.DataFrame:
        """SERVQUAL in long form: respondents x 22 items, expectation, perception, importance."""
        plan = self.plan
        rng = _rng(plan, "servqual")
        r = plan.servqual_respondents
        items = np.array([i[0] for i in SERVQUAL_ITEMS], dtype=object)
        dims = np.array([i[1] for i in SERVQUAL_ITEMS], dtype=object)
        statements = np.array([i[2] for i in SERVQUAL_ITEMS], dtype=object)
        dim_index = np.array([SERVQUAL_DIMENSIONS.index(d) for d in dims])
        k = len(items)
        expect_person = rng.normal(0, 0.4, r)
        perceive_person = rng.normal(0, 0.6, r)
        gap = np.array([SERVQUAL_GAP[d] for d in dims])
        expectation = np.clip(
            np.round(6.2 + expect_person[:, None] + rng.normal(0, 0.6, (r, k))), 1, 7
        )
        perception = np.clip(
            np.round(6.2 + gap[None, :] + perceive_person[:, None] + rng.normal(0, 0.8, (r, k))),
            1,
            7,
        )
        shares = rng.dirichlet(SERVQUAL_IMPORTANCE * 40, r)
        points = _whole_points(shares * 100)
        surveyed = _random_times(rng, plan.start, plan.days, r, hours=(9, 20))
        return pd.DataFrame(
            {
                "respondent_id": np.repeat(_ids("R", r, 4), k),
                "surveyed_at": np.repeat(_seconds(plan.start, surveyed), k),
                "dimension": np.tile(dims, r),
                "item": np.tile(items, r),
                "statement": np.tile(statements, r),
                "expectation": expectation.ravel().astype(np.int64),
                "perception": perception.ravel().astype(np.int64),
                "importance": points[:, dim_index].ravel().astype(float),
            }
        )
