"""Warm kernels: execute many notebooks in a kernel that stays running between them.

A class pack executes the same few notebooks for every learner. Starting a kernel and importing
pandas, seaborn and the library dominates each run, so a ``WarmKernel`` starts once, imports them
once, and before each notebook clears the namespace (``%reset -f``), closes figures and returns
to the notebook's folder. Parameters are injected exactly as papermill injects them. nbclient
leaves a kernel running when it is handed a kernel manager it does not own.
"""

from __future__ import annotations

import os
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
