"""The marking pages' pieces: hardest exercises, common slips, misconception links, escaping."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from svcworkbook.content import load_unit
from svcworkbook.teaching import cli, marking_pages
from svcworkbook.teaching.marking import NOT_RETURNED, MarkReport, unit_scores

RETURNED, MISSING = "", NOT_RETURNED


def book(rows):
    """A gradebook from (learner, exercise, result, slip, note) rows, unit 1."""
    return pd.DataFrame(
        [
            {"learner_id": who, "name": who.title(), "unit": 1, "exercise": e, "answer": "",
             "result": r, "slip": s, "expected": "", "note": n}
            for who, e, r, s, n in rows
        ]
    )  # fmt: skip


def test_every_linked_misconception_is_in_its_unit():
    for exercise, misconception in marking_pages.EXERCISE_MISCONCEPTIONS.items():
        unit = int(exercise[1])
        assert misconception.startswith(f"U{unit}.M")
        assert load_unit(unit).misconception(misconception).belief


def test_hardest_counts_only_learners_who_returned_the_unit():
    frame = book(
        [
            ("a", "U1.E1", "right", "", RETURNED),
            ("b", "U1.E1", "wrong", "", RETURNED),
            ("c", "U1.E1", "not attempted", "", MISSING),
            ("a", "U1.E2", "close", "a slip", RETURNED),
            ("b", "U1.E2", "close", "a slip", RETURNED),
            ("c", "U1.E2", "not attempted", "", MISSING),
        ]
    )
    ranked = marking_pages.hardest(frame)
    assert [r["exercise"] for r in ranked] == ["U1.E2", "U1.E1"]  # 0 of 2 right, then 1 of 2
    assert ranked[1]["learners"] == 2 and ranked[1]["share_right"] == 0.5
    assert marking_pages.common_slips(frame) == [("U1.E2", "a slip", 2)]


def test_mark_explains_a_folder_that_is_not_a_pack(tmp_path, capsys):
    status = cli.main(["mark", str(tmp_path), str(tmp_path), "--out", str(tmp_path / "o")])
    assert status == 1
    assert "is not a class pack" in capsys.readouterr().err


def test_a_working_slip_is_not_put_down_to_a_unit_misconception():
    from svcworkbook.learning.exercises import GENERIC_SLIPS

    fraction = GENERIC_SLIPS["fraction"].says
    frame = book(
        [
            ("a", "U1.E1", "close", fraction, RETURNED),
            ("b", "U1.E2", "wrong", "you compared the wrong structures", RETURNED),
            ("c", "U1.E3", "close", "not finished yet: say why", RETURNED),
        ]
    )
    names = {"a": "A", "b": "B", "c": "C"}
    report = MarkReport(out=Path("marked"))
    page = marking_pages.overview_page(names, [1], {1: []}, frame, report, {})
    fraction_row = next(r for r in page.split("<tr>") if "fraction of 1" in r)
    assert "A working slip" in fraction_row and "U1.M2" not in fraction_row  # U1.E1's own
    own_row = next(r for r in page.split("<tr>") if "wrong structures" in r)
    assert "U1.M3" in own_row  # the exercise's own slip keeps its misconception
    reason_row = next(r for r in page.split("<tr>") if "say why" in r)
    assert "the reason is missing" in reason_row and "U1.M1" not in reason_row  # U1.E3's own
    assert "id='U1.M3'" in page and "id='U1.M2'" not in page and "id='U1.M1'" not in page


def test_exercise_cells_deleted_or_stopped_are_listed_for_the_tutor():
    """An outside tryout: a deleted exercise cell and one that stopped with an error were not
    among the things to look at; each is listed now, with the learner and the exercise."""
    stopped = "Python could not read the answer as typed (my_answer = 83.9%): type the number alone"
    frame = book(
        [
            ("a", "U1.E1", "right", "", RETURNED),
            ("b", "U1.E2", "not attempted", "", "the exercise cell was deleted from the notebook"),
            ("c", "U1.E3", "wrong", "", stopped),
        ]
    )
    page = marking_pages.overview_page(
        {"a": "A", "b": "B", "c": "C"}, [1], {1: []}, frame, MarkReport(out=Path("marked")), {}
    )
    looked = page.split("<h2>Files and notebooks to look at</h2>")[1].split("<h2>")[0]
    assert "B (b), U1.E2: the exercise cell was deleted from the notebook" in looked
    assert "C (c), U1.E3: Python could not read the answer as typed" in looked
    assert "A (a)" not in looked


def test_the_feedback_gives_the_hint_once():
    """An outside tryout: 'Not right yet. Hint: ...' and then a Hint row said it twice."""
    entry = {
        "message": "Not right yet. Hint: Add Saturday and Sunday.",
        "hint": "Add Saturday and Sunday.",
    }
    assert marking_pages._without_hint(entry) == "Not right yet."
    assert marking_pages._without_hint({"message": "Right.", "hint": "x"}) == "Right."


def test_scores_leave_a_unit_not_handed_in_blank_and_write_whole_scores_whole():
    frame = book(
        [
            ("a", "U1.E1", "right", "", RETURNED),
            ("a", "U1.E2", "close", "", RETURNED),
            ("b", "U1.E1", "right", "", RETURNED),
            ("b", "U1.E2", "right", "", RETURNED),
            ("c", "U1.E1", "not attempted", "", MISSING),
            ("c", "U1.E2", "not attempted", "", MISSING),
        ]
    )
    scores = unit_scores(frame, {}).set_index("learner_id")["score"].to_dict()
    assert scores == {"a": 1.5, "b": 2, "c": ""}  # right 1 + close 1/2; two right; not handed in
    assert isinstance(scores["b"], int)
