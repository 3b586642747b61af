"""Recommendations: each rule fires on the evidence it names and only then; the evidence table
and the headline results."""

from __future__ import annotations

import math

import pandas as pd

from svcworkbook.analysis import stats
from svcworkbook.units.unit4_review import recommendations as rc
from svcworkbook.units.unit4_review.measurement_plan import ReviewWindow

WINDOW = ReviewWindow(
    pd.Timestamp("2026-01-05"), pd.Timestamp("2026-02-02"), pd.Timestamp("2026-03-30")
)
CAUSES = stats.pareto(["billing error"] * 6 + ["late delivery"] * 3 + ["rude staff"])


def plan_frame(met: dict[str, bool]) -> pd.DataFrame:
    """A measurement plan with the given measures met or missed (values made up to match)."""
    units = {"csat": "%", "survey_response_rate": "%", "mystery_shop_met": "%",
             "complaint_resolution_time": "days"}  # fmt: skip
    return pd.DataFrame(
        [
            {
                "measure": name,
                "label": name.replace("_", " "),
                "unit": units[name],
                "baseline": 0.7 if units[name] == "%" else 10.0,
                "target": 0.8 if units[name] == "%" else 14.0,
                "result": (0.85 if ok else 0.75) if units[name] == "%" else (9.0 if ok else 20.0),
                "met": ok,
            }
            for name, ok in met.items()
        ]
    )


def standards_frame(weakest_share: float) -> pd.DataFrame:
    """A standard_scores table with the weakest at the given share of the maximum."""
    return pd.DataFrame(
        {
            "standard": ["needs_identified", "greeting"],
            "label": ["Needs identified", "Greeting"],
            "mean_score": [weakest_share * 4, 3.9],
            "share_of_maximum": [weakest_share, 0.975],
            "full_marks_share": [0.25, 0.9],
        }
    )


def rates_frame(lowest: float) -> pd.DataFrame:
    """A response_rates table (lowest first)."""
    return pd.DataFrame(
        {
            "method": ["email", "ivr"],
            "sent": [200, 100],
            "responses": [int(lowest * 200), 40],
            "response_rate": [lowest, 0.4],
        }  # fmt: skip
    )


def triangulation_frame(verdicts: dict[str, str]) -> pd.DataFrame:
    """A triangulation table with the given verdicts."""
    return pd.DataFrame(
        {
            "theme": list(verdicts),
            "mentions": [20] * len(verdicts),
            "low_score_share": [0.3] * len(verdicts),
            "complaints": list(range(len(verdicts), 0, -1)),
            "share_of_complaints": [0.2] * len(verdicts),
            "verdict": list(verdicts.values()),
        }
    )


ALL_MET = {"csat": True, "survey_response_rate": True, "mystery_shop_met": True,
           "complaint_resolution_time": True}  # fmt: skip


def test_only_the_root_cause_rule_fires_when_all_is_well():
    table = rc.recommendations(
        plan_frame(ALL_MET), CAUSES, triangulation_frame({"delivery": "complaints only"}),
        standards_frame(0.85), rates_frame(0.35), 0.3, 0.1, WINDOW,
    )  # fmt: skip
    assert table["priority"].tolist() == [1]
    row = table.iloc[0]
    assert row["finding"] == "billing error is the largest complaint root cause"
    # 2 of the 3 causes reach 80%: more than half, so no clear vital few (narrative's rule)
    assert row["evidence"].startswith("6 of 10 complaints, 60.0%; no clear vital few (2 of 3")
    clear = stats.pareto(["billing error"] * 20 + ["late delivery", "rude staff", "lost", "other"])
    assert rc.root_cause_recommendation(clear, WINDOW)["evidence"].endswith(
        "vital few: billing error"
    )
    assert row["by"] == "11 May 2026"  # six weeks after the review ends on 29 Mar
    assert list(table.columns) == rc.COLUMNS


def test_every_rule_fires_on_its_evidence_in_priority_order():
    plan = plan_frame({**ALL_MET, "csat": False, "survey_response_rate": False,
                       "mystery_shop_met": False, "complaint_resolution_time": False})  # fmt: skip
    tri = triangulation_frame(
        {
            "communication": "both sources",
            "delivery": "both sources",
            "waiting time": "both sources",
            "resolution": "survey comments only",
        }  # fmt: skip
    )
    table = rc.recommendations(
        plan, CAUSES, tri, standards_frame(0.6), rates_frame(0.2), 0.3, 0.25, WINDOW
    )
    findings = table["finding"].tolist()
    assert findings[0].startswith("billing error")
    # two themes at most, the one with more complaints first
    assert findings[1:3] == [
        "communication is a problem in both survey comments and complaints",
        "delivery is a problem in both survey comments and complaints",
    ]
    assert findings[3] == "needs identified is the weakest mystery-shop standard"
    assert "identifying the customer's needs" in table["action"].iloc[3]
    assert findings[4] == "the email survey has the lowest response rate"
    assert "20.0% of 200 surveys sent answered" in table["evidence"].iloc[4]
    # response rate and mystery shops are covered by rules 3 and 4; CSAT and complaints remain
    assert findings[5:7] == [
        "csat missed its target",
        "complaint resolution time missed its target",
    ]
    assert table["evidence"].iloc[6].startswith("20.0 days over the review period")
    assert findings[7] == "many satisfied customers did not buy again"
    assert table["priority"].tolist() == list(range(1, 9))
    sentences = rc.recommendation_sentences(table, "Acme")
    assert sentences[0].startswith("1. Billing error is the largest complaint root cause: 6 of")
    assert len(sentences) == 8


def test_thresholds_are_where_the_rules_say():
    assert rc.standard_recommendation(standards_frame(0.8), WINDOW) is None
    assert rc.standard_recommendation(standards_frame(0.79), WINDOW) is not None
    assert rc.response_recommendation(rates_frame(0.3), 0.3, WINDOW) is None
    assert rc.response_recommendation(rates_frame(0.29), 0.3, WINDOW) is not None
    assert rc.loyalty_recommendation(0.19, WINDOW) is None
    assert rc.loyalty_recommendation(0.2, WINDOW) is not None
    assert rc.loyalty_recommendation(math.nan, WINDOW) is None
    # a missed mystery-shop objective with no standard below the pass mark gets its own action
    plan = plan_frame({**ALL_MET, "mystery_shop_met": False})
    found = rc.objective_recommendations(plan, set(), WINDOW)
    assert [r["finding"] for r in found] == ["mystery shop met missed its target"]
    assert rc.objective_recommendations(plan, {"mystery_shop_met"}, WINDOW) == []


def test_no_recommendation_is_said_plainly():
    empty = pd.DataFrame(columns=rc.COLUMNS)
    assert "no rule found a problem" in rc.recommendation_sentences(empty, "Acme")[0]


def test_evidence_table_maps_every_marking_point():
    plan = plan_frame(ALL_MET)
    methods = pd.DataFrame({"method": ["Post-contact survey", "Mystery shopping"]})
    tri = triangulation_frame({"communication": "both sources"})
    table = rc.recommendations(plan, CAUSES, tri, standards_frame(0.9), rates_frame(0.4), 0.3,
                               0.3, WINDOW)  # fmt: skip
    evidence = rc.evidence_table(plan, methods, CAUSES, tri, 0.3, table)
    points = {p.strip() for cell in evidence["marking points"] for p in cell.split(",")}
    assert points == {f"U4.MP{i}" for i in range(1, 9)}
    assert (
        "4 SMART objectives" in evidence["evidence"].iloc[0]
        and "(4 met)" in evidence["evidence"].iloc[0]
    )
    assert "post-contact survey and mystery shopping" in evidence["evidence"].iloc[1]
    assert "agreeing on communication" in evidence["evidence"].iloc[3]
    assert "30.0% of satisfied customers" in evidence["evidence"].iloc[4]
    assert "3 actions" in evidence["evidence"].iloc[5]  # root cause, theme, loyalty


def test_headline_results_are_plain_values_with_nan_as_none():
    plan = plan_frame(ALL_MET)
    plan.loc[0, "baseline"] = math.nan
    tri = triangulation_frame({"communication": "both sources", "delivery": "both sources"})
    table = rc.recommendations(plan, CAUSES, tri, standards_frame(0.9), rates_frame(0.4), 0.3,
                               0.1, WINDOW)  # fmt: skip
    results = rc.headline_results(
        plan,
        {"sent": 300, "responses": 80, "response_rate": 0.8 / 3, "csat": 0.8, "nps": 30.0,
         "ces": 2.5},
        rates_frame(0.4), {"visits": 10, "met_rate": 0.7}, standards_frame(0.9), CAUSES, tri,
        None, 0.1, 0.05, table,
    )  # fmt: skip
    assert results["csat_baseline"] is None and results["csat_review"] == 0.85
    assert results["objectives_met"] == 4 and results["objectives"] == 4
    assert results["lowest_response_method"] == "email"
    assert results["top_root_cause"] == "billing error" and results["top_root_cause_share"] == 0.6
    assert results["vital_few_causes"] == 2  # 60% then 90%
    assert results["confirmed_themes"] == "communication; delivery"
    assert results["csat_trend_per_day"] is None
    assert results["recommendations"] == 3
    assert results["weakest_standard"] == "needs_identified"


def test_no_clear_vital_few_is_not_called_a_vital_few():
    """Finding 14: when it takes more than half the causes to reach 80%, the evidence says there
    is no clear vital few instead of listing 'the vital few' the sentence just denied."""
    flat = stats.pareto(["a"] * 3 + ["b"] * 3 + ["c"] * 2 + ["d"] * 2)  # 3 of 4 reach 80%
    row = rc.root_cause_recommendation(flat, WINDOW)
    assert "no clear vital few (3 of 4 causes make up 80%)" in row["evidence"]
    assert "vital few:" not in row["evidence"]
    assert "There is no clear 'vital few'" in rc.narrative.pareto_sentence(flat, "complaints")
