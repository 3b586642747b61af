"""Unit 5's "Your turn" checks on a log small enough to work out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from svcworkbook.units.unit5_improvement import your_turn

START = pd.Timestamp("2026-03-02 09:00")
CHANGE = "2026-03-09"  # day 7: a week before, thirteen days after


def contacts() -> pd.DataFrame:
    """Before: phone 4 answered (3 resolved) and 1 abandoned, chat 2 answered (0 resolved).
    After: phone 2 answered (2 resolved), chat 2 answered (2 resolved)."""
    rows = [(0, "phone", False, True), (1, "phone", False, True), (2, "phone", False, True),
            (3, "phone", False, False), (3, "phone", True, False), (1, "chat", False, False),
            (2, "chat", False, False), (10, "phone", False, True), (11, "phone", False, True),
            (19, "chat", False, True), (20, "chat", False, True)]  # fmt: skip
    return pd.DataFrame(
        [
            {"contact_id": f"C{i}", "opened_at": START + pd.Timedelta(days=day), "channel": ch,
             "abandoned": abandoned, "resolved_first_contact": resolved}
            for i, (day, ch, abandoned, resolved) in enumerate(rows)
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    "answer, status, slip",
    [
        (75.0, "right", None),  # phone before: 3 of 4 answered
        (50.0, "wrong", "every channel"),  # 3 of 6 answered on every channel
        (60.0, "wrong", "abandoned"),  # 3 of 5, the abandoned call counted
        (83.3, "wrong", "whole period"),  # 5 of 6 phone contacts, before and after
    ],
)
def test_phone_baseline_and_its_slips(answer, status, slip):
    check = your_turn.check_baseline(answer, contacts(), CHANGE)
    assert check.status == status
    assert (check.judgement.slip if slip else None) == slip


@pytest.mark.parametrize(
    "answer, status, slip",
    [
        (25.0, "right", None),  # phone: 100% after - 75% before
        (50.0, "wrong", "every channel"),  # every channel: 100% - 50%
        (33.3, "wrong", "percent change"),  # 100% / 75% - 1
    ],
)
def test_phone_change_in_points_and_its_slips(answer, status, slip):
    check = your_turn.check_change(answer, contacts(), CHANGE)
    assert check.status == status
    assert (check.judgement.slip if slip else None) == slip


def test_a_channel_with_nothing_before_the_change_is_said_not_judged():
    check = your_turn.check_baseline(12.0, contacts(), CHANGE, channel="email")
    assert check.status == "not attempted"  # nothing to judge, and no answer is marked wrong
    assert check.message == "There are no email contacts before the change."
