"""Exercise checks: right at the stated precision, each slip named only when the answer matches
it, percentage points apart from per cent, text in any case, and never the answer to a learner."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from svcworkbook.learning import exercises, progress
from svcworkbook.learning.exercises import define, judge

SHARE = define(
    "U5.E8", 5, "a test share", "percent", decimals=1,
    hint="Divide the contacts resolved at the first contact by the contacts answered.",
    slips={"every contact": "you divided by every contact, including abandoned calls"},
)  # fmt: skip
POINTS = define(
    "U5.E9", 5, "a test difference", "points", decimals=1,
    slips={"percent change": "that is the percent change (after / before - 1), not the "
           "difference in percentage points"},
)  # fmt: skip
COUNT = define("U4.E9", 4, "a test count", "count", noun="staff")
NUMBER = define("U4.E8", 4, "a test score", "number", decimals=1)
CHOICE = define(
    "U3.E9", 3, "a test choice", "choice", options=("reliability", "empathy", "tangibles"),
    slips={"unweighted": "you chose the largest gap without weighting it"},
)  # fmt: skip


@pytest.fixture(autouse=True)
def learner_session(tmp_path):
    """Each test checks in a learner edition with its own learner folder."""
    exercises.begin(5, "learner", "tess", tmp_path)
    yield tmp_path
    exercises.begin(None)


def result(spec, answer, expected, slips=None):
    """(result, slip) of judging answer."""
    judged = judge(spec, answer, expected, slips)
    return judged.result, judged.slip


@pytest.mark.parametrize("answer", [74.2, "74.2", "74.2%", " 74.2 % ", 74.16, 74.24, 74.249])
def test_any_answer_that_rounds_to_the_expected_percentage_is_right(answer):
    assert result(SHARE, answer, 0.74163) == ("right", None)


@pytest.mark.parametrize("answer", [74.25, 74.3, 74.0, 75])
def test_an_answer_that_rounds_elsewhere_is_not_right(answer):
    assert result(SHARE, answer, 0.74163)[0] != "right"


def test_the_fraction_for_a_percentage_is_a_close_slip_only_when_it_matches():
    assert result(SHARE, 0.742, 0.74163) == ("close", "fraction")
    assert result(SHARE, 0.7416, 0.74163) == ("close", "fraction")
    assert result(SHARE, 0.74, 0.74163) == ("close", "rounded too far")  # 74 = 74.2 rounded to 0
    assert result(SHARE, 0.75, 0.74163) == ("wrong", None)  # 75%: no slip gives that


def test_truncation_is_named_as_truncation_not_a_wrong_denominator():
    # 74.16...% truncated is 74.1; the unit's slip (every contact: 64.0%) does not match it
    slips = {"every contact": 0.64}
    assert result(SHARE, 74.1, 0.74163, slips) == ("close", "truncated")
    judged = judge(SHARE, 0.741, 0.74163, slips)
    assert (judged.result, judged.slip) == ("close", "truncated")
    assert "not as a fraction" in judged.message
    assert "denominator" not in judged.message and "every contact" not in judged.message


def test_rounding_to_fewer_places_than_asked_is_named():
    assert result(SHARE, 74, 0.74163) == ("close", "rounded too far")
    # when rounding to fewer places gives the right figure, it is simply right
    assert result(SHARE, 74, 0.74004) == ("right", None)


def test_a_units_slip_is_named_only_when_the_answer_matches_its_value():
    slips = {"every contact": 0.64}
    assert result(SHARE, 64.0, 0.74163, slips) == ("wrong", "every contact")
    assert result(SHARE, "64%", 0.74163, slips) == ("wrong", "every contact")
    assert result(SHARE, 0.64, 0.74163, slips) == ("wrong", "every contact")
    assert result(SHARE, 63.0, 0.74163, slips) == ("wrong", None)
    assert result(SHARE, 65.0, 0.74163, slips) == ("wrong", None)
    judged = judge(SHARE, 64.0, 0.74163, slips)
    assert "abandoned calls" in judged.message and "Hint:" in judged.message


def test_a_slip_that_gives_the_right_figure_is_not_diagnosed():
    assert result(SHARE, 74.2, 0.74163, {"every contact": 0.7419}) == ("right", None)


def test_percentage_points_are_not_per_cent():
    # FCR rose from 0.62 to 0.649: +2.9 percentage points, a 4.7% rise
    before, after = 0.62, 0.649
    slips = {"percent change": after / before - 1}
    assert result(POINTS, 2.9, after - before, slips) == ("right", None)
    assert result(POINTS, "2.9 pp", after - before, slips) == ("right", None)
    assert result(POINTS, 4.7, after - before, slips) == ("wrong", "percent change")
    assert result(POINTS, 0.029, after - before, slips) == ("close", "fraction")
    assert result(POINTS, -2.9, after - before, slips) == ("wrong", "wrong way round")
    assert "Right (given as a percentage)" not in judge(POINTS, 2.9, after - before).message


def test_counts_are_whole_numbers_and_numbers_round_at_their_precision():
    assert result(COUNT, 13, 13) == ("right", None)
    assert result(COUNT, "13", 13) == ("right", None)
    assert result(COUNT, 12, 13) == ("wrong", None)  # no slip matches: no "close" guess
    assert result(NUMBER, 35.24, 35.2) == ("right", None)
    assert result(NUMBER, 35.3, 35.24) == ("wrong", None)
    assert result(NUMBER, 35, 35.24) == ("close", "rounded too far")


@pytest.mark.parametrize("answer", ["Reliability", "RELIABILITY", " reliability ", '"reliability"'])
def test_text_answers_in_any_case(answer):
    assert result(CHOICE, answer, "reliability") == ("right", None)


def test_a_choice_slip_and_an_answer_that_is_not_an_option():
    assert result(CHOICE, "Empathy", "reliability", {"unweighted": "empathy"}) == (
        "wrong",
        "unweighted",
    )
    judged = judge(CHOICE, "speed", "reliability")
    assert judged.result == "wrong" and '"tangibles"' in judged.message


def test_not_attempted_and_not_a_number():
    assert result(SHARE, None, 0.74) == ("not attempted", None)
    judged = judge(SHARE, "about three quarters", 0.74)
    assert judged.result == "wrong" and "to one decimal place" in judged.message


def test_feedback_is_in_words_never_code():
    specs = [SHARE, POINTS, COUNT, NUMBER, CHOICE, *exercises.GENERIC_SLIPS.values()]
    for spec in specs[:5]:
        for answer in (None, 1, 74.1, "x", 0.742):
            message = judge(spec, answer, 0.74163 if spec.kind != "choice" else "empathy").message
            assert "`" not in message and "()" not in message and "kpi." not in message


def test_a_learner_edition_never_shows_or_keeps_the_answer(learner_session):
    for answer in (None, 50, 74.2, 0.742):
        feedback = exercises.check(SHARE, answer, 0.74163)
        assert feedback.answer_shown is None
        for text in (str(feedback), feedback._repr_html_()):
            assert "74.2" not in text.replace(str(answer), "") and "0.7416" not in text
    assert exercises.current().answers == {}


def test_the_check_takes_its_edition_from_the_session_not_the_cell():
    with pytest.raises(TypeError):
        exercises.check(SHARE, 50, 0.74163, edition="tutor")  # type: ignore[call-arg]
    exercises.begin(5, "tutor", "tess")
    feedback = exercises.check(SHARE, None, 0.74163)
    assert "Tutor edition: the answer is 74.2%." in str(feedback)
    assert exercises.current().answers == {"U5.E8": 0.74163}


def test_every_check_in_a_learner_edition_saves_the_attempt(learner_session):
    exercises.check(SHARE, 50, 0.74163)
    exercises.check(SHARE, 0.742, 0.74163)
    exercises.check(SHARE, "74.2%", 0.74163)
    exercises.check(SHARE, None, 0.74163)  # nothing attempted: nothing saved
    saved = progress.load_progress("tess", learner_session).attempts_frame()
    assert saved["exercise"].tolist() == ["U5.E8"] * 3
    assert saved["answer"].tolist() == [50, 0.742, "74.2%"]
    assert saved["result"].tolist() == ["wrong", "close", "right"]
    assert saved["slip"].tolist() == [None, "fraction", None]
    assert saved["unit"].tolist() == [5, 5, 5]
    shown = str(exercises.check(SHARE, None, 0.74163))
    assert "Your last saved attempt: 74.2% (right" in shown


def test_the_attempt_is_in_the_output_for_marking_without_the_answer():
    bundle = exercises.check(SHARE, 64, 0.74163, {"every contact": 0.64})._repr_mimebundle_()
    assert bundle[exercises.ATTEMPT_MIME] == {
        "exercise": "U5.E8", "answer": 64, "result": "wrong", "slip": "every contact",
    }  # fmt: skip


def test_precision_words_and_printed_forms():
    assert SHARE.precision_words == "to one decimal place"
    assert COUNT.precision_words == "as a whole number"
    assert SHARE.printed_forms(0.74163) == ["74.2%", "0.742"]
    assert COUNT.printed_forms(12) == ["12 staff"]
    assert POINTS.shown(0.029) == "+2.9 percentage points"


def test_bad_specs_and_ids_are_refused():
    with pytest.raises(ValueError, match="must look like U2.E1"):
        define("U2-1", 2, "x", "count")
    with pytest.raises(ValueError, match="kind must be"):
        define("U2.E9", 2, "x", "ratio")
    with pytest.raises(KeyError, match="no exercise 'U1.E99'"):
        exercises.exercise("U1.E99")
    with pytest.raises(KeyError, match="no slip"):
        judge(SHARE, 1, 0.5, {"made up": 0.1})


def _half_up(value: float, places: int) -> float:
    """value rounded half up, worked out independently of the module (by string decimal)."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@given(st.floats(0, 1, allow_nan=False), st.floats(-0.0499, 0.0499))
def test_the_expected_value_at_the_stated_precision_is_always_right(expected, wobble):
    answer = _half_up(expected * 100, 1)
    assert judge(SHARE, answer, expected).result == "right"
    nudged = answer + wobble
    if _half_up(nudged, 1) == answer:
        assert judge(SHARE, nudged, expected).result == "right"


@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99), st.floats(0, 100))
def test_a_slip_is_only_named_when_the_answer_matches_it(expected, other, answer):
    judged = judge(SHARE, answer, expected, {"every contact": other})
    if judged.slip == "every contact":
        slip = _half_up(other * 100, 1)
        assert slip in (_half_up(answer, 1), _half_up(answer * 100, 1))
    if judged.slip == "fraction":
        assert _half_up(answer * 100, 1) == _half_up(expected * 100, 1)
    if judged.slip == "truncated":
        assert math.floor(expected * 1000 + 1e-9) / 10 in (answer, round(answer * 100, 10))


def test_a_saved_attempt_is_shown_for_people_not_as_a_raw_float():
    from svcworkbook.learning import exercises as ex

    spec = ex.define("U5.E97", 5, "A test share", "percent", decimals=1)
    words = ex._answer_in_words(84.33704904020799, spec)
    assert words == f"{84.33704904020799:.{spec.decimals + 2}f}".rstrip("0").rstrip(".")
    assert len(words.split(".")[-1]) <= spec.decimals + 2
    assert ex._answer_in_words(12.0, spec) == "12"
    assert ex._answer_in_words("reliability", spec) == "reliability"
