"""What happens when a mentor sends a new file after the first was autograded and graded? Real nbgrader on a
copy of course/, driven through the `mentor-course grading` commands a trainer types."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.grading.conftest import ASSIGNMENT, STRONG, WEAK, copy_course, correct_letters, fill, write_notebook
from widgets.grading import nbgrader_apps
from widgets.grading.assignments import load_course_rubric
from widgets.grading.cli import grading
from widgets.grading.gradebook import Gradebook
from widgets.grading.release import student_notebook
from widgets.grading.score import RubricGrade
from widgets.grading.session import GRADED, RESUBMITTED, GradingSession
from widgets.ui.grading.view import GradingView

FIRST_LEVELS = {"description": "habitual", "emotions": "understanding", "analysis": "habitual",
                "positionality": "habitual", "action": "understanding"}


def _cli(course, *args: str):
    return CliRunner().invoke(grading, ["--course", str(course.root), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def resubmitted(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.delenv("MENTOR_COURSE_GRADEBOOK_URL", raising=False)
    base = tmp_path_factory.mktemp("resubmit")
    course = copy_course(base / "course")
    assert nbgrader_apps.generate_assignment(course, ASSIGNMENT).ok
    blank = student_notebook(course, ASSIGNMENT)
    first = write_notebook(fill(blank, {**WEAK, "my-agreement": "Weekdays only."}, correct_letters(course)),
                           base / "inbox" / f"ana_{ASSIGNMENT}.ipynb")
    assert _cli(course, "import", str(base / "inbox"), ASSIGNMENT).exit_code == 0
    assert _cli(course, "autograde", ASSIGNMENT).exit_code == 0
    rubric, _ = load_course_rubric(course)
    session = GradingSession(course, rubric, "trainer-a")
    view = session.open(ASSIGNMENT, "ana")
    for answer in view.answers:
        session.save(view, answer.prompt.id, RubricGrade(FIRST_LEVELS, "First file: add a specific moment."))
    assert session.rows(ASSIGNMENT)[0].status == GRADED
    # the mentor sends a better file; the trainer imports it with --replace
    write_notebook(fill(blank, STRONG, correct_letters(course)), first)
    kept = _cli(course, "import", str(base / "inbox"), ASSIGNMENT)
    replaced = _cli(course, "import", str(base / "inbox"), ASSIGNMENT, "--replace")
    status_before = _cli(course, "status", ASSIGNMENT)
    autograded = _cli(course, "autograde", ASSIGNMENT)
    status_after = _cli(course, "status", ASSIGNMENT)
    feedback_before = _cli(course, "feedback", ASSIGNMENT)
    yield {"course": course, "session": session, "rubric": rubric, "kept": kept, "replaced": replaced,
           "status_before": status_before, "autograded": autograded, "status_after": status_after,
           "feedback_before": feedback_before}
    session.close()
    mp.undo()


def test_resubmit_replaced_file_is_autograded_again_without_force(resubmitted):
    assert "kept aside" in resubmitted["kept"].output
    assert "replaced the earlier submission" in resubmitted["replaced"].output
    out = resubmitted["autograded"].output
    assert resubmitted["autograded"].exit_code == 0, out
    assert "ana: ok: autograded again (resubmitted)" in out and "already autograded" not in out
    course = resubmitted["course"]
    text = course.autograded_notebook("ana", ASSIGNMENT).read_text(encoding="utf-8")
    assert "Aroha" in text and "I like helping people" not in text  # graded from the new file


def test_resubmit_status_says_resubmitted_until_graded_again(resubmitted):
    assert "ana: resubmitted" in resubmitted["status_before"].output
    assert "autograde it again" in resubmitted["status_before"].output
    assert "ana: resubmitted" in resubmitted["status_after"].output
    assert "grade it again" in resubmitted["status_after"].output
    assert "0 of 1 graded, 1 to grade" in resubmitted["status_after"].output


def test_resubmit_old_grades_never_reach_feedback(resubmitted):
    course = resubmitted["course"]
    assert "ana: skipped: resubmitted" in resubmitted["feedback_before"].output
    cells = Gradebook(course.db_url, course.course_id).submission(ASSIGNMENT, "ana").answers
    assert all(c.manual_score is None and c.needs_manual_grade and not c.manual_comment for c in cells.values())


def test_resubmit_earlier_levels_are_only_a_visible_starting_point(resubmitted):
    session, rubric = resubmitted["session"], resubmitted["rubric"]
    gv = GradingView(session)
    gv.assignment.value = ASSIGNMENT
    gv.mentor.value = "ana"
    gv.load_submission()
    panel = gv.panels[0]
    assert {c: r.value for c, r in panel.radios.items()} == FIRST_LEVELS
    assert panel.comment.value == "First file: add a specific moment."
    assert "for the earlier file" in panel.saved.value and "starting point" in panel.saved.value
    assert not panel.save.disabled
    assert "resubmitted" in gv.mentor.options[0][0]
    # the trainer reads the new answer, revises, saves both answers: graded again, feedback from the new grades
    view = session.open(ASSIGNMENT, "ana")
    assert all(a.earlier for a in view.answers)
    for answer in view.answers:
        session.save(view, answer.prompt.id, RubricGrade({c.id: "reflection" for c in rubric.criteria}, "Much richer."))
    assert [r.status for r in session.rows(ASSIGNMENT)] == [GRADED]
    assert not any(a.earlier for a in session.open(ASSIGNMENT, "ana").answers)
    assert RESUBMITTED not in _cli(resubmitted["course"], "status", ASSIGNMENT).output
    out = _cli(resubmitted["course"], "feedback", ASSIGNMENT).output
    assert "ana: ok" in out
    html = resubmitted["course"].feedback_file("ana", ASSIGNMENT).read_text(encoding="utf-8")
    assert "Much richer." in html and "First file" not in html
