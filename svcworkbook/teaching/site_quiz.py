"""Quizzes and flashcards that work in a static page: HTML and data from the question bank.

The page's script (``assets/site.js``) makes them work without a kernel. Each quiz is an element
with ``data-svc-quiz`` holding one list item per question: the options as ``<button>``s in the
order the notebook widget shows them (``learning.quiz.option_order`` with seed 0), a numeric
question as a text box and a Check button, and an ``aria-live`` region for the feedback and the
explanation. Answers and flashcard boxes are kept in the browser's ``localStorage`` under
``svcworkbook:unitN:question:ID`` and ``svcworkbook:unitN:card:ID``.

The answer key and explanations travel in a JSON ``<script>`` block, which the browser does not
display: the page states no answer until the reader has given one (as jupyterquiz does, anyone
reading the page's source can see the key).
"""

from __future__ import annotations

import html
import json
from typing import Any

from svcworkbook.content.models import Question, Unit
from svcworkbook.learning.flashcards import INTERVAL_DAYS, unit_cards
from svcworkbook.learning.quiz import LETTERS, option_order

#: The seed the in-page quiz orders options with: the notebooks' ``quiz(N, seed=0)``.
QUIZ_SEED = 0


def _attr(text: str) -> str:
    """Text escaped for an HTML attribute value."""
    return html.escape(str(text), quote=True)


def _dom_id(*parts: Any) -> str:
    """An HTML id from parts: 'U1.Q3' -> 'svc-U1-Q3'."""
    return "svc-" + "-".join(str(p).replace(".", "-").replace(" ", "-") for p in parts)


def is_numeric(question: Question) -> bool:
    """Whether the question wants a typed figure (``kind: numeric``) rather than a choice."""
    return question.kind == "numeric"


def in_percent(question: Question) -> bool:
    """Whether a numeric answer is itself a percentage (or percentage points): then '70%' typed
    means 70, not 0.7."""
    return "%" in question.answer_unit or "percent" in question.answer_unit.lower()


def numeric_key(question: Question) -> dict[str, Any]:
    """A numeric question's right figure, its tolerance (right when |given - answer| <= it, as
    Question.accepts) and whether a typed '%' is part of the figure."""
    return {
        "value": float(question.answer),
        "tolerance": float(question.tolerance or 0.0),
        "percent": in_percent(question),
    }


def question_key(question: Question) -> dict[str, Any]:
    """What the page's script needs to mark one question: the right option or value, the right
    letter as shown, and the explanation."""
    key: dict[str, Any] = {"id": question.id, "explanation": question.explanation}
    if is_numeric(question):
        key.update(kind="numeric", **numeric_key(question))
        return key
    order = option_order(question, QUIZ_SEED)
    key.update(
        kind="choice",
        answer=int(question.answer),
        letter=LETTERS[order.index(question.answer)],
    )
    return key


def _choice_html(question: Question) -> str:
    """A choice question's options as buttons, in the order shown in the notebook."""
    buttons = []
    for place, index in enumerate(option_order(question, QUIZ_SEED)):
        buttons.append(
            f'<button type="button" class="svc-option" data-option="{index}" '
            f'aria-pressed="false"><span class="svc-letter">{LETTERS[place]}.</span> '
            f"{html.escape(question.options[index])}</button>"
        )
    return "".join(buttons)


def _numeric_html(question: Question) -> str:
    """A numeric question's text box (numbers, '82%' or '1,234' accepted) and Check button."""
    box = _dom_id(question.id, "answer")
    unit = f" ({html.escape(question.answer_unit)})" if question.answer_unit else ""
    return (
        f'<form class="svc-numeric" novalidate><label for="{box}">Your answer{unit}</label>'
        f'<input id="{box}" name="answer" type="text" inputmode="decimal" autocomplete="off">'
        ' <button type="submit" class="svc-button">Check</button></form>'
    )


def question_html(question: Question) -> str:
    """One question: its prompt, its options (or a text box), and a live feedback region."""
    prompt = _dom_id(question.id, "prompt")
    controls = _numeric_html(question) if is_numeric(question) else _choice_html(question)
    return (
        f'<li class="svc-question" data-question="{_attr(question.id)}">'
        f'<p class="svc-prompt" id="{prompt}">{html.escape(question.prompt)}</p>'
        f'<div class="svc-options" role="group" aria-labelledby="{prompt}">{controls}</div>'
        f'<div class="svc-feedback" aria-live="polite" role="status"></div></li>'
    )


def _json_block(data: Any, css_class: str) -> str:
    """Data for the page's script in a JSON block ('<' escaped so text cannot end the block)."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="application/json" class="{css_class}">{text}</script>'


def quiz_html(unit: Unit, questions: list[Question] | None = None) -> str:
    """The unit's quiz as a page section: every question, a score line and 'Clear my answers'."""
    questions = list(unit.questions if questions is None else questions)
    if not questions:
        return f"<p>Unit {unit.number} has no quiz questions yet.</p>"
    title = _dom_id("quiz", unit.number, "title")
    key = {"unit": unit.number, "questions": [question_key(q) for q in questions]}
    items = "".join(question_html(q) for q in questions)
    return (
        f'<section class="svc-quiz" data-svc-quiz="{unit.number}" aria-labelledby="{title}">'
        f'<p class="svc-quiz-title" id="{title}">Quiz: Unit {unit.number} {html.escape(unit.title)}'
        f" ({len(questions)} questions)</p>"
        '<p class="svc-quiz-how">Choose an answer to see whether it is right and why. Your '
        "answers are kept in this browser on this computer, not sent anywhere.</p>"
        f'<p class="svc-score" aria-live="polite">No answers yet: 0 of {len(questions)} '
        "answered.</p>"
        f'<ol class="svc-questions">{items}</ol>'
        '<button type="button" class="svc-button svc-clear">Clear my answers</button>'
        f"{_json_block(key, 'svc-quiz-key')}</section>"
    )


def answer_key_html(unit: Unit, questions: list[Question] | None = None) -> str:
    """The tutor edition's answer key: each question's right option (letter as shown) or figure,
    and the explanation, folded away under a toggle."""
    questions = list(unit.questions if questions is None else questions)
    items = []
    for question in questions:
        key = question_key(question)
        if is_numeric(question):
            unit_text = f" {question.answer_unit}" if question.answer_unit else ""
            right = f"{key['value']:g}{unit_text} (plus or minus {key['tolerance']:g})"
        else:
            right = f"{key['letter']}. {question.options[question.answer]}"
        items.append(
            f"<li><p>{html.escape(question.prompt)}</p><p><strong>Answer: "
            f"{html.escape(right)}</strong>. {html.escape(question.explanation)}</p></li>"
        )
    return (
        '<details class="svc-answer-key"><summary>Answer key (tutor edition)</summary>'
        f"<ol>{''.join(items)}</ol></details>"
    )


def flashcards_html(unit: Unit) -> str:
    """The unit's flashcards as a page section: one card at a time, Leitner boxes as in
    learning.flashcards (knew it: up a box; didn't: back to box 1; due after INTERVAL_DAYS)."""
    cards = unit_cards(unit)
    title = _dom_id("cards", unit.number, "title")
    data = {
        "unit": unit.number,
        "intervals": {str(box): days for box, days in INTERVAL_DAYS.items()},
        "cards": [{"id": c.id, "front": c.front, "back": c.back} for c in cards],
    }
    first = cards[0] if cards else None
    front = html.escape(first.front) if first else "This unit has no flashcards."
    return (
        f'<section class="svc-flashcards" data-svc-flashcards="{unit.number}" '
        f'aria-labelledby="{title}">'
        f'<p class="svc-cards-title" id="{title}">Flashcards: Unit {unit.number} '
        f"{html.escape(unit.title)} ({len(cards)} cards)</p>"
        f'<p class="svc-card-status" aria-live="polite">{len(cards)} cards due today.</p>'
        f'<div class="svc-card"><p class="svc-card-front">{front}</p>'
        '<div class="svc-card-back" hidden></div></div>'
        '<div class="svc-card-buttons">'
        '<button type="button" class="svc-button svc-card-flip">Show the back</button>'
        '<button type="button" class="svc-button svc-card-knew" disabled>Knew it</button>'
        '<button type="button" class="svc-button svc-card-didnt" disabled>Didn\'t know it'
        "</button>"
        '<button type="button" class="svc-button svc-card-reset">Start the cards again</button>'
        f"</div>{_json_block(data, 'svc-cards-data')}</section>"
    )
