"""Test-wide set-up: a private learner folder, and a headless plotting backend for the tests.

The backend is chosen in this process only (not through MPLBACKEND), so the kernels that
papermill and nbval start keep the inline backend and notebooks show their charts as they do
for learners.
"""

import fnmatch
import os
import tempfile

import matplotlib


def pytest_configure(config):
    """Tests (and the kernels they start) never touch a real learner's progress or open windows."""
    os.environ.pop("MPLBACKEND", None)
    matplotlib.use("Agg")
    os.environ["SVCWORKBOOK_HOME"] = tempfile.mkdtemp(prefix="svcworkbook-test-home-")


#: Test files whose every test is one papermill run in kernels of its own, sharing no fixture with
#: its neighbours: the scheduler below spreads their tests over the workers one by one.
RUNS_APART = ("tests/test_notebook_unit*.py", "tests/test_notebooks.py")


def _runs_apart(path: str) -> bool:
    """Whether a test file (relative to the repository) is one whose tests may run apart."""
    return any(fnmatch.fnmatch(path, pattern) for pattern in RUNS_APART)


def pytest_xdist_make_scheduler(config, log):
    """Schedule each file's tests on one worker (as --dist loadfile), except the notebook runs.

    Files keep their tests together because several share module fixtures (a JupyterLab, a
    generated year of data) and a notebook's nbval cells share one kernel. The papermill matrices
    (``RUNS_APART``) are sent one test at a time, heaviest first (see below), so the two workers
    finish together instead of one waiting while the other runs a whole file of notebooks.
    """
    from xdist.scheduler import LoadScopeScheduling

    class LoadFileExceptNotebookRuns(LoadScopeScheduling):
        """LoadScopeScheduling with a file as the scope, or the test itself in RUNS_APART files."""

        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if _runs_apart(path) else path

    return LoadFileExceptNotebookRuns(config, log)


def pytest_collection_modifyitems(config, items):
    """Run what executes notebooks (papermill, nbval) or a browser first and the quick tests last.

    xdist keeps the order when run with ``--no-loadscope-reorder`` (the Makefile's), so the quick
    tests fill the end of the run on whichever worker is free. The sort is stable: a file's tests
    (and a notebook's cells) keep their order.
    """
    root = config.rootpath

    def slow(item) -> bool:
        runs_kernels = item.get_closest_marker("notebook") or item.get_closest_marker("browser")
        return bool(runs_kernels) or item.path.suffix == ".ipynb"

    items.sort(key=lambda item: (not slow(item), not _runs_apart(str(item.path.relative_to(root)))))
