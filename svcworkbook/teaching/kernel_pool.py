"""Warm kernels: execute many notebooks in a kernel that stays running between them.

A class pack executes the same few notebooks for every learner. Starting a kernel and importing
pandas, seaborn and the library dominates each run, so a ``WarmKernel`` starts once, imports them
once, and before each notebook clears the namespace (``%reset -f``), closes figures and returns
to the notebook's folder. Parameters are injected exactly as papermill injects them. nbclient
leaves a kernel running when it is handed a kernel manager it does not own.

``thread_kernel()`` gives each thread of a process its own warm kernel (started on first use,
stopped when the process ends): class-pack workers use it, and so do the test suite's papermill
matrices (``runner.execute(..., kernel=thread_kernel())``), where a fresh kernel per run would
spend half of each run starting Python and importing the same libraries again.
"""

from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path
from typing import Any

import nbformat

from svcworkbook.teaching.runner import kernel_manager_class, project_kernel

WARM_UP = "import pandas, numpy, matplotlib.pyplot, seaborn, scipy.stats, svcworkbook"
RESET = (
    "%reset -f\n"
    "import matplotlib.pyplot as _svc_plt, os as _svc_os\n"
    "_svc_plt.close('all')\n"
    "_svc_os.chdir({cwd!r})\n"
    "del _svc_plt, _svc_os\n"
)


class NotebookFailed(RuntimeError):
    """A cell raised while executing; the partly executed notebook is kept in ``notebook``."""

    def __init__(self, message: str, notebook: nbformat.NotebookNode):
        super().__init__(message)
        self.notebook = notebook


class WarmKernel:
    """One running kernel of the project's environment, reused for notebook after notebook."""

    def __init__(self, warm_up: str = WARM_UP, timeout: int = 600):
        from jupyter_core.utils import run_sync

        self.timeout = timeout
        self.km = kernel_manager_class()(kernel_name=project_kernel())
        run_sync(self.km.start_kernel)(env={**os.environ})
        self.notebooks_run = 0
        self._run_code(warm_up)

    def _run(self, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
        """Execute nb on this kernel, leaving the kernel running."""
        from nbclient import NotebookClient

        client = NotebookClient(nb, km=self.km, timeout=self.timeout)
        try:
            return client.execute()
        finally:
            if client.kc is not None:
                client.kc.stop_channels()

    def _run_code(self, code: str) -> None:
        """Run code in the kernel (raises CellExecutionError if it fails)."""
        self._run(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]))

    def execute(
        self,
        nb: nbformat.NotebookNode,
        cwd: Path,
        parameters: dict[str, Any] | None = None,
    ) -> nbformat.NotebookNode:
        """Execute nb (parameters injected as papermill does) in a cleared namespace; the result."""
        from nbclient.exceptions import CellExecutionError

        from svcworkbook.teaching.editions import inject_parameters

        if parameters:
            nb = inject_parameters(nb, parameters)
        self._run_code(RESET.format(cwd=str(Path(cwd).resolve())))
        try:
            return self._run(nb)
        except CellExecutionError as err:
            message = f"{getattr(err, 'ename', 'Error')}: {getattr(err, 'evalue', err)}"
            raise NotebookFailed(message, nb) from err
        finally:
            self.notebooks_run += 1

    def shutdown(self) -> None:
        """Stop the kernel."""
        from jupyter_core.utils import run_sync

        run_sync(self.km.shutdown_kernel)(now=True)

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


#: One warm kernel per thread: a Dask worker runs several tasks at once in threads (one per core
#: by default), and a kernel shared between threads receives both tasks' messages and hangs.
_THREAD = threading.local()
_STARTED: list[WarmKernel] = []
_STARTED_LOCK = threading.Lock()


def thread_kernel() -> WarmKernel:
    """This thread's warm kernel (started on first use; all are stopped when the process ends)."""
    kernel = getattr(_THREAD, "kernel", None)
    if kernel is None:
        kernel = WarmKernel()
        _THREAD.kernel = kernel
        with _STARTED_LOCK:
            if not _STARTED:
                atexit.register(stop_thread_kernels)
            _STARTED.append(kernel)
    return kernel


def stop_thread_kernels() -> None:
    """Stop every warm kernel this process started with thread_kernel (at exit)."""
    with _STARTED_LOCK:
        kernels, _STARTED[:] = list(_STARTED), []
    for kernel in kernels:
        try:
            kernel.shutdown()
        except Exception:  # a kernel already gone at exit is fine
            pass
    _THREAD.__dict__.clear()
