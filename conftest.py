"""Test-wide set-up: a private learner folder and a headless plotting backend for every kernel."""

import os
import tempfile


def pytest_configure(config):
    """Tests (and the kernels they start) never touch a real learner's progress or open windows."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["SVCWORKBOOK_HOME"] = tempfile.mkdtemp(prefix="svcworkbook-test-home-")
