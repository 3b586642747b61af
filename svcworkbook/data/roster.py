"""A tutor's class roster: one learner per row, checked before anything is written for them."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import pandas as pd

from svcworkbook.data.problems import in_rows
from svcworkbook.errors import DataError

#: A learner id becomes a folder name: letters, digits, '-' and '_', starting with a letter or
#: digit, at most 40 characters (safe on Windows, macOS and Linux, and in a URL).
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
ID_COLUMNS = ("learner_id", "id", "learner", "student_id")
NAME_COLUMNS = ("name", "learner_name", "full_name")


def _roster_text(path: Path) -> str:
    """The roster file as text: UTF-8 (with or without a byte-order mark) or UTF-16 with a BOM."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:200]:
        raise DataError(
            f"{path.name}: the file looks like UTF-16 text without a byte-order mark. Fix: in "
            "Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataError(
            f"{path.name}: line {line} is not UTF-8 text (byte {data[err.start]:#x}; the file "
            "was probably saved as 'CSV' in a Windows or Latin-1 encoding). Fix: in Excel, File > "
            "Save As > 'CSV UTF-8 (Comma delimited)'."
        ) from None


def read_roster(path: str | Path) -> pd.DataFrame:
    """Read a roster CSV into columns learner_id, name; every problem is named in one DataError."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such roster file. Fix: give the path of a CSV file.")
    text = _roster_text(path)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise DataError(
            f"{path.name}: the file is empty. Fix: a header row 'learner_id,name' then one "
            "learner per row."
        ) from None
    except pd.errors.ParserError as err:
        raise DataError(
            f"{path.name}: the rows do not line up with the header ({err}). Fix: one learner "
            "per row with as many values as the header has columns (check for stray commas)."
        ) from None
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0] if rows else []
    long_rows = [n for n, row in enumerate(rows[1:], start=2) if len(row) > len(header)]
    if long_rows:
        shown = ", ".join(str(n) for n in long_rows[:5])
        raise DataError(
            f"{path.name}: {'row' if len(long_rows) == 1 else 'rows'} {shown} have more values than the header has columns "
            f"({len(header)}). Fix: remove the extra values (often a trailing comma or a name "
            "with a comma that needs quotes)."
        )
    raw.columns = [str(c).strip().lower().replace(" ", "_") for c in header]
    repeated = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1 and c})
    if repeated:
        raise DataError(
            f"{path.name}: the header names {', '.join(repeated)} more than once, so it is not "
            "clear which column to use. Fix: keep one column of each name."
        )
    id_col = next((c for c in ID_COLUMNS if c in raw.columns), None)
    name_col = next((c for c in NAME_COLUMNS if c in raw.columns), None)
    missing = [label for label, col in (("learner_id", id_col), ("name", name_col)) if not col]
    if missing:
        raise DataError(
            f"{path.name}: missing column(s) {', '.join(missing)} (found: "
            f"{', '.join(raw.columns) or 'none'}). Fix: a header row 'learner_id,name'."
        )
    roster = pd.DataFrame(
        {"learner_id": raw[id_col].str.strip(), "name": raw[name_col].str.strip()}
    )
    problems = []
    if roster.empty:
        problems.append("there are no learners under the header. Fix: one learner per row.")
    empty_ids = roster.index[roster["learner_id"] == ""]
    if len(empty_ids):
        problems.append(
            f"column '{id_col}' is empty {in_rows(empty_ids)}. Fix: give every learner an id."
        )
    unsafe = roster.index[
        (roster["learner_id"] != "") & ~roster["learner_id"].str.fullmatch(SAFE_ID)
    ]
    if len(unsafe):
        examples = ", ".join(repr(v) for v in roster.loc[unsafe[:3], "learner_id"])
        problems.append(
            f"column '{id_col}' has ids that cannot be folder names {in_rows(unsafe)} "
            f"({examples}). Fix: use letters, digits, '-' and '_' only, at most 40 characters."
        )
    dupes = roster.index[
        roster["learner_id"].str.lower().duplicated(keep=False) & (roster["learner_id"] != "")
    ]
    if len(dupes):
        ids = ", ".join(sorted(set(roster.loc[dupes, "learner_id"])))
        problems.append(
            f"column '{id_col}' repeats ids ({ids}) {in_rows(dupes)}. Fix: each learner "
            "needs their own id (ids differing only in capitals count as the same)."
        )
    empty_names = roster.index[roster["name"] == ""]
    if len(empty_names):
        problems.append(
            f"column '{name_col}' is empty {in_rows(empty_names)}. Fix: give every learner a name."
        )
    if problems:
        raise DataError(f"{path.name}: " + "\n".join(f"- {p}" for p in problems))
    return roster


def learner_seed(learner_id: str, scenario: str = "baseline") -> int:
    """A learner's own dataset seed: the first 8 hex digits of SHA-256('id:scenario') as a number."""
    digest = hashlib.sha256(f"{learner_id}:{scenario}".encode()).hexdigest()
    return int(digest[:8], 16)
