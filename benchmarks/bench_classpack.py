"""Class pack speed: `svcworkbook classpack` against the loop a tutor would otherwise write.

The baseline is a shell loop calling the `papermill` command once per learner and unit, each
run generating that learner's data from their seed (a fresh Python, kernel and imports every
time). The class pack generates each learner's data once and executes the answer keys on warm
kernels, one per core.

    .venv/bin/python benchmarks/bench_classpack.py [--learners 30] [--baseline-learners 6]

The baseline is timed on --baseline-learners learners (all five units) and scaled per notebook
to the class size, since a full 30 x 5 loop takes half an hour; the report says so. Peak memory
is the largest total resident memory of the process tree (this process, workers, kernels),
sampled every 0.2 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psutil

from svcworkbook.data.roster import learner_seed
from svcworkbook.teaching import classpack, runner

UNITS = (1, 2, 3, 4, 5)


class PeakMemory:
    """Sample the resident memory of this process and all its children; keep the peak."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def roster(path: Path, learners: int) -> Path:
    """A roster of n learners."""
    rows = "".join(f"L{i:03d},Learner {i}\n" for i in range(1, learners + 1))
    path.write_text("learner_id,name\n" + rows, encoding="utf-8")
    return path


def baseline(out: Path, learners: int) -> float:
    """Seconds for the shell loop: one `papermill` command per learner and unit."""
    kernel = runner.project_kernel()  # also puts the kernel spec on JUPYTER_PATH for children
    papermill = shutil.which("papermill", path=str(Path(runner.__file__).parents[1] / ".venv/bin"))
    papermill = papermill or "papermill"
    lines = []
    for i in range(1, learners + 1):
        seed = learner_seed(f"L{i:03d}")
        for unit in UNITS:
            nb = runner.resolve_notebook(unit)
            target = out / f"L{i:03d}" / nb.name
            lines.append(f"mkdir -p {target.parent}")
            lines.append(
                f"{papermill} {nb} {target} -k {kernel} -p seed {seed} -p edition tutor "
                f"--cwd {nb.parent} --no-progress-bar --log-level ERROR"
            )
    out.mkdir(parents=True, exist_ok=True)
    script = out / "loop.sh"
    script.write_text("set -e\n" + "\n".join(lines) + "\n")
    start = time.perf_counter()
    subprocess.run(["bash", str(script)], check=True)
    return time.perf_counter() - start


def main() -> None:
    """Time both ways and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--baseline-learners", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with PeakMemory() as pack_memory:
            start = time.perf_counter()
            report = classpack.build_classpack(
                roster(tmp / "class.csv", args.learners),
                tmp / "pack",
                units=UNITS,
                jobs=args.jobs,
                progress=False,
            )
            pack_seconds = time.perf_counter() - start
        if report.failed:
            raise SystemExit(f"class pack failures: {report.failed}")
        notebooks = args.learners * len(UNITS)
        print(f"class of {args.learners} learners x {len(UNITS)} units = {notebooks} answer keys")
        print(
            f"classpack: {pack_seconds:.1f} s ({pack_seconds / notebooks:.2f} s per notebook), "
            f"peak memory {pack_memory.peak / 2**20:.0f} MiB",
            flush=True,
        )
        with PeakMemory() as loop_memory:
            loop_seconds = baseline(tmp / "loop", args.baseline_learners)
    loop_per_notebook = loop_seconds / (args.baseline_learners * len(UNITS))
    loop_scaled = loop_per_notebook * notebooks
    print(
        f"papermill loop: {loop_seconds:.1f} s for {args.baseline_learners} learners "
        f"({loop_per_notebook:.2f} s per notebook) -> {loop_scaled:.0f} s scaled to the class, "
        f"peak memory {loop_memory.peak / 2**20:.0f} MiB"
    )
    print(f"speed-up: {loop_scaled / pack_seconds:.1f}x (target: at least 3x)")


if __name__ == "__main__":
    main()
