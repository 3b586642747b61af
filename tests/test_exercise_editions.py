"""Every unit's exercises in a learner edition on a non-default seed: no expected answer appears
in any output or text above its exercise, no output states an answer, nothing is recorded; the
tutor's answers, recorded as ``exercise_answers`` in notebook order, are right. The committed
notebook run directly with its defaults (``edition = "learner"``) runs no solution either.

One kernel per unit: the learner edition runs first, and then, *below* every cell a learner sees,
the same kernel switches to a tutor session and runs the unit's solution cells (``%%solution``)
on the same data, which gives the tutor's expected answers without a second run of the notebook.
What the learner part shows is checked only up to where the tutor part starts.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbtools import matrix_kernel

from svcworkbook.learning import exercises, solutions
from svcworkbook.teaching import editions, runner
from svcworkbook.teaching.session import RESULTS_MIME
from svcworkbook.units import all_exercises

pytestmark = pytest.mark.notebook
SEED = 23
_ID = re.compile(r"\b(U[1-5]\.E[0-9]+)\b")
TUTOR_PART = "svc-test-tutor-part"  # the tag of the cells appended below the learner's
#: The level each "Your turn" heading names (how it starts), in the order a unit climbs them.
LEVELS = {"read it off the table": 0, "compute": 1, "one library call": 1, "choose and justify": 2}


def _text(output) -> str:
    """What a reader sees of one output: its plain text, or its HTML without the tags."""
    data = output.get("data", {})
    if "text/html" in data:
        html = "".join(data["text/html"])
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")
    if "text/plain" in data:
        return "".join(data["text/plain"])
    return "".join(output.get("text", ""))


def _exercise_cells(cells) -> list[tuple[int, str]]:
    """(cell index, exercise id) for each cell tagged exercise, the id from the text above it."""
    found = []
    for index, cell in enumerate(cells):
        if "exercise" in cell.metadata.get("tags", []):
            above = next(c for c in reversed(cells[:index]) if c.cell_type == "markdown")
            match = _ID.search(above.source)
            assert match, f"the text above cell {index} names no exercise id"
            found.append((index, match.group(1)))
    return found


def _sentences(text: str) -> list[str]:
    """Text cut into sentences (for answers that are words: a sentence must not state them)."""
    return [s for s in re.split(r"(?<=[.!?:;])\s+|\n+", text) if s.strip()]


def _leaks(spec: exercises.Exercise, expected, text: str) -> list[str]:
    """The printed forms of the expected answer found in text (choices: in one sentence with a
    giveaway word, since the options themselves are on screen)."""
    if spec.kind == "choice":
        answer = str(expected).lower()
        return [
            s
            for s in _sentences(text)
            for word in spec.giveaway
            if word.lower() in s.lower() and re.search(rf"\b{re.escape(answer)}\b", s.lower())
        ]
    found = []
    for form in spec.printed_forms(expected):
        pattern = rf"(?<![\d.]){re.escape(form)}(?![\d])"
        found += [form for _ in re.finditer(pattern, text)]
    return found


def _tutor_part(nb, unit: int) -> list:
    """Cells that, run after the learner's, start a tutor session in the same kernel, run each
    solution cell in notebook order, and record the tutor's answers as the tutor edition does."""
    setup = nbformat.v4.new_code_cell(
        "from svcworkbook.learning import exercises as _svc_exercises\n"
        f"_svc_exercises.begin({unit}, 'tutor', wb.learner, wb.home)\n"
        "wb.params = {**wb.params, 'edition': 'tutor'}"
    )
    solved = [
        nbformat.v4.new_code_cell(cell.source)
        for cell in nb.cells
        if "solution" in cell.metadata.get("tags", [])
    ]
    record = nbformat.v4.new_code_cell("wb.record()")
    cells = [setup, *solved, record]
    for cell in cells:
        cell.metadata["tags"] = [TUTOR_PART]
    return cells


def _run(unit: int, tmp_path, edition: str | None, parameters: dict):
    """Execute a unit (its learner edition, or the committed notebook when edition is None) with
    the tutor part below it, in one kernel; (learner cells, tutor answers, tutor part cells)."""
    committed = nbformat.read(runner.resolve_notebook(unit), as_version=4)
    nb = (
        editions.make_edition(committed, edition, parameters)
        if edition
        else editions.inject_parameters(committed, parameters)
    )
    nb.cells += _tutor_part(committed, unit)
    source = tmp_path / f"unit{unit}-in.ipynb"
    nbformat.write(nb, source)
    out = tmp_path / f"unit{unit}.ipynb"
    runner.execute(source, out, {}, kernel=matrix_kernel())  # the worker's warm kernel
    executed = nbformat.read(out, as_version=4)
    cut = next(i for i, c in enumerate(executed.cells) if TUTOR_PART in c.metadata.get("tags", []))
    learner, tutor = executed.cells[:cut], executed.cells[cut:]
    recorded = [
        o["data"][RESULTS_MIME]
        for o in tutor[-1].get("outputs", [])
        if RESULTS_MIME in o.get("data", {})
    ]
    return learner, recorded[0]["exercise_answers"], tutor


def _assert_no_answer_shown(unit: int, learner, answers, tutor) -> None:
    """What a learner sees states no expected answer; the tutor's answers are complete and right."""
    cells = _exercise_cells(learner)
    ids = [exercise_id for _, exercise_id in cells]
    assert list(answers) == ids and len(ids) >= 3  # every exercise, in notebook order
    assert ids == [f"U{unit}.E{n}" for n in range(1, len(ids) + 1)]
    specs = {spec.id: spec for spec in all_exercises()}

    # the learner part records no answers, and no output says what an answer is
    outputs = [o for cell in learner for o in cell.get("outputs", [])]
    assert not any("exercise_answers" in o.get("data", {}).get(RESULTS_MIME, {}) for o in outputs)
    everything = "\n".join(_text(o) for o in outputs)
    assert "Tutor edition" not in everything and "the answer is" not in everything.lower()

    # no expected answer appears in any output or text above its exercise
    for index, exercise_id in cells:
        spec, expected = specs[exercise_id], answers[exercise_id]
        above = []
        for cell in learner[:index]:
            if cell.cell_type == "markdown":
                above.append(cell.source)
            above += [_text(o) for o in cell.get("outputs", [])]
        leaks = _leaks(spec, expected, "\n".join(above))
        assert not leaks, f"{exercise_id}: {spec.shown(expected)} is on screen above it: {leaks}"
        # the question states its precision, and the exercise cell ran with no answer yet
        question = next(c for c in reversed(learner[:index]) if c.cell_type == "markdown")
        if spec.kind != "choice":
            assert spec.precision_words in question.source.replace("**", ""), exercise_id
        if spec.reason:  # choose and justify: the reason is asked for, and checked
            assert "my_reason" in question.source, exercise_id
            assert "my_reason = None" in learner[index].source, exercise_id
        shown = " ".join(_text(o) for o in learner[index].get("outputs", []))
        assert "Replace None with your answer" in shown, exercise_id

    # the tutor's worked answers (and reasons) are right
    right = [
        o["data"][exercises.ATTEMPT_MIME]["result"]
        for cell in tutor
        for o in cell.get("outputs", [])
        if exercises.ATTEMPT_MIME in o.get("data", {})
    ]
    assert right == ["right"] * len(ids), right


def _levels(cells) -> list[int]:
    """The level each "Your turn" heading names (LEVELS), in notebook order."""
    found = []
    for cell in cells:
        heading = re.match(r"### Your turn \(U\d\.E\d+\): ([^\n]+)", cell.source)
        if cell.cell_type == "markdown" and heading:
            name = heading.group(1).lower()
            levels = [n for start, n in LEVELS.items() if name.startswith(start)]
            assert levels, f"the heading {name!r} names no level of {list(LEVELS)}"
            found.append(levels[0])
    return found


@pytest.mark.parametrize("unit", [1, 2, 3, 4, 5])
def test_a_learner_edition_never_shows_an_answer(unit, tmp_path):
    learner, answers, tutor = _run(unit, tmp_path, "learner", {"seed": SEED})
    assert not any("solution" in c.metadata.get("tags", []) for c in learner)
    _assert_no_answer_shown(unit, learner, answers, tutor)
    # the exercises climb: read it off a table, then compute, then choose and justify
    levels = _levels(learner)
    assert levels == sorted(levels) and levels[0] == 0 and levels[-1] == 2, levels
    specs = {spec.id: spec for spec in all_exercises()}
    last = specs[list(answers)[-1]]
    assert last.kind == "choice" and last.reason  # the climb ends with a choice and its reason
    assert {specs[i].kind for i in answers} - {"choice"}  # and has figures to work out


def test_the_committed_notebook_with_its_defaults_runs_no_solution(tmp_path):
    """notebooks/ run directly (JupyterLab, nbval) with edition = "learner", its default: the
    solution cells are there but neither compute nor show the expected answer."""
    learner, answers, tutor = _run(2, tmp_path, None, {})
    solution_cells = [c for c in learner if "solution" in c.metadata.get("tags", [])]
    assert len(solution_cells) == len(answers)
    for cell in solution_cells:
        assert cell.source.startswith(f"%%{solutions.MAGIC}")
        shown = " ".join(_text(o) for o in cell.get("outputs", []))
        assert shown.strip() == solutions.LEARNER_NOTE, shown
    _assert_no_answer_shown(2, learner, answers, tutor)
