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
from pathlib import Path

import pandas as pd

from svcworkbook.errors import DataError

PERSONAL_DATA_KINDS = ("name", "email", "phone", "postcode")
MIN_KEY_BYTES = 16

EMAIL = re.compile(r"\b[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
#: UK numbers: 07xxx xxxxxx mobiles, 01/02/03 landlines, +44 forms, with spaces or dashes.
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d[\s-]?){9,10}(?!\w)")
#: UK postcodes (outward code, space optional, inward code), e.g. SW1A 1AA, M1 1AE, B33 8TH.
POSTCODE = re.compile(r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\s?\d[ABD-HJLNP-UW-Z]{2}\b", re.I)
#: Self-introductions: "my name is Jo Bloggs", "I'm Priya", "this is Sam Patel".
INTRODUCTION = re.compile(
    r"\b(?i:my name is|i am|i'm|this is|name:)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z'-]+)?)"
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


def _known_names() -> frozenset[str]:
    """First names and surnames known to appear in the data (the generators' lists)."""
    from svcworkbook.data.generators._draws import FIRST_NAMES, SURNAMES

    names = [*FIRST_NAMES, *SURNAMES]
    return frozenset(str(n) for n in names)


def _known_name_pattern() -> re.Pattern:
    """A pattern for known first names followed by a capitalised word (a full name)."""
    first = sorted(_known_names(), key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in first) or "(?!)"
    return re.compile(rf"\b(?:{alternatives})(?:\s+[A-Z][a-z'-]+)?\b")


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


def find_personal_data(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns holding personal data: column, kind, rows_with_personal_data, example (masked).

    A column is flagged by its name (email, phone, postcode, ..._name) or by its content
    (emails, UK phone numbers, UK postcodes, known or introduced names in text).
    """
    rows = []
    name_pattern = _known_name_pattern()
    for column in frame.columns:
        values = frame[column]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        text = values.dropna().astype(str)
        hinted = _column_hint(str(column))
        if hinted:
            example = _mask(text.iloc[0]) if len(text) else ""
            rows.append((column, hinted, int(len(text)), example))
            continue
        if str(column).lower() in ID_COLUMNS or not len(text):
            continue
        for kind, pattern in (("email", EMAIL), ("phone", PHONE), ("postcode", POSTCODE)):
            hits = text[text.str.contains(pattern)]
            if len(hits):
                found = pattern.search(hits.iloc[0]).group(0)
                rows.append((column, kind, int(len(hits)), _mask(found)))
        introduced = text.map(lambda t: INTRODUCTION.search(t) is not None)
        names = text[introduced | text.str.contains(name_pattern)]
        if len(names):
            intro = INTRODUCTION.search(names.iloc[0])
            found = intro.group(1) if intro else name_pattern.search(names.iloc[0]).group(0)
            rows.append((column, "name", int(len(names)), _mask(found)))
    return pd.DataFrame(rows, columns=["column", "kind", "rows_with_personal_data", "example"])


def token(value: object, key: bytes) -> str:
    """The pseudonym of a value: 'P-' + the first 12 hex digits of HMAC-SHA256(key, value)."""
    text = str(value).strip()
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"P-{digest[:12]}"


def _check_key(key: bytes) -> bytes:
    """The key as bytes, at least MIN_KEY_BYTES long."""
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise ValueError(
            f"the key must be at least {MIN_KEY_BYTES} bytes; make one with: python -c "
            '"import secrets; print(secrets.token_hex(32))" > my.key'
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
        lookup = {u: token(u, key) for u in dict.fromkeys(text)}
        result[column] = values.astype(object)
        result.loc[filled, column] = [lookup[v] for v in text]
    return result


def redact(text: object) -> object:
    """Free text with emails, UK phone numbers, UK postcodes and names replaced by [EMAIL],
    [PHONE], [POSTCODE] and [NAME]; anything that is not text is returned unchanged."""
    if not isinstance(text, str):
        return text
    text = EMAIL.sub(PLACEHOLDERS["email"], text)
    text = PHONE.sub(PLACEHOLDERS["phone"], text)
    text = POSTCODE.sub(PLACEHOLDERS["postcode"], text)
    text = INTRODUCTION.sub(lambda m: m.group(0).replace(m.group(1), "[NAME]"), text)
    return _known_name_pattern().sub(PLACEHOLDERS["name"], text)


def anonymise(frame: pd.DataFrame, key: bytes, dataset: str | None = None) -> pd.DataFrame:
    """A dataset fit for a portfolio extract: ids and direct identifiers pseudonymised,
    postcodes cut to their outward code (the area, e.g. 'SW1A'), free text redacted.

    Ids are pseudonymised with the same key in every dataset, so the extracts still join
    (complaints to customers). The result is pseudonymised, not anonymous: keep the key apart.
    """
    key = _check_key(key)
    result = frame.copy()
    postcodes = [c for c in result.columns if _column_hint(str(c)) == "postcode"]
    for column in postcodes:
        values = result[column]
        result[column] = values.where(
            values.isna(), values.astype(str).str.strip().str.upper().str.split().str[0]
        )
    others = [
        c
        for c in result.columns
        if c not in postcodes
        and (c in ID_COLUMNS or _column_hint(str(c)) in ("name", "email", "phone"))
    ]
    result = pseudonymise(result, key, others)
    free_text = [c for c in result.columns if str(c).lower() in FREE_TEXT_COLUMNS]
    for column in free_text:
        result[column] = result[column].map(redact)
    return result


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
    for column in frame.columns:
        text = frame[column].dropna()
        if text.dtype != object:
            continue
        text = text.astype(str)
        if any(text.str.contains(p).any() for p in (EMAIL, PHONE)):
            left.append(column)
    return left


__all__ = [
    "PERSONAL_DATA_KINDS",
    "anonymise",
    "find_personal_data",
    "personal_data_left",
    "pseudonymise",
    "read_key",
    "redact",
    "spreadsheet_safe",
    "token",
    "write_safe_csv",
]
