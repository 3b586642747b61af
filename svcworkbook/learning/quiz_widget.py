"""The quiz as a JupyterLab widget (anywidget): keyboard first, readable in every state.

Why anywidget rather than ipywidgets buttons: the quiz needs three things ipywidgets cannot give
from Python. (1) JupyterLab's notebook shortcuts (``b``, ``d d``, ``m``...) must not fire while
the learner uses the quiz: Lumino skips its key bindings for any element inside one carrying the
``data-lm-suppress-shortcuts`` attribute, which only front-end code can set. (2) Number keys
1-4 answer the question shown. (3) Colours are ours, so every state keeps text contrast of at
least 4.5:1 (WCAG AA), where ipywidgets' answered buttons were white on green at about 2.2:1.

The Python side (``QuizView``) owns the session and sends a plain ``view`` dict; the front end
draws it and sends back ``answer``, ``next`` and ``retry`` messages.
"""

from __future__ import annotations

import html
import string
from typing import Any

import anywidget
import traitlets

from svcworkbook.learning.quiz import QuizSession, saved_line

#: Text and background colours of each state: (text, background). The tests check each pair's
#: WCAG contrast ratio is at least 4.5:1 with the formula, not by eye.
COLOURS = {
    "option": ("#1b1b1b", "#f3f4f6"),
    "option-hover": ("#1b1b1b", "#e3e6ea"),
    "right": ("#ffffff", "#176b32"),
    "wrong": ("#ffffff", "#a4231a"),
    "answered": ("#1b1b1b", "#ffffff"),
    "feedback-right": ("#176b32", "#ffffff"),
    "feedback-wrong": ("#a4231a", "#ffffff"),
    "control": ("#ffffff", "#1f4e9c"),
    "control-disabled": ("#4b5563", "#e5e7eb"),
    "muted": ("#4b5563", "#ffffff"),
}

#: The focus ring: 3 px, dark blue, outside the element (visible on white and on every button).
FOCUS = "#1f4e9c"

_CSS = string.Template("""
.svc-quiz { box-sizing: border-box; width: 100%; max-width: 100%; overflow-wrap: anywhere;
  font-size: 14px; line-height: 1.45; color: $option; padding: 4px 6px; }
.svc-quiz * { box-sizing: border-box; }
.svc-quiz:focus-visible { outline: 3px solid $focus; outline-offset: 2px; }
.svc-quiz .svc-quiz-header { margin: 0 0 6px 0; }
.svc-quiz .svc-saved, .svc-quiz .svc-keys { color: $muted; font-size: 13px; }
.svc-quiz .svc-quiz-prompt { font-weight: 600; margin: 8px 0; }
.svc-quiz .svc-options { display: flex; flex-direction: column; gap: 6px; width: 100%; margin: 0;
  padding: 0; }
.svc-quiz button { font: inherit; cursor: pointer; border-radius: 4px; }
.svc-quiz button:focus-visible, .svc-quiz input:focus-visible {
  outline: 3px solid $focus; outline-offset: 2px; }
.svc-quiz .svc-option { width: 100%; text-align: left; white-space: normal; padding: 8px 10px;
  color: $option; background: $option_bg; border: 1px solid #6b7280; }
.svc-quiz .svc-option:hover:not(:disabled) { background: $option_hover_bg; }
.svc-quiz .svc-option:disabled { cursor: default; color: $answered;
  background: $answered_bg; opacity: 1; }
.svc-quiz .svc-option.svc-right { color: $right; background: $right_bg;
  border-color: $right_bg; }
.svc-quiz .svc-option.svc-wrong { color: $wrong; background: $wrong_bg;
  border-color: $wrong_bg; }
.svc-quiz .svc-figure { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.svc-quiz .svc-figure input { font: inherit; padding: 6px 8px; width: 10em; max-width: 100%;
  border: 1px solid #6b7280; border-radius: 4px; color: $option; background: #ffffff; }
.svc-quiz .svc-feedback { margin: 8px 0; }
.svc-quiz .svc-feedback-right { color: $feedback_right; }
.svc-quiz .svc-feedback-wrong { color: $feedback_wrong; }
.svc-quiz .svc-controls { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 6px; }
.svc-quiz .svc-control { padding: 6px 14px; color: $control; background: $control_bg;
  border: 1px solid $control_bg; }
.svc-quiz .svc-control:disabled { cursor: default; color: $control_disabled;
  background: $control_disabled_bg; border-color: #9ca3af; opacity: 1; }
""").substitute(
    {
        **{k.replace("-", "_"): text for k, (text, _) in COLOURS.items()},
        **{f"{k.replace('-', '_')}_bg": bg for k, (_, bg) in COLOURS.items()},
        "focus": FOCUS,
    }
)

_ESM = """
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el: root }) {
  root.classList.add("svc-quiz");
  // Lumino (JupyterLab) skips its keyboard shortcuts for events inside this element.
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.setAttribute("role", "group");
  root.tabIndex = 0;  // a click anywhere in the quiz puts the keyboard focus in it
  const send = (message) => model.send(message);

  function draw() {
    const view = model.get("view");
    const hadFocus = root.contains(document.activeElement);
    root.replaceChildren();
    root.setAttribute("aria-label", view.title || "Quiz");
    const header = el("div", "svc-quiz-header");
    const title = el("strong", "", view.title);
    header.append(title, document.createTextNode(": " + view.where + ". "));
    header.append(el("span", "svc-score", view.score));
    header.append(el("br"), el("span", "svc-saved", view.saved));
    root.append(header);
    let focusTarget = null;
    if (view.prompt) {
      root.append(el("p", "svc-quiz-prompt", view.prompt));
      if (view.kind === "numeric") {
        const row = el("div", "svc-figure");
        const label = el("label", "", "Your answer (" + view.answer_unit + "): ");
        const input = el("input", "svc-figure-input");
        input.type = "text";
        input.inputMode = "decimal";
        input.disabled = view.answered;
        input.value = view.typed || "";
        label.append(input);
        const check = el("button", "svc-control svc-check", "Check");
        check.disabled = view.answered;
        const submit = () => send({ action: "answer", value: input.value });
        check.addEventListener("click", submit);
        input.addEventListener("keydown", (event) => {
          if (event.key === "Enter") { event.preventDefault(); submit(); }
        });
        row.append(label, check);
        root.append(row);
        if (!view.answered) focusTarget = input;
      } else {
        const list = el("div", "svc-options");
        list.setAttribute("role", "list");
        view.options.forEach((option, i) => {
          const button = el("button", "svc-option svc-option-" + option.letter,
                            (i + 1) + ". " + option.letter + ". " + option.text);
          if (option.state) button.classList.add("svc-" + option.state);
          button.disabled = view.answered;
          button.setAttribute("aria-keyshortcuts", String(i + 1));
          button.addEventListener("click", () => send({ action: "answer", choice: option.letter }));
          list.append(button);
          if (i === 0 && !view.answered) focusTarget = button;
        });
        root.append(list);
      }
    }
    const feedback = el("div", "svc-feedback");
    feedback.setAttribute("aria-live", "polite");
    if (view.feedback) {
      feedback.append(el("div", "svc-feedback-" + view.feedback.kind, view.feedback.text));
      (view.feedback.notices || []).forEach((n) => feedback.append(el("p", "svc-notice", n)));
      if (view.feedback.end) feedback.append(el("p", "svc-round-end", view.feedback.end));
    }
    root.append(feedback);
    const controls = el("div", "svc-controls");
    const next = el("button", "svc-control svc-next", "Next");
    next.disabled = !view.can_next;
    next.addEventListener("click", () => send({ action: "next" }));
    const retry = el("button", "svc-control svc-retry", view.retry_label);
    retry.disabled = !view.can_retry;
    retry.addEventListener("click", () => send({ action: "retry" }));
    controls.append(next, retry);
    root.append(controls);
    root.append(el("div", "svc-keys", view.keys));
    if (view.answered) focusTarget = view.can_next ? next : (view.can_retry ? retry : null);
    if (hadFocus && focusTarget) focusTarget.focus();
  }

  root.addEventListener("keydown", (event) => {
    const view = model.get("view");
    if (event.target.tagName === "INPUT" || event.ctrlKey || event.metaKey || event.altKey) return;
    const number = Number(event.key);
    if (!view.answered && view.options && number >= 1 && number <= view.options.length) {
      event.preventDefault();
      send({ action: "answer", choice: view.options[number - 1].letter });
    }
  });
  model.on("change:view", draw);
  draw();
}

export default { render };
"""


class QuizView(anywidget.AnyWidget):
    """The quiz widget: draws ``view`` (a dict made here from the session) and takes answers."""

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    _css = traitlets.Unicode(_CSS).tag(sync=True)
    view = traitlets.Dict().tag(sync=True)

    def __init__(self, session: QuizSession, **kwargs: Any):
        super().__init__(**kwargs)
        self.session = session
        self.feedback: dict[str, Any] | None = None
        self.typed = ""
        self.saved = saved_line(session.unit, session.learner, session.home)
        self.on_msg(self._on_message)
        if session.answered:
            self.feedback = self._feedback_for_saved()
        self.refresh()

    def _feedback_for_saved(self) -> dict[str, Any]:
        """Feedback for a question answered before a restart (shown again on resume)."""
        s, question = self.session, self.session.current
        correct = s.round_results[question.id]
        verdict = (
            "Right." if correct else f"Not quite: the answer is {s.right_answer_text(question)}."
        )
        return {
            "kind": "right" if correct else "wrong",
            "text": f"{verdict} {question.explanation}",
            "notices": [],
            "end": self._round_end(),
        }

    def _round_end(self) -> str:
        """The end-of-round line when the round is finished, else ''."""
        s = self.session
        if not s.finished:
            return ""
        right, answered = s.score()
        missed = len(s.missed())
        tail = f" {missed} to retry." if missed else " Well done."
        return f"Round finished: {right} of {answered} right.{tail}"

    def _option_states(self) -> list[dict[str, str]]:
        """Each shown option with its state: '', 'right' (the answer) or 'wrong' (chosen)."""
        s, question = self.session, self.session.current
        chosen = s.round_chosen.get(question.id) if s.answered else None
        options = []
        for letter, index, text in s.options(question):
            state = ""
            if s.answered and index == question.answer:
                state = "right"
            elif s.answered and index == chosen:
                state = "wrong"
            options.append({"letter": letter, "text": text, "state": state})
        return options

    def refresh(self) -> None:
        """Send the session as it stands to the front end."""
        s = self.session
        right, answered = s.score()
        question = s.current
        where = f"question {min(s.position + 1, len(s.round_questions))} of "
        where += (
            f"{len(s.round_questions)} ({'round 1' if s.round == 1 else f'retry {s.round - 1}'})"
        )
        missed = len(s.missed())
        view: dict[str, Any] = {
            "title": f"Unit {s.unit.number} quiz",
            "where": where,
            "score": f"Score this round: {right} of {answered}",
            "saved": self.saved,
            "prompt": question.prompt if question else "",
            "kind": question.kind if question else "",
            "answer_unit": question.answer_unit if question else "",
            "options": self._option_states() if question and not question.is_numeric else [],
            "answered": s.answered,
            "typed": self.typed,
            "feedback": self.feedback,
            "can_next": s.answered and s.position + 1 < len(s.round_questions),
            "can_retry": missed > 0,
            "retry_label": f"Retry missed ({missed})" if missed else "Retry missed",
            "keys": "Keys: 1-4 choose an option; Tab moves between buttons; Enter presses one.",
        }
        if question is None:
            view["prompt"] = ""
        self.view = view

    def _on_message(self, _widget, content: dict[str, Any], _buffers) -> None:
        """Handle answer / next / retry from the front end; a bad figure is shown, not raised."""
        action = content.get("action")
        s = self.session
        try:
            if action == "answer" and not s.answered and s.current is not None:
                self._answer(content)
            elif action == "next" and s.answered:
                s.next()
                self.feedback, self.typed = None, ""
            elif action == "retry" and s.missed():
                s.retry_missed()
                self.feedback, self.typed = None, ""
        except ValueError as error:
            self.feedback = {"kind": "wrong", "text": str(error), "notices": [], "end": ""}
        self.refresh()

    def _answer(self, content: dict[str, Any]) -> None:
        """Check the answer given and set the feedback shown under the question."""
        s = self.session
        choice = content.get("value") if s.current.is_numeric else content.get("choice")
        self.typed = str(content.get("value", "")) if s.current.is_numeric else ""
        result = s.answer(choice)
        self.saved = saved_line(s.unit, s.learner, s.home)
        self.feedback = {
            "kind": "right" if result.correct else "wrong",
            "text": result.message,
            "notices": list(result.notices),
            "end": self._round_end(),
        }

    # for tests and scripts: the same actions the front end sends
    def press(self, action: str, **content: Any) -> None:
        """Act as the front end would: press('answer', choice='B'), press('next')..."""
        self._on_message(self, {"action": action, **content}, [])

    def text(self) -> str:
        """What the widget shows, as plain text (prompt, options, feedback)."""
        view = self.view
        parts = [f"{view['title']}: {view['where']}. {view['score']}", view["prompt"]]
        parts += [f"{o['letter']}. {o['text']}" for o in view["options"]]
        if view["feedback"]:
            parts.append(view["feedback"]["text"])
        return html.unescape("\n".join(p for p in parts if p))
