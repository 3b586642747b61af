"""Marking as a tutor does it: a class pack, returned notebooks, `svcworkbook mark`, a rerun."""

from __future__ import annotations

import html
import os
import re
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from svcworkbook.data import loading
from svcworkbook.teaching import classpack, cli, marking
from svcworkbook.units.unit1_environment import compliance, structure, touchpoints

UNIT1 = "01_service_environment.ipynb"
ROSTER = [("ada", "Ada Lovelace"), ("ben", "Ben <b>Jones</b>"), ("cy", "Cy O'Neill")]


def expected_answers(data_dir: Path) -> dict[str, float]:
    """Unit 1's three answers on one learner's data, straight from the library (no notebook)."""
    data = loading.load_folder(data_dir, datasets=("surveys", "complaints", "contacts"))
    busiest = touchpoints.busiest_touchpoint(data["surveys"])
    nps = touchpoints.touchpoint_scores(data["surveys"]).set_index("touchpoint").loc[busiest, "nps"]
    comparison = structure.compare_structures(
        20, seed=None, contacts=data["contacts"], data_dir=str(data_dir)
    )
    complaints = compliance.pseudonymised_complaints(data["complaints"])
    return {
        "U1.E1": float(nps),
        "U1.E2": float(structure.fcr_difference(comparison)),
        "U1.E3": float(compliance.refund_compliance(complaints)),
    }


def answer(nb: nbformat.NotebookNode, number: int, value: object) -> None:
    """Put a learner's answer into the nth exercise cell, as a learner types it."""
    cells = [c for c in nb.cells if "exercise" in c.metadata.get("tags", [])]
    cell = cells[number - 1]
    cell.source = cell.source.replace("my_answer = None", f"my_answer = {value!r}", 1)


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    """A fresh class pack of unit 1 for three learners."""
    base = tmp_path_factory.mktemp("marking")
    roster = base / "class.csv"
    roster.write_text(
        "learner_id,name\n" + "".join(f'{i},"{n}"\n' for i, n in ROSTER), encoding="utf-8"
    )
    report = classpack.build_classpack(roster, base / "pack", units=[1], jobs=2, progress=False)
    assert report.failed == {}
    return base / "pack"


@pytest.mark.notebook
def test_mark_gives_the_right_verdict_for_every_exercise(pack, tmp_path):
    handed = {i: nbformat.read(pack / "learners" / i / UNIT1, 4) for i, _ in ROSTER}
    truth = {i: expected_answers(pack / "learners" / i / "data") for i, _ in ROSTER}
    assert truth["ada"] != truth["cy"]  # each learner has their own data, so their own answers
    returned = tmp_path / "returned"

    # Ada: everything right (the figures as she would read them off her tables)
    ada = handed["ada"]
    answer(ada, 1, round(truth["ada"]["U1.E1"], 1))
    answer(ada, 2, round(truth["ada"]["U1.E2"], 2))
    answer(ada, 3, round(truth["ada"]["U1.E3"], 4))
    # Ben: returned untouched.  Cy: the FCR difference as a fraction (a percentage-points slip),
    # a formula typed as the third answer, her own code pasted in, and her data path changed
    cy = handed["cy"]
    answer(cy, 1, round(truth["cy"]["U1.E1"], 1))
    answer(cy, 2, truth["cy"]["U1.E2"] / 100)
    answer(cy, 3, "=1+1")
    at = next(i for i, c in enumerate(cy.cells) if "exercise" in c.metadata.get("tags", []))
    cy.cells.insert(at, nbformat.v4.new_code_cell("working = 1 + 1  # my own working"))
    injected = next(c for c in cy.cells if "injected-parameters" in c.metadata.get("tags", []))
    injected.source = injected.source.replace('"data"', '"../my_copy"')
    for learner, nb in (("ada", ada), ("ben", handed["ben"])):
        (returned / learner).mkdir(parents=True)
        nbformat.write(nb, returned / learner / UNIT1)
    nbformat.write(cy, returned / f"Cy ONeill_4411_assignsubmission_file_cy_{UNIT1}")
    (returned / "ada" / "notes.docx").write_bytes(b"PK\x03\x04")
    stranger = nbformat.from_dict(handed["ben"])  # handed out to zed, who is not on the roster
    stranger_params = next(
        c for c in stranger.cells if "injected-parameters" in c.metadata.get("tags", [])
    )
    stranger_params.source = stranger_params.source.replace('"ben"', '"zed"')
    nbformat.write(stranger, returned / f"zed_{UNIT1}")

    out = tmp_path / "marked"
    status = cli.main(["mark", str(pack), str(returned), "--out", str(out), "--quiet"])
    assert status == 0
    book = pd.read_csv(out / "gradebook.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(book.columns[:7]) == [
        "learner_id", "name", "unit", "exercise", "answer", "result", "slip",
    ]  # fmt: skip
    results = {(r.learner_id, r.exercise): r.result for r in book.itertuples()}
    assert results == {
        ("ada", "U1.E1"): "right", ("ada", "U1.E2"): "right", ("ada", "U1.E3"): "right",
        ("ben", "U1.E1"): "not attempted", ("ben", "U1.E2"): "not attempted",
        ("ben", "U1.E3"): "not attempted",
        ("cy", "U1.E1"): "right", ("cy", "U1.E2"): "close", ("cy", "U1.E3"): "wrong",
    }  # fmt: skip
    cy_rows = book[book["learner_id"] == "cy"].set_index("exercise")
    assert "percentage points" in cy_rows.at["U1.E2", "slip"]
    assert cy_rows.at["U1.E3", "answer"] == "'=1+1"  # no formula reaches the spreadsheet
    # the worked answer is the one on the learner's own data
    ada_rows = book[book["learner_id"] == "ada"].set_index("exercise")
    assert ada_rows.at["U1.E2", "expected"] == pytest.approx(truth["ada"]["U1.E2"], abs=0.005)
    assert ada_rows.at["U1.E3", "expected"] == pytest.approx(truth["ada"]["U1.E3"], abs=5e-5)
    assert float(ada_rows.at["U1.E1", "answer"]) == pytest.approx(truth["ada"]["U1.E1"], abs=0.05)
    ada_page = (out / "ada" / "feedback.html").read_text()
    worked = f"{truth['ada']['U1.E3'] * 100:.1f}%"  # her worked answer, as a tutor writes it
    assert worked in ada_page

    scores = pd.read_csv(out / "scores.csv", encoding="utf-8-sig").set_index("learner_id")
    assert scores.loc[["ada", "ben", "cy"], "score"].tolist() == [3.0, 0.0, 1.5]
    assert set(scores["out_of"]) == {3}

    cy_page = (out / "cy" / "feedback.html").read_text()
    assert "percentage points" in cy_page and "Hint" in cy_page
    assert "How to work it out" in cy_page  # the method, for what she did not get right
    assert "handed out" not in cy_page  # tutors' notes stay on the tutor's page
    assert "Ben <b>" not in (out / "ben" / "feedback.html").read_text()

    index = (out / "index.html").read_text()
    assert "Ben &lt;b&gt;Jones&lt;/b&gt;" in index and "<b>Jones" not in index
    assert "U1.M2" in index  # the misconception behind the slip, linked
    assert "notes.docx" in index and "not a notebook" in index
    assert f"zed_{UNIT1}" in index and "no learner on the roster" in index
    assert re.search(r"dataset was changed \(data_dir = '\.\./my_copy'", html.unescape(index))

    # a rerun re-marks only what changed: Ben answers one exercise and returns it again
    again = marking.mark_class(pack, returned, out, progress=False)
    assert (again.marked, again.unchanged) == (0, 3)
    ben = nbformat.read(returned / "ben" / UNIT1, 4)
    answer(ben, 3, round(truth["ben"]["U1.E3"], 4))
    time.sleep(0.01)
    nbformat.write(ben, returned / "ben" / UNIT1)
    third = marking.mark_class(pack, returned, out, progress=False)
    assert (third.marked, third.unchanged) == (1, 2)
    book = pd.read_csv(out / "gradebook.csv", encoding="utf-8-sig", keep_default_na=False)
    assert book.set_index(["learner_id", "exercise"]).at[("ben", "U1.E3"), "result"] == "right"


@pytest.mark.notebook
def test_a_notebook_that_hangs_or_breaks_is_marked_as_far_as_it_ran(pack, tmp_path):
    handed = nbformat.read(pack / "learners" / "ada" / UNIT1, 4)
    truth = expected_answers(pack / "learners" / "ada" / "data")
    answer(handed, 1, round(truth["U1.E1"], 1))
    cells = [c for c in handed.cells if "exercise" in c.metadata.get("tags", [])]
    cells[1].source = "my_answer = fcr_diference  # a typo\n" + cells[1].source
    cells[2].source = "import time\ntime.sleep(600)\n" + cells[2].source
    returned = tmp_path / "returned" / "ada"
    returned.mkdir(parents=True)
    nbformat.write(handed, returned / UNIT1)
    os.utime(returned / UNIT1)
    report = marking.mark_class(
        pack, returned.parent, tmp_path / "out", time_limit=60, progress=False
    )
    assert "ada unit 1" in report.stopped and "time limit" in report.stopped["ada unit 1"]
    book = pd.read_csv(tmp_path / "out" / "gradebook.csv", keep_default_na=False)
    mine = book[book["learner_id"] == "ada"].set_index("exercise")
    assert mine.at["U1.E1", "result"] == "right"
    assert mine.at["U1.E2", "result"] == "wrong" and "NameError" in mine.at["U1.E2", "note"]
    assert mine.at["U1.E3", "result"] == "not attempted"
    assert "time limit" in mine.at["U1.E3", "note"]
    # Ben and Cy returned nothing: listed, with their exercises not attempted
    assert {("ben", 1), ("cy", 1)} <= set(report.not_submitted)
