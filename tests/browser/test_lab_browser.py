"""Learners in a real JupyterLab: the quiz saves answers across a reload, the evidence form
saves evidence that ends up in the exported CSV."""

from __future__ import annotations

import pandas as pd
import pytest

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


def letters(n_questions: int = 3, seed: int = 1):
    """For each question of the quiz the page shows: (wrong letter, right letter)."""
    unit = load_unit(1)
    session = quiz.QuizSession(unit, quiz.choose_questions(unit, n=n_questions, seed=seed), seed)
    pairs = []
    for question in session.questions:
        shown = session.options(question)
        right = next(letter for letter, index, _ in shown if index == question.answer)
        wrong = next(letter for letter, index, _ in shown if index != question.answer)
        pairs.append((wrong, right))
    return pairs


def test_quiz_feedback_is_saved_across_a_reload(lab, page):
    base, notebooks, home = lab
    write_notebook(
        notebooks / "quiz.ipynb",
        'from svcworkbook.learning.quiz import quiz\nquiz(1, n=3, seed=1, learner="ada")',
    )
    (first_wrong, _), (_, second_right), _ = letters()
    open_and_run(page, base, "quiz.ipynb")
    page.locator(f".svc-quiz .svc-option-{first_wrong}").click()
    feedback = page.locator(".svc-quiz .svc-feedback")
    feedback.get_by_text("Not quite").wait_for()
    page.locator(".svc-quiz .svc-next").click()
    page.locator(f".svc-quiz .svc-option-{second_right}").click()
    feedback.get_by_text("Right.").wait_for()
    assert "Score this round: 1 of 2" in page.locator(".svc-quiz .svc-quiz-header").inner_text()

    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" for the unsaved notebook
    page.reload()
    run_all_cells(page)
    saved = page.locator(".svc-quiz .svc-saved")
    total = len(load_unit(1).questions)
    saved.get_by_text(f"2 of {total} questions answered, 1 right").wait_for()
    answers = progress.load_progress("ada", home).answers_frame()
    assert answers["correct"].tolist() == [False, True]


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
