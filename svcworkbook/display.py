"""Showing results in a notebook: sentences, tables and marking-point boxes, HTML-escaped.

Each function returns an object with an HTML view for JupyterLab and HTML reports and a plain-text
view for papermill/nbval output, so text taken from data or written by a learner is never
interpreted as HTML.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd


class Shown:
    """Something to display: HTML for notebooks and reports, plain text everywhere else."""

    def __init__(self, html_text: str, plain_text: str):
        self.html_text = html_text
        self.plain_text = plain_text

    def _repr_html_(self) -> str:
        return self.html_text

    def __str__(self) -> str:
        return self.plain_text

    def __repr__(self) -> str:
        return self.plain_text

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.plain_text)


def ipython_shell(shell=None):
    """The IPython shell given, else the one running this code; None outside IPython."""
    if shell is not None:
        return shell
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    return get_ipython()


def opening(text: str) -> str:
    """A sentence, item or caption as shown: one that opens with 'your' (someone's own data is
    'your organisation', named mid-sentence too) starts with a capital."""
    return f"Y{text[1:]}" if text.startswith("your ") else text


def say(*sentences: str, title: str | None = None) -> Shown:
    """Show sentences as one paragraph (each escaped), under an optional bold title."""
    text = " ".join(opening(s.strip()) for s in sentences if s and s.strip())
    title = opening(title) if title else title
    head = f"<strong>{html.escape(title)}</strong><br>" if title else ""
    plain_head = f"{title}\n" if title else ""
    return Shown(f'<p class="svc-say">{head}{html.escape(text)}</p>', plain_head + text)


def bullets(items: Iterable[str], title: str | None = None) -> Shown:
    """Show a bulleted list (each item escaped) under an optional title."""
    items = [opening(i) for i in items if i]
    title = opening(title) if title else title
    head = f"<strong>{html.escape(title)}</strong>" if title else ""
    lis = "".join(f"<li>{html.escape(i)}</li>" for i in items)
    plain = ([title] if title else []) + [f"- {i}" for i in items]
    return Shown(f"{head}<ul>{lis}</ul>", "\n".join(plain))


#: Abbreviations kept in capitals when a code-style name is turned into words.
ACRONYMS = {"sla": "SLA", "csat": "CSAT", "nps": "NPS", "ces": "CES", "fcr": "FCR", "aht": "AHT",
            "asa": "ASA", "kpi": "KPI", "id": "ID", "p90": "P90", "rag": "RAG", "ucl": "UCL",
            "lcl": "LCL", "mr": "mR", "wape": "WAPE", "crm": "CRM", "s": "(s)"}  # fmt: skip


def column_label(name: object) -> str:
    """A code-style column name in words: 'sla_compliance' -> 'SLA compliance',
    'surveys_sent' -> 'Surveys sent'; names without an underscore are kept as they are."""
    text = str(name)
    if "_" not in text:
        return text
    words = [ACRONYMS.get(w.lower(), w) for w in text.split("_") if w]
    first = words[0] if words[0].isupper() or words[0][:1] == "(" else words[0].capitalize()
    return " ".join([first, *words[1:]])


def _missing(value) -> bool:
    """None, NaN and NaT (and pandas' NA) are missing; anything else is a value."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_cell(value, kind: str) -> str:
    """Format one table value: 'percent' (0.734 -> 73.4%), 'number', 'int', or as text; missing
    values (None, NaN, NaT) as '–', yes/no values as 'yes'/'no', other floats to 3 significant
    figures, never 16 digits."""
    if _missing(value):
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if kind == "percent":
        return f"{value * 100:.1f}%"
    if kind == "number":
        return f"{value:,.1f}"
    if kind == "int":
        return f"{value:,.0f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d %b %Y")
    if isinstance(value, float | np.floating):
        return f"{value:,.3g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def show_table(
    frame: pd.DataFrame,
    formats: Mapping[str, str] | None = None,
    caption: str | None = None,
    max_rows: int = 30,
) -> Shown:
    """Show a table with chosen columns formatted (see format_cell); every cell escaped."""
    formats = dict(formats or {})
    shown = frame.head(max_rows)
    text = shown.copy()
    for column in text.columns:
        kind = formats.get(str(column), "text")
        text[column] = [format_cell(v, kind) for v in shown[column]]
    text.columns = [column_label(c) for c in text.columns]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in text.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in text.itertuples(index=False)
    )
    caption = opening(caption) if caption else caption
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    more = len(frame) - len(shown)
    note = f"<p>… and {more} more rows</p>" if more > 0 else ""
    html_text = f'<table class="svc-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}'
    plain = text.to_string(index=False)
    if caption:
        plain = f"{caption}\n{plain}"
    if more > 0:
        plain += f"\n… and {more} more rows"
    return Shown(html_text, plain)


def evidences(unit, *marking_point_ids: str, how: str = "") -> Shown:
    """A box naming the marking points an analysis evidences, quoted verbatim, and how it does."""
    points = [unit.marking_point(mp) for mp in marking_point_ids]
    items = "".join(
        f"<li><strong>{html.escape(p.id)}</strong>: “{html.escape(p.text)}”</li>" for p in points
    )
    how_html = f"<p>{html.escape(how)}</p>" if how else ""
    html_text = (
        '<div class="svc-evidences" style="border-left:4px solid #0173b2;padding:.3rem .8rem;'
        'margin:.5rem 0;background:#f3f8fc"><strong>Marking points this evidences</strong>'
        f"<ul>{items}</ul>{how_html}</div>"
    )
    plain = "Marking points this evidences:\n" + "\n".join(
        f"- {p.id}: \u201c{p.text}\u201d" for p in points
    )
    if how:
        plain += f"\n{how}"
    return Shown(html_text, plain)
