"""Shared helpers for the notebook tests: run a unit with papermill, write data folders as users'
own exports would arrive (other column names, UK dates), tiny and broken generators."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import papermill
import pytest
import yaml

from svcworkbook.teaching import kernel_pool, runner
from svcworkbook.teaching.session import read_results

#: How another system might name our columns (its export's header -> the workbook's column).
OUTSIDE_NAMES = {
    "contacts": {
        "Contact Ref": "contact_id",
        "Customer No": "customer_id",
        "Date Opened": "opened_at",
        "Media Type": "channel",
        "Agent": "agent_id",
        "Wait (secs)": "queue_wait_s",
        "Talk+Wrap (secs)": "handle_time_s",
        "Date Closed": "resolved_at",
    },
    "surveys": {"Survey Ref": "survey_id", "Contact Ref": "contact_id", "Sat Score": "csat"},
    "complaints": {"Case Ref": "complaint_id", "Date Received": "received_at"},
    "staff": {"Agent": "agent_id", "Agent Name": "agent_name"},
    "customers": {"Customer No": "customer_id", "Name": "customer_name"},
    "mystery_shops": {"Visit Ref": "visit_id", "Visit Date": "visited_at"},
    "intervals": {"Interval": "interval_start", "Calls Offered": "offered"},
    "servqual": {"Respondent": "respondent_id"},
}


def matrix_kernel():
    """The kernel the papermill matrices run on: this test worker's warm kernel, reset before each
    notebook (``kernel_pool.thread_kernel``), or None (a fresh kernel per run, as papermill does)
    when SVCWORKBOOK_TEST_FRESH_KERNELS=1.

    A fresh kernel spends about half of a unit notebook's run starting Python and importing
    pandas, seaborn and the library. The matrices test what the parameters and data do, so they
    share one kernel per worker; nbval, the site build, the class packs' learner runs and marking
    still start every notebook in a fresh kernel, so a notebook that only works after another is
    still caught.
    """
    if os.environ.get("SVCWORKBOOK_TEST_FRESH_KERNELS") == "1":
        return None
    return kernel_pool.thread_kernel()


def run_unit(
    unit: int, tmp_path: Path, edition: str | None = None, **parameters: Any
) -> tuple[Path, dict[str, Any]]:
    """Execute a unit notebook (or one edition of it) into tmp_path; (executed path, results)."""
    out = tmp_path / f"unit{unit:02d}{'-' + edition if edition else ''}.ipynb"
    runner.execute(
        runner.resolve_notebook(unit), out, parameters, edition=edition, kernel=matrix_kernel()
    )
    return out, read_results(out)


@dataclass
class CellError:
    """The error a notebook stopped with: its name, message and the source of the cell."""

    ename: str
    evalue: str
    source: str


def run_unit_failing(unit: int, tmp_path: Path, **parameters: Any) -> CellError:
    """Execute a unit notebook that must stop with an error; the error, read from what ran."""
    import nbformat

    out = tmp_path / f"unit{unit:02d}-failed.ipynb"
    with pytest.raises((papermill.PapermillExecutionError, kernel_pool.NotebookFailed)):
        runner.execute(runner.resolve_notebook(unit), out, parameters, kernel=matrix_kernel())
    for cell in nbformat.read(out, as_version=4).cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return CellError(output["ename"], output["evalue"], cell.source)
    raise AssertionError(f"{out.name} stopped with no error output in any cell")


def write_plain(folder: Path, data: dict[str, pd.DataFrame]) -> Path:
    """Write each dataset as <name>.csv with the workbook's own column names; the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in data.items():
        frame.to_csv(folder / f"{name}.csv", index=False, date_format="%Y-%m-%d %H:%M:%S")
    return folder


def write_outside_export(folder: Path, data: dict[str, pd.DataFrame]) -> Path:
    """Write the datasets as another system would: its own headers, UK day-first dates; the mapping.

    Returns the path of a YAML mapping (per dataset: the export's header -> our column).
    """
    folder.mkdir(parents=True, exist_ok=True)
    mapping: dict[str, dict[str, str]] = {}
    for name, frame in data.items():
        renames = OUTSIDE_NAMES.get(name, {})
        ours_to_theirs = {ours: theirs for theirs, ours in renames.items() if ours in frame}
        export = frame.rename(columns=ours_to_theirs)
        export.to_csv(folder / f"{name}.csv", index=False, date_format="%d/%m/%Y %H:%M:%S")
        mapping[name] = {theirs: ours for ours, theirs in ours_to_theirs.items()}
    path = folder / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping, sort_keys=False), encoding="utf-8")
    return path


def tiny_data(seed: int = 7) -> dict[str, pd.DataFrame]:
    """All eight datasets for one week and one team."""
    from svcworkbook.data import generators

    return generators.generate_all(seed=seed, days=7, teams=("billing",))


def with_bad_value(
    data: dict[str, pd.DataFrame], dataset: str, column: str, row: int, value: Any
) -> dict[str, pd.DataFrame]:
    """A copy of the data with one cell changed (row counts from 0, as in the frame)."""
    changed = {name: frame.copy() for name, frame in data.items()}
    frame = changed[dataset]
    frame[column] = frame[column].astype(object)
    frame.iloc[row, frame.columns.get_loc(column)] = value
    return changed


def params_for(data_dir: Path, mapping: Path | None = None) -> dict[str, Any]:
    """Notebook parameters that point a unit at a data folder (and its mapping)."""
    params: dict[str, Any] = {"data_dir": str(data_dir)}
    if mapping is not None:
        params["mapping"] = str(mapping)
    return params


def with_targets(params: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """A notebook's default targets overlaid with the targets given among params."""
    return {**defaults, **{name: value for name, value in params.items() if name in defaults}}


def injected_parameters(path: Path) -> str:
    """The source of the one cell papermill injected into an executed notebook."""
    import nbformat

    cells = nbformat.read(path, as_version=4).cells
    injected = [c for c in cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1, f"{len(injected)} injected-parameters cells in {path.name}"
    return injected[0].source


def assert_ran_with(path: Path, params: dict[str, Any]) -> None:
    """The executed notebook ran with params: each injected, and the edition's answers shown or not.

    The tutor edition shows the expected value after each exercise ("Tutor edition: the answer
    is ..."); the learner edition (the notebooks' default) never does.
    """
    source = injected_parameters(path)
    for name in params:
        assert f"{name} = " in source, name
    shown = "Tutor edition: the answer is" in path.read_text(encoding="utf-8")
    assert shown == (params.get("edition", "learner") == "tutor")


#: What a reader must never see in an executed notebook's outputs (issue 17).
RAW_VALUES = {
    "nan": r"(?<![\w.-])(?:nan|NaN)(?![\w-])",
    "NaT": r"\bNaT\b",
    "None": r"\bNone\b",
    "True/False": r"\b(?:True|False)\b",
    "a long float": r"\d\.\d{7,}",
    "a code-style column": r"<th[^>]*>\s*[a-z0-9]+(?:_[a-z0-9]+)+\s*</th>",
}
#: Where those words are the text itself: the exercise prompt, true/false quiz options.
RAW_VALUES_ALLOWED = (
    r"Replace None with your answer",
    r"my_answer = None",
    r"True or false\?",
    r"<li>True</li><li>False</li>",
    r"A\. True\s+B\. False",
    r"options: True, False",
    r"[A-D]\. None:",  # a quiz option that starts with the word
    r"<li>None:",
)


def raw_values(path: Path) -> list[str]:
    """Each raw value (nan, NaT, None, True/False, 16-digit floats, code-style column headers)
    in an executed notebook's text, HTML and stream outputs, as 'cell N: kind: context'."""
    import json
    import re

    found = []
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    for number, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts = ["".join(data[m]) for m in ("text/plain", "text/html") if m in data]
            texts += ["".join(output["text"])] if "text" in output else []
            for text in texts:
                for allowed in RAW_VALUES_ALLOWED:
                    text = re.sub(allowed, "", text)
                text = re.sub(r"<(style|script)\b.*?</\1>", "", text, flags=re.S)
                for kind, pattern in RAW_VALUES.items():
                    for hit in re.finditer(pattern, text):
                        context = text[max(0, hit.start() - 50) : hit.end() + 30]
                        found.append(f"cell {number}: {kind}: ...{' '.join(context.split())}...")
    return found


def chart_problems(path: Path) -> list[str]:
    """Every layout problem (report.chart_checks) of every chart in an executed notebook, as
    'cell N: problem'. The kernel records them in each image's metadata when
    SVCWORKBOOK_CHECK_CHARTS is set (conftest sets it); an image without them is a problem too,
    so the check cannot pass by not running."""
    import json

    found = []
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    for number, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            if "image/png" not in output.get("data", {}):
                continue
            meta = output.get("metadata", {}).get("image/png", {})
            if "chart_problems" not in meta:
                found.append(f"cell {number}: the chart was not checked (no chart_problems)")
            found += [f"cell {number}: {problem}" for problem in meta.get("chart_problems", [])]
    return found
