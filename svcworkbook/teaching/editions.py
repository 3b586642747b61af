"""Learner and tutor editions of a notebook, written without overwriting a learner's work.

The learner edition is built the way nbconvert documents it: ``TagRemovePreprocessor`` with
``remove_cell_tags={"solution"}`` and ``ClearOutputPreprocessor``. The tutor edition keeps the
solutions. Either can be pointed at a dataset by injecting parameters as papermill does (a cell
tagged ``injected-parameters`` after the ``parameters`` cell).
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor

EDITIONS = ("learner", "tutor")
SOLUTION_TAG = "solution"


class WouldOverwrite(FileExistsError):
    """Writing would replace a notebook a learner may have edited."""


def make_edition(
    nb: nbformat.NotebookNode, edition: str, parameters: dict[str, Any] | None = None
) -> nbformat.NotebookNode:
    """A copy of nb as the learner (no solution cells, no outputs) or tutor (no outputs) edition."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be 'learner' or 'tutor', got {edition!r}")
    nb = nbformat.from_dict(nb)
    if edition == "learner":
        remover = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}, enabled=True)
        nb, _ = remover.preprocess(nb, {})
    nb, _ = ClearOutputPreprocessor().preprocess(nb, {})
    params = {"edition": edition} if "edition" in _declared_names(nb) else {}
    return inject_parameters(nb, {**params, **(parameters or {})})


def inject_parameters(
    nb: nbformat.NotebookNode, parameters: dict[str, Any]
) -> nbformat.NotebookNode:
    """Insert papermill's injected-parameters cell (replacing any earlier one) after ``parameters``."""
    from papermill.parameterize import parameterize_notebook

    declared = _declared_names(nb)
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise ValueError(
            f"the notebook has no parameter(s) {', '.join(unknown)}; "
            f"it accepts: {', '.join(sorted(declared))}"
        )
    nb.metadata.setdefault("papermill", {})  # papermill records the parameters here
    for cell in nb.cells:  # papermill expects every cell to carry a tags list
        cell.metadata.setdefault("tags", [])
    nb = parameterize_notebook(nb, parameters, report_mode=False, kernel_name=None)
    for cell in nb.cells:
        if not cell.metadata.get("tags"):
            cell.metadata.pop("tags", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # the same edition is the same file, byte for byte
    return nb


def _declared_names(nb: nbformat.NotebookNode) -> set[str]:
    """Names assigned at the top level of the first cell tagged ``parameters`` (the one papermill
    reads; ``name = value`` and ``name: type = value``), read with nbformat and ast."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            names = set()
            for statement in ast.parse(cell.source).body:
                targets = statement.targets if isinstance(statement, ast.Assign) else []
                if isinstance(statement, ast.AnnAssign):
                    targets = [statement.target]
                names |= {target.id for target in targets if isinstance(target, ast.Name)}
            return names
    return set()


def backup_path(path: Path) -> Path:
    """Where an existing file is kept before --force replaces it: name.backup-YYYYmmdd-HHMMSS.ipynb."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.backup-{stamp}-{n}{path.suffix}")
        n += 1
    return candidate


def same_notebook(nb: nbformat.NotebookNode, path: Path) -> bool:
    """Whether the file at path already holds exactly nb (as nbformat would write it)."""
    return Path(path).read_text(encoding="utf-8") == nbformat.writes(nb)


def write_notebook(nb: nbformat.NotebookNode, path: Path, force: bool = False) -> Path | None:
    """Write nb to path; an existing different file is kept unless force (then backed up first).

    Returns the backup's path when one was made. Writing identical content is a no-op.
    """
    text = nbformat.writes(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    backup = None
    if path.exists():
        if path.read_text(encoding="utf-8") == text:
            return None
        if not force:
            raise WouldOverwrite(
                f"{path} already exists and differs from the new edition (a learner may have "
                "edited it); it was left as it is. Use --force to replace it (a backup is kept)."
            )
        backup = backup_path(path)
        shutil.copy2(path, backup)
    tmp = path.with_suffix(".ipynb.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return backup


def write_edition(
    source: Path,
    out_dir: Path,
    edition: str,
    parameters: dict[str, Any] | None = None,
    force: bool = False,
    there: Mapping[str, set[str]] | None = None,
) -> tuple[Path, list[str]]:
    """Write the learner or tutor edition of the notebook at source into out_dir; its path and
    the notes of the sections left out.

    ``there`` is what someone's own data folder gives (``sections.available``): each section
    whose data is absent is then replaced by its "Skipped" note, as ``svcworkbook run`` does,
    so the edition runs from top to bottom in JupyterLab on that folder.
    """
    nb = make_edition(nbformat.read(str(source), as_version=4), edition, parameters)
    notes: list[str] = []
    if there is not None:
        from svcworkbook.teaching.sections import skip_absent_sections

        nb, notes = skip_absent_sections(nb, there)
    target = out_dir / source.name
    write_notebook(nb, target, force=force)
    return target, notes
