"""The package's shape: rooms by purpose, layers that import downward only, small modules.

Read from the source with ``ast`` (nothing is imported), so a wrong import is caught even in a
function body that no test happens to run.
"""

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "svcworkbook"
NOTEBOOKS = ROOT / "notebooks"

#: Room -> the rooms it may import (besides itself). The foundation is open to everyone.
FOUNDATION = {"errors", "display", "__init__"}
MAY_IMPORT = {
    "content": set(),
    "analysis": set(),
    "data": {"analysis"},
    "report": {"content", "analysis", "data"},
    "learning": {"content", "data"},
    "units": {"content", "analysis", "data", "report", "learning"},
    "teaching": {"content", "analysis", "data", "report", "learning", "units"},
}
MAX_LINES = 800
#: Modules still waiting to be split by concept (this list may only shrink).
NOT_YET_SPLIT: set[str] = set()


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imported(path: Path) -> set[str]:
    """Every svcworkbook module a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("svcworkbook"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("svcworkbook"):
            names.add(node.module)
            known = modules()
            names.update(
                f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known
            )
    return names


def room(module: str) -> str:
    """The room a dotted module name lives in ('errors' and 'display' are the foundation)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def unit_number(module: str) -> int | None:
    """The unit a module of svcworkbook.units belongs to, or None."""
    match = re.match(r"svcworkbook\.units\.unit(\d)_", module)
    return int(match.group(1)) if match else None


def layer_violations() -> list[str]:
    """Every import that goes up a layer or sideways into a room it may not use."""
    problems = []
    for name, path in modules().items():
        here = room(name)
        if here in FOUNDATION:
            allowed = FOUNDATION
        else:
            allowed = FOUNDATION | MAY_IMPORT[here] | {here}
        for target in imported(path):
            there = room(target)
            if target == "svcworkbook":
                continue
            if there not in allowed:
                problems.append(f"{name} imports {target} ({here} may not use {there})")
            mine, theirs = unit_number(name), unit_number(target)
            if mine is not None and theirs is not None and theirs > mine:
                problems.append(f"{name} imports {target}: a unit builds on earlier units only")
    return problems


def test_layers_import_downward_only():
    assert layer_violations() == []


def test_no_import_cycle_at_module_level():
    graph = {}
    for name, path in modules().items():
        tree = ast.parse(path.read_text())
        targets = set()
        for node in tree.body:  # module level only: imports inside functions run later
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("svcworkbook."):
                targets.add(node.module)
                targets.update(f"{node.module}.{a.name}" for a in node.names)
        graph[name] = {t for t in targets if t in modules() and t != name}

    seen, stack, cycles = set(), [], []

    def visit(node):
        if node in stack:
            cycles.append(stack[stack.index(node) :] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for nxt in graph.get(node, ()):
            # a package's __init__ importing its own modules is not a cycle with them
            if not nxt.startswith(node + "."):
                visit(nxt)
        stack.pop()

    for node in graph:
        visit(node)
    assert cycles == []


def test_the_tree_shows_the_rooms():
    top_modules = [p for p in PACKAGE.glob("*.py")]
    rooms = [p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()]
    assert len(top_modules) <= 12
    assert len(rooms) >= 5
    for package in rooms:
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
        assert doc and "May import" in doc, (
            f"{package.name}/__init__.py must say what it may import"
        )


def test_every_unit_is_one_place():
    units = sorted(p.name for p in (PACKAGE / "units").iterdir() if p.is_dir() and p.name[0] != "_")
    assert [u.split("_")[0] for u in units] == [f"unit{n}" for n in range(1, 6)]


def test_no_module_over_800_lines():
    long = {
        str(p.relative_to(ROOT)): len(p.read_text().splitlines())
        for p in PACKAGE.rglob("*.py")
        if len(p.read_text().splitlines()) > MAX_LINES
    }
    assert set(long) <= NOT_YET_SPLIT, long


def notebook_code(path: Path):
    """The code cells of a notebook (a solution cell's Python, without its %%solution line)."""
    from svcworkbook.learning.solutions import strip_magic

    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            yield strip_magic("".join(cell["source"]))


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_use_only_public_names(path):
    known = modules()
    for code in notebook_code(path):
        tree = ast.parse(code)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("svcworkbook"):
                assert node.module in known, node.module
                assert not any(part.startswith("_") for part in node.module.split("."))
                for alias in node.names:
                    assert not alias.name.startswith("_"), f"{path.name}: {alias.name}"
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                if not node.attr.startswith("__"):
                    pytest.fail(f"{path.name} uses a private name: .{node.attr}")
