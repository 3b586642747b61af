"""Continuous improvement in ISO 9001 terms: a Plan-Do-Check-Act record built from measured data.

Plan: the measured problem, its likely causes (comments and complaints) and an objective with a
target. Do: the change made. Check: the measured result against the baseline and a comparison
group. Act: the decision the check supports, and what the next cycle monitors. One cycle leads
into the next, which is what makes improvement continuous (misconception U3.M4).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from svcworkbook.learning import exercises, reasons
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

    def table(self, withhold_decision: bool = False) -> pd.DataFrame:
        """The cycle as a table: stage, what was done, the evidence (the Act decision left for
        the learner when ``withhold_decision``: exercise U3.E5)."""
        pct = narrative.format_percent
        act = (("Act", "Decision: yours to make (Your turn below)", "")
               if withhold_decision else ("Act", f"Decision: {self.decision}", self.next_step))  # fmt: skip
        return pd.DataFrame(
            [
                ("Plan", self._objective(), f"Measured baseline; likely causes: {self.causes}"),
                ("Do", self.change, "Training dates recorded per agent in the staff records"),
                ("Check", f"{self.measure[:1].upper()}{self.measure[1:]} after the change: {pct(self.after)}; net change "
                 f"{self.net_change * 100:+.1f} percentage points against untrained agents",
                 f"Two-proportion z-test, {narrative.format_p(self.p_value)}"),
                act,
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

    def sentences(self, withhold_decision: bool = False) -> list[str]:
        """The cycle in plain English, ending with what the next cycle monitors (or, when
        ``withhold_decision``, with the decision left for the learner)."""
        pct = narrative.format_percent
        met = "meets" if self.after >= self.target else "is still below"
        return [
            f"Plan: at {self.organisation}, {self.measure} for the agents to be trained was "
            f"{pct(self.baseline)} against a target of {pct(self.target)}; comments and complaints point to {self.causes}.",
            f"Do: {self.change}.",
            f"Check: afterwards {self.measure} was {pct(self.after)}, which {met} the target; "
            f"the net change against untrained agents over the same weeks was "
            f"{self.net_change * 100:+.1f} percentage points ({narrative.format_p(self.p_value)}).",
            "Act: the decision is yours to make in the exercise below."
            if withhold_decision
            else f"Act: {self.decision}. {self.next_step}",
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


EXTRA_HOURS = exercises.define(
    "U3.E4", 3, "extra rota hours for a 30% rise in calls", "number", decimals=1, noun="hours",
    hint="Run the peak what-if for a 30% rise yourself and read the extra rota hours.",
    slips={
        "in between": "you took the middle of the 20% and 40% rows; Erlang C is not a straight "
        "line, so work the 30% rise out",
        "total hours": "that is all the rota hours for the week; the question asks for the extra "
        "hours on top of the plan",
        "20% row": "that is the 20% row of the table above; the question asks about a 30% rise",
    },
)  # fmt: skip


def check_extra_hours(my_answer, intervals: pd.DataFrame, answer_within_s: float,
                      service_level_target: float, shrinkage: float, shown: pd.DataFrame,
                      rise: float = 0.3):  # fmt: skip
    """Exercise U3.E4: extra rota hours for a demand rise the table does not show (peak_plan
    with peaks=(rise,)); slips: the middle of the rows either side, the week's total, 20%."""
    row = peak_plan(intervals, answer_within_s, service_level_target, shrinkage, peaks=(rise,))
    row = row.loc[(row["demand_change"] - rise).abs() < 1e-9].iloc[0]
    extra = shown.set_index(shown["demand_change"].round(2))["extra_roster_hours"]
    slips = {
        "in between": (extra[0.2] + extra[0.4]) / 2 if {0.2, 0.4} <= set(extra.index) else None,
        "total hours": float(row["roster_hours"]),
        "20% row": float(extra[0.2]) if 0.2 in extra.index else None,
    }
    return exercises.check(EXTRA_HOURS, my_answer, float(row["extra_roster_hours"]), slips)


ACT = exercises.define(
    "U3.E5", 3, "the Act decision", "choice", options=ACT_DECISIONS,
    giveaway=("Decision:", "Act:"),
    reason="whether the gain is linked to the change (beyond chance and the comparison "
    "group's trend) and whether the target is met, or the FCR after the change",
    hint="Is the change linked to a real gain (beyond chance and the untrained agents' trend), "
    "and is the target met after it? Both: standardise; linked but short of target: adjust and "
    "repeat; not linked: rethink the change.",
    slips={
        "target ignored": "the gain is linked to the training, but check whether the target is "
        "now met",
        "link ignored": "look again at whether the gain is more than chance or the general trend",
    },
)  # fmt: skip


def check_act_decision(my_answer, record: PDCARecord, reason=None):
    """Exercise U3.E5: the Act decision the check supports (the record's text withholds it)."""
    if record.linked:
        other = STANDARDISE if record.decision == ADJUST else ADJUST
        slips = {"target ignored": other}
    else:
        slips = {"link ignored": ADJUST if record.after < record.target else STANDARDISE}
    reveal = f"Act: {record.decision}. {record.next_step}"
    because = reasons.Because(shares=(record.after,), words=(LINK_WORDS, ("target",)))
    return exercises.check(
        ACT, my_answer, record.decision, slips, reveal=reveal, reason=reason, because=because
    )


#: Words by which a reason for the Act decision says whether the gain is linked to the change.
LINK_WORDS = ("linked", "link", "chance", "trend", "untrained", "comparison", "significant",
              "p-value", "p value")  # fmt: skip


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
