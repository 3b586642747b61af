"""Choose and justify: a right choice is right only with a reason that names what justifies it;
an empty reason is "not finished yet: say why"; the reason is saved with the attempt (one write),
shown back with it, and read by marking. Solution cells run in the tutor edition only."""

from __future__ import annotations

import json

import pytest

from svcworkbook.learning import exercises, progress, reasons, solutions
from svcworkbook.learning.reasons import Because
from svcworkbook.teaching import marking_probe

PICK = exercises.define(
    "U5.E96", 5, "a test pick", "choice", options=("reliability", "empathy", "tangibles"),
    slips={"unweighted": "you chose the largest gap without weighting it"},
    reason="that dimension's importance-weighted gap",
)  # fmt: skip
GAP = Because(figures=(-0.8347,))


@pytest.fixture(autouse=True)
def learner_session(tmp_path):
    exercises.begin(5, "learner", "rhys", tmp_path)
    yield tmp_path
    exercises.begin(None)


@pytest.mark.parametrize(
    ("reason", "result", "slip"),
    [
        (None, "close", "no reason"),
        ("   ", "close", "no reason"),
        ("it is the worst one", "close", "reason unchecked"),
        ("its weighted gap, -0.83, is the most negative", "right", None),
        ("a weighted gap of 0.835", "right", None),  # the size, to three places
        ("a weighted gap of 0.84", "close", "reason unchecked"),  # -0.8347 is -0.83
        ("weighted gap 0.8", "right", None),
    ],
)
def test_a_right_choice_needs_a_reason_naming_the_figure(reason, result, slip):
    judged = exercises.judge(PICK, "Reliability", "reliability", {}, reason, GAP)
    assert (judged.result, judged.slip) == (result, slip)
    if slip == "no reason":
        assert "not finished yet: say why" in judged.message
    if result != "right":
        assert PICK.reason in judged.message and "0.83" not in judged.message  # no answer given


def test_a_wrong_choice_stays_wrong_whatever_the_reason():
    judged = exercises.judge(PICK, "empathy", "reliability", {"unweighted": "empathy"}, "0.83", GAP)
    assert (judged.result, judged.slip) == ("wrong", "unweighted")
    assert judged.reason == "0.83"


def test_shares_are_named_in_per_cent_or_as_a_fraction_at_the_places_written():
    because = Because(shares=(0.71234,))
    for text in ("71.2%", "about 71%", "0.712", "71.23 per cent"):
        assert reasons.names(text, because), text
    for text in ("71.3%", "72%", "0.7", "seventy-one"):
        assert not reasons.names(text, because), text


def test_word_groups_must_all_be_named():
    because = Because(words=(("linked", "chance"), ("target",)))
    assert reasons.names("The gain is linked to training but below target", because)
    assert not reasons.names("The gain is linked to training", because)
    assert not reasons.names("below target", because)


def test_the_reason_is_saved_with_the_attempt_and_shown_back(learner_session):
    exercises.check(PICK, "reliability", "reliability", reason=None, because=GAP)
    exercises.check(PICK, "reliability", "reliability", reason="gap of -0.83", because=GAP)
    saved = progress.load_progress("rhys", learner_session).attempts_frame()
    assert saved["result"].tolist() == ["close", "right"]
    assert saved["slip"].tolist() == ["no reason", None]
    assert saved["reason"].isna().tolist() == [True, False]  # none given: none saved
    assert saved["reason"].iloc[1] == "gap of -0.83"
    raw = json.loads(next(learner_session.rglob("progress.json")).read_text(encoding="utf-8"))
    assert raw["exercises"][-1]["reason"] == "gap of -0.83"  # in the same record as the answer
    shown = str(exercises.check(PICK, None, "reliability", because=GAP))
    assert 'Your last saved attempt: reliability, because "gap of -0.83" (right' in shown
    bundle = exercises.check(PICK, "tangibles", "reliability", reason="looks tired")
    assert bundle._repr_mimebundle_()[exercises.ATTEMPT_MIME]["reason"] == "looks tired"


def test_an_exercise_without_a_reason_saves_none():
    spec = exercises.define("U5.E95", 5, "a test number", "number", decimals=1)
    exercises.check(spec, 3.4, 3.4)
    saved = progress.load_progress("rhys", exercises.current().home).attempts
    assert "reason" not in saved[-1]


def test_marking_reads_the_learners_reason_not_the_handed_out_none():
    check_source = (
        "my_answer = None\nmy_reason = None  # your reason\n"
        "exercises.check(PICK, my_answer, 'reliability', reason=my_reason, because=GAP)"
    )
    namespace = {"exercises": exercises, "PICK": PICK, "GAP": GAP,
                 "my_answer": "reliability", "my_reason": "weighted gap -0.83"}  # fmt: skip
    record = marking_probe.judge("U5.E96", check_source, namespace).record
    assert (record["status"], record["reason"]) == ("right", "weighted gap -0.83")
    marking_probe.forget(namespace)
    assert "my_reason" not in namespace and "my_answer" not in namespace
    namespace.update(my_answer="reliability")
    record = marking_probe.judge("U5.E96", check_source, namespace).record
    assert record["status"] == "close" and "say why" in record["message"]


def test_a_solution_cell_runs_in_the_tutor_edition_only():
    namespace: dict = {}
    code = "x = 6 * 7\nx + 1"
    note = solutions.run_solution(code, namespace, "learner")
    assert "x" not in namespace and repr(note) == solutions.LEARNER_NOTE
    assert solutions.run_solution(code, namespace, "tutor") == 43 and namespace["x"] == 42
    assert solutions.strip_magic("%%solution\nx = 1\n") == "x = 1"


def test_a_figure_may_be_typed_with_its_noun():
    hours = exercises.define("U5.E94", 5, "test hours", "number", decimals=1, noun="hours")
    assert exercises.judge(hours, "70.5 hours", 70.5).result == "right"
    assert exercises.judge(hours, "70.5 Hours", 70.5).result == "right"
    assert exercises.judge(hours, "70.5 days", 70.5).result == "wrong"
