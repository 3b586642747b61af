"""Quizzes on a unit's questions: one at a time, instant feedback, a score, and retry of the missed.

    from svcworkbook.learning.quiz import quiz
    quiz(1, learner="sam")            # all of unit 1's questions
    quiz(1, n=5, seed=3)              # five of them, chosen with seed 3

In JupyterLab this shows a quiz widget (``svcworkbook.learning.quiz_widget``): answer with the
mouse, the number keys 1-4, or Tab and Enter; a numeric question takes a typed figure. Every answer
is saved to the learner's progress as it is given, and so is where the quiz stands (round,
position, answers, missed questions): after a kernel restart ``quiz(...)`` carries on where the
learner was. Each round shows the options in a new order, seeded by learner, seed and round, so
the letters cannot be learnt. *Retry missed* can be pressed at any time: the next round asks the
questions missed so far, then any not yet reached.

Where there is no widget front end (papermill, nbval, an HTML report) the same object shows the
questions and options as plain text/HTML, without the answers, and never waits.
"""

from __future__ import annotations

import hashlib
import html
import random
import re
import string
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from svcworkbook.content.models import Question, Unit
from svcworkbook.learning import progress

LETTERS = string.ascii_uppercase


def option_order(
    question: Question, seed: int, learner: str | None = None, round_number: int = 1
) -> list[int]:
    """The order options are shown in: shuffled by (learner, seed, round, question id).

    True/False keep their order (True first), and a numeric question has no options.
    """
    order = list(range(len(question.options)))
    if question.kind != "true_false":
        random.Random(f"{learner}:{seed}:{round_number}:{question.id}").shuffle(order)
    return order


def choose_questions(
    unit: Unit, n: int | None = None, seed: int = 0, ids: Sequence[str] | None = None
) -> list[Question]:
    """The questions asked: those named in ``ids``, or a seeded sample of n, in the unit's order."""
    if not unit.questions:
        raise ValueError(f"unit {unit.number} has no quiz questions yet")
    if ids is not None:
        known = {q.id: q for q in unit.questions}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValueError(
                f"no question {', '.join(unknown)} in unit {unit.number}; known: {', '.join(known)}"
            )
        return [known[i] for i in ids]
    if n is None:
        return list(unit.questions)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(unit.questions):
        raise ValueError(f"n must be a whole number from 1 to {len(unit.questions)}, not {n!r}")
    picked = set(random.Random(f"{seed}:questions").sample(range(len(unit.questions)), n))
    return [q for i, q in enumerate(unit.questions) if i in picked]


def parse_figure(text: str | float | int) -> float:
    """A typed figure as a number: '75', '75%', ' 1,200 ', '+35', '-1.3' (ValueError otherwise)."""
    if isinstance(text, bool):
        raise ValueError("type a number, such as 75")
    if isinstance(text, int | float):
        return float(text)
    cleaned = str(text).strip().removesuffix("%").strip().replace("\u2212", "-")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", cleaned):
        cleaned = cleaned.replace(",", "")  # thousands separators: 1,200
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise ValueError(f"{str(text).strip()!r} is not a number; type a figure such as 75 or -1.3")
    return float(cleaned)


def figure_text(question: Question) -> str:
    """The right figure of a numeric question as shown: '75%', '+35 points', '50 advisers'."""
    value = f"{question.answer:g}"
    unit = question.answer_unit
    if unit == "%":
        return f"{value}%"
    return f"{value} {unit}".strip()


@dataclass(frozen=True)
class Result:
    """What happened when an answer was given: right or not, the right answer, the explanation."""

    question: str
    chosen: int | float
    correct: bool
    right_letter: str
    explanation: str
    notices: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """The feedback sentence shown to the learner."""
        verdict = "Right." if self.correct else f"Not quite: the answer is {self.right_letter}."
        return f"{verdict} {self.explanation}"


def session_key(unit: Unit, questions: Sequence[Question], seed: int) -> str:
    """The name a quiz's state is saved under: unit, seed and a digest of the question ids."""
    digest = hashlib.sha256(",".join(q.id for q in questions).encode()).hexdigest()[:10]
    return f"unit {unit.number} seed {seed} {digest}"


class QuizSession:
    """The state of a quiz: rounds of questions, the option order, answers and score.

    Round 1 asks every chosen question; ``retry_missed`` starts a new round with the questions
    missed so far (then those not yet reached). Each answer, and where the quiz stands, is saved
    to the learner's progress when ``save`` is true, and ``resume`` picks a saved quiz up again.
    """

    def __init__(
        self,
        unit: Unit,
        questions: Sequence[Question],
        seed: int = 0,
        learner: str | None = None,
        home: str | Path | None = None,
        save: bool = True,
        resume: bool = False,
    ):
        self.unit = unit
        self.seed = seed
        self.learner = learner
        self.home = home
        self.save = save
        self.questions = list(questions)
        self.key = session_key(unit, self.questions, seed)
        self.round = 1
        self.round_questions = list(self.questions)
        self.position = 0
        self.round_results: dict[str, bool] = {}
        self.round_chosen: dict[str, int | float] = {}
        self.resumed = resume and self._resume()

    # --- saving and resuming ---------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Where the quiz stands, as JSON-ready values (saved in progress under ``key``)."""
        return {
            "round": self.round,
            "questions": [q.id for q in self.questions],
            "round_questions": [q.id for q in self.round_questions],
            "position": self.position,
            "results": dict(self.round_results),
            "chosen": dict(self.round_chosen),
        }

    def _resume(self) -> bool:
        """Load the saved state if it is for these questions; True when it was loaded."""
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            try:
                saved = progress.quiz_state(self.key, self.learner, self.home)
            except OSError:
                return False
        known = {q.id: q for q in self.questions}
        try:
            if not saved or saved["questions"] != list(known):
                return False
            round_questions = [known[i] for i in saved["round_questions"]]
            results = {str(k): bool(v) for k, v in saved["results"].items()}
            chosen = dict(saved.get("chosen", {}))
            position = int(saved["position"])
            number = int(saved["round"])
        except (KeyError, TypeError, ValueError):
            return False  # a state this version cannot read: start afresh, the answers are kept
        if not round_questions or not 0 <= position <= len(round_questions) or number < 1:
            return False
        self.round, self.round_questions, self.position = number, round_questions, position
        self.round_results, self.round_chosen = results, chosen
        return True

    def _save_state(self) -> tuple[str, ...]:
        """Save where the quiz stands; a failure becomes a notice, never an exception."""
        if not self.save:
            return ()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                progress.save_quiz_state(self.key, self.state(), self.learner, self.home)
            except OSError as error:
                return (f"Your place in the quiz could not be saved: {error}",)
        return tuple(str(w.message) for w in caught)

    # --- asking --------------------------------------------------------------------------------

    @property
    def current(self) -> Question | None:
        """The question being asked, or None when the round is finished."""
        if self.position < len(self.round_questions):
            return self.round_questions[self.position]
        return None

    def options(self, question: Question) -> list[tuple[str, int, str]]:
        """The options as shown this round: (letter, index in the unit file, text)."""
        order = option_order(question, self.seed, self.learner, self.round)
        return [
            (LETTERS[place], index, question.options[index]) for place, index in enumerate(order)
        ]

    def _index_of(self, question: Question, choice: int | str) -> int:
        """The option index for a shown letter ('B') or an option index (int)."""
        if isinstance(choice, str):
            for letter, index, _ in self.options(question):
                if letter == choice.strip().upper():
                    return index
            raise ValueError(
                f"{choice!r} is not one of the letters {LETTERS[: len(question.options)]}"
            )
        if isinstance(choice, bool) or not 0 <= int(choice) < len(question.options):
            raise ValueError(f"option index must be 0 to {len(question.options) - 1}")
        return int(choice)

    def right_answer_text(self, question: Question) -> str:
        """The right answer as shown: its letter this round, or the figure with its unit."""
        if question.is_numeric:
            return figure_text(question)
        return next(letter for letter, i, _ in self.options(question) if i == question.answer)

    def answer(self, choice: int | str | float) -> Result:
        """Answer the current question (a letter, an option index, or a figure); saved at once."""
        question = self.current
        if question is None:
            raise ValueError("this round is finished; use retry_missed() or start a new quiz")
        if question.id in self.round_results:
            raise ValueError(f"{question.id} is already answered; move on with next()")
        if question.is_numeric:
            given: int | float = parse_figure(choice)
            correct = question.accepts(given)
        else:
            given = self._index_of(question, choice)
            correct = given == question.answer
        self.round_results[question.id] = correct
        self.round_chosen[question.id] = given
        notices = self._save_answer(question, given, correct) if self.save else ()
        notices += self._save_state()
        return Result(
            question.id,
            given,
            correct,
            self.right_answer_text(question),
            question.explanation,
            notices,
        )

    def _save_answer(self, question: Question, given: int | float, correct: bool) -> tuple:
        """Save the answer; warnings (a corrupt file set aside) and failures become notices."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                progress.record_answer(
                    self.unit.number,
                    question.id,
                    given,
                    correct,
                    learner=self.learner,
                    home=self.home,
                    concept=question.concept,
                    marking_point=question.marking_point,
                )
            except OSError as error:
                return (f"Your answer could not be saved: {error}",)
        return tuple(str(w.message) for w in caught)

    @property
    def answered(self) -> bool:
        """True when the current question has been answered."""
        question = self.current
        return question is not None and question.id in self.round_results

    def next(self) -> Question | None:
        """Move to the next question of the round (None when the round is finished)."""
        if self.current is not None and not self.answered:
            raise ValueError("answer this question before moving on")
        self.position += 1
        self._save_state()
        return self.current

    @property
    def finished(self) -> bool:
        """True when every question of the round has been answered."""
        return all(q.id in self.round_results for q in self.round_questions)

    def score(self) -> tuple[int, int]:
        """(right, answered) in this round."""
        return sum(self.round_results.values()), len(self.round_results)

    def missed(self) -> list[Question]:
        """Questions answered wrongly in this round, in the order asked."""
        return [q for q in self.round_questions if self.round_results.get(q.id) is False]

    def not_reached(self) -> list[Question]:
        """Questions of this round not answered yet, in order."""
        return [q for q in self.round_questions if q.id not in self.round_results]

    def retry_missed(self) -> list[Question]:
        """Start a new round: the missed questions, then those not reached (ValueError if none)."""
        missed = self.missed()
        if not missed:
            raise ValueError("no missed questions to retry: every answer so far was right")
        self.round += 1
        self.round_questions = missed + self.not_reached()
        self.position = 0
        self.round_results = {}
        self.round_chosen = {}
        self._save_state()
        return missed

    def restart(self) -> None:
        """Start again from question 1 of round 1 (saved answers are kept in progress)."""
        self.round, self.position = 1, 0
        self.round_questions = list(self.questions)
        self.round_results, self.round_chosen = {}, {}
        self._save_state()


def saved_line(unit: Unit, learner: str | None = None, home: str | Path | None = None) -> str:
    """One sentence on the learner's saved answers for this unit (answered, right now)."""
    scores = progress.unit_scores(progress.load_progress(learner, home).answers_frame())
    row = scores[scores["unit"] == unit.number]
    if row.empty:
        return f"Saved progress on unit {unit.number}: no answers saved yet."
    answered, right = int(row["answered"].iloc[0]), int(row["right_now"].iloc[0])
    return (
        f"Saved progress on unit {unit.number}: {answered} of {len(unit.questions)} questions "
        f"answered, {right} right at the latest try."
    )


def _question_lines(session: QuizSession, number: int, question: Question) -> list[str]:
    """A question as plain text: the prompt, then its lettered options or the unit to answer in."""
    lines = [f"\n{number}. {question.prompt}"]
    if question.is_numeric:
        lines.append(f"   Work it out and type the figure (in {question.answer_unit}).")
    lines += [f"   {letter}. {text}" for letter, _, text in session.options(question)]
    return lines


class Quiz:
    """A quiz on a unit: a widget in JupyterLab, plain text/HTML everywhere else."""

    def __init__(self, session: QuizSession):
        self.session = session
        self._widget = None

    @property
    def widget(self):
        """The widget view (built on first use)."""
        if self._widget is None:
            from svcworkbook.learning.quiz_widget import QuizView

            self._widget = QuizView(self.session)
        return self._widget

    def saved_line(self) -> str:
        """The learner's saved progress on this unit, in one sentence."""
        return saved_line(self.session.unit, self.session.learner, self.session.home)

    def __str__(self) -> str:
        s = self.session
        lines = [f"Quiz: Unit {s.unit.number} {s.unit.title} ({len(s.questions)} questions)"]
        lines.append("Open this notebook in JupyterLab to answer; each answer is saved.")
        lines.append(self.saved_line())
        for number, question in enumerate(s.questions, start=1):
            lines += _question_lines(s, number, question)
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        s, esc = self.session, html.escape
        items = []
        for q in s.questions:
            body = "".join(f"<li>{esc(text)}</li>" for _, _, text in s.options(q))
            extra = (
                f"<p>Work it out and type the figure (in {esc(q.answer_unit)}).</p>"
                if q.is_numeric
                else f"<ol type='A'>{body}</ol>"
            )
            items.append(f"<li><p>{esc(q.prompt)}</p>{extra}</li>")
        return (
            f"<div class='svc-quiz-text'><strong>Quiz: Unit {s.unit.number} "
            f"{esc(s.unit.title)}</strong> ({len(s.questions)} questions)"
            "<p>Open this notebook in JupyterLab to answer; each answer is saved.</p>"
            f"<p>{esc(self.saved_line())}</p><ol>{''.join(items)}</ol></div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        shown = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        if isinstance(shown, tuple):  # (data, metadata), as anywidget returns it
            shown = shown[0]
        bundle = dict(shown)
        bundle["text/plain"] = str(self)
        bundle["text/html"] = self._repr_html_()
        return bundle


def _as_unit(unit: Unit | int | str) -> Unit:
    """A Unit object from a Unit, a unit number or a slug."""
    if isinstance(unit, Unit):
        return unit
    from svcworkbook.content import load_unit

    return load_unit(unit)


def quiz(
    unit: Unit | int | str,
    learner: str | None = progress.DEFAULT_LEARNER,
    home: str | Path | None = None,
    seed: int = 0,
    n: int | None = None,
    questions: Sequence[str] | None = None,
    save: bool = True,
    resume: bool = True,
) -> Quiz:
    """A quiz on a unit's questions (all, n chosen by seed, or the ids given), carrying on from
    where this learner left the same quiz when ``resume`` (the default) and ``save`` are on."""
    loaded = _as_unit(unit)
    chosen = choose_questions(loaded, n=n, seed=seed, ids=questions)
    progress.learner_home(learner, home)  # a bad learner name fails here, not at the first answer
    session = QuizSession(
        loaded, chosen, seed=seed, learner=learner, home=home, save=save, resume=resume and save
    )
    return Quiz(session)
