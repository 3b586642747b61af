"""The start notebook executes with papermill for a named learner, and every unit notebook refuses
bad parameters at the first cell with the library's message.

Each unit's papermill matrix (defaults, other seeds and scenarios with other targets, the learner
edition, an outside export, a tiny dataset, bad data) is in tests/test_notebook_unitNN.py; every
notebook's defaults also run under nbval (see pyproject)."""

import json

import pytest
from nbtools import injected_parameters, run_unit_failing

from svcworkbook import content
from svcworkbook.teaching import runner

NOTEBOOKS = runner.unit_notebooks()
IDS = [p.stem for p in NOTEBOOKS]


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
def test_start_here_runs_for_a_named_learner(tmp_path):
    out = tmp_path / "00_start_here.ipynb"
    runner.execute(NOTEBOOKS[0], out, {"learner": "ada"})
    assert "learner = 'ada'" in injected_parameters(
        out
    ) or 'learner = "ada"' in injected_parameters(out)
    text = outputs_text(out)
    assert all(content.load_unit(n).title in text for n in range(1, 6))  # the units table
    assert all(t.term in text for t in content.glossary())  # the glossary, every term
    assert "Progress for ada" in text  # the per-unit progress summary
    assert all(f"Unit {n} " in text and "cards due today" in text for n in range(1, 6))


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=IDS[1:])
def test_bad_parameter_stops_at_the_first_cell_with_a_clear_message(path, tmp_path):
    unit = int(path.name[:2])
    err = run_unit_failing(unit, tmp_path, edition="student")
    assert err.ename == "ParameterError"
    assert "edition must be one of ('tutor', 'learner')" in err.evalue
    nb = json.loads((tmp_path / f"unit{unit:02d}-failed.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    # parameters, injected-parameters, then the start_unit cell: the one that failed
    assert code[2]["outputs"][-1]["output_type"] == "error"
    assert all(c["execution_count"] is None for c in code[3:])
