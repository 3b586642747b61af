"""Inside a submission being marked: read each exercise's answer and judge it with its own check.

``svcworkbook mark`` re-executes a learner's notebook in a clean kernel with two small cells
around each exercise: ``forget`` before it (so an answer left over from the previous exercise is
never judged again) and ``judge`` after it (and after any cells the learner added below it).
``judge`` runs the exercise cell's check call exactly as the handed-out notebook wrote it, on the
learner's ``my_answer``, and records what the check saw: the verdict and its message, the answer
expected on this learner's data, the kind of answer, and the hint. It is shown as a
machine-readable output (``MARK_MIME``) that the marking process reads back.
"""

from __future__ import annotations

import ast
import inspect
from typing import Any

MARK_MIME = "application/vnd.svcworkbook.mark+json"
ANSWER = "my_answer"
#: A choose-and-justify exercise's reason, judged and kept with the answer.
REASON = "my_reason"


class Mark:
    """A display object carrying one exercise's judged answer as JSON (and a line of text)."""

    def __init__(self, record: dict[str, Any]):
        from svcworkbook.teaching.session import to_jsonable

        self.record = to_jsonable(record)

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = f"[marking] {self.record['exercise']}: {self.record['status']}"
        return {MARK_MIME: self.record, "text/plain": text}


def forget(namespace: dict[str, Any]) -> None:
    """Remove the previous exercise's answer (and reason) from the notebook's namespace."""
    namespace.pop(ANSWER, None)
    namespace.pop(REASON, None)


def _without_answer_lines(source: str) -> tuple[list[ast.stmt], ast.expr | None]:
    """The check cell's statements other than assignments to my_answer (and my_reason), and its
    last expression."""
    body = [
        node
        for node in ast.parse(source).body
        if not (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id in (ANSWER, REASON) for t in node.targets)
        )
    ]
    if body and isinstance(body[-1], ast.Expr):
        return body[:-1], body[-1].value
    return body, None


def _answer_text(answer: Any) -> str:
    """The learner's answer as they would read it ('' when there is none)."""
    if answer is None:
        return ""
    if isinstance(answer, float):
        return f"{answer:.6g}"  # as typed, at most 6 significant figures
    text = str(answer)
    return text if len(text) <= 80 else text[:77] + "..."


def _judgement_details(feedback: Any, seen: dict[str, Any]) -> dict[str, Any]:
    """What a check's feedback and arguments say beyond the verdict: the slip in words, the hint,
    the kind of answer and the expected value as a tutor writes it (when the check can say)."""
    from svcworkbook.learning import exercises

    details: dict[str, Any] = {
        "expected": seen.get("expected"),
        "kind": seen.get("kind", "number"),
        "hint": seen.get("hint", ""),
        "name": seen.get("name", ""),
    }
    judgement = getattr(feedback, "judgement", None)
    if judgement is not None and hasattr(exercises, "exercise"):  # exercises with specs
        spec = exercises.exercise(judgement.exercise)
        details.update(kind=spec.kind, hint=judgement.hint, name=spec.title)
        details["judged_as"] = judgement.exercise
        if judgement.slip:
            details["slip_text"] = spec.slip(judgement.slip).says
        if details["expected"] is not None:
            details["expected_text"] = spec.shown(details["expected"])
    return details


def judge(exercise: str, check_source: str, namespace: dict[str, Any]) -> Mark:
    """Judge the learner's my_answer with the exercise cell's own check call; the Mark."""
    from svcworkbook.learning import exercises

    answer = namespace.get(ANSWER)
    reason = namespace.get(REASON)
    seen: dict[str, Any] = {}
    real_check = exercises.check

    def watching(*args: Any, **kwargs: Any):
        """The real check, noting the arguments it was given (the expected value among them)."""
        try:
            seen.update(inspect.signature(real_check).bind(*args, **kwargs).arguments)
        except TypeError:
            pass
        return real_check(*args, **kwargs)

    record: dict[str, Any] = {"exercise": exercise, "answer": _answer_text(answer)}
    feedback = None
    exercises.check = watching
    try:
        statements, last = _without_answer_lines(check_source)
        local = {ANSWER: answer, REASON: reason}
        exec(compile(ast.Module(statements, []), "<check>", "exec"), namespace, local)
        if last is None:
            raise ValueError("the exercise cell has no check call")
        feedback = eval(compile(ast.Expression(last), "<check>", "eval"), namespace, local)
        status = "not attempted" if feedback.status == "missing" else feedback.status
        record.update(status=status, message=feedback.message)
        record.update(_judgement_details(feedback, seen))
    except Exception as err:  # the check could not run: reported, the marking carries on
        record.update(status="error", message=f"{type(err).__name__}: {err}")
    finally:
        exercises.check = real_check
    record["answer_value"] = answer if isinstance(answer, int | float | str | bool) else None
    judgement = getattr(feedback, "judgement", None)
    record["reason"] = getattr(judgement, "reason", None) or _answer_text(reason)
    return Mark(record)
