"""The eight datasets' pandera schemas, built from the same specification as the loader's checks.

For anyone who wants to validate a DataFrame with pandera (``SCHEMAS["contacts"].validate(df)``)
as it is held in memory after loading. The loader (:mod:`svcworkbook.data.loading`) does its own,
faster checks and never needs these, so pandera (0.3-0.5 s to import) is imported only by
``import svcworkbook.data.pandera_schemas``, never by a notebook.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from svcworkbook.data.schemas import SPECS, Col, OnlyWhen, Rule

_PANDERA_TYPES = {
    "id": str, "text": str, "category": str, "datetime": "datetime64[ns]", "float": float,
    "bool": bool,
}  # fmt: skip


def _pandera_column(col: Col) -> pa.Column:
    """A pandera Column for one column spec (type, blanks, uniqueness, range, allowed values)."""
    if col.kind == "int":
        dtype = "Int64" if col.nullable else "int64"
    else:
        dtype = _PANDERA_TYPES[col.kind]
    checks = []
    if col.low is not None:
        checks.append(pa.Check.ge(col.low))
    if col.above is not None:
        checks.append(pa.Check.gt(col.above))
    if col.high is not None:
        checks.append(pa.Check.le(col.high))
    if col.allowed:
        checks.append(pa.Check.isin(col.allowed))
    return pa.Column(
        dtype, checks=checks, nullable=col.nullable, unique=col.unique, required=not col.optional
    )


def _pandera_rule(rule: Rule) -> pa.Check:
    """A dataframe-wide pandera check: later >= earlier wherever both are given."""

    def check(frame: pd.DataFrame) -> pd.Series:
        both = frame[rule.later].notna() & frame[rule.earlier].notna()
        return ~both | (frame[rule.later] >= frame[rule.earlier])

    return pa.Check(check, name=f"{rule.later} >= {rule.earlier}", error=rule.why)


def _pandera_only_when(rule: OnlyWhen) -> pa.Check:
    """A dataframe-wide pandera check: the rule's columns blank wherever the flag is not True."""

    def check(frame: pd.DataFrame) -> pd.Series:
        return frame[rule.flag].eq(True) | frame[list(rule.columns)].isna().all(axis=1)

    return pa.Check(check, name=f"{rule.what} only when {rule.flag}", error=rule.fix)


def pandera_schema(dataset: str) -> pa.DataFrameSchema:
    """The pandera schema of a dataset as it is held in memory after loading."""
    spec = SPECS[dataset]
    checks = [_pandera_rule(rule) for rule in spec.rules]
    checks += [_pandera_only_when(rule) for rule in spec.only_when]
    for column, limit in spec.not_more:
        checks.append(
            pa.Check(lambda f, c=column, m=limit: f[c] <= f[m], name=f"{column} <= {limit}")
        )
    return pa.DataFrameSchema(
        {name: _pandera_column(col) for name, col in spec.columns.items()},
        checks=checks,
        name=dataset,
        strict=False,
    )


SCHEMAS: dict[str, pa.DataFrameSchema] = {name: pandera_schema(name) for name in SPECS}
