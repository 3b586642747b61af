"""Test-wide set-up: a private learner folder, and a headless plotting backend for the tests.

The backend is chosen in this process only (not through MPLBACKEND), so the kernels that
papermill and nbval start keep the inline backend and notebooks show their charts as they do
for learners.
"""

import os
import tempfile

import matplotlib


def pytest_configure(config):
    """Tests (and the kernels they start) never touch a real learner's progress or open windows."""
    os.environ.pop("MPLBACKEND", None)
    matplotlib.use("Agg")
    os.environ["SVCWORKBOOK_HOME"] = tempfile.mkdtemp(prefix="svcworkbook-test-home-")
