"""Continuous improvement in ISO 9001 terms: a Plan-Do-Check-Act record built from measured data.

Plan: the measured problem, its likely causes (comments and complaints) and an objective with a
target. Do: the change made. Check: the measured result against the baseline and a comparison
group. Act: the decision the check supports, and what the next cycle monitors. One cycle leads
into the next, which is what makes improvement continuous (misconception U3.M4).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from svcworkbook.learning import exercises
from svcworkbook.report import narrative
from svcworkbook.units.unit2_delivery import service_plan
from svcworkbook.units.unit3_operations.training import TrainingEffect

#: The Act decisions, from the check's result.
STANDARDISE = "standardise"  # improved, linked to the change, target met
ADJUST = "adjust and repeat"  # improved and linked, but target not yet met
RETHINK = "rethink the change"  # no improvement beyond chance or the trend
ACT_DECISIONS = (STANDARDISE, ADJUST, RETHINK)
DEFAULT_PEAKS = (0.1, 0.2, 0.4)


def act_decision(linked: bool, after: float, target: float) -> str:
    """Act: 'standardise' if the change is linked to a gain and the target is met after it;
    'adjust and repeat' if linked but the target is still missed; otherwise 'rethink the change'."""
    if not linked:
        return RETHINK
    return STANDARDISE if after >= target else ADJUST


@dataclass(frozen=True)
class PDCARecord:
    """One Plan-Do-Check-Act cycle, stage by stage, as an improvement log entry."""

    organisation: str
    measure: str
    baseline: float
    target: float
    causes: str
    change: str
    after: float
    net_change: float
    p_value: float
    linked: bool
    decision: str
    next_step: str

    def table(self) -> pd.DataFrame:
        """The cycle as a table: stage, what was done, the evidence."""
        pct = narrative.format_percent
        return pd.DataFrame(
            [
                ("Plan", self._objective(), f"Measured baseline; likely causes: {self.causes}"),
                ("Do", self.change, "Training dates recorded per agent in the staff records"),
                ("Check", f"{self.measure[:1].upper()}{self.measure[1:]} after the change: {pct(self.after)}; net change "
                 f"{self.net_change * 100:+.1f} percentage points against untrained agents",
                 f"Two-proportion z-test, {narrative.format_p(self.p_value)}"),
                ("Act", f"Decision: {self.decision}", self.next_step),
            ],
            columns=["stage", "what", "evidence"],
        )  # fmt: skip

    def _objective(self) -> str:
        """The Plan's objective: raise the measure to the target, or keep it above a target the
        baseline already meets (never 'raise 90% to 75%')."""
        pct = narrative.format_percent
        if self.baseline >= self.target:
            return (
                f"Objective: keep {self.measure} at or above the {pct(self.target)} target "
                f"(baseline {pct(self.baseline)}, already meeting it) and raise it further"
            )
        return f"Objective: raise {self.measure} from {pct(self.baseline)} to the {pct(self.target)} target"

    def sentences(self) -> list[str]:
        """The cycle in plain English, ending with what the next cycle monitors."""
        pct = narrative.format_percent
        met = "meets" if self.after >= self.target else "is still below"
        return [
            f"Plan: at {self.organisation}, {self.measure} for the agents to be trained was "
            f"{pct(self.baseline)} against a target of {pct(self.target)}; comments and complaints point to {self.causes}.",
            f"Do: {self.change}.",
            f"Check: afterwards {self.measure} was {pct(self.after)}, which {met} the target; "
            f"the net change against untrained agents over the same weeks was "
            f"{self.net_change * 100:+.1f} percentage points ({narrative.format_p(self.p_value)}).",
            f"Act: {self.decision}. {self.next_step}",
        ]


def _next_step(decision: str, measure: str) -> str:
    """What the Act stage commits to, by decision, so the next cycle starts from it."""
    if decision == STANDARDISE:
        return (f"Make the training standard for every agent, update the induction, and keep "
                f"monitoring {measure} weekly so the gain holds.")  # fmt: skip
    if decision == ADJUST:
        return (f"Keep the training, add coaching on the causes found, and run the next cycle "
                f"with {measure} checked weekly until the target is met.")  # fmt: skip
    return (f"Do not roll the training out as it is: review its content against the causes "
            f"found, then test a revised change and check {measure} again.")  # fmt: skip


def pdca_from_training(
    effect: TrainingEffect,
    target: float,
    causes: list[str],
    organisation: str,
    course: str = "the training course",
) -> PDCARecord:
    """A PDCA record where the change is staff training and the check is its before/after with
    a comparison group (training.training_effect)."""
    measure = effect.label.split(" (")[0]
    measure = measure if measure.isupper() else measure.lower()
    decision = act_decision(effect.linked, effect.trained.after, target)
    return PDCARecord(
        organisation=organisation,
        measure=measure,
        baseline=effect.trained.before,
        target=target,
        causes=narrative.join_words(causes) if causes else "no clear theme",
        change=f"{effect.agents} agents took {course} part-way through the period",
        after=effect.trained.after,
        net_change=effect.net_change,
        p_value=effect.trained.p_value,
        linked=effect.linked,
        decision=decision,
        next_step=_next_step(decision, measure),
    )


def peak_plan(
    intervals: pd.DataFrame,
    answer_within_s: float,
    service_level_target: float,
    shrinkage: float,
    peaks=DEFAULT_PEAKS,
) -> pd.DataFrame:
    """Peak contingency on the forecast week: staff needed for each demand rise (unit 2's
    service_plan.forecast_demand and peak_what_if, Erlang C to the service level target), with
    staff to roster = ceil(agents on the phones / (1 - shrinkage)) (misconception U2.M3)."""
    forecast = service_plan.forecast_demand(intervals)
    return service_plan.peak_what_if(
        forecast,
        peaks,
        answer_within_s=answer_within_s,
        target=service_level_target,
        shrinkage=shrinkage,
    )


def peak_sentences(what_if: pd.DataFrame, target: float) -> list[str]:
    """What each peak needs and the contingency trigger (service_plan.contingency_sentences)."""
    return service_plan.contingency_sentences(what_if, target)


def check_peak_staff(my_answer, what_if: pd.DataFrame, demand_change: float = 0.2,
                     edition: str = "learner"):  # fmt: skip
    """Feedback on the most staff rostered at once for a demand rise (shrinkage allowed)."""
    rows = what_if.loc[(what_if["demand_change"] - demand_change).abs() < 1e-9]
    if rows.empty:
        raise ValueError(f"the what-if has no row for demand_change={demand_change}")
    row, base = rows.iloc[0], what_if.loc[what_if["demand_change"] == 0].iloc[0]
    return exercises.check(
        my_answer,
        int(row["peak_to_roster"]),
        kind="count",
        slips={
            "that is the peak for today's forecast, not the peak": int(base["peak_to_roster"]),
            "that is agents on the phones; the rota must also cover shrinkage": int(
                row["peak_on_phones"]
            ),
        },  # fmt: skip
        hint="Take the most agents on the phones for that demand rise, divide by "
        "(1 - shrinkage) and round up.",
        edition=edition,
        name=f"Peak staff to roster with {demand_change:.0%} more calls",
    )


def check_act_decision(my_answer, record: PDCARecord, edition: str = "learner"):
    """Feedback on the Act decision the check supports."""
    others = {d: d for d in ACT_DECISIONS if d != record.decision}
    return exercises.check(
        my_answer,
        record.decision,
        kind="choice",
        slips={
            f"'{d}' does not follow from the check: compare the net change, its p-value and "
            "the target"
            if d
            else "": v
            for d, v in others.items()
        },  # fmt: skip
        hint=f"Choose one of: {', '.join(ACT_DECISIONS)}.",
        edition=edition,
        name="The Act decision",
    )


def evidence_table(dashboard_counts: dict[str, int], effect: TrainingEffect,
                   record: PDCARecord) -> pd.DataFrame:  # fmt: skip
    """What a learner can put in a portfolio from this unit's analyses, the unit 3 marking points
    each maps to, and the misconception it guards against."""
    rows = [
        (f"KPI dashboard by team and channel against targets ({dashboard_counts['green']} green, "
         f"{dashboard_counts['amber']} amber, {dashboard_counts['red']} red) with the actions "
         "agreed", "U3.MP3, U3.MP5",
         "U3.M1: direct workplace evidence of managing day-to-day operations"),
        ("Comment themes and complaint causes beside the KPIs, explaining the red results",
         "U3.MP5", "U3.M2: numbers are not the only evidence"),
        (f"Before/after training for {effect.agents} agents on FCR and CSAT, with untrained "
         f"agents as a comparison (net FCR change {effect.net_change * 100:+.1f} points)",
         "U3.MP4", "U3.M3: preparation linked to outcomes, not a list of courses"),
        ("Peak contingency plan: staff needed for 10%, 20% and 40% more calls and the trigger",
         "U3.MP2", "U3.M1: a real operational plan with staffing and contingencies"),
        (f"Improvement log entry (Plan-Do-Check-Act) ending in '{record.decision}' and the "
         "next cycle's monitoring", "U3.MP1, U3.MP5",
         "U3.M4: ongoing monitoring and adjustment, not a one-off plan"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["evidence", "marking points", "guards against"])


def headline_results(dashboard_table: pd.DataFrame, effects: dict[str, TrainingEffect],
                     what_if: pd.DataFrame, record: PDCARecord) -> dict:  # fmt: skip
    """The unit's headline figures for wb.record (plain numbers and labels)."""
    counts = dashboard_table["rag"].value_counts()
    fcr, csat = effects["first_contact_resolution"], effects["csat"]
    peak = what_if.loc[what_if["demand_change"] > 0].iloc[-1]
    return {
        "dashboard_green": int(counts.get("green", 0)),
        "dashboard_amber": int(counts.get("amber", 0)),
        "dashboard_red": int(counts.get("red", 0)),
        "trained_agents": fcr.agents,
        "fcr_trained_before": fcr.trained.before,
        "fcr_trained_after": fcr.trained.after,
        "fcr_comparison_change": fcr.comparison_change,
        "fcr_net_change": fcr.net_change,
        "fcr_p_value": fcr.trained.p_value,
        "csat_trained_before": csat.trained.before,
        "csat_trained_after": csat.trained.after,
        "csat_net_change": csat.net_change,
        "peak_demand_change": float(peak["demand_change"]),
        "peak_to_roster": int(peak["peak_to_roster"]),
        "act_decision": record.decision,
    } | (
        {}
        if fcr.agent_level is None
        else {"fcr_agent_level_p_value": float(fcr.agent_level.p_value)}
    )
