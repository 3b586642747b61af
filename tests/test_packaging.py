"""Every dependency is written once, in pyproject.toml; the conda and Binder environments install
the package with the same extras as ``make setup``, and the extras hold what only some users need."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENTS = (ROOT / "environment.yml", ROOT / "binder" / "environment.yml")
#: pip's editable install of a local folder with extras: ``-e .[test,dev]``.
EDITABLE = re.compile(r"^-e\s+(?P<path>[^\[\s]+)(?:\[(?P<extras>[^\]]*)\])?$")
MAKE_INSTALL = re.compile(r"pip install[^\n]*-e\s+'?\.\[(?P<extras>[^\]]*)\]'?")


def requirement_name(text: str) -> str:
    """The normalised project name of a requirement: 'Pandera[pandas]>=0.24' -> 'pandera'."""
    name = re.match(r"\s*([A-Za-z0-9_.\-]+)", text).group(1)
    return re.sub(r"[-_.]+", "-", name).lower()


def project() -> dict:
    """The [project] table of pyproject.toml."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirement_set(extras: set[str]) -> set[str]:
    """What installing the package with these extras asks pip for (runtime plus each extra)."""
    table = project()
    unknown = extras - set(table["optional-dependencies"])
    if unknown:
        raise ValueError(f"pyproject.toml has no extra(s) {', '.join(sorted(unknown))}")
    reqs = set(table["dependencies"])
    for extra in extras:
        reqs |= set(table["optional-dependencies"][extra])
    return reqs


def split_extras(text: str | None) -> set[str]:
    """'test, dev' -> {'test', 'dev'}."""
    return {e.strip() for e in (text or "").split(",") if e.strip()}


def environment_install(path: Path) -> tuple[list[str], Path, set[str]]:
    """A conda environment file's conda packages, the folder it installs and that install's extras.

    conda runs the pip section from the environment file's folder, so the path is taken from there.
    """
    env = yaml.safe_load(path.read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [line for d in env["dependencies"] if isinstance(d, dict) for line in d.get("pip", [])]
    if len(pip) != 1 or not EDITABLE.match(pip[0]):
        raise ValueError(f"{path.name}: the pip section should be one '-e .[extras]', got {pip}")
    match = EDITABLE.match(pip[0])
    folder = (path.parent / match.group("path")).resolve()
    return conda, folder, split_extras(match.group("extras"))


def make_setup_extras() -> set[str]:
    """The extras the Makefile's setup installs (pip install -e '.[...]')."""
    match = MAKE_INSTALL.search((ROOT / "Makefile").read_text())
    assert match, "the Makefile no longer installs the package with pip install -e '.[...]'"
    return split_extras(match.group("extras"))


@pytest.mark.parametrize("path", ENVIRONMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_environment_installs_the_package_with_the_extras_make_setup_installs(path):
    conda, folder, extras = environment_install(path)
    assert folder == ROOT
    assert extras == make_setup_extras()
    # every dependency pyproject.toml declares (runtime and every extra), as before the extras
    assert requirement_set(extras) == requirement_set(set(project()["optional-dependencies"]))


@pytest.mark.parametrize("path", ENVIRONMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_environment_repeats_no_dependency(path):
    conda, _, _ = environment_install(path)
    assert sorted(requirement_name(c) for c in conda) == ["pip", "python"]
    assert "python>=3.11" in conda
    assert project()["requires-python"] == ">=3.11"


def test_make_setup_installs_what_the_tests_use():
    assert make_setup_extras() == {"test", "dev", "cluster"}


def test_tools_and_the_cluster_are_not_runtime_dependencies():
    runtime = {requirement_name(r) for r in project()["dependencies"]}
    assert runtime.isdisjoint({"pytest", "nbval", "distributed", "hypothesis", "psutil", "ruff"})
    extras = project()["optional-dependencies"]
    assert {requirement_name(r) for r in extras["cluster"]} == {"distributed"}
    assert {"pytest", "nbval", "pytest-xdist"} <= {requirement_name(r) for r in extras["test"]}


def test_pandera_lower_bound_has_pandera_pandas():
    """pandera.pandas (which the schemas import) arrived in 0.24; pandas support is its extra."""
    (pandera,) = [r for r in project()["dependencies"] if requirement_name(r) == "pandera"]
    assert pandera.replace(" ", "").startswith("pandera[pandas]>=0.24")


@pytest.mark.parametrize(
    "pip_line, problem",
    [
        ("-e .", None),
        ("-e .[test]", None),
        ("pandas>=2.1,<3", "the pip section should be one"),
    ],
)
def test_reader_sees_a_changed_environment(tmp_path, pip_line, problem):
    text = (ROOT / "environment.yml").read_text().replace("-e .[test,dev,cluster]", pip_line)
    changed = tmp_path / "environment.yml"
    changed.write_text(text)
    if problem:
        with pytest.raises(ValueError, match=problem):
            environment_install(changed)
        return
    _, folder, extras = environment_install(changed)
    assert folder == tmp_path and extras != make_setup_extras()


def test_reader_sees_a_repeated_dependency(tmp_path):
    text = (ROOT / "environment.yml").read_text().replace("  - pip\n", "  - pip\n  - pandas>=2.1\n")
    changed = tmp_path / "environment.yml"
    changed.write_text(text)
    conda, _, _ = environment_install(changed)
    assert sorted(requirement_name(c) for c in conda) == ["pandas", "pip", "python"]


def notebook_imports() -> list[str]:
    """Every import statement in the workbook's notebooks' code cells, in notebook order."""
    import ast

    import nbformat

    from svcworkbook.learning.solutions import strip_magic

    statements: list[str] = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for node in ast.parse(strip_magic(cell.source)).body:  # %%solution cells too
                if isinstance(node, ast.Import | ast.ImportFrom):
                    line = ast.unparse(node)
                    if line not in statements:
                        statements.append(line)
    return statements


def test_what_the_notebooks_import_loads_neither_pandera_nor_distributed():
    """In a fresh interpreter, as a kernel would: pandera costs 0.3-0.5 s, distributed more."""
    import subprocess
    import sys

    statements = notebook_imports()
    assert any("svcworkbook.teaching.session" in s for s in statements)  # the reader sees cells
    heavy = ("pandera", "distributed", "dask", "nbval", "pytest")
    script = "\n".join(
        [*statements, "import sys", f"print(sorted(m for m in {heavy!r} if m in sys.modules))"]
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT / "notebooks"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_each_file_runs_on_one_worker_and_notebook_runs_spread(tmp_path):
    """The project's conftest under ``-n 2 --dist loadgroup``, on a small project of its own:
    a file's tests share one worker; the tests of a papermill-matrix file go to both workers."""
    import shutil
    import subprocess
    import sys

    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "tests").mkdir()
    test = (
        "import os, pathlib\n"
        "import pytest\n"
        "@pytest.mark.parametrize('n', range(6))\n"
        "def test_where(n):\n"
        "    name = pathlib.Path(__file__).stem\n"
        "    with open(pathlib.Path(__file__).parent / f'{name}.ran', 'a') as f:\n"
        "        f.write(os.environ['PYTEST_XDIST_WORKER'] + '\\n')\n"
        "    if name == 'test_notebook_unit09':\n"
        "        import time; time.sleep(0.5)  # long enough for the other worker to take some\n"
    )
    for name in ("test_alpha", "test_beta", "test_notebook_unit09"):
        (tmp_path / "tests" / f"{name}.py").write_text(test)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup",
         "--no-loadscope-reorder", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    workers = {
        name: (tmp_path / "tests" / f"{name}.ran").read_text().split()
        for name in ("test_alpha", "test_beta", "test_notebook_unit09")
    }
    assert len(workers["test_alpha"]) == len(workers["test_beta"]) == 6
    assert len(set(workers["test_alpha"])) == 1 and len(set(workers["test_beta"])) == 1
    assert set(workers["test_notebook_unit09"]) == {"gw0", "gw1"}
