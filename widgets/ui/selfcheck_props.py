"""What the self-check shows, as one JSON-ready dict (pure; escaped here, placed by the browser).

Explanations and which options are right are sent only for answered questions, so an unanswered
question gives nothing away in the page source.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from widgets.content.models import Question, SelfCheck
from widgets.ui.text import block, inline

KIND_HINT = {"single": "Choose one answer.", "multiple": "Choose all that apply."}


def is_correct(question: Question, selected: Collection[str]) -> bool:
    """Right only when exactly the correct options are chosen (for ``single``, the one)."""
    return frozenset(selected) == question.correct_ids


def check_selection(question: Question, selected: Collection[str]) -> str:
    """Why a selection cannot be checked yet (empty when it can)."""
    known = {o.id for o in question.options}
    chosen = set(selected)
    if chosen - known:
        return "That answer is not one of the options; reload the page."
    if not chosen:
        return "Choose an answer first." if question.kind == "single" else "Choose at least one answer first."
    if question.kind == "single" and len(chosen) > 1:
        return "Choose only one answer for this question."
    return ""


def _verdict(chosen: bool, correct: bool) -> dict[str, str]:
    if chosen and correct:
        return {"verdict": "You chose this, and it is right.", "icon": "✓", "tone": "right"}
    if chosen:
        return {"verdict": "You chose this, but it is not right.", "icon": "✗", "tone": "wrong"}
    if correct:
        return {"verdict": "You did not choose this, but it is right.", "icon": "✓", "tone": "right"}
    return {"verdict": "Not chosen, and not right.", "icon": "–", "tone": "neutral"}


def result_words(question: Question, selected: Collection[str]) -> str:
    if is_correct(question, selected):
        return "Correct."
    chosen, right = set(selected), question.correct_ids
    if question.kind == "multiple" and chosen & right:
        return f"Partly right: you found {len(chosen & right)} of the {len(right)} right answers" + (
            f" and chose {len(chosen - right)} that {'is' if len(chosen - right) == 1 else 'are'} not right."
            if chosen - right else ".")
    return "Not quite."


def selfcheck_props(check: SelfCheck, answers: Mapping[str, Mapping[str, Any]], *, retrying: Collection[str] = (),
                    problems: Mapping[str, str] | None = None, seq: int = 0, focus: str = "", announce: str = "",
                    notice: str = "", error: str = "") -> dict[str, Any]:
    """Everything the self-check view shows. ``answers`` is the module's saved answers by question id;
    ``retrying`` holds questions the mentor chose to try again (shown open until checked again);
    ``problems`` says, per question, why a Check could not be done (nothing chosen)."""
    problems = problems or {}
    questions = []
    correct = 0
    for n, q in enumerate(check.questions, 1):
        saved = answers.get(q.id)
        item: dict[str, Any] = {"id": q.id, "n": n, "prompt": inline(q.prompt), "kind": q.kind,
                                "hint": KIND_HINT.get(q.kind, ""), "attempts": int(saved.get("attempts", 0)) if saved else 0}
        if saved and is_correct(q, saved.get("selected", ())):
            correct += 1
        if saved and q.id not in retrying:
            selected = set(saved.get("selected", ()))
            item["state"] = "answered"
            item["correct"] = is_correct(q, selected)
            item["result"] = result_words(q, selected)
            item["options"] = [{"id": o.id, "html": inline(o.text), "chosen": o.id in selected, "correct": o.correct,
                                "explanation": block(o.explanation), **_verdict(o.id in selected, o.correct)}
                               for o in q.options]
        else:
            item["state"] = "open"
            item["options"] = [{"id": o.id, "html": inline(o.text)} for o in q.options]
            item["problem"] = problems.get(q.id, "")
        questions.append(item)
    answered = sum(1 for q in check.questions if q.id in answers)
    return {
        "module": check.module,
        "title": inline(check.title),
        "intro": block(check.intro) if check.intro else "",
        "questions": questions,
        "score": {"answered": answered, "correct": correct, "total": len(check.questions)},
        "seq": seq,
        "focus": focus,
        "announce": announce,
        "notice": notice,
        "error": error,
    }


__all__ = ["check_selection", "is_correct", "result_words", "selfcheck_props"]
