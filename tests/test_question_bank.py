"""The question bank gives nothing away: the cue rules, coverage, links and numeric answers.

Each rule is measured here directly from the options and prompts (lengths, counts, similarity),
so a rewrite that brings a cue back fails with the question named.
"""

from __future__ import annotations

import difflib
import re
from itertools import combinations

import pytest

from svcworkbook import content
from svcworkbook.content import coverage, fairness
from svcworkbook.content.models import Question

UNITS = [1, 2, 3, 4, 5]


def _units():
    return [content.load_unit(n) for n in UNITS]


def _choice(unit):
    return [q for q in unit.questions if q.kind == "multiple_choice"]


@pytest.mark.parametrize("number", UNITS)
def test_right_option_is_longest_in_at_most_a_third(number):
    questions = _choice(content.load_unit(number))
    longest = [
        q.id
        for q in questions
        if len(q.options[q.answer]) > max(len(o) for o in q.options if o != q.options[q.answer])
    ]
    assert len(longest) * 3 <= len(questions), longest
    assert fairness.bank_report(content.load_unit(number)).longest_is_right == len(longest)


@pytest.mark.parametrize("number", UNITS)
def test_right_option_never_stands_out_by_length(number):
    # "stands out": more than 1.3 times as long as the longest wrong option
    for q in _choice(content.load_unit(number)):
        right = len(q.options[q.answer])
        longest_wrong = max(len(o) for i, o in enumerate(q.options) if i != q.answer)
        assert right <= 1.3 * longest_wrong, (q.id, right, longest_wrong)


@pytest.mark.parametrize("number", UNITS)
def test_true_false_answers_are_balanced_per_unit(number):
    answers = [
        q.options[q.answer] for q in content.load_unit(number).questions if q.kind == "true_false"
    ]
    assert answers
    assert 0.4 <= answers.count("True") / len(answers) <= 0.6, answers


def test_true_false_answers_are_balanced_overall():
    answers = [q.options[q.answer] for u in _units() for q in u.questions if q.kind == "true_false"]
    assert 0.4 <= answers.count("True") / len(answers) <= 0.6


def test_true_false_prompts_carry_no_cue_wording():
    # "Spot the misconception" was always False, "..., if there is one" always True
    for unit in _units():
        for q in unit.questions:
            if q.kind == "true_false":
                assert q.prompt.startswith("True or false? "), q.id
                assert "misconception" not in q.prompt.lower(), q.id
                assert "if there is one" not in q.prompt.lower(), q.id


@pytest.mark.parametrize("number", UNITS)
def test_every_concept_and_marking_point_has_a_question(number):
    unit = content.load_unit(number)
    concepts = {q.concept for q in unit.questions}
    points = {q.marking_point for q in unit.questions}
    assert [c.id for c in unit.concepts if c.id not in concepts] == []
    assert [m.id for m in unit.marking_points if m.id not in points] == []


@pytest.mark.parametrize("number", UNITS)
def test_every_misconception_is_the_basis_of_a_question(number):
    unit = content.load_unit(number)
    assert {m.id for m in unit.misconceptions} <= {q.misconception for q in unit.questions}


def _stem_ratio(a: str, b: str) -> float:
    """difflib ratio over the lower-cased words of two stems (computed here, not by fairness)."""
    words = [re.findall(r"[a-z0-9%]+", s.lower()) for s in (a, b)]
    return difflib.SequenceMatcher(None, *words, autojunk=False).ratio()


def test_no_near_duplicate_stems_across_the_whole_bank():
    questions = [q for u in _units() for q in u.questions]
    close = [
        (p.id, q.id, round(_stem_ratio(p.prompt, q.prompt), 2))
        for p, q in combinations(questions, 2)
        if _stem_ratio(p.prompt, q.prompt) > fairness.NEAR_DUPLICATE
    ]
    assert close == []


def test_the_similarity_measure_catches_the_old_duplicates():
    # U1.Q14 and U4.Q9 of the reviewed bank: the measure must flag them
    old = (
        "Which of these is a measurable service standard?",
        "Which of these is a clear, measurable benchmark for a review?",
    )
    assert _stem_ratio(*old) > fairness.NEAR_DUPLICATE
    assert fairness.stem_similarity(*old) == pytest.approx(_stem_ratio(*old))


@pytest.mark.parametrize("number", UNITS)
def test_a_misconception_is_tested_once_per_kind(number):
    # the same belief asked twice in the same form is a repeat (old U5.Q8 / U5.Q11 style pairs
    # are allowed only as different kinds)
    seen: dict[tuple[str, str], str] = {}
    for q in content.load_unit(number).questions:
        if q.misconception and q.kind == "true_false":
            key = (q.misconception, q.kind)
            assert key not in seen, (q.id, seen.get(key))
            seen[key] = q.id


@pytest.mark.parametrize("number", UNITS)
def test_fairness_module_agrees_the_unit_is_cue_free(number):
    assert fairness.cue_problems(content.load_unit(number)) == []
    assert coverage.question_bank_gaps(content.load_unit(number)) == []


def test_cue_problems_name_a_stand_out_answer_and_a_lopsided_true_false_set():
    unit = content.load_unit(1)
    first = _choice(unit)[0]
    padded = first.options[first.answer] + " " + "x" * 200
    options = [padded if i == first.answer else o for i, o in enumerate(first.options)]
    tf = [q for q in unit.questions if q.kind == "true_false"]
    all_false = [q.model_copy(update={"answer": 1}) for q in tf]
    others = [q for q in unit.questions if q.kind != "true_false" and q.id != first.id]
    changed = unit.model_copy(
        update={"questions": [first.model_copy(update={"options": options}), *others, *all_false]}
    )
    problems = fairness.cue_problems(changed)
    assert any(p.startswith(f"{first.id}: the right option is") for p in problems), problems
    assert any(f"0 of {len(tf)} true/false answers are True" in p for p in problems), problems


# --- links ----------------------------------------------------------------------------------------


def test_reviewed_links_are_fixed():
    u4 = content.load_unit(4)
    triangulation = next(q for q in u4.questions if q.id == "U4.Q1")
    assert "triangulation" in triangulation.prompt.lower()
    assert triangulation.marking_point == "U4.MP6"  # interpretation of data, not collection
    u1 = content.load_unit(1)
    decorator = next(q for q in u1.questions if q.id == "U1.Q2")
    assert "your company is the trader" in decorator.prompt.lower()


@pytest.mark.parametrize("number", UNITS)
def test_a_linked_misconception_belongs_to_the_question_concept_or_unit(number):
    unit = content.load_unit(number)
    for q in unit.questions:
        if q.marking_point:
            point = unit.marking_point(q.marking_point)
            if q.kind == "marking_point":
                assert q.concept in point.concepts, q.id


# --- numeric questions ----------------------------------------------------------------------------


def _numbers(text: str) -> list[float]:
    """The numbers in a prompt in order ('2,400' -> 2400, '-0.4' -> -0.4)."""
    return [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*(?:\.\d+)?", text)]


#: How each numeric answer is worked out from the numbers in its prompt, in the order they appear.
WORKED = {
    "U1.Q19": lambda n: n[1] / n[0] * 100,  # share from one cause = 28 / 40
    "U1.Q20": lambda n: (n[5] / n[6] - n[0] / n[1]) * 100,  # CSAT after - before, in points
    "U1.Q21": lambda n: n[2] / (n[0] * n[1]) * 100,  # checks met / (visits x standards)
    "U2.Q2": lambda n: n[1] / n[0] * 100,  # service level = within 20 s / offered
    "U2.Q20": lambda n: n[1] / n[0] * 100,  # resolved within standard / closed
    "U2.Q21": lambda n: n[1] / n[0],  # ASA = wait of answered / answered
    "U3.Q2": lambda n: (n[3] - n[9]) / n[0] * 100,  # NPS = % promoters - % detractors
    "U3.Q19": lambda n: n[2] / n[1] * 100,  # occupancy = handling / logged in
    "U4.Q2": lambda n: n[1] / n[0] * 100,  # response rate = responses / invitations
    "U4.Q19": lambda n: n[2] / n[0] * 100,  # repeat purchase = bought again / customers
    "U5.Q1": lambda n: n[1] - n[0],  # SERVQUAL gap = perception - expectation
    "U5.Q19": lambda n: sum(p - e for e, p in zip(n[0:3], n[3:6], strict=True)) / 3,
}


def _numeric_questions() -> list[Question]:
    return [q for u in _units() for q in u.questions if q.kind == "numeric"]


@pytest.mark.parametrize("number", UNITS)
def test_at_least_two_numeric_questions_per_unit(number):
    assert sum(q.kind == "numeric" for q in content.load_unit(number).questions) >= 2


def test_every_numeric_question_has_its_working_here():
    assert sorted(q.id for q in _numeric_questions()) == sorted(WORKED)


@pytest.mark.parametrize("qid", sorted(WORKED))
def test_numeric_answer_recomputed_from_the_prompt(qid):
    question = next(q for q in _numeric_questions() if q.id == qid)
    expected = WORKED[qid](_numbers(question.prompt))
    assert abs(expected - question.answer) <= question.tolerance, (expected, question.answer)
    assert question.accepts(expected)
    assert not question.accepts(question.answer + 2 * question.tolerance + 1)
    assert question.options == [] and question.answer_unit
    # the explanation works it through: it shows the answer it reaches
    shown = f"{abs(question.answer):g}"
    assert shown in question.explanation.replace(",", ""), question.explanation


def test_multiple_choice_worked_figures_match_the_formula():
    unit2, unit3 = content.load_unit(2), content.load_unit(3)
    shrinkage = next(q for q in unit2.questions if q.id == "U2.Q1")
    assert shrinkage.options[shrinkage.answer] == str(round(40 / (1 - 0.20)))
    aht = next(q for q in unit2.questions if q.id == "U2.Q4")
    assert aht.options[aht.answer] == f"{(400 + 50 + 150) / 100:g} minutes"
    fcr = next(q for q in unit3.questions if q.id == "U3.Q1")
    assert fcr.options[fcr.answer] == f"{720 / 1000:.0%}"
    csat = next(q for q in unit3.questions if q.id == "U3.Q3")
    assert csat.options[csat.answer] == f"{(180 + 220) / 500:.0%}"
    change = next(q for q in content.load_unit(5).questions if q.id == "U5.Q10")
    right = change.options[change.answer]
    assert f"{8.0 - 5.5:.1f} percentage points" in right
    assert f"about {(8.0 - 5.5) / 8.0:.0%}" in right


# --- the law stays right --------------------------------------------------------------------------


def test_equality_act_questions_do_not_claim_all_nine_for_services():
    for unit in _units():
        for q in unit.questions:
            text = " ".join([q.prompt, q.explanation, *q.options]).lower()
            if "equality act" in text and "nine" in text:
                assert "s.28(1)" in text, q.id
            assert "all nine" not in text, q.id
