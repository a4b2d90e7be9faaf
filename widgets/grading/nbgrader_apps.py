"""Run nbgrader's own steps (generate, autograde, feedback) through its Python API, one submission at a
time, so one bad submission is reported by name and never stops the rest.

``nbgrader autograde <assignment>`` already carries on past a failing submission, but it prints a
traceback and ends with a generic error; a trainer needs "mentor X: not valid notebook JSON (line 3)".
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from widgets.grading.course import Course, nbgrader_config
from widgets.grading.submissions import parse_notebook


@dataclass(frozen=True)
class StepResult:
    """The outcome of one nbgrader step for one submission (or the whole assignment: ``student`` is '')."""

    student: str
    ok: bool
    message: str


@contextlib.contextmanager
def _quiet_nbgrader() -> Iterator[None]:
    """nbgrader 0.9.6 with SQLAlchemy 2 warns about its own session use on every autograde; the warning
    is about nbgrader's internals and means nothing to a trainer, so keep it off their screen."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session")
        yield


def nbgrader_api(course: Course, extra: Any = None) -> Any:  # -> nbgrader.apps.NbGraderAPI
    """nbgrader's API with the course's configuration (plus ``extra``, a traitlets Config, e.g. the
    exchange's root on a JupyterHub), quiet unless something goes wrong."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = nbgrader_config(course.root)
    # The course as opened is the truth (its gradebook URL was resolved once, from the environment at
    # that moment), so nbgrader writes to the same gradebook the grading view reads.
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.db_url = course.db_url
    config.CourseDirectory.course_id = course.course_id
    if extra is not None:
        config.merge(extra)
    coursedir = CourseDirectory(config=config)
    # The API looks for an exchange on start and logs CRITICAL when there is none (Binder, email):
    # not a problem for generating, autograding or feedback, so keep it from alarming a trainer.
    quiet = logging.getLogger("traitlets")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL + 1)
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            api = NbGraderAPI(coursedir=coursedir, config=config)
    finally:
        quiet.setLevel(level)
    api.log.setLevel(logging.WARNING)
    return api


def _failure(result: dict[str, Any]) -> str:
    """The most useful line of a failed nbgrader step: its last error message, not its traceback."""
    lines = [ln for ln in (result.get("log") or "").splitlines() if "ERROR" in ln or "error" in ln.lower()]
    lines = [ln for ln in lines if "Traceback" not in ln]
    if result.get("error"):
        lines.append(result["error"].strip().splitlines()[-1])
    return lines[-1].split("|", 1)[-1].strip(" ]") if lines else "nbgrader failed without a message"


def generate_assignment(course: Course, assignment: str) -> StepResult:
    """``nbgrader generate_assignment``: the release version in ``release/``, the assignment in the gradebook."""
    with _quiet_nbgrader():
        result = nbgrader_api(course).generate_assignment(assignment, force=True, create=True)
    return StepResult("", bool(result["success"]), "generated" if result["success"] else _failure(result))


def autograde(course: Course, assignment: str, *, students: list[str] | None = None,
              force: bool = False) -> list[StepResult]:
    """Autograde each submission of ``assignment`` that is not autograded yet, or whose file was replaced
    since (all with ``force``).

    The course folder is first brought in line with the submissions on record (several trainers' servers,
    see widgets.grading.records). A file that cannot be read is reported and skipped before nbgrader sees
    it; the mentor's file is never changed. A resubmission's earlier manual scores and comments are reset
    after it is autograded again, so feedback is never built from the grades of the file it replaced.
    """
    from widgets.grading.gradebook import Gradebook
    from widgets.grading.records import local_file, open_store, sync, unreadable_students

    store = open_store(course)
    try:
        sync(store, course, assignment)
        records = {r.student: r for r in store.submissions(assignment)}
        api = nbgrader_api(course)
        results = []
        everyone = sorted(set(course.submitted_students(assignment)) | set(unreadable_students(course, assignment))
                          | set(records))
        for student in students or everyone:
            path = local_file(course, student, assignment)
            if path is None:
                folder = course.submitted_notebook(student, assignment).parent
                results.append(StepResult(student, False, f"no {assignment}.ipynb in the submission (a renamed "
                                                           f"file?); the folder is {folder}"))
                continue
            _, problem = parse_notebook(path.read_bytes())
            if problem is not None:
                results.append(StepResult(student, False, problem.message))
                continue
            record = records.get(student)
            done = course.autograded_notebook(student, assignment).is_file()
            resubmitted = record is not None and record.autograded_sha256 is not None and not record.autograded_current
            if record is not None and record.autograded_sha256 is None and done:
                # autograded before submissions were recorded: that notebook belongs to this file
                store.record_autograded(assignment, student, record.sha256,
                                        course.autograded_notebook(student, assignment).read_bytes())
            if done and not force and not resubmitted:
                results.append(StepResult(student, True, "already autograded (use --force to autograde again)"))
                continue
            with _quiet_nbgrader():
                result = api.autograde(assignment, student, force=True, create=True)
            if not result["success"]:
                results.append(StepResult(student, False, _failure(result)))
                continue
            if record is not None:
                store.record_autograded(assignment, student, record.sha256,
                                        course.autograded_notebook(student, assignment).read_bytes())
            message = "autograded"
            if resubmitted:
                Gradebook(course.db_url, course.course_id).reset_manual_grades(assignment, student)
                message = ("autograded again (resubmitted): grade it again; the earlier rubric levels are shown "
                           "as a starting point")
            results.append(StepResult(student, True, message))
        return results
    finally:
        store.close()


def generate_feedback(course: Course, assignment: str, *, students: list[str] | None = None) -> list[StepResult]:
    """``nbgrader generate_feedback`` per autograded submission: HTML in ``feedback/`` with scores,
    the rubric levels and comments. A resubmission not graded again yet is skipped, so feedback never
    mixes a new file with the grades of the old one."""
    from widgets.grading.gradebook import Gradebook
    from widgets.grading.records import open_store, sync

    store = open_store(course)
    try:
        sync(store, course, assignment)
        records = {r.student: r for r in store.submissions(assignment)}
    finally:
        store.close()
    grades = Gradebook(course.db_url, course.course_id).submissions(assignment)
    api = nbgrader_api(course)
    results = []
    for student in students or sorted(set(course.submitted_students(assignment)) | set(records)):
        if not course.autograded_notebook(student, assignment).is_file():
            results.append(StepResult(student, False, "not autograded, so there is no feedback to generate"))
            continue
        record = records.get(student)
        if record is not None and record.replaced_at and (
                not record.autograded_current or student not in grades or not grades[student].graded):
            results.append(StepResult(student, False, "resubmitted: autograde and grade the new file first "
                                                      "(no feedback from the grades of the file it replaced)"))
            continue
        with _quiet_nbgrader():
            result = api.generate_feedback(assignment, student, force=True)
        results.append(StepResult(student, bool(result["success"]),
                                  str(course.feedback_file(student, assignment)) if result["success"]
                                  else _failure(result)))
    return results
