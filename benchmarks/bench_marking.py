"""Marking speed: `svcworkbook mark` on a class's returned notebooks, and a rerun with one change.

Builds a class pack (not timed), returns every learner's learner edition for every unit (every
other learner with the first exercise of each unit answered with a number, so checks run on
real answers), then times:

- the first marking (every notebook re-executed in a fresh kernel on its learner's data),
- a rerun with nothing changed (nothing re-executed),
- a rerun after one learner returns one notebook again (one notebook re-executed).

    .venv/bin/python benchmarks/bench_marking.py [--learners 30] [--units 1-5] [--jobs N]

Peak memory is the largest total resident memory of the process tree, sampled every 0.2 s.
CPU seconds add this process's time to that of its ended workers and their kernels: on a shared
machine they move far less with the load than wall time does.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).parent))
from bench_classpack import PeakMemory, roster  # noqa: E402

from svcworkbook.teaching import classpack, marking  # noqa: E402


def cpu_seconds() -> float:
    """CPU time so far of this process and of its ended child processes (workers, kernels)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + ended.ru_utime + ended.ru_stime


def return_work(pack: Path, returned: Path, learners: int, units: tuple[int, ...]) -> list[Path]:
    """Copy each learner's handed-out notebooks into returned/<id>/, every other one answered."""
    written = []
    for i in range(1, learners + 1):
        learner = f"L{i:03d}"
        for path in sorted((pack / "learners" / learner).glob("[0-9][0-9]_*.ipynb")):
            if int(path.name[:2]) not in units:
                continue
            nb = nbformat.read(path, 4)
            if i % 2:
                cell = next(c for c in nb.cells if "exercise" in c.metadata.get("tags", []))
                cell.source = cell.source.replace("my_answer = None", "my_answer = 0.5", 1)
            target = returned / learner / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
            written.append(target)
    return written


def main() -> None:
    """Build the pack, return the work, time three markings and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--units", default="1-5")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    units = classpack.parse_units(args.units)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        pack = base / "pack"
        started, started_cpu = time.perf_counter(), cpu_seconds()
        classpack.build_classpack(
            roster(base / "class.csv", args.learners), pack, units=units, jobs=args.jobs,
            progress=False,
        )  # fmt: skip
        print(
            f"class pack built in {time.perf_counter() - started:.0f} s, "
            f"{cpu_seconds() - started_cpu:.0f} CPU s (not part of marking)"
        )
        files = return_work(pack, base / "returned", args.learners, units)
        timings = {}
        with PeakMemory() as memory:
            for label in ("first marking", "rerun, nothing changed", "rerun, one changed"):
                if label == "rerun, one changed":
                    nb = nbformat.read(files[0], 4)
                    nb.cells.append(nbformat.v4.new_markdown_cell("returned again"))
                    nbformat.write(nb, files[0])
                started, started_cpu = time.perf_counter(), cpu_seconds()
                report = marking.mark_class(
                    pack, base / "returned", base / "marked", jobs=args.jobs, progress=False
                )
                timings[label] = (
                    time.perf_counter() - started,
                    cpu_seconds() - started_cpu,
                    report.marked,
                )
        notebooks = len(files)
        print(f"marking {args.learners} learners x {len(units)} unit(s) = {notebooks} notebooks")
        for label, (seconds, cpu, marked) in timings.items():
            per = (
                f", {seconds / marked:.1f} s and {cpu / marked:.1f} CPU s a notebook"
                if marked
                else ""
            )
            print(f"  {label}: {seconds:.1f} s, {cpu:.0f} CPU s ({marked} re-executed{per})")
        print(f"  peak memory {memory.peak / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
