"""Unit 5's "Your turn" exercises: the checks a learner runs on the evaluation's own figures.

Each exercise reads, computes or chooses from what the worked analyses (``evaluation``) show: the
percentage change from the before/after table (U5.E1), the phone baseline and the phone change
(U5.E2, U5.E3, a slice the worked analysis did not print), and the SERVQUAL dimension to improve
first with its weighted gap (U5.E4).
"""

from __future__ import annotations

import pandas as pd

from svcworkbook.analysis import kpi
from svcworkbook.learning import exercises, reasons
from svcworkbook.report import narrative
from svcworkbook.units.unit5_improvement.evaluation import (
    check_change_date,
    comparison_display,
    improvement_priorities,
    split_at,
)

RELATIVE_CHANGE = exercises.define(
    "U5.E1", 5, "the percentage change in first contact resolution", "percent", decimals=1,
    hint="Take the after figure divided by the before figure from the table, minus 1, as a "
    "percentage.",
    slips={
        "percentage points": "that is the difference in percentage points (after minus before); "
        "a percentage change divides that difference by the before figure",
        "after as base": "you divided by the after figure; a change is measured against where "
        "you started, the before figure",
        "unrounded": ("that is from the unrounded figures; work from the figures as the table "
                      "shows them", "close"),
    },
)  # fmt: skip


def _as_shown(text: str) -> float:
    """A share from the way the table shows it ("65.9%" -> 0.659)."""
    return float(str(text).rstrip("%").replace(",", "")) / 100


def check_relative_change(my_answer, comparisons, measure: str = "first_contact_resolution"):
    """Exercise U5.E1: the percentage change (after / before - 1) of a measure, from the
    before/after table's figures as shown; slips: the difference in percentage points, the
    after figure as the base, the unrounded figures (when they round otherwise)."""
    shown = comparison_display({measure: comparisons[measure]}).iloc[0]
    before, after = _as_shown(shown["before"]), _as_shown(shown["after"])
    if before == 0:
        return exercises.unavailable("U5.E1", "The before figure is 0, so there is no "
                                     "percentage change to work out.")  # fmt: skip
    c = comparisons[measure]
    slips = {
        "percentage points": after - before,
        "after as base": (after - before) / after if after else None,
        "unrounded": c.after / c.before - 1 if c.before else None,
    }
    return exercises.check(RELATIVE_CHANGE, my_answer, after / before - 1, slips)


PHONE_BASELINE = exercises.define(
    "U5.E2", 5, "baseline first contact resolution on the phone", "percent", decimals=1,
    hint="Keep the phone contacts opened before the change date, leave out abandoned calls, and "
    "take the share resolved at the first contact.",
    slips={
        "every channel": "that is the baseline for every channel together, as in the table "
        "above; the question asks about phone contacts",
        "abandoned": "you divided by all phone contacts, including abandoned calls that no one "
        "answered",
        "whole period": "you used the whole period; the baseline is only the days before the "
        "change",
    },
)  # fmt: skip
PHONE_CHANGE = exercises.define(
    "U5.E3", 5, "change in first contact resolution on the phone", "points", decimals=1,
    hint="Work out phone FCR before and after the change date, then subtract: after minus "
    "before, in percentage points.",
    slips={
        "every channel": "that is the change for every channel together, as in the table above; "
        "the question asks about phone contacts",
        "percent change": "you gave the relative change (after / before - 1) as a percentage, "
        "not the difference in percentage points",
    },
)  # fmt: skip
PRIORITY = exercises.define(
    "U5.E4", 5, "the SERVQUAL dimension to improve first", "choice",
    options=("tangibles", "reliability", "responsiveness", "assurance", "empathy"),
    giveaway=("largest gap", "contributes most", "improve first", "furthest short"),
    reason="that dimension's importance-weighted gap",
    hint="Weight each dimension's gap by the importance customers give it, and pick the most "
    "negative weighted gap.",
    slips={"unweighted": "that dimension has the largest gap, but customers give it less "
           "importance; weight each gap by importance before choosing"},
)  # fmt: skip


def _phone(contacts: pd.DataFrame, channel: str) -> pd.DataFrame:
    """The contacts on one channel."""
    return contacts.loc[contacts["channel"].astype(str) == channel]


def check_baseline(my_answer, contacts: pd.DataFrame, change_date, channel: str = "phone"):
    """Exercise U5.E2: FCR on one channel before the change (answered contacts only); slips:
    every channel, abandoned calls counted, the whole period."""
    change = check_change_date(change_date, contacts)
    mine = _phone(contacts, channel)
    before, _ = split_at(mine, "opened_at", change)
    if before.empty:
        return exercises.unavailable("U5.E2", f"There are no {channel} contacts before the change.")
    slips = {
        "every channel": kpi.first_contact_resolution(split_at(contacts, "opened_at", change)[0]),
        "abandoned": float(before["resolved_first_contact"].astype(bool).mean()),
        "whole period": kpi.first_contact_resolution(mine),
    }
    return exercises.check(PHONE_BASELINE, my_answer, kpi.first_contact_resolution(before), slips)


def check_change(my_answer, contacts: pd.DataFrame, change_date, channel: str = "phone"):
    """Exercise U5.E3: the change in FCR on one channel, after - before, in percentage points;
    slips: every channel, the relative change (plus the generic fraction and sign slips)."""
    change = check_change_date(change_date, contacts)
    before, after = split_at(_phone(contacts, channel), "opened_at", change)
    if before.empty or after.empty:
        return exercises.unavailable("U5.E3", f"There are no {channel} contacts on both sides.")
    fcr_before = kpi.first_contact_resolution(before)
    fcr_after = kpi.first_contact_resolution(after)
    all_before, all_after = split_at(contacts, "opened_at", change)
    slips = {
        "every channel": kpi.first_contact_resolution(all_after)
        - kpi.first_contact_resolution(all_before),
        "percent change": fcr_after / fcr_before - 1 if fcr_before else None,
    }
    return exercises.check(PHONE_CHANGE, my_answer, fcr_after - fcr_before, slips)


def priority_sentence_withheld(priorities: pd.DataFrame) -> str:
    """The SERVQUAL picture without naming the dimension to improve first (exercise U5.E4)."""
    short = int((priorities["gap"] < 0).sum())
    return (
        f"Perceptions fall short of expectations in {short} of {len(priorities)} dimensions. "
        "Which dimension to improve first is for you to decide in the exercise below: weigh "
        "each gap by the importance customers give it (the chart shows both)."
    )


def check_priority(my_answer, servqual: pd.DataFrame, reason=None):
    """Exercise U5.E4: the SERVQUAL dimension to improve first (the most negative importance-
    weighted gap); slip: the largest unweighted gap. The full sentence follows a right answer."""
    table = improvement_priorities(servqual)
    slips = {"unweighted": str(table.loc[table["gap"].idxmin(), "dimension"])}
    reveal = narrative.servqual_sentence(table)
    because = reasons.Because(figures=(float(table["weighted_gap"].iloc[0]),))
    return exercises.check(
        PRIORITY, my_answer, str(table["dimension"].iloc[0]), slips, reveal=reveal,
        reason=reason, because=because,
    )  # fmt: skip
