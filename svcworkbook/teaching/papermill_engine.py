"""The papermill engine the workbook executes notebooks with: papermill's own, saving less often.

Papermill's default engine writes the whole executed notebook (charts included) to disk before
and after every cell, so a notebook of n cells is serialised 2n times: in a 70-cell unit that is
more CPU than the papermill process spends on anything else (2.3 s of a 10 s run; see
``benchmarks/bench_notebooks.py``). This engine runs the cells exactly as papermill's ``nbclient``
engine does, but writes the executed copy when the run starts, at most every
``SAVE_EVERY_S`` seconds while it runs (so a long class run still shows progress), and always at
the end, whether the notebook finished, failed or timed out.

``register()`` adds it to papermill's engines as ``"svcworkbook"``; ``runner.execute`` passes
that name to ``papermill.execute_notebook``. It follows papermill's engine abstraction: an
``Engine`` wraps the notebook in a ``NotebookExecutionManager`` and executes its cells.
"""

from __future__ import annotations

from typing import Any

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

ENGINE_NAME = "svcworkbook"
#: While a notebook runs, its executed copy is written at most this often (seconds).
SAVE_EVERY_S = 5.0


class ThrottledSaves(NotebookExecutionManager):
    """Papermill's execution manager, writing the notebook at the start, every SAVE_EVERY_S
    seconds at most while cells run, and at the end (finished, failed or interrupted)."""

    def __init__(self, *args: Any, save_every_s: float = SAVE_EVERY_S, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.save_every_s = save_every_s
        self.force_save = False

    def save(self, **kwargs: Any) -> None:
        """Write the notebook if forced (start, end) or save_every_s have passed since the last."""
        waited = (self.now() - self.last_save_time).total_seconds()
        if self.force_save or waited >= self.save_every_s:
            super().save(**kwargs)

    def _forced(self, step, **kwargs: Any):
        """Run a papermill step whose save must happen whatever the time since the last one."""
        self.force_save = True
        try:
            return step(**kwargs)
        finally:
            self.force_save = False

    def notebook_start(self, **kwargs: Any):
        """Start as papermill does, writing the notebook so the output file exists at once."""
        return self._forced(super().notebook_start, **kwargs)

    def notebook_complete(self, **kwargs: Any):
        """Finish as papermill does, always writing the final notebook."""
        return self._forced(super().notebook_complete, **kwargs)


class ThrottledSaveEngine(NBClientEngine):
    """Papermill's nbclient engine with ThrottledSaves as its execution manager."""

    @classmethod
    def execute_notebook(
        cls,
        nb,
        kernel_name,
        output_path=None,
        progress_bar=True,
        log_output=False,
        autosave_cell_every=30,
        **kwargs,
    ):
        """Execute every cell of nb in a new kernel (as papermill's Engine.execute_notebook)."""
        nb_man = ThrottledSaves(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


def register() -> str:
    """Register the engine with papermill (idempotent); its name, for engine_name=."""
    papermill_engines.register(ENGINE_NAME, ThrottledSaveEngine)
    return ENGINE_NAME
