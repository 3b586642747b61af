"""Staff preparation linked to outcomes: did agents' FCR and CSAT improve after their training?

Comparing trained with untrained agents is not enough (better agents may be picked for
training), and comparing trained agents before and after is not enough either (the whole
operation may be getting better or worse over the same weeks). So the workbook uses a
difference in differences:

* trained group: each trained agent's contacts before their own ``trained_at`` against after it;
* comparison group: untrained agents' contacts over the SAME periods (before and after each
  trained agent's date, weighted by that agent's contacts), which shows the background trend;
* net change = trained group's change - comparison group's change.

CSAT is the share of survey responses scoring 4-5, each response dated by its contact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from svcworkbook.analysis import stats
from svcworkbook.errors import DataError, require_columns
from svcworkbook.learning import exercises
from svcworkbook.report import narrative

#: The outcomes compared: {name: (label, column of the outcome frame)}.
OUTCOMES = {
    "first_contact_resolution": "First contact resolution",
    "csat": "CSAT (share scoring 4-5)",
}
#: Fewest cases a trained agent needs on each side of their training date to be included, so
#: the before and after groups hold the same agents (small totals are flagged by the test).
MIN_SIDE = 1


def outcome_rows(
    outcome: str, contacts: pd.DataFrame, surveys: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per case: agent_id, date (the contact's opened_at) and success (True/False).

    FCR: answered contacts, success = resolved_first_contact. CSAT: survey responses with a
    score, success = csat >= 4, agent and date from the surveyed contact.
    """
    require_columns(contacts, ["contact_id", "agent_id", "opened_at", "abandoned"], "contacts")
    if outcome == "first_contact_resolution":
        require_columns(contacts, ["resolved_first_contact"], "contacts")
        answered = contacts.loc[~contacts["abandoned"].astype(bool)]
        return pd.DataFrame(
            {
                "agent_id": answered["agent_id"].to_numpy(),
                "date": answered["opened_at"].to_numpy(),
                "success": answered["resolved_first_contact"].astype(bool).to_numpy(),
            }
        )
    if outcome == "csat":
        if surveys is None:
            raise ValueError("CSAT needs the surveys dataset: pass surveys=")
        require_columns(surveys, ["contact_id", "csat"], "surveys")
        scored = surveys.loc[surveys["csat"].notna(), ["contact_id", "csat"]]
        joined = scored.merge(
            contacts[["contact_id", "agent_id", "opened_at"]], on="contact_id", how="inner"
        )
        return pd.DataFrame(
            {
                "agent_id": joined["agent_id"].to_numpy(),
                "date": joined["opened_at"].to_numpy(),
                "success": (joined["csat"].astype(float) >= 4).to_numpy(),
            }
        )
    raise ValueError(f"outcome must be one of {list(OUTCOMES)}, not {outcome!r}")


def trained_in_period(staff: pd.DataFrame, rows: pd.DataFrame, min_side: int = MIN_SIDE):
    """Training dates of agents trained inside the data with at least min_side cases before and
    after their date: a Series agent_id -> trained_at."""
    require_columns(staff, ["agent_id", "trained_at"], "staff")
    dates = staff.dropna(subset=["trained_at"]).set_index("agent_id")["trained_at"]
    keep = {}
    for agent, when in dates.items():
        mine = rows.loc[rows["agent_id"] == agent, "date"]
        if (mine < when).sum() >= min_side and (mine >= when).sum() >= min_side:
            keep[agent] = when
    return pd.Series(keep, dtype="datetime64[ns]", name="trained_at")


def untrained_agents(staff: pd.DataFrame) -> set:
    """Agents with no training date in the period: the comparison group."""
    return set(staff.loc[staff["trained_at"].isna(), "agent_id"])


def agent_before_after(rows: pd.DataFrame, trained: pd.Series, comparison: set) -> pd.DataFrame:
    """Per trained agent: successes and cases before and after their training date, and the
    comparison group's successes and cases over the same two periods."""
    comp = rows.loc[rows["agent_id"].isin(comparison)]
    records = []
    for agent, when in trained.items():
        mine = rows.loc[rows["agent_id"] == agent]
        before, after = mine["date"] < when, mine["date"] >= when
        c_before, c_after = comp["date"] < when, comp["date"] >= when
        records.append(
            {
                "agent_id": agent,
                "trained_at": when,
                "successes_before": int(mine.loc[before, "success"].sum()),
                "n_before": int(before.sum()),
                "successes_after": int(mine.loc[after, "success"].sum()),
                "n_after": int(after.sum()),
                "comparison_successes_before": int(comp.loc[c_before, "success"].sum()),
                "comparison_n_before": int(c_before.sum()),
                "comparison_successes_after": int(comp.loc[c_after, "success"].sum()),
                "comparison_n_after": int(c_after.sum()),
            }
        )
    table = pd.DataFrame(records)
    if table.empty:
        return table
    with np.errstate(invalid="ignore", divide="ignore"):
        table["before"] = table["successes_before"] / table["n_before"]
        table["after"] = table["successes_after"] / table["n_after"]
        table["change"] = table["after"] - table["before"]
        table["comparison_before"] = (
            table["comparison_successes_before"] / table["comparison_n_before"]
        )
        table["comparison_after"] = (
            table["comparison_successes_after"] / table["comparison_n_after"]
        )
        table["comparison_change"] = table["comparison_after"] - table["comparison_before"]
    table["net_change"] = table["change"] - table["comparison_change"]
    return table


def weighted(values: pd.Series, weights: pd.Series) -> float:
    """Weighted mean = sum(w x v) / sum(w) over rows with a value."""
    has = values.notna() & (weights > 0)
    if not has.any():
        return float("nan")
    return float((values[has] * weights[has]).sum() / weights[has].sum())


@dataclass(frozen=True)
class TrainingEffect:
    """Before/after training for one outcome: trained group, comparison group, net change."""

    outcome: str
    label: str
    agents: int
    trained: stats.Comparison  # trained agents' cases before vs after their own training date
    comparison_before: float  # untrained agents over the same periods (weighted like the trained)
    comparison_after: float
    per_agent: pd.DataFrame
    #: agent by agent: each trained agent's change against the untrained agents' change over
    #: the same weeks, tested with the Wilcoxon signed-rank test (None with fewer than 2 agents)
    agent_level: stats.Comparison | None = None

    @property
    def comparison_change(self) -> float:
        """The background trend: comparison after - comparison before."""
        return self.comparison_after - self.comparison_before

    @property
    def net_change(self) -> float:
        """Difference in differences = trained change - comparison change."""
        return self.trained.difference - self.comparison_change

    @property
    def agents_improved(self) -> int:
        """Trained agents whose own change beat the comparison group's over their periods."""
        return int((self.per_agent["net_change"] > 0).sum()) if len(self.per_agent) else 0

    @property
    def linked(self) -> bool:
        """True when the trained group improved significantly, by more than the trend, and the
        agent-level test agrees: contacts of one agent are alike, so the contact-level test alone
        overstates the evidence (issue 17, finding 13)."""
        agents_agree = self.agent_level is None or (
            self.agent_level.significant and self.agent_level.difference > 0
        )
        return bool(
            self.trained.significant
            and self.trained.difference > 0
            and self.net_change > 0
            and agents_agree
        )


def training_effect(
    outcome: str,
    contacts: pd.DataFrame,
    staff: pd.DataFrame,
    surveys: pd.DataFrame | None = None,
    min_side: int = MIN_SIDE,
) -> TrainingEffect:
    """The trained group's before/after (pooled counts, compare_proportions) and the comparison
    group's rates over the same periods, each weighted by the trained agents' cases:
    comparison_before = sum(n_before_i x rate_i) / sum(n_before_i), likewise after."""
    rows = outcome_rows(outcome, contacts, surveys)
    trained = trained_in_period(staff, rows, min_side)
    if trained.empty:
        raise DataError(
            f"staff: no agent was trained inside the data's dates with at least {min_side} "
            f"{OUTCOMES[outcome]} cases before and after training (column 'trained_at'); a "
            "before/after needs a longer period or more data per agent"
        )
    comparison = untrained_agents(staff) & set(rows["agent_id"].dropna())
    if not comparison:
        raise DataError("staff: every agent was trained, so there is no comparison group")
    per_agent = agent_before_after(rows, trained, comparison)
    result = stats.compare_proportions(
        int(per_agent["successes_before"].sum()),
        int(per_agent["n_before"].sum()),
        int(per_agent["successes_after"].sum()),
        int(per_agent["n_after"].sum()),
        measure=OUTCOMES[outcome],
    )
    return TrainingEffect(
        outcome=outcome,
        label=OUTCOMES[outcome],
        agents=len(per_agent),
        trained=result,
        comparison_before=weighted(per_agent["comparison_before"], per_agent["n_before"]),
        comparison_after=weighted(per_agent["comparison_after"], per_agent["n_after"]),
        per_agent=per_agent,
        agent_level=agent_level_test(per_agent, OUTCOMES[outcome]),
    )


def agent_level_test(per_agent: pd.DataFrame, label: str) -> stats.Comparison | None:
    """Each trained agent counted once: their own change (after - before) paired with the
    untrained agents' change over the same weeks, by the Wilcoxon signed-rank test
    (stats.compare_paired_values); the difference is the mean net change per agent. None with
    fewer than 2 agents that have both changes."""
    usable = per_agent[["comparison_change", "change"]].dropna()
    if len(usable) < 2:
        return None
    return stats.compare_paired_values(
        usable["comparison_change"], usable["change"], statistic="mean",
        measure=f"{label}: change per trained agent against untrained agents",
    )  # fmt: skip


def effect_table(effects: list[TrainingEffect]) -> pd.DataFrame:
    """One row per outcome: trained before/after, p-value (as text), comparison before/after, net
    change."""
    return pd.DataFrame(
        [
            {
                "outcome": e.label,
                "trained agents": e.agents,
                "trained before": e.trained.before,
                "trained after": e.trained.after,
                "trained change": e.trained.difference,
                "p-value": narrative.format_p(e.trained.p_value),
                "comparison before": e.comparison_before,
                "comparison after": e.comparison_after,
                "comparison change": e.comparison_change,
                "net change": e.net_change,
            }
            for e in effects
        ]
    )


def agent_table(effect: TrainingEffect, staff: pd.DataFrame) -> pd.DataFrame:
    """Per trained agent: team, course, coaching sessions, competency, before, after, net change."""
    info = staff.set_index("agent_id")
    table = effect.per_agent[["agent_id", "trained_at", "n_before", "before", "n_after", "after",
                              "net_change"]].copy()  # fmt: skip
    for column in ("team", "training_course", "coaching_sessions", "competency_score"):
        if column in info.columns:
            table[column] = table["agent_id"].map(info[column])
    return table.sort_values("net_change", ascending=False, ignore_index=True)


def training_sentences(effect: TrainingEffect, organisation: str) -> list[str]:
    """Plain English: the trained group's change with its test, the trend, the net change and
    whether the link to training is supported."""
    c = effect.trained
    trend = f"{effect.comparison_change * 100:+.1f} percentage points"
    net = f"{effect.net_change * 100:+.1f} percentage points"
    what = effect.label.split(" (")[0]
    what = what if what.isupper() else what.lower()
    sentences = [
        narrative.comparison_sentence(c),
        f"Over the same weeks untrained agents at {organisation} changed by {trend} "
        f"({narrative.format_percent(effect.comparison_before)} to "
        f"{narrative.format_percent(effect.comparison_after)}), so the change linked to "
        f"training is about {net} (the difference in differences); {effect.agents_improved} of "
        f"{effect.agents} trained agents beat that trend.",
    ]
    agents = effect.agent_level
    if agents is not None:
        sentences.append(
            f"Counted agent by agent, so that each of the {agents.n_before} trained agents counts "
            "once (one agent's contacts tend to go the same way), the net change averages "
            f"{agents.difference * 100:+.1f} percentage points per agent ({agents.test}, "
            f"{narrative.format_p(agents.p_value)})."
        )
    if effect.linked:
        sentences.append(
            f"This links the training to better {what}: the trained "
            "agents improved by more than chance or the general trend would explain."
        )
    else:
        sentences.append(
            f"This does not yet show that the training improved {what}: "
            "the change is within what chance or the general trend would explain, so keep "
            "measuring before claiming it."
        )
    return sentences


NET_CHANGE = exercises.define(
    "U3.E3", 3, "net change in FCR linked to training, phone contacts only", "points",
    decimals=2,
    hint="Keep only the phone contacts, then net change = (trained after - trained before) - "
    "(untrained after - untrained before), in percentage points.",
    slips={
        "all channels": "that is the net change for all channels, as in the table above; the "
        "question asks about phone contacts only",
        "trained change": "that is the trained agents' own change: subtract the untrained "
        "agents' change over the same weeks",
        "comparison change": "that is the untrained agents' change; the net change is the "
        "trained agents' change minus it",
    },
)  # fmt: skip


def check_net_change(my_answer, contacts: pd.DataFrame, staff: pd.DataFrame, channel="phone"):
    """Exercise U3.E3: the net change in FCR linked to training (difference in differences) on
    one channel's contacts; slips: all channels, either group's own change."""
    try:
        effect = training_effect(
            "first_contact_resolution", contacts.loc[contacts["channel"] == channel], staff
        )
    except DataError as error:
        return exercises.unavailable("U3.E3", f"This data cannot support it: {error}")
    everything = training_effect("first_contact_resolution", contacts, staff)
    slips = {
        "all channels": everything.net_change,
        "trained change": effect.trained.difference,
        "comparison change": effect.comparison_change,
    }
    return exercises.check(NET_CHANGE, my_answer, effect.net_change, slips)


def training_chart(effects: list[TrainingEffect], ax=None):
    """Bars per outcome: trained agents before and after their training, and untrained agents
    over the same periods, so the trend is visible beside the change. Returns the Axes."""
    import matplotlib.pyplot as plt

    from svcworkbook.report.style import COLOURS, percent_axis

    ax = ax or plt.subplots(figsize=(8, 4))[1]
    width = 0.2
    bars = (
        ("Trained: before", "before", COLOURS["before"], "trained"),
        ("Trained: after", "after", COLOURS["after"], "trained"),
        ("Untrained: before", "before", COLOURS["before"], "comparison"),
        ("Untrained: after", "after", COLOURS["after"], "comparison"),
    )
    for k, (label, side, colour, group) in enumerate(bars):
        values = [
            getattr(e.trained, side) if group == "trained" else getattr(e, f"comparison_{side}")
            for e in effects
        ]
        positions = [i + (k - 1.5) * width for i in range(len(effects))]
        ax.bar(positions, values, width, label=label, color=colour,
               hatch="//" if group == "comparison" else None, edgecolor="white")  # fmt: skip
        for x, v in zip(positions, values, strict=True):
            ax.text(x, v, f"{v * 100:.0f}%", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(effects)), [e.label for e in effects])
    percent_axis(ax)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("Share of cases")
    ax.set_title("Before and after training: trained agents and untrained agents, same weeks")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4, fontsize=8, frameon=False)
    return ax
