"""The workbook's papermill engine: papermill's execution, with the executed copy written at the
start, at most every SAVE_EVERY_S seconds, and always at the end."""

from __future__ import annotations

import datetime

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from svcworkbook.teaching import papermill_engine, runner
from svcworkbook.teaching.papermill_engine import ThrottledSaves

T0 = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


class ClockedSaves(ThrottledSaves):
    """ThrottledSaves on a clock the test moves, counting the notebook writes."""

    def __init__(self, *args, **kwargs):
        self.clock = T0
        super().__init__(*args, **kwargs)

    def now(self):
        return self.clock


@pytest.fixture
def writes(monkeypatch):
    """The output paths papermill's manager wrote to, in order."""
    written: list[str] = []
    monkeypatch.setattr("papermill.engines.write_ipynb", lambda nb, path: written.append(path))
    return written


def run_cells(manager: ClockedSaves, seconds_per_cell: float) -> None:
    """Drive the manager through its notebook as an engine does, each cell taking the seconds."""
    manager.notebook_start()
    for index, cell in enumerate(manager.nb.cells):
        manager.cell_start(cell, index)
        manager.clock += datetime.timedelta(seconds=seconds_per_cell)
        manager.cell_complete(cell, index)
    manager.notebook_complete()


def notebook(*sources: str) -> nbformat.NotebookNode:
    """A notebook of code cells with papermill's metadata fields, as papermill prepares it."""
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata.papermill = {}
    for cell in nb.cells:
        cell.metadata.papermill = {}
    return nb


def test_quick_cells_write_the_notebook_at_the_start_and_the_end_only(writes):
    # papermill's own manager writes before and after each of the 70 cells: 2 x 70 + 2 = 142
    manager = ClockedSaves(notebook(*["1"] * 70), output_path="out.ipynb", progress_bar=False)
    run_cells(manager, seconds_per_cell=0.1)  # 7 s in all, with saves due every 5 s
    # start, the first cell end at or after 5 s (cell 50: 50 x 0.1 = 5.0 s), the end
    assert writes == ["out.ipynb"] * 3


def test_slow_cells_write_the_notebook_after_each_cell_that_ends_past_the_interval(writes):
    manager = ClockedSaves(notebook("1", "2", "3"), output_path="out.ipynb", progress_bar=False)
    run_cells(manager, seconds_per_cell=6.0)
    # start, then each cell_complete (6 s after the last write), then the forced final write;
    # cell_start saves are skipped: 0 s after the previous cell's save
    assert len(writes) == 1 + 3 + 1


def test_the_interval_is_papermill_engine_save_every_s(writes):
    manager = ClockedSaves(
        notebook(*["1"] * 10), output_path="out.ipynb", progress_bar=False, save_every_s=1.0
    )
    run_cells(manager, seconds_per_cell=0.5)  # a write due after cells 2, 4, 6, 8, 10
    assert len(writes) == 1 + 5 + 1
    assert papermill_engine.SAVE_EVERY_S == 5.0


def test_without_an_output_path_nothing_is_written(writes):
    manager = ClockedSaves(notebook("1"), output_path=None, progress_bar=False)
    run_cells(manager, seconds_per_cell=10)
    assert writes == []


def test_register_makes_the_engine_papermills_svcworkbook_engine():
    from papermill.engines import papermill_engines

    assert papermill_engine.register() == "svcworkbook"
    assert papermill_engines.get_engine("svcworkbook") is papermill_engine.ThrottledSaveEngine


@pytest.mark.notebook
def test_a_notebook_that_times_out_keeps_the_cells_it_ran(tmp_path):
    source = tmp_path / "slow.ipynb"
    nbformat.write(
        notebook("print('first cell ran')", "import time\ntime.sleep(60)", "print('never')"),
        source,
    )
    out = tmp_path / "out" / "slow.ipynb"
    with pytest.raises(Exception, match="(?i)timed out|timeout"):
        runner.execute(source, out, timeout=3)
    executed = nbformat.read(out, as_version=4)
    printed = [o.get("text", "") for o in executed.cells[0].outputs]
    assert printed == ["first cell ran\n"]
    assert executed.cells[2].outputs == []


@pytest.mark.notebook
def test_a_failing_notebook_is_written_with_its_error(tmp_path):
    source = tmp_path / "fails.ipynb"
    nbformat.write(notebook("x = 2", "raise ValueError(f'bad x {x}')", "print('never')"), source)
    out = tmp_path / "fails-run.ipynb"
    with pytest.raises(papermill.PapermillExecutionError, match="bad x 2"):
        runner.execute(source, out)
    assert runner.first_error(out) == "ValueError: bad x 2"
    executed = nbformat.read(out, as_version=4)
    assert executed.metadata.papermill["exception"] is True
