"""Unit 2 notebook under papermill: defaults, other seeds and scenarios, an outside export, a tiny
dataset and bad data; recorded results equal the library computed directly on the same data."""

from __future__ import annotations

import math

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

from svcworkbook.analysis import kpi
from svcworkbook.data import generators
from svcworkbook.report.contact_figures import contact_figures
from svcworkbook.teaching.session import COMMON_PARAMETERS, load_datasets
from svcworkbook.units.unit2_delivery import reliability, service_plan

pytestmark = pytest.mark.notebook
NAMES = ("contacts", "intervals", "surveys")
DEFAULTS = {"service_level_target": 0.8, "answer_within_s": 20, "sla_hours": 24, "shrinkage": 0.3}


def expected_results(params: dict, targets: dict | None = None) -> dict:
    """The headline results computed directly with the library on the notebook's data."""
    t = {**DEFAULTS, **(targets or {})}
    data = load_datasets({**COMMON_PARAMETERS, **params}, NAMES)
    contacts, intervals, surveys = data["contacts"], data["intervals"], data["surveys"]
    forecast = service_plan.forecast_demand(intervals)
    plan = service_plan.staffing_for(
        forecast, t["answer_within_s"], t["service_level_target"], t["shrinkage"]
    )
    what_if = service_plan.peak_what_if(
        forecast,
        answer_within_s=t["answer_within_s"],
        target=t["service_level_target"],
        shrinkage=t["shrinkage"],
    )
    check = service_plan.forecast_accuracy(intervals)
    daily = reliability.daily_service_level(contacts, t["answer_within_s"])
    chart = reliability.service_level_chart(daily)
    held = reliability.consistency(daily, chart, t["service_level_target"])
    summary = reliability.recording_summary(contacts, t["sla_hours"])
    both = reliability.reliability_and_satisfaction(daily, contacts, surveys)
    contrast = reliability.satisfaction_contrast(both, t["service_level_target"])
    figures = contact_figures(contacts, t["answer_within_s"], t.get("short_abandon_s", 5))
    return {
        **reliability.headline_results(plan, what_if, check, held, summary, contrast),
        **figures.record(),
    }


def assert_same(recorded: dict, expected: dict) -> None:
    """Recorded results equal the expected ones (floats to 1e-9; NaN is recorded as None)."""
    assert set(recorded) == set(expected)
    for key, value in expected.items():
        if isinstance(value, float) and math.isnan(value):
            assert recorded[key] is None, key
        elif isinstance(value, float):
            assert recorded[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
        else:
            assert recorded[key] == value, key


def _outputs(path) -> list:
    """Every output of an executed notebook."""
    return [o for c in nbformat.read(path, 4).cells for o in c.get("outputs", [])]


def test_defaults_on_the_samples(tmp_path):
    path, results = run_unit(2, tmp_path)
    assert raw_values(path) == []  # issue 17: no nan, None, True/False, long floats, code names
    assert chart_problems(path) == []  # issue 17: even ticks, clear legends, limits
    assert_same(results, expected_results({}))
    # the recorded figures agree with the KPI functions themselves
    contacts = load_datasets(dict(COMMON_PARAMETERS), ("contacts",))["contacts"]
    assert results["sla_compliance"] == pytest.approx(kpi.sla_compliance(contacts, target_hours=24))
    assert results["service_level_period"] == pytest.approx(
        kpi.service_level(contacts, threshold_s=20)
    )
    assert results["peak_to_roster"] == math.ceil(round(results["peak_on_phones"] / 0.7, 9))
    text = path.read_text()
    assert "replace none with your answer" in text.lower()
    assert "short abandons" in text  # the service level definition is stated
    assert "error" not in {o.get("output_type") for o in _outputs(path)}
    assert sum("image/png" in o.get("data", {}) for o in _outputs(path)) >= 6


@pytest.mark.parametrize(
    "params",
    [
        {"seed": 11},
        {"seed": 23, "scenario": "peak_season", "answer_within_s": 30, "shrinkage": 0.25},
        {"scenario": "understaffed", "edition": "learner", "learner": "ben"},
    ],
    ids=["seed-11", "seed-23-peak-season-other-targets", "understaffed-learner-edition"],
)
def test_other_seeds_and_scenarios(tmp_path, params):
    path, results = run_unit(2, tmp_path, **params)
    assert raw_values(path) == []  # issue 17: no raw values
    assert chart_problems(path) == []  # issue 17: even ticks, clear legends, limits
    assert_same(results, expected_results(params, with_targets(params, DEFAULTS)))
    assert_ran_with(path, params)


def test_peak_and_understaffing_lower_the_daily_service_level(tmp_path):
    baseline = expected_results({})
    understaffed = expected_results({"scenario": "understaffed"})
    assert understaffed["service_level_period"] < baseline["service_level_period"]
    assert understaffed["days_met_service_level"] < baseline["days_met_service_level"]


def test_an_outside_export_with_a_mapping_and_other_targets(tmp_path):
    data = generators.generate_all(seed=31)
    mapping = write_outside_export(tmp_path / "export", {n: data[n] for n in NAMES})
    targets = {"sla_hours": 48, "answer_within_s": 30, "shrinkage": 0.35}
    params = params_for(tmp_path / "export", mapping)
    path, results = run_unit(2, tmp_path, **params, **targets)
    assert raw_values(path) == []  # issue 17: an outside export shows no raw value either
    assert chart_problems(path) == []
    assert_same(results, expected_results(params, targets))


def test_a_tiny_dataset_runs_and_says_the_forecast_cannot_be_tested(tmp_path):
    write_plain(tmp_path / "tiny", {n: f for n, f in tiny_data().items() if n in NAMES})
    params = params_for(tmp_path / "tiny")
    path, results = run_unit(2, tmp_path, **params)
    assert raw_values(path) == []  # issue 17: nor does a tiny dataset
    assert chart_problems(path) == []
    assert_same(results, expected_results(params))
    assert results["days"] == 7 and results["forecast_wape"] is None
    assert "too short to test the forecast" in path.read_text()


def test_bad_data_stops_at_the_first_cell_naming_file_and_column(tmp_path):
    data = generators.generate_all(seed=31)
    bad = with_bad_value({n: data[n] for n in NAMES}, "contacts", "queue_wait_s", 4, -30)
    write_plain(tmp_path / "bad", bad)
    err = run_unit_failing(2, tmp_path, **params_for(tmp_path / "bad"))
    assert err.ename == "DataError"
    assert "contacts.csv" in err.evalue and "queue_wait_s" in err.evalue
    assert "start_unit(" in err.source
