"""Worked-answer cells that run in the tutor edition only: the ``%%solution`` cell magic.

Every cell tagged ``solution`` starts with ``%%solution``. The learner edition drops those cells
(``svcworkbook edition``, nbconvert's ``TagRemovePreprocessor``); the magic makes the committed
notebook behave the same way when it is run directly (JupyterLab on ``notebooks/``, nbval,
papermill) with ``edition = "learner"``: the cell's code is not run, so nothing in it computes or
shows the expected answer, and it only says where the worked answer is. With
``edition = "tutor"`` the code runs as an ordinary cell, its last expression shown.

``start_unit`` installs the magic (:func:`install`) after it starts the exercise session, so
the edition comes from the notebook's parameters, never from the cell.
"""

from __future__ import annotations

import ast
from typing import Any

from svcworkbook.display import ipython_shell

MAGIC = "solution"
#: What a solution cell says in a learner edition instead of running.
LEARNER_NOTE = "The worked answer is in the tutor edition; work this one out yourself above."


class LearnerNote:
    """What a skipped solution cell shows (text and HTML, no value)."""

    def __repr__(self) -> str:
        return LEARNER_NOTE

    def _repr_html_(self) -> str:
        return f'<p class="svc-solution-skipped"><em>{LEARNER_NOTE}</em></p>'


def run_solution(source: str, namespace: dict[str, Any], edition: str) -> Any:
    """Run a solution cell's code in the notebook's namespace (tutor edition only); the value of
    its last expression (shown as the cell's result), or the learner's note."""
    if edition != "tutor":
        return LearnerNote()
    tree = ast.parse(source, filename="<solution>")
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<solution>", "exec"), namespace)  # noqa: S102 - the notebook's own code
    if last is None:
        return None
    expression = ast.Expression(last.value)
    return eval(compile(expression, "<solution>", "eval"), namespace)  # noqa: S307


def install(shell=None) -> bool:
    """Register the ``%%solution`` cell magic in this IPython kernel (True), or do nothing."""
    shell = ipython_shell(shell)
    if shell is None or not hasattr(shell, "register_magic_function"):
        return False

    def solution(line: str, cell: str) -> Any:
        """%%solution: run this worked answer in the tutor edition only."""
        from svcworkbook.learning import exercises

        return run_solution(cell, shell.user_ns, exercises.current().edition)

    shell.register_magic_function(solution, magic_kind="cell", magic_name=MAGIC)
    return True


def strip_magic(source: str) -> str:
    """A solution cell's code without its ``%%solution`` line (for people reading the method)."""
    lines = source.splitlines()
    if lines and lines[0].strip().startswith(f"%%{MAGIC}"):
        lines = lines[1:]
    return "\n".join(lines).strip("\n")
