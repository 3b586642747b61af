"""Unit 4 notebook under papermill: defaults, other seeds and scenarios, an outside export,
a tiny dataset and bad data; recorded results equal the library computed on the same data."""

from __future__ import annotations

import nbformat
import pytest
from nbtools import (
    assert_ran_with,
    chart_problems,
    params_for,
    raw_values,
    run_unit,
    run_unit_failing,
    tiny_data,
    with_bad_value,
    with_targets,
    write_outside_export,
    write_plain,
)

from svcworkbook.data import generators
from svcworkbook.learning import solutions
from svcworkbook.report.contact_figures import survey_figures
from svcworkbook.teaching.session import COMMON_PARAMETERS, load_datasets
from svcworkbook.units.unit4_review import feedback, loyalty, measurement_plan, recommendations

pytestmark = pytest.mark.notebook
NAMES = ("contacts", "surveys", "complaints", "mystery_shops", "customers")
DEFAULT_TARGETS = {"csat_target": 0.8, "response_rate_target": 0.3, "mystery_shop_target": 0.8,
           "complaint_resolution_days": 14}  # fmt: skip


def expected_results(params: dict) -> dict:
    """The headline results computed directly with the library on the notebook's data."""
    targets = with_targets(params, DEFAULT_TARGETS)
    data = load_datasets({**COMMON_PARAMETERS, **params}, NAMES)
    surveys, shops, complaints = data["surveys"], data["mystery_shops"], data["complaints"]
    window = measurement_plan.review_window(data["contacts"])
    plan = measurement_plan.measurement_plan(data, targets, window)
    rates = feedback.response_rates(surveys, "method", targets["response_rate_target"])
    standards = feedback.standard_scores(shops)
    causes = feedback.complaint_root_causes(complaints, window)
    tri = feedback.triangulation(surveys, complaints, window)
    joined = loyalty.customer_loyalty(data["customers"], surveys)
    lost = loyalty.satisfied_not_retained(joined)
    recs = recommendations.recommendations(
        plan, causes, tri, standards, rates, targets["response_rate_target"], lost, window
    )
    trends = feedback.feedback_trends(surveys, shops, window)
    return {
        **recommendations.headline_results(
            plan, feedback.survey_scores(surveys), rates, feedback.mystery_shop_summary(shops),
            standards, causes, tri, feedback.trend_slope(trends, "csat"), lost,
            loyalty.loyalty_gap(loyalty.loyalty_by(joined)), recs,
        ),
        **survey_figures(surveys).record(),
    }  # fmt: skip


def assert_same(recorded: dict, expected: dict) -> None:
    """Recorded results equal the expected ones (floats to 1e-9)."""
    assert set(recorded) == set(expected)
    for key, value in expected.items():
        if isinstance(value, float):
            assert recorded[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
        else:
            assert recorded[key] == value, key


def _plain_outputs(path) -> list[str]:
    """Every output's plain text in an executed notebook (failing on any error output)."""
    texts = []
    for cell in nbformat.read(path, 4).cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output.get("evalue")
            texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return texts


def test_defaults_on_the_samples(tmp_path):
    path, results = run_unit(4, tmp_path)
    assert_same(results, expected_results({}))
    assert raw_values(path) == []  # issue 17: no nan, None, True/False, long floats, code names
    assert chart_problems(path) == []  # issue 17: even ticks, clear legends, limits
    assert results["objectives"] == 4 and results["recommendations"] >= 1
    # the samples' complaints have a Pareto pattern and satisfied customers still leave
    assert results["top_root_cause_share"] > 0.2 and results["satisfied_not_retained"] > 0.2
    plain = _plain_outputs(path)
    assert sum("Replace None with your answer" in t for t in plain) == 4  # four exercises
    # the committed notebook is a learner edition by default: its solution cells do not run
    assert sum(t == solutions.LEARNER_NOTE for t in plain) == 4
    assert not any(t.startswith("✔") for t in plain)
    assert any("Northgate Home Services met" in t for t in plain)
    assert any(t.startswith("Recommendations in brief\n- 1. ") for t in plain)


@pytest.mark.parametrize(
    "params",
    [
        {"seed": 11, "scenario": "peak_season", "mystery_shop_target": 0.9},
        {
            "seed": 23,
            "scenario": "understaffed",
            "response_rate_target": 0.25,
            "edition": "learner",
        },
    ],
    ids=["seed-11-peak-season-shop-target", "seed-23-understaffed-learner-edition"],
)
def test_other_seeds_and_scenarios(tmp_path, params):
    params = {**params, "organisation": "Riverside Energy"}
    path, results = run_unit(4, tmp_path, **params)
    assert raw_values(path) == []  # issue 17: no raw values
    assert chart_problems(path) == []  # issue 17: even ticks, clear legends, limits
    assert_same(results, expected_results(params))
    assert_ran_with(path, params)
    assert any("Riverside Energy" in t for t in _plain_outputs(path))


def test_an_outside_export_with_a_mapping(tmp_path):
    data = generators.generate_all(seed=31)
    mapping = write_outside_export(tmp_path / "export", {n: data[n] for n in NAMES})
    params = params_for(tmp_path / "export", mapping)
    path, results = run_unit(4, tmp_path, **params)
    assert raw_values(path) == []  # issue 17: an outside export shows no raw value either
    assert chart_problems(path) == []
    assert_same(results, expected_results(params))


def test_a_tiny_dataset_of_one_week_and_one_team_runs(tmp_path):
    write_plain(tmp_path / "tiny", {n: f for n, f in tiny_data().items() if n in NAMES})
    params = params_for(tmp_path / "tiny")
    path, results = run_unit(4, tmp_path, **params)
    assert raw_values(path) == []  # issue 17: nor does a tiny dataset
    assert chart_problems(path) == []
    assert_same(results, expected_results(params))
    plain = _plain_outputs(path)  # no error output anywhere
    # a week is trended by day, so the CSAT trend still has points to fit
    assert results["csat_trend_per_day"] is not None
    assert any("baseline 5 Jan 2026 to 7 Jan 2026" in t for t in plain)


def test_bad_data_stops_at_the_first_cell_naming_file_and_column(tmp_path):
    data = generators.generate_all(seed=31)
    bad = with_bad_value({n: data[n] for n in NAMES}, "mystery_shops", "greeting", 3, 7)
    write_plain(tmp_path / "bad", bad)
    err = run_unit_failing(4, tmp_path, **params_for(tmp_path / "bad"))
    assert err.ename == "DataError"
    assert "mystery_shops.csv" in err.evalue and "greeting" in err.evalue
    assert "start_unit(" in err.source
