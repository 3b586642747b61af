"""Learners in a real JupyterLab: the quiz answered by keyboard resumes after a kernel restart,
the evidence form saves evidence that ends up in the exported CSV, and an exercise in a learner
edition judges a wrong answer, a slip and a right one, then shows the saved attempt after a
reload."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from conftest import TOKEN, write_notebook
from svcworkbook.content import load_unit
from svcworkbook.learning import portfolio, progress, quiz

pytestmark = pytest.mark.browser


def run_all_cells(page) -> None:
    """Run every cell with JupyterLab's own menu (Run > Run All Cells), once the kernel is
    ready; tried again if the run did not start (the kernel was still connecting)."""
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
    prompt = page.locator(".jp-Notebook .jp-InputPrompt").first
    for _ in range(4):
        before = prompt.inner_text()
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        for _ in range(40):
            if prompt.inner_text() not in (before, "[ ]:"):
                return
            page.wait_for_timeout(250)
    raise AssertionError("the notebook's cells did not run")


def open_and_run(page, base: str, name: str) -> None:
    """Open a notebook in its own JupyterLab workspace, wait for its kernel, run every cell."""
    workspace = name.replace(".", "-")
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{name}?reset&token={TOKEN}")
    run_all_cells(page)


#: The quiz the browser test answers: two multiple-choice questions, then a numeric one.
QUIZ_IDS = ["U1.Q1", "U1.Q3", "U1.Q19"]


def keys_for(learner: str = "ada", round_number: int = 1):
    """For each choice question of the quiz: (number key of a wrong option, of the right one)."""
    unit = load_unit(1)
    questions = quiz.choose_questions(unit, ids=QUIZ_IDS)
    pairs = []
    for question in questions[:2]:
        order = quiz.option_order(question, 0, learner, round_number)
        right = order.index(question.answer) + 1
        wrong = next(place + 1 for place, index in enumerate(order) if index != question.answer)
        pairs.append((str(wrong), str(right)))
    return pairs


def _contrast(rgb_text: str, rgb_background: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours as the browser computed them."""

    def luminance(css: str) -> float:
        r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css)[:3])
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(rgb_text), luminance(rgb_background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def colours(locator) -> tuple[str, str]:
    """(text colour, background colour) of an element, as computed by the browser."""
    return locator.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")


def restart_kernel(page) -> None:
    """Kernel > Restart Kernel..., accept the dialog, wait for the new kernel to be idle."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel").first.click()
    page.locator(".jp-Dialog-button.jp-mod-accept").click()
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)


def test_quiz_by_keyboard_resumes_after_a_kernel_restart(lab, page):
    base, notebooks, home = lab
    source = f'from svcworkbook.learning.quiz import quiz\nquiz(1, questions={QUIZ_IDS!r}, learner="ada")'
    write_notebook(notebooks / "quiz.ipynb", source)
    (first_wrong, _), (_, second_right) = keys_for()
    open_and_run(page, base, "quiz.ipynb")
    widget = page.locator(".svc-quiz")
    widget.locator(".svc-quiz-prompt").click()  # focus inside the widget, as a learner would
    assert page.evaluate("document.activeElement.classList.contains('svc-quiz')")
    for key in ("b", "a", "m", "d", "d", "x"):  # notebook shortcuts: must do nothing here
        page.keyboard.press(key)
    page.keyboard.press(first_wrong)
    feedback = widget.locator(".svc-feedback")
    feedback.get_by_text("Not quite").wait_for()
    right, wrong = widget.locator(".svc-option.svc-right"), widget.locator(".svc-option.svc-wrong")
    for answered in (right, wrong, widget.locator(".svc-feedback-wrong")):
        text, background = colours(answered)
        if background in ("rgba(0, 0, 0, 0)", "transparent"):
            background = "rgb(255, 255, 255)"
        assert _contrast(text, background) >= 4.5, (text, background)
    focused = page.evaluate("document.activeElement.className")
    assert "svc-next" in focused  # focus moved to Next, so Enter goes on
    outline = widget.locator(".svc-next").evaluate("e => getComputedStyle(e).outlineWidth")
    assert outline == "3px"
    page.keyboard.press("Enter")
    widget.get_by_text("question 2 of 3").wait_for()
    page.keyboard.press(second_right)
    feedback.get_by_text("Right.").wait_for()
    assert "Score this round: 1 of 2" in widget.locator(".svc-quiz-header").inner_text()
    area = page.locator(".jp-OutputArea-output").first
    assert area.evaluate("e => e.scrollWidth <= e.clientWidth")  # no horizontal scrollbar
    assert widget.evaluate("e => e.scrollWidth <= e.clientWidth")
    # the notebook is unchanged: one code cell, same source
    assert page.locator(".jp-Notebook .jp-Cell").count() == 1
    assert page.locator(".jp-Notebook .jp-CodeCell").count() == 1
    assert "questions=" in page.locator(".jp-Notebook .jp-Cell .jp-InputArea").inner_text()

    restart_kernel(page)
    run_all_cells(page)
    widget = page.locator(".svc-quiz")
    widget.get_by_text("question 2 of 3").wait_for()  # where the learner was, not question 1
    assert "Score this round: 1 of 2" in widget.locator(".svc-quiz-header").inner_text()
    widget.locator(".svc-feedback").get_by_text("Right.").wait_for()
    assert not widget.locator(".svc-retry").is_disabled()  # a missed question: retry any time
    widget.locator(".svc-next").focus()
    page.keyboard.press("Enter")
    widget.get_by_text("question 3 of 3").wait_for()
    figure = widget.locator(".svc-figure-input")
    figure.focus()
    figure.type("70")
    page.keyboard.press("Enter")
    widget.locator(".svc-feedback-right").get_by_text("Right.").wait_for()
    widget.locator(".svc-round-end").get_by_text("Round finished: 2 of 3 right.").wait_for()
    answers = progress.load_progress("ada", home).answers_frame()
    assert answers["correct"].tolist() == [False, True, True]
    assert answers["question"].tolist() == QUIZ_IDS


def test_evidence_logged_in_the_form_is_in_the_exported_csv(lab, page, tmp_path):
    base, notebooks, home = lab
    write_notebook(
        notebooks / "evidence.ipynb",
        'from svcworkbook.learning import portfolio\nportfolio.evidence_form(2, learner="bea")',
    )
    open_and_run(page, base, "evidence.ipynb")
    form = page.locator(".svc-evidence-form")
    form.locator(".widget-text input").first.fill("Observed complaint call <b>")
    form.locator(".widget-dropdown select").select_option("witness testimony")
    form.locator("textarea").fill("My team leader watched me resolve a refund complaint.")
    form.locator(".widget-select-multiple select").select_option(index=[0, 2])
    form.get_by_role("button", name="Save evidence").click()
    form.get_by_text("Saved as evidence 1").wait_for()
    assert "Observed complaint call &lt;b&gt;" in form.inner_html()  # learner text escaped

    exported = portfolio.export_csv(portfolio.EvidenceLog.load("bea", home), tmp_path / "e.csv")
    table = pd.read_csv(exported, encoding="utf-8-sig")
    assert table.loc[0, "title"] == "Observed complaint call <b>"
    assert table.loc[0, "type"] == "witness testimony"
    assert table.loc[0, "marking_points"] == "U2.MP1, U2.MP3"


def test_flashcards_show_a_forgotten_card_again_in_the_same_session(lab, page):
    base, notebooks, home = lab
    write_notebook(
        notebooks / "cards.ipynb",
        'from svcworkbook.learning.flashcards import flashcards\nflashcards(1, learner="fay")',
    )
    open_and_run(page, base, "cards.ipynb")
    deck = page.locator(".svc-flashcards")
    front = deck.locator(".svc-card-front")
    first = front.inner_text()
    deck.get_by_role("button", name="Show the back").click()
    deck.locator(".svc-card-more summary").get_by_text("More").wait_for()  # the longer text
    again = deck.get_by_role("button", name="Again: I didn't know it")
    text, background = colours(again)
    assert _contrast(text, background) >= 4.5, (text, background)
    again.click()
    expect(front).not_to_have_text(first)  # the next card
    others = 0
    while front.inner_text() != first:
        others += 1
        assert others <= 20, "the forgotten card never came back"
        shown = front.inner_text()
        deck.get_by_role("button", name="Show the back").click()
        deck.get_by_role("button", name="Easy: I knew it at once").click()
        expect(front).not_to_have_text(shown)
    unit = load_unit(1)
    assert others == len(unit.concepts) + len(unit.marking_points) - 1  # after the rest
    saved = progress.load_progress("fay", home).cards
    assert len(saved) == others + 1 and all("fsrs" in state for state in saved.values())


def run_all_once(page, base: str | None = None, name: str | None = None) -> None:
    """Run > Run All Cells once the kernel is idle (the notebook opens on a markdown cell, so
    run_all_cells' first-prompt check does not apply); opens the notebook first if named."""
    if name is not None:
        workspace = name.replace(".", "-")
        page.goto(f"{base}/lab/workspaces/{workspace}/tree/{name}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def answer_exercise(page, cell, answer: str) -> None:
    """Type an answer into an exercise cell (replacing its first line) and run it."""
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("Shift+End")
    page.keyboard.type(f"my_answer = {answer}")
    page.keyboard.press("Shift+Enter")


def test_an_exercise_in_a_learner_edition_wrong_slip_right_then_saved(lab, page):
    import math

    import nbformat

    from svcworkbook.data import loading
    from svcworkbook.teaching import editions, runner
    from svcworkbook.units.unit2_delivery import service_plan

    base, notebooks, home = lab
    source = nbformat.read(str(runner.resolve_notebook(2)), as_version=4)
    learner_edition = editions.make_edition(source, "learner", {"learner": "cy"})
    assert not any("solution" in c.metadata.get("tags", []) for c in learner_edition.cells)
    editions.write_notebook(learner_edition, notebooks / "unit2.ipynb")
    # the expected answer and the slip, worked out here from the same sample data
    intervals = loading.load_samples()["intervals"]
    plan = service_plan.staffing_for(service_plan.forecast_demand(intervals), 20, 0.8, 0.3)
    peak = int(service_plan.busiest_interval(plan)["agents_on_phones"])
    right = math.ceil(round(peak / 0.65, 9))
    multiplied = math.ceil(round(peak * 1.35, 9))
    assert multiplied != right

    run_all_once(page, base, "unit2.ipynb")
    cell = page.locator(".jp-CodeCell", has_text="check_staff_to_roster(my_answer, plan")
    feedback = cell.locator(".svc-feedback")
    feedback.get_by_text("Replace None with your answer").wait_for(timeout=240_000)
    assert "Tutor edition" not in page.locator(".jp-Notebook").inner_text()

    answer_exercise(page, cell, str(right + 9))
    feedback.get_by_text("Not right yet").wait_for()
    answer_exercise(page, cell, str(multiplied))
    feedback.get_by_text("you multiplied by (1 + shrinkage)").wait_for()
    answer_exercise(page, cell, str(right))
    feedback.get_by_text("Right.").wait_for()
    assert str(right) not in feedback.inner_text().replace("U2.E2", "")  # the answer is not shown

    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" for the unsaved notebook
    page.reload()
    run_all_once(page)
    saved = page.locator(".jp-CodeCell", has_text="check_staff_to_roster(my_answer, plan")
    saved.get_by_text(f"Your last saved attempt: {right} (right").wait_for(timeout=240_000)
    attempts = progress.load_progress("cy", home).attempts_frame()
    assert attempts["exercise"].tolist() == ["U2.E2"] * 3
    assert attempts["result"].tolist() == ["wrong", "wrong", "right"]
    assert attempts["slip"].tolist() == [None, "multiplied", None]
