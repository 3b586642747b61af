"""Every notebook executes with papermill with other parameters, and refuses bad parameters at the
first cell with the library's message. Their defaults run under nbval (see pyproject) and in each
unit's own tests (tests/test_notebook_unitNN.py), so they are not run a third time here."""

import json

import papermill
import pytest

from svcworkbook import runner

NOTEBOOKS = runner.unit_notebooks()
IDS = [p.stem for p in NOTEBOOKS]

#: A non-default parameter set per notebook: another organisation, the learner edition, other targets.
OTHER_PARAMETERS = {
    "00_start_here": {"learner": "ada"},
    "01_service_environment": {"organisation": "Acme & Sons", "csat_target": 0.7, "nps_target": 10},
    "02_reliable_delivery": {"edition": "learner", "answer_within_s": 30, "shrinkage": 0.25},
    "03_managing_operations": {"fcr_target": 0.7, "learner": "ben", "scenario": "peak_season"},
    "04_reviewing_delivery": {"response_rate_target": 0.25, "edition": "learner"},
    "05_improving_service": {
        "edition": "learner",
        "csat_target": 0.85,
        "change_date": "2026-02-23",
    },
}


def outputs_text(path):
    """All text/plain outputs of an executed notebook, joined."""
    nb = json.loads(path.read_text())
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("data", {}).get("text/plain", "")))
            parts.append("".join(out.get("text", "")))
    return "\n".join(parts)


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_with_other_parameters(path, tmp_path):
    params = OTHER_PARAMETERS[path.stem]
    out = tmp_path / path.name
    runner.execute(path, out, params)
    nb = json.loads(out.read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1
    for name in params:
        assert f"{name} = " in "".join(injected[0]["source"])


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=IDS[1:])
def test_bad_parameter_stops_at_the_first_cell_with_a_clear_message(path, tmp_path):
    out = tmp_path / path.name
    with pytest.raises(papermill.PapermillExecutionError) as err:
        runner.execute(path, out, {"edition": "student"})
    assert err.value.ename == "ParameterError"
    assert "edition must be one of ('tutor', 'learner')" in err.value.evalue
    nb = json.loads(out.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    # parameters, injected-parameters, then the start_unit cell: the one that failed
    assert code[2]["outputs"][-1]["output_type"] == "error"
    assert all(c["execution_count"] is None for c in code[3:])
