"""Feedback on "your turn" exercises: right, close (with the likely slip), wrong (with a hint).

``check(answer, expected, kind=...)`` compares a learner's answer with the value the library
computed on the same data. Kinds:

- ``"rate"``: a proportion such as FCR. 0.82 and 82 (per cent) are both accepted as right.
- ``"number"``: any quantity (seconds, agents, a score); right within ``tolerance``.
- ``"count"``: a whole number; right only when exact.
- ``"choice"``: a word or label (case and spaces ignored).

A slip is a known wrong route to an answer ("you divided by all contacts, including abandoned
ones"): if the answer matches a slip's value, the feedback names the slip. In the learner edition
the expected value is never shown; the tutor edition shows it.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

STATUSES = ("right", "close", "wrong", "missing")
_ICONS = {"right": "✔", "close": "≈", "wrong": "✘", "missing": "…"}
_COLOURS = {"right": "#1b7837", "close": "#b35806", "wrong": "#b2182b", "missing": "#555555"}


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer: status, message, and the answer shown (tutors only)."""

    status: str
    message: str
    name: str = ""
    answer_shown: str | None = None  # the expected value, in the tutor edition only

    @property
    def right(self) -> bool:
        """True when the answer is right."""
        return self.status == "right"

    def __str__(self) -> str:
        label = f"{self.name}: " if self.name else ""
        text = f"{_ICONS[self.status]} {label}{self.message}"
        if self.answer_shown is not None:
            text += f" (Tutor edition: the answer is {self.answer_shown}.)"
        return text

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        label = f"<strong>{html.escape(self.name)}</strong>: " if self.name else ""
        tutor = (
            f"<br><em>Tutor edition: the answer is {html.escape(self.answer_shown)}.</em>"
            if self.answer_shown is not None
            else ""
        )
        colour = _COLOURS[self.status]
        return (
            f'<div class="svc-feedback svc-{self.status}" style="border-left:4px solid {colour};'
            f'padding:.3rem .6rem;margin:.3rem 0"><span style="color:{colour}">'
            f"{_ICONS[self.status]}</span> {label}{html.escape(self.message)}{tutor}</div>"
        )


def _is_number(value: Any) -> bool:
    """True for a real number (not a bool, not NaN)."""
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and not (isinstance(value, float) and math.isnan(value))
    )


def _as_number(answer: Any) -> float | None:
    """A number from an answer: a number, or text such as '82%', '0.82' or '1,234'."""
    if _is_number(answer):
        return float(answer)
    if isinstance(answer, str):
        text = answer.strip().replace(",", "").replace("£", "")
        scale = 0.01 if text.endswith("%") else 1.0
        try:
            return float(text.rstrip("%").strip()) * scale
        except ValueError:
            return None
    try:  # numpy scalars, pandas NA-free values
        return float(answer)
    except (TypeError, ValueError):
        return None


def _normalise_choice(value: Any) -> str:
    """A choice compared ignoring case, spaces, hyphens and underscores."""
    return " ".join(str(value).strip().lower().replace("_", " ").replace("-", " ").split())


def default_tolerance(kind: str, expected: float) -> float:
    """How close counts as right: rates 0.0005 (0.05 percentage points), numbers 0.5% of the
    value (at least 0.01), counts exact."""
    if kind == "rate":
        return 0.0005
    if kind == "count":
        return 0.0
    return max(abs(expected) * 0.005, 0.01)


def _format(value: Any, kind: str) -> str:
    """A value as a tutor would read it."""
    if kind == "rate" and _is_number(value):
        return f"{value * 100:.1f}% ({value:.4f})"
    if kind == "count" and _is_number(value):
        return f"{int(round(value)):,}"
    if _is_number(value):
        return f"{value:,.2f}"
    return str(value)


def _near(a: float, b: float, tolerance: float) -> bool:
    """|a - b| <= tolerance (with a little room for floating point)."""
    return abs(a - b) <= tolerance + 1e-12 * max(1.0, abs(b))


def _check_choice(answer: Any, expected: Any, slips: Mapping[str, Any]) -> tuple[str, str]:
    """Status and message for a choice."""
    given = _normalise_choice(answer)
    if given == _normalise_choice(expected):
        return "right", "Right."
    for description, value in slips.items():
        if given == _normalise_choice(value):
            return "wrong", f"Not quite: {description}."
    return "wrong", "That is not the answer the data supports."


def _check_number(
    answer: float, expected: float, kind: str, tolerance: float, slips: Mapping[str, Any]
) -> tuple[str, str]:
    """Status and message for a rate, number or count."""
    if _near(answer, expected, tolerance):
        return "right", "Right."
    if kind == "rate" and _near(answer / 100, expected, tolerance):
        return "right", "Right (given as a percentage)."
    for description, value in slips.items():
        if _is_number(value) and (
            _near(answer, float(value), tolerance)
            or (kind == "rate" and _near(answer / 100, float(value), tolerance))
        ):
            return "close", f"Close, but {description}."
    if kind == "rate" and expected != 0 and _near(answer * 100, expected, tolerance):
        return "close", (
            "Close: that looks like the fraction divided by 100 again. A rate is a fraction "
            "(0.82) or a percentage (82), not 0.0082."
        )
    if kind == "number" and expected != 0 and abs(answer - expected) <= abs(expected) * 0.05:
        return "close", "Close: within 5% of the answer. Check your rounding and the rows you used."
    if kind == "count" and abs(answer - expected) <= max(1.0, abs(expected) * 0.02):
        return "close", "Close: check whether you included every row, including the first and last."
    return "wrong", "Not right yet."


def check(
    answer: Any,
    expected: Any,
    *,
    kind: str = "number",
    tolerance: float | None = None,
    slips: Mapping[str, Any] | None = None,
    hint: str = "",
    edition: str = "learner",
    name: str = "",
) -> Feedback:
    """Compare an answer with the expected value; right, close (naming the slip) or wrong (with
    the hint). None gives 'missing'. The expected value is shown only in the tutor edition."""
    if kind not in ("rate", "number", "count", "choice"):
        raise ValueError(f"kind must be rate, number, count or choice, not {kind!r}")
    if edition not in ("learner", "tutor"):
        raise ValueError(f"edition must be 'learner' or 'tutor', not {edition!r}")
    slips = dict(slips or {})
    shown = _format(expected, kind) if edition == "tutor" else None
    if answer is None:
        return Feedback(
            "missing", "Replace None with your answer, then run the cell again.", name, shown
        )
    if kind == "choice":
        status, message = _check_choice(answer, expected, slips)
    else:
        value = _as_number(answer)
        if value is None:
            return Feedback(
                "wrong", f"Give a number (you gave {str(answer)[:40]!r}). {hint}".strip(), name,
                shown,
            )  # fmt: skip
        goal = float(expected)
        limit = default_tolerance(kind, goal) if tolerance is None else float(tolerance)
        status, message = _check_number(value, goal, kind, limit, slips)
    if status == "wrong" and hint:
        message = f"{message} Hint: {hint}"
    return Feedback(status, message, name, shown)
