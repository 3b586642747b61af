"""The portfolio evidence log: each piece of evidence mapped to the marking points it meets.

The sources' exam tips ask learners to map every piece of evidence to the assessment criteria.
The log lives in ``<learner folder>/portfolio.json`` (see :func:`svcworkbook.learning.progress.learner_home`),
written through :mod:`svcworkbook.learning.storage`: atomically, under a lock, a damaged file set aside.

    from svcworkbook.learning import portfolio
    portfolio.evidence_form(2)                    # a form in JupyterLab (text under papermill)
    log = portfolio.EvidenceLog.load()
    log.add("Call observation", "observation", "2026-03-02", "Observed by my team leader",
            ["U2.MP1", "U2.MP3"])
    portfolio.coverage_heatmap(portfolio.coverage_matrix(log))
    portfolio.export_csv(log, "evidence.csv"); portfolio.export_markdown(log, "evidence.md")
    portfolio.self_check(2)                       # the marking points with the evidence logged
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from svcworkbook.content import all_units, load_unit
from svcworkbook.content.models import EVIDENCE_TYPES
from svcworkbook.learning import progress, storage

FORMAT = "svcworkbook-portfolio"


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: what it is, when, where the file is, and the points it meets."""

    number: int
    title: str
    type: str
    date: str  # ISO YYYY-MM-DD
    description: str
    file_reference: str
    marking_points: tuple[str, ...]


def _all_marking_points() -> dict[str, str]:
    """Every marking point id of the five units -> its text."""
    return {mp.id: mp.text for unit in all_units() for mp in unit.marking_points}


def _empty() -> dict[str, Any]:
    """A new, empty log."""
    return {"format": FORMAT, "version": 1, "evidence": []}


def _shape_problem(data: Any) -> str | None:
    """None when data looks like a portfolio log, else what is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return "it is not a svcworkbook portfolio log"
    if not isinstance(data.get("evidence"), list):
        return "its evidence list is missing"
    return None


_EVIDENCE_TEXT = ("title", "type", "date", "description", "file_reference")


def _evidence_problem(item: Any) -> str | None:
    """None when a saved evidence item has every field of Evidence, of the right kind."""
    if not isinstance(item, dict):
        return f"{item!r} is not an evidence record"
    missing = [f for f in ("number", *_EVIDENCE_TEXT, "marking_points") if f not in item]
    if missing:
        return f"missing {', '.join(missing)}"
    if not isinstance(item["number"], int) or isinstance(item["number"], bool):
        return f"number {item['number']!r} is not a whole number"
    wrong = [f for f in _EVIDENCE_TEXT if not isinstance(item[f], str)]
    if wrong:
        return f"{', '.join(wrong)} not text"
    points = item["marking_points"]
    if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
        return "marking points are not a list of ids"
    extra = sorted(set(item) - {"number", *_EVIDENCE_TEXT, "marking_points"})
    return f"unknown field(s) {', '.join(extra)}" if extra else None


def clean_log(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The log without evidence items of a wrong shape, and a sentence per item left out."""
    kept, left_out = [], []
    for position, item in enumerate(data["evidence"]):
        problem = _evidence_problem(item)
        if problem:
            number = item.get("number", position + 1) if isinstance(item, dict) else position + 1
            left_out.append(f"evidence item {number}: {problem}")
        else:
            kept.append(item)
    return {**data, "evidence": kept}, left_out


def check_evidence(
    title: str, type: str, when: str | date, marking_points: Sequence[str], today: date
) -> tuple[str, str, tuple[str, ...]]:
    """Validate one entry: a title, a known type, a real date not in the future, known marking
    points (at least one). Returns (title, ISO date, marking points); ValueError says the fix."""
    title = (title or "").strip()
    if not title:
        raise ValueError("give the evidence a title, e.g. 'Observation of a complaint call'")
    if type not in EVIDENCE_TYPES:
        raise ValueError(f"type must be one of: {', '.join(EVIDENCE_TYPES)} (got {type!r})")
    try:
        day = when if isinstance(when, date) else date.fromisoformat(str(when).strip())
    except ValueError:
        raise ValueError(f"date {when!r} is not a date; write it as YYYY-MM-DD") from None
    if day > today:
        raise ValueError(f"date {day:%d %b %Y} is in the future; give the date of the evidence")
    points = tuple(dict.fromkeys(p.strip().upper() for p in marking_points if p.strip()))
    if not points:
        raise ValueError("map the evidence to at least one marking point, e.g. U2.MP1")
    known = _all_marking_points()
    unknown = [p for p in points if p not in known]
    if unknown:
        raise ValueError(
            f"unknown marking point(s) {', '.join(unknown)}; ids look like U1.MP1 to "
            f"U5.MP{sum(1 for k in known if k.startswith('U5.'))}"
        )
    return title, day.isoformat(), points


@dataclass
class EvidenceLog:
    """A learner's evidence log, saved in their folder after every change."""

    learner: str | None = None
    home: str | Path | None = None
    items: list[Evidence] = field(default_factory=list)

    @property
    def path(self) -> Path:
        """The log's file."""
        return progress.learner_home(self.learner, self.home) / "portfolio.json"

    @classmethod
    def load(cls, learner: str | None = None, home: str | Path | None = None) -> EvidenceLog:
        """The learner's saved log (empty if none yet)."""
        log = cls(learner, home)
        data = storage.load_json(log.path, _empty, _shape_problem, clean_log)
        log.items = [_evidence_from(item) for item in data["evidence"]]
        return log

    def add(
        self,
        title: str,
        type: str,
        when: str | date,
        description: str = "",
        marking_points: Sequence[str] = (),
        file_reference: str = "",
        today: date | None = None,
    ) -> Evidence:
        """Check and save a new piece of evidence (merged with anything another kernel saved)."""
        title, day, points = check_evidence(
            title, type, when, marking_points, today or date.today()
        )
        added: list[Evidence] = []

        def change(data: dict[str, Any]) -> dict[str, Any]:
            number = max((item["number"] for item in data["evidence"]), default=0) + 1
            item = Evidence(
                number, title, type, day, (description or "").strip(),
                (file_reference or "").strip(), points,
            )  # fmt: skip
            data["evidence"].append({**asdict(item), "marking_points": list(points)})
            added.append(item)
            return data

        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = storage.update_json(self.path, change, _empty, _shape_problem, clean_log)
        self.items = [_evidence_from(item) for item in data["evidence"]]
        return added[0]

    def frame(self) -> pd.DataFrame:
        """The log as a table, one row per piece of evidence."""
        rows = [
            {**asdict(item), "marking_points": ", ".join(item.marking_points)}
            for item in self.items
        ]
        columns = [
            "number", "title", "type", "date", "description", "file_reference", "marking_points"
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=columns)


def _evidence_from(item: dict[str, Any]) -> Evidence:
    """An Evidence from its saved form."""
    return Evidence(**{**item, "marking_points": tuple(item["marking_points"])})


def coverage_matrix(log: EvidenceLog, units: Iterable[int] = (1, 2, 3, 4, 5)) -> pd.DataFrame:
    """Tidy coverage: one row per marking point x piece of evidence (count 0 or 1), including
    marking points with no evidence at all (evidence = '(none yet)'), so gaps show."""
    rows = []
    for number in units:
        for mp in load_unit(number).marking_points:
            meeting = [item for item in log.items if mp.id in item.marking_points]
            for item in meeting:
                rows.append(
                    {"unit": number, "marking_point": mp.id,
                     "evidence": f"{item.number}. {item.title}", "count": 1}
                )  # fmt: skip
            if not meeting:
                rows.append(
                    {"unit": number, "marking_point": mp.id, "evidence": "(none yet)", "count": 0}
                )
    return pd.DataFrame(rows, columns=["unit", "marking_point", "evidence", "count"])


def gaps(matrix: pd.DataFrame) -> list[str]:
    """Marking points with no evidence yet."""
    covered = matrix.groupby("marking_point", sort=False)["count"].sum()
    return covered.index[covered == 0].tolist()


def coverage_heatmap(matrix: pd.DataFrame, ax=None):
    """A heatmap of marking points (rows) x evidence (columns), gaps outlined in vermillion."""
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.patches import Rectangle

    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(3, 0.35 * matrix["marking_point"].nunique())))
    table = matrix.pivot_table(
        index="marking_point", columns="evidence", values="count", aggfunc="sum", fill_value=0,
        sort=False,
    )  # fmt: skip
    if "(none yet)" in table.columns and len(table.columns) > 1:
        table = table.drop(columns="(none yet)")
    # A '$' in a learner's title would start matplotlib's maths mode (and can crash it).
    table.columns = [str(c).replace("$", r"\$") for c in table.columns]
    sns.heatmap(
        table, ax=ax, cmap="Blues", vmin=0, vmax=1, cbar=False, linewidths=0.5,
        linecolor="white",
    )  # fmt: skip
    missing = set(gaps(matrix))
    for row, point in enumerate(table.index):
        if point in missing:
            ax.add_patch(
                Rectangle((0, row), len(table.columns), 1, fill=False, edgecolor="#d55e00", lw=2)
            )
    ax.set_xlabel("Evidence")
    ax.set_ylabel("Marking point")
    ax.set_title(f"Evidence coverage: {len(missing)} marking point(s) with no evidence (outlined)")
    return ax


def export_csv(log: EvidenceLog, path: str | Path) -> Path:
    """The log as a spreadsheet-safe CSV (see privacy.write_safe_csv)."""
    from svcworkbook.data.privacy import write_safe_csv

    return write_safe_csv(log.frame(), Path(path))


def export_markdown(log: EvidenceLog, path: str | Path) -> Path:
    """The log as Markdown for a portfolio: each piece of evidence and the points it meets."""
    points = _all_marking_points()
    lines = ["# Portfolio evidence log", ""]
    for item in log.items:
        lines += [
            f"## {item.number}. {_md(item.title)}",
            "",
            f"- Type: {item.type}",
            f"- Date: {item.date}",
            f"- File: {_md(item.file_reference) or '(none)'}",
            "",
            _md(item.description, one_line=False),
            "",
            "Marking points met:",
            "",
            *[f"- {p}: {points[p]}" for p in item.marking_points],
            "",
        ]
    path = Path(path)
    storage.write_text_atomic(path, "\n".join(lines))
    return path


#: Characters that Markdown gives a meaning to (headings, lists, emphasis, links, tables, code).
_MARKDOWN_SIGNS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def _md(text: str, one_line: bool = True) -> str:
    """Learner text made safe for Markdown: every Markdown sign backslash-escaped, HTML escaped,
    and (for titles and references) kept on one line, so no heading or list can be forged."""
    text = text or ""
    if one_line:
        text = " ".join(text.split())
    escaped = _MARKDOWN_SIGNS.sub(r"\\\1", text)
    return html.escape(escaped, quote=False)


class EvidenceForm:
    """A form to log evidence (ipywidgets); readable text under papermill and nbval."""

    def __init__(self, unit: int, learner: str | None = None, home: str | Path | None = None):
        self.unit = load_unit(unit)
        self.log = EvidenceLog.load(learner, home)

    def __str__(self) -> str:
        count = len(self.log.items)
        ids = ", ".join(mp.id for mp in self.unit.marking_points)
        return (
            f"Evidence log for unit {self.unit.number}: {count} piece(s) of evidence saved.\n"
            f"Open this notebook in JupyterLab to log evidence and map it to {ids}."
        )

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(str(self)).replace(chr(10), '<br>')}</p>"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        bundle = {"text/plain": str(self), "text/html": self._repr_html_()}
        try:
            view = self.widget()._repr_mimebundle_()
        except Exception:  # no widget front end: the text stays
            return bundle
        if isinstance(view, tuple):
            view = view[0]
        return {**(view or {}), **bundle}

    def widget(self):
        """The form: title, type, date, description, file, marking points, Save, the log."""
        import ipywidgets as w

        title = w.Text(description="Title")
        kind = w.Dropdown(options=EVIDENCE_TYPES, description="Type")
        when = w.DatePicker(description="Date", value=date.today())
        description = w.Textarea(description="Description")
        file_ref = w.Text(description="File")
        points = w.SelectMultiple(
            options=[(f"{mp.id}: {mp.text[:70]}", mp.id) for mp in self.unit.marking_points],
            description="Meets",
            rows=min(6, len(self.unit.marking_points)),
            layout=w.Layout(width="95%"),
        )
        save = w.Button(description="Save evidence", button_style="primary")
        message = w.HTML()
        table = w.HTML(self._table_html())

        def on_save(_):
            try:
                item = self.log.add(
                    title.value, kind.value, when.value or "", description.value,
                    list(points.value), file_ref.value,
                )  # fmt: skip
            except (ValueError, OSError) as error:
                message.value = f"<span class='svc-error'>{html.escape(str(error))}</span>"
                return
            message.value = f"Saved as evidence {item.number}: {html.escape(item.title)}."
            title.value, description.value, file_ref.value = "", "", ""
            points.value = ()
            table.value = self._table_html()

        save.on_click(on_save)
        box = w.VBox([title, kind, when, description, file_ref, points, save, message, table])
        box.add_class("svc-evidence-form")
        return box

    def _table_html(self) -> str:
        """The saved log as an escaped HTML table."""
        frame = self.log.frame()
        if frame.empty:
            return "<p>No evidence logged yet.</p>"
        return frame[["number", "title", "type", "date", "marking_points"]].to_html(
            index=False, escape=True
        )


def evidence_form(
    unit: int, learner: str | None = None, home: str | Path | None = None
) -> EvidenceForm:
    """The evidence form for a unit's marking points, saving to the learner's log."""
    return EvidenceForm(unit, learner, home)


def evidence_by_point(log: EvidenceLog, unit: int) -> dict[str, list[str]]:
    """Each of a unit's marking points -> the evidence logged for it, one line per piece:
    "number. title (type, date)", in the order it was logged."""
    points = {mp.id: [] for mp in load_unit(unit).marking_points}
    for item in log.items:
        for point in item.marking_points:
            if point in points:
                points[point].append(f"{item.number}. {item.title} ({item.type}, {item.date})")
    return points


def self_check(unit: int, learner: str | None = None, home: str | Path | None = None):
    """The unit's marking points (quoted verbatim), each with the evidence the learner has logged
    for it; a point with evidence counts as evidenced."""
    from svcworkbook.content import show_marking_points

    log = EvidenceLog.load(learner, home)
    return show_marking_points(load_unit(unit), evidence=evidence_by_point(log, unit))
