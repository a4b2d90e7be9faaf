"""The self-check: one AnyWidget; the browser sends ``check``/``retry`` and renders ``props``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from widgets.content.models import SelfCheck
from widgets.progress import make_event
from widgets.ui.base import CourseWidget
from widgets.ui.esm import esm
from widgets.ui.selfcheck_props import check_selection, is_correct, result_words, selfcheck_props
from widgets.ui.session import Session

HERE = Path(__file__).parent


class SelfCheckView(CourseWidget):
    """Questions from a module's ``selfcheck.yaml``, saved to the learner's progress when checked."""

    _esm = esm("selfcheck_view.js")
    _filled = ("check",)

    def __init__(self, check: SelfCheck, session: Session, **kwargs: Any) -> None:
        super().__init__(session, **kwargs)
        self.check = check
        self.retrying: set[str] = set()
        self.seq = 0
        self._render(notice=" ".join(session.notices), error=session.error)

    def answers(self) -> dict[str, Any]:
        return self.session.doc.get("selfchecks", {}).get(self.check.module, {})

    def _render(self, *, focus: str = "", announce: str = "", notice: str = "", error: str = "",
                problems: dict[str, str] | None = None) -> None:
        self.props = selfcheck_props(self.check, self.answers(), retrying=self.retrying, problems=problems, seq=self.seq,
                                     focus=focus, announce=announce, notice=notice, error=error)

    def reload(self) -> None:
        self.retrying.clear()
        self._render(error=self.session.error)

    def report_fault(self, message: str) -> None:
        self._render(error=message)

    def handle(self, content: dict[str, Any]) -> None:
        """Apply one action from the browser (also what tests call)."""
        action = content.get("action")
        question = next((q for q in self.check.questions if q.id == content.get("question")), None)
        if action == "check" and question is not None:
            selected = [str(s) for s in content.get("selected") or []]
            problem = check_selection(question, selected)
            self.seq += 1
            if problem:
                self._render(focus=f"q-{question.id}", announce=problem, problems={question.id: problem})
                return
            n = self.check.questions.index(question) + 1
            correct = is_correct(question, selected)
            error = self.session.record(make_event("selfcheck.answer", module=self.check.module, question=question.id,
                                                   selected=selected, correct=correct))
            self.retrying.discard(question.id)
            score = self._score_words()
            self._render(focus=f"result-{question.id}", error=error,
                         announce=f"Question {n}: {result_words(question, selected)} {score}")
        elif action == "retry" and question is not None:
            self.retrying.add(question.id)
            self.seq += 1
            self._render(focus=f"q-{question.id}")
        elif action == "retry-all":
            self.retrying = {q.id for q in self.check.questions}
            self.seq += 1
            self._render(focus="first")

    def answer(self, question_id: str, selected: list[str]) -> None:
        """Check an answer (the same path the browser's Check button takes)."""
        self.handle({"action": "check", "question": question_id, "selected": selected})

    def _score_words(self) -> str:
        score = self.props_score()
        return f"{score['correct']} of {score['total']} correct so far."

    def props_score(self) -> dict[str, int]:
        answers = self.answers()
        correct = sum(1 for q in self.check.questions if q.id in answers and is_correct(q, answers[q.id]["selected"]))
        return {"answered": sum(1 for q in self.check.questions if q.id in answers), "correct": correct,
                "total": len(self.check.questions)}


__all__ = ["SelfCheckView"]
