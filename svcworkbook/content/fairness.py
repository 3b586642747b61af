"""Give-away cues in a question bank: the rules a fair bank keeps, each measured on the content.

A learner who knows nothing should not be able to score well by test-taking tricks. The rules:

- **Longest option.** In at most a third of a unit's multiple-choice questions is the right
  option the longest one, and the right option never *stands out* by length: it is never more
  than ``STANDS_OUT`` (1.3) times as long as the longest wrong option.
- **True/false balance.** Between 40% and 60% of a unit's true/false answers are True.
- **Coverage.** Every concept and every marking point is tested by at least one question.
- **No near-duplicates.** No two question stems are more alike than ``NEAR_DUPLICATE`` (0.55) by
  difflib's ratio on their lower-cased words.

``bank_report`` counts these per unit (for the issue note and the tests), ``cue_problems`` lists
every broken rule in words a content author can act on.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from itertools import combinations

from svcworkbook.content.models import Question, Unit

#: The right option "stands out" when it is longer than this times the longest wrong option.
STANDS_OUT = 1.3

#: The right option may be the longest in at most this share of multiple-choice questions.
LONGEST_RIGHT_AT_MOST = 1 / 3

#: The share of true/false answers that are True must lie in this range (inclusive).
TRUE_SHARE_RANGE = (0.4, 0.6)

#: Two stems whose word-sequence similarity (difflib ratio) exceeds this are near-duplicates.
NEAR_DUPLICATE = 0.55


def right_is_longest(question: Question) -> bool:
    """True when the right option is strictly the longest (in characters) of a question's options."""
    right = len(question.options[question.answer])
    wrong = [len(o) for i, o in enumerate(question.options) if i != question.answer]
    return right > max(wrong)


def length_ratio(question: Question) -> float:
    """Length of the right option / length of the longest wrong option (characters)."""
    right = len(question.options[question.answer])
    return right / max(len(o) for i, o in enumerate(question.options) if i != question.answer)


def _words(text: str) -> list[str]:
    """The lower-cased words of a stem (letters and digits), for comparing stems."""
    return re.findall(r"[a-z0-9%]+", text.lower())


def stem_similarity(a: str, b: str) -> float:
    """difflib's ratio (2 x matching words / total words) between two stems' word sequences."""
    return difflib.SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def near_duplicates(questions: list[Question]) -> list[tuple[str, str, float]]:
    """Pairs of questions whose stems are more alike than NEAR_DUPLICATE, most alike first."""
    pairs = [
        (p.id, q.id, stem_similarity(p.prompt, q.prompt)) for p, q in combinations(questions, 2)
    ]
    return sorted((p for p in pairs if p[2] > NEAR_DUPLICATE), key=lambda p: -p[2])


@dataclass(frozen=True)
class BankReport:
    """The cue counts of one unit's question bank."""

    unit: int
    multiple_choice: int
    longest_is_right: int
    stands_out: int
    true_false: int
    true_answers: int
    numeric: int
    concepts_untested: tuple[str, ...]
    marking_points_untested: tuple[str, ...]

    @property
    def true_share(self) -> float:
        """True answers / true-false questions (0 when there are none)."""
        return self.true_answers / self.true_false if self.true_false else 0.0


def bank_report(unit: Unit) -> BankReport:
    """Count a unit's give-away cues: longest-is-right, stand-outs, True share, gaps, numeric."""
    choice = [q for q in unit.questions if q.kind == "multiple_choice"]
    true_false = [q for q in unit.questions if q.kind == "true_false"]
    tested_concepts = {q.concept for q in unit.questions}
    tested_points = {q.marking_point for q in unit.questions}
    return BankReport(
        unit=unit.number,
        multiple_choice=len(choice),
        longest_is_right=sum(right_is_longest(q) for q in choice),
        stands_out=sum(length_ratio(q) > STANDS_OUT for q in choice),
        true_false=len(true_false),
        true_answers=sum(q.options[q.answer] == "True" for q in true_false),
        numeric=sum(q.kind == "numeric" for q in unit.questions),
        concepts_untested=tuple(c.id for c in unit.concepts if c.id not in tested_concepts),
        marking_points_untested=tuple(
            m.id for m in unit.marking_points if m.id not in tested_points
        ),
    )


def cue_problems(unit: Unit) -> list[str]:
    """Every fairness rule the unit's bank breaks, one sentence each (empty when it is fair)."""
    report = bank_report(unit)
    problems = []
    if report.longest_is_right > report.multiple_choice * LONGEST_RIGHT_AT_MOST:
        problems.append(
            f"unit {unit.number}: the right option is the longest in {report.longest_is_right} "
            f"of {report.multiple_choice} multiple-choice questions (at most a third allowed)"
        )
    problems += [
        f"{q.id}: the right option is {length_ratio(q):.2f} times the longest wrong one "
        f"(more than {STANDS_OUT}); shorten it or lengthen a distractor"
        for q in unit.questions
        if q.kind == "multiple_choice" and length_ratio(q) > STANDS_OUT
    ]
    low, high = TRUE_SHARE_RANGE
    if report.true_false and not low <= report.true_share <= high:
        problems.append(
            f"unit {unit.number}: {report.true_answers} of {report.true_false} true/false answers "
            f"are True ({report.true_share:.0%}); keep it between {low:.0%} and {high:.0%}"
        )
    problems += [f"concept {c} has no question" for c in report.concepts_untested]
    problems += [f"marking point {m} has no question" for m in report.marking_points_untested]
    problems += [
        f"{a} and {b} are near-duplicates (stem similarity {ratio:.2f})"
        for a, b, ratio in near_duplicates(unit.questions)
    ]
    return problems
