"""Returned work: find whose notebook each file is and which unit, and say what cannot be placed.

A tutor gets work back from a shared drive (``<learner_id>/01_service_environment.ipynb``), an
LMS download (``Amira Khan_4411_assignsubmission_file_L01_01_service_environment.ipynb``) or
email attachments (``01_service_environment-L01.ipynb``). A file is placed when exactly one
learner id from the roster appears in its folder names or its file name (as a whole word, any
case), or, failing that, when the notebook names the learner it was handed out to (the class pack
writes ``learner = "<id>"`` into each learner edition). Its unit comes from the notebook itself
(the cells of the unit it was made from), or failing that from its file name. Anything else is
listed with the reason, never guessed: a file that is not a notebook, a notebook of no unit, a
learner not on the roster, a name carrying two ids, an older copy of the same work.

``edits_beyond_exercises`` then compares a placed notebook with the learner edition it came from:
code cells changed or deleted outside the exercise cells, and a changed dataset path, are
flagged (cells the learner added, such as pasted solution code, are fine).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

#: The tag of a "your turn" cell (DESIGN.md: exercises).
EXERCISE_TAG = "exercise"

#: Tags papermill uses for the parameters cell and the cell it injects after it.
PARAMETER_TAGS = ("parameters", "injected-parameters")

#: Files a submission folder often holds that are nobody's work (editor and system clutter).
_CLUTTER = re.compile(r"^(\..*|__MACOSX|Thumbs\.db|desktop\.ini)$", re.IGNORECASE)

#: A stable exercise id written in a check call, e.g. "U2.E1".
EXERCISE_ID = re.compile(r"""["'](U[1-5]\.E[0-9]+)["']""")


@dataclass(frozen=True)
class Submission:
    """One placed notebook: whose, which unit, where, and how it was placed."""

    learner_id: str
    unit: int
    path: Path
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A file that was not marked (or was marked with a caveat), with the reason in words."""

    path: str
    message: str


@dataclass
class Placement:
    """What was found in a submissions folder."""

    submissions: dict[tuple[str, int], Submission] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    progress: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitNotebook:
    """What identifies a unit's notebook: its number, file name, slug and cell ids."""

    unit: int
    filename: str
    slug: str
    cell_ids: frozenset[str]


def unit_notebook(unit: int, source: Path) -> UnitNotebook:
    """The identifying marks of a unit's source notebook."""
    nb = nbformat.read(str(source), as_version=4)
    slug = source.stem.partition("_")[2]
    return UnitNotebook(unit, source.name, slug, frozenset(c.get("id", "") for c in nb.cells))


def _ids_in(text: str, ids: dict[str, str]) -> set[str]:
    """Roster ids appearing in text as whole words (not inside a longer word or number), any case.

    'L1' is in 'L1_01_unit.ipynb' and 'work-L1.ipynb' but not in 'L10.ipynb'; when one id found
    is part of another found at the same place ('ada' in 'ada-2'), only the longer one counts.
    """
    found: list[tuple[int, int, str]] = []
    lowered = text.lower()
    for key, learner in ids.items():
        for m in re.finditer(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", lowered):
            found.append((m.start(), m.end(), learner))
    return {
        learner
        for start, end, learner in found
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in found)
    }


def _unit_from_name(name: str, units: list[UnitNotebook]) -> int | None:
    """A unit named in a file name: '01_service_environment', the slug, or 'unit 1' / 'unit01'."""
    lowered = name.lower()
    hits = set()
    for u in units:
        if re.search(rf"(?<![0-9]){u.unit:02d}(?![0-9])", lowered) or u.slug in lowered:
            hits.add(u.unit)
        if re.search(rf"unit[ _-]?0?{u.unit}(?![0-9])", lowered):
            hits.add(u.unit)
    return hits.pop() if len(hits) == 1 else None


def unit_of(nb: nbformat.NotebookNode, units: list[UnitNotebook]) -> int | None:
    """The unit a notebook was made from: most of its source's cell ids are there, else None."""
    ids = {c.get("id", "") for c in nb.cells}
    best, share = None, 0.0
    for u in units:
        overlap = len(ids & u.cell_ids) / max(1, len(u.cell_ids))
        if overlap > share:
            best, share = u.unit, overlap
    if share >= 0.5:
        return best
    for cell in nb.cells:  # an old copy without cell ids: its title, "# Unit N: ..."
        if cell.cell_type == "markdown":
            title = re.match(r"#\s*Unit\s+([1-5])\b", cell.source.strip())
            if title:
                return int(title[1])
            break
    return None


def assigned_parameters(nb: nbformat.NotebookNode, tag: str) -> dict[str, Any]:
    """Names assigned to plain values in the cell with this tag (the parameters cells)."""
    for cell in nb.cells:
        if tag in cell.get("metadata", {}).get("tags", []) and cell.cell_type == "code":
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                return {}
            values = {}
            for node in tree.body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        try:
                            values[target.id] = ast.literal_eval(node.value)
                        except ValueError:
                            values[target.id] = ast.unparse(node.value)
            return values
    return {}


def _read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """The notebook in a file, or the reason it is not one."""
    try:
        return nbformat.read(str(path), as_version=4), None
    except (ValueError, KeyError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return None, f"it cannot be read as a notebook ({type(err).__name__}: {str(err)[:80]})"
    except Exception as err:  # nbformat raises several kinds for a damaged file
        return None, f"it cannot be read as a notebook ({type(err).__name__})"


def _files(folder: Path) -> list[Path]:
    """Every file under folder, skipping hidden files and folders (checkpoints, system files)."""
    found = []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(_CLUTTER.match(p) for p in parts):
            continue
        if path.is_file():
            found.append(path)
    return found


def _whose(
    relative: Path, nb: nbformat.NotebookNode | None, ids: dict[str, str]
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(learner id, problem, notes) for a file: from its path first, then the notebook's own id."""
    in_path = set()
    for part in relative.parts:
        in_path |= _ids_in(part if part != relative.name else Path(part).stem, ids)
    handed_to = assigned_parameters(nb, "injected-parameters").get("learner") if nb else None
    handed_to = ids.get(str(handed_to).lower()) if handed_to is not None else None
    if len(in_path) > 1 and handed_to in in_path:
        return (
            handed_to,
            None,
            (
                f"its name carries the ids {', '.join(sorted(in_path))}; placed by the id written "
                "in the notebook",
            ),
        )
    if len(in_path) > 1:
        return None, (
            f"its name carries more than one learner id ({', '.join(sorted(in_path))}); rename "
            "it or put it in the learner's own folder"
        ), ()  # fmt: skip
    if in_path:
        learner = in_path.pop()
        notes = ()
        if handed_to and handed_to != learner:
            notes = (
                f"this notebook was handed out to {handed_to} but returned as {learner}'s "
                "(a copy? check with both learners)",
            )
        return learner, None, notes
    if handed_to:
        return handed_to, None, ("placed by the learner id written in the notebook",)
    said = assigned_parameters(nb, "injected-parameters").get("learner") if nb else None
    if said:
        return None, (
            f"it belongs to no learner on the roster (the notebook says learner {said!r}, and "
            "no roster id is in its name or folder)"
        ), ()  # fmt: skip
    return None, (
        "cannot tell whose it is: no learner id from the roster in its folder or file name"
    ), ()  # fmt: skip


def place_submissions(
    folder: Path, learner_ids: list[str], units: dict[int, Path], pack_units: list[int]
) -> Placement:
    """Place every file under folder (see the module docstring); problems are listed, not raised.

    ``units`` maps every unit number to its source notebook (to recognise any unit's notebook);
    ``pack_units`` are the units handed out in this pack.
    """
    folder = Path(folder)
    ids = {i.lower(): i for i in learner_ids}
    marks = [unit_notebook(u, p) for u, p in sorted(units.items())]
    placement = Placement()
    candidates: dict[tuple[str, int], list[Submission]] = {}
    for path in _files(folder):
        relative = path.relative_to(folder)
        shown = relative.as_posix()
        if path.name.lower() == "progress.json" or (
            path.suffix.lower() == ".json" and "progress" in path.name.lower()
        ):
            learner, problem, _ = _whose(relative, None, ids)
            if learner:
                placement.progress[learner] = path
            else:
                placement.problems.append(Problem(shown, f"a progress file, but {problem}"))
            continue
        if path.suffix.lower() != ".ipynb":
            what = path.suffix.lower() or "no extension"
            placement.problems.append(
                Problem(shown, f"not a notebook ({what}): ask for the .ipynb file")
            )
            continue
        if ".backup-" in path.name:
            placement.problems.append(
                Problem(shown, "a backup copy made by the class pack, not marked")
            )
            continue
        nb, unreadable = _read_notebook(path)
        if nb is None:
            placement.problems.append(Problem(shown, f"not marked: {unreadable}"))
            continue
        learner, problem, notes = _whose(relative, nb, ids)
        if learner is None:
            placement.problems.append(Problem(shown, f"not marked: {problem}"))
            continue
        unit = unit_of(nb, marks)
        named = _unit_from_name(path.stem, marks)
        if unit is None:
            placement.problems.append(
                Problem(shown, "not marked: it is not one of the workbook's unit notebooks")
            )
            continue
        if named is not None and named != unit:
            notes = (*notes, f"named as unit {named} but it is unit {unit}'s notebook")
        if unit not in pack_units:
            placement.problems.append(
                Problem(shown, f"not marked: unit {unit} was not handed out in this class pack")
            )
            continue
        candidates.setdefault((learner, unit), []).append(Submission(learner, unit, path, notes))
    for key, found in sorted(candidates.items()):
        newest_first = sorted(found, key=lambda s: (s.path.stat().st_mtime, str(s.path)))[::-1]
        chosen = newest_first[0]
        placement.submissions[key] = chosen
        for older in newest_first[1:]:
            placement.problems.append(
                Problem(
                    older.path.relative_to(folder).as_posix(),
                    f"not marked: an older copy of {key[0]}'s unit {key[1]} (marked the newer "
                    f"{chosen.path.relative_to(folder).as_posix()})",
                )
            )
    return placement


def _normalised(source: str) -> str:
    """Cell source compared ignoring trailing spaces and blank lines at either end."""
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def exercise_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indexes of the cells tagged exercise, in notebook order."""
    return [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and EXERCISE_TAG in c.get("metadata", {}).get("tags", [])
    ]


def exercise_ids(nb: nbformat.NotebookNode, unit: int) -> list[str]:
    """Each exercise cell's stable id: the id in its check call, else U<unit>.E<n> by order."""
    found = []
    for n, index in enumerate(exercise_cells(nb), start=1):
        written = EXERCISE_ID.search(nb.cells[index].source)
        found.append(written[1] if written else f"U{unit}.E{n}")
    return found


def edits_beyond_exercises(
    submitted: nbformat.NotebookNode, original: nbformat.NotebookNode
) -> list[str]:
    """Sentences naming code changed or deleted outside the exercise cells, and a changed data
    path; cells the learner added (notes, pasted solution code) are not edits."""
    flags = []

    def effective(nb: nbformat.NotebookNode) -> dict[str, Any]:
        """The data parameters a notebook would run with: injected values over its defaults."""
        return {
            **assigned_parameters(nb, "parameters"),
            **assigned_parameters(nb, "injected-parameters"),
        }

    handed, returned = effective(original), effective(submitted)
    for name in ("data_dir", "seed", "mapping", "scenario"):
        if returned.get(name) != handed.get(name):
            flags.append(
                f"the dataset was changed ({name} = {returned.get(name)!r} instead of "
                f"{handed.get(name)!r}); it was marked on the learner's own data from the pack"
            )
    sources = {_normalised(c.source) for c in submitted.cells if c.cell_type == "code"}
    skip = set(exercise_cells(original))
    for index, cell in enumerate(original.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type != "code" or index in skip or any(t in tags for t in PARAMETER_TAGS):
            continue
        if _normalised(cell.source) not in sources:
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")[:60]
            flags.append(
                f"code outside the exercises was changed or deleted (cell {index + 1}: {first!r})"
            )
    if len(flags) > 4:
        flags = [*flags[:3], f"... and {len(flags) - 3} more changed cells"]
    return flags
