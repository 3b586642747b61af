"""Test-wide set-up: a private learner folder, and a headless plotting backend for the tests.

The backend is chosen in this process only (not through MPLBACKEND), so the kernels that
papermill and nbval start keep the inline backend and notebooks show their charts as they do
for learners.
"""

import fnmatch
import os
import tempfile

import matplotlib
import pytest
from hypothesis import settings as _hypothesis_settings

# Hypothesis: no per-example deadline. Timings are measured in benchmarks/, never asserted in
# tests, and on a shared 2-core machine an example can take longer than the 200 ms default.
_hypothesis_settings.register_profile("svcworkbook", deadline=None)
_hypothesis_settings.load_profile("svcworkbook")


def pytest_configure(config):
    """Tests (and the kernels they start) never touch a real learner's progress or open windows."""
    os.environ.pop("MPLBACKEND", None)
    matplotlib.use("Agg")
    os.environ["SVCWORKBOOK_HOME"] = tempfile.mkdtemp(prefix="svcworkbook-test-home-")
    # every chart a kernel shows carries its layout problems (report.chart_checks) for the tests
    os.environ["SVCWORKBOOK_CHECK_CHARTS"] = "1"
    # the parsed samples are saved for the next kernel in a folder of the run's own
    os.environ["SVCWORKBOOK_CACHE"] = tempfile.mkdtemp(prefix="svcworkbook-test-cache-")


#: Test files whose every test is one papermill run in kernels of its own, sharing no fixture with
#: its neighbours: their tests are spread over the workers one by one.
RUNS_APART = ("tests/test_notebook_unit*.py", "tests/test_notebooks.py")


def _runs_apart(path: str) -> bool:
    """Whether a test file (relative to the repository) is one whose tests may run apart."""
    return any(fnmatch.fnmatch(path, pattern) for pattern in RUNS_APART)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks (--dist loadgroup)
def pytest_collection_modifyitems(config, items):
    """Keep each file's tests on one worker, except the notebook runs; run the slow tests first.

    With ``--dist loadgroup`` (pyproject's addopts) xdist sends the tests of one ``xdist_group``
    to one worker and every unmarked test on its own. Every file is its own group, because
    several share module fixtures (a JupyterLab, a generated year of data) and a notebook's nbval
    cells share one kernel; the papermill matrices (``RUNS_APART``) stay unmarked, so the two
    workers finish together instead of one waiting while the other runs a whole file of notebooks.

    What executes notebooks (papermill, nbval) or a browser goes first and the quick tests last;
    xdist keeps this order with ``--no-loadscope-reorder`` (the Makefile's), so the quick tests
    fill the end of the run on whichever worker is free. The sort is stable: a file's tests (and a
    notebook's cells) keep their order.
    """
    root = config.rootpath

    def slow(item) -> bool:
        runs_kernels = item.get_closest_marker("notebook") or item.get_closest_marker("browser")
        return bool(runs_kernels) or item.path.suffix == ".ipynb"

    items.sort(key=lambda item: (not slow(item), not _runs_apart(str(item.path.relative_to(root)))))
    if not any(line.startswith("xdist_group") for line in config.getini("markers")):
        return
    for item in items:
        path = item.path.relative_to(root).as_posix()
        if not _runs_apart(path):
            item.add_marker(pytest.mark.xdist_group(path))
