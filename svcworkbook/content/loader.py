"""Loading the unit content files: YAML to validated ``Unit`` models, with errors that point home.

A content file that cannot be used raises ``ContentError`` whose message names the file, the field
path inside it (``misconceptions[2].concept``) and the line, so an author can go straight to it.
Loads are cached per file version (path, modification time, size).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from svcworkbook.content.models import FieldProblems, Unit
from svcworkbook.errors import ContentError

#: Where the five unit files live (installed with the package).
UNITS_DIR = Path(__file__).resolve().parent

#: The file name of a unit: two-digit number, underscore, slug.
UNIT_FILE_NAME = re.compile(r"^(?P<number>\d\d)_(?P<slug>[a-z_]+)\.ya?ml$")


def _repeated_keys(node: yaml.Node | None, path: str = "") -> list[tuple[str, str]]:
    """Keys used twice in one mapping, as (field path, message); PyYAML would keep the last."""
    problems: list[tuple[str, str]] = []
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            line = key_node.start_mark.line + 1
            if key in first_line:
                problems.append(
                    (child, f"the key {key!r} appears twice, at lines {first_line[key]} and {line}")
                )
            else:
                first_line[key] = line
            problems += _repeated_keys(value_node, child)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            problems += _repeated_keys(item, f"{path}[{i}]")
    return problems


def _field_path(loc: tuple) -> str:
    """Write a pydantic location as a field path: ('concepts', 2, 'name') -> concepts[2].name."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _join_paths(outer: str, inner: str) -> str:
    """Join a model's path in the file with a path relative to that model."""
    if not outer:
        return inner
    return f"{outer}{inner}" if inner.startswith("[") else f"{outer}.{inner}"


def _line_of(root: yaml.Node | None, path: str) -> int | None:
    """The 1-based line of the deepest YAML node on this field path (its parent if it is missing)."""
    node, line = root, None
    for key in re.findall(r"[^.\[\]]+", path):
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and key.isdigit() and int(key) < len(node.value):
            node = node.value[int(key)]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def _brief(value: object, limit: int = 60) -> str:
    """A short repr of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    """Each validation problem as (field path, message), cross-field problems expanded."""
    problems = []
    for item in error.errors():
        outer = _field_path(item["loc"])
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, FieldProblems):
            problems += [(_join_paths(outer, inner), msg) for inner, msg in cause.problems]
            continue
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] not in ("missing", "extra_forbidden") and "input" in item:
            message += f" (got {_brief(item['input'])})"
        problems.append((outer or "(top level)", message))
    return problems


def _report(name: str, problems: list[tuple[str, str]], root: yaml.Node | None) -> ContentError:
    """One ContentError listing every problem as 'file: field.path: message (line N)'."""
    lines = []
    for path, message in problems:
        line = _line_of(root, path) if path != "(top level)" else None
        where = f" (line {line})" if line else ""
        lines.append(f"{name}: {path}: {message}{where}")
    return ContentError("\n".join(lines))


#: libyaml's parser when PyYAML was built with it (about 10 times quicker), else pure Python.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> tuple[object, yaml.Node | None]:
    """Parse a YAML file into data and its node tree, or raise ContentError at the bad line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path.name}: file not found at {path}") from None
    except UnicodeDecodeError as exc:
        raise ContentError(
            f"{path.name}: not UTF-8 text ({exc.reason}); save it as UTF-8"
        ) from None
    try:
        root = yaml.compose(text, Loader=_SAFE_LOADER)
        repeated = _repeated_keys(root)
        if repeated:
            raise _report(path.name, repeated, None)
        return (_SAFE_LOADER("").construct_document(root) if root else None), root
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        if context and context_mark:
            context += f" that starts at line {context_mark.line + 1}"
        detail = f"{problem} ({context})" if context else problem
        raise ContentError(f"{path.name}: {where}YAML syntax error: {detail}") from None


def _check_file_name(path: Path, unit: Unit, root: yaml.Node | None) -> None:
    """A file named NN_slug.yaml must hold unit NN with that slug."""
    match = UNIT_FILE_NAME.match(path.name)
    if not match:
        return
    problems = []
    if int(match["number"]) != unit.number:
        problems.append(("number", f"{unit.number} does not match the file name {path.name}"))
    if match["slug"] != unit.slug:
        problems.append(("slug", f"{unit.slug!r} does not match the file name {path.name}"))
    if problems:
        raise _report(path.name, problems, root)


@functools.lru_cache(maxsize=32)
def _load_cached(path: Path, _mtime_ns: int, _size: int) -> Unit:
    """Load and validate one file version (the cache key includes its mtime and size)."""
    data, root = _read_yaml(path)
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ContentError(
            f"{path.name}: (top level): expected a mapping of unit fields "
            f"(number, slug, title, ...), found {kind}"
        )
    try:
        unit = Unit.model_validate(data)
    except ValidationError as exc:
        raise _report(path.name, _problems(exc), root) from None
    _check_file_name(path, unit, root)
    return unit


def load_unit_file(path: str | Path) -> Unit:
    """Load one unit YAML file into a validated Unit; ContentError names file, field and line."""
    path = Path(path).resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise ContentError(f"{path.name}: file not found at {path}") from None
    return _load_cached(path, stat.st_mtime_ns, stat.st_size)


def unit_files(directory: Path = UNITS_DIR) -> dict[int, Path]:
    """The unit files in a folder by unit number, from their NN_slug.yaml names."""
    files: dict[int, Path] = {}
    for path in sorted(directory.glob("*.y*ml")):
        match = UNIT_FILE_NAME.match(path.name)
        if match:
            number = int(match["number"])
            if number in files:
                raise ContentError(
                    f"{path.name}: unit {number} also has the file {files[number].name}; "
                    "keep one file per unit"
                )
            files[number] = path
    return files


def _unit_number(unit: int | str, files: dict[int, Path]) -> int:
    """Turn 1, '1', '01', 'service_environment' or '01_service_environment' into a unit number."""
    known = ", ".join(f"{n} ({UNIT_FILE_NAME.match(p.name)['slug']})" for n, p in files.items())
    if isinstance(unit, bool) or not isinstance(unit, int | str):
        raise ValueError(f"unit must be a number or a slug, not {unit!r}; the units are {known}")
    if isinstance(unit, int) or unit.strip().isdigit():
        if int(unit) in files:
            return int(unit)
    else:
        wanted = unit.strip().lower().removesuffix(".yaml")
        for number, path in files.items():
            if wanted in (UNIT_FILE_NAME.match(path.name)["slug"], path.stem):
                return number
    raise ValueError(f"no unit {unit!r}; the units are {known}")


def load_unit(unit: int | str) -> Unit:
    """Load a unit by number (1 or '01') or slug ('service_environment')."""
    files = unit_files()
    return load_unit_file(files[_unit_number(unit, files)])


def all_units() -> list[Unit]:
    """All five units, in order 1 to 5 (ContentError if a unit file is missing)."""
    files = unit_files()
    missing = [n for n in range(1, 6) if n not in files]
    if missing:
        raise ContentError(
            f"no content file for unit(s) {', '.join(map(str, missing))} in {UNITS_DIR}"
        )
    return [load_unit_file(files[n]) for n in range(1, 6)]
