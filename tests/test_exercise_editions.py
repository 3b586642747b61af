"""Every unit's exercises in a learner edition on a non-default seed: no expected answer appears
in any output or text above its exercise, no output states an answer, nothing is recorded; the
tutor edition records every expected answer as ``exercise_answers``, in notebook order."""

from __future__ import annotations

import re

import nbformat
import pytest

from svcworkbook.learning import exercises
from svcworkbook.teaching import runner
from svcworkbook.teaching.session import read_results
from svcworkbook.units import all_exercises

pytestmark = pytest.mark.notebook
SEED = 23
_ID = re.compile(r"\b(U[1-5]\.E[0-9]+)\b")


def _text(output) -> str:
    """What a reader sees of one output: its plain text, or its HTML without the tags."""
    data = output.get("data", {})
    if "text/html" in data:
        html = "".join(data["text/html"])
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")
    if "text/plain" in data:
        return "".join(data["text/plain"])
    return "".join(output.get("text", ""))


def _exercise_cells(nb) -> list[tuple[int, str]]:
    """(cell index, exercise id) for each cell tagged exercise, the id from the text above it."""
    found = []
    for index, cell in enumerate(nb.cells):
        if "exercise" in cell.metadata.get("tags", []):
            above = next(c for c in reversed(nb.cells[:index]) if c.cell_type == "markdown")
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


def _run(unit: int, edition: str, tmp_path):
    """Execute one edition of a unit with the non-default seed; the executed notebook."""
    out = tmp_path / f"{edition}{unit}.ipynb"
    runner.execute(runner.resolve_notebook(unit), out, {"seed": SEED}, edition=edition)
    return nbformat.read(out, as_version=4), out


@pytest.mark.parametrize("unit", [1, 2, 3, 4, 5])
def test_a_learner_edition_never_shows_an_answer(unit, tmp_path):
    tutor, tutor_path = _run(unit, "tutor", tmp_path)
    answers = read_results(tutor_path)["exercise_answers"]
    learner, learner_path = _run(unit, "learner", tmp_path)

    # the tutor edition records every exercise of the notebook, in order, with its spec
    cells = _exercise_cells(learner)
    ids = [exercise_id for _, exercise_id in cells]
    assert list(answers) == ids and len(ids) >= 3
    assert ids == [f"U{unit}.E{n}" for n in range(1, len(ids) + 1)]
    specs = {spec.id: spec for spec in all_exercises()}
    kinds = {specs[i].kind for i in ids}
    assert "choice" in kinds and kinds - {"choice"}  # choose and justify, and figures to work out

    # a learner edition records none, and no output says what the answer is
    assert "exercise_answers" not in read_results(learner_path)
    everything = learner_path.read_text(encoding="utf-8")
    assert "Tutor edition" not in everything and "the answer is" not in everything.lower()

    # no expected answer appears in any output or text above its exercise
    for index, exercise_id in cells:
        spec, expected = specs[exercise_id], answers[exercise_id]
        above = []
        for cell in learner.cells[:index]:
            if cell.cell_type == "markdown":
                above.append(cell.source)
            above += [_text(o) for o in cell.get("outputs", [])]
        leaks = _leaks(spec, expected, "\n".join(above))
        assert not leaks, f"{exercise_id}: {spec.shown(expected)} is on screen above it: {leaks}"
        # the question states its precision, and the exercise cell ran with no answer yet
        question = next(c for c in reversed(learner.cells[:index]) if c.cell_type == "markdown")
        if spec.kind != "choice":
            assert spec.precision_words in question.source.replace("**", ""), exercise_id
        shown = " ".join(_text(o) for o in learner.cells[index].get("outputs", []))
        assert "Replace None with your answer" in shown, exercise_id

    # the worked answers in the tutor edition are right
    right = [
        _text(o)
        for cell in tutor.cells
        if "solution" in cell.metadata.get("tags", [])
        for o in cell.get("outputs", [])
        if exercises.ATTEMPT_MIME in o.get("data", {})
    ]
    assert len(right) == len(ids) and all(text.strip().startswith("✔") for text in right), right
