"""Training linked to outcomes: difference in differences worked by hand on small frames."""

from __future__ import annotations

import pandas as pd
import pytest

from svcworkbook.analysis import stats
from svcworkbook.errors import DataError
from svcworkbook.units.unit3_operations import training

START = pd.Timestamp("2026-01-05 09:00")
TRAINED_AT = pd.Timestamp("2026-01-15 09:00")


def contacts_for(spec: dict[str, tuple[int, int, int, int]]) -> pd.DataFrame:
    """Contacts per agent: (resolved before, n before, resolved after, n after); before = days
    1-9, after = days 11-19 (TRAINED_AT is day 10)."""
    rows = []
    for agent, (x1, n1, x2, n2) in spec.items():
        for x, n, day0 in ((x1, n1, 0), (x2, n2, 11)):
            for i in range(n):
                rows.append(
                    {
                        "contact_id": f"C{len(rows):07d}",
                        "agent_id": agent,
                        "opened_at": START + pd.Timedelta(days=day0 + i % 9, minutes=i),
                        "abandoned": False,
                        "resolved_first_contact": i < x,
                    }
                )
    # an abandoned call never counts
    rows.append({"contact_id": "C9999999", "agent_id": None, "opened_at": START,
                 "abandoned": True, "resolved_first_contact": False})  # fmt: skip
    return pd.DataFrame(rows)


def staff_for(trained: dict[str, pd.Timestamp | None]) -> pd.DataFrame:
    """Staff records with training dates (None = not trained)."""
    return pd.DataFrame(
        {
            "agent_id": list(trained),
            "team": "billing",
            "trained_at": pd.to_datetime(list(trained.values())),
            "training_course": ["FCR toolkit" if d is not None else None for d in trained.values()],
            "coaching_sessions": 1,
            "competency_score": 70.0,
        }
    )


def test_difference_in_differences_by_hand():
    # trained A: 10/20 -> 15/20; trained B: 12/20 -> 14/20; untrained C: 12/20 -> 14/20
    contacts = contacts_for({"A": (10, 20, 15, 20), "B": (12, 20, 14, 20), "C": (12, 20, 14, 20)})
    staff = staff_for({"A": TRAINED_AT, "B": TRAINED_AT, "C": None})
    effect = training.training_effect("first_contact_resolution", contacts, staff)
    assert effect.agents == 2
    assert effect.trained.before == pytest.approx(22 / 40)
    assert effect.trained.after == pytest.approx(29 / 40)
    assert effect.comparison_before == pytest.approx(12 / 20)
    assert effect.comparison_after == pytest.approx(14 / 20)
    assert effect.net_change == pytest.approx((29 / 40 - 22 / 40) - (14 / 20 - 12 / 20))
    expected = stats.compare_proportions(22, 40, 29, 40)
    assert effect.trained.p_value == pytest.approx(expected.p_value)
    per_agent = effect.per_agent.set_index("agent_id")
    assert per_agent.loc["A", "net_change"] == pytest.approx(0.25 - 0.10)
    assert per_agent.loc["B", "net_change"] == pytest.approx(0.0)
    assert effect.agents_improved == 1


def test_comparison_is_weighted_by_each_trained_agents_cases():
    # two training dates: the comparison group's rates differ by window
    contacts = contacts_for({"A": (10, 20, 10, 20), "C": (5, 20, 15, 20)})
    late = TRAINED_AT + pd.Timedelta(days=5)  # day 15: C's window split differs
    extra = [{"contact_id": f"B{i:06d}", "agent_id": "B", "abandoned": False,
              "opened_at": START + pd.Timedelta(days=i % 19, hours=1),
              "resolved_first_contact": i % 2 == 0} for i in range(60)]  # fmt: skip
    contacts = pd.concat([contacts, pd.DataFrame(extra)], ignore_index=True)
    staff = staff_for({"A": TRAINED_AT, "B": late, "C": None})
    effect = training.training_effect("first_contact_resolution", contacts, staff)
    table = effect.per_agent.set_index("agent_id")
    comp = contacts.loc[contacts["agent_id"] == "C"]
    for agent, when in (("A", TRAINED_AT), ("B", late)):
        before = comp.loc[comp["opened_at"] < when, "resolved_first_contact"]
        assert table.loc[agent, "comparison_before"] == pytest.approx(before.mean())
    weights = table["n_before"]
    assert effect.comparison_before == pytest.approx(
        (table["comparison_before"] * weights).sum() / weights.sum()
    )


def test_csat_uses_responses_dated_by_their_contact():
    contacts = contacts_for({"A": (0, 20, 0, 20), "C": (0, 20, 0, 20)})
    answered = contacts.loc[~contacts["abandoned"]].reset_index(drop=True)
    # A: before 10 of 20 score 4-5, after 18 of 20; C: 10 of 20 both sides
    csat = []
    counters: dict = {}
    for agent, after in zip(answered["agent_id"], answered["opened_at"] >= TRAINED_AT, strict=True):
        k = counters.get((agent, after), 0)
        counters[(agent, after)] = k + 1
        good = k < (18 if (agent == "A" and after) else 10)
        csat.append(5 if good else 2)
    surveys = pd.DataFrame({"survey_id": range(len(answered)),
                            "contact_id": answered["contact_id"], "csat": csat})  # fmt: skip
    staff = staff_for({"A": TRAINED_AT, "C": None})
    effect = training.training_effect("csat", contacts, staff, surveys)
    assert effect.trained.before == pytest.approx(0.5)
    assert effect.trained.after == pytest.approx(0.9)
    assert effect.comparison_change == pytest.approx(0.0)
    assert effect.net_change == pytest.approx(0.4)
    assert effect.linked
    text = " ".join(training.training_sentences(effect, "Acme"))
    assert "Acme" in text and "links the training to better CSAT" in text


def test_no_training_in_period_or_no_comparison_is_a_clear_error():
    contacts = contacts_for({"A": (10, 20, 10, 20), "C": (10, 20, 10, 20)})
    with pytest.raises(DataError, match="no agent was trained"):
        training.training_effect("first_contact_resolution", contacts, staff_for({"A": None}))
    with pytest.raises(DataError, match="no comparison group"):
        training.training_effect(
            "first_contact_resolution", contacts, staff_for({"A": TRAINED_AT, "C": TRAINED_AT})
        )
    with pytest.raises(ValueError, match="outcome must be"):
        training.outcome_rows("aht", contacts)


def test_tables_and_exercise_check():
    contacts = contacts_for({"A": (10, 20, 15, 20), "C": (12, 20, 14, 20)})
    staff = staff_for({"A": TRAINED_AT, "C": None})
    effect = training.training_effect("first_contact_resolution", contacts, staff)
    table = training.effect_table([effect])
    assert table.loc[0, "net change"] == pytest.approx(0.25 - 0.10)
    agents = training.agent_table(effect, staff)
    assert list(agents["agent_id"]) == ["A"] and agents.loc[0, "training_course"] == "FCR toolkit"
    # the exercise asks about phone contacts: A +25 points, C +10 -> net +15 on the phone;
    # on email neither changes, so all channels: A 50% -> 62.5%, C 55% -> 60%: net +7.5
    phone = contacts.assign(channel="phone")
    email = contacts_for({"A": (10, 20, 10, 20), "C": (11, 20, 11, 20)}).assign(
        channel="email", contact_id=lambda f: "E" + f["contact_id"]
    )
    both = pd.concat([phone, email], ignore_index=True)
    check = training.check_net_change
    assert check(15, both, staff).status == "right" and check("+15.0", both, staff).right
    assert check(0.15, both, staff).judgement.slip == "fraction"
    assert check(7.5, both, staff).judgement.slip == "all channels"
    own = check(25, both, staff)
    assert own.judgement.slip == "trained change" and "untrained" in own.message
    assert check(10, both, staff).judgement.slip == "comparison change"


def test_chart_bars_are_the_four_rates():
    import matplotlib

    matplotlib.use("Agg")
    contacts = contacts_for({"A": (10, 20, 15, 20), "C": (12, 20, 14, 20)})
    effect = training.training_effect(
        "first_contact_resolution", contacts, staff_for({"A": TRAINED_AT, "C": None})
    )
    ax = training.training_chart([effect])
    heights = [round(p.get_height(), 6) for p in ax.patches]
    assert heights == [0.5, 0.75, 0.6, 0.7]


def test_the_agent_level_test_counts_each_agent_once():
    """Finding 13: one agent's big gain can make the pooled contact-level test significant while
    the others did not change; counted agent by agent (Wilcoxon signed-rank on each agent's change
    against the untrained agents') it is not, so the link to training is not claimed."""
    spec = {"A": (10, 100, 90, 100), "B": (50, 100, 50, 100), "D": (50, 100, 50, 100),
            "C": (50, 100, 50, 100)}  # fmt: skip
    staff = staff_for({"A": TRAINED_AT, "B": TRAINED_AT, "D": TRAINED_AT, "C": None})
    effect = training.training_effect("first_contact_resolution", contacts_for(spec), staff)
    assert effect.trained.significant  # 110/300 -> 190/300 pooled over contacts
    agents = effect.agent_level
    assert agents.n_before == 3 and agents.difference == pytest.approx(0.8 / 3)
    assert agents.p_value == pytest.approx(1.0)  # two zero changes dropped, one left
    assert not effect.linked
    said = " ".join(training.training_sentences(effect, "Acme"))
    assert "Counted agent by agent" in said and "each of the 3 trained agents" in said
    # six agents who each beat the trend: exact Wilcoxon p = 2 / 2^6
    spec = {a: (40, 100, 50 + 3 * i, 100) for i, a in enumerate("ABDEFG")} | {
        "C": (50, 100, 50, 100)
    }
    staff = staff_for({**{a: TRAINED_AT for a in "ABDEFG"}, "C": None})
    effect = training.training_effect("first_contact_resolution", contacts_for(spec), staff)
    assert effect.agent_level.p_value == pytest.approx(2 / 2**6)
    assert effect.linked
