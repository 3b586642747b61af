"""The eight datasets' schemas as code: every column's type, unit, allowed values and meaning.

One specification (:data:`SPECS`) serves three purposes: the loader's fast, row-naming checks
(:mod:`svcworkbook.data.loading`), the pandera schemas (:mod:`svcworkbook.data.pandera_schemas`,
for anyone who wants to validate a DataFrame with pandera; built there, so pandera is imported
only by those who ask), and the data dictionary (:func:`describe`, used in ``data/README.md``).

Column kinds: ``id`` and ``text`` (strings), ``category`` (lower-case, from an allowed list),
``datetime`` (UK local time), ``float`` and ``int`` (numbers, with a unit), ``bool`` (a yes/no
flag: yes/no, y/n, true/false, 1/0 are all read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Col:
    """One column: kind, whether it may be blank, range, allowed values, unit and meaning."""

    kind: str
    meaning: str
    unit: str = ""
    nullable: bool = False
    unique: bool = False
    low: float | None = None
    high: float | None = None
    above: float | None = None  # values must be more than this (low allows it, above does not)
    zero_fix: str = ""  # added to the fix when a 0 is out of range
    allowed: tuple[str, ...] = ()
    optional: bool = False  # may be missing from a user's file (then left blank)
    unknown_when_absent: bool = False  # a flag left out is unknown (blank), not False
    high_fix: str = ""  # added to the fix when a value is above high
    may_be_future: bool = False  # a date that may lie more than a year ahead (e.g. a deadline)


@dataclass(frozen=True)
class Rule:
    """A cross-column rule: ``later`` is never before ``earlier`` (when both are given)."""

    later: str
    earlier: str
    why: str


@dataclass(frozen=True)
class OnlyWhen:
    """A cross-column rule: the ``columns`` are blank unless the flag ``flag`` is True."""

    columns: tuple[str, ...]
    flag: str
    what: str  # the columns in words, e.g. "scores"
    fix: str


@dataclass(frozen=True)
class Spec:
    """A dataset: its columns in order, cross-column rules and the date that places each row."""

    columns: dict[str, Col]
    rules: tuple[Rule, ...] = ()
    date: str = ""
    not_more: tuple[tuple[str, str], ...] = field(default=())  # (column, must not exceed column)
    only_when: tuple[OnlyWhen, ...] = ()
    needed_when_answered: tuple[str, ...] = ()  # may be blank only where abandoned is True


CHANNELS = ("phone", "email", "chat", "social")
SECONDS = "seconds"
#: The longest a handle time may be: a contact handled for more than 24 hours is a recording error
#: (a timer left running, or milliseconds read as seconds).
MAX_HANDLE_S = 24 * 3600
#: The longest a queue wait may be: 30 days (an email or social message can wait days for its
#: first response; a month means a lost message or a wrong unit).
MAX_WAIT_S = 30 * 24 * 3600
_HANDLE_SLIP = (
    "a handle time over 24 hours is a recording error (a timer left running, or milliseconds "
    "read as seconds): correct it from the source system, or leave the cell blank"
)
_WAIT_SLIP = (
    "a wait over 30 days is a recording error (a lost message, or milliseconds read as "
    "seconds): correct it from the source system, or leave the cell blank"
)
_ZERO_HANDLE_TIME = (
    "a handled contact always takes some time, so 0 is a recording error: correct it from the "
    "source system, or leave the cell blank when nothing was handled"
)

SPECS: dict[str, Spec] = {
    "contacts": Spec(
        {
            "contact_id": Col("id", "the contact's reference", unique=True),
            "customer_id": Col("id", "the customer (see customers)", nullable=True, optional=True),
            "opened_at": Col("datetime", "when the customer got in touch"),
            "channel": Col("category", "how they got in touch", allowed=CHANNELS, optional=True),
            "team": Col(
                "text",
                "the team that owns the contact (e.g. billing)",
                nullable=True,
                optional=True,
            ),
            "agent_id": Col(
                "id",
                "the agent who handled it (blank if abandoned)",
                nullable=True,
                optional=True,
            ),
            "queue_wait_s": Col(
                "float",
                "wait until answered or abandoned (email/social: until first response); blank "
                "allowed on an abandoned call (an unknown wait, never a short abandon)",
                SECONDS,
                low=0,
                high=MAX_WAIT_S,
                high_fix=_WAIT_SLIP,
                nullable=True,
                optional=True,
            ),
            "abandoned": Col("bool", "the customer gave up before being answered"),
            "answered_at": Col(
                "datetime",
                "when an agent answered (blank if abandoned)",
                nullable=True,
                optional=True,
            ),
            "handle_time_s": Col(
                "float",
                "talk + hold + wrap-up (blank if abandoned)",
                SECONDS,
                nullable=True,
                above=0,
                high=MAX_HANDLE_S,
                high_fix=_HANDLE_SLIP,
                zero_fix=_ZERO_HANDLE_TIME,
                optional=True,
            ),
            "resolved_first_contact": Col(
                "bool",
                "resolved without the customer contacting again; blank allowed on an abandoned "
                "call (read as no: nobody answered it)",
                nullable=True,
                optional=True,
                unknown_when_absent=True,
            ),
            "escalated": Col("bool", "passed to a specialist or manager", optional=True),
            "category": Col(
                "text",
                "the reason for contact (e.g. billing query, fault)",
                nullable=True,
                optional=True,
            ),
            "resolved_at": Col(
                "datetime",
                "when it was resolved (blank if still open)",
                nullable=True,
                optional=True,
            ),
        },
        rules=(
            Rule("answered_at", "opened_at", "a contact cannot be answered before it was opened"),
            Rule("resolved_at", "opened_at", "a contact cannot be resolved before it was opened"),
        ),
        date="opened_at",
        needed_when_answered=("queue_wait_s", "resolved_first_contact"),
    ),  # fmt: skip
    "intervals": Spec(
        {
            "interval_start": Col("datetime", "the start of the interval"),
            "interval_s": Col(
                "int", "interval length (usually 1800: half an hour)", SECONDS, low=1
            ),
            "channel": Col("category", "the queue's channel", allowed=CHANNELS),
            "offered": Col("int", "contacts that arrived in the interval", "contacts", low=0),
            "handled": Col("int", "contacts answered in the interval", "contacts", low=0),
            "aht_s": Col(
                "float",
                "average handle time of those handled (blank if none)",
                SECONDS,
                nullable=True,
                above=0,
                high=MAX_HANDLE_S,
                high_fix=_HANDLE_SLIP,
                zero_fix=_ZERO_HANDLE_TIME,
            ),
            "agents_scheduled": Col(
                "int",
                "agents rostered on the queue (0 when none, e.g. lines closed)",
                "agents",
                low=0,
            ),
        },
        date="interval_start",
        not_more=(("handled", "offered"),),
    ),  # fmt: skip
    "surveys": Spec(
        {
            "survey_id": Col("id", "the survey invitation's reference", unique=True),
            "contact_id": Col("id", "the contact it asks about (see contacts)", nullable=True),
            "customer_id": Col("id", "the customer asked", nullable=True, optional=True),
            "method": Col(
                "category", "how the survey was sent", allowed=("email", "sms", "ivr", "web")
            ),
            "touchpoint": Col(
                "category",
                "the part of the journey rated",
                allowed=("phone", "email", "chat", "social", "website", "delivery", "store"),
            ),
            "sent_at": Col("datetime", "when the invitation was sent"),
            "responded": Col("bool", "the customer answered"),
            "responded_at": Col("datetime", "when they answered", nullable=True, optional=True),
            "csat": Col(
                "int",
                "satisfaction, 1 very dissatisfied to 5 very satisfied",
                "score 1-5",
                nullable=True,
                low=1,
                high=5,
            ),
            "nps": Col(
                "int",
                "likelihood to recommend, 0-10",
                "score 0-10",
                nullable=True,
                low=0,
                high=10,
                optional=True,
            ),
            "ces": Col(
                "int",
                "effort, 1 very easy to 7 very difficult",
                "score 1-7",
                nullable=True,
                low=1,
                high=7,
                optional=True,
            ),
            "comment": Col(
                "text",
                "the customer's words (may hold personal data)",
                nullable=True,
                optional=True,
            ),
        },
        rules=(Rule("responded_at", "sent_at", "a survey cannot be answered before it was sent"),),
        date="sent_at",
        only_when=(
            OnlyWhen(
                ("csat", "nps", "ces"),
                "responded",
                "scores",
                "only a customer who responded gives scores: set responded to True or blank the "
                "scores",
            ),
        ),
    ),  # fmt: skip
    "complaints": Spec(
        {
            "complaint_id": Col("id", "the complaint's reference", unique=True),
            "customer_id": Col("id", "the customer (see customers)"),
            "customer_name": Col("text", "personal data", nullable=True, optional=True),
            "customer_email": Col("text", "personal data", nullable=True, optional=True),
            "customer_phone": Col("text", "personal data", nullable=True, optional=True),
            "customer_postcode": Col("text", "personal data", nullable=True, optional=True),
            "received_at": Col("datetime", "when the complaint arrived"),
            "channel": Col(
                "category",
                "how it arrived",
                allowed=("phone", "email", "letter", "chat", "social", "in person"),
            ),
            "category": Col("text", "what it is about (e.g. delivery, billing)"),
            "root_cause": Col("text", "the underlying cause found", nullable=True),
            "severity": Col(
                "category", "impact on the customer", allowed=("low", "medium", "high")
            ),
            "escalated": Col("bool", "passed to a manager or specialist"),
            "resolved_at": Col("datetime", "when it was closed (blank if open)", nullable=True),
            "outcome": Col(
                "category",
                "the decision",
                allowed=("upheld", "partially upheld", "not upheld", "open"),
            ),
            "remedy": Col(
                "category",
                "what the customer received",
                allowed=("refund", "repair", "replacement", "apology", "goodwill payment", "none"),
            ),
            "refund_agreed_at": Col(
                "datetime",
                "when a refund was agreed (Consumer Rights Act 2015: due within 14 days)",
                nullable=True,
            ),
            "refund_paid_at": Col(
                "datetime", "when the refund was paid (blank if not yet)", nullable=True
            ),
            "adjustment_requested": Col(
                "text",
                "a reasonable adjustment asked for (Equality Act 2010), e.g. large print",
                nullable=True,
                optional=True,
            ),
            "adjustment_recorded": Col(
                "bool", "the adjustment was recorded on the account", optional=True
            ),
            "retain_until": Col(
                "datetime",
                "delete after this date (UK GDPR storage limitation)",
                nullable=True,
                optional=True,
                may_be_future=True,
            ),
        },
        rules=(
            Rule("resolved_at", "received_at", "a complaint cannot close before it arrived"),
            Rule(
                "refund_paid_at", "refund_agreed_at", "a refund cannot be paid before it is agreed"
            ),
        ),
        date="received_at",
    ),  # fmt: skip
    "mystery_shops": Spec(
        {
            "visit_id": Col("id", "the visit's reference", unique=True),
            "visited_at": Col("datetime", "when the mystery shopper made contact"),
            "channel": Col("category", "how", allowed=("phone", "email", "chat", "store")),
            "team": Col("text", "the team assessed"),
            "shopper_id": Col("id", "the mystery shopper"),
            **{
                name: Col(
                    "int",
                    f"{name.replace('_', ' ')} against the standard",
                    "score 0-4",
                    low=0,
                    high=4,
                )
                for name in (
                    "greeting",
                    "needs_identified",
                    "product_knowledge",
                    "resolution_offered",
                    "professional_close",
                )
            },
            "overall_pct": Col("float", "sum of the five scores / 20 x 100", "%", low=0, high=100),
            "standard_met": Col("bool", "overall 80% or more"),
        },
        date="visited_at",
    ),  # fmt: skip
    "servqual": Spec(
        {
            "respondent_id": Col("id", "the customer answering"),
            "surveyed_at": Col("datetime", "when they answered"),
            "dimension": Col(
                "category",
                "the SERVQUAL dimension",
                allowed=("tangibles", "reliability", "responsiveness", "assurance", "empathy"),
            ),
            "item": Col("text", "the statement's code, e.g. REL1"),
            "statement": Col("text", "the statement rated", nullable=True, optional=True),
            "expectation": Col(
                "int", "what an excellent organisation would do", "score 1-7", low=1, high=7
            ),
            "perception": Col("int", "what this organisation does", "score 1-7", low=1, high=7),
            "importance": Col(
                "float",
                "points out of 100 given to the dimension",
                "points",
                nullable=True,
                low=0,
                high=100,
                optional=True,
            ),
        },
        date="surveyed_at",
    ),  # fmt: skip
    "staff": Spec(
        {
            "agent_id": Col("id", "the agent (matches contacts.agent_id)", unique=True),
            "agent_name": Col("text", "personal data", nullable=True, optional=True),
            "team": Col("text", "their team"),
            "start_date": Col("datetime", "when they joined"),
            "trained_at": Col(
                "datetime", "when they completed training (blank if not)", nullable=True
            ),
            "training_course": Col("text", "the course", nullable=True, optional=True),
            "coaching_sessions": Col("int", "coaching sessions in the period", "sessions", low=0),
            "competency_score": Col(
                "float",
                "latest competency assessment",
                "%",
                nullable=True,
                low=0,
                high=100,
                optional=True,
            ),
        },
        date="start_date",
    ),  # fmt: skip
    "customers": Spec(
        {
            "customer_id": Col("id", "the customer", unique=True),
            "customer_name": Col("text", "personal data", nullable=True, optional=True),
            "email": Col("text", "personal data", nullable=True, optional=True),
            "phone": Col("text", "personal data", nullable=True, optional=True),
            "postcode": Col("text", "personal data", nullable=True, optional=True),
            "first_purchase_at": Col("datetime", "their first purchase"),
            "last_purchase_at": Col("datetime", "their latest purchase"),
            "purchases": Col("int", "purchases so far", "purchases", low=1),
            "repeat_customer": Col("bool", "two or more purchases"),
            "referrals": Col("int", "new customers they referred", "customers", low=0),
            "retained": Col("bool", "bought again in the last 12 months of the data"),
        },
        rules=(
            Rule(
                "last_purchase_at",
                "first_purchase_at",
                "the latest purchase cannot come before the first",
            ),
        ),
        date="first_purchase_at",
    ),  # fmt: skip
}

DATASETS = tuple(SPECS)


def _type_text(col: Col) -> str:
    """A column's type in words."""
    return {
        "id": "text (id)", "text": "text", "category": "category", "datetime": "date and time",
        "float": "number", "int": "whole number", "bool": "yes/no",
    }[col.kind]  # fmt: skip


def _allowed_text(col: Col) -> str:
    """A column's allowed values in words."""
    if col.allowed:
        return ", ".join(col.allowed)
    if col.above is not None:
        return f"more than {col.above:g}"
    if col.low is not None and col.high is not None:
        return f"{col.low:g} to {col.high:g}"
    if col.low is not None:
        return f"{col.low:g} or more"
    return ""


def describe(dataset: str) -> pd.DataFrame:
    """The data dictionary of a dataset: column, type, unit, allowed values, blank?, meaning."""
    if dataset not in SPECS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of: {', '.join(SPECS)}")
    rows = []
    for name, col in SPECS[dataset].columns.items():
        rows.append(
            {
                "column": name,
                "type": _type_text(col),
                "unit": col.unit,
                "allowed": _allowed_text(col),
                "blank allowed": "yes" if col.nullable else "no",
                "required": "no" if col.optional else "yes",
                "meaning": col.meaning,
            }
        )
    return pd.DataFrame(rows)
