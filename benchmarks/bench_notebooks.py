"""How long each notebook takes to execute with its defaults (papermill, project kernel).

Run: .venv/bin/python benchmarks/bench_notebooks.py [--repeat N]
Prints one line per notebook: wall time of a full papermill run (kernel start included), best of N.
Target (issue 6): every unit notebook under 15 s with its defaults on the 2-core machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from svcworkbook.teaching import runner


def time_notebook(path: Path, repeat: int) -> float:
    """Best wall time in seconds of `repeat` papermill runs of the notebook with its defaults."""
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            start = time.perf_counter()
            runner.execute(path, Path(tmp) / path.name)
            best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Time every notebook and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(f"{'notebook':<28} {'best of ' + str(args.repeat):>12}")
    for path in runner.unit_notebooks():
        seconds = time_notebook(path, args.repeat)
        flag = "" if seconds < 15 else "  (over the 15 s target)"
        print(f"{path.stem:<28} {seconds:>10.1f} s{flag}")


if __name__ == "__main__":
    main()
