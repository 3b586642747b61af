"""Plausibility: the signs that a mapping sends a column to the wrong meaning.

Every row can be valid on its own while the whole file says something impossible: abandoned
calls with a handle time (the column mapped to ``abandoned`` says "answered"), calls resolved at
the first contact although nobody answered them, ratings from customers whose call was never
answered, outbound calls in a log the contact measures read as customers' inbound contacts. Each
sign is refused when it is found on more than :data:`TOLERANCE` of the rows (a few such rows are
the noise of any real system), with the count, the first rows and the likely fix. Answer times
before opening times are refused on any row by the schema's date rules.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from svcworkbook.data.problems import Problems
from svcworkbook.data.reading import normalise_name
from svcworkbook.data.values import clean_text

#: The share of rows a sign of a wrong mapping may reach before the file is refused.
TOLERANCE = 0.01

_INVERT_FIX = (
    "is the column mapped to abandoned the opposite (e.g. 'Answered')? then use invert: "
    "{abandoned: <that column>} in the mapping"
)


def _sign(
    problems: Problems, column: str, mask: np.ndarray, index: pd.Index, what: str, fix: str,
    notes: list[str], limit: str = "a real system allows",
) -> None:  # fmt: skip
    """Refuse a sign found on more than TOLERANCE of the rows; note it when on fewer."""
    count, total = int(mask.sum()), len(mask)
    if count == 0:
        return
    share = count / total
    text = f"{count:,} of {total:,} rows ({share:.1%}) are {what}"
    if share > TOLERANCE:
        problems.add(column, f"{text}, more than the {TOLERANCE:.0%} {limit}",
                     index[mask], fix)  # fmt: skip
    else:
        notes.append(f"{text} (within the {TOLERANCE:.0%} allowed, kept)")


def check_contacts(frame: Mapping[str, pd.Series], problems: Problems, notes: list[str]) -> None:
    """Signs of a wrong contacts mapping: abandoned contacts with a handle time or resolved at
    the first contact (more than 1% of rows)."""
    if "abandoned" not in frame:
        return
    abandoned = frame["abandoned"].eq(True).fillna(False).to_numpy(dtype=bool)
    index = frame["abandoned"].index
    if "handle_time_s" in frame:
        timed = abandoned & (frame["handle_time_s"].fillna(0).to_numpy(dtype=float) > 0)
        _sign(problems, "abandoned", timed, index, "abandoned but have a handle time",
              _INVERT_FIX, notes)  # fmt: skip
    if "resolved_first_contact" in frame:
        resolved = abandoned & frame["resolved_first_contact"].eq(True).fillna(False).to_numpy(
            dtype=bool
        )
        _sign(problems, "resolved_first_contact", resolved, index,
              "abandoned but resolved at the first contact",
              f"a call nobody answered cannot be resolved: {_INVERT_FIX}; otherwise blank or 'no' "
              "the resolved flag on abandoned calls", notes)  # fmt: skip


#: What a call-direction column writes for a customer's inbound contact.
INBOUND = ("inbound", "incoming", "in")
#: What it writes for calls that are plainly not one. A text column holding one of these and one
#: of INBOUND, among at most MAX_DIRECTIONS different values, is a direction column, whatever its
#: name; every other value it holds (Five9 also writes Manual, Queue Callback...) is then a call
#: the mapping must say it counts.
NOT_INBOUND = ("outbound", "outgoing", "internal")
MAX_DIRECTIONS = 20


def _direction_words(column: pd.Series) -> pd.Series | None:
    """The column's values in lower case if it is a call direction, else None; a first look at
    1,000 rows spares reading every text column of a large file in full."""
    if column.dtype != object:
        return None
    words_of_interest = set(INBOUND) | set(NOT_INBOUND)
    head = set(clean_text(column.head(1000)).str.lower().dropna().unique())
    if len(head) > MAX_DIRECTIONS or not head & words_of_interest:
        return None
    words = clean_text(column).str.lower()
    seen = set(words.dropna().unique())
    if len(seen) > MAX_DIRECTIONS or not (seen & set(INBOUND) and seen & set(NOT_INBOUND)):
        return None
    return words


def _either(values: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


def check_directions(
    raw: pd.DataFrame, kept_by: set[str], problems: Problems, notes: list[str]
) -> None:
    """Calls that are not customers' inbound contacts (in a direction column, anything but
    Inbound or Incoming: Outbound, Internal, Manual...) on more than TOLERANCE of the rows,
    unless the mapping's keep rule names that column and so says which calls to count."""
    kept = {normalise_name(k) for k in kept_by}
    for header in raw.columns:
        words = None if normalise_name(header) in kept else _direction_words(raw[header])
        if words is None:
            continue
        mask = (words.notna() & ~words.isin(INBOUND)).to_numpy()
        written = clean_text(raw[header])
        others = list(dict.fromkeys(written[mask]))
        inbound = next((w for w in written[~mask].dropna()), "Inbound")
        fix = (
            f"to measure customers' inbound contacts (calls offered, abandonment and service "
            f"level count them), add keep: {{{header}: {inbound}}} under contacts in the "
            "mapping, listing any other value that is a customer's call too; to count every "
            f"call, keep: {{{header}: [{', '.join([inbound, *others])}]}}"
        )
        _sign(problems, str(header), mask, raw.index, f"{_either(others)} calls by their "
              f"'{header}', not customers' inbound contacts", fix, notes, limit="allowed")  # fmt: skip


def check_ratings_on_unanswered(
    surveys: pd.DataFrame, contacts: pd.DataFrame, source: str
) -> Problems:
    """Survey responses about contacts nobody answered (a post-call survey cannot follow an
    abandoned call): refused above 1% of the responses."""
    problems = Problems(source)
    if "contact_id" not in surveys or "responded" not in surveys:
        return problems
    abandoned_ids = set(contacts.loc[contacts["abandoned"].eq(True).fillna(False), "contact_id"])
    responded = surveys["responded"].eq(True).fillna(False).to_numpy(dtype=bool)
    on_abandoned = responded & surveys["contact_id"].isin(abandoned_ids).to_numpy()
    notes: list[str] = []
    _sign(problems, "responded", on_abandoned[responded], surveys.index[responded],
          "responses about abandoned contacts",
          f"a customer whose call was never answered was not surveyed after it: {_INVERT_FIX}; "
          "or blank the rating of abandoned calls", notes)  # fmt: skip
    return problems
