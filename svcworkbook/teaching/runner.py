"""Executing the workbook's notebooks with papermill and exporting them as HTML.

The kernel is always the environment this code runs in (``sys.executable``), whatever kernels
the machine has: ``project_kernel()`` writes a kernel spec for it in a private folder placed
first on ``JUPYTER_PATH``.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from svcworkbook.errors import ParameterError

KERNEL_NAME = "svcworkbook"
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = ROOT / "notebooks"


@functools.cache
def kernel_manager_class() -> type:
    """A kernel manager talking to its kernel over local sockets (IPC) where the system has them.

    IPC sockets are files only this user can open, so no kernel listens on a network port on a
    shared college machine (and ipykernel does not warn about unencrypted TCP); a system without
    IPC support (Windows) keeps TCP.
    """
    import zmq
    from jupyter_client.manager import AsyncKernelManager

    if not zmq.has("ipc"):
        return AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        """AsyncKernelManager over IPC, each kernel's sockets named uniquely in a private folder.

        (jupyter_client would name them kernel-ipc-1, -2, ... in the current folder, so kernels
        started at once by parallel workers could share a socket and receive each other's
        messages.)
        """

        def __init__(self, **kwargs: Any) -> None:
            if kwargs.setdefault("transport", "ipc") == "ipc" and "ip" not in kwargs:
                kwargs["ip"] = str(_socket_folder() / f"svc-{uuid.uuid4().hex[:12]}")
            super().__init__(**kwargs)

    return LocalKernelManager


def _socket_folder() -> Path:
    """The user's Jupyter runtime folder (private to the user), created if missing."""
    from jupyter_core.paths import jupyter_runtime_dir

    folder = Path(jupyter_runtime_dir())
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def project_kernel() -> str:
    """Register a kernel spec for this Python (sys.executable) first on JUPYTER_PATH; its name."""
    tag = hashlib.sha256(sys.executable.encode()).hexdigest()[:12]
    base = Path(tempfile.gettempdir()) / f"svcworkbook-jupyter-{tag}"
    spec_dir = base / "kernels" / KERNEL_NAME
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (svcworkbook)",
        "language": "python",
        "metadata": {"debugger": True},
    }
    spec_file = spec_dir / "kernel.json"
    if not spec_file.exists() or json.loads(spec_file.read_text()) != spec:
        spec_dir.mkdir(parents=True, exist_ok=True)
        tmp = spec_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(spec, indent=1))
        os.replace(tmp, spec_file)
    paths = os.environ.get("JUPYTER_PATH", "").split(os.pathsep)
    if str(base) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(base), *[p for p in paths if p]])
    return KERNEL_NAME


def unit_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The workbook's notebooks in order: 00_start_here, then the units 01-05."""
    return sorted(p for p in notebooks_dir.glob("[0-9][0-9]_*.ipynb"))


def resolve_notebook(unit: str | int, notebooks_dir: Path = NOTEBOOKS_DIR) -> Path:
    """The notebook for a unit given as a number (1, '01') or a slug ('reliable_delivery')."""
    key = str(unit).strip().lower().replace("-", "_")
    for path in unit_notebooks(notebooks_dir):
        number, _, slug = path.stem.partition("_")
        if key in {number, number.lstrip("0") or "0", slug, path.stem}:
            return path
    choices = ", ".join(p.stem for p in unit_notebooks(notebooks_dir))
    raise ParameterError(f"unknown unit {unit!r}; choose a number 0-5 or one of: {choices}")


def notebook_parameters(path: Path) -> dict[str, Any]:
    """The parameters a notebook declares in its ``parameters`` cell, with their defaults."""
    import papermill

    declared = papermill.inspect_notebook(str(path))
    return {name: info["default"] for name, info in declared.items()}


def check_parameters(path: Path, parameters: dict[str, Any]) -> None:
    """Reject parameter names the notebook does not declare (papermill itself only warns)."""
    declared = notebook_parameters(path)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(
            f"{path.name} has no parameter(s) {', '.join(unknown)}; "
            f"it accepts: {', '.join(declared) or 'none'}"
        )


@dataclass
class Executed:
    """One executed notebook: where its outputs are, and the error if it failed."""

    notebook: Path
    executed: Path
    html: Path | None
    error: str | None = None


def execute(
    path: Path,
    out_path: Path,
    parameters: dict[str, Any] | None = None,
    timeout: int = 600,
    edition: str | None = None,
    kernel: Any = None,
) -> None:
    """Execute a notebook with papermill in the project's kernel, writing the executed copy.

    With ``edition`` ("learner" or "tutor") that edition of the notebook is executed: the
    learner edition has no solution cells. With ``kernel`` (a ``kernel_pool.WarmKernel``) the
    same notebook runs on that kernel after a reset instead of a fresh one; a failing cell then
    raises ``kernel_pool.NotebookFailed`` (papermill's ``PapermillExecutionError`` otherwise),
    the notebook as far as it ran written either way.
    """
    import papermill

    from svcworkbook.teaching.papermill_engine import register

    parameters = parameters or {}
    check_parameters(path, parameters)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    source, parameters = _prepared(path, parameters, edition)
    if kernel is not None:
        _execute_warm(kernel, source, path, out_path, parameters)
        return
    papermill.execute_notebook(
        source,
        str(out_path),
        parameters=parameters,
        kernel_name=project_kernel(),
        cwd=str(path.parent),
        progress_bar=False,
        execution_timeout=timeout,
        log_output=False,
        kernel_manager_class=kernel_manager_class(),
        engine_name=register(),
    )


def _prepared(path: Path, parameters: dict[str, Any], edition: str | None) -> tuple[Any, dict]:
    """The notebook to execute (its path, or the edition with absent sections skipped) and the
    parameters to inject (the edition's added when the notebook declares one)."""
    import nbformat

    from svcworkbook.teaching.editions import make_edition

    source: Any = str(path)
    if edition is not None:
        source = make_edition(nbformat.read(str(path), as_version=4), edition)
        if "edition" in notebook_parameters(path):
            parameters = {"edition": edition, **parameters}
    if parameters.get("data_dir") is not None:  # their own data: sections on the data there is
        from svcworkbook.errors import DataError
        from svcworkbook.teaching.sections import available, skip_absent_sections

        try:  # the command line has checked the folder already; a bad one stops the first cell
            there = available(parameters["data_dir"], parameters.get("mapping"))
        except DataError:
            there = None
        if there is not None:
            nb = source if not isinstance(source, str) else nbformat.read(source, as_version=4)
            source, _ = skip_absent_sections(nb, there)
    return source, parameters


def _execute_warm(kernel: Any, source: Any, path: Path, out_path: Path, parameters: dict) -> None:
    """Run the prepared notebook on a warm kernel in the notebook's folder; write what ran."""
    import nbformat

    from svcworkbook.teaching.kernel_pool import NotebookFailed

    nb = nbformat.read(source, as_version=4) if isinstance(source, str) else source
    for cell in nb.cells:  # as papermill starts: no output or count left from a stored run
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    try:
        executed = kernel.execute(nb, cwd=path.parent, parameters=parameters)
    except NotebookFailed as err:
        nbformat.write(err.notebook, str(out_path))
        raise
    nbformat.write(executed, str(out_path))


def export_html(executed_path: Path, html_path: Path, hide_code: bool = True) -> Path:
    """Write a self-contained HTML page (charts embedded) of an executed notebook."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(executed_path), as_version=4)
    exporter = HTMLExporter(template_name="lab", embed_images=True)
    exporter.exclude_input = hide_code
    exporter.exclude_input_prompt = hide_code
    exporter.exclude_output_prompt = hide_code
    body, _ = exporter.from_notebook_node(nb)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(body, encoding="utf-8")
    return html_path


def first_error(executed_path: Path) -> str | None:
    """The first error shown in an executed notebook, as 'Name: message', or None."""
    nb = json.loads(executed_path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{output.get('ename')}: {output.get('evalue')}"
    return None


def check_content() -> None:
    """Read and validate every unit's content file (ContentError naming the file, the field and
    the line), so a damaged file is reported before any notebook runs, not midway through."""
    from svcworkbook.content import loader

    loader.all_units()


def run_notebook(
    path: Path,
    out_dir: Path,
    parameters: dict[str, Any] | None = None,
    hide_code: bool = True,
    edition: str | None = None,
) -> Executed:
    """Execute one notebook into out_dir and export its HTML; a failure is reported, not raised."""
    import papermill

    executed_path = out_dir / path.name
    try:
        execute(path, executed_path, parameters, edition=edition)
    except papermill.PapermillExecutionError:
        error = first_error(executed_path) or "the notebook stopped with an error"
        html_path = export_html(executed_path, out_dir / f"{path.stem}.html", hide_code)
        return Executed(path, executed_path, html_path, error)
    html_path = export_html(executed_path, out_dir / f"{path.stem}.html", hide_code)
    return Executed(path, executed_path, html_path)


def notebook_title(path: Path) -> str:
    """A notebook's title: the first Markdown heading in it."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return path.stem


def write_index(results: list[Executed], out_dir: Path, title: str = "svcworkbook") -> Path:
    """Write index.html linking every executed notebook's HTML page, with any failures named."""
    rows = []
    for r in results:
        name = html.escape(notebook_title(r.notebook))
        link = html.escape(r.html.name) if r.html else ""
        status = "ran" if r.error is None else f"stopped: {html.escape(r.error)}"
        rows.append(
            f'<tr><td><a href="{link}">{name}</a></td>'
            f'<td><a href="{html.escape(r.executed.name)}">notebook</a></td><td>{status}</td></tr>'
        )
    page = (
        "<!DOCTYPE html>\n<html lang='en-GB'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "line-height:1.5}table{border-collapse:collapse;width:100%}td,th{border-bottom:"
        "1px solid #ccc;padding:.4rem;text-align:left}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        "<p>Each unit of the customer service workbook, executed on the data named below.</p>"
        "<table><thead><tr><th>Unit</th><th>Executed notebook</th><th>Status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>\n"
    )
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def run_all(
    out_dir: Path,
    parameters: dict[str, Any] | None = None,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    hide_code: bool = True,
    edition: str | None = None,
) -> tuple[Path, list[Executed]]:
    """Execute every notebook into out_dir (ipynb + HTML each) and write out_dir/index.html."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for path in unit_notebooks(notebooks_dir):
        declared = notebook_parameters(path)
        own = {k: v for k, v in (parameters or {}).items() if k in declared}
        results.append(run_notebook(path, out_dir, own, hide_code, edition=edition))
    return write_index(results, out_dir), results


@functools.cache
def _parameter_loader() -> type:
    """A YAML loader for command-line values: only true/false are flags, None/null is None, and
    dates stay text (YAML 1.1 would read Yes, No and On as flags: an organisation called "Yes")."""
    import re

    import yaml

    from svcworkbook.data.safe_yaml import NoAliasLoader

    class ParameterLoader(NoAliasLoader):
        """yaml.SafeLoader (no aliases) with narrower implicit flags, nulls and no dates."""

    dropped = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"}
    ParameterLoader.yaml_implicit_resolvers = {
        first: [(tag, rule) for tag, rule in rules if tag not in dropped]
        for first, rules in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    flag = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
    ParameterLoader.add_implicit_resolver("tag:yaml.org,2002:bool", flag, list("tTfF"))
    null = re.compile(r"^(?:~|null|Null|NULL|None|none)$")
    ParameterLoader.add_implicit_resolver("tag:yaml.org,2002:null", null, list("~nN"))
    return ParameterLoader


def _plain(value: Any) -> bool:
    """Whether value is text, a number, a flag, None, or a list or mapping of such values."""
    if isinstance(value, str | int | float | bool | type(None)):
        return True
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def parse_parameter(text: str) -> tuple[str, Any]:
    """Parse 'KEY=VALUE' from the command line; VALUE is read as YAML: numbers, true/false,
    None/null, a mapping such as {dependable: [phone, delivery]} or a list; anything else is text."""
    import yaml

    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key.isidentifier():
        raise ParameterError(f"parameters are given as KEY=VALUE, got {text!r}")
    from svcworkbook.data.safe_yaml import AliasRefused, load_user_yaml

    try:
        value = load_user_yaml(raw, _parameter_loader()) if raw.strip() else ""
    except AliasRefused as err:
        raise ParameterError(
            f"parameter {key!r}: {err}. Fix: write the value out in full."
        ) from None
    except ValueError as err:
        raise ParameterError(f"parameter {key!r} is refused: {err}") from None
    except yaml.YAMLError:
        value = raw
    return key, value if _plain(value) else raw


def validate_parameters(path: Path, parameters: dict[str, Any]) -> None:
    """Check names against the notebook and values with the same rules the notebook applies."""
    from svcworkbook.teaching.session import (
        COMMON_PARAMETERS,
        check_common,
        check_target,
        is_target_name,
    )

    check_parameters(path, parameters)
    declared = notebook_parameters(path)
    if "edition" not in declared:  # 00_start_here: only learner and home
        return
    common = {
        **COMMON_PARAMETERS,
        **{k: v for k, v in parameters.items() if k in COMMON_PARAMETERS},
    }
    check_common(common)
    for name, value in parameters.items():
        if name not in COMMON_PARAMETERS and is_target_name(name):
            check_target(name, value)
