"""The reason a learner gives for a "choose and justify" exercise, and whether it can be checked.

A choose-and-justify exercise (its spec has ``reason``: what a reason must name, in the learner's
words) is right only when the choice is right *and* the reason says why in a way that can be
checked: it names the figure that justifies the choice (:class:`Because`: a count, a share, a
gap), or, when the choice follows a rule, the things the rule weighs (word groups, every one
named). An empty reason is not finished yet. A reason is never judged on its style.

Figures are matched as the learner writes them: "312", "71.2%", "71%", "0.712", "-0.83" or
"0.83" (a gap given by its size), each at the precision it is written to (up to three decimal
places): a number written to ``d`` places names a figure that rounds to it at ``d`` places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

#: The longest reason kept with an attempt (characters).
MAX_REASON = 500

_NUMBER = re.compile(r"(?<![\w.])[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|(?<![\w.])[-+]?\.\d+")


@dataclass(frozen=True)
class Because:
    """What a reason for the right choice may name to be checked (any one of these is enough).

    ``figures``: plain numbers (counts, hours, gaps), named by their size whatever the sign.
    ``shares``: fractions of 1, named in per cent (71.2 or 71.2%) or as a fraction (0.712).
    ``words``: groups of words; a reason naming one word of *every* group is enough.
    """

    figures: tuple[float, ...] = ()
    shares: tuple[float, ...] = ()
    words: tuple[tuple[str, ...], ...] = ()


def reason_text(reason: Any) -> str | None:
    """A reason as saved: its text, trimmed (at most MAX_REASON characters); None if none."""
    if reason is None:
        return None
    text = " ".join(str(reason).split())
    return text[:MAX_REASON] or None


def numbers_in(text: str) -> list[Decimal]:
    """The numbers written in a reason, as written (so "71.20" keeps two decimal places)."""
    found = []
    for match in _NUMBER.finditer(text):
        written = match.group(0).replace(",", "").replace("−", "-")
        try:
            found.append(Decimal(written))
        except ArithmeticError:  # pragma: no cover - the pattern only matches numbers
            continue
    return found


def _places(number: Decimal) -> int:
    """Decimal places a number was written to."""
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _rounds_to(value: float, written: Decimal) -> bool:
    """Whether value, rounded half up at the places written, is the number written."""
    places = _places(written)
    if places > 3:
        return False
    step = Decimal(1).scaleb(-places)
    return Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP) == written


def _word_named(text: str, word: str) -> bool:
    """Whether a word (or phrase) is in the text, in any case, as whole words."""
    return re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", text.lower()) is not None


def names(reason: Any, because: Because) -> bool:
    """Whether a reason names a figure (or every word group) that justifies the choice."""
    text = reason_text(reason)
    if not text:
        return False
    written = numbers_in(text)
    for figure in because.figures:
        if any(_rounds_to(abs(figure), abs(n)) for n in written):
            return True
    for share in because.shares:
        for n in written:
            if _rounds_to(100 * share, n) or (_places(n) >= 2 and _rounds_to(share, n)):
                return True
    return bool(because.words) and all(
        any(_word_named(text, word) for word in group) for group in because.words
    )
