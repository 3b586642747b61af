"""Progress summary: scores per unit, weakest concepts, what to revise next."""

import pytest

from svcworkbook.learning import progress


def test_the_learner_folder_follows_home_then_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SVCWORKBOOK_HOME", str(tmp_path / "env"))
    assert progress.learner_home("ada") == tmp_path / "env" / "ada"
    assert progress.learner_home("ada", tmp_path / "arg") == tmp_path / "arg" / "ada"
    with pytest.raises(ValueError, match="cannot be used as a folder name"):
        progress.learner_home("../etc")


def test_scores_and_weakest_concepts_worked_by_hand(tmp_path):
    answers = [("U2.Q1", True, "U2.C1"), ("U2.Q2", False, "U2.C2"), ("U2.Q3", False, "U2.C2"),
               ("U2.Q4", True, "U2.C2"), ("U3.Q1", True, "U3.C1")]  # fmt: skip
    for question, correct, concept in answers:
        progress.record_answer(
            int(question[1]), question, 0, correct, learner="lee", home=tmp_path, concept=concept
        )
    loaded = progress.load_progress("lee", tmp_path).answers_frame()
    scores = progress.unit_scores(loaded).set_index("unit")
    assert scores.loc[2, "right_now"] == 2 and scores.loc[2, "answered"] == 4
    strength = progress.concept_strength(loaded).set_index("concept")
    assert strength.loc["U2.C2", "share_right"] == pytest.approx(1 / 3)
    text = str(progress.summary("lee", tmp_path))
    assert "U2.C2" in text and text.index("U2.C2") < text.index("Unit 4: no quiz answers yet")


def test_summary_per_unit_by_hand(tmp_path):
    from datetime import UTC, datetime

    from svcworkbook.content import load_unit
    from svcworkbook.learning import flashcards

    units = [load_unit(1), load_unit(2)]
    for question, correct, concept in [("U1.Q1", False, "U1.C4"), ("U1.Q3", False, "U1.C4"),
                                       ("U1.Q13", True, "U1.C3"), ("U1.Q8", False, "U1.C2"),
                                       ("U1.Q14", True, "U1.C2"), ("U1.Q9", True, "U1.C1")]:  # fmt: skip
        progress.record_answer(
            1, question, 0, correct, learner="mo", home=tmp_path, concept=concept
        )
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    flashcards.record_review("U1.C1", "easy", learner="mo", home=tmp_path, now=now)  # not due
    flashcards.record_review("U1.C2", "again", learner="mo", home=tmp_path, now=now)  # due today

    def add_attempts(data):
        data["exercises"] = [
            {"id": "U1.E1", "answer": 3, "verdict": "wrong", "at": "2026-03-02T09:00:00+00:00"},
            {"id": "U1.E1", "answer": 5, "verdict": "right", "at": "2026-03-02T09:05:00+00:00"},
            {"id": "U1.E2", "answer": 7, "verdict": "close", "at": "2026-03-02T09:06:00+00:00"},
        ]
        return data

    progress.update_progress(add_attempts, "mo", tmp_path)
    shown = progress.summary("mo", tmp_path, units=units, today="2026-03-02")
    table = shown.units.set_index("unit")
    assert table.loc[1, "quiz"] == "3 of 6 right (50%)"
    cards_unit1 = len(units[0].concepts) + len(units[0].marking_points)
    assert table.loc[1, "cards_due"] == cards_unit1 - 1  # all but the card rated easy
    assert table.loc[1, "exercises_done"] == 1  # E1 right at the latest try, E2 only close
    assert table.loc[1, "weakest"] == [
        "Legal and regulatory compliance (0 of 2 right)",
        "Service standards and measurement (1 of 2 right)",
        "Customer service principles (1 of 1 right)",  # ties: lower concept id first (C1)
    ]
    assert table.loc[2, "quiz"] == "not started" and table.loc[2, "exercises_done"] == 0
    assert table.loc[2, "weakest"] == []
    page = shown._repr_html_()
    assert "<a href='01_service_environment.ipynb'>Unit 1:" in page
    assert "<a href='02_reliable_delivery.ipynb'>Unit 2:" in page
    text = str(shown)
    assert "0 exercises done" in text and "nan" not in text and "None" not in text


def test_exercise_attempts_are_saved_with_the_quiz_and_summarised(tmp_path):
    attempts = [("U2.E2", 0.741, "close", "truncated"), ("U2.E2", 74.2, "right", None),
                ("U2.E1", 12, "wrong", "plan's shrinkage"), ("U3.E1", "64%", "wrong", None)]  # fmt: skip
    for exercise, answer, result, slip in attempts:
        progress.record_attempt(exercise, answer, result, slip, learner="lee", home=tmp_path)
    progress.record_answer(2, "U2.Q1", 0, True, learner="lee", home=tmp_path, concept="U2.C1")
    saved = progress.load_progress("lee", tmp_path)
    frame = saved.attempts_frame()
    assert frame["exercise"].tolist() == ["U2.E2", "U2.E2", "U2.E1", "U3.E1"]
    assert frame["unit"].tolist() == [2, 2, 2, 3] and frame["answer"].iloc[3] == "64%"
    assert len(saved.answers) == 1  # quiz answers kept beside the attempts
    latest = progress.latest_attempts(frame).set_index("exercise")
    assert latest.loc["U2.E2", "result"] == "right" and latest.loc["U2.E2", "tries"] == 2
    scores = progress.exercise_scores(frame).set_index("unit")
    # unit 2: U2.E2 right now (not first time), U2.E1 wrong -> 1 of 2 right now, 0 first time
    assert scores.loc[2].tolist() == [2, 1, 0] and scores.loc[3].tolist() == [1, 0, 0]
    summary = progress.summary("lee", tmp_path)
    text = str(summary)
    assert "Unit 2: 1 of 1 questions right now" in text
    assert "exercises: 1 of 2 tried are right now, 0 right first time" in text
    assert "Unit 3: exercises: 0 of 1 tried are right now" in text
    redo = [item for item in summary.revise_next if "redo exercise" in item]
    assert redo[0].startswith("Unit 2: redo exercise U2.E1")
    assert "wrong, slip: plan's shrinkage after 1 try" in redo[0]
    assert redo[1].startswith("Unit 3: redo exercise U3.E1") and len(redo) == 2
    assert "Exercises" in summary._repr_html_()


def test_a_bad_attempt_is_refused_and_an_old_file_without_attempts_still_reads(tmp_path):
    with pytest.raises(ValueError, match="must look like U2.E1"):
        progress.record_attempt("unit 2 ex 1", 1, "right", learner="lee", home=tmp_path)
    with pytest.raises(ValueError, match="result must be one of"):
        progress.record_attempt("U2.E1", 1, "maybe", learner="lee", home=tmp_path)
    path = progress.progress_path("old", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{"format": "svcworkbook-progress", "version": 1, "answers": [], "cards": {}}')
    assert progress.load_progress("old", tmp_path).attempts == []
    progress.record_attempt("U1.E1", 35.2, "right", learner="old", home=tmp_path)
    assert progress.load_progress("old", tmp_path).attempts_frame()["answer"].tolist() == [35.2]
