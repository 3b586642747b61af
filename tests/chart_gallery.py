"""Every chart the library draws for the unit notebooks, drawn as the notebooks draw it, from
one set of datasets (the samples, another seed, tiny data): for the chart layout tests and for
looking at the charts (``python tests/chart_gallery.py OUT_DIR`` writes each as a PNG)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from svcworkbook.errors import DataError

#: The notebooks' default targets.
TARGETS = {
    "csat_target": 0.8,
    "service_level_target": 0.8,
    "answer_within_s": 20,
    "short_abandon_s": 5,
    "sla_hours": 24,
    "sla_compliance_target": 0.9,
    "shrinkage": 0.3,
    "fcr_target": 0.75,
    "response_rate_target": 0.3,
    "mystery_shop_target": 0.8,
    "complaint_resolution_days": 14,
}


def _unit1(data: dict, t: dict) -> dict[str, Callable]:
    from svcworkbook.units.unit1_environment import compliance, structure, touchpoints

    def structures():
        comparison = structure.compare_structures(
            t["answer_within_s"], seed=2026, contacts=data["contacts"]
        )
        return structure.structure_chart(comparison)

    def refunds():
        complaints = compliance.pseudonymised_complaints(data["complaints"])
        return compliance.refund_chart(compliance.refund_timeliness(complaints))

    return {
        "u1_touchpoints": lambda: touchpoints.touchpoint_chart(
            touchpoints.touchpoint_scores(data["surveys"]), t["csat_target"]
        ),
        "u1_structures": structures,
        "u1_refunds": refunds,
    }


def _unit2(data: dict, t: dict) -> dict[str, Callable]:
    from svcworkbook.analysis import stats
    from svcworkbook.report import plots
    from svcworkbook.units.unit2_delivery import reliability, service_plan

    forecast = service_plan.forecast_demand(data["intervals"])
    plan = service_plan.staffing_for(
        forecast, t["answer_within_s"], t["service_level_target"], t["shrinkage"]
    )

    def curve():
        levels = service_plan.service_level_by_agents(plan, t["answer_within_s"])
        return plots.service_level_curve(
            levels["agents"], levels["service_level"], target=t["service_level_target"],
            answer_within_s=t["answer_within_s"],
            title="The busiest half hour: service level against agents",
        )  # fmt: skip

    def what_if():
        table = service_plan.peak_what_if(
            forecast, answer_within_s=t["answer_within_s"], target=t["service_level_target"],
            shrinkage=t["shrinkage"],
        )  # fmt: skip
        return service_plan.what_if_chart(table, t["service_level_target"])

    def sla_trend():
        trend = reliability.weekly_recording_trend(
            data["contacts"], t["sla_hours"], t["sla_compliance_target"]
        )
        return reliability.sla_trend_chart(trend, t["sla_hours"])

    def daily():
        return reliability.daily_service_level(
            data["contacts"], t["answer_within_s"], t["short_abandon_s"]
        )

    def control():
        chart = reliability.service_level_chart(daily())
        return plots.control_chart(
            chart, flags=stats.chart_signals(chart), unit="%", ylabel="Service level",
            xlabel="Day", title="Daily service level: XmR control chart",
        )  # fmt: skip

    def reliability_satisfaction():
        both = reliability.reliability_and_satisfaction(daily(), data["contacts"], data["surveys"])
        return reliability.reliability_satisfaction_chart(both, t["service_level_target"])

    return {
        "u2_plan": lambda: service_plan.plan_chart(plan),
        "u2_curve": curve,
        "u2_what_if": what_if,
        "u2_sla_trend": sla_trend,
        "u2_control": control,
        "u2_reliability_satisfaction": reliability_satisfaction,
    }


def _unit3(data: dict, t: dict) -> dict[str, Callable]:
    from svcworkbook.report import plots
    from svcworkbook.units.unit2_delivery import service_plan
    from svcworkbook.units.unit3_operations import dashboard, improvement_cycle, training

    def board():
        targets = dashboard.dashboard_targets(
            t["service_level_target"], t["answer_within_s"], t["fcr_target"], t["csat_target"]
        )
        table = dashboard.dashboard_table(
            data["contacts"], data["surveys"], targets, answer_within_s=t["answer_within_s"],
            short_abandon_s=t["short_abandon_s"],
        )  # fmt: skip
        return dashboard.dashboard_chart(table)

    def effects():
        return training.training_chart(
            [
                training.training_effect(o, data["contacts"], data["staff"], data["surveys"])
                for o in training.OUTCOMES
            ]
        )

    def peaks():
        table = improvement_cycle.peak_plan(
            data["intervals"], t["answer_within_s"], t["service_level_target"], t["shrinkage"]
        )
        return service_plan.what_if_chart(table, t["service_level_target"])

    return {
        "u3_dashboard": board,
        "u3_pareto": lambda: plots.pareto_chart(
            dashboard.complaint_causes(data["complaints"]),
            what="complaints",
            title="Complaints by root cause",
        ),  # fmt: skip
        "u3_training": effects,
        "u3_peaks": peaks,
    }


def _unit4(data: dict, t: dict) -> dict[str, Callable]:
    from svcworkbook.report import plots
    from svcworkbook.units.unit4_review import feedback, loyalty, measurement_plan

    window = measurement_plan.review_window(data["contacts"])
    targets = {k: t[k] for k in ("csat_target", "response_rate_target", "mystery_shop_target",
                                 "complaint_resolution_days")}  # fmt: skip

    def trends():
        table = feedback.feedback_trends(data["surveys"], data["mystery_shops"], window)
        return feedback.trend_chart(
            table, feedback.trend_targets(
                t["csat_target"], t["response_rate_target"], t["mystery_shop_target"]
            ),
        )  # fmt: skip

    def loyalty_bands():
        joined = loyalty.customer_loyalty(data["customers"], data["surveys"])
        return loyalty.loyalty_chart(loyalty.loyalty_by(joined, "csat_band"))

    return {
        "u4_plan": lambda: measurement_plan.plan_chart(
            measurement_plan.measurement_plan(data, targets, window)
        ),
        "u4_response": lambda: feedback.response_chart(
            feedback.response_rates(data["surveys"], "method", t["response_rate_target"]),
            t["response_rate_target"],
        ),
        "u4_standards": lambda: feedback.standards_chart(
            feedback.standard_scores(data["mystery_shops"])
        ),
        "u4_trends": trends,
        "u4_pareto": lambda: plots.pareto_chart(
            feedback.complaint_root_causes(data["complaints"], window),
            what="complaints",
            title="Complaints by root cause",
        ),  # fmt: skip
        "u4_triangulation": lambda: feedback.triangulation_chart(
            feedback.triangulation(data["surveys"], data["complaints"], window)
        ),
        "u4_loyalty": loyalty_bands,
    }


def _unit5(data: dict, t: dict, change) -> dict[str, Callable]:
    from svcworkbook.report import plots
    from svcworkbook.units.unit5_improvement import evaluation

    def control():
        daily = evaluation.daily_measure(
            "first_contact_resolution", data["contacts"], data["surveys"], min_count=10
        )
        chart = evaluation.shift_chart(daily, change)
        return plots.control_chart(
            chart, flags=evaluation.signals_after(chart, change), unit="%",
            ylabel="First contact resolution", title="Daily FCR against limits from the baseline",
        )  # fmt: skip

    def sustainment():
        weekly = evaluation.weekly_series(
            "first_contact_resolution", data["contacts"], data["surveys"], None, change
        )
        return evaluation.sustainment_chart(weekly, change, target=t["fcr_target"])

    return {
        "u5_before_after": lambda: evaluation.before_after_plot(
            "first_contact_resolution", data["contacts"], data["surveys"], change
        ),
        "u5_control": control,
        "u5_sustainment": sustainment,
        "u5_servqual": lambda: plots.servqual_gap_chart(
            evaluation.improvement_priorities(data["servqual"]), weighted=True
        ),
    }


def chart_makers(data: dict[str, pd.DataFrame], change=None) -> dict[str, Callable]:
    """name -> a function drawing that chart (and returning its Axes) on the given datasets;
    unit 5's charts with the change date given (the middle day of the contacts by default)."""
    t = dict(TARGETS)
    if change is None:
        opened = pd.to_datetime(data["contacts"]["opened_at"])
        change = (opened.min() + (opened.max() - opened.min()) / 2).normalize()
    return {
        **_unit1(data, t), **_unit2(data, t), **_unit3(data, t), **_unit4(data, t),
        **_unit5(data, t, change),
    }  # fmt: skip


def draw_all(data: dict[str, pd.DataFrame], change=None) -> tuple[dict[str, Figure], list[str]]:
    """Every chart drawn on the data: (name -> figure, names skipped because the data is too
    small for that chart, as the notebooks' sections say)."""
    from svcworkbook.report import style

    style.set_style()
    figures, skipped = {}, []
    for name, draw in chart_makers(data, change).items():
        before = set(plt.get_fignums())
        try:
            ax = draw()
        except DataError:
            skipped.append(name)
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            continue
        figures[name] = ax.figure
    return figures, skipped


def sample_data(scenario: str = "baseline") -> dict[str, pd.DataFrame]:
    """The eight datasets the notebooks use by default (the samples; unit 5 the improvement)."""
    from svcworkbook.teaching.session import COMMON_PARAMETERS, load_datasets

    names = ("contacts", "intervals", "surveys", "complaints", "mystery_shops", "servqual",
             "staff", "customers")  # fmt: skip
    return load_datasets({**COMMON_PARAMETERS, "scenario": scenario}, names)


if __name__ == "__main__":  # python tests/chart_gallery.py OUT_DIR: every chart as a PNG
    import matplotlib

    matplotlib.use("Agg")
    from svcworkbook.report.chart_checks import chart_problems

    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    drawn, left_out = draw_all(sample_data())
    for chart, fig in drawn.items():
        fig.savefig(out / f"{chart}.png", bbox_inches="tight", dpi=80)
        for problem in chart_problems(fig):
            print(f"{chart}: {problem}")
    print("skipped:", left_out)
