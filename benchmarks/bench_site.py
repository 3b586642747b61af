"""Site build costs: rendering a page from an executed notebook, page weight, and describing charts.

Executing the notebooks dominates ``svcworkbook run all`` (see bench_notebooks.py); this times
what the site adds on top, on a folder the site was already built into:

    .venv/bin/svcworkbook run all --out build          # once (what make demo does)
    .venv/bin/python benchmarks/bench_site.py [build] [--repeat 3]

For each executed notebook: the time to turn it into its page (static outputs, nbconvert with
the site template, contents and table boxes; best of --repeat), the page's size and how much of
it is charts (base64 PNG), and the time describe_figure takes on a typical chart.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from svcworkbook.teaching import runner, site


def render_time(out: Path, executed: Path, edition: str, repeat: int) -> tuple[float, str]:
    """Best time (s) to render one page, and the page."""
    notebook = runner.NOTEBOOKS_DIR / executed.name
    page = site.Page(notebook, edition, runner.notebook_title(notebook))
    header = site.page_header(page, "benchmark data", "now", None, None)
    best, text = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        text = site.render_page(executed, page, header, site.page_footer(page, None, None))
        best = min(best, time.perf_counter() - start)
    return best, text


def chart_time(repeat: int) -> float:
    """Best time (ms) for describe_figure on a 12-bar Pareto chart drawn once."""
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from svcworkbook.analysis import stats
    from svcworkbook.report import plots
    from svcworkbook.report.chart_text import describe_figure

    counts = pd.Series({f"cause {i}": 100 - 7 * i for i in range(12)})
    ax = plots.pareto_chart(stats.pareto_counts(counts), what="complaints")
    ax.figure.canvas.draw()
    best = float("inf")
    for _ in range(repeat * 10):
        start = time.perf_counter()
        describe_figure(ax.figure)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="build", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    executed = sorted(args.out.glob("*/*.ipynb"))
    if not executed:
        raise SystemExit(f"{args.out} holds no executed notebooks: run svcworkbook run all first")
    print(f"{'page':<40} {'render s':>9} {'size KB':>8} {'charts KB':>10}")
    for path in executed:
        seconds, text = render_time(args.out, path, path.parent.name, args.repeat)
        charts = sum(len(m) for m in re.findall(r"data:image/png;base64,[^\"']+", text))
        name = f"{path.parent.name}/{path.stem}"
        print(f"{name:<40} {seconds:>9.2f} {len(text) / 1024:>8.0f} {charts / 1024:>10.0f}")
    print(f"describe_figure on a 12-bar Pareto chart: {chart_time(args.repeat):.2f} ms")


if __name__ == "__main__":
    main()
