"""A learner's progress: quiz answers, quiz places, exercise attempts, flashcard states, saved
safely, and a summary.

Everything is kept in ``<learner folder>/progress.json`` (see ``learner_home``), written through
``svcworkbook.learning.storage``: atomic writes, a lock so two kernels can save at once, and a corrupt file
set aside with a message rather than replaced.

    from svcworkbook.learning import progress
    progress.summary("sam")        # scores per unit, weakest concepts, what to revise next

Exercise attempts (every "Your turn" check in a learner edition) are kept in the file's
``exercises`` list, oldest first, one record per attempt::

    {"exercise": "U2.E2", "unit": 2, "answer": 74.2, "result": "close", "slip": "truncated",
     "at": "2026-12-01T22:10:04+00:00"}

``result`` is one of right / close / wrong (see ``svcworkbook.learning.exercises.judge``);
``slip`` names the slip recognised, or is null. Read them with
``load_progress(learner, home).attempts_frame()``; ``latest_attempts`` gives each exercise's most
recent attempt (what a gradebook marks).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from svcworkbook.learning import storage

#: The learner name used when none is given.
DEFAULT_LEARNER = "learner"

#: The environment variable that moves every learner folder (e.g. to a shared drive).
HOME_VARIABLE = "SVCWORKBOOK_HOME"

#: File format marker and version written into progress.json.
FORMAT = "svcworkbook-progress"
VERSION = 1

#: A concept is "to revise" while fewer than this share of its quiz answers are right.
REVISE_BELOW = 0.8

_LEARNER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")


def learner_home(learner: str | None = None, home: str | Path | None = None) -> Path:
    """The learner's folder: ``home`` argument > $SVCWORKBOOK_HOME > ~/.svcworkbook, then /learner."""
    name = DEFAULT_LEARNER if learner is None else str(learner)
    if not _LEARNER_NAME.fullmatch(name) or name.endswith((".", " ")):
        raise ValueError(
            f"learner name {name!r} cannot be used as a folder name; use letters, digits, "
            "spaces, '-', '_' or '.', starting with a letter or digit (at most 64 characters)"
        )
    if home is not None:
        base = Path(home)
    elif os.environ.get(HOME_VARIABLE):
        base = Path(os.environ[HOME_VARIABLE])
    else:
        base = Path.home() / ".svcworkbook"
    return base.expanduser() / name


def progress_path(learner: str | None = None, home: str | Path | None = None) -> Path:
    """The learner's progress file: ``<learner folder>/progress.json``."""
    return learner_home(learner, home) / "progress.json"


def _empty() -> dict[str, Any]:
    """A new, empty progress record."""
    return {"format": FORMAT, "version": VERSION, "answers": [], "cards": {}, "exercises": []}


def _shape_problem(data: Any) -> str | None:
    """None if data looks like a progress record, else a sentence saying what is wrong."""
    if not isinstance(data, dict):
        return f"expected a JSON object, found {type(data).__name__}"
    if data.get("format") != FORMAT:
        return f"the 'format' field is {data.get('format')!r}, expected {FORMAT!r}"
    if not isinstance(data.get("version"), int) or data["version"] > VERSION:
        return f"version {data.get('version')!r} is not one this workbook can read (<= {VERSION})"
    if not isinstance(data.get("answers"), list):
        return "the 'answers' field is not a list"
    if not isinstance(data.get("cards"), dict):
        return "the 'cards' field is not an object"
    if not isinstance(data.get("quizzes", {}), dict):
        return "the 'quizzes' field is not an object"
    if not isinstance(data.get("exercises", []), list):
        return "the 'exercises' field is not a list"
    return None


def _answer_problem(answer: Any) -> str | None:
    """None when a saved quiz answer has the shape record_answer writes, else what is wrong."""
    if not isinstance(answer, dict):
        return f"{answer!r} is not an answer record"
    unit, chosen = answer.get("unit"), answer.get("chosen")
    if not isinstance(unit, int) or isinstance(unit, bool) or not 1 <= unit <= 5:
        return f"unit {unit!r} is not 1 to 5"
    if not isinstance(answer.get("question"), str):
        return "no question id"
    if not isinstance(chosen, int | float) or isinstance(chosen, bool):
        return f"the answer chosen, {chosen!r}, is not a number"
    if not isinstance(answer.get("correct"), bool):
        return "no right/wrong flag"
    return None


def _card_problem(state: Any) -> str | None:
    """None when a saved flashcard state can be read (FSRS, or an old Leitner box), else why."""
    from svcworkbook.learning.scheduling import CardState

    if not isinstance(state, dict):
        return f"{state!r} is not a card state"
    try:
        CardState.from_dict(state)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
        return str(error) or type(error).__name__
    return None


def _attempt_problem(attempt: Any) -> str | None:
    """None when a saved exercise attempt names its exercise and verdict, else what is wrong."""
    if not isinstance(attempt, dict):
        return f"{attempt!r} is not an attempt record"
    if not isinstance(attempt.get("id") or attempt.get("exercise"), str):
        return "no exercise id"
    verdict = attempt.get("verdict", attempt.get("result"))
    if verdict is not None and not isinstance(verdict, str):
        return f"the verdict {verdict!r} is not a word"
    return None


def clean_progress(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The progress record without the entries this workbook cannot read (answers, cards, quiz
    places, exercise attempts), and a sentence per entry left out; everything else is kept."""
    left_out: list[str] = []
    answers = []
    for number, answer in enumerate(data["answers"]):
        problem = _answer_problem(answer)
        if problem:
            left_out.append(f"answer {number + 1}: {problem}")
        else:
            answers.append(answer)
    cards = {}
    for card, state in data["cards"].items():
        problem = _card_problem(state)
        if problem:
            left_out.append(f"card {card}: {problem}")
        else:
            cards[card] = state
    quizzes = {}
    for key, state in data.get("quizzes", {}).items():
        if isinstance(state, dict):
            quizzes[key] = state
        else:
            left_out.append(f"quiz place {key}: {state!r} is not a saved place")
    cleaned = {**data, "answers": answers, "cards": cards}
    if "quizzes" in data:
        cleaned["quizzes"] = quizzes
    for name in ("exercises", "exercise_attempts"):
        if name in data:
            cleaned[name] = _clean_attempts(name, data[name], left_out)
    return cleaned, left_out


def _clean_attempts(name: str, attempts: Any, left_out: list[str]) -> Any:
    """Exercise attempts (a list, or lists keyed by exercise id) without those of a wrong shape."""
    if isinstance(attempts, dict):
        kept = {}
        for key, value in attempts.items():
            entries = value if isinstance(value, list) else [value]
            good = [
                a
                for a in entries
                if _attempt_problem({"id": key, **a} if isinstance(a, dict) else a) is None
            ]
            if len(good) < len(entries):
                left_out.append(
                    f"{name} {key}: {len(entries) - len(good)} attempt(s) of a wrong shape"
                )
            if good:
                kept[key] = good if isinstance(value, list) else good[0]
        return kept
    if not isinstance(attempts, list):
        left_out.append(f"{name}: {type(attempts).__name__}, not a list of attempts")
        return []
    kept_list = []
    for number, attempt in enumerate(attempts):
        problem = _attempt_problem(attempt)
        if problem:
            left_out.append(f"{name} {number + 1}: {problem}")
        else:
            kept_list.append(attempt)
    return kept_list


def _load(learner: str | None, home: str | Path | None) -> dict[str, Any]:
    """The learner's progress record as saved, with unreadable entries set aside."""
    return storage.load_json(progress_path(learner, home), _empty, _shape_problem, clean_progress)


def update_progress(
    change: Callable[[dict[str, Any]], dict[str, Any]],
    learner: str | None = None,
    home: str | Path | None = None,
) -> dict[str, Any]:
    """Apply ``change`` to the learner's progress under the lock and save it atomically."""
    return storage.update_json(
        progress_path(learner, home), change, _empty, _shape_problem, clean_progress
    )


def _now() -> str:
    """The current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def record_answer(
    unit: int,
    question: str,
    chosen: int | float,
    correct: bool,
    *,
    learner: str | None = None,
    home: str | Path | None = None,
    concept: str | None = None,
    marking_point: str | None = None,
    at: str | None = None,
) -> dict[str, Any]:
    """Append one quiz answer (unit, question id, option index or figure typed, right or not)."""
    if not isinstance(unit, int) or isinstance(unit, bool) or not 1 <= unit <= 5:
        raise ValueError(f"unit must be a number from 1 to 5, not {unit!r}")
    answer = {
        "unit": unit,
        "question": str(question),
        "chosen": chosen if isinstance(chosen, float) else int(chosen),
        "correct": bool(correct),
        "concept": concept,
        "marking_point": marking_point,
        "at": at or _now(),
    }

    def append(data: dict[str, Any]) -> dict[str, Any]:
        data["answers"].append(answer)
        return data

    update_progress(append, learner, home)
    return answer


def save_quiz_state(
    key: str,
    state: dict[str, Any] | None,
    learner: str | None = None,
    home: str | Path | None = None,
) -> None:
    """Save where a quiz stands (round, position, answers, missed) under ``key``; None clears it."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        quizzes = data.setdefault("quizzes", {})
        if state is None:
            quizzes.pop(key, None)
        else:
            quizzes[key] = state
        return data

    update_progress(change, learner, home)


def quiz_state(
    key: str, learner: str | None = None, home: str | Path | None = None
) -> dict[str, Any] | None:
    """The saved state of the quiz ``key`` (None if it was never saved)."""
    data = _load(learner, home)
    return data.get("quizzes", {}).get(key)


_EXERCISE_ID = re.compile(r"^U([1-5])\.E[1-9][0-9]?$")
ATTEMPT_RESULTS = ("right", "close", "wrong")
ATTEMPT_COLUMNS = ["unit", "exercise", "answer", "result", "slip", "at", "reason"]


def record_attempt(
    exercise: str,
    answer: Any,
    result: str,
    slip: str | None = None,
    *,
    learner: str | None = None,
    home: str | Path | None = None,
    at: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Append one exercise attempt (id, answer, result, slip, time) to the record, atomically.

    ``reason`` (a choose-and-justify exercise's "why", as the learner wrote it) is saved with
    the answer, in the same write.
    """
    match = _EXERCISE_ID.match(str(exercise))
    if not match:
        raise ValueError(f"exercise id must look like U2.E1, not {exercise!r}")
    if result not in ATTEMPT_RESULTS:
        raise ValueError(f"result must be one of {', '.join(ATTEMPT_RESULTS)}, not {result!r}")
    if not (answer is None or isinstance(answer, bool | int | float | str)):
        raise ValueError(f"an answer is saved as a number or text, not {type(answer).__name__}")
    attempt = {
        "unit": int(match.group(1)),
        "exercise": str(exercise),
        "answer": answer,
        "result": result,
        "slip": slip,
        "at": at or _now(),
    }
    if reason is not None:
        if not isinstance(reason, str):
            raise ValueError(f"a reason is saved as text, not {type(reason).__name__}")
        attempt["reason"] = reason

    def append(data: dict[str, Any]) -> dict[str, Any]:
        data.setdefault("exercises", []).append(attempt)
        return data

    update_progress(append, learner, home)
    return attempt


@dataclass
class Progress:
    """A learner's saved quiz answers and exercise attempts (oldest first) and flashcard states."""

    answers: list[dict[str, Any]] = field(default_factory=list)
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def answers_frame(self) -> pd.DataFrame:
        """The quiz answers as a table, one row per answer, oldest first."""
        columns = ["unit", "question", "chosen", "correct", "concept", "marking_point", "at"]
        return pd.DataFrame(self.answers, columns=columns)

    def attempts_frame(self) -> pd.DataFrame:
        """The exercise attempts as a table (unit, exercise, answer, result, slip, at, reason:
        None where none was asked for), oldest first."""
        return pd.DataFrame(self.attempts, columns=ATTEMPT_COLUMNS)


def load_progress(learner: str | None = None, home: str | Path | None = None) -> Progress:
    """Read the learner's saved progress (empty if there is none yet)."""
    data = _load(learner, home)
    return Progress(
        answers=list(data["answers"]),
        cards=dict(data["cards"]),
        attempts=list(data.get("exercises", [])),
    )


def latest_attempts(attempts: pd.DataFrame) -> pd.DataFrame:
    """Each exercise's most recent attempt, with how many tries it took (column ``tries``)."""
    if attempts.empty:
        return pd.DataFrame(columns=[*ATTEMPT_COLUMNS, "tries"])
    tries = attempts.groupby("exercise", sort=False)["result"].size().rename("tries")
    latest = attempts.groupby("exercise", sort=False).tail(1).set_index("exercise")
    latest = latest.join(tries).reset_index()
    return latest[[*ATTEMPT_COLUMNS, "tries"]].sort_values(["unit", "exercise"], kind="stable")


def exercise_scores(attempts: pd.DataFrame) -> pd.DataFrame:
    """Per unit: exercises tried, right now (latest attempt right), right first time."""
    columns = ["unit", "tried", "right_now", "right_first_time"]
    if attempts.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for unit, group in attempts.groupby("unit", sort=True):
        by_exercise = group.groupby("exercise", sort=False)["result"]
        first, last = by_exercise.first(), by_exercise.last()
        rows.append(
            {
                "unit": int(unit),
                "tried": len(last),
                "right_now": int((last == "right").sum()),
                "right_first_time": int((first == "right").sum()),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def unit_scores(answers: pd.DataFrame) -> pd.DataFrame:
    """Per unit: questions answered, right first time, right at the latest try, latest score.

    ``score`` = questions whose most recent answer is right / distinct questions answered.
    """
    columns = ["unit", "answered", "right_first_time", "right_now", "score"]
    if answers.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for unit, group in answers.groupby("unit", sort=True):
        per_question = group.groupby("question", sort=False)["correct"]
        first, latest = per_question.first(), per_question.last()
        rows.append(
            {
                "unit": int(unit),
                "answered": len(latest),
                "right_first_time": int(first.sum()),
                "right_now": int(latest.sum()),
                "score": float(latest.mean()),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def concept_strength(answers: pd.DataFrame) -> pd.DataFrame:
    """Per concept: quiz attempts, how many were right, and share right (right / attempts).

    Sorted weakest first: lowest share right, then most wrong answers, then concept id.
    """
    columns = ["concept", "unit", "attempts", "right", "share_right"]
    linked = answers.dropna(subset=["concept"]) if not answers.empty else answers
    if linked.empty:
        return pd.DataFrame(columns=columns)
    table = (
        linked.groupby("concept")
        .agg(unit=("unit", "first"), attempts=("correct", "size"), right=("correct", "sum"))
        .reset_index()
    )
    table["right"] = table["right"].astype(int)
    table["share_right"] = table["right"] / table["attempts"]
    table["wrong"] = table["attempts"] - table["right"]
    table = table.sort_values(["share_right", "wrong", "concept"], ascending=[True, False, True])
    return table[columns].reset_index(drop=True)


def _concept_names(units: Iterable) -> dict[str, str]:
    """Concept id -> concept name for the given units."""
    return {c.id: c.name for unit in units for c in unit.concepts}


def _loadable_units() -> list:
    """Every unit whose content file loads (units still being written are left out)."""
    from svcworkbook.content import load_unit, unit_files

    return [load_unit(number) for number in sorted(unit_files())]


def card_due_date(state: dict[str, Any]) -> str:
    """A saved card's due date (yyyy-mm-dd), from an FSRS state or an old Leitner one."""
    if isinstance(state.get("fsrs"), dict):
        return str(state["fsrs"].get("due", ""))[:10]
    return str(state.get("due", ""))[:10]


def _due_cards(cards: dict[str, dict[str, Any]], today: str) -> list[str]:
    """Ids of saved flashcards whose due date (ISO yyyy-mm-dd) is today or earlier."""
    return sorted(card for card, state in cards.items() if card_due_date(state) <= today)


def exercises_done(raw: dict[str, Any]) -> dict[int, int]:
    """Exercises done per unit: distinct exercise ids (``U2.E1``) whose latest attempt is right.

    Reads the attempts the exercise checks save (a list under ``exercises`` or
    ``exercise_attempts``, each with an ``id`` or ``exercise`` and a ``verdict`` or ``result``);
    a progress file without them has none done.
    """
    attempts = raw.get("exercises") or raw.get("exercise_attempts") or []
    if isinstance(attempts, dict):  # keyed by exercise id
        attempts = [
            dict(a, id=k) for k, v in attempts.items() for a in (v if isinstance(v, list) else [v])
        ]
    latest: dict[str, str] = {}
    for attempt in attempts if isinstance(attempts, list) else []:
        if not isinstance(attempt, dict):
            continue
        exercise = str(attempt.get("id") or attempt.get("exercise") or "")
        verdict = str(attempt.get("verdict") or attempt.get("result") or "")
        if re.match(r"^U[1-5]\.E\d+$", exercise):
            latest[exercise] = verdict
    done: dict[int, int] = {}
    for exercise, verdict in latest.items():
        if verdict.lower() == "right":
            done[int(exercise[1])] = done.get(int(exercise[1]), 0) + 1
    return done


def unit_file_name(unit) -> str:
    """The unit's notebook, beside 00_start_here: NN_slug.ipynb."""
    return f"{unit.number:02d}_{unit.slug}.ipynb"


def unit_table(
    units: Iterable,
    scores: pd.DataFrame,
    weakest: pd.DataFrame,
    cards: dict[str, dict[str, Any]],
    done: dict[int, int],
    today: str,
) -> pd.DataFrame:
    """One row per unit: quiz score, cards due today (unseen cards count), exercises done, and
    the three weakest concepts (lowest share of quiz answers right), with the unit's notebook."""
    by_unit = scores.set_index("unit") if not scores.empty else scores
    rows = []
    for unit in units:
        card_ids = [c.id for c in unit.concepts] + [m.id for m in unit.marking_points]
        due = sum(1 for c in card_ids if c not in cards or card_due_date(cards[c]) <= today)
        if not scores.empty and unit.number in by_unit.index:
            row = by_unit.loc[unit.number]
            quiz = f"{int(row['right_now'])} of {int(row['answered'])} right ({row['score']:.0%})"
        else:
            quiz = "not started"
        weak = weakest[weakest["unit"] == unit.number].head(3) if not weakest.empty else weakest
        rows.append(
            {
                "unit": unit.number,
                "title": unit.title,
                "notebook": unit_file_name(unit),
                "quiz": quiz,
                "cards_due": due,
                "exercises_done": done.get(unit.number, 0),
                "weakest": [
                    f"{r.name} ({r.right} of {r.attempts} right)"
                    for r in weak.itertuples(index=False)
                ],
            }
        )
    columns = ["unit", "title", "notebook", "quiz", "cards_due", "exercises_done", "weakest"]
    return pd.DataFrame(rows, columns=columns)


@dataclass
class Summary:
    """A learner's progress across units: quiz scores, exercises, weakest concepts, what next."""

    learner: str
    scores: pd.DataFrame
    weakest: pd.DataFrame
    revise_next: list[str]
    cards_due: list[str]
    units: pd.DataFrame = field(default_factory=pd.DataFrame)
    exercises: pd.DataFrame = field(default_factory=lambda: exercise_scores(pd.DataFrame()))

    @property
    def frame(self) -> pd.DataFrame:
        """The per-unit score table (one row per unit with answers)."""
        return self.scores

    def _unit_lines(self) -> list[str]:
        """Per unit, one line: quiz, cards due today, exercises done, weakest concepts."""
        lines = []
        for row in self.units.itertuples(index=False):
            weak = "; ".join(row.weakest) if row.weakest else "none yet"
            lines.append(
                f"Unit {row.unit} {row.title} ({row.notebook}): quiz {row.quiz}; "
                f"{row.cards_due} cards due today; {row.exercises_done} exercises done; "
                f"weakest: {weak}"
            )
        return lines

    def _exercise_line(self, unit: int) -> str:
        """'exercises: 2 of 3 tried right now' for a unit ('' if none tried)."""
        rows = self.exercises[self.exercises["unit"] == unit]
        if rows.empty:
            return ""
        row = rows.iloc[0]
        return (
            f"exercises: {row['right_now']} of {row['tried']} tried are right now, "
            f"{row['right_first_time']} right first time"
        )

    def _units(self) -> list[int]:
        """Every unit with quiz answers or exercise attempts, in order."""
        return sorted({*map(int, self.scores["unit"]), *map(int, self.exercises["unit"])})

    def __str__(self) -> str:
        lines = [f"Progress for {self.learner}", *self._unit_lines()]
        if self.scores.empty and self.exercises.empty:
            lines.append("No quiz answers or exercise attempts saved yet.")
        quiz = {int(row.unit): row for row in self.scores.itertuples(index=False)}
        for unit in self._units():
            parts = []
            if unit in quiz:
                row = quiz[unit]
                parts.append(
                    f"{row.right_now} of {row.answered} questions right now "
                    f"({row.score:.0%}); {row.right_first_time} right first time"
                )
            if self._exercise_line(unit):
                parts.append(self._exercise_line(unit))
            lines.append(f"Unit {unit}: " + "; ".join(parts))
        if not self.weakest.empty:
            lines.append("Weakest concepts:")
            for row in self.weakest.head(5).itertuples(index=False):
                lines.append(f"- {row.name} ({row.concept}): {row.right} of {row.attempts} right")
        lines.append("Revise next:")
        lines += [f"- {item}" for item in self.revise_next] or ["- Nothing flagged."]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        esc = html.escape
        quiz = {int(row.unit): row for row in self.scores.itertuples(index=False)}
        score_rows = ""
        for unit in self._units():
            row = quiz.get(unit)
            cells = (
                f"<td>{row.right_now} of {row.answered}</td><td>{row.score:.0%}</td>"
                f"<td>{row.right_first_time}</td>"
                if row is not None
                else "<td>none yet</td><td></td><td></td>"
            )
            score_rows += (
                f"<tr><td>Unit {unit}</td>{cells}"
                f"<td>{esc(self._exercise_line(unit).removeprefix('exercises: ')) or 'none yet'}"
                "</td></tr>"
            )
        scores = (
            "<table class='svc-table'><thead><tr><th>Unit</th><th>Quiz right now</th>"
            "<th>Score</th><th>Right first time</th><th>Exercises</th></tr></thead>"
            f"<tbody>{score_rows}</tbody></table>"
            if score_rows
            else "<p>No quiz answers or exercise attempts saved yet.</p>"
        )
        weak = "".join(
            f"<li>{esc(str(row.name))} ({esc(str(row.concept))}): "
            f"{row.right} of {row.attempts} right</li>"
            for row in self.weakest.head(5).itertuples(index=False)
        )
        weak_html = f"<strong>Weakest concepts</strong><ul>{weak}</ul>" if weak else ""
        revise = "".join(f"<li>{esc(item)}</li>" for item in self.revise_next)
        revise = revise or "<li>Nothing flagged.</li>"
        return (
            f"<div class='svc-progress'><strong>Progress for {esc(self.learner)}</strong>"
            f"{self._units_html()}{scores}{weak_html}<strong>Revise next</strong>"
            f"<ul>{revise}</ul></div>"
        )

    def _units_html(self) -> str:
        """The per-unit table, each unit linked to its notebook."""
        esc = html.escape
        rows = "".join(
            f"<tr><td><a href='{esc(row.notebook)}'>Unit {row.unit}: {esc(row.title)}</a></td>"
            f"<td>{esc(row.quiz)}</td><td>{row.cards_due}</td><td>{row.exercises_done}</td>"
            f"<td>{esc('; '.join(row.weakest) or 'none yet')}</td></tr>"
            for row in self.units.itertuples(index=False)
        )
        if not rows:
            return ""
        return (
            "<table class='svc-table svc-units-progress'><thead><tr><th>Unit</th><th>Quiz</th>"
            "<th>Cards due today</th><th>Exercises done</th><th>Weakest concepts</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
        )


def _exercise_title(exercise: str) -> str:
    """An exercise's short title when its unit's module is loaded, else its id alone."""
    from svcworkbook.learning import exercises

    try:
        return f"{exercise} ({exercises.exercise(exercise).title})"
    except KeyError:
        return exercise


def exercises_to_redo(attempts: pd.DataFrame) -> list[str]:
    """An item per exercise whose latest attempt is not right, naming the slip when known."""
    items = []
    for row in latest_attempts(attempts).itertuples(index=False):
        if row.result == "right":
            continue
        slip = f", slip: {row.slip}" if isinstance(row.slip, str) and row.slip else ""
        items.append(
            f"Unit {row.unit}: redo exercise {_exercise_title(row.exercise)} - your latest "
            f"answer was {row.result}{slip} after {row.tries} tr{'y' if row.tries == 1 else 'ies'}"
        )
    return items


def revision_list(
    scores: pd.DataFrame,
    weakest: pd.DataFrame,
    cards_due: list[str],
    unit_numbers: Iterable[int],
    attempts: pd.DataFrame | None = None,
) -> list[str]:
    """What to revise next: weak concepts (share right < REVISE_BELOW), exercises whose latest
    attempt is not right, due cards, then units with no quiz answers."""
    items = [
        f"Unit {row.unit}: revisit {row.name} ({row.concept}) - {row.right} of "
        f"{row.attempts} quiz answers right"
        for row in weakest.itertuples(index=False)
        if row.share_right < REVISE_BELOW
    ]
    if attempts is not None:
        items += exercises_to_redo(attempts)
    if cards_due:
        items.append(f"{len(cards_due)} flashcard(s) due for review today")
    tried = set(scores["unit"]) if not scores.empty else set()
    items += [
        f"Unit {n}: no quiz answers yet - try the unit {n} quiz"
        for n in unit_numbers
        if n not in tried
    ]
    return items


def summary(
    learner: str | None = None,
    home: str | Path | None = None,
    units: Iterable | None = None,
    today: str | None = None,
) -> Summary:
    """Progress across units: quiz scores and exercises per unit, weakest concepts, what next."""
    units = list(units) if units is not None else _loadable_units()
    saved = load_progress(learner, home)
    answers = saved.answers_frame()
    scores = unit_scores(answers)
    weakest = concept_strength(answers)
    names = _concept_names(units)
    weakest.insert(1, "name", [names.get(c, c) for c in weakest["concept"]])
    today = today or datetime.now(UTC).date().isoformat()
    due = _due_cards(saved.cards, today)
    attempts = saved.attempts_frame()
    revise = revision_list(scores, weakest, due, [u.number for u in units], attempts)
    raw = _load(learner, home)
    table = unit_table(units, scores, weakest, saved.cards, exercises_done(raw), today)
    return Summary(
        learner or DEFAULT_LEARNER, scores, weakest, revise, due, table, exercise_scores(attempts)
    )
