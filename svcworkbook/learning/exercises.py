"""The "Your turn" exercises: what each one asks, how an answer is judged, and the feedback shown.

Every exercise has a stable id (``U2.E1``: unit 2, exercise 1) and a spec (:class:`Exercise`):
the kind of answer, the precision the question states, a hint in the learner's words, and the
slips (known wrong routes) the unit can compute a value for. Units define their specs with
:func:`define` when their module is imported.

**Judging one answer** (public; ``svcworkbook mark`` builds its gradebook on it)::

    from svcworkbook.learning import exercises
    j = exercises.judge("U2.E2", answer=74.2, expected=0.7416, slips={"not due": 0.7803})
    j.result   # "right" | "close" | "wrong" | "not attempted"
    j.slip     # the slip's key ("fraction", "truncated", "not due", ...) or None
    j.message  # what the learner is told, in plain words, never the expected value
    j.hint     # the exercise's hint

The rules (see :func:`judge`):

- Right when the answer rounds to the expected value at the precision the question states
  (``decimals``; half up). Percentages and percentage points are asked for as numbers of
  per cent: 74.2 or "74.2%" for a share of 0.7416 asked "to one decimal place".
- A slip is named only when the answer matches that slip's value at the same precision: the
  fraction given for a percentage (0.742), a figure cut off instead of rounded (74.1), rounded to
  fewer places than asked (74), a difference the wrong way round, or one of the unit's own slips
  (a wrong denominator, a percent change given for percentage points ...). Anything else is
  "wrong" with the hint.
- Text answers (``choice``) are compared in any case, ignoring spaces, hyphens and quotes.
- A "choose and justify" exercise (its spec has ``reason``: what a reason must name) is right
  only when the choice is right and the learner's reason (``my_reason``) names what justifies it
  (:mod:`svcworkbook.learning.reasons`): a right choice with no reason is *close*, "not finished
  yet: say why"; with a reason that names nothing checkable it is *close* too, and says what to
  name. The reason is saved with the attempt and shown back with it.

**Checking in a notebook.** ``check(exercise_id, answer, expected, slips)`` judges the answer,
saves the attempt in the learner's progress (learner edition; see
:func:`svcworkbook.learning.progress.record_attempt`) and returns :class:`Feedback` to display.
The edition, learner and folder come from the running unit (``start_unit`` calls :func:`begin`),
never from the exercise cell: a learner edition never shows or returns the expected value; the
tutor edition shows it and keeps it for the headline results (``exercise_answers``).
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

KINDS = ("percent", "points", "number", "count", "choice")
RESULTS = ("right", "close", "wrong", "not attempted")
EDITIONS = ("learner", "tutor")
ATTEMPT_MIME = "application/vnd.svcworkbook.attempt+json"

_ICONS = {"right": "✔", "close": "≈", "wrong": "✘", "not attempted": "…"}
_COLOURS = {"right": "#1b7837", "close": "#b35806", "wrong": "#b2182b", "not attempted": "#555555"}
_ID = re.compile(r"^U([1-5])\.E([1-9][0-9]?)$")
_NUMBER_WORDS = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four"}


@dataclass(frozen=True)
class Slip:
    """A known wrong route to an answer: its key, what the learner is told, and its result."""

    key: str
    says: str  # in the learner's words: "you left out the open cases already past the SLA"
    result: str = "wrong"  # "close" when the method was right and only the presentation slipped


#: Slips every numeric exercise can show, whatever the unit (the values follow from the expected).
GENERIC_SLIPS = {
    "fraction": Slip(
        "fraction",
        "that is the share as a fraction of 1; the question asks for per cent, so multiply by 100",
        "close",
    ),  # fmt: skip
    "truncated": Slip(
        "truncated",
        "you cut the figure off instead of rounding it: round the last digit up "
        "when the next one is 5 or more",
        "close",
    ),  # fmt: skip
    "rounded too far": Slip(
        "rounded too far",
        "you rounded to fewer decimal places than the question asks for",
        "close",
    ),  # fmt: skip
    "wrong way round": Slip(
        "wrong way round",
        "the size is right but the sign is not: check which figure you took away from which",
    ),  # fmt: skip
}


#: Slips of a choose-and-justify exercise whose choice is right but whose reason is not done.
REASON_SLIPS = {
    "no reason": Slip("no reason", "not finished yet: say why", "close"),
    "reason unchecked": Slip(
        "reason unchecked",
        "your reason does not name the figure that justifies the choice",
        "close",
    ),  # fmt: skip
}


_FRACTION_POINTS = Slip(
    "fraction", "that is the difference as a fraction of 1; give it in percentage points, so "
    "multiply by 100", "close",
)  # fmt: skip


def _is_one_of(says: str, slips) -> bool:
    """Whether a slip's words are those of one of the given slips (a full stop aside)."""
    return any(says.strip().rstrip(".") == slip.says.rstrip(".") for slip in slips)


def is_working_slip(says: str) -> bool:
    """Whether a diagnosed slip is one of the generic working slips (a fraction for per cent, a
    truncation, too few decimals, the sign), which no unit misconception explains."""
    return _is_one_of(says, [*GENERIC_SLIPS.values(), _FRACTION_POINTS])


def is_reason_slip(says: str) -> bool:
    """Whether a diagnosed slip is a right choice with its reason missing or unchecked (not a
    belief about service either)."""
    return _is_one_of(says, REASON_SLIPS.values())


@dataclass(frozen=True)
class Exercise:
    """One "Your turn": id, unit, what it asks (short), answer kind, stated precision, hint, slips.

    ``decimals`` is the precision the question states, in the unit the answer is given in
    (per cent for ``percent`` and ``points``). ``noun`` names what a count counts ("staff",
    "days") for the printed forms. ``options`` lists the allowed answers of a ``choice``.
    """

    id: str
    unit: int
    title: str
    kind: str
    decimals: int = 1
    hint: str = ""
    slips: tuple[Slip, ...] = ()
    noun: str = ""
    options: tuple[str, ...] = ()
    giveaway: tuple[str, ...] = ()  # choice: words that, beside the answer, would state it
    reason: str = ""  # choose and justify: what the learner's reason must name, in their words

    def __post_init__(self) -> None:
        match = _ID.match(self.id)
        if not match or int(match.group(1)) != self.unit:
            raise ValueError(f"exercise id {self.id!r} must look like U{self.unit}.E1")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.kind == "count" and self.decimals != 0:
            raise ValueError(f"{self.id}: a count is a whole number (decimals=0)")
        keys = [s.key for s in self.slips]
        reserved = set(GENERIC_SLIPS) | set(REASON_SLIPS)
        if len(set(keys)) != len(keys) or set(keys) & reserved:
            raise ValueError(f"{self.id}: slip keys must be distinct and not {reserved}")
        for slip in self.slips:
            if slip.result not in ("close", "wrong"):
                raise ValueError(f"{self.id}: slip {slip.key!r} result must be close or wrong")

    @property
    def precision_words(self) -> str:
        """The precision as the question says it: "to one decimal place", "as a whole number"."""
        if self.kind == "choice":
            return "as one of the options"
        if self.decimals == 0:
            return "as a whole number"
        word = _NUMBER_WORDS.get(self.decimals, str(self.decimals))
        return f"to {word} decimal place{'s' if self.decimals > 1 else ''}"

    def slip(self, key: str) -> Slip:
        """The slip with this key (the unit's own or a generic one)."""
        for slip in self.slips:
            if slip.key == key:
                return slip
        if key == "fraction" and self.kind == "points":
            return _FRACTION_POINTS
        if key in GENERIC_SLIPS:
            return GENERIC_SLIPS[key]
        if key in REASON_SLIPS:
            return REASON_SLIPS[key]
        raise KeyError(f"{self.id} has no slip {key!r}; it has {[s.key for s in self.slips]}")

    def in_answer_units(self, value: float) -> float:
        """An expected value in the units the learner answers in (shares become per cent)."""
        return value * 100 if self.kind in ("percent", "points") else value

    def shown(self, expected: Any) -> str:
        """The expected value as the tutor edition shows it: "74.2%", "12 staff", "reliability"."""
        if self.kind == "choice":
            return str(expected)
        value = self.in_answer_units(float(expected))
        text = f"{value:,.{self.decimals}f}"
        if self.kind == "percent":
            return f"{text}%"
        if self.kind == "points":
            return f"{value:+.{self.decimals}f} percentage points"
        return f"{text} {self.noun}".strip()

    def printed_forms(self, expected: Any) -> list[str]:
        """The ways the expected answer would usually be printed (for tests that it never is)."""
        if self.kind == "choice":  # the options are on screen; a sentence must not name it
            return [f"{word} ... {expected}" for word in self.giveaway]
        value = self.in_answer_units(float(expected))
        plain = f"{value:.{self.decimals}f}"
        if self.kind == "percent":
            return [f"{plain}%", f"{float(expected):.{self.decimals + 2}f}"]
        if self.kind == "points":
            return [f"{plain} percentage points", f"{value:+.{self.decimals}f}", f"{plain} pp"]
        forms = [f"{value:,.{self.decimals}f} {self.noun}".strip()]
        if self.kind == "number":
            forms.append(plain)
        return forms


_REGISTRY: dict[str, Exercise] = {}


def define(
    id: str,
    unit: int,
    title: str,
    kind: str,
    *,
    decimals: int | None = None,
    hint: str = "",
    slips: Mapping[str, tuple[str, str] | str] | None = None,
    noun: str = "",
    options: tuple[str, ...] = (),
    giveaway: tuple[str, ...] = (),
    reason: str = "",
) -> Exercise:
    """Define (register) an exercise; slips map key -> what the learner is told (or (says, result)).

    ``reason`` makes it a choose-and-justify exercise: what the learner's reason must name
    ("the number of dissatisfied responses at that touchpoint").
    """
    made = tuple(
        Slip(key, *((value,) if isinstance(value, str) else value))
        for key, value in (slips or {}).items()
    )
    places = decimals if decimals is not None else (0 if kind == "count" else 1)
    spec = Exercise(
        id, unit, title, kind, places, hint, made, noun, tuple(options), tuple(giveaway), reason
    )
    known = _REGISTRY.get(id)
    if known is not None and known != spec and known.title != spec.title:
        raise ValueError(f"exercise id {id} is already used by {known.title!r}")
    _REGISTRY[id] = spec
    return spec


def exercise(exercise_id: str) -> Exercise:
    """The spec of an exercise by its id (the unit's module must have been imported)."""
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        raise KeyError(
            f"no exercise {exercise_id!r}; known: {', '.join(sorted(_REGISTRY)) or 'none yet'} "
            "(import the unit's modules, e.g. svcworkbook.units.all_exercises())"
        ) from None


def defined(unit: int | None = None) -> list[Exercise]:
    """Every registered exercise (of one unit), in id order (U2.E1, U2.E2, ...)."""
    specs = [s for s in _REGISTRY.values() if unit is None or s.unit == unit]
    return sorted(specs, key=lambda s: (s.unit, int(s.id.split(".E")[1])))


# ---------------------------------------------------------------------------------------------
# Judging one answer
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    """How one answer to one exercise was judged: result, the slip's key, message and hint."""

    exercise: str
    result: str
    slip: str | None
    message: str
    hint: str
    answer: Any = None
    reason: str | None = None  # the learner's reason (choose and justify), as saved

    @property
    def right(self) -> bool:
        """True when the answer is right."""
        return self.result == "right"


def _is_number(value: Any) -> bool:
    """True for a real, finite number (not a bool)."""
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


_NUMBER_TEXT = re.compile(
    r"^[£$]?\s*([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)\s*"
    r"(%|pp|p\.p\.|percentage points?|per ?cent)?$",
    re.IGNORECASE,
)


def parse_number(answer: Any) -> float | None:
    """A number from an answer: 74.2, "74.2%", "2.9 pp", "1,234", "£12"; None if it is not one."""
    if _is_number(answer):
        return float(answer)
    if isinstance(answer, str):
        match = _NUMBER_TEXT.match(answer.strip())
        return float(match.group(1).replace(",", "")) if match else None
    try:  # numpy scalars
        value = float(answer)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and not isinstance(answer, bool) else None


def normalise_text(value: Any) -> str:
    """A text answer compared in any case, ignoring quotes, spaces, hyphens and underscores."""
    text = str(value).strip().strip("\"'“”‘’.").lower()
    return " ".join(text.replace("_", " ").replace("-", " ").split())


def _decimal(value: float) -> Decimal:
    """A float as the decimal it prints as (so 74.25 rounds half up as written)."""
    return Decimal(repr(float(value)))


def rounded(value: float, decimals: int) -> Decimal:
    """value rounded half up to ``decimals`` places (the way a question's precision is meant)."""
    return _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def truncated(value: float, decimals: int) -> Decimal:
    """value cut off (towards zero) at ``decimals`` places."""
    return _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN)


def _same(answer: float, target: float, decimals: int) -> bool:
    """Whether the answer rounds to the target at the stated precision."""
    try:
        return rounded(answer, decimals) == rounded(target, decimals)
    except InvalidOperation:  # astronomically large numbers
        return False


def _presentation_slip(spec: Exercise, value: float, target: float) -> tuple[str, bool] | None:
    """A generic slip the answer matches: (key, also given as a fraction), or None."""
    d = spec.decimals
    forms = [(value, False)]
    if spec.kind in ("percent", "points"):
        if _same(value * 100, target, d):
            return "fraction", False
        forms.append((value * 100, True))
    right = rounded(target, d)
    for form, as_fraction in forms:
        given = _decimal(form)
        if truncated(target, d) != right and given == truncated(target, d):
            return "truncated", as_fraction
        for places in range(d):
            if rounded(target, places) != right and given == rounded(target, places):
                return "rounded too far", as_fraction
    if spec.kind == "points" and rounded(target, d) != 0 and _same(-value, target, d):
        return "wrong way round", False
    return None


def _message(result: str, says: str = "", hint: str = "") -> str:
    """What the learner reads for a result, a slip's explanation and the hint."""
    if result == "right":
        return "Right."
    opening = "Close, but" if result == "close" else "Not quite:"
    text = f"{opening} {says}." if says else "Not right yet."
    return f"{text} Hint: {hint}" if hint and result == "wrong" else text


def _judged(
    spec: Exercise, answer: Any, result: str, slip: str | None, says: str = ""
) -> Judgement:
    """A Judgement with the message for its result."""
    return Judgement(spec.id, result, slip, _message(result, says, spec.hint), spec.hint, answer)


def _judge_choice(
    spec: Exercise, answer: Any, expected: Any, slips: Mapping[str, Any]
) -> Judgement:
    """Judge a text answer: the expected option in any case, a slip's option, or wrong."""
    given = normalise_text(answer)
    if given == normalise_text(expected):
        return _judged(spec, answer, "right", None)
    for key, value in slips.items():
        if value is not None and given == normalise_text(value):
            return _judged(spec, answer, spec.slip(key).result, key, spec.slip(key).says)
    if spec.options and given not in {normalise_text(o) for o in spec.options}:
        listed = ", ".join(f'"{o}"' for o in spec.options)
        return _judged(spec, answer, "wrong", None, f"give one of {listed}")
    return _judged(spec, answer, "wrong", None)


def _with_reason(judgement: Judgement, spec: Exercise, reason: Any, because: Any) -> Judgement:
    """A choose-and-justify judgement with the learner's reason: a right choice stays right only
    when the reason names what justifies it (``because``; any reason when there is nothing to
    check it against), else it is close: "not finished yet: say why" or what to name."""
    from svcworkbook.learning import reasons

    text = reasons.reason_text(reason)
    judgement = replace(judgement, reason=text)
    if not spec.reason or judgement.result != "right":
        return judgement
    if not text:
        key = "no reason"
        says = (
            "Right choice, but not finished yet: say why. Write your reason in place of None "
            f"on the my_reason line, naming {spec.reason}."
        )
    elif because is not None and not reasons.names(text, because):
        key = "reason unchecked"
        says = (
            "Right choice, but your reason does not yet say why in a way that can be checked: "
            f"name {spec.reason}."
        )
    else:
        return replace(judgement, message="Right, and your reason says why.")
    return replace(judgement, result="close", slip=key, message=says)


def judge(
    exercise_id: str | Exercise,
    answer: Any,
    expected: Any,
    slips: Mapping[str, Any] | None = None,
    reason: Any = None,
    because: Any = None,
) -> Judgement:
    """Judge one answer to one exercise against the expected value (and the unit's slip values).

    ``expected`` is in the library's form (a share of 0.7416 for 74.2%); ``slips`` maps the
    exercise's slip keys to the value each slip gives on the same data. None is "not attempted".
    For a choose-and-justify exercise, ``reason`` is the learner's reason and ``because`` what
    it must name (:class:`svcworkbook.learning.reasons.Because`).
    """
    spec = exercise_id if isinstance(exercise_id, Exercise) else exercise(exercise_id)
    return _with_reason(_judge_answer(spec, answer, expected, slips), spec, reason, because)


def _judge_answer(
    spec: Exercise, answer: Any, expected: Any, slips: Mapping[str, Any] | None
) -> Judgement:
    """Judge the answer alone (the reason aside)."""
    slips = dict(slips or {})
    unknown = set(slips) - {s.key for s in spec.slips}
    if unknown:
        raise KeyError(f"{spec.id} has no slip(s) {sorted(unknown)}")
    if answer is None:
        return Judgement(
            spec.id, "not attempted", None,
            "Replace None with your answer, then run the cell again.", spec.hint, None,
        )  # fmt: skip
    if spec.kind == "choice":
        return _judge_choice(spec, answer, expected, slips)
    value = parse_number(answer)
    if value is None and spec.noun and isinstance(answer, str):  # "70.5 hours", "12 staff"
        words = answer.strip()
        if words.lower().endswith(spec.noun.lower()):
            value = parse_number(words[: -len(spec.noun)])
    if value is None:
        return _judged(spec, answer, "wrong", None, f"give just a number, {spec.precision_words}")
    target = spec.in_answer_units(float(expected))
    d = spec.decimals
    if _same(value, target, d):
        return _judged(spec, answer, "right", None)
    for key, slip_value in slips.items():
        if not _is_number(slip_value):
            continue
        theirs = spec.in_answer_units(float(slip_value))
        if _same(theirs, target, d):
            continue  # a slip that gives the right answer here cannot be told apart
        fraction = spec.kind in ("percent", "points") and _same(value * 100, theirs, d)
        if _same(value, theirs, d) or fraction:
            slip = spec.slip(key)
            return _judged(spec, answer, slip.result, key, slip.says)
    found = _presentation_slip(spec, value, target)
    if found is None:
        return _judged(spec, answer, "wrong", None)
    key, as_fraction = found
    slip = spec.slip(key)
    says = slip.says + (" (and give it in per cent, not as a fraction)" if as_fraction else "")
    return _judged(spec, answer, slip.result, key, says)


# ---------------------------------------------------------------------------------------------
# Checking in a notebook: the running unit, saved attempts, feedback
# ---------------------------------------------------------------------------------------------


@dataclass
class ExerciseSession:
    """The running notebook as its checks see it: edition, learner, folder, tutor answers."""

    unit: int | None = None
    edition: str = "learner"
    learner: str | None = None
    home: str | Path | None = None
    answers: dict[str, Any] = field(default_factory=dict)  # tutor edition only
    slip_values: dict[str, dict[str, Any]] = field(default_factory=dict)  # tutor edition only


_SESSION = ExerciseSession()


def begin(
    unit: int | None,
    edition: str = "learner",
    learner: str | None = None,
    home: str | Path | None = None,
) -> ExerciseSession:
    """Start a notebook's exercise session (``start_unit`` calls this with its parameters)."""
    global _SESSION
    if edition not in EDITIONS:
        raise ValueError(f"edition must be 'learner' or 'tutor', not {edition!r}")
    _SESSION = ExerciseSession(unit, edition, learner, home)
    return _SESSION


def current() -> ExerciseSession:
    """The running notebook's exercise session (a learner edition when none was started)."""
    return _SESSION


def _jsonable(answer: Any) -> Any:
    """An answer as saved: a number, text, or its text form."""
    if answer is None or isinstance(answer, bool | str):
        return answer
    if _is_number(answer):
        return int(answer) if isinstance(answer, numbers.Integral) else float(answer)
    value = parse_number(answer)
    return value if value is not None else str(answer)[:200]


@dataclass(frozen=True)
class Feedback:
    """What an exercise cell shows: the judgement, the last saved attempt, the answer (tutor only)."""

    judgement: Judgement
    title: str = ""
    answer_shown: str | None = None  # the expected value, in the tutor edition only
    saved: str = ""  # "Saved: ..." or the last saved attempt when nothing was given
    revealed: str = ""  # what the text above withheld, shown after a right answer (or to tutors)

    @property
    def status(self) -> str:
        """right, close, wrong or not attempted."""
        return self.judgement.result

    @property
    def message(self) -> str:
        """The message in the learner's words."""
        return self.judgement.message

    @property
    def right(self) -> bool:
        """True when the answer is right."""
        return self.judgement.right

    def __str__(self) -> str:
        label = f"{self.judgement.exercise} {self.title}: " if self.title else ""
        text = f"{_ICONS[self.status]} {label}{self.message}"
        if self.revealed:
            text += f"\n{self.revealed}"
        if self.saved:
            text += f"\n{self.saved}"
        if self.answer_shown is not None:
            text += f"\n(Tutor edition: the answer is {self.answer_shown}.)"
        return text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        e = html.escape
        label = (
            f"<strong>{e(self.judgement.exercise)} {e(self.title)}</strong>: " if self.title else ""
        )
        saved = f'<br><span class="svc-saved">{e(self.saved)}</span>' if self.saved else ""
        if self.revealed:
            saved = f'<br><span class="svc-revealed">{e(self.revealed)}</span>{saved}'
        tutor = (
            f"<br><em>Tutor edition: the answer is {e(self.answer_shown)}.</em>"
            if self.answer_shown is not None
            else ""
        )
        colour = _COLOURS[self.status]
        css = "svc-" + self.status.replace(" ", "-")
        return (
            f'<div class="svc-feedback {css}" data-exercise="{e(self.judgement.exercise)}" '
            f'style="border-left:4px solid {colour};padding:.3rem .6rem;margin:.3rem 0">'
            f'<span style="color:{colour}">{_ICONS[self.status]}</span> {label}'
            f"{e(self.message)}{saved}{tutor}</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        attempt = {
            "exercise": self.judgement.exercise,
            "answer": _jsonable(self.judgement.answer),
            "result": self.status,
            "slip": self.judgement.slip,
        }
        if self.judgement.reason is not None:
            attempt["reason"] = self.judgement.reason
        return {"text/plain": str(self), "text/html": self._repr_html_(), ATTEMPT_MIME: attempt}


def _last_saved(spec: Exercise, session: ExerciseSession) -> str:
    """The learner's latest saved attempt at this exercise, in words ("" if none)."""
    from svcworkbook.learning import progress

    try:
        attempts = progress.load_progress(session.learner, session.home).attempts
    except (OSError, ValueError):
        return ""
    mine = [a for a in attempts if a.get("exercise") == spec.id]
    if not mine:
        return ""
    last = mine[-1]
    when = str(last.get("at", "")).replace("T", " ")[:16]
    answer = _answer_in_words(last.get("answer"), spec)
    reason = last.get("reason")
    because = f', because "{reason}"' if isinstance(reason, str) and reason else ""
    if spec.reason and not because:
        because = ", with no reason given"
    return f"Your last saved attempt: {answer}{because} ({last.get('result')}, {when} UTC)."


def _answer_in_words(answer: Any, spec: Exercise) -> str:
    """A saved answer for people: a number to two places more than the question asks (trailing
    zeros dropped), so 84.33704904020799 reads 84.337; anything else as it was typed."""
    if isinstance(answer, bool) or not _is_number(answer):
        return str(answer)
    text = f"{float(answer):,.{spec.decimals + 2}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def check(
    exercise_id: str | Exercise,
    answer: Any,
    expected: Any,
    slips: Mapping[str, Any] | None = None,
    reveal: str = "",
    reason: Any = None,
    because: Any = None,
) -> Feedback:
    """Judge a learner's answer, save the attempt (learner edition) and return the feedback.

    ``reason`` is the learner's reason for a choose-and-justify exercise (saved with the answer)
    and ``because`` what it must name to be checked (:func:`judge`).

    The edition comes from the running notebook (:func:`begin`), never from the caller: in a
    learner edition the expected value is neither shown nor kept; in the tutor edition it is
    shown and kept for ``exercise_answers``. ``reveal`` (what the text above withheld) is shown
    only after a right answer, or to the tutor.
    """
    from svcworkbook.learning import progress

    spec = exercise_id if isinstance(exercise_id, Exercise) else exercise(exercise_id)
    session = current()
    slips = {k: v for k, v in dict(slips or {}).items() if v is not None}
    judgement = judge(spec, answer, expected, slips, reason, because)
    if session.edition == "tutor":
        session.answers[spec.id] = expected
        session.slip_values[spec.id] = slips
        return Feedback(judgement, spec.title, spec.shown(expected), revealed=reveal)
    if answer is None:
        return Feedback(judgement, spec.title, None, _last_saved(spec, session))
    progress.record_attempt(
        spec.id, _jsonable(answer), judgement.result, judgement.slip,
        learner=session.learner, home=session.home,
        reason=judgement.reason if spec.reason or judgement.reason else None,
    )  # fmt: skip
    shown = reveal if judgement.right else ""
    return Feedback(judgement, spec.title, None, "Your attempt is saved in your progress.", shown)


def unavailable(exercise_id: str, reason: str) -> Feedback:
    """Feedback for an exercise the data in front of the learner cannot support (and why)."""
    spec = exercise(exercise_id)
    judgement = Judgement(spec.id, "not attempted", None, reason, spec.hint)
    return Feedback(judgement, spec.title)
