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
