"""Personal data in service records: find it, pseudonymise it, redact it, export it safely.

The units ask for anonymised workplace evidence. Under UK GDPR and the Data Protection Act 2018,
data minimisation means a portfolio extract should carry no more personal data than it needs.

- :func:`find_personal_data` looks for names, emails, UK phone numbers and UK postcodes, both by
  column name and by content (free-text comments included).
- :func:`pseudonymise` replaces values with keyed tokens (HMAC-SHA256): the same customer always
  gets the same token, so repeat contacts can still be counted and datasets still join, but the
  token cannot be turned back into the value without the key.
- :func:`redact` blanks personal data inside free text ("call me on 07700 900123" ->
  "call me on [PHONE]").
- :func:`write_safe_csv` writes an extract that is safe to open in a spreadsheet (no formula
  injection).

Pseudonymised data is still personal data (UK GDPR Recital 26; ICO guidance on anonymisation and
pseudonymisation): whoever holds the key can re-identify people. Keep the key apart from the
output, and never commit or share it with the evidence.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pandas as pd

from svcworkbook.errors import DataError

PERSONAL_DATA_KINDS = ("name", "email", "phone", "postcode")
MIN_KEY_BYTES = 16

EMAIL = re.compile(r"\b[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
#: A run that may be a phone number: digits with spaces, dots, dashes or brackets, optionally
#: after + (checked by _is_uk_phone: 10 or 11 digits once +44 / 0044 is read as 0).
PHONE_CANDIDATE = re.compile(r"(?<![\w+.])(?:\+|\(\+?)?\d[\d\s().-]{7,19}\d(?![\w])")
#: UK postcodes (outward code, space optional, inward code), e.g. SW1A 1AA, M1 1AE, B33 8TH,
#: and the one postcode outside the pattern, GIR 0AA (Girobank).
POSTCODE = re.compile(
    r"\b(?:(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\s?\d[ABD-HJLNP-UW-Z]{2}|GIR\s?0AA)\b", re.I
)
#: A name: one to three words, each a capital then lower-case letters ("Jo", "O'Neil",
#: "Adebayo-Smith").
_WORD = r"[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)*"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,2}}"
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+"
#: "my name is jo bloggs" / "name: Jo Bloggs": what follows is a name whatever its case.
NAMED = re.compile(
    r"(?i:\b(?:my name is|my name's|name\s*:)\s+)([A-Za-z][A-Za-z'’-]+(?:\s+[A-Za-z][A-Za-z'’-]+)?)"
)
#: "I'm Priya", "this is Sam Patel", "Mr Khan", "regards, Jo": a capitalised name follows.
INTRODUCTION = re.compile(
    rf"(?:\b(?i:i am|i'm|this is|spoke to|speaking to|ask for)\s+(?:{_TITLE})?|"
    rf"\b{_TITLE}|"
    rf"\b(?i:regards|thanks|thank you|cheers|kind regards|best wishes)\s*,?\s*)({_NAME})"
)
#: Column names that say what they hold.
NAME_HINTS = {
    "email": ("email", "e_mail"),
    "phone": ("phone", "mobile", "telephone", "tel"),
    "postcode": ("postcode", "post_code", "postal_code", "zip"),
    "name": ("name",),
}
ID_COLUMNS = ("customer_id", "agent_id", "contact_id", "respondent_id", "shopper_id")
FREE_TEXT_COLUMNS = ("comment", "comments", "notes", "description", "feedback")
PLACEHOLDERS = {"email": "[EMAIL]", "phone": "[PHONE]", "postcode": "[POSTCODE]", "name": "[NAME]"}
#: Common UK first names (ONS baby names and the census's most frequent): a first name followed
#: by a capitalised word is taken as a full name ("Grace Hughes"); a first name alone is not
#: (it may be a word: "Grace period", "Will"), nor is a surname alone ("Product Price").
FIRST_NAMES = frozenset(
    """Oliver Amelia George Isla Harry Ava Noah Mia Jack Ivy Leo Grace Arthur Freya Muhammad Lily
    Oscar Florence Charlie Evie Jacob Emily Thomas Sophie Alfie Poppy Henry Ella William Olivia
    James Rosie Joshua Isabella Aisha Priya Rhys Cerys Callum Niamh Ewan Siobhan Tariq Chloe Daniel
    Hannah Samuel Zara Kwame Megan Owen Bethan Ravi Anjali John David Michael Paul Andrew Mark
    Richard Peter Stephen Christopher Robert Matthew Anthony Susan Sarah Margaret Elizabeth Mary
    Helen Karen Julie Claire Emma Laura Rebecca Jessica Charlotte Lucy Amy Katie Jo Joe Sam Ben Tom
    Dan Alex Chris Kate Jane Anne Ann Ruth Sian Gareth Dylan Fatima Mohammed Ahmed Ali Omar Yusuf
    Zainab Maryam Aaliyah Ayesha Deepak Sunita Anil Raj Wei Li Mei Ngozi Chinedu Adeola Kofi Ama
    Patrick Sean Ciara Aoife Connor Liam Ryan Luke Adam Jamie Lewis Ethan Mason Logan Ruby Ellie
    Jasmine Millie Holly Phoebe Alice Ella Maisie Harriet Imogen Bea Tess Ren Kim Lee""".split()
)


def _is_uk_phone(candidate: str) -> bool:
    """Whether a run of digits and separators is a UK phone number.

    Rule: drop separators; read a leading +44 or 0044 as 0; the number must then have 10 or 11
    digits and start 01, 02, 03, 05, 07 or 08 (Ofcom's geographic, non-geographic and mobile
    ranges). Dates, prices and order numbers fail this.
    """
    digits = re.sub(r"\D", "", candidate)
    if candidate.lstrip("(").startswith("+") or digits.startswith("00"):
        if not digits.lstrip("0").startswith("44"):
            return False
        digits = "0" + digits.lstrip("0")[2:]
        if digits.startswith("00"):  # +44 (0)20 ...: the bracketed 0 is written, not dialled
            digits = digits[1:]
    return len(digits) in (10, 11) and digits[:2] in {"01", "02", "03", "05", "07", "08"}


def _phones(text: str) -> list[re.Match]:
    """Every UK phone number in a text."""
    return [m for m in PHONE_CANDIDATE.finditer(text) if _is_uk_phone(m.group(0))]


def _redact_phones(text: str) -> str:
    """Text with each UK phone number replaced by [PHONE]."""
    for match in reversed(_phones(text)):
        text = text[: match.start()] + PLACEHOLDERS["phone"] + text[match.end() :]
    return text


@cache  # built once: joining and escaping the names for every text cost a second a notebook
def _known_name_pattern() -> re.Pattern:
    """A pattern for a known first name followed by a capitalised word (a full name)."""
    first = sorted(FIRST_NAMES, key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in first)
    return re.compile(rf"\b(?:{alternatives})\s+{_WORD}\b")


def _column_hint(column: str) -> str | None:
    """The personal data kind a column's name suggests, or None."""
    name = column.lower()
    if name in ID_COLUMNS or name.endswith("_id"):
        return None
    for kind, hints in NAME_HINTS.items():
        if any(h == name or name.endswith(f"_{h}") or name.startswith(f"{h}_") for h in hints):
            return kind
    return None


def _mask(value: str) -> str:
    """An example value with most characters hidden (for reports): 'jo.bloggs@x' -> 'j*****'."""
    return value[:1] + "*" * max(len(value) - 1, 3)


def personal_data_in(text: str) -> dict[str, list[str]]:
    """The personal data found in one text, by kind (email, phone, postcode, name)."""
    found = {
        "email": EMAIL.findall(text),
        "phone": [m.group(0) for m in _phones(text)],
        "postcode": [m.group(0) for m in POSTCODE.finditer(text)],
        "name": [m.group(1) for m in NAMED.finditer(text)]
        + [m.group(1) for m in INTRODUCTION.finditer(text)]
        + [m.group(0) for m in _known_name_pattern().finditer(text)],
    }
    return {kind: hits for kind, hits in found.items() if hits}


def _text_columns(frame: pd.DataFrame) -> list:
    """The columns that hold text (object or string dtype)."""
    return [
        c
        for c in frame.columns
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
    ]


def find_personal_data(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns holding personal data: column, kind, rows_with_personal_data, example (masked).

    A column is flagged by its name (email, phone, postcode, ..._name) or by its content
    (emails, UK phone numbers, UK postcodes, introduced or full names in text).
    """
    rows = []
    for column in _text_columns(frame):
        text = frame[column].dropna().astype(str)
        hinted = _column_hint(str(column))
        if hinted:
            example = _mask(text.iloc[0]) if len(text) else ""
            rows.append((column, hinted, int(len(text)), example))
            continue
        if str(column).lower() in ID_COLUMNS or not len(text):
            continue
        per_row = text.map(personal_data_in)
        for kind in PERSONAL_DATA_KINDS:
            hits = per_row[per_row.map(lambda found, k=kind: k in found)]
            if len(hits):
                rows.append((column, kind, int(len(hits)), _mask(hits.iloc[0][kind][0])))
    return pd.DataFrame(rows, columns=["column", "kind", "rows_with_personal_data", "example"])


def normalised(value: object, kind: str | None = None) -> str:
    """A value as it is tokenised, so one person gets one token however it was typed.

    Every value: surrounding space removed, inner runs of space as one. Emails and names: case
    folded ('Jo.Bloggs@X.com ' = 'jo.bloggs@x.com'). Phones: digits only, +44/0044 read as 0.
    Postcodes: upper case without spaces.
    """
    text = " ".join(str(value).split())
    if kind in ("email", "name"):
        return text.casefold()
    if kind == "phone":
        digits = re.sub(r"\D", "", text)
        if digits.startswith("44") and len(digits) in (12, 13):
            digits = "0" + digits[2:]
        elif digits.startswith("0044"):
            digits = "0" + digits[4:]
        return digits or text
    if kind == "postcode":
        return text.replace(" ", "").upper()
    return text


def token(value: object, key: bytes, kind: str | None = None) -> str:
    """The pseudonym of a value: 'P-' + the first 12 hex digits of HMAC-SHA256(key, value),
    the value normalised first (see normalised)."""
    text = normalised(value, kind)
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"P-{digest[:12]}"


def _check_key(key: bytes) -> bytes:
    """The key as bytes, at least MIN_KEY_BYTES long."""
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise ValueError(
            f"the key must be at least {MIN_KEY_BYTES} bytes; make one with: "
            "svcworkbook keygen --out my.key"
        )
    return key


def pseudonymise(
    frame: pd.DataFrame, key: bytes, columns: Iterable[str] | None = None
) -> pd.DataFrame:
    """A copy with each value of the columns replaced by its keyed token (blanks stay blank).

    columns=None: the id columns (customer_id, agent_id, ...) and every column found to hold
    personal data by name (not free text: use redact for that).
    """
    key = _check_key(key)
    if columns is None:
        found = find_personal_data(frame)
        named = [c for c in frame.columns if _column_hint(str(c))]
        columns = [c for c in frame.columns if c in ID_COLUMNS] + named
        columns += [
            c
            for c in found["column"].unique()
            if c not in columns and str(c).lower() not in FREE_TEXT_COLUMNS
            and found.loc[found["column"] == c, "rows_with_personal_data"].max() == frame[c].notna().sum()
        ]  # fmt: skip
    columns = list(dict.fromkeys(columns))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"no column(s) {', '.join(missing)} to pseudonymise; the data has: "
            f"{', '.join(map(str, frame.columns))}"
        )
    result = frame.copy()
    for column in columns:
        values = result[column]
        filled = values.notna()
        # plain Python dicts, not pd.unique / Series.map: pandas' string hashing stops at a NUL
        # character, so 'a\x00' and 'a\x000' would share one token (or lose theirs)
        text = values[filled].astype(str).tolist()
        kind = _column_hint(str(column))
        lookup = {u: token(u, key, kind) for u in dict.fromkeys(text)}
        result[column] = values.astype(object)
        result.loc[filled, column] = [lookup[v] for v in text]
    return result


def redact(text: object) -> object:
    """Free text with emails, UK phone numbers, UK postcodes and names replaced by [EMAIL],
    [PHONE], [POSTCODE] and [NAME]; anything that is not text is returned unchanged."""
    if not isinstance(text, str):
        return text
    text = EMAIL.sub(PLACEHOLDERS["email"], text)
    text = _redact_phones(text)
    text = POSTCODE.sub(PLACEHOLDERS["postcode"], text)
    for pattern in (NAMED, INTRODUCTION):
        text = pattern.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + "[NAME]", text)
    return _known_name_pattern().sub(PLACEHOLDERS["name"], text)


def anonymise(frame: pd.DataFrame, key: bytes, dataset: str | None = None) -> pd.DataFrame:
    """A dataset fit for a portfolio extract: ids and direct identifiers pseudonymised,
    postcodes cut to their outward code (the area, e.g. 'SW1A'), and personal data inside every
    other text column redacted (comments, agent notes, complaint details, any column at all).

    Ids are pseudonymised with the same key in every dataset, so the extracts still join
    (complaints to customers). The result is pseudonymised, not anonymous: keep the key apart.
    ``dataset`` is optional: any table can be anonymised, by its column names and content.
    """
    key = _check_key(key)
    result = frame.copy()
    postcodes = [c for c in result.columns if _column_hint(str(c)) == "postcode"]
    for column in postcodes:
        values = result[column]
        result[column] = values.where(
            values.isna(), values.astype(str).str.strip().str.upper().str.split().str[0]
        )
    identifiers = [
        c
        for c in result.columns
        if c not in postcodes
        and (c in ID_COLUMNS or _column_hint(str(c)) in ("name", "email", "phone"))
    ]
    result = pseudonymise(result, key, identifiers)
    for column in _text_columns(result):
        if column not in identifiers and column not in postcodes:
            result[column] = result[column].map(redact)
    return result


def changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """What anonymise did, per column: column, action, cells_changed (columns left alone omitted)."""
    rows = []
    for column in before.columns:
        old, new = before[column], after[column]
        changed = int(((old.astype(str) != new.astype(str)) & old.notna()).sum())
        if not changed:
            continue
        hint = _column_hint(str(column))
        if hint == "postcode":
            action = "cut to the area (outward code)"
        elif column in ID_COLUMNS or hint in ("name", "email", "phone"):
            action = "replaced by keyed tokens"
        else:
            placeholders = [
                f"{int(new.astype(str).str.count(re.escape(tag)).sum())} {kind}"
                for kind, tag in PLACEHOLDERS.items()
                if new.astype(str).str.contains(re.escape(tag)).any()
            ]
            action = "personal data redacted: " + ", ".join(placeholders)
        rows.append((column, action, changed))
    return pd.DataFrame(rows, columns=["column", "action", "cells_changed"])


def read_key(path: str | Path) -> bytes:
    """The secret key in a file (surrounding whitespace removed); DataError if unusable."""
    path = Path(path)
    fix = "make one with: svcworkbook keygen --out my.key, and keep it away from the data you share"
    if not path.is_file():
        raise DataError(f"key file {path} does not exist. Fix: {fix}")
    key = path.read_bytes().strip()
    if len(key) < MIN_KEY_BYTES:
        raise DataError(
            f"key file {path.name} holds {len(key)} bytes; a key needs at least "
            f"{MIN_KEY_BYTES}. Fix: {fix}"
        )
    return key


def write_new_key(path: str | Path) -> Path:
    """Write a fresh random key (32 bytes as 64 hex digits) readable by its owner only (0600).

    An existing file is never replaced: losing a key makes every earlier token unmatchable.
    """
    import os
    import secrets

    path = Path(path)
    if path.exists():
        raise DataError(
            f"{path} already exists; a key is never overwritten (the tokens made with it could "
            "no longer be matched). Fix: choose another file name."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return path


def key_warnings(key_path: str | Path, out_path: str | Path) -> list[str]:
    """Warnings about where a key is kept: readable by every user, or inside the output folder."""
    key_path, out_path = Path(key_path).resolve(), Path(out_path).resolve()
    warnings = []
    try:
        if key_path.stat().st_mode & 0o004:
            warnings.append(
                f"Warning: the key file {key_path} can be read by every user of this computer. "
                f"Fix: chmod 600 {key_path}"
            )
    except OSError:
        pass
    if out_path.parent in key_path.parents:
        warnings.append(
            f"Warning: the key file {key_path} is inside the output folder {out_path.parent}; "
            "whoever receives that folder could match the tokens again. Fix: keep the key "
            "somewhere else."
        )
    return warnings


#: Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells that a spreadsheet would run as a formula start with a quote.

    Numbers stay numbers (a numeric -5 is not text); only text beginning with = + - @, a tab or
    a carriage return is prefixed with a single quote, as OWASP advises.
    """
    result = frame.copy()
    for column in result.columns:
        values = result[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        is_text = values.map(lambda v: isinstance(v, str))
        risky = is_text & values.astype(str).str.startswith(FORMULA_STARTS)
        if risky.any():
            result[column] = values.astype(object)
            result.loc[risky, column] = "'" + values[risky].astype(str)
    return result


def write_safe_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a spreadsheet-safe CSV (UTF-8 with a byte-order mark, so Excel reads accents)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = spreadsheet_safe(frame)
    safe.to_csv(path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d %H:%M:%S")
    return path


def personal_data_left(frame: pd.DataFrame) -> list[str]:
    """Columns where emails, phone numbers or postcodes can still be found (for checks)."""
    left = []
    for column in _text_columns(frame):
        text = frame[column].dropna().astype(str)
        if text.map(
            lambda t: bool({"email", "phone", "postcode"} & set(personal_data_in(t)))
        ).any():
            left.append(column)
    return left


__all__ = [
    "PERSONAL_DATA_KINDS",
    "anonymise",
    "changes",
    "normalised",
    "personal_data_in",
    "find_personal_data",
    "personal_data_left",
    "pseudonymise",
    "read_key",
    "redact",
    "spreadsheet_safe",
    "key_warnings",
    "token",
    "write_new_key",
    "write_safe_csv",
]
