"""Marking returned work: re-execute each learner's notebook on their own data and judge it.

``mark_class(pack, submissions, out)`` places every returned notebook (``submissions``), and for
each learner and unit re-executes the notebook in a clean kernel, with a time limit, on that
learner's own dataset from the class pack, whatever data path the notebook was given. Each
exercise is judged by its own check call, exactly as the handed-out notebook wrote it, against
the answer computed on the learner's data (``marking_probe``): right, close (with the diagnosed
slip), wrong, or not attempted. A notebook that errors or runs past the time limit is marked as
far as it got and said so; the rest go on.

Written into ``out``::

    gradebook.csv                 one row per learner x exercise (spreadsheet-safe)
    scores.csv                    per learner and unit: score and out of, for an LMS import
    index.html                    the class overview (marking_pages)
    <learner_id>/feedback.html    the learner's own feedback, to return to them
    marks/<learner_id>/NN.json    each marked notebook's results (what a rerun reuses)
    marks/<learner_id>/NN_unit.ipynb  the notebook as executed for marking

Score: a right answer is 1 mark, a close one (the right method with a slip) half a mark.
A rerun marks again only the notebooks that changed (or whose data, unit or checks changed).
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from svcworkbook.errors import ParameterError
from svcworkbook.teaching import classpack
from svcworkbook.teaching.marking_probe import MARK_MIME

RESULTS = ("right", "close", "wrong", "not attempted")
MARKS = {"right": 1.0, "close": 0.5, "wrong": 0.0, "not attempted": 0.0}
GRADEBOOK_COLUMNS = [
    "learner_id", "name", "unit", "exercise", "answer", "result", "slip", "expected", "note",
    "reason",
]  # fmt: skip
PROBE_TAG = "svc-marking"
#: The gradebook note of every exercise of a unit the learner did not hand in.
NOT_RETURNED = "no notebook returned for this unit"
#: The note of an exercise whose cell the learner deleted.
DELETED = "the exercise cell was deleted from the notebook"
#: How the note of an exercise cell that stopped with an error begins (error_in_words).
COULD_NOT_READ, STOPPED_WITH = "Python could not read the answer", "the cell stopped with an error"
#: The notes the class overview lists for the tutor: a cell deleted, or one that could not run.
CELL_TROUBLE = (DELETED, COULD_NOT_READ, STOPPED_WITH)
DEFAULT_TIME_LIMIT = 300


@dataclass(frozen=True)
class Exercise:
    """One "your turn" exercise of a unit: its id, its cell, its check call and worked answer."""

    unit: int
    exercise: str
    cell_id: str
    check: str
    solution: str

    @property
    def asks_reason(self) -> bool:
        """Whether the exercise is choose and justify (its cell has a my_reason line)."""
        from svcworkbook.teaching.marking_probe import REASON

        return f"{REASON} =" in self.check


def unit_exercises(source: Path, unit: int) -> list[Exercise]:
    """A unit's exercises in notebook order, each with the solution cell that follows it."""
    import nbformat

    from svcworkbook.teaching.submissions import exercise_cells, exercise_ids

    nb = nbformat.read(str(source), as_version=4)
    found = []
    for index, exercise in zip(exercise_cells(nb), exercise_ids(nb, unit), strict=True):
        after = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        solution = (
            after.source
            if after is not None and "solution" in after.get("metadata", {}).get("tags", [])
            else ""
        )
        found.append(
            Exercise(
                unit, exercise, nb.cells[index].get("id", ""), nb.cells[index].source, solution
            )
        )
    return found


# --- the marking notebook ---------------------------------------------------------------------


def _probe(kind: str, number: int, source: str):
    """A marking cell (forget or judge) tagged so it can be told apart from the learner's."""
    import nbformat

    cell = nbformat.v4.new_code_cell(source)
    cell.id = f"svc-marking-{kind}-{number}"
    cell.metadata["tags"] = [PROBE_TAG]
    return cell


def build_marking_notebook(submitted, original, exercises: list[dict[str, Any]], parameters):
    """The submission with the handed-out parameters cell, our parameters injected, and a forget
    cell before / judge cell after each exercise (after any cells the learner added below it).

    Returns (notebook, ids of exercises whose cell was deleted).
    """
    import nbformat

    from svcworkbook.teaching.editions import inject_parameters

    nb = nbformat.from_dict(submitted)
    handed = next(c for c in original.cells if "parameters" in c.metadata.get("tags", []))
    mine = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    if mine:
        nb.cells[mine[0]].source = handed.source
    else:
        nb.cells.insert(1, nbformat.from_dict(handed))
    nb = inject_parameters(nb, parameters)
    original_ids = {c.get("id") for c in original.cells}
    tagged = [i for i, c in enumerate(nb.cells) if "exercise" in c.metadata.get("tags", [])]
    positions, missing = {}, []
    for n, ex in enumerate(exercises):
        by_id = [i for i, c in enumerate(nb.cells) if c.get("id") == ex["cell_id"]]
        if by_id:
            positions[n] = by_id[0]
        elif len(tagged) == len(exercises):  # ids lost (an old copy): the n-th exercise cell
            positions[n] = tagged[n]
        else:
            missing.append(ex["exercise"])
    known = {i for i, c in enumerate(nb.cells) if c.get("id") in original_ids} | set(
        positions.values()
    )
    inserts: dict[int, tuple[list, list]] = {}
    floor = 0
    for n, ex in enumerate(exercises):
        if n not in positions:
            continue
        at = positions[n]
        nb.cells[at].metadata["svc_marking_exercise"] = ex["exercise"]
        start = max([i + 1 for i in known if i < at] + [floor])
        end = min([i for i in known if i > at] + [len(nb.cells)])
        floor = end
        forget = "__import__('svcworkbook.teaching.marking_probe').teaching.marking_probe" \
            ".forget(globals())"  # fmt: skip
        judge = (
            "__import__('svcworkbook.teaching.marking_probe').teaching.marking_probe.judge("
            f"{ex['exercise']!r}, {ex['check']!r}, globals())"
        )
        inserts.setdefault(start, ([], []))[1].append(_probe("forget", n, forget))
        inserts.setdefault(end, ([], []))[0].append(_probe("judge", n, judge))
    cells = []
    for i in range(len(nb.cells) + 1):
        judges, forgets = inserts.get(i, ([], []))
        cells.extend(judges + forgets)
        if i < len(nb.cells):
            cells.append(nb.cells[i])
    nb.cells = cells
    return nb, missing


def execute_submission(nb, cwd: Path, time_limit: float):
    """Execute nb in a fresh kernel, carrying on past errors, stopping at the time limit.

    Returns (executed notebook, None) or (notebook as far as it got, the reason it stopped).
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from svcworkbook.teaching.runner import kernel_manager_class, project_kernel

    deadline = time.monotonic() + time_limit
    client = NotebookClient(
        nb,
        timeout=int(time_limit),
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
        allow_errors=True,
        kernel_name=project_kernel(),
        kernel_manager_class=kernel_manager_class(),
        resources={"metadata": {"path": str(cwd)}},
    )
    try:
        client.execute()
    except CellTimeoutError:
        return client.nb, f"it did not finish within the time limit ({time_limit:g} s)"
    except DeadKernelError as err:
        return client.nb, f"its kernel stopped ({err})"
    return client.nb, None


def _error_of(cell) -> str | None:
    """The error a cell showed, as 'Name: message', or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {str(output.get('evalue'))[:160]}"
    return None


#: The answer line of an exercise cell, as the learner typed it.
_ANSWER_LINE = re.compile(r"^[ \t]*(my_answer[ \t]*=.*?)[ \t]*$", re.M)


def error_in_words(source: str, error: str) -> tuple[str, str]:
    """What stopped an exercise cell, in words for the learner and tutor, and the answer line as
    typed ('' if none). A line Python cannot read is quoted with the likely fix (a % sign or a
    comma in a number); other errors lose Python's internal file name ('(2605.py, line 1)')."""
    found = _ANSWER_LINE.search(source)
    typed = found[1] if found else ""
    name, _, detail = error.partition(": ")
    if name in ("SyntaxError", "IndentationError"):
        given = typed.partition("=")[2].strip()
        if "%" in typed:
            number = given.replace("%", "").strip() or "84.3"
            fix = f"type the number alone, without the % sign ({number}, not {number}%)"
        elif re.search(r"\d,\d", typed):
            fix = "type the number without commas (1234, not 1,234)"
        else:
            fix = "type a number, or text in quotes, as the cell shows"
        quoted = f" ({typed})" if typed else ""
        return f"{COULD_NOT_READ} as typed{quoted}: {fix}", typed
    detail = re.sub(r"\s*\([^()]*\.py, line \d+\)", "", detail)
    return f"{STOPPED_WITH}: {name}: {detail}", typed


def read_marks(
    nb,
) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[str, str]], list[str]]:
    """From an executed marking notebook: judged records by exercise, the errors exercise cells
    showed (in words, with the answer as typed: error_in_words), and the errors of the learner's
    other cells ('cell N: Name: message')."""
    records, exercise_errors, other_errors = {}, {}, []
    number = 0
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if PROBE_TAG in tags:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if MARK_MIME in data:
                    records[data[MARK_MIME]["exercise"]] = data[MARK_MIME]
            continue
        if "injected-parameters" in tags:
            continue
        number += 1
        error = _error_of(cell)
        exercise = cell.get("metadata", {}).get("svc_marking_exercise")
        if error and exercise:
            exercise_errors[exercise] = error_in_words("".join(cell.get("source", "")), error)
        elif error:
            other_errors.append(f"cell {number}: {error}")
    return records, exercise_errors, other_errors


def format_value(value: Any, kind: str) -> str:
    """A value as a tutor would write it: rates as percentages, counts whole, numbers to 2 dp."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if kind in ("rate", "percent"):
        return f"{value * 100:.1f}%"
    if kind == "points":
        return f"{value * 100:+.1f} percentage points"
    if kind == "count":
        return f"{round(value):,}"
    return f"{value:,.2f}"


def plain_value(value: Any, kind: str) -> Any:
    """A value for a spreadsheet cell, in the units the learner answers in, beside their answer:
    shares as per cent (0.8437 -> 84.37) and differences as percentage points, both to 2 places;
    counts whole; other numbers to 2 places; anything else is text."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if kind == "count":
        return int(round(value))
    return round(float(value) * (100 if kind in ("rate", "percent", "points") else 1), 2)


def slip_of(status: str, message: str) -> str:
    """The diagnosed slip in a check's message ('Close, but X.' / 'Close: X' / 'Not quite: X.')."""
    for lead in ("Close, but ", "Close: ", "Not quite: "):
        if message.startswith(lead) and status in ("close", "wrong"):
            text = message[len(lead) :].split(" Hint:")[0].strip()
            return text[:-1] if text.endswith(".") else text
    return ""


def judged(
    exercise: dict[str, Any],
    record: dict[str, Any] | None,
    cell_error: tuple[str, str] | None,
    stopped: str | None,
    deleted: bool,
) -> dict[str, Any]:
    """One gradebook entry from what the check recorded (or why nothing was recorded)."""
    entry = {"exercise": exercise["exercise"], "name": "", "answer": "",
             "result": "not attempted", "slip": "", "expected": "", "expected_text": "",
             "message": "", "hint": "", "note": "", "reason": ""}  # fmt: skip
    if deleted:
        entry["note"] = DELETED
        entry["message"] = (
            "This exercise's cell is not in the notebook, so it could not be marked. Copy the "
            "cell back from the handout, answer it and hand the notebook in again."
        )
        entry.update(_spec_texts(exercise["exercise"]))
        return entry
    if record is None:
        entry["note"] = f"not checked: the notebook stopped before this exercise ({stopped})"
        return entry
    status, message = record["status"], record["message"]
    kind = record.get("kind") or "number"
    value = record.get("answer_value")
    entry.update(
        answer=value
        if isinstance(value, int | float) and not isinstance(value, bool)
        else (record.get("answer", "")),
        expected=plain_value(record.get("expected"), kind),
        expected_text=record.get("expected_text") or format_value(record.get("expected"), kind),
        hint=record.get("hint") or "",
        message=message,
        name=record.get("name") or "",
        reason=record.get("reason") or "",
    )
    if status == "error":
        entry["note"] = f"the check could not run ({message})"
    elif status == "not attempted" and cell_error:
        words, typed = cell_error
        # the check ran after the failed cell and saw no answer: say what really happened
        entry.update(result="wrong", note=words, message=f"{words[0].upper()}{words[1:]}.",
                     answer=typed.partition("=")[2].strip() or entry["answer"])  # fmt: skip
    elif status == "not attempted":
        entry["result"] = "not attempted"
    else:
        entry.update(result=status, slip=record.get("slip_text") or slip_of(status, message))
        if cell_error:
            entry["note"] = f"the cell also showed an error: {cell_error[0]}"
    return entry


def _expected_from_key(entries: list[dict[str, Any]], key: str | None) -> None:
    """Fill the expected answer of entries that have none from the answer key's recorded
    exercise_answers (the tutor edition run on the same learner's data), when it exists."""
    from svcworkbook.teaching.session import read_results
    from svcworkbook.units import exercise_spec

    if not key or not Path(key).is_file():
        return
    answers = read_results(key).get("exercise_answers", {})
    for entry in entries:
        value = answers.get(entry["exercise"])
        if entry["expected"] != "" or value is None:
            continue
        try:
            spec = exercise_spec(entry["exercise"])
        except KeyError:
            continue
        entry.update(expected=plain_value(value, spec.kind), expected_text=spec.shown(value))


def _spec_texts(exercise_id: str) -> dict[str, str]:
    """The exercise's name and hint from its spec (for a cell that was deleted), else nothing."""
    from svcworkbook.units import exercise_spec

    try:
        spec = exercise_spec(exercise_id)
    except KeyError:
        return {}
    return {"name": spec.title, "hint": spec.hint}


def mark_submission(task: dict[str, Any]) -> dict[str, Any]:
    """Mark one learner's notebook for one unit; write marks/<id>/NN.json; the result as data."""
    import nbformat

    from svcworkbook.teaching.editions import make_edition
    from svcworkbook.teaching.submissions import edits_beyond_exercises

    marks_dir = Path(task["marks_dir"])
    work = marks_dir / "work"
    shutil.rmtree(work / "home", ignore_errors=True)  # no attempts saved by an earlier marking
    work.mkdir(parents=True, exist_ok=True)
    source = Path(task["source"])
    original = make_edition(
        nbformat.read(str(source), as_version=4),
        "learner",
        {"data_dir": "data", "learner": task["learner_id"]},
    )
    submitted = nbformat.read(task["submission"], as_version=4)
    flags = edits_beyond_exercises(submitted, original)
    parameters = {"data_dir": task["data_dir"], "learner": task["learner_id"],
                  "home": str(work / "home"), "edition": "learner"}  # fmt: skip
    nb, deleted = build_marking_notebook(submitted, original, task["exercises"], parameters)
    started = time.monotonic()
    executed, stopped = execute_submission(nb, work, task["time_limit"])
    records, cell_errors, other_errors = read_marks(executed)
    entries = [
        judged(
            ex, records.get(ex["exercise"]), cell_errors.get(ex["exercise"]), stopped,
            ex["exercise"] in deleted,
        )
        for ex in task["exercises"]
    ]  # fmt: skip
    if deleted:  # no check ran on a deleted cell: its answer comes from the learner's answer key
        _expected_from_key(entries, task.get("answer_key"))
    result = {
        "key": task["key"],
        "learner_id": task["learner_id"],
        "unit": task["unit"],
        "fingerprint": task["fingerprint"],
        "submission": task["submission_shown"],
        "stopped": stopped,
        "errors": other_errors[:5],
        "flags": flags,
        "exercises": entries,
        "seconds": round(time.monotonic() - started, 1),
        "error": None,
    }
    nbformat.write(executed, str(marks_dir / source.name))
    path = marks_dir / f"{task['unit']:02d}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return result


def run_mark_task(task: dict[str, Any]) -> dict[str, Any]:
    """Worker entry point: mark one notebook; a failure is returned, not raised."""
    try:
        return mark_submission(task)
    except Exception as err:  # reported in the summary; the other notebooks go on
        return {"key": task["key"], "error": f"{type(err).__name__}: {err}"}


# --- the class --------------------------------------------------------------------------------


@dataclass
class MarkReport:
    """What a marking run did, for the tutor's terminal."""

    out: Path
    marked: int = 0
    unchanged: int = 0
    not_submitted: list[tuple[str, int]] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    stopped: dict[str, str] = field(default_factory=dict)
    flagged: dict[str, list[str]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """A short summary for the terminal."""
        missing = len(self.not_submitted)
        lines = [
            f"Marked {counted(self.marked, 'notebook')}; {self.unchanged:,} unchanged since the "
            f"last marking (kept); {counted(missing, 'unit')} not handed in"
            f"{' (a learner and a unit each)' if missing else ''}.",
        ]
        for problem in self.problems:
            lines.append(f"  {problem.path}: {problem.message}")
        for key, why in self.stopped.items():
            lines.append(f"  {key}: marked as far as it ran: {why}")
        for key, flags in self.flagged.items():
            lines.extend(f"  {key}: {flag}" for flag in flags)
        for key, error in self.failed.items():
            lines.append(f"  FAILED {key}: {error}")
        lines.append(f"Gradebook: {(self.out / 'gradebook.csv').resolve()}")
        lines.append(f"Open {(self.out / 'index.html').resolve()}")
        return lines


def _probe_digest() -> str:
    """A digest of the marking code, so a change to how work is judged re-marks everything."""
    here = Path(__file__).parent
    return classpack.fingerprint(
        classpack.file_digest(here / "marking_probe.py"), classpack.file_digest(Path(__file__))
    )


def _read_previous(path: Path, stamp: str) -> dict[str, Any] | None:
    """The saved marks at path if they were made from the same inputs, else None."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return saved if saved.get("fingerprint") == stamp and not saved.get("error") else None


def mark_class(
    pack: Path,
    submissions: Path,
    out: Path,
    jobs: int | None = None,
    scheduler: str | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    progress: bool = True,
) -> MarkReport:
    """Mark every returned notebook and write the gradebook, scores, feedback and overview."""
    import os

    import svcworkbook
    from svcworkbook.teaching import marking_pages, runner
    from svcworkbook.teaching.submissions import place_submissions

    pack, submissions, out = Path(pack), Path(submissions), Path(out)
    about = classpack.read_pack_about(pack)
    if not submissions.is_dir():
        raise ParameterError(f"{submissions} is not a folder of returned notebooks")
    if jobs is not None and jobs < 1:
        raise ParameterError(f"--jobs must be 1 or more, got {jobs}")
    if time_limit <= 0:
        raise ParameterError(f"--time-limit must be more than 0 seconds, got {time_limit:g}")
    roster = about["learners"]
    units = [int(u) for u in about["units"]]
    sources = {u: runner.resolve_notebook(u) for u in classpack.UNITS}
    exercises = {u: unit_exercises(sources[u], u) for u in units}
    placement = place_submissions(submissions, [r["learner_id"] for r in roster], sources, units)
    manifest = classpack.Manifest.read(pack / classpack.MANIFEST)
    report = MarkReport(out=out, problems=list(placement.problems))
    out.mkdir(parents=True, exist_ok=True)
    code, version = _probe_digest(), svcworkbook.__version__
    results: dict[tuple[str, int], dict[str, Any]] = {}
    tasks = []
    for (learner, unit), sub in sorted(placement.submissions.items()):
        data_dir = classpack.learner_data_dir(pack, learner)
        data = manifest.entries.get(f"data/{learner}", {}).get("files")
        if not data:
            report.failed[f"{learner} unit {unit}"] = (
                f"the pack has no dataset for {learner}; run `svcworkbook classpack` first"
            )
            continue
        stamp = classpack.fingerprint(
            "mark", classpack.file_digest(sub.path), classpack.file_digest(sources[unit]), data,
            version, code, time_limit,
        )  # fmt: skip
        marks_dir = out / "marks" / learner
        previous = _read_previous(marks_dir / f"{unit:02d}.json", stamp)
        if previous is not None:
            results[(learner, unit)] = previous
            report.unchanged += 1
            continue
        tasks.append(
            {
                "key": f"mark/{learner}/{unit:02d}",
                "learner_id": learner,
                "unit": unit,
                "submission": str(sub.path.resolve()),
                "submission_shown": sub.path.relative_to(submissions).as_posix(),
                "source": str(sources[unit]),
                "data_dir": str(data_dir.resolve()),
                "marks_dir": str(marks_dir.resolve()),
                "answer_key": str(
                    classpack.answer_key_path(pack, learner, sources[unit]).resolve()
                ),
                "time_limit": time_limit,
                "fingerprint": stamp,
                "exercises": [
                    {"exercise": e.exercise, "cell_id": e.cell_id, "check": e.check}
                    for e in exercises[unit]
                ],
            }
        )
    jobs = jobs or max(1, min(os.cpu_count() or 1, len(tasks)))
    bar = classpack._progress_bar(len(tasks), "notebooks marked", progress)

    def done(result: dict[str, Any]) -> None:
        if result.get("error"):
            report.failed[result["key"]] = result["error"]
        else:
            results[(result["learner_id"], result["unit"])] = result
            report.marked += 1
        bar.update(1)

    classpack.run_tasks(tasks, jobs, scheduler, done, function=run_mark_task)
    bar.close()
    for (learner, unit), result in sorted(results.items()):
        key = f"{learner} unit {unit}"
        if result.get("stopped"):
            report.stopped[key] = result["stopped"]
        notes = list(placement.submissions[(learner, unit)].notes)
        result["notes"] = notes
        if result.get("flags") or notes:
            report.flagged[key] = [*notes, *result.get("flags", [])]
    names = {r["learner_id"]: r["name"] for r in roster}
    for learner in names:
        for unit in units:
            if (learner, unit) not in placement.submissions:
                report.not_submitted.append((learner, unit))
    book = gradebook(names, units, exercises, results, placement.submissions)
    from svcworkbook.data.privacy import write_safe_csv

    write_safe_csv(book, out / "gradebook.csv")
    quiz = {learner: quiz_results(path) for learner, path in placement.progress.items()}
    write_safe_csv(unit_scores(book, quiz), out / "scores.csv")
    marking_pages.write_pages(out, names, units, exercises, book, results, report, quiz, sources)
    return report


def gradebook(names, units, exercises, results, submitted):
    """One row per learner x exercise (GRADEBOOK_COLUMNS); units not returned: not attempted."""
    import pandas as pd

    rows = []
    for learner, name in names.items():
        for unit in units:
            marked = results.get((learner, unit))
            entries = {e["exercise"]: e for e in (marked or {}).get("exercises", [])}
            for ex in exercises[unit]:
                entry = entries.get(ex.exercise)
                if entry is None:
                    why = (
                        "the notebook could not be marked"
                        if (learner, unit) in submitted
                        else NOT_RETURNED
                    )
                    entry = {"answer": "", "result": "not attempted", "slip": "",
                             "expected": "", "note": why, "reason": ""}  # fmt: skip
                rows.append(
                    {
                        "learner_id": learner, "name": name, "unit": unit,
                        "exercise": ex.exercise, "answer": entry["answer"],
                        "result": entry["result"], "slip": entry["slip"],
                        "expected": entry["expected"], "note": entry["note"],
                        "reason": entry.get("reason", ""),
                    }
                )  # fmt: skip
    return pd.DataFrame(rows, columns=GRADEBOOK_COLUMNS)


def quiz_results(path: Path) -> dict[int, dict[str, Any]]:
    """Per unit, from a returned progress.json: quiz questions answered and right at the latest
    try, and flashcards reviewed and known well (``scheduling.known_well``: FSRS stability of 4
    days or more; old Leitner states are read as FSRS); {} if the file is not a progress file."""
    from svcworkbook.learning import progress, scheduling

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != progress.FORMAT:
        return {}
    record = progress.Progress(list(data.get("answers", [])), dict(data.get("cards", {})))
    found: dict[int, dict[str, Any]] = {}
    for row in progress.unit_scores(record.answers_frame()).itertuples():
        found[int(row.unit)] = {
            "quiz_answered": int(row.answered),
            "quiz_right": int(row.right_now),
        }
    for card, state in record.cards.items():
        if not (isinstance(card, str) and card[:1] == "U" and card[1:2].isdigit()):
            continue
        unit = found.setdefault(int(card[1]), {"quiz_answered": 0, "quiz_right": 0})
        unit["cards_reviewed"] = unit.get("cards_reviewed", 0) + 1
        try:
            known = scheduling.known_well(scheduling.CardState.from_dict(state))
        except (ValueError, TypeError, KeyError, AttributeError):  # not a card state: not known
            known = False
        unit["cards_known"] = unit.get("cards_known", 0) + int(known)
    return found


def counted(n: int, noun: str) -> str:
    """'1 notebook', '7 notebooks' (the noun's plural by adding s)."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def unit_scores(book, quiz: dict[str, dict[int, dict[str, Any]]]):
    """Per learner and unit: score (right 1, close 1/2) out of the unit's exercises, and the quiz.

    A unit the learner did not hand in has a blank score, not 0 (an LMS then shows no grade,
    rather than a mark of nothing); whole scores are written whole (3, not 3.0).
    """
    import pandas as pd

    rows = []
    for (learner, name, unit), group in book.groupby(["learner_id", "name", "unit"], sort=False):
        own = quiz.get(learner, {}).get(int(unit), {})
        score = float(group["result"].map(MARKS).sum())
        handed_in = (group["note"] != NOT_RETURNED).any()
        rows.append(
            {
                "learner_id": learner,
                "name": name,
                "unit": int(unit),
                "score": (int(score) if score.is_integer() else score) if handed_in else "",
                "out_of": len(group),
                "quiz_right": own.get("quiz_right", ""),
                "quiz_answered": own.get("quiz_answered", ""),
            }
        )
    return pd.DataFrame(rows)
