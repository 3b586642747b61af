"""Units run on the data there is: a notebook's cells say which datasets (and columns) they need,
and with someone's own data a section whose data is absent is skipped with a visible note.

A cell declares what it needs with tags ``needs:DATASET`` or ``needs:DATASET.COLUMN`` (for
example ``needs:complaints``, ``needs:contacts.resolved_at``), or ``needs:DATASET.COLUMN>N``
for a column with more than N different values (``needs:surveys.method>1``: an exercise that
asks to choose between survey methods needs two of them). Before the kernel starts,
:func:`skip_absent_sections` replaces each run of cells whose data is absent by one Markdown
note ("Worked analysis 1: ...: no intervals file was given, so this section is skipped"); the
bundled samples and generated data have everything, so nothing is skipped for them. Generated
data never fills a gap in someone's own data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

TAG = "needs:"
NOTE_TAG = "skipped-section"


class Columns(set):
    """The columns a dataset really has, with how many different values each holds
    (``distinct``), for needs such as ``surveys.method>1``."""

    def __init__(self, columns=(), distinct: Mapping[str, int] | None = None,
                 examples: Mapping[str, list[str]] | None = None) -> None:  # fmt: skip
        super().__init__(columns)
        self.distinct = dict(distinct or {})
        self.examples = dict(examples or {})


def cell_needs(cell: Mapping[str, Any]) -> list[str]:
    """What a cell needs, from its ``needs:`` tags (e.g. ['intervals', 'contacts.resolved_at'])."""
    tags = cell.get("metadata", {}).get("tags", [])
    return [t[len(TAG) :] for t in tags if t.startswith(TAG)]


def unit_needs(nb: Mapping[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Each section of a notebook (its '## ' heading): {dataset: the columns it needs}."""
    sections: dict[str, dict[str, list[str]]] = {}
    title = "Introduction"
    for cell in nb["cells"]:
        title = _heading(cell) or title
        for need in cell_needs(cell):
            dataset, _, column = need.partition(".")
            column = column.replace(">", " > ")
            columns = sections.setdefault(title, {}).setdefault(dataset, [])
            if column and column not in columns:
                columns.append(column)
    return sections


def available(data_dir: str | Path, mapping: Any = None) -> dict[str, set[str]]:
    """The datasets a data folder gives, each with the columns it really has (checked by the
    loader: DataError for a bad file)."""
    from svcworkbook.data import loading
    from svcworkbook.data.schemas import DATASETS

    files = loading.folder_files(data_dir, mapping=mapping, datasets=DATASETS)
    return columns_there(loading.load_folder(data_dir, mapping=mapping, datasets=tuple(files)))


def columns_there(frames: Mapping[str, Any]) -> dict[str, set[str]]:
    """The datasets loaded from a data folder, each with the columns it really has and how many
    different values each holds (what the needs: tags are checked against)."""
    from svcworkbook.report.contact_figures import has_column

    there = {}
    for name, frame in frames.items():
        columns = [c for c in frame.columns if has_column(frame, c)]
        values = {c: frame[c].dropna().astype(str).unique() for c in columns}
        there[name] = Columns(
            columns,
            distinct={c: len(v) for c, v in values.items()},
            examples={c: sorted(v)[:3] for c, v in values.items()},
        )
    return there


def missing_reason(need: str, there: Mapping[str, set[str]]) -> str | None:
    """Why a need is not met by the data there is (None when it is met)."""
    dataset, _, column = need.partition(".")
    column, _, more_than = column.partition(">")
    if dataset not in there:
        return f"no {dataset} file was given"
    if column and column not in there[dataset]:
        return f"the {dataset} file has no {column} column"
    distinct = getattr(there[dataset], "distinct", {}).get(column)
    if more_than and distinct is not None and distinct <= int(more_than):
        shown = ", ".join(getattr(there[dataset], "examples", {}).get(column, []))
        which = f" ({shown})" if shown else ""
        counted = "no" if distinct == 0 else "one" if distinct == 1 else f"{distinct:,}"
        return (
            f"the {dataset} file has only {counted} {column}{which}, fewer than the "
            f"{int(more_than) + 1} this needs"
        )
    return None


def _heading(cell: Mapping[str, Any]) -> str | None:
    """The '## ' heading a Markdown cell starts with, if any (a '### Your turn' is part of its
    section)."""
    if cell.get("cell_type") != "markdown":
        return None
    source = "".join(cell.get("source", ""))
    found = re.match(r"^##\s+(.+)", source.strip())
    return found.group(1).strip() if found else None


def skip_absent_sections(nb: Any, there: Mapping[str, set[str]]) -> tuple[Any, list[str]]:
    """The notebook with each run of cells whose data is absent replaced by one Markdown note;
    (notebook, the notes). The notebook is changed in place."""
    import nbformat

    cells, notes = [], []
    section = "This section"
    run_open = False
    for cell in nb.cells:
        heading = _heading(cell)
        reasons = [r for r in (missing_reason(n, there) for n in cell_needs(cell)) if r]
        if heading:
            section = heading
        if not reasons:
            cells.append(cell)
            run_open = False
            continue
        if heading or not run_open:  # one note per skipped section, or part of one
            if heading:
                note = f"{section}: {reasons[0]}, so this section is skipped."
            else:
                note = f"{section}: {reasons[0]}, so this part is skipped."
            notes.append(note)
            cells.append(
                nbformat.v4.new_markdown_cell(
                    f"> **Skipped.** {note}", metadata={"tags": [NOTE_TAG]}
                )
            )
            run_open = True
    nb.cells = cells
    return nb, notes


def needs_table(notebooks: list[Path]) -> str:
    """A Markdown table of each unit's sections and the datasets they need (from the tags), for
    README.md and data/README.md; units without tags are listed as needing their whole data."""
    import nbformat

    rows = ["| unit | section | needs |", "|---|---|---|"]
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        for section, datasets in unit_needs(nb).items():
            needs = [
                f"{name} ({', '.join(f'`{c}`' for c in columns)})" if columns else name
                for name, columns in datasets.items()
            ]
            rows.append(f"| {path.stem[:2]} | {section} | {'; '.join(needs)} |")
    return "\n".join(rows)
