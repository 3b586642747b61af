"""How long each notebook takes with its defaults, beside a notebook that only imports what it imports.

Run: .venv/bin/python benchmarks/bench_notebooks.py [--repeat N] [notebook ...]
For each notebook: the wall time of a full papermill run (kernel start included), best of N, and
the same for its import-only baseline: a notebook with the same kernel, run by the same engine,
whose one cell holds every import statement of that notebook (so it pays for the kernel, the
libraries and papermill, and nothing the notebook computes or shows). The ratio full / baseline
is what the notebook's own work costs on top (issue 14's goal: 1.5 at most). They run in
sets (baseline, notebook, then the settled baseline described below), N times, and each ratio
is the median of the N sets' ratios: a shared machine's speed drifts by 10-20% over minutes,
which moved a ratio of best times by 0.15 from one run to the next. The CPU columns add the
kernel's CPU time to papermill's (the kernel is a child process, counted once it has ended):
on a shared machine they move far less with the load than wall time does.

A third run in each set, "settled", is the baseline with ``gc.freeze()`` after its imports, as
``start_unit`` does (``teaching.session.settle_libraries``). Most of what freezing saves is in the
kernel's shutdown (Python's last garbage collections no longer walk the libraries' objects),
which the plain baseline still pays; the settled ratio compares like with like.
Target (issue 6): every unit notebook under 15 s with its defaults on the 2-core machine.
"""

from __future__ import annotations

import argparse
import ast
import resource
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from svcworkbook.teaching import runner


def import_statements(nb: nbformat.NotebookNode) -> list[str]:
    """Every top-level import statement in the notebook's code cells, in order, each once."""
    statements: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        # IPython magics (a solution cell's leading %%solution) are not Python: leave them out
        python = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        for node in ast.parse(python).body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                line = ast.unparse(node)
                if line not in statements:
                    statements.append(line)
    return statements


def import_only_notebook(path: Path, folder: Path, settled: bool = False) -> Path:
    """Write the import-only baseline of a notebook (same kernel spec, one cell) into folder;
    settled, the cell ends with gc.freeze() as start_unit's settle_libraries does."""
    nb = nbformat.read(path, as_version=4)
    baseline = nbformat.v4.new_notebook(metadata=nb.metadata)
    lines = import_statements(nb) + (["import gc", "gc.freeze()"] if settled else [])
    baseline.cells = [nbformat.v4.new_code_cell("\n".join(lines))]
    target = folder / f"{path.stem}_imports_only{'_settled' if settled else ''}.ipynb"
    nbformat.write(baseline, target)
    return target


def cpu_seconds() -> float:
    """CPU time so far of this process and of its ended child processes (kernels), in seconds."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kernels = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kernels.ru_utime + kernels.ru_stime


def time_once(path: Path, folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one papermill run of a notebook with its defaults."""
    start, start_cpu = time.perf_counter(), cpu_seconds()
    runner.execute(path, folder / path.name)
    return time.perf_counter() - start, cpu_seconds() - start_cpu


def time_sets(
    path: Path, baseline: Path, settled: Path, repeat: int
) -> list[tuple[float, float, float, float, float]]:
    """`repeat` sets of runs, the import-only baseline, the notebook, then the settled baseline,
    one after the other, so that the runs of a set see the same machine (its speed drifts over
    minutes on a shared host); each set as (full wall, baseline wall, full CPU, baseline CPU,
    settled baseline wall)."""
    sets = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            base_wall, base_cpu = time_once(baseline, Path(tmp))
            full_wall, full_cpu = time_once(path, Path(tmp))
            settled_wall, _ = time_once(settled, Path(tmp))
            sets.append((full_wall, base_wall, full_cpu, base_cpu, settled_wall))
    return sets


def warm_up() -> None:
    """Import papermill's side once before timing, so the first run does not pay for it alone."""
    import papermill  # noqa: F401

    from svcworkbook.teaching import papermill_engine

    papermill_engine.register()
    runner.kernel_manager_class()
    runner.project_kernel()


def main() -> None:
    """Time every notebook (or those named) and its import-only baseline; print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("notebooks", nargs="*", help="units (1, 02, reliable_delivery...)")
    args = parser.parse_args()
    paths = [runner.resolve_notebook(n) for n in args.notebooks] or runner.unit_notebooks()
    warm_up()
    print(
        f"{'notebook':<24} {'full':>7} {'imports':>8} {'ratio':>6} {'CPU full':>9} "
        f"{'CPU imports':>12} {'CPU ratio':>9} {'settled':>8} {'ratio':>6}   (best times of "
        f"{args.repeat}; ratios: the median of the sets)"
    )
    with tempfile.TemporaryDirectory() as folder:
        for path in paths:
            baseline = import_only_notebook(path, Path(folder))
            settled = import_only_notebook(path, Path(folder), settled=True)
            sets = time_sets(path, baseline, settled, args.repeat)
            full, imports, full_cpu, imports_cpu, settled_imports = (
                min(p[i] for p in sets) for i in range(5)
            )
            ratio = statistics.median(p[0] / p[1] for p in sets)
            cpu_ratio = statistics.median(p[2] / p[3] for p in sets)
            settled_ratio = statistics.median(p[0] / p[4] for p in sets)
            flag = "" if full < 15 else "  (over the 15 s target)"
            print(
                f"{path.stem:<24} {full:>5.1f} s {imports:>6.1f} s {ratio:>6.2f} "
                f"{full_cpu:>7.1f} s {imports_cpu:>10.1f} s {cpu_ratio:>9.2f} "
                f"{settled_imports:>6.1f} s {settled_ratio:>6.2f}{flag}"
            )


if __name__ == "__main__":
    main()
