"""Learner editions lose every solution and output; nothing a learner edited is overwritten."""

import json

import nbformat
import pytest

from svcworkbook.teaching import editions, runner


def sample_notebook() -> nbformat.NotebookNode:
    """A notebook with a parameters cell, an exercise, a solution, and stored outputs."""
    v4 = nbformat.v4
    params = v4.new_code_cell('edition = "tutor"\nseed = None')
    params.metadata["tags"] = ["parameters"]
    exercise = v4.new_code_cell("answer = None  # your turn")
    exercise.metadata["tags"] = ["exercise"]
    solution = v4.new_code_cell("answer = kpi.first_contact_resolution(contacts)  # WORKED-ANSWER")
    solution.metadata["tags"] = ["solution"]
    solution.outputs = [v4.new_output("stream", name="stdout", text="0.7312 WORKED-OUTPUT\n")]
    plain = v4.new_code_cell("print('hello')")
    plain.outputs = [v4.new_output("stream", name="stdout", text="hello\n")]
    plain.execution_count = 3
    return v4.new_notebook(
        cells=[v4.new_markdown_cell("# T"), params, exercise, solution, plain],
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
    )


def test_learner_edition_drops_solutions_and_outputs():
    nb = editions.make_edition(sample_notebook(), "learner")
    text = json.dumps(nb)
    assert "WORKED-ANSWER" not in text and "WORKED-OUTPUT" not in text and "0.7312" not in text
    assert all(c.get("outputs", []) == [] for c in nb.cells if c.cell_type == "code")
    assert [c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "code"] == [
        ["parameters"],
        ["injected-parameters"],
        ["exercise"],
        [],
    ]
    injected = nb.cells[2]
    assert 'edition = "learner"' in injected.source


def test_tutor_edition_keeps_solutions_without_outputs():
    nb = editions.make_edition(sample_notebook(), "tutor", {"seed": 7})
    text = json.dumps(nb)
    assert "WORKED-ANSWER" in text and "WORKED-OUTPUT" not in text
    assert 'edition = "tutor"' in nb.cells[2].source and "seed = 7" in nb.cells[2].source


def test_unknown_parameter_or_edition_is_refused():
    with pytest.raises(ValueError, match="no parameter\\(s\\) colour; it accepts: edition, seed"):
        editions.make_edition(sample_notebook(), "learner", {"colour": "red"})
    with pytest.raises(ValueError, match="edition must be 'learner' or 'tutor'"):
        editions.make_edition(sample_notebook(), "student")


def test_a_learners_edited_notebook_is_never_overwritten(tmp_path):
    nb = editions.make_edition(sample_notebook(), "learner")
    path = tmp_path / "01.ipynb"
    assert editions.write_notebook(nb, path) is None
    assert editions.write_notebook(nb, path) is None  # identical: nothing to do
    edited = path.read_text().replace("# your turn", "# my answer: 0.73")
    path.write_text(edited)
    with pytest.raises(editions.WouldOverwrite, match="Use --force to replace it"):
        editions.write_notebook(nb, path)
    assert path.read_text() == edited
    backup = editions.write_notebook(nb, path, force=True)
    assert backup is not None and backup.read_text() == edited
    assert backup.name.startswith("01.backup-") and backup.suffix == ".ipynb"
    assert "my answer" not in path.read_text()


def test_no_solution_text_survives_in_any_unit_learner_edition(tmp_path):
    for source in runner.unit_notebooks():
        nb = nbformat.read(str(source), as_version=4)
        solutions = [c.source for c in nb.cells if "solution" in c.metadata.get("tags", [])]
        # a line the learner already sees in another cell (the exercise's own check call) is
        # not solution text
        shared = {
            s.strip()
            for c in nb.cells
            if "solution" not in c.metadata.get("tags", [])
            for s in c.source.splitlines()
        }
        written, _ = editions.write_edition(source, tmp_path, "learner")
        text = written.read_text()
        checked = 0
        for solution in solutions:
            for line in filter(None, (s.strip() for s in solution.splitlines())):
                if not line.startswith("#") and len(line) > 12 and line not in shared:
                    checked += 1
                    assert json.dumps(line)[1:-1] not in text, f"{source.name}: {line}"
        assert checked >= 3 or not solutions, f"{source.name}: too few solution lines to check"
        assert '"solution"' not in text


def test_the_same_edition_is_the_same_file_byte_for_byte(tmp_path):
    source = runner.resolve_notebook(2)
    first, _ = editions.write_edition(source, tmp_path, "learner", {"data_dir": "data"})
    text = first.read_text(encoding="utf-8")
    # writing it again is a no-op, not a refusal: a rerun of a class pack must not trip over it
    assert (
        editions.write_notebook(
            editions.make_edition(
                nbformat.read(str(source), as_version=4), "learner", {"data_dir": "data"}
            ),
            first,
        )
        is None
    )
    assert first.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("path", runner.unit_notebooks(), ids=lambda p: p.stem)
def test_parameter_names_agree_with_papermills_public_inspection(path):
    import papermill

    declared = editions._declared_names(nbformat.read(path, as_version=4))
    assert declared == set(papermill.inspect_notebook(str(path)))


def test_parameter_names_read_annotations_and_values_over_several_lines(tmp_path):
    import papermill

    nb = sample_notebook()
    nb.cells[1].source = (
        "# defaults\n"
        "seed: int = 7  # a whole number\n"
        "targets = {\n    'fcr': 0.7,\n}\n"
        "edition = 'tutor'\n"
        "print(seed)\n"
    )
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert editions._declared_names(nb) == {"seed", "targets", "edition"}
    assert set(papermill.inspect_notebook(str(path))) == {"seed", "targets", "edition"}
