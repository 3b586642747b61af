"""Quizzes on a unit's questions: one at a time, instant feedback, score, retry of missed questions.

    from svcworkbook.learning.quiz import quiz
    quiz(1, learner="sam")            # all of unit 1's questions
    quiz(1, n=5, seed=3)              # five of them, chosen and shuffled with seed 3

In JupyterLab this shows an ipywidgets quiz; every answer is saved to the learner's progress as it
is given. Where there is no widget front end (papermill, nbval, an HTML report) the same object
shows the questions and options as plain text/HTML, without the answers, and never waits.
"""

from __future__ import annotations

import html
import random
import string
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from svcworkbook.content.models import Question, Unit
from svcworkbook.learning import progress

LETTERS = string.ascii_uppercase


def option_order(question: Question, seed: int) -> list[int]:
    """The order options are shown in: shuffled by (seed, question id); True/False kept as is."""
    order = list(range(len(question.options)))
    if question.kind != "true_false":
        random.Random(f"{seed}:{question.id}").shuffle(order)
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


@dataclass(frozen=True)
class Result:
    """What happened when an option was chosen: right or not, the right letter, the explanation."""

    question: str
    chosen: int
    correct: bool
    right_letter: str
    explanation: str
    notices: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """The feedback sentence shown to the learner."""
        verdict = "Right." if self.correct else f"Not quite: the answer is {self.right_letter}."
        return f"{verdict} {self.explanation}"


class QuizSession:
    """The state of a quiz: rounds of questions, the option order, answers and score.

    Round 1 asks every chosen question; ``retry_missed`` starts a new round with the questions
    missed in the round just finished. Each answer is saved to the learner's progress when
    ``save`` is true.
    """

    def __init__(
        self,
        unit: Unit,
        questions: Sequence[Question],
        seed: int = 0,
        learner: str | None = None,
        home: str | Path | None = None,
        save: bool = True,
    ):
        self.unit = unit
        self.seed = seed
        self.learner = learner
        self.home = home
        self.save = save
        self.questions = list(questions)
        self.round = 1
        self.round_questions = list(self.questions)
        self.position = 0
        self.round_results: dict[str, bool] = {}

    @property
    def current(self) -> Question | None:
        """The question being asked, or None when the round is finished."""
        if self.position < len(self.round_questions):
            return self.round_questions[self.position]
        return None

    def options(self, question: Question) -> list[tuple[str, int, str]]:
        """The options as shown: (letter, index in the unit file, text), in shuffled order."""
        return [
            (LETTERS[place], index, question.options[index])
            for place, index in enumerate(option_order(question, self.seed))
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

    def answer(self, choice: int | str) -> Result:
        """Answer the current question (a letter as shown, or an option index); saved at once."""
        question = self.current
        if question is None:
            raise ValueError("this round is finished; use retry_missed() or start a new quiz")
        if question.id in self.round_results:
            raise ValueError(f"{question.id} is already answered; move on with next()")
        index = self._index_of(question, choice)
        correct = index == question.answer
        self.round_results[question.id] = correct
        notices = self._save(question, index, correct) if self.save else ()
        right = next(letter for letter, i, _ in self.options(question) if i == question.answer)
        return Result(question.id, index, correct, right, question.explanation, notices)

    def _save(self, question: Question, index: int, correct: bool) -> tuple[str, ...]:
        """Save the answer; warnings (a corrupt file set aside) and failures become notices."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                progress.record_answer(
                    self.unit.number,
                    question.id,
                    index,
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
        return self.current

    @property
    def finished(self) -> bool:
        """True when every question of the round has been answered."""
        return len(self.round_results) == len(self.round_questions)

    def score(self) -> tuple[int, int]:
        """(right, answered) in this round."""
        return sum(self.round_results.values()), len(self.round_results)

    def missed(self) -> list[Question]:
        """Questions answered wrongly in this round, in the order asked."""
        return [q for q in self.round_questions if self.round_results.get(q.id) is False]

    def retry_missed(self) -> list[Question]:
        """Start a new round with this round's missed questions (ValueError if there are none)."""
        if not self.finished:
            raise ValueError("finish this round before retrying the missed questions")
        missed = self.missed()
        if not missed:
            raise ValueError("no missed questions to retry: every answer in this round was right")
        self.round += 1
        self.round_questions = missed
        self.position = 0
        self.round_results = {}
        return missed


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


class Quiz:
    """A quiz on a unit: an ipywidgets view in JupyterLab, plain text/HTML everywhere else."""

    def __init__(self, session: QuizSession):
        self.session = session
        self._widget: _QuizWidget | None = None

    @property
    def widget(self):
        """The ipywidgets view (built on first use)."""
        if self._widget is None:
            self._widget = _QuizWidget(self.session)
        return self._widget.box

    def saved_line(self) -> str:
        """The learner's saved progress on this unit, in one sentence."""
        return saved_line(self.session.unit, self.session.learner, self.session.home)

    def __str__(self) -> str:
        s = self.session
        lines = [f"Quiz: Unit {s.unit.number} {s.unit.title} ({len(s.questions)} questions)"]
        lines.append("Open this notebook in JupyterLab to answer; each answer is saved.")
        lines.append(self.saved_line())
        for number, question in enumerate(s.questions, start=1):
            lines.append(f"\n{number}. {question.prompt}")
            lines += [f"   {letter}. {text}" for letter, _, text in s.options(question)]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        s, esc = self.session, html.escape
        items = "".join(
            f"<li><p>{esc(q.prompt)}</p><ol type='A'>"
            + "".join(f"<li>{esc(text)}</li>" for _, _, text in s.options(q))
            + "</ol></li>"
            for q in s.questions
        )
        return (
            f"<div class='svc-quiz-text'><strong>Quiz: Unit {s.unit.number} "
            f"{esc(s.unit.title)}</strong> ({len(s.questions)} questions)"
            "<p>Open this notebook in JupyterLab to answer; each answer is saved.</p>"
            f"<p>{esc(self.saved_line())}</p><ol>{items}</ol></div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = str(self)
        bundle["text/html"] = self._repr_html_()
        return bundle


_QUIZ_CSS = """<style>
.svc-quiz .svc-option { white-space: normal; height: auto !important; text-align: left;
  line-height: 1.35; padding: 6px 10px; }
.svc-quiz .svc-feedback-right { color: #1a7f37; }
.svc-quiz .svc-feedback-wrong { color: #b35900; }
</style>"""


class _QuizWidget:
    """The ipywidgets controls of a quiz: header, question, option buttons, feedback, Next, Retry."""

    def __init__(self, session: QuizSession):
        import ipywidgets as w

        self.session = session
        self.header = w.HTML()
        self.header.add_class("svc-quiz-header")
        self.prompt = w.HTML()
        self.prompt.add_class("svc-quiz-prompt")
        self.options = w.VBox(layout=w.Layout(width="100%"))
        self.feedback = w.HTML()
        self.feedback.add_class("svc-feedback")
        self.next_button = w.Button(description="Next", disabled=True)
        self.next_button.add_class("svc-next")
        self.retry_button = w.Button(description="Retry missed", disabled=True)
        self.retry_button.add_class("svc-retry")
        self.next_button.on_click(lambda _: self._next())
        self.retry_button.on_click(lambda _: self._retry())
        controls = w.HBox([self.next_button, self.retry_button])
        parts = [w.HTML(_QUIZ_CSS), self.header, self.prompt, self.options, self.feedback, controls]
        self.box = w.VBox(parts)
        self.box.add_class("svc-quiz")
        self.saved = saved_line(session.unit, session.learner, session.home)
        self._show_question()

    def _header_html(self) -> str:
        """Question number, round, score this round, and saved progress."""
        s = self.session
        right, answered = s.score()
        where = (
            f"question {min(s.position + 1, len(s.round_questions))} of {len(s.round_questions)}"
        )
        label = "round 1" if s.round == 1 else f"retry {s.round - 1}"
        return (
            f"<strong>Unit {s.unit.number} quiz</strong>: {where} ({label}). "
            f"<span class='svc-score'>Score this round: {right} of {answered}</span>"
            f"<br><span class='svc-saved'>{html.escape(self.saved)}</span>"
        )

    def _show_question(self) -> None:
        """Show the current question with one button per option."""
        import ipywidgets as w

        s = self.session
        self.header.value = self._header_html()
        self.feedback.value = ""
        self.next_button.disabled = True
        self.retry_button.disabled = True
        question = s.current
        if question is None:
            self.prompt.value = ""
            self.options.children = ()
            self.buttons = []
            return
        self.prompt.value = f"<p><strong>{html.escape(question.prompt)}</strong></p>"
        buttons = []
        for letter, index, text in s.options(question):
            button = w.Button(
                description=f"{letter}. {text}", tooltip=text, layout=w.Layout(width="100%")
            )
            button.add_class("svc-option")
            button.add_class(f"svc-option-{letter}")
            button.on_click(lambda _, letter=letter: self._choose(letter))
            buttons.append((button, index))
        self.buttons = buttons
        self.options.children = tuple(button for button, _ in buttons)

    def _choose(self, letter: str) -> None:
        """Check the chosen option, colour the buttons, show the explanation and score."""
        s = self.session
        if s.answered:
            return
        result = s.answer(letter)
        question = s.round_questions[s.position]
        for button, index in self.buttons:
            button.disabled = True
            if index == question.answer:
                button.button_style = "success"
            elif index == result.chosen:
                button.button_style = "danger"
        kind = "right" if result.correct else "wrong"
        notes = "".join(f"<p class='svc-notice'>{html.escape(n)}</p>" for n in result.notices)
        end = ""
        if s.position + 1 >= len(s.round_questions):
            right, answered = s.score()
            missed = len(s.missed())
            end = f"<p><strong>Round finished: {right} of {answered} right.</strong>"
            end += f" {missed} to retry.</p>" if missed else " Well done.</p>"
            self.retry_button.disabled = missed == 0
        else:
            self.next_button.disabled = False
        self.feedback.value = (
            f"<div class='svc-feedback-{kind}'>{html.escape(result.message)}</div>{notes}{end}"
        )
        self.saved = saved_line(s.unit, s.learner, s.home)
        self.header.value = self._header_html()

    def _next(self) -> None:
        """Go to the next question."""
        if self.session.answered:
            self.session.next()
            self._show_question()

    def _retry(self) -> None:
        """Start a round of the missed questions."""
        self.session.retry_missed()
        self._show_question()


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
) -> Quiz:
    """A quiz on a unit's questions (all, n chosen by seed, or the ids given), options shuffled."""
    loaded = _as_unit(unit)
    chosen = choose_questions(loaded, n=n, seed=seed, ids=questions)
    progress.learner_home(learner, home)  # a bad learner name fails here, not at the first answer
    return Quiz(QuizSession(loaded, chosen, seed=seed, learner=learner, home=home, save=save))
