"""The conda environment and pyproject.toml declare the same dependencies with the same ranges."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$")


def parse_requirement(text: str) -> tuple[str, str]:
    """Split 'name>=1,<2' into a normalised name and a normalised range (no spaces)."""
    match = REQUIREMENT.match(text)
    if not match:
        raise ValueError(f"cannot read requirement {text!r}")
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return name, match.group(2).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    """Runtime dependencies plus every optional extra, from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return dict(parse_requirement(r) for r in reqs)


def environment_requirements(path: Path = ROOT / "environment.yml") -> dict[str, str]:
    """conda dependencies (and pip ones other than the package itself) from environment.yml."""
    env = yaml.safe_load(path.read_text())
    found: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep.get("pip", []):
                if not pip_dep.startswith("-e"):
                    name, spec = parse_requirement(pip_dep)
                    found[name] = spec
            continue
        name, spec = parse_requirement(dep)
        if name not in {"python", "pip"}:
            found[name] = spec
    return found


def disagreements(pyproject: dict[str, str], environment: dict[str, str]) -> list[str]:
    """Every dependency missing from one file or given a different range in the other."""
    problems = []
    for name in sorted(set(pyproject) | set(environment)):
        if name not in environment:
            problems.append(f"{name}: in pyproject.toml, missing from environment.yml")
        elif name not in pyproject:
            problems.append(f"{name}: in environment.yml, missing from pyproject.toml")
        elif pyproject[name] != environment[name]:
            problems.append(
                f"{name}: pyproject.toml says {pyproject[name]!r}, "
                f"environment.yml says {environment[name]!r}"
            )
    return problems


def test_environment_matches_pyproject():
    assert disagreements(pyproject_requirements(), environment_requirements()) == []


def test_environment_installs_the_package_and_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section["pip"]
    assert "python>=3.11" in env["dependencies"]


@pytest.mark.parametrize(
    "mutation, expected",
    [
        ("  - pandas>=2.1,<3\n", "pandas: in pyproject.toml, missing from environment.yml"),
        ("  - seaborn>=0.13,<0.14\n", "seaborn: in pyproject.toml, missing from environment.yml"),
    ],
)
def test_checker_reports_a_missing_dependency(tmp_path, mutation, expected):
    text = (ROOT / "environment.yml").read_text()
    assert mutation in text
    broken = tmp_path / "environment.yml"
    broken.write_text(text.replace(mutation, ""))
    assert expected in disagreements(pyproject_requirements(), environment_requirements(broken))


def test_checker_reports_a_different_range(tmp_path):
    text = (ROOT / "environment.yml").read_text().replace("pandas>=2.1,<3", "pandas>=2.0,<3")
    broken = tmp_path / "environment.yml"
    broken.write_text(text)
    problems = disagreements(pyproject_requirements(), environment_requirements(broken))
    assert problems == ["pandas: pyproject.toml says '>=2.1,<3', environment.yml says '>=2.0,<3'"]
