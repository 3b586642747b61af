"""Placing returned work: whose notebook, which unit, and a clear line for what cannot be placed."""

from __future__ import annotations

import os

import nbformat
import pytest
from hypothesis import given
from hypothesis import strategies as st

from svcworkbook.teaching import runner, submissions
from svcworkbook.teaching.editions import make_edition

SOURCES = {u: runner.resolve_notebook(u) for u in range(1, 6)}
IDS = ["L1", "L10", "ada", "ada-2"]


def handed_out(unit: int, learner: str) -> nbformat.NotebookNode:
    """The learner edition a class pack hands out to learner for unit."""
    nb = nbformat.read(str(SOURCES[unit]), as_version=4)
    return make_edition(nb, "learner", {"data_dir": "data", "learner": learner})


def write(path, nb) -> None:
    """Write a notebook, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def place(folder, units=(1, 2)):
    """Place the folder's files for the roster IDS and the pack's units."""
    return submissions.place_submissions(folder, IDS, SOURCES, list(units))


def test_folders_names_and_the_notebooks_own_id_place_work(tmp_path):
    write(tmp_path / "L1" / "01_service_environment.ipynb", handed_out(1, "L1"))
    write(tmp_path / "Ada Lovelace_991_assignsubmission_file_ada-2_02_reliable_delivery.ipynb",
          handed_out(2, "ada-2"))  # fmt: skip
    write(tmp_path / "inbox" / "my work.ipynb", handed_out(1, "L10"))
    found = place(tmp_path)
    assert set(found.submissions) == {("L1", 1), ("ada-2", 2), ("L10", 1)}
    assert found.problems == []
    assert found.submissions[("L10", 1)].notes == (
        "placed by the learner id written in the notebook",
    )
    # "Ada" (the name) and "ada-2" (the id) are both ids; the notebook says which it is
    assert "carries the ids ada, ada-2" in found.submissions[("ada-2", 2)].notes[0]


def test_what_cannot_be_placed_is_listed_with_the_reason(tmp_path):
    write(tmp_path / "zed" / "01_service_environment.ipynb", handed_out(1, "zed"))
    write(tmp_path / "L1_ada_01_service_environment.ipynb", handed_out(1, "L10"))
    write(tmp_path / "L1" / "03_managing_operations.ipynb", handed_out(3, "L1"))
    (tmp_path / "L1" / "essay.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "L1" / "broken.ipynb").write_text("{not json", encoding="utf-8")
    (tmp_path / "L1" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "L1" / ".ipynb_checkpoints" / "x-checkpoint.ipynb").write_text("{}")
    blank = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# My notes")])
    write(tmp_path / "L1" / "notes.ipynb", blank)
    found = place(tmp_path)
    assert found.submissions == {}
    messages = {p.path: p.message for p in found.problems}
    assert "no learner on the roster" in messages["zed/01_service_environment.ipynb"]
    assert "'zed'" in messages["zed/01_service_environment.ipynb"]
    assert "more than one learner id (L1, ada)" in messages["L1_ada_01_service_environment.ipynb"]
    assert "unit 3 was not handed out" in messages["L1/03_managing_operations.ipynb"]
    assert "not a notebook (.pdf)" in messages["L1/essay.pdf"]
    assert "cannot be read as a notebook" in messages["L1/broken.ipynb"]
    assert "not one of the workbook's unit notebooks" in messages["L1/notes.ipynb"]
    assert len(messages) == 6  # the checkpoint folder is editor clutter, not work


def test_the_unit_comes_from_the_notebook_and_the_newest_copy_is_marked(tmp_path):
    write(tmp_path / "L1" / "01_service_environment.ipynb", handed_out(2, "L1"))  # misnamed
    write(tmp_path / "L1" / "unit2 final.ipynb", handed_out(2, "L1"))
    old = tmp_path / "L1" / "01_service_environment.ipynb"
    os.utime(old, (1_600_000_000, 1_600_000_000))
    found = place(tmp_path)
    chosen = found.submissions[("L1", 2)]
    assert chosen.path.name == "unit2 final.ipynb"
    assert [p.path for p in found.problems] == ["L1/01_service_environment.ipynb"]
    assert "older copy" in found.problems[0].message


def test_a_notebook_handed_to_someone_else_is_noted(tmp_path):
    write(tmp_path / "L1" / "01_service_environment.ipynb", handed_out(1, "ada"))
    note = place(tmp_path).submissions[("L1", 1)].notes[0]
    assert "handed out to ada but returned as L1's" in note


def test_progress_files_are_found_for_their_learner(tmp_path):
    (tmp_path / "ada" / "progress").mkdir(parents=True)
    (tmp_path / "ada" / "progress" / "progress.json").write_text("{}")
    (tmp_path / "progress.json").write_text("{}")
    found = place(tmp_path)
    assert found.progress == {"ada": tmp_path / "ada" / "progress" / "progress.json"}
    assert "a progress file, but cannot tell whose" in found.problems[0].message


@given(st.sampled_from(IDS), st.sampled_from(["_", "-", " ", "/", "."]), st.booleans())
def test_an_id_is_found_only_as_a_whole_word(learner, sep, before):
    ids = {i.lower(): i for i in IDS}
    text = f"{learner}{sep}01_unit" if before else f"01_unit{sep}{learner}"
    assert submissions._ids_in(text, ids) == {learner}
    assert learner not in submissions._ids_in(text.replace(learner, learner + "9"), ids)


def test_edits_beyond_the_exercises_are_flagged_and_pasted_code_is_not():
    original = handed_out(1, "L1")
    nb = nbformat.from_dict(original)
    exercise = next(c for c in nb.cells if "exercise" in c.metadata.get("tags", []))
    exercise.source = exercise.source.replace("None", "42")
    nb.cells.append(nbformat.v4.new_code_cell("my_answer = 42  # pasted solution"))
    assert submissions.edits_beyond_exercises(nb, original) == []
    changed = next(c for c in nb.cells if c.cell_type == "code" and "start_unit(" in c.source)
    changed.source = changed.source.replace("style.set_style()", "", 1)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    injected.source = injected.source.replace('"data"', '"/tmp/other"')
    flags = submissions.edits_beyond_exercises(nb, original)
    assert any("changed or deleted (cell 4" in f for f in flags)
    assert any("data_dir = '/tmp/other' instead of 'data'" in f for f in flags)


@pytest.mark.parametrize("unit", [1, 2, 3, 4, 5])
def test_every_unit_has_exercises_with_ids(unit):
    nb = nbformat.read(str(SOURCES[unit]), as_version=4)
    ids = submissions.exercise_ids(nb, unit)
    assert ids and len(set(ids)) == len(ids)
    assert all(i.startswith(f"U{unit}.E") for i in ids)
