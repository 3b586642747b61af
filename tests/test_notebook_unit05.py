"""Unit 5 notebook under papermill: defaults, other seeds and scenarios, an outside export,
a tiny dataset and bad data; recorded results equal the library computed on the same data."""

from __future__ import annotations

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
from svcworkbook.teaching.session import COMMON_PARAMETERS, load_datasets
from svcworkbook.units.unit5_improvement import evaluation

pytestmark = pytest.mark.notebook
NAMES = ("contacts", "surveys", "servqual")
DEFAULT_TARGETS = {"fcr_target": 0.75, "csat_target": 0.8}


def expected_results(params: dict, change_date=None) -> dict:
    """The headline results computed directly with the library on the notebook's data."""
    data = load_datasets({**COMMON_PARAMETERS, "scenario": "improvement", **params}, NAMES)
    contacts, surveys = data["contacts"], data["surveys"]
    t = with_targets(params, DEFAULT_TARGETS)
    objectives = {"first_contact_resolution": t["fcr_target"], "csat": t["csat_target"]}
    change = evaluation.resolve_change_date(
        change_date, {"scenario": "improvement", **params}, contacts
    )
    comparisons = evaluation.compare_before_after(contacts, surveys, change)
    baseline = evaluation.baseline_table(contacts, surveys, change, objectives)
    report = evaluation.evaluation_report(baseline, comparisons, "Northgate Home Services")
    held = evaluation.sustainment("first_contact_resolution", contacts, surveys, change)
    priorities = evaluation.improvement_priorities(data["servqual"])
    return evaluation.headline_results(change, comparisons, report, held, priorities)


def assert_same(recorded: dict, expected: dict) -> None:
    """Recorded results equal the expected ones (floats to 1e-9)."""
    assert set(recorded) == set(expected)
    for key, value in expected.items():
        if isinstance(value, float):
            assert recorded[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
        else:
            assert recorded[key] == value, key


def test_defaults_evaluate_the_improvement_scenario(tmp_path):
    path, results = run_unit(5, tmp_path)
    assert raw_values(path) == []  # issue 17: no raw values
    assert chart_problems(path) == []  # issue 17: even ticks, clear legends, limits
    assert_same(results, expected_results({}))
    assert results["change_date"] == f"{generators.change_date('improvement'):%Y-%m-%d}"
    # the improvement scenario lifts FCR for real, and the gain holds
    assert results["fcr_significant"] and results["fcr_difference"] > 0
    assert not results["fcr_slipping"]
    # the learner's exercise cells ran, waiting for answers
    plain = ["".join(o.get("data", {}).get("text/plain", "")) for o in _outputs(path)]
    assert sum("Replace None with your answer" in t for t in plain) == 4  # four exercises
    # the committed notebook is a learner edition by default: its solution cells do not run
    assert sum(t == solutions.LEARNER_NOTE for t in plain) == 4
    assert not any(t.startswith("✔") for t in plain)
    assert "error" not in {o.get("output_type") for o in _outputs(path)}


def _outputs(path):
    import nbformat

    return [o for c in nbformat.read(path, 4).cells for o in c.get("outputs", [])]


@pytest.mark.parametrize(
    "params",
    [
        {"seed": 11, "scenario": "improvement", "csat_target": 0.85, "edition": "learner"},
        {"seed": 23, "scenario": "slipping", "fcr_target": 0.7, "change_date": "2026-02-23"},
    ],
    ids=["seed-11-improvement-learner-edition", "seed-23-slipping-own-change-date"],
)
def test_other_seeds_and_scenarios(tmp_path, params):
    path, results = run_unit(5, tmp_path, **params)
    assert raw_values(path) == []  # issue 17: no raw values
    assert chart_problems(path) == []  # issue 17: even ticks, clear legends, limits
    assert_same(results, expected_results(params, params.get("change_date")))
    assert_ran_with(path, params)
    if "change_date" in params:
        assert results["change_date"] == params["change_date"]
    if params["scenario"] == "slipping":
        assert results["fcr_slipping"]


def test_an_outside_export_with_a_mapping_and_a_change_date(tmp_path):
    data = generators.generate_all(seed=31, scenario="improvement")
    mapping = write_outside_export(tmp_path / "export", {n: data[n] for n in NAMES})
    params = {**params_for(tmp_path / "export", mapping), "change_date": "2026-02-16"}
    path, results = run_unit(5, tmp_path, **params)
    assert raw_values(path) == []  # issue 17: an outside export shows no raw value either
    assert chart_problems(path) == []
    assert_same(results, expected_results(params_for(tmp_path / "export", mapping), "2026-02-16"))


def test_own_data_without_a_change_date_stops_at_the_first_cell(tmp_path):
    data = generators.generate_all(seed=31)
    write_plain(tmp_path / "mine", {n: data[n] for n in NAMES})
    err = run_unit_failing(5, tmp_path, **params_for(tmp_path / "mine"))
    assert err.ename == "ParameterError"
    assert "change_date is not set" in err.evalue
    assert "start_unit(" in err.source  # stopped at the start cell, not deep in the notebook


def test_a_tiny_dataset_is_refused_with_the_reason(tmp_path):
    write_plain(tmp_path / "tiny", {n: f for n, f in tiny_data().items() if n in NAMES})
    err = run_unit_failing(5, tmp_path, **params_for(tmp_path / "tiny"), change_date="2026-01-08")
    assert err.ename == "ParameterError"
    assert "a week before the change and two weeks after" in err.evalue


def test_bad_data_stops_at_the_first_cell_naming_file_and_column(tmp_path):
    data = generators.generate_all(seed=31)
    bad = with_bad_value({n: data[n] for n in NAMES}, "surveys", "csat", 4, 9)
    write_plain(tmp_path / "bad", bad)
    err = run_unit_failing(5, tmp_path, **params_for(tmp_path / "bad"), change_date="2026-02-16")
    assert err.ename == "DataError"
    assert "surveys.csv" in err.evalue and "csat" in err.evalue
    assert "start_unit(" in err.source
