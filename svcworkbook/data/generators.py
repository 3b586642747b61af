"""Seeded synthetic service data: the eight recording systems the units talk about, with scenarios.

One call, :func:`generate_all`, builds a small customer service operation for a period (default
12 weeks from Monday 5 January 2026): customers, agents and their training, every contact with
its queue wait and handle time, the phone demand and staffing per half hour, feedback surveys,
complaints, mystery-shopper visits and a SERVQUAL survey. The datasets are consistent with each
other (a survey refers to a real contact, a contact to a real agent and customer). The same seed
and arguments always give the same data; each dataset draws from its own random stream, so
:func:`generate` of one dataset equals that dataset in :func:`generate_all`.

How the data behaves (what a tutor would recognise):

* Demand follows a day-of-week pattern (Monday busiest, Sunday quietest) and an intraday pattern
  (a mid-morning and an early-afternoon peak); phone and chat open 08:00-20:00 Monday to Friday,
  09:00-17:00 Saturday and 10:00-16:00 Sunday; email and social arrive at any hour.
* Handle times are lognormal (a long right tail), longer for technical contacts.
* The phone and chat lines are one shared queue with skills-based routing (one queue per team
  when decentralised). Agents are rostered per half hour to meet 80% answered in 20 seconds on
  the *forecast*; queue waits come from the Erlang C model of the calls that actually arrive
  and the agents actually rostered (:mod:`svcworkbook.analysis.staffing`), so waits rise when demand
  outruns staffing.
* Abandoned callers often ring back and unresolved customers get in touch again (repeat
  contacts from the same customer).
* Callers hang up when their wait exceeds their patience, so abandonment rises with the wait.
* Satisfaction (CSAT, NPS, CES) falls with the wait and when the problem is not resolved; comments
  are written about what happened and use the words of :data:`svcworkbook.analysis.stats.THEME_KEYWORDS`.
* Complaints have a few dominant root causes (a Pareto pattern).
* Agents trained part-way through the period resolve more first time and satisfy more afterwards.
* Personal data (names, emails, phone numbers, postcodes) is fake: phone numbers are in Ofcom's
  ranges reserved for drama (07700 900xxx, 01632 960xxx), emails use example.com/example.co.uk.

Scenarios (:data:`SCENARIOS`) change a few knobs (:data:`BASELINE_KNOBS`): demand, staffing, a
change that lifts resolution and satisfaction (and may fade), and the queue structure. The
data dictionary and what each scenario changes are in data/README.md.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from svcworkbook.analysis import staffing
from svcworkbook.data.samples import SAMPLE_SEED, sample_data_dir

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


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Fixed reference tables
# ---------------------------------------------------------------------------------------------

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
#: Chance the same customer contacts again after a contact that was abandoned, unresolved, or
#: resolved (something else came up).
REPEAT_CHANCE = {"abandoned": 0.6, "unresolved": 0.45, "resolved": 0.03}
#: Share of survey invitations answered, by method.
SURVEY_RESPONSE_RATE = {"ivr": 0.36, "sms": 0.33, "email": 0.24, "web": 0.27}
#: Fewest agents on a queue while it is open (nobody leaves a phone queue to one person).
MINIMUM_COVER = {"phone": 2, "chat": 1}
#: Mean patience (seconds) before a queued customer gives up.
PATIENCE_S = {"phone": 450.0, "chat": 600.0}
#: Median time to first response for email and social (seconds) when staffed as planned.
FIRST_RESPONSE_S = {"email": 3 * 3600.0, "social": 3600.0}

TEAM_HANDLE_FACTOR = {"billing": 1.0, "technical": 1.25, "orders": 0.85}
TEAM_SHARE = {"billing": 0.36, "technical": 0.36, "orders": 0.28}
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

FIRST_NAMES = np.array(
    """Oliver Amelia George Isla Harry Ava Noah Mia Jack Ivy Leo Grace Arthur Freya Muhammad Lily
    Oscar Florence Charlie Evie Jacob Emily Thomas Sophie Alfie Poppy Henry Ella William Olivia
    James Rosie Joshua Isabella Aisha Priya Rhys Cerys Callum Niamh Ewan Siobhan Tariq Chloe Daniel
    Hannah Samuel Zara Kwame Megan Owen Bethan Ravi Anjali""".split()
)
SURNAMES = np.array(
    """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
    Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood
    Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James
    Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter
    Richardson Bailey Collins Bell Shaw Murphy Khan Ahmed Begum Singh Kaur Campbell MacDonald
    Reid Stewart Jenkins Lloyd Owen""".split()
)
#: Real outward codes (area + district); inward parts are random, so a postcode is plausible only.
OUTWARD_CODES = np.array(
    """LS1 LS6 M14 M20 B15 B29 CF10 CF24 EH3 EH11 G12 G41 BS8 BS16 NG7 L15 S10 NE6 SO17 PL4 EX4
    YO10 CB1 OX4 RG1 BN2 NR2 LE2 CV4 SA1 AB10 DD1 BT7 BT9 N16 E17 SE15 SW9 W12 NW5""".split()
)
POSTCODE_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))


# ---------------------------------------------------------------------------------------------
# Comment templates (words chosen from stats.THEME_KEYWORDS so keyword coding finds the theme)
# ---------------------------------------------------------------------------------------------

THEMES = (
    "waiting time",
    "staff attitude",
    "resolution",
    "billing and price",
    "communication",
    "website and app",
    "delivery",
    "product knowledge",
)
COMMENT_TEMPLATES: dict[tuple[str, str], tuple[str, ...]] = {
    ("waiting time", "negative"): (
        "I was on hold for ages before anyone picked up.",
        "Far too long a wait in the queue, over twenty minutes.",
        "The hold music went round and round. Very slow.",
        "Waited so long I nearly gave up.",
    ),
    ("waiting time", "neutral"): (
        "The wait was a bit long but acceptable.",
        "Not the quickest, but not the slowest either.",
    ),
    ("waiting time", "positive"): (
        "Quick to answer, hardly any wait at all.",
        "Got straight through, which was a nice surprise.",
        "Prompt reply, thank you.",
    ),
    ("staff attitude", "negative"): (
        "The person I spoke to was rude and dismissive.",
        "Very unhelpful, and the attitude was poor.",
        "The adviser was impatient with me.",
    ),
    ("staff attitude", "neutral"): (
        "Polite enough, nothing special.",
        "The adviser was friendly but seemed rushed.",
    ),
    ("staff attitude", "positive"): (
        "The adviser was so friendly and helpful.",
        "Lovely lady, very patient and kind.",
        "Really polite and caring, she listened to me.",
    ),
    ("resolution", "negative"): (
        "My problem is still not fixed.",
        "Nothing was resolved, I will have to contact you again.",
        "Still broken after all this.",
    ),
    ("resolution", "neutral"): (
        "It got sorted in the end, after two tries.",
        "Partly resolved, one thing left to do.",
    ),
    ("resolution", "positive"): (
        "Sorted first time, brilliant.",
        "Problem solved in one go.",
        "Everything resolved on the spot.",
    ),
    ("billing and price", "negative"): (
        "I have been overcharged on my bill again.",
        "Still no refund after you agreed one.",
        "The charges on my invoice make no sense.",
    ),
    ("billing and price", "neutral"): (
        "The bill is right now but it is expensive.",
        "My payment went through in the end.",
    ),
    ("billing and price", "positive"): (
        "The refund came through, thank you.",
        "My bill has been corrected.",
    ),
    ("communication", "negative"): (
        "Nobody kept me updated. I was promised a call back and nobody rang back.",
        "Nobody ever told me what was going on.",
        "The explanation was confusing and full of jargon.",
    ),
    ("communication", "neutral"): (
        "I got an update in the end.",
        "The letter was fine but could be clearer.",
    ),
    ("communication", "positive"): (
        "Explained everything clearly.",
        "They kept me informed at every step.",
        "Called back exactly when they said they would.",
    ),
    ("website and app", "negative"): (
        "The website would not let me log in.",
        "The app keeps crashing, so I had to contact you.",
        "Your chatbot was useless.",
    ),
    ("website and app", "neutral"): (
        "I managed online in the end.",
        "The app is okay once you find the right page.",
    ),
    ("website and app", "positive"): (
        "Easy to do online afterwards.",
        "The app now works perfectly.",
    ),
    ("delivery", "negative"): (
        "My parcel never arrived.",
        "The courier left it in the rain.",
        "Tracking said delivered but nothing came.",
    ),
    ("delivery", "neutral"): (
        "The delivery was a day late but it came.",
        "Parcel arrived eventually.",
    ),
    ("delivery", "positive"): (
        "New delivery date booked and it arrived on time.",
        "Replacement dispatched the same day.",
    ),
    ("product knowledge", "negative"): (
        "The adviser was clueless about my account.",
        "They did not understand the question.",
        "Seemed untrained on the new products.",
    ),
    ("product knowledge", "neutral"): (
        "They knew most of the answers.",
        "Had to check with an expert but got there.",
    ),
    ("product knowledge", "positive"): (
        "Really knowledgeable adviser.",
        "She knew exactly what to do.",
        "An expert who understood the problem straight away.",
    ),
}
#: Sentences that put personal data in a comment on purpose (privacy practice).
PERSONAL_DATA_SENTENCES = (
    " My name is {name}, my number is {phone}.",
    " Please email me at {email}.",
    " I am at {postcode}, {name}.",
    " {name} here, ring me on {phone} or email {email}.",
)


# ---------------------------------------------------------------------------------------------
# SERVQUAL items (after Parasuraman, Zeithaml and Berry 1988, worded for a service organisation)
# ---------------------------------------------------------------------------------------------

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

#: Complaint root causes and their shares: two causes dominate (Pareto).
ROOT_CAUSES = {
    "billing error": 0.36, "late delivery": 0.26, "no call back": 0.09, "faulty product": 0.08,
    "website problem": 0.07, "policy unclear": 0.06, "rude staff": 0.045,
    "wrong information": 0.035,
}  # fmt: skip
ROOT_CAUSE_CATEGORY = {
    "billing error": "billing", "late delivery": "delivery", "no call back": "service",
    "faulty product": "product", "website problem": "website", "policy unclear": "policy",
    "rude staff": "staff conduct", "wrong information": "service",
}  # fmt: skip
#: Outcomes of a complaint and the chance of each remedy for it (order of REMEDIES).
REMEDIES = ("refund", "repair", "replacement", "apology", "goodwill payment", "none")
REMEDY_SHARES = {
    "upheld": [0.45, 0.10, 0.15, 0.20, 0.10, 0.0],
    "partially upheld": [0.30, 0.0, 0.0, 0.40, 0.30, 0.0],
    "not upheld": [0.0, 0.0, 0.0, 0.30, 0.0, 0.70],
}
#: Years a complaint record is kept (the records policy; 6 years matches the Limitation Act 1980
#: period for contract claims).
RETENTION_YEARS = 6
ADJUSTMENTS = np.array(
    ["large print", "call back", "BSL interpreter", "extra time", "easy read", "email only"]
)
TRAINING_COURSES = np.array(
    [
        "first contact resolution",
        "complaint handling",
        "de-escalation",
        "product update",
        "accessibility awareness",
    ]
)
STREAMS = {
    name: number
    for number, name in enumerate((*DATASETS, "demand", "queues", "team_rosters"), start=1)
}


# ---------------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Small vectorised helpers
# ---------------------------------------------------------------------------------------------


def _rng(plan: Plan, stream: str) -> np.random.Generator:
    """The random stream of one part of the generation: seeded by (seed, stream number)."""
    return np.random.default_rng([plan.seed, STREAMS[stream]])


def _ids(prefix: str, count: int, width: int) -> np.ndarray:
    """Ids such as C0000001: prefix + a 1-based number zero-padded to at least `width` digits."""
    if count == 0:
        return np.array([], dtype=object)
    digits = max(width, len(str(count)))
    numbers = np.char.zfill(np.arange(1, count + 1).astype(str), digits)
    return np.char.add(prefix, numbers).astype(object)


def _text_or_blank(keep: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A text column: the values where `keep`, else blank (NaN, as pandas reads a blank cell)."""
    out = np.full(len(keep), np.nan, dtype=object)
    out[keep] = np.asarray(values, dtype=object)[keep]
    return out


def _choose(rng: np.random.Generator, cumulative: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Categorical draws: for each row r, an index into cumulative[rows[r]] (a CDF per group)."""
    u = rng.random(len(rows))
    return (u[:, None] > cumulative[rows]).sum(axis=1)


def _seconds(frame_start: pd.Timestamp, seconds: np.ndarray) -> np.ndarray:
    """Timestamps from whole seconds after `frame_start` (NaN -> NaT), as datetime64[ns]."""
    out = np.full(len(seconds), np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = ~np.isnan(seconds)
    out[ok] = np.datetime64(frame_start.to_datetime64(), "ns") + (
        np.round(seconds[ok]).astype(np.int64) * np.int64(1_000_000_000)
    ).astype("timedelta64[ns]")
    return out


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


def _fake_names(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Random UK-style first names and surnames."""
    return (
        FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), count)],
        SURNAMES[rng.integers(0, len(SURNAMES), count)],
    )


def _fake_phones(rng: np.random.Generator, count: int) -> np.ndarray:
    """Phone numbers in Ofcom's drama ranges: mobiles 07700 900xxx, landlines 01632 960xxx."""
    mobile = rng.random(count) < 0.7
    ends = np.char.zfill(rng.integers(0, 1000, count).astype(str), 3)
    return np.where(mobile, np.char.add("07700 900", ends), np.char.add("01632 960", ends))


def _fake_postcodes(rng: np.random.Generator, count: int) -> np.ndarray:
    """Postcodes in the UK format: a real outward code + a digit and two letters."""
    outward = OUTWARD_CODES[rng.integers(0, len(OUTWARD_CODES), count)]
    digit = rng.integers(1, 10, count).astype(str)
    letters = np.char.add(
        POSTCODE_LETTERS[rng.integers(0, len(POSTCODE_LETTERS), count)],
        POSTCODE_LETTERS[rng.integers(0, len(POSTCODE_LETTERS), count)],
    )
    return np.char.add(np.char.add(outward, " "), np.char.add(digit, letters))


def _fake_emails(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Emails first.last<nn>@example.com / example.co.uk (domains reserved for examples)."""
    number = rng.integers(1, 100, len(first)).astype(str)
    domain = np.where(rng.random(len(first)) < 0.6, "@example.com", "@example.co.uk")
    local = np.char.add(np.char.add(np.char.lower(first), "."), np.char.lower(last))
    return np.char.add(np.char.add(local, number), domain)


def _random_times(rng, start: pd.Timestamp, days: int, count: int, hours=(9, 17)) -> np.ndarray:
    """Whole-second offsets from start: a random day of the period, within working hours."""
    day = rng.integers(0, days, count)
    within = rng.integers(hours[0] * 3600, hours[1] * 3600, count)
    return (day * SECONDS_PER_DAY + within).astype(float)


# ---------------------------------------------------------------------------------------------
# The operation: each dataset computed once, from its own random stream
# ---------------------------------------------------------------------------------------------


class Operation:
    """One generated service operation; each dataset is built on first use and then kept."""

    def __init__(self, plan: Plan) -> None:
        """Hold the plan; nothing is generated until a dataset is asked for."""
        self.plan = plan

    # --- staff ---------------------------------------------------------------------------------

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

    # --- customers -----------------------------------------------------------------------------

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

    # --- demand and staffing -------------------------------------------------------------------

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

    # --- contacts ------------------------------------------------------------------------------

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

    # --- intervals -----------------------------------------------------------------------------

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

    # --- surveys -------------------------------------------------------------------------------

    @cached_property
    def surveys(self) -> pd.DataFrame:
        """Feedback invitations after answered contacts: ~30% respond with CSAT, NPS, CES and a
        comment about what happened."""
        c, plan = self._contacts, self.plan
        rng = _rng(plan, "surveys")
        invited, method, sent, responded, responded_at = self._invitations(rng)
        n = len(invited)
        touch = self._touchpoints(rng, invited)
        csat, nps, ces = self._scores(rng, invited)
        comment = self._comments(rng, invited, csat, responded)

        def score(values):
            """Scores as nullable whole numbers, blank when there was no response."""
            return pd.array(np.where(responded, values, np.nan), dtype="Int64")

        return pd.DataFrame(
            {
                "survey_id": _ids("S", n, 6),
                "contact_id": c["contact_id"][invited],
                "customer_id": self._customers["customer_id"][c["customer"][invited]],
                "method": method,
                "touchpoint": touch,
                "sent_at": _seconds(plan.start, sent),
                "responded": responded,
                "responded_at": _seconds(plan.start, responded_at),
                "csat": score(csat),
                "nps": score(nps),
                "ces": score(ces),
                "comment": comment,
            }
        )

    def _invitations(self, rng) -> tuple[np.ndarray, ...]:
        """Which answered contacts get a survey (35%), by which method (phone: IVR or SMS; chat:
        web; email: email; social: web or email), when it is sent (10 minutes to 6 hours after
        the contact closed), and whether and when it is answered (by method, ~30%); invitations
        or answers after the data's end are left out or left unanswered."""
        c, end = self._contacts, self.plan.days * SECONDS_PER_DAY
        eligible = np.flatnonzero(~c["abandoned"])
        invited = eligible[rng.random(len(eligible)) < 0.35]
        n = len(invited)
        channel = c["channel"][invited]
        u = rng.random(n)
        method = np.select(
            [channel == 0, channel == 1, channel == 2],
            [np.where(u < 0.55, "ivr", "sms"), np.where(u < 0.8, "web", "email"), "email"],
            np.where(u < 0.6, "web", "email"),
        ).astype(object)
        response_rate = pd.Series(SURVEY_RESPONSE_RATE)
        responded = rng.random(n) < response_rate[method].to_numpy()
        closed = c["resolved"][invited]
        base = np.where(np.isnan(closed), c["answered"][invited] + c["handle"][invited], closed)
        sent = np.round(base + rng.uniform(600, 6 * 3600, n))
        answered_after = np.round(rng.lognormal(np.log(3 * 3600), 1.0, n))
        responded_at = np.where(responded, sent + answered_after, np.nan)
        responded = responded & ~(responded_at >= end)
        keep = sent < end
        responded = responded[keep]
        return (
            invited[keep],
            method[keep],
            sent[keep],
            responded,
            np.where(responded, responded_at[keep], np.nan),
        )

    def _touchpoints(self, rng, invited: np.ndarray) -> np.ndarray:
        """What the survey asks about: the contact's channel, or sometimes the delivery (40% of
        delivery contacts), the store (30% of returns) or the website (30% of account changes)."""
        c = self._contacts
        categories = c["category"][invited]
        touch = np.array(CHANNELS, dtype=object)[c["channel"][invited]]
        v = rng.random(len(invited))
        touch = np.where((categories == "delivery") & (v < 0.4), "delivery", touch)
        touch = np.where((categories == "returns") & (v < 0.3), "store", touch)
        touch = np.where((categories == "account change") & (v < 0.3), "website", touch)
        return touch.astype(object)

    def _scores(self, rng, invited: np.ndarray) -> tuple[np.ndarray, ...]:
        """CSAT 1-5 by cutting the contact's hidden satisfaction at fixed points; NPS 0-10 =
        2.2 CSAT - 1.2 + noise; CES 1-7 = 7.6 - 1.25 CSAT + 0.9 if unresolved + noise."""
        c, n = self._contacts, len(invited)
        latent = c["satisfaction"][invited]
        csat = 1 + (latent > -1.3).astype(int) + (latent > -0.45) + (latent > 0.35) + (latent > 1.1)
        nps = np.clip(np.round(2.2 * csat - 1.2 + rng.normal(0, 1.3, n)), 0, 10)
        unresolved = ~c["resolved_first"][invited]
        ces = np.clip(np.round(7.6 - 1.25 * csat + 0.9 * unresolved + rng.normal(0, 0.8, n)), 1, 7)
        return csat, nps, ces

    def _comments(self, rng, invited, csat, responded) -> np.ndarray:
        """Free-text comments (about half of responses) whose theme follows what happened and
        whose tone follows the score; ~8% add the customer's personal details on purpose."""
        c = self._contacts
        n = len(invited)
        wait = c["wait"][invited]
        queued = c["channel"][invited] < 2
        long_wait = np.where(queued, wait > 120, wait > 86400)
        short_wait = np.where(queued, wait < 30, wait < 3600)
        resolved = c["resolved_first"][invited]
        categories = c["category"][invited]
        billing = np.isin(categories, ["billing query", "payment"])
        delivery = np.isin(categories, ["delivery", "returns", "order change"])
        technical = np.isin(categories, ["fault", "setup help"])
        negative = csat <= 2
        positive = csat >= 4
        weights = np.stack(
            [
                0.3 + 6.0 * long_wait * ~positive + 1.5 * short_wait * positive,  # waiting time
                np.full(n, 1.5),  # staff attitude
                0.5 + 2.5 * ~resolved * ~positive + 1.5 * resolved * positive,  # resolution
                0.2 + 2.0 * billing,  # billing and price
                0.6 + 1.0 * ~resolved,  # communication
                0.3 + 0.8 * (categories == "account change") + 0.5 * technical,  # website/app
                0.1 + 2.0 * delivery,  # delivery
                0.5 + 1.0 * technical,  # product knowledge
            ],
            axis=1,
        )
        cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)[:, :-1]
        theme = (rng.random(n)[:, None] > cumulative).sum(axis=1)
        tone = np.where(negative, 0, np.where(positive, 2, 1))
        texts, offsets, sizes = [], [], []
        for t in THEMES:
            for mood in ("negative", "neutral", "positive"):
                options = COMMENT_TEMPLATES[(t, mood)]
                offsets.append(len(texts))
                sizes.append(len(options))
                texts.extend(options)
        key = theme * 3 + tone
        pick = np.array(offsets)[key] + np.floor(rng.random(n) * np.array(sizes)[key]).astype(int)
        comment = np.array(texts, dtype=object)[pick]

        # who writes: more often after a very good or very bad experience
        writes = responded & (rng.random(n) < np.where(csat == 3, 0.35, 0.6))
        personal = writes & (rng.random(n) < 0.08)
        if personal.any():
            customers = self._customers
            who = c["customer"][invited][personal]
            form = rng.integers(0, len(PERSONAL_DATA_SENTENCES), personal.sum())
            extra = [
                PERSONAL_DATA_SENTENCES[f].format(
                    name=customers["customer_name"][w],
                    phone=customers["phone"][w],
                    email=customers["email"][w],
                    postcode=customers["postcode"][w],
                )
                for f, w in zip(form, who, strict=True)
            ]
            comment[personal] = comment[personal] + np.array(extra, dtype=object)
        return _text_or_blank(writes, comment)

    # --- complaints ----------------------------------------------------------------------------

    @cached_property
    def complaints(self) -> pd.DataFrame:
        """One row per complaint: a few root causes dominate; refunds, adjustments, retention."""
        plan, cust = self.plan, self._customers
        rng = _rng(plan, "complaints")
        received = self._complaint_times(rng)
        n = len(received)
        causes = np.array(list(ROOT_CAUSES), dtype=object)
        shares = np.array(list(ROOT_CAUSES.values()))
        cause = rng.choice(len(causes), size=n, p=shares / shares.sum())
        severity = np.array(["low", "medium", "high"], dtype=object)[
            rng.choice(3, size=n, p=[0.5, 0.35, 0.15])
        ]
        escalated, resolved, outcome, remedy = self._complaint_outcomes(rng, received, severity)
        agreed, paid = self._refunds(rng, resolved, remedy)
        # Equality Act 2010: reasonable adjustments asked for, about 1 in 5 never recorded
        asked = rng.random(n) < 0.09
        adjustment = _text_or_blank(asked, ADJUSTMENTS[rng.integers(0, len(ADJUSTMENTS), n)])
        recorded = asked & (rng.random(n) < 0.8)
        weights = cust["contact_weight"] + 0.2
        who = rng.choice(plan.customers, size=n, p=weights / weights.sum())
        channels = np.array(
            ["phone", "email", "letter", "chat", "social", "in person"], dtype=object
        )
        channel = channels[rng.choice(6, size=n, p=[0.38, 0.30, 0.07, 0.12, 0.08, 0.05])]
        received_ts = _seconds(plan.start, received)
        retain_until = pd.DatetimeIndex(received_ts) + pd.DateOffset(years=RETENTION_YEARS)
        return pd.DataFrame(
            {
                "complaint_id": _ids("CP", n, 5),
                "customer_id": cust["customer_id"][who],
                "customer_name": cust["customer_name"][who],
                "customer_email": cust["email"][who],
                "customer_phone": cust["phone"][who],
                "customer_postcode": cust["postcode"][who],
                "received_at": received_ts,
                "channel": channel,
                "category": np.array([ROOT_CAUSE_CATEGORY[r] for r in causes], dtype=object)[cause],
                "root_cause": causes[cause],
                "severity": severity,
                "escalated": escalated,
                "resolved_at": _seconds(plan.start, resolved),
                "outcome": outcome,
                "remedy": remedy,
                "refund_agreed_at": _seconds(plan.start, agreed),
                "refund_paid_at": _seconds(plan.start, paid),
                "adjustment_requested": adjustment.astype(object),
                "adjustment_recorded": recorded,
                "retain_until": retain_until.to_numpy(dtype="datetime64[ns]"),
            }
        )

    def _complaint_times(self, rng) -> np.ndarray:
        """When complaints arrive (s from start, sorted): a Poisson number per day, more when
        demand outruns staffing (demand_factor x (1 + 1.5 x staff shortfall)) and fewer once an
        improvement lifts resolution (1 - 2 x fcr_lift while the gain lasts); plus a few (2%) old
        records from 6-7 years before the period, kept beyond their retention date."""
        plan, knobs = self.plan, self.plan.knobs
        pressure = knobs["demand_factor"] * (1 + 1.5 * max(0.0, 1 - knobs["agents_factor"]))
        volume = plan.complaints_per_day * plan.contacts_per_day / DEFAULT_CONTACTS_PER_DAY
        days = np.arange(plan.days)
        per_day = volume * pressure * (1 - 2 * knobs["fcr_lift"] * _lift(plan, days))
        day = np.repeat(days, rng.poisson(per_day))
        now = day * SECONDS_PER_DAY + rng.integers(8 * 3600, 20 * 3600, len(day))
        n_old = max(1, round(0.02 * len(day)))
        old_days = rng.uniform(
            (RETENTION_YEARS * 365.25) + 20, (RETENTION_YEARS + 1) * 365.25, n_old
        )
        old = -np.round(old_days) * SECONDS_PER_DAY + rng.integers(9 * 3600, 17 * 3600, n_old)
        return np.sort(np.concatenate([now, old]).astype(float))

    def _complaint_outcomes(self, rng, received, severity) -> tuple[np.ndarray, ...]:
        """Escalated (8/22/50% by severity), resolved after a lognormal time (median 5 days, 12
        if high, +7 if escalated; blank if still open at the end), outcome and remedy."""
        n = len(received)
        high, medium = severity == "high", severity == "medium"
        escalated = rng.random(n) < np.where(high, 0.5, np.where(medium, 0.22, 0.08))
        days_to_resolve = rng.lognormal(np.log(np.where(high, 12, 5)), 0.7) + 7 * escalated
        resolved = np.round(received + days_to_resolve * SECONDS_PER_DAY)
        still_open = resolved >= self.plan.days * SECONDS_PER_DAY
        resolved = np.where(still_open, np.nan, resolved)
        outcomes = np.array(list(REMEDY_SHARES), dtype=object)
        decided = rng.choice(len(outcomes), size=n, p=[0.45, 0.25, 0.30])
        remedies = np.array(REMEDIES, dtype=object)
        cumulative = np.cumsum(np.array(list(REMEDY_SHARES.values())), axis=1)[:, :-1]
        remedy = remedies[_choose(rng, cumulative, decided)]
        outcome = np.where(still_open, "open", outcomes[decided]).astype(object)
        remedy = np.where(still_open, "none", remedy).astype(object)
        return escalated, resolved, outcome, remedy

    def _refunds(self, rng, resolved, remedy) -> tuple[np.ndarray, np.ndarray]:
        """Refund agreed when the complaint is resolved with a refund, paid 0.5-13.5 days later,
        or 15-40 days later for about 1 in 8 (late under the Consumer Rights Act 2015 s.20(15));
        blank if not paid by the end."""
        n = len(resolved)
        late = rng.random(n) < 0.12
        pay_days = np.where(late, rng.uniform(15, 40, n), rng.uniform(0.5, 13.5, n))
        agreed = np.where(remedy == "refund", resolved, np.nan)
        paid = np.round(agreed + pay_days * SECONDS_PER_DAY)
        return agreed, np.where(paid >= self.plan.days * SECONDS_PER_DAY, np.nan, paid)

    # --- mystery shops -------------------------------------------------------------------------

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

    # --- servqual ------------------------------------------------------------------------------

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


def _whole_points(points: np.ndarray) -> np.ndarray:
    """Round each row to whole numbers that still sum to 100 (largest remainder method)."""
    floor = np.floor(points)
    short = np.round(100 - floor.sum(axis=1)).astype(int)
    order = np.argsort(-(points - floor), axis=1, kind="stable")
    rank = np.argsort(order, axis=1, kind="stable")
    return floor + (rank < short[:, None])


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


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


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


def write_samples(out_dir=None) -> list[Path]:
    """Write data/<dataset>.csv for seed 2026, baseline (ISO timestamps); return the paths."""
    if out_dir is None:
        out_dir = sample_data_dir()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in generate_all(seed=SAMPLE_SEED, scenario="baseline").items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S", lineterminator="\n")
        written.append(path)
    return written
