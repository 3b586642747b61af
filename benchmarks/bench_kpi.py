"""Benchmark: kpi_table by week x team on 1,000,000 and 10,000,000 synthetic contacts.

Reports, per size, the time of ``kpi_table(contacts, period="week", by=("team",))`` as a ratio to
one bare pandas groupby-aggregate over the same columns (weekly x team mean/count of every column
the KPIs read; target: at most 3x), and the peak memory (target: under 4 GiB at 10,000,000 rows).

Each size runs in its own subprocess twice: once for the timings (best of ``--repeat`` runs of
each), once for memory, where nothing but the data and ``kpi_table`` has run, so the process's
peak resident set size (``ru_maxrss``) is the data plus the table's working memory. The
contacts are generated here with vectorised numpy (no dependency on the datasets package):
low-cardinality text columns (channel, team, agent, category) and customer ids are pandas
categoricals, as a loader would give with ``dtype="category"``; ``contact_id`` is left out
because no KPI reads it.

Usage: ``python benchmarks/bench_kpi.py [--sizes 1000000 10000000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

GIB = 1024**3
START = np.datetime64("2025-01-06T00:00:00", "ns")  # a Monday
TEAMS = ["billing", "technical", "orders", "retentions", "complaints", "onboarding"]
CHANNELS = ["phone", "chat", "email", "social"]
CATEGORIES = ["billing query", "fault", "delivery", "returns", "account change", "complaint"]


def synthetic_contacts(rows: int, seed: int = 1) -> pd.DataFrame:
    """Contacts over one year, sorted by opened_at, with the columns of the data contract."""
    rng = np.random.default_rng(seed)
    seconds = np.sort(rng.uniform(0, 365 * 86_400, rows))
    opened = START + (seconds * 1e9).astype("int64").astype("timedelta64[ns]")
    channel = rng.choice(4, rows, p=[0.55, 0.2, 0.2, 0.05]).astype(np.int8)
    live = channel <= 1
    abandoned = live & (rng.random(rows) < 0.07)
    wait = np.where(live, rng.exponential(35.0, rows), rng.exponential(4 * 3600.0, rows))
    handle = np.where(abandoned, np.nan, rng.exponential(300.0, rows) + 30.0)
    team = rng.integers(0, len(TEAMS), rows).astype(np.int8)
    agent = np.where(abandoned, -1, team.astype(np.int16) * 50 + rng.integers(0, 50, rows))
    resolve_hours = rng.exponential(20.0, rows)
    still_open = rng.random(rows) < 0.03
    resolved = opened + (resolve_hours * 3.6e12).astype("int64").astype("timedelta64[ns]")
    resolved[abandoned | still_open] = np.datetime64("NaT")
    customers = max(rows // 8, 1)
    agents = [f"A{i:03d}" for i in range(len(TEAMS) * 50)]
    return pd.DataFrame(
        {
            "customer_id": pd.Categorical.from_codes(
                rng.integers(0, customers, rows), [f"K{i:07d}" for i in range(customers)]
            ),
            "opened_at": opened,
            "channel": pd.Categorical.from_codes(channel, CHANNELS),
            "team": pd.Categorical.from_codes(team, TEAMS),
            "agent_id": pd.Categorical.from_codes(agent, agents),
            "queue_wait_s": wait,
            "abandoned": abandoned,
            "answered_at": np.where(
                abandoned,
                np.datetime64("NaT"),
                opened + (wait * 1e9).astype("int64").astype("timedelta64[ns]"),
            ),
            "handle_time_s": handle,
            "resolved_first_contact": ~abandoned & (rng.random(rows) < 0.72),
            "escalated": ~abandoned & (rng.random(rows) < 0.08),
            "category": pd.Categorical.from_codes(
                rng.integers(0, len(CATEGORIES), rows).astype(np.int8), CATEGORIES
            ),
            "resolved_at": resolved,
        }
    )


def bare_groupby(contacts: pd.DataFrame) -> pd.DataFrame:
    """The yardstick: one pandas groupby-aggregate by Monday-week x team over the KPI columns."""
    week = pd.Grouper(key="opened_at", freq="W-MON", label="left", closed="left")
    return contacts.groupby([week, "team"], observed=True).agg(
        queue_wait_s=("queue_wait_s", "mean"),
        handle_time_s=("handle_time_s", "mean"),
        abandoned=("abandoned", "mean"),
        resolved_first_contact=("resolved_first_contact", "mean"),
        escalated=("escalated", "mean"),
        resolved_at=("resolved_at", "count"),
        channel=("channel", "count"),
        customer_id=("customer_id", "count"),
    )


def table(contacts: pd.DataFrame) -> pd.DataFrame:
    """The measured call: every contact KPI by week x team."""
    from svcworkbook.analysis import kpi

    return kpi.kpi_table(contacts, period="week", by=("team",))


SORTED_KPIS = ("repeat_contact_rate", "resolution_time_p50", "resolution_time_p90")


def table_without_sorts(contacts: pd.DataFrame) -> pd.DataFrame:
    """The contact KPIs a groupby of sums can give: all but repeat contacts and percentiles.

    Repeat contacts need the contacts sorted by customer and time, percentiles each cell's hours
    sorted; a groupby-mean does neither, so this column shows what the rest costs.
    """
    from svcworkbook.analysis import kpi

    names = [k.name for k in kpi.KPIS.values() if k.datasets == ("contacts",)]
    kept = [name for name in names if name not in SORTED_KPIS]
    return kpi.kpi_table(contacts, period="week", by=("team",), kpis=kept)


def best_time(function, argument, repeat: int) -> float:
    """Fastest of repeat runs, in seconds."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function(argument)
        times.append(time.perf_counter() - began)
    return min(times)


def measure_time(rows: int, repeat: int) -> dict:
    """Timings of the yardstick and of kpi_table on the same frame."""
    contacts = synthetic_contacts(rows)
    table(contacts.head(1000))  # import and warm up outside the timing
    baseline = best_time(bare_groupby, contacts, repeat)
    measured = best_time(table, contacts, repeat)
    unsorted = best_time(table_without_sorts, contacts, repeat)
    return {"rows": rows, "groupby_s": baseline, "kpi_table_s": measured, "no_sorts_s": unsorted}


def measure_memory(rows: int) -> dict:
    """Peak resident memory with the data and one kpi_table, and what kpi_table added."""
    contacts = synthetic_contacts(rows)
    data_bytes = int(contacts.memory_usage(deep=True).sum())
    from svcworkbook.analysis import kpi  # noqa: F401 - import before tracing

    tracemalloc.start()
    table(contacts)
    _, table_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {
        "rows": rows,
        "data_bytes": data_bytes,
        "table_peak_bytes": table_peak,
        "peak_rss_bytes": peak_rss,
    }


def run_child(mode: str, rows: int, repeat: int) -> dict:
    """Run one measurement in a fresh Python process and return its JSON result."""
    command = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--sizes",
        str(rows),
        "--repeat",
        str(repeat),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    """Parse arguments; as parent, run each size in subprocesses and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", choices=["time", "memory"])
    args = parser.parse_args()
    if args.child == "time":
        print(json.dumps(measure_time(args.sizes[0], args.repeat)))
        return
    if args.child == "memory":
        print(json.dumps(measure_memory(args.sizes[0])))
        return
    print(
        f"kpi_table(period='week', by=('team',)) vs one pandas groupby-aggregate; best of {args.repeat}"
    )
    print(f"{'rows':>12} {'groupby s':>10} {'kpi_table s':>12} {'ratio':>6} {'no sorts s':>11} "
          f"{'ratio':>6} {'data GiB':>9} {'table +GiB':>11} {'peak GiB':>9}")  # fmt: skip
    for rows in args.sizes:
        timing = run_child("time", rows, args.repeat)
        memory = run_child("memory", rows, args.repeat)
        ratio = timing["kpi_table_s"] / timing["groupby_s"]
        print(
            f"{rows:>12,} {timing['groupby_s']:>10.2f} {timing['kpi_table_s']:>12.2f} "
            f"{ratio:>5.2f}x {timing['no_sorts_s']:>11.2f} "
            f"{timing['no_sorts_s'] / timing['groupby_s']:>5.2f}x {memory['data_bytes'] / GIB:>9.2f} "
            f"{memory['table_peak_bytes'] / GIB:>11.2f} {memory['peak_rss_bytes'] / GIB:>9.2f}"
        )
    print("targets: ratio <= 3x; peak memory at 10,000,000 rows < 4 GiB")
    print(f"no sorts = kpi_table without {', '.join(SORTED_KPIS)} (they need a sort, not a sum)")


if __name__ == "__main__":
    main()
