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
from svcworkbook.learning import exercises
from svcworkbook.teaching import classpack, cli, marking
from svcworkbook.teaching.marking_pages import EXERCISE_MISCONCEPTIONS
from svcworkbook.teaching.session import read_results
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


def answer_key(pack: Path, learner: str) -> dict[str, tuple[object, object, object]]:
    """Unit 1's answers for one learner: id -> (the answer as a learner types it to be right, a
    fraction given for a percentage or None, the value expected). From the tutor's answer key
    that the class pack executed when it records ``exercise_answers`` (exercise specs), else
    from the library on the learner's data."""
    recorded = read_results(pack / "tutor" / learner / UNIT1).get("exercise_answers")
    if not recorded:
        truth = expected_answers(pack / "learners" / learner / "data")
        return {
            "U1.E1": (round(truth["U1.E1"], 1), None, truth["U1.E1"]),
            "U1.E2": (round(truth["U1.E2"], 2), truth["U1.E2"] / 100, truth["U1.E2"]),
            "U1.E3": (round(truth["U1.E3"], 4), None, truth["U1.E3"]),
        }
    from svcworkbook.units import all_exercises

    all_exercises()
    found = {}
    for exercise_id, value in recorded.items():
        spec = exercises.exercise(exercise_id)
        if spec.kind == "choice":
            found[exercise_id] = (value, None, value)
            continue
        typed = round(spec.in_answer_units(float(value)), spec.decimals)
        fraction = round(float(value), spec.decimals + 2) if spec.kind == "percent" else None
        found[exercise_id] = (typed, fraction, float(value))
    return found


def answer(nb: nbformat.NotebookNode, number: int, value: object, reason: str | None = None):
    """Put a learner's answer (and reason) into the nth exercise cell, as a learner types it."""
    cells = [c for c in nb.cells if "exercise" in c.metadata.get("tags", [])]
    cell = cells[number - 1]
    cell.source = cell.source.replace("my_answer = None", f"my_answer = {value!r}", 1)
    if reason is not None:
        assert "my_reason = None" in cell.source  # a choose-and-justify exercise
        cell.source = cell.source.replace("my_reason = None", f"my_reason = {reason!r}", 1)


def touchpoint_reason(pack: Path, learner: str) -> str:
    """U1.E3's reason as a learner would write it: the dissatisfied responses at the touchpoint
    chosen, counted straight from the learner's own surveys (no notebook)."""
    data = loading.load_folder(pack / "learners" / learner / "data", datasets=("surveys",))
    scored = data["surveys"].dropna(subset=["csat"])
    unhappy = int((scored["csat"] < 4).groupby(scored["touchpoint"].str.lower()).sum().max())
    return f"{unhappy} customers there did not score it 4 or 5, the most anywhere"


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
    keys = {i: answer_key(pack, i) for i, _ in ROSTER}
    assert keys["ada"] != keys["cy"]  # each learner has their own data, so their own answers
    ids = list(keys["ada"])
    assert ids == ["U1.E1", "U1.E2", "U1.E3"]
    slipped = next(i for i in ids if keys["cy"][i][1] is not None)  # a fraction for per cent
    right, formula = (i for i in ids if i != slipped)
    returned = tmp_path / "returned"

    # Ada: everything right (the figures as she would read them off her tables)
    ada = handed["ada"]
    reasons = {i: touchpoint_reason(pack, i) for i, _ in ROSTER}
    for n, exercise in enumerate(ids, start=1):
        answer(ada, n, keys["ada"][exercise][0], reasons["ada"] if exercise == "U1.E3" else None)
    # Ben: returned untouched.  Cy: one answer right, a fraction given for a percentage, a
    # formula typed as an answer, her own code pasted in, and her data path changed
    cy = handed["cy"]
    answer(cy, ids.index(right) + 1, keys["cy"][right][0])
    answer(cy, ids.index(slipped) + 1, keys["cy"][slipped][1])
    answer(cy, ids.index(formula) + 1, "=1+1")
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
        **{("ada", i): "right" for i in ids},
        **{("ben", i): "not attempted" for i in ids},
        ("cy", right): "right", ("cy", slipped): "close", ("cy", formula): "wrong",
    }  # fmt: skip
    # the reason for the choice is read from her cell (not the handed-out None) and kept
    ada_rows = book[book["learner_id"] == "ada"].set_index("exercise")
    assert ada_rows.at["U1.E3", "reason"] == reasons["ada"]
    assert "Your reason" in (out / "ada" / "feedback.html").read_text()
    cy_rows = book[book["learner_id"] == "cy"].set_index("exercise")
    slip = cy_rows.at[slipped, "slip"]
    assert "per cent" in slip or "percentage points" in slip
    assert cy_rows.at[formula, "answer"] == "'=1+1"  # no formula reaches the spreadsheet
    # the answer expected is the one on the learner's own data
    ada_rows = book[book["learner_id"] == "ada"].set_index("exercise")
    for exercise in ids:
        expected = keys["ada"][exercise][2]
        if isinstance(expected, str):
            assert ada_rows.at[exercise, "expected"] == expected
        else:
            # in the units the learner answers in, beside their answer (per cent for shares)
            in_units = exercises.exercise(exercise).in_answer_units(expected)
            assert float(ada_rows.at[exercise, "expected"]) == pytest.approx(in_units, abs=0.005)

    scores = pd.read_csv(out / "scores.csv", encoding="utf-8-sig").set_index("learner_id")
    assert scores.loc[["ada", "ben", "cy"], "score"].tolist() == [3.0, 0.0, 1.5]
    assert set(scores["out_of"]) == {3}

    cy_page = (out / "cy" / "feedback.html").read_text()
    assert html.escape(slip, quote=True) in cy_page and "Hint" in cy_page
    assert "How to work it out" in cy_page  # the method, for what she did not get right
    assert "handed out" not in cy_page  # tutors' notes stay on the tutor's page
    assert "Ben <b>" not in (out / "ben" / "feedback.html").read_text()

    index = (out / "index.html").read_text()
    assert "Ben &lt;b&gt;Jones&lt;/b&gt;" in index and "<b>Jones" not in index
    # a fraction for per cent is a working slip, not put down to the exercise's misconception
    slips_table = index.split("Most common slips")[1].split("</table>")[0]
    assert "A working slip" in slips_table
    assert EXERCISE_MISCONCEPTIONS[slipped] not in slips_table
    assert "notes.docx" in index and "not a notebook" in index
    assert f"zed_{UNIT1}" in index and "no learner on the roster" in index
    assert re.search(r"dataset was changed \(data_dir = '\.\./my_copy'", html.unescape(index))

    # a rerun re-marks only what changed: Ben answers one exercise and returns it again
    again = marking.mark_class(pack, returned, out, progress=False)
    assert (again.marked, again.unchanged) == (0, 3)
    ben = nbformat.read(returned / "ben" / UNIT1, 4)
    answer(ben, 3, keys["ben"]["U1.E3"][0], reasons["ben"])
    time.sleep(0.01)
    nbformat.write(ben, returned / "ben" / UNIT1)
    third = marking.mark_class(pack, returned, out, progress=False)
    assert (third.marked, third.unchanged) == (1, 2)
    book = pd.read_csv(out / "gradebook.csv", encoding="utf-8-sig", keep_default_na=False)
    assert book.set_index(["learner_id", "exercise"]).at[("ben", "U1.E3"), "result"] == "right"


@pytest.mark.notebook
def test_a_notebook_that_hangs_or_breaks_is_marked_as_far_as_it_ran(pack, tmp_path):
    handed = nbformat.read(pack / "learners" / "ada" / UNIT1, 4)
    answer(handed, 1, answer_key(pack, "ada")["U1.E1"][0])
    cells = [c for c in handed.cells if "exercise" in c.metadata.get("tags", [])]
    cells[1].source = "my_answer = fcr_diference  # a typo\n" + cells[1].source
    cells[2].source = "import time\ntime.sleep(600)\n" + cells[2].source
    returned = tmp_path / "returned" / "ada"
    returned.mkdir(parents=True)
    nbformat.write(handed, returned / UNIT1)
    os.utime(returned / UNIT1)
    # the cells before the hang take under 5 s on an idle 2-core machine: 20 s leaves room for a
    # loaded one, and the test waits 20 s, not the 60 s it once did, for the limit to pass
    report = marking.mark_class(
        pack, returned.parent, tmp_path / "out", time_limit=20, progress=False
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


def test_flashcards_known_well_are_counted_from_fsrs_states(tmp_path):
    """A returned progress file's cards known well: FSRS review cards whose stability is 4 days
    or more (a 90% chance of recall 4 days on), old Leitner cards read as FSRS (box 4 is 8 days,
    box 2 is 2); a card still in its learning steps is reviewed but not known."""
    import json
    from datetime import UTC, datetime, timedelta

    from fsrs import Card, State

    from svcworkbook.learning import progress, scheduling

    now = datetime(2026, 11, 2, tzinfo=UTC)

    def fsrs(state, stability):
        card = Card(card_id=1, state=state, step=None if state == State.Review else 0,
                    stability=stability, difficulty=5.0, due=now + timedelta(days=3),
                    last_review=now)  # fmt: skip
        return scheduling.CardState(card, reviews=2).to_dict()

    cards = {
        "U2.C1": fsrs(State.Review, 10.0),  # known
        "U2.C2": fsrs(State.Review, 4.0),  # known: exactly 4 days
        "U2.C3": fsrs(State.Review, 3.9),  # not yet
        "U2.C4": fsrs(State.Learning, 6.0),  # still learning
        "U2.C5": {"box": 4, "due": "2026-11-10", "reviews": 3, "lapses": 0},  # 8 days: known
        "U2.C6": {"box": 2, "due": "2026-11-04", "reviews": 1, "lapses": 0},  # 2 days: not
        "U2.C7": {"nonsense": 1},  # not a card state
    }
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"format": progress.FORMAT, "answers": [], "cards": cards}))
    found = marking.quiz_results(path)
    assert found[2]["cards_reviewed"] == 7
    assert found[2]["cards_known"] == 3


@pytest.mark.parametrize(
    ("source", "error", "words", "typed"),
    [
        ("# Your turn\nmy_answer = 83.9%\ncheck(my_answer)", "SyntaxError: invalid syntax "
         "(26056729.py, line 2)", "Python could not read the answer as typed (my_answer = "
         "83.9%): type the number alone, without the % sign (83.9, not 83.9%)", "my_answer = 83.9%"),
        ("my_answer = 1,234.5", "SyntaxError: invalid syntax (1.py, line 1)",
         "Python could not read the answer as typed (my_answer = 1,234.5): type the number "
         "without commas (1234, not 1,234)", "my_answer = 1,234.5"),
        ("my_answer = thursday", "NameError: name 'thursday' is not defined",
         "the cell stopped with an error: NameError: name 'thursday' is not defined",
         "my_answer = thursday"),
    ],
)  # fmt: skip
def test_an_exercise_cell_error_is_put_in_words(source, error, words, typed):
    assert marking.error_in_words(source, error) == (words, typed)


def test_a_cell_that_could_not_run_or_was_deleted_says_so_in_the_feedback():
    """An outside tryout: '83.9%' gave 'Your answer (none)' and 'Replace None with your answer';
    a deleted cell gave empty fields. Now the answer as typed and what happened are shown."""
    ex = {"exercise": "U2.E3"}
    record = {"status": "not attempted", "message": "Replace None with your answer, then run the "
              "cell again.", "kind": "percent", "expected": 0.843, "hint": "Answered in time."}  # fmt: skip
    error = marking.error_in_words(
        "my_answer = 83.9%", "SyntaxError: invalid syntax (9.py, line 1)"
    )
    entry = marking.judged(ex, record, error, None, False)
    assert entry["result"] == "wrong" and entry["answer"] == "83.9%"
    assert entry["message"].startswith("Python could not read the answer as typed")
    assert "Replace None" not in entry["message"] and entry["expected_text"] == "84.3%"
    gone = marking.judged(ex, None, None, None, True)
    assert gone["note"] == "the exercise cell was deleted from the notebook"
    assert gone["name"] == exercises.exercise("U2.E3").title
    assert gone["hint"] == exercises.exercise("U2.E3").hint and gone["hint"]
    assert "Copy the cell back from the handout" in gone["message"]


def test_a_deleted_cell_takes_its_answer_from_the_learners_answer_key(tmp_path):
    """No check runs on a deleted cell, so the answer on the learner's data is read from their
    answer key (the tutor edition run on the same data, which records exercise_answers)."""
    from svcworkbook.teaching.session import RESULTS_MIME

    key = tmp_path / "04_reviewing_delivery.ipynb"
    cell = nbformat.v4.new_code_cell("wb.record(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        RESULTS_MIME: {"exercise_answers": {"U4.E2": 0.2134, "U4.E1": 0.58}}, "text/plain": "."})]  # fmt: skip
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), key)
    entries = [marking.judged({"exercise": "U4.E2"}, None, None, None, True)]
    marking._expected_from_key(entries, str(key))
    assert entries[0]["expected"] == 21.34 and entries[0]["expected_text"] == "21.3%"
    marking._expected_from_key(entries, str(tmp_path / "no-such-key.ipynb"))  # no key: as it was
    assert entries[0]["expected_text"] == "21.3%"
