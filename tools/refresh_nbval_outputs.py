"""Store fresh reference outputs in the notebook cells tagged ``nbval-check-output``.

nbval compares those cells' outputs with the ones stored in the notebook, and only when the
stored cell has an execution count (nbval skips a cell it takes for unrun), so tagged cells keep
their count; every other cell is committed without outputs or count. The notebooks run with an
empty learner folder, as under the tests, so no one's saved progress leaks into the references.
Run this (``make nbval-outputs``) after changing what such a cell shows, review the diff, and
commit. Each notebook is executed with its defaults, as nbval does.

    python tools/refresh_nbval_outputs.py [notebooks/01_service_environment.ipynb ...]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat

from svcworkbook.teaching import runner

TAG = "nbval-check-output"


def refresh(path: Path) -> int:
    """Execute the notebook and copy its tagged cells' outputs into it; how many were stored."""
    source = nbformat.read(path, as_version=4)
    tagged = {c.id for c in source.cells if TAG in c.metadata.get("tags", [])}
    if not tagged:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / path.name
        os.environ["SVCWORKBOOK_HOME"] = str(Path(tmp) / "home")
        runner.execute(path, out)
        executed = {c.id: c for c in nbformat.read(out, as_version=4).cells}
    for cell in source.cells:
        if cell.cell_type != "code":
            continue
        if cell.id in tagged:
            cell.outputs = executed[cell.id].outputs
            cell.execution_count = executed[cell.id].execution_count
        else:
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    source.metadata.pop("papermill", None)
    nbformat.write(source, path)
    return len(tagged)


def main(paths: list[str]) -> None:
    """Refresh the given notebooks (default: all of them)."""
    targets = [Path(p) for p in paths] or runner.unit_notebooks()
    for path in targets:
        print(f"{path.name}: {refresh(path)} checked cell(s) stored")


if __name__ == "__main__":
    main(sys.argv[1:])
