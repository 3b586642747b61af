"""Loading speed: `loading.load` (read, convert, validate) against a bare `pandas.read_csv`.

Writes a contacts CSV of about a million rows (`generators.generate("contacts", rows=...)`, ISO
timestamps as in the samples), then times each approach, best of --repeats runs, alternating so
that both see the same disk cache and machine load. Peak memory is measured in a fresh Python per
approach, started before this process holds any data: the peak resident set of the child after
the run (Linux `VmHWM`, the high-water mark of its own memory; `resource.getrusage(RUSAGE_SELF)
.ru_maxrss` elsewhere, which on Linux can carry over the parent's peak through fork), and the same
figure just before it (imports done), so the difference is what the read costs.

    .venv/bin/python benchmarks/bench_load.py [--rows 1000000] [--repeats 3] [--csv PATH]
        [--pandera] [--uk-dates]

--uk-dates writes the timestamps day-first (DD/MM/YYYY HH:MM:SS), as a UK spreadsheet exports
them, instead of ISO.

Target (issue 3): loading.load at most 3x the bare read.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from svcworkbook.data import generators, loading

TARGET_RATIO = 3.0


def bare_read(path: Path) -> pd.DataFrame:
    """The baseline: pandas reads the file with its defaults (no dates parsed, no checks)."""
    return pd.read_csv(path)


def workbook_load(path: Path) -> pd.DataFrame:
    """The workbook's loader: names, types, UK dates, every schema rule checked."""
    return loading.load("contacts", path)


APPROACHES = {"bare": bare_read, "load": workbook_load}


def write_contacts(rows: int, folder: Path, uk_dates: bool = False) -> Path:
    """A generated contacts CSV of about `rows` rows, written as the samples are (or with
    day-first timestamps)."""
    frame = generators.generate("contacts", rows=rows)
    path = folder / "contacts.csv"
    layout = "%d/%m/%Y %H:%M:%S" if uk_dates else "%Y-%m-%d %H:%M:%S"
    frame.to_csv(path, index=False, date_format=layout, lineterminator="\n")
    return path


def best_times(path: Path, repeats: int) -> dict[str, float]:
    """The best wall time of each approach over `repeats` alternating runs (seconds)."""
    best = dict.fromkeys(APPROACHES, float("inf"))
    for _ in range(repeats):
        for name, read in APPROACHES.items():
            start = time.perf_counter()
            frame = read(path)
            best[name] = min(best[name], time.perf_counter() - start)
            del frame
    return best


def peak_memory_mb(approach: str, path: Path) -> dict[str, float]:
    """Peak resident memory of a fresh Python running one approach: before and after (MB)."""
    result = subprocess.run(
        [sys.executable, __file__, "--measure", approach, "--csv", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _measure(approach: str, path: Path) -> None:
    """Child process: print the peak resident set before and after one run, in MB (JSON)."""
    before = _peak_rss_mb()
    frame = APPROACHES[approach](path)
    after = _peak_rss_mb()
    frame_mb = frame.memory_usage(deep=True).sum() / 2**20
    print(json.dumps({"before": before, "peak": after, "frame": frame_mb}))


def main() -> None:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--csv", type=Path, help="use this contacts CSV instead of generating one")
    parser.add_argument("--pandera", action="store_true", help="also time pandera on the result")
    parser.add_argument("--uk-dates", action="store_true", help="day-first timestamps")
    parser.add_argument("--measure", choices=tuple(APPROACHES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure(args.measure, args.csv)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = args.csv
        if path is None:
            start = time.perf_counter()
            path = write_contacts(args.rows, Path(folder), args.uk_dates)
            print(
                f"wrote {path.stat().st_size / 2**20:,.0f} MB in {time.perf_counter() - start:.1f} s"
            )
        memory = {name: peak_memory_mb(name, path) for name in APPROACHES}
        rows = len(loading.load("contacts", path))
        print(f"contacts CSV: {rows:,} rows, {path.stat().st_size / 2**20:,.0f} MB")
        times = best_times(path, args.repeats)
        ratio = times["load"] / times["bare"]
        for name in APPROACHES:
            mem = memory[name]
            print(
                f"{name:>5}: best of {args.repeats} {times[name]:6.2f} s   peak memory "
                f"{mem['peak']:,.0f} MB ({mem['peak'] - mem['before']:+,.0f} MB for the read; "
                f"frame {mem['frame']:,.0f} MB)"
            )
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        print(f"ratio load / bare read: {ratio:.2f}x (target <= {TARGET_RATIO:g}x: {verdict})")
        if args.pandera:
            from svcworkbook.data.pandera_schemas import SCHEMAS

            frame = loading.load("contacts", path)
            start = time.perf_counter()
            SCHEMAS["contacts"].validate(frame, lazy=True)
            print(f"pandera validation of the loaded frame: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
