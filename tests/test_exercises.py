"""Exercise feedback: right, close with the slip named, wrong with a hint, never leaking."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from svcworkbook.learning.exercises import Feedback, check


def test_none_asks_for_an_answer():
    feedback = check(None, 0.72, kind="rate")
    assert feedback.status == "missing"
    assert "Replace None with your answer" in str(feedback)


@pytest.mark.parametrize("answer", [0.72, 72, "72%", "0.72", 0.7203])
def test_a_rate_is_right_as_a_fraction_or_a_percentage(answer):
    assert check(answer, 0.7204, kind="rate").status == "right"


def test_a_named_slip_is_recognised_even_as_a_percentage():
    slips = {"you divided by all contacts, including abandoned ones": 0.64}
    for answer in (0.64, 64):
        feedback = check(answer, 0.72, kind="rate", slips=slips)
        assert feedback.status == "close"
        assert "including abandoned ones" in feedback.message


def test_a_fraction_divided_by_100_twice_is_close():
    feedback = check(0.0072, 0.72, kind="rate")
    assert feedback.status == "close" and "not 0.0082" in feedback.message


def test_wrong_gives_the_hint_but_never_the_answer_to_a_learner():
    feedback = check(0.5, 0.7204, kind="rate", hint="Leave out abandoned calls.")
    assert feedback.status == "wrong"
    assert "Hint: Leave out abandoned calls." in str(feedback)
    for text in (str(feedback), feedback._repr_html_()):
        assert "72" not in text and "0.7204" not in text


def test_the_tutor_edition_shows_the_answer():
    feedback = check(0.5, 0.7204, kind="rate", edition="tutor")
    assert "72.0% (0.7204)" in str(feedback)


def test_numbers_counts_and_choices():
    assert check(372.4, 372.0, kind="number").status == "right"  # within 0.5%
    assert check(385, 372.0, kind="number").status == "close"  # within 5%
    assert check(500, 372.0, kind="number").status == "wrong"
    assert check(41, 41, kind="count").status == "right"
    assert check(42, 41, kind="count").status == "close"
    assert check(" Reliability ", "reliability", kind="choice").status == "right"
    slip = {"you chose the largest gap without weighting it": "responsiveness"}
    assert (
        "without weighting"
        in check("responsiveness", "reliability", kind="choice", slips=slip).message
    )
    assert check("12 agents", 12, kind="count").status == "wrong"


def test_learner_text_is_escaped_in_html():
    html = Feedback("wrong", "<script>alert(1)</script>", name="<b>x</b>")._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html


def test_bad_kind_or_edition_is_refused():
    with pytest.raises(ValueError, match="kind must be"):
        check(1, 1, kind="ratio")
    with pytest.raises(ValueError, match="edition must be"):
        check(1, 1, edition="student")


@given(st.floats(0, 1, allow_nan=False), st.floats(0, 1, allow_nan=False))
def test_the_expected_value_is_always_right_and_never_leaks(expected, other):
    assert check(expected, expected, kind="rate").status == "right"
    feedback = check(other, expected, kind="rate")
    if feedback.status != "right":
        assert feedback.answer_shown is None
