"""On a JupyterHub: nbgrader's exchange carries the assignment to mentors and their work back (release,
fetch, submit, collect), then the trainer grades with the rubric and returns feedback through it."""

from __future__ import annotations

import copy

import pytest
from traitlets.config import Config

from tests.grading.conftest import ASSIGNMENT, STRONG, correct_letters, fill, write_notebook
from widgets.grading import nbgrader_apps
from widgets.grading.assignments import load_course_rubric
from widgets.grading.score import RubricGrade
from widgets.grading.session import GRADED, GradingSession

MENTOR = "mei-lin"


def _mentor_side(exchange_config: Config, home, app: str):
    """A mentor's own nbgrader (fetch, submit, fetch feedback) working in their home folder."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory

    config = copy.deepcopy(exchange_config)
    config.CourseDirectory.course_id = "mixed-heritage-mentoring"
    config.CourseDirectory.assignment_id = ASSIGNMENT
    config.CourseDirectory.student_id = MENTOR
    config.Exchange.assignment_dir = str(home)
    coursedir = CourseDirectory(config=config)
    factory = ExchangeFactory(config=config)
    step = getattr(factory, app)(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
    step.start()


def test_exchange_release_fetch_submit_collect_grade_return(course, tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o777)
    exchange.chmod(0o777)
    hub = Config()
    hub.Exchange.root = str(exchange)
    api = nbgrader_apps.nbgrader_api(course, hub)

    assert nbgrader_apps.generate_assignment(course, ASSIGNMENT).ok
    assert api.release_assignment(ASSIGNMENT)["success"]

    home = tmp_path / "home"
    home.mkdir()
    _mentor_side(hub, home, "FetchAssignment")
    fetched = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    import nbformat

    blank = nbformat.read(fetched, as_version=4)
    assert "BEGIN SOLUTION" not in fetched.read_text(encoding="utf-8")
    write_notebook(fill(blank, STRONG, correct_letters(course)), fetched)
    _mentor_side(hub, home, "Submit")

    assert api.collect(ASSIGNMENT)["success"]
    assert course.submitted_students(ASSIGNMENT) == [MENTOR]
    assert (course.submitted_notebook(MENTOR, ASSIGNMENT).parent / "timestamp.txt").is_file()
    assert [r.ok for r in nbgrader_apps.autograde(course, ASSIGNMENT)] == [True]

    rubric, _ = load_course_rubric(course)
    session = GradingSession(course, rubric, "trainer-a")
    view = session.open(ASSIGNMENT, MENTOR)
    for answer in view.answers:
        session.save(view, answer.prompt.id, RubricGrade({c.id: "reflection" for c in rubric.criteria},
                                                         "Thank you for a thoughtful piece."))
    assert [r.status for r in session.rows(ASSIGNMENT)] == [GRADED]
    session.close()

    assert [r.ok for r in nbgrader_apps.generate_feedback(course, ASSIGNMENT)] == [True]
    assert api.release_feedback(ASSIGNMENT, MENTOR)["success"]
    _mentor_side(hub, home, "FetchFeedback")
    returned = list((home / ASSIGNMENT / "feedback").rglob(f"{ASSIGNMENT}.html"))
    assert len(returned) == 1
    html = returned[0].read_text(encoding="utf-8")
    assert "<strong>Rubric: Reflective, 15 of 20</strong> (7.5 of 10 points)" in html
    assert "Thank you for a thoughtful piece." in html


def test_exchange_fetch_before_release_says_so(course, tmp_path):
    """A mentor who fetches too early gets nbgrader's message, and the course is unaffected."""
    from nbgrader.exchange import ExchangeError

    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o777)
    hub = Config()
    hub.Exchange.root = str(exchange)
    with pytest.raises(ExchangeError):
        _mentor_side(hub, tmp_path, "FetchAssignment")
