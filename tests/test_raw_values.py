"""The raw-value check run on executed notebooks (nbtools.raw_values) finds what it should."""

from __future__ import annotations

import nbformat
from nbtools import raw_values


def _notebook(tmp_path, *outputs):
    """A notebook with one code cell carrying the given outputs."""
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = list(outputs)
    path = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


def _result(plain: str, html: str | None = None):
    """An execute_result output with text (and HTML)."""
    data = {"text/plain": plain} | ({"text/html": html} if html else {})
    return nbformat.v4.new_output("execute_result", data=data, execution_count=1)


def test_raw_values_are_found(tmp_path):
    path = _notebook(
        tmp_path,
        _result("CSAT nan%, resolved NaT, owner None, met True, rate 0.7601498196615185"),
        _result("table", "<table><tr><th>sla_compliance</th><th>SLA compliance</th></tr></table>"),
    )
    kinds = {line.split(": ")[1] for line in raw_values(path)}
    assert kinds == {"nan", "NaT", "None", "True/False", "a long float", "a code-style column"}


def test_people_words_pass(tmp_path):
    path = _notebook(
        tmp_path,
        _result("Replace None with your answer. True or false? A. True    B. False"),
        _result("CSAT 76.0%, resolved -, owner not recorded, met yes, Nancy's finance team"),
        nbformat.v4.new_output("stream", name="stdout", text="SLA compliance 90.0%\n"),
    )
    assert raw_values(path) == []
