"""What the grading view does, without the widgets: list a cohort, open a submission, save rubric grades,
raise safeguarding flags.

The view (``widgets.ui.grading.view``) only renders these values and forwards clicks here, so every rule
(what counts as graded, what a save writes where, what a conflict looks like) is tested without a
browser, and the round-trip test grades through exactly this code.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from widgets.grading.course import Course
from widgets.grading.gradebook import CellGrade, Gradebook, NotAutograded, SubmissionGrades
from widgets.grading.notebooks import PromptInfo, assignment_prompts
from widgets.grading.records import local_file
from widgets.grading.score import (
    IncompleteGrade,
    Rubric,
    RubricGrade,
    answer_score,
    comment_markdown,
    grade_problems,
    overall_band,
    rubric_total,
)
from widgets.grading.store import Flag, RubricStore, StoredGrade, SubmissionRecord, default_store_url
from widgets.grading.submissions import ANSWERED, Answer, Inspection, Problem, inspect_submission

GRADED, TO_GRADE, NOT_AUTOGRADED, UNREADABLE = "graded", "to grade", "not autograded", "unreadable"
#: A mentor sent a new file after the first was autograded: to autograde and grade again.
RESUBMITTED = "resubmitted"


def default_grader() -> str:
    """Who is grading: the JupyterHub user, else the login name."""
    return os.environ.get("JUPYTERHUB_USER") or os.environ.get("USER") or getpass.getuser()


def _known_sources(source_notebook: Path) -> list[str]:
    nb = json.loads(source_notebook.read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]]


@dataclass(frozen=True)
class SubmissionRow:
    """One line of the cohort list."""

    student: str
    status: str
    problems: tuple[Problem, ...] = ()
    score: float | None = None
    max_score: float | None = None
    flagged: bool = False
    name: str = ""

    @property
    def label(self) -> str:
        """The mentor's name as they gave it, with the id files use: ``Zoë O'Brien (zoe-o-brien)``."""
        return f"{self.name} ({self.student})" if self.name and self.name != self.student else self.student


@dataclass(frozen=True)
class Progress:
    graded: int
    to_grade: int
    attention: int  # unreadable, or not autograded yet

    @property
    def total(self) -> int:
        return self.graded + self.to_grade + self.attention

    def describe(self) -> str:
        parts = [f"{self.graded} of {self.total} graded", f"{self.to_grade} to grade"]
        if self.attention:
            parts.append(f"{self.attention} need attention")
        return ", ".join(parts)


@dataclass(frozen=True)
class AnswerView:
    """One answer with everything the trainer needs beside it."""

    prompt: PromptInfo
    answer: Answer
    cell: CellGrade | None
    stored: StoredGrade | None

    #: The stored levels were saved for the file this one replaced: shown only as a starting point.
    earlier: bool = False

    @property
    def graded(self) -> bool:
        return self.cell is not None and not self.cell.needs_manual_grade

    @property
    def changed_outside(self) -> bool:
        """The gradebook score differs from the rubric grade saved here (someone edited it in the formgrader)."""
        return (self.stored is not None and self.cell is not None and self.cell.manual_score is not None
                and abs(self.cell.manual_score - self.stored.score) > 1e-9)


@dataclass(frozen=True)
class SubmissionView:
    assignment: str
    student: str
    status: str
    inspection: Inspection
    answers: tuple[AnswerView, ...]
    checks: tuple[CellGrade, ...] = ()
    flags: tuple[Flag, ...] = ()
    grades: SubmissionGrades | None = None
    problems: tuple[Problem, ...] = field(default=())
    name: str = ""
    #: The gradebook's grades belong to the file now on record (False: resubmitted, not autograded again).
    current: bool = True

    def answer(self, prompt_id: str) -> AnswerView:
        return next(a for a in self.answers if a.prompt.id == prompt_id)


@dataclass(frozen=True)
class SaveResult:
    prompt: str
    score: float
    comment: str
    stored: StoredGrade


class GradingSession:
    """A trainer's grading session over one course: the gradebook, the rubric store and the rubric."""

    def __init__(self, course: Course, rubric: Rubric, grader: str | None = None, *, store_url: str | None = None):
        self.course = course
        self.rubric = rubric
        self.grader = grader or default_grader()
        self.gradebook = Gradebook(course.db_url, course.course_id)
        self.store = RubricStore(store_url or default_store_url(course.db_url, course.private))

    def close(self) -> None:
        self.store.close()

    # -- the cohort ----------------------------------------------------------------------------------

    def assignments(self) -> list[str]:
        return self.course.assignments()

    def prompts(self, assignment: str) -> list[PromptInfo]:
        return assignment_prompts(self.course.source_notebook(assignment))

    def records(self, assignment: str) -> dict[str, SubmissionRecord]:
        """The submissions on record in the store (shared by every trainer's server)."""
        return {r.student: r for r in self.store.submissions(assignment)}

    def names(self) -> dict[str, str]:
        """mentor id -> the name the mentor gave (private/mentor-ids.json, then the store, which wins)."""
        from widgets.grading.collect import MAPPING_FILE, normalise_name

        names: dict[str, str] = {}
        path = self.course.private / MAPPING_FILE
        if path.is_file():
            with contextlib.suppress(ValueError):
                names.update({k: normalise_name(str(v)) for k, v in json.loads(path.read_text(encoding="utf-8")).items()})
        names.update(self.store.display_names())
        return names

    def _raw(self, assignment: str, student: str, record: SubmissionRecord | None = None) -> bytes | None:
        if record is not None:
            return record.content
        found = local_file(self.course, student, assignment)
        for path in (found, self.course.autograded_notebook(student, assignment)):
            if path is not None and path.is_file():
                return path.read_bytes()
        return None

    def _inspect(self, assignment: str, student: str, prompts: list[PromptInfo],
                 record: SubmissionRecord | None = None) -> Inspection:
        raw = self._raw(assignment, student, record)
        if raw is None:
            return Inspection(False, problems=(Problem("file.missing", f"no {assignment}.ipynb in {student}'s "
                                                                       "submission folder (was it renamed?)"),))
        return inspect_submission(raw, [p.id for p in prompts], _known_sources(self.course.source_notebook(assignment)))

    @staticmethod
    def _status(inspection: Inspection, sub: SubmissionGrades | None, record: SubmissionRecord | None) -> str:
        if not inspection.readable:
            return UNREADABLE
        current = record is None or record.autograded_sha256 is None or record.autograded_current
        if record is not None and record.replaced_at and not (current and sub is not None and sub.graded):
            return RESUBMITTED
        if sub is None:
            return NOT_AUTOGRADED
        return GRADED if sub.graded else TO_GRADE

    @staticmethod
    def _resubmission_problems(assignment: str, record: SubmissionRecord | None, status: str) -> list[Problem]:
        if status != RESUBMITTED or record is None:
            return []
        if record.autograded_current:
            return [Problem("submission.resubmitted", f"resubmitted ({record.replaced_at}) and autograded again: "
                                                      "grade it again; the earlier levels are filled in as a "
                                                      "starting point, not saved")]
        return [Problem("submission.resubmitted", f"resubmitted ({record.replaced_at}): autograde it again with "
                                                  f"mentor-course grading autograde {assignment}")]

    def rows(self, assignment: str) -> list[SubmissionRow]:
        """Every submission of ``assignment``, autograded or not, with its status and problems."""
        from widgets.grading.records import unreadable_students

        prompts = self.prompts(assignment)
        graded = self.gradebook.submissions(assignment)
        records = self.records(assignment)
        names = self.names()
        flagged = {f.student for f in self.store.flags(assignment=assignment)}
        students = sorted(set(graded) | set(self.course.submitted_students(assignment)) | set(records)
                          | set(unreadable_students(self.course, assignment)))
        rows = []
        for student in students:
            record = records.get(student)
            inspection = self._inspect(assignment, student, prompts, record)
            sub = graded.get(student)
            status = self._status(inspection, sub, record)
            problems = (*inspection.problems, *self._resubmission_problems(assignment, record, status))
            rows.append(SubmissionRow(student, status, problems, sub.score if sub else None,
                                      sub.max_score if sub else None, student in flagged, names.get(student, "")))
        return rows

    @staticmethod
    def progress(rows: list[SubmissionRow]) -> Progress:
        return Progress(sum(r.status == GRADED for r in rows), sum(r.status in (TO_GRADE, RESUBMITTED) for r in rows),
                        sum(r.status in (UNREADABLE, NOT_AUTOGRADED) for r in rows))

    @staticmethod
    def next_to_grade(rows: list[SubmissionRow], after: str | None = None) -> str | None:
        """The next submission still to grade after ``after`` (wrapping round), or None when all are done."""
        names = [r.student for r in rows]
        start = names.index(after) + 1 if after in names else 0
        for r in rows[start:] + rows[:start]:
            if r.status in (TO_GRADE, RESUBMITTED) and r.student != after:
                return r.student
        return None

    # -- one submission ------------------------------------------------------------------------------

    def open(self, assignment: str, student: str) -> SubmissionView:
        prompts = self.prompts(assignment)
        record = self.store.submission(assignment, student)
        inspection = self._inspect(assignment, student, prompts, record)
        try:
            sub: SubmissionGrades | None = self.gradebook.submission(assignment, student)
        except NotAutograded:
            sub = None
        current = record is None or record.autograded_sha256 is None or record.autograded_current
        cells = sub.answers if sub and current else {}

        def earlier(stored: StoredGrade | None, cell: CellGrade | None) -> bool:
            # Saved for the file this one replaced: autograding the new file reset the gradebook's score,
            # so a stored grade without a matching manual score belongs to the old file.
            return bool(stored and record and record.replaced_at and (cell is None or cell.manual_score is None))

        answers = []
        for p in prompts:
            stored = self.store.grade(assignment, student, p.id)
            answers.append(AnswerView(p, inspection.answers.get(p.id, Answer(p.id)), cells.get(p.id), stored,
                                      earlier(stored, cells.get(p.id))))
        status = self._status(inspection, sub, record)
        problems = [*inspection.problems, *self._resubmission_problems(assignment, record, status)]
        if sub is None and inspection.readable:
            problems.append(Problem("gradebook.not-autograded", f"not autograded yet: run "
                                                                f"mentor-course grading autograde {assignment}"))
        return SubmissionView(assignment, student, status, inspection, tuple(answers),
                              sub.checks if sub and current else (),
                              tuple(self.store.flags(assignment=assignment, student=student)), sub if current else None,
                              tuple(problems), self.names().get(student, ""), current)

    def preview(self, view: SubmissionView, prompt_id: str, grade: RubricGrade) -> tuple[float, str] | list[str]:
        """The score and comment a save would write, or what is still missing."""
        problems = grade_problems(self.rubric, grade)
        if problems:
            return problems
        points = view.answer(prompt_id).prompt.points
        return answer_score(self.rubric, grade, points), comment_markdown(self.rubric, grade, points)

    def save(self, view: SubmissionView, prompt_id: str, grade: RubricGrade) -> SaveResult:
        """Write one answer's rubric grade: levels to the store (refused if someone saved since ``view`` was
        opened), then score and comment to nbgrader's gradebook."""
        answer = view.answer(prompt_id)
        if not view.current:
            raise NotAutograded(f"{view.student} resubmitted {view.assignment}; autograde the new file first: "
                                f"mentor-course grading autograde {view.assignment}")
        if answer.cell is None:
            raise NotAutograded(f"{view.student}'s {view.assignment} is not autograded yet; run: "
                                f"mentor-course grading autograde {view.assignment}")
        problems = grade_problems(self.rubric, grade)
        if problems:
            raise IncompleteGrade(problems)
        score = answer_score(self.rubric, grade, answer.prompt.points)
        comment = comment_markdown(self.rubric, grade, answer.prompt.points)
        stored = self.store.save_grade(view.assignment, view.student, prompt_id, grade, score, self.grader,
                                       expected_version=answer.stored.version if answer.stored else 0)
        self.gradebook.write_manual_grade(view.assignment, view.student, f"answer-{prompt_id}", score, comment)
        return SaveResult(prompt_id, score, comment, stored)

    def band(self, view: SubmissionView) -> str | None:
        """One overall level for the submission (the band of its answers' mean rubric total)."""
        totals = [rubric_total(self.rubric, a.stored.grade) for a in view.answers
                  if a.stored is not None and not a.stored.grade.no_answer]
        band = overall_band(self.rubric, totals)
        return band.title if band else None

    # -- safeguarding ----------------------------------------------------------------------------------

    def raise_flag(self, assignment: str, student: str, note: str, prompt: str | None = None) -> Flag:
        """Record a safeguarding concern: kept in the trainers' store only, never in nbgrader's comments."""
        if not note.strip():
            raise ValueError("say briefly what the concern is, so the person following up knows where to look")
        return self.store.raise_flag(assignment, student, note, self.grader, prompt)

    def open_flags(self, assignment: str | None = None) -> list[Flag]:
        return self.store.flags(assignment=assignment)


__all__ = ["ANSWERED", "GRADED", "NOT_AUTOGRADED", "RESUBMITTED", "TO_GRADE", "UNREADABLE", "GradingSession", "IncompleteGrade",
           "SubmissionRow", "SubmissionView", "assignment_prompts"]
