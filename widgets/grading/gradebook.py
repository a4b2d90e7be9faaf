"""The one module that talks to nbgrader's gradebook (``nbgrader.api.Gradebook``).

Everything else works with the plain values returned here. Each call opens the gradebook, does its
work and closes it, as nbgrader's own preprocessors do (``with Gradebook(db_url) as gb``), so several
trainers (or processes) can share one PostgreSQL gradebook without holding connections open.
Writing a rubric grade mirrors what nbgrader's formgrader does when a grader types a score: set
``manual_score``, clear ``needs_manual_grade``, set the cell's ``manual_comment``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from widgets.grading.notebooks import prompt_id_of


@dataclass(frozen=True)
class CellGrade:
    """nbgrader's view of one graded cell in one submission."""

    grade_id: str
    max_score: float
    auto_score: float | None
    manual_score: float | None
    needs_manual_grade: bool
    manual_comment: str | None = None
    auto_comment: str | None = None

    @property
    def prompt(self) -> str | None:
        """The prompt id for an answer cell (``answer-<P>``), else None."""
        return prompt_id_of(self.grade_id)

    @property
    def score(self) -> float:
        """As nbgrader computes it: the manual score wins, else the automatic one, else 0."""
        if self.manual_score is not None:
            return self.manual_score
        return self.auto_score or 0.0


@dataclass(frozen=True)
class SubmissionGrades:
    """One mentor's autograded submission of one assignment."""

    assignment: str
    student: str
    cells: tuple[CellGrade, ...]
    late_penalty: float = 0.0

    @property
    def answers(self) -> dict[str, CellGrade]:
        return {c.prompt: c for c in self.cells if c.prompt is not None}

    @property
    def checks(self) -> tuple[CellGrade, ...]:
        """The knowledge-check test cells (every graded cell that is not an answer)."""
        return tuple(c for c in self.cells if c.prompt is None)

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells) - self.late_penalty

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells)

    @property
    def graded(self) -> bool:
        """nbgrader's own notion: no cell still needs a manual grade."""
        return not any(c.needs_manual_grade for c in self.cells)


@dataclass(frozen=True)
class SourceCell:
    """A graded cell of the assignment as nbgrader stored it from ``source/`` (to put a deleted one back)."""

    grade_id: str
    cell_type: str
    source: str
    checksum: str
    locked: bool
    points: float
    solution: bool


class NotAutograded(LookupError):
    """The submission is not in the gradebook yet: it has to be autograded first."""


class Gradebook:
    """nbgrader's gradebook for one course, opened per call."""

    def __init__(self, db_url: str, course_id: str) -> None:
        self.db_url = db_url
        self.course_id = course_id

    @contextmanager
    def _open(self) -> Iterator[Any]:
        from nbgrader.api import Gradebook as NbGradebook

        with NbGradebook(self.db_url, self.course_id) as gb:
            yield gb

    def students(self) -> list[str]:
        with self._open() as gb:
            return sorted(s.id for s in gb.students)

    def assignments(self) -> list[str]:
        with self._open() as gb:
            return sorted(a.name for a in gb.assignments)

    def submissions(self, assignment: str) -> dict[str, SubmissionGrades]:
        """Every autograded submission of ``assignment`` (empty when the gradebook does not know it)."""
        from nbgrader.api import MissingEntry

        with self._open() as gb:
            try:
                found = gb.find_assignment(assignment)
            except MissingEntry:
                return {}
            return {sub.student.id: _submission(assignment, sub) for sub in found.submissions}

    def submission(self, assignment: str, student: str) -> SubmissionGrades:
        from nbgrader.api import MissingEntry

        with self._open() as gb:
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                raise NotAutograded(f"{student}'s {assignment} is not in the gradebook yet; autograde it first: "
                                    f"mentor-course grading autograde {assignment}") from None
            return _submission(assignment, sub)

    def graded_source_cells(self, assignment: str, notebook: str) -> list[SourceCell]:
        """Every graded cell of an assignment's notebook, as ``generate_assignment`` stored it."""
        with self._open() as gb:
            nb = gb.find_notebook(notebook, assignment)
            sources = {c.name: c for c in nb.source_cells}
            solutions = {c.name for c in nb.solution_cells}
            return [SourceCell(g.name, sources[g.name].cell_type, sources[g.name].source or "",
                               sources[g.name].checksum or "", bool(sources[g.name].locked), float(g.max_score),
                               g.name in solutions)
                    for g in nb.grade_cells if g.name in sources]

    def reset_manual_grades(self, assignment: str, student: str) -> int:
        """Forget the trainer's scores and comments on the answers (a resubmission is graded afresh; the
        rubric levels stay in the trainers' store as a starting point). Returns how many were reset."""
        from nbgrader.api import MissingEntry

        reset = 0
        with self._open() as gb:
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                return 0
            for nb in sub.notebooks:
                comments = {c.name: c for c in nb.comments}
                for grade in nb.grades:
                    if prompt_id_of(grade.name) is None or grade.manual_score is None:
                        continue
                    grade.manual_score = None
                    grade.needs_manual_grade = grade.auto_score is None
                    if grade.name in comments:
                        comments[grade.name].manual_comment = None
                    reset += 1
            gb.db.commit()
        return reset

    def write_manual_grade(self, assignment: str, student: str, grade_id: str, score: float, comment: str) -> CellGrade:
        """Store a trainer's score and comment for one cell, as the formgrader does."""
        from nbgrader.api import MissingEntry

        with self._open() as gb:
            try:
                grade = gb.find_grade(grade_id, assignment, assignment, student)
                note = gb.find_comment(grade_id, assignment, assignment, student)
            except MissingEntry:
                raise NotAutograded(f"{student}'s {assignment} has no graded cell '{grade_id}' in the gradebook; "
                                    f"autograde it first: mentor-course grading autograde {assignment}") from None
            grade.manual_score = float(score)
            grade.needs_manual_grade = False
            note.manual_comment = comment
            gb.db.commit()
            return _cell(grade, note)


def _cell(grade: Any, comment: Any | None) -> CellGrade:
    return CellGrade(grade.name, float(grade.max_score), grade.auto_score, grade.manual_score,
                     bool(grade.needs_manual_grade), comment.manual_comment if comment else None,
                     comment.auto_comment if comment else None)


def _submission(assignment: str, sub: Any) -> SubmissionGrades:
    cells = []
    for nb in sorted(sub.notebooks, key=lambda n: n.name):
        comments = {c.name: c for c in nb.comments}
        cells += [_cell(g, comments.get(g.name)) for g in nb.grades]
    order = {"answer": 0}
    cells.sort(key=lambda c: (order.get(c.grade_id.split("-", 1)[0], 1), c.grade_id))
    return SubmissionGrades(assignment, sub.student.id, tuple(cells), float(sub.late_submission_penalty or 0.0))
