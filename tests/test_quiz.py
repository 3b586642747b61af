"""Quiz: seeded shuffles, scoring, feedback, retry of missed questions, saved answers."""

import pytest

from svcworkbook.content import load_unit
from svcworkbook.learning import progress, quiz


def wrong_option(question):
    return next(i for i in range(len(question.options)) if i != question.answer)


def test_options_are_shuffled_by_seed_and_always_the_same_for_a_seed():
    question = next(q for q in load_unit(2).questions if q.kind == "multiple_choice")
    orders = {tuple(quiz.option_order(question, seed)) for seed in range(20)}
    assert len(orders) > 1  # different seeds, different orders
    assert quiz.option_order(question, 7) == quiz.option_order(question, 7)
    assert sorted(quiz.option_order(question, 7)) == list(range(len(question.options)))


def test_a_seeded_sample_of_questions_in_unit_order():
    unit = load_unit(3)
    chosen = quiz.choose_questions(unit, n=5, seed=4)
    assert chosen == quiz.choose_questions(unit, n=5, seed=4)
    positions = [unit.questions.index(q) for q in chosen]
    assert positions == sorted(positions) and len(set(positions)) == 5
    with pytest.raises(ValueError, match="n must be a whole number from 1 to"):
        quiz.choose_questions(unit, n=0)


def test_scoring_feedback_and_retry_of_missed_questions(tmp_path):
    unit = load_unit(1)
    session = quiz.QuizSession(unit, unit.questions[:3], seed=1, learner="ada", home=tmp_path)
    first = session.current
    result = session.answer(wrong_option(first))
    assert not result.correct
    right_letter = next(letter for letter, i, _ in session.options(first) if i == first.answer)
    assert result.message.startswith(f"Not quite: the answer is {right_letter}.")
    assert first.explanation in result.message
    with pytest.raises(ValueError, match="already answered"):
        session.answer(first.answer)
    for _ in range(2):
        session.next()
        assert session.answer(session.current.answer).correct
    session.next()
    assert session.finished and session.score() == (2, 3)
    assert [q.id for q in session.retry_missed()] == [first.id]
    assert session.answer(right_letter).correct  # answered by the letter shown
    saved = progress.load_progress("ada", tmp_path).answers_frame()
    assert len(saved) == 4 and saved["correct"].sum() == 3


def test_without_a_front_end_the_quiz_is_readable_text():
    shown = quiz.quiz(2, n=2, seed=3, save=False)
    text = str(shown)
    assert "Quiz: Unit 2" in text and "A. " in text
    bundle = shown._repr_mimebundle_()
    assert "text/plain" in bundle and "text/html" in bundle
    assert "<script" not in bundle["text/html"]
