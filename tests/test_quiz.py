"""Quiz: seeded shuffles per learner and round, scoring, numeric answers, retry at any time,
and a quiz that carries on after a restart from what is saved in progress."""

import re

import pytest

from svcworkbook.content import load_unit
from svcworkbook.learning import progress, quiz
from svcworkbook.learning.quiz_widget import COLOURS, FOCUS, QuizView


def wrong_option(question):
    return next(i for i in range(len(question.options)) if i != question.answer)


def first(unit, kind):
    return next(q for q in unit.questions if q.kind == kind)


def test_options_are_shuffled_by_seed_learner_and_round():
    question = first(load_unit(2), "multiple_choice")
    orders = {tuple(quiz.option_order(question, seed)) for seed in range(20)}
    assert len(orders) > 1  # different seeds, different orders
    assert quiz.option_order(question, 7) == quiz.option_order(question, 7)
    assert sorted(quiz.option_order(question, 7)) == list(range(len(question.options)))
    by_round = {tuple(quiz.option_order(question, 7, "ada", r)) for r in range(1, 21)}
    by_learner = {tuple(quiz.option_order(question, 7, name, 1)) for name in "abcdefghij"}
    assert len(by_round) > 1 and len(by_learner) > 1
    tf = first(load_unit(2), "true_false")
    assert quiz.option_order(tf, 3, "ada", 2) == [0, 1]  # True, False in that order always


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
    choice = [q for q in unit.questions if q.kind == "multiple_choice"][:3]
    session = quiz.QuizSession(unit, choice, seed=1, learner="ada", home=tmp_path)
    asked = session.current
    result = session.answer(wrong_option(asked))
    assert not result.correct
    right_letter = next(letter for letter, i, _ in session.options(asked) if i == asked.answer)
    assert result.message.startswith(f"Not quite: the answer is {right_letter}.")
    assert asked.explanation in result.message
    with pytest.raises(ValueError, match="already answered"):
        session.answer(asked.answer)
    for _ in range(2):
        session.next()
        assert session.answer(session.current.answer).correct
    session.next()
    assert session.finished and session.score() == (2, 3)
    assert [q.id for q in session.retry_missed()] == [asked.id]
    letter = next(letter for letter, i, _ in session.options(asked) if i == asked.answer)
    assert session.answer(letter).correct  # answered by the letter shown this round
    saved = progress.load_progress("ada", tmp_path).answers_frame()
    assert len(saved) == 4 and saved["correct"].sum() == 3


def test_retry_missed_works_before_the_round_is_finished(tmp_path):
    unit = load_unit(2)
    session = quiz.QuizSession(unit, unit.questions[:5], seed=0, learner="bo", home=tmp_path)
    missed = session.current
    session.answer(wrong_option(missed))
    with pytest.raises(ValueError, match="no missed"):
        quiz.QuizSession(unit, unit.questions[:5], save=False).retry_missed()
    session.retry_missed()  # one of five answered, and that one wrong
    assert session.round == 2
    assert [q.id for q in session.round_questions] == [q.id for q in unit.questions[:5]]
    assert session.current.id == missed.id


@pytest.mark.parametrize(
    ("typed", "value"),
    [("75", 75.0), ("75%", 75.0), (" 1,200 ", 1200.0), ("+35", 35.0), ("-1.3", -1.3), (".5", 0.5)],
)
def test_typed_figures_are_read(typed, value):
    assert quiz.parse_figure(typed) == value


@pytest.mark.parametrize("typed", ["", "abc", "7 5", "--3", "1.2.3"])
def test_a_typed_figure_that_is_not_a_number_is_refused(typed):
    with pytest.raises(ValueError, match="number"):
        quiz.parse_figure(typed)


def test_numeric_questions_accept_the_figure_within_tolerance(tmp_path):
    unit = load_unit(2)
    question = next(q for q in unit.questions if q.id == "U2.Q2")
    session = quiz.QuizSession(unit, [question, question.model_copy(update={"id": "U2.Q99"})],
                               learner="cy", home=tmp_path)  # fmt: skip
    result = session.answer(f"{question.answer + question.tolerance}%")
    assert result.correct
    session.next()
    result = session.answer(str(300 / 360 * 100))  # abandoned calls left out: 83%
    assert not result.correct
    assert result.message.startswith("Not quite: the answer is 75%.")
    saved = progress.load_progress("cy", tmp_path).answers_frame()
    assert saved["chosen"].tolist() == [75.5, pytest.approx(83.33, abs=0.01)]


def test_the_quiz_carries_on_after_a_restart(tmp_path):
    unit = load_unit(1)
    shown = quiz.quiz(unit, learner="di", home=tmp_path, seed=2, n=6)
    s = shown.session
    s.answer(wrong_option(s.current))
    s.next()
    s.answer(s.current.answer)
    s.next()
    where = (s.round, s.position, dict(s.round_results), [q.id for q in s.missed()])
    # a new kernel: nothing in memory, only the learner's progress file
    again = quiz.quiz(1, learner="di", home=tmp_path, seed=2, n=6).session
    assert again.resumed
    assert (again.round, again.position, again.round_results, [q.id for q in again.missed()]) == (
        where[0], where[1], where[2], where[3])  # fmt: skip
    again.retry_missed()
    third = quiz.quiz(1, learner="di", home=tmp_path, seed=2, n=6).session
    assert third.round == 2 and third.current.id == where[3][0]
    # another quiz (other questions) or another learner starts at question 1
    assert quiz.quiz(1, learner="di", home=tmp_path, seed=2, n=5).session.position == 0
    assert quiz.quiz(1, learner="ed", home=tmp_path, seed=2, n=6).session.position == 0
    assert not quiz.quiz(1, learner="di", home=tmp_path, seed=2, n=6, resume=False).session.resumed


def test_a_saved_state_for_a_changed_bank_starts_afresh(tmp_path):
    unit = load_unit(1)
    session = quiz.QuizSession(unit, unit.questions[:3], learner="fa", home=tmp_path)
    session.answer(session.current.answer)
    progress.save_quiz_state(session.key, {"round": "x"}, "fa", tmp_path)
    fresh = quiz.QuizSession(unit, unit.questions[:3], learner="fa", home=tmp_path, resume=True)
    assert not fresh.resumed and fresh.position == 0


def test_the_widget_answers_moves_on_and_retries_like_the_front_end(tmp_path):
    unit = load_unit(1)
    session = quiz.quiz(unit, learner="gu", home=tmp_path, n=4, seed=1).session
    view = QuizView(session)
    asked = session.current
    wrong = next(
        o["letter"] for o in view.view["options"] if o["text"] != asked.options[asked.answer]
    )
    view.press("answer", choice=wrong)
    states = {o["letter"]: o["state"] for o in view.view["options"]}
    assert states[wrong] == "wrong" and list(states.values()).count("right") == 1
    assert view.view["feedback"]["kind"] == "wrong" and view.view["can_retry"]
    assert view.view["retry_label"] == "Retry missed (1)"
    view.press("next")
    assert view.view["feedback"] is None and session.position == 1
    view.press("retry")
    assert session.round == 2 and session.current.id == asked.id
    assert "retry 1" in view.view["where"]


def test_the_widget_takes_a_typed_figure_and_shows_a_bad_one_as_a_message(tmp_path):
    unit = load_unit(2)
    session = quiz.quiz(unit, learner="ha", home=tmp_path, questions=["U2.Q2"]).session
    view = QuizView(session)
    assert view.view["kind"] == "numeric" and view.view["options"] == []
    view.press("answer", value="seventy")
    assert "not a number" in view.view["feedback"]["text"] and not session.answered
    view.press("answer", value="75")
    assert view.view["feedback"]["kind"] == "right" and session.answered


def test_a_resumed_widget_shows_the_feedback_of_the_answered_question(tmp_path):
    unit = load_unit(3)
    ids = ["U3.Q4", "U3.Q9"]
    session = quiz.quiz(unit, learner="io", home=tmp_path, questions=ids).session
    session.answer(wrong_option(session.current))
    again = QuizView(quiz.quiz(unit, learner="io", home=tmp_path, questions=ids).session)
    assert again.view["answered"] and again.view["feedback"]["kind"] == "wrong"


def test_the_front_end_suppresses_notebook_shortcuts_and_answers_by_number_keys():
    esm = QuizView._esm.default_value
    assert 'setAttribute("data-lm-suppress-shortcuts", "true")' in esm
    assert "Number(event.key)" in esm and "aria-live" in esm


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of #rrggbb."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_against_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#4caf50") == pytest.approx(2.78, abs=0.01)  # ipywidgets success


@pytest.mark.parametrize("state", sorted(COLOURS))
def test_every_state_has_text_contrast_of_at_least_4_5(state):
    text, background = COLOURS[state]
    assert contrast(text, background) >= 4.5, (state, round(contrast(text, background), 2))
    assert re.search(rf"{text}", QuizView._css.default_value)


def test_focus_ring_is_visible_against_white_and_the_buttons():
    assert contrast(FOCUS, "#ffffff") >= 3  # WCAG 1.4.11 non-text contrast
    assert "outline: 3px solid" in QuizView._css.default_value


def test_without_a_front_end_the_quiz_is_readable_text():
    shown = quiz.quiz(2, n=4, seed=3, save=False)
    text = str(shown)
    assert "Quiz: Unit 2" in text and "A. " in text
    bundle = shown._repr_mimebundle_()
    assert "text/plain" in bundle and "text/html" in bundle
    assert "<script" not in bundle["text/html"]
    numeric = str(quiz.quiz(2, questions=["U2.Q2"], save=False))
    assert "type the figure (in %)" in numeric and "75" not in numeric.split("\n", 3)[3]
