"""Several trainers at once: the gradebook (and the rubric store beside it) on a real PostgreSQL server,
through ``CourseDirectory.db_url``. Skipped, with the reason, where no server is reachable."""

from __future__ import annotations

import threading

import pytest

from tests.grading.conftest import (
    ASSIGNMENT,
    STRONG,
    WEAK,
    copy_course,
    correct_letters,
    fill,
    fresh_postgres_database,
    write_notebook,
)
from widgets.grading import nbgrader_apps
from widgets.grading.assignments import load_course_rubric
from widgets.grading.collect import import_folder
from widgets.grading.gradebook import Gradebook
from widgets.grading.release import student_notebook
from widgets.grading.score import RubricGrade
from widgets.grading.session import GradingSession
from widgets.grading.store import GradeConflict

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_url():
    """A fresh database for this module on the local server, dropped afterwards."""
    yield from fresh_postgres_database("mentor_grading")


@pytest.fixture(scope="module")
def shared(pg_url, tmp_path_factory):
    """A course whose gradebook is on PostgreSQL, with two autograded submissions."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MENTOR_COURSE_GRADEBOOK_URL", pg_url)
    base = tmp_path_factory.mktemp("pg")
    course = copy_course(base / "course")
    assert course.db_url == pg_url
    assert nbgrader_apps.generate_assignment(course, ASSIGNMENT).ok
    blank = student_notebook(course, ASSIGNMENT)
    write_notebook(fill(blank, STRONG, correct_letters(course)), base / "inbox" / f"ana_{ASSIGNMENT}.ipynb")
    write_notebook(fill(blank, STRONG), base / "inbox" / f"ben_{ASSIGNMENT}.ipynb")
    write_notebook(fill(blank, WEAK), base / "inbox" / f"cy_{ASSIGNMENT}.ipynb")
    import_folder(course, base / "inbox", ASSIGNMENT)
    results = nbgrader_apps.autograde(course, ASSIGNMENT)
    rubric, _ = load_course_rubric(course)
    yield {"course": course, "rubric": rubric, "autograded": results, "url": pg_url}
    mp.undo()


def test_postgres_gradebook_and_store_share_the_database(shared):
    import psycopg

    assert all(r.ok for r in shared["autograded"]), shared["autograded"]
    course = shared["course"]
    assert sorted(Gradebook(course.db_url, course.course_id).submissions(ASSIGNMENT)) == ["ana", "ben", "cy"]
    session = GradingSession(course, shared["rubric"], "trainer-a")
    assert session.store.url == shared["url"]
    session.close()
    with psycopg.connect(shared["url"].replace("postgresql+psycopg", "postgresql")) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"grade", "comment", "mentor_rubric_grade", "mentor_safeguarding_flag"} <= tables
    assert not (course.root / "gradebook.db").exists()


def test_postgres_two_trainers_grade_at_once(shared):
    """Trainer A grades Ana while trainer B grades Ben, each on their own connection, at the same time."""
    course, rubric = shared["course"], shared["rubric"]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def trainer(name: str, mentor: str, level: str) -> None:
        try:
            session = GradingSession(course, rubric, name)
            view = session.open(ASSIGNMENT, mentor)
            barrier.wait(timeout=30)
            for answer in view.answers:
                session.save(view, answer.prompt.id, RubricGrade({c.id: level for c in rubric.criteria}, f"from {name}"))
            session.close()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=trainer, args=("trainer-a", "ana", "critical")),
               threading.Thread(target=trainer, args=("trainer-b", "ben", "understanding"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    grades = Gradebook(course.db_url, course.course_id).submissions(ASSIGNMENT)
    assert {m: [c.manual_score for c in grades[m].answers.values()] for m in ("ana", "ben")} == {
        "ana": [10.0, 10.0], "ben": [5.0, 5.0]}
    assert all(c.manual_comment.endswith("from trainer-a") for c in grades["ana"].answers.values())
    check = GradingSession(course, rubric, "lead")
    assert {(g.student, g.grader) for g in check.store.grades(ASSIGNMENT)} == {("ana", "trainer-a"),
                                                                               ("ben", "trainer-b")}
    assert check.progress(check.rows(ASSIGNMENT)).describe() == "2 of 3 graded, 1 to grade"
    check.close()


def test_postgres_the_second_of_two_trainers_on_one_answer_is_told_not_overwritten(shared):
    course, rubric = shared["course"], shared["rubric"]
    first, second = GradingSession(course, rubric, "trainer-a"), GradingSession(course, rubric, "trainer-b")
    seen_by_first, seen_by_second = first.open(ASSIGNMENT, "cy"), second.open(ASSIGNMENT, "cy")
    first.save(seen_by_first, "what-would-stop-me", RubricGrade({c.id: "habitual" for c in rubric.criteria}))
    with pytest.raises(GradeConflict, match="trainer-a"):
        second.save(seen_by_second, "what-would-stop-me", RubricGrade({c.id: "critical" for c in rubric.criteria}))
    cell = Gradebook(course.db_url, course.course_id).submission(ASSIGNMENT, "cy").answers["what-would-stop-me"]
    assert cell.manual_score == 2.5
    # After reloading, the second trainer can revise the grade on purpose.
    second.save(second.open(ASSIGNMENT, "cy"), "what-would-stop-me",
                RubricGrade({c.id: "understanding" for c in rubric.criteria}))
    cell = Gradebook(course.db_url, course.course_id).submission(ASSIGNMENT, "cy").answers["what-would-stop-me"]
    assert cell.manual_score == 5.0
    first.close()
    second.close()


def test_postgres_feedback_from_the_shared_gradebook(shared):
    course = shared["course"]
    results = {r.student: r.ok for r in nbgrader_apps.generate_feedback(course, ASSIGNMENT, students=["ana"])}
    assert results == {"ana": True}
    html = course.feedback_file("ana", ASSIGNMENT).read_text(encoding="utf-8")
    assert "<strong>Rubric: Critical, 20 of 20</strong> (10 of 10 points)" in html and "from trainer-a" in html
