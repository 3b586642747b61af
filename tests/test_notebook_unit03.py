"""Unit 3 notebook under papermill: defaults, other seeds and scenarios, an outside export,
a tiny dataset and bad data; recorded results equal the library computed on the same data."""

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

from svcworkbook.data import generators
from svcworkbook.learning import solutions
from svcworkbook.report.contact_figures import contact_figures
from svcworkbook.teaching.session import COMMON_PARAMETERS, load_datasets
from svcworkbook.units.unit3_operations import dashboard, improvement_cycle, training

pytestmark = pytest.mark.notebook
NAMES = ("contacts", "surveys", "complaints", "staff", "intervals")
DEFAULTS = {"service_level_target": 0.8, "answer_within_s": 20, "fcr_target": 0.75,
            "csat_target": 0.8, "shrinkage": 0.3}  # fmt: skip


def expected_results(params: dict) -> dict:
    """The headline results computed directly with the library on the notebook's data."""
    t = with_targets(params, DEFAULTS)
    data = load_datasets({**COMMON_PARAMETERS, **params}, NAMES)
    contacts, surveys = data["contacts"], data["surveys"]
    targets = dashboard.dashboard_targets(
        t["service_level_target"], t["answer_within_s"], t["fcr_target"], t["csat_target"]
    )
    board = dashboard.dashboard_table(
        contacts, surveys, targets, answer_within_s=t["answer_within_s"]
    )
    effects = {
        o: training.training_effect(o, contacts, data["staff"], surveys) for o in training.OUTCOMES
    }
    themes = dashboard.comment_themes(surveys)
    causes = dashboard.complaint_causes(data["complaints"])
    record = improvement_cycle.pdca_from_training(
        effects["first_contact_resolution"],
        t["fcr_target"],
        dashboard.likely_causes(themes, causes),
        "x",
    )
    peaks = improvement_cycle.peak_plan(
        data["intervals"], t["answer_within_s"], t["service_level_target"], t["shrinkage"]
    )
    figures = contact_figures(contacts, t["answer_within_s"], 5)
    return {**improvement_cycle.headline_results(board, effects, peaks, record), **figures.record()}


def assert_same(recorded: dict, expected: dict) -> None:
    """Recorded results equal the expected ones (floats to 1e-9)."""
    assert set(recorded) == set(expected)
    for key, value in expected.items():
        if isinstance(value, float):
            assert recorded[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
        else:
            assert recorded[key] == value, key


def _plain_outputs(path) -> list[str]:
    """Every output's plain text (and error names) in an executed notebook."""
    texts = []
    for cell in nbformat.read(path, 4).cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output.get("evalue")
            texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return texts


def test_defaults_on_the_samples(tmp_path):
    path, results = run_unit(3, tmp_path)
    assert raw_values(path) == []  # issue 17: no raw values
    assert chart_problems(path) == []  # issue 17: even ticks, clear legends, limits
    assert_same(results, expected_results({}))
    # the generated data makes trained agents better after training, beyond the trend
    assert results["fcr_net_change"] > 0 and results["fcr_p_value"] < 0.05
    assert results["csat_trained_after"] > results["csat_trained_before"]
    plain = _plain_outputs(path)
    assert sum("Replace None with your answer" in t for t in plain) == 5  # five exercises
    # the committed notebook is a learner edition by default: its solution cells do not run
    assert sum(t == solutions.LEARNER_NOTE for t in plain) == 5
    assert not any(t.startswith("✔") for t in plain)
    assert any("Northgate Home Services" in t and "Plan:" in t for t in plain)
    # finding 2: the peak rota allows for 30% shrinkage (agents on the phones / 0.7, rounded up)
    data = load_datasets(dict(COMMON_PARAMETERS), ("intervals",))
    bare = improvement_cycle.peak_plan(data["intervals"], 20, 0.8, 0.0).iloc[-1]
    assert results["peak_to_roster"] == math.ceil(bare["peak_on_phones"] / 0.7 - 1e-9)
    assert results["peak_to_roster"] > bare["peak_to_roster"]


@pytest.mark.parametrize(
    "params",
    [
        {"seed": 11, "scenario": "peak_season", "fcr_target": 0.7, "learner": "ben"},
        {"seed": 23, "scenario": "understaffed", "service_level_target": 0.9, "csat_target": 0.75},
    ],
    ids=["seed-11-peak-season-fcr-target", "seed-23-understaffed-other-targets"],
)
def test_other_seeds_and_scenarios(tmp_path, params):
    params = {**params, "organisation": "Riverside Energy"}
    path, results = run_unit(3, tmp_path, **params)
    assert raw_values(path) == []  # issue 17: no raw values
    assert chart_problems(path) == []  # issue 17: even ticks, clear legends, limits
    assert_same(results, expected_results(params))
    assert_ran_with(path, params)
    assert any("Riverside Energy" in t for t in _plain_outputs(path))


def test_an_outside_export_with_a_mapping(tmp_path):
    data = generators.generate_all(seed=31)
    mapping = write_outside_export(tmp_path / "export", {n: data[n] for n in NAMES})
    params = params_for(tmp_path / "export", mapping)
    path, results = run_unit(3, tmp_path, **params)
    assert raw_values(path) == []  # issue 17: an outside export shows no raw value either
    assert chart_problems(path) == []
    assert_same(results, expected_results(params))


def test_a_tiny_dataset_of_one_week_and_one_team_runs(tmp_path):
    write_plain(tmp_path / "tiny", {n: f for n, f in tiny_data().items() if n in NAMES})
    params = params_for(tmp_path / "tiny")
    path, results = run_unit(3, tmp_path, **params)
    assert raw_values(path) == []  # issue 17: nor does a tiny dataset
    assert chart_problems(path) == []
    assert_same(results, expected_results(params))
    _plain_outputs(path)  # no error output anywhere
    # one team: at most 4 channels x 6 KPIs on the dashboard
    judged = results["dashboard_green"] + results["dashboard_amber"] + results["dashboard_red"]
    assert 0 < judged <= 4 * len(dashboard.DASHBOARD_KPIS)


def test_bad_data_stops_at_the_first_cell_naming_file_and_column(tmp_path):
    data = generators.generate_all(seed=31)
    bad = with_bad_value({n: data[n] for n in NAMES}, "contacts", "queue_wait_s", 4, -30)
    write_plain(tmp_path / "bad", bad)
    err = run_unit_failing(3, tmp_path, **params_for(tmp_path / "bad"))
    assert err.ename == "DataError"
    assert "contacts.csv" in err.evalue and "queue_wait_s" in err.evalue
    assert "start_unit(" in err.source
