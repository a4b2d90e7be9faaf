"""Several trainers on several servers: two course folders (each trainer's own clone of the repository) against
one real PostgreSQL gradebook. Does the second trainer see, grade and return what the first one imported, and
the other way round? Skipped, with the reason, where no server is reachable."""

from __future__ import annotations

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
from widgets.grading.release import student_notebook
from widgets.grading.score import RubricGrade
from widgets.grading.session import GRADED, RESUBMITTED, TO_GRADE, UNREADABLE, GradingSession

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_url():
    """A fresh database (its name says whose it is) on the local server, dropped afterwards."""
    yield from fresh_postgres_database("trainers_two_servers")


@pytest.fixture(scope="module")
def servers(pg_url, tmp_path_factory):
    """Trainer A's server imports and autogrades; trainer B's server has only a fresh clone of the course."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MENTOR_COURSE_GRADEBOOK_URL", pg_url)
    base = tmp_path_factory.mktemp("two-servers")
    a = copy_course(base / "server-a" / "course")
    b = copy_course(base / "server-b" / "course")
    assert a.db_url == b.db_url == pg_url
    assert nbgrader_apps.generate_assignment(a, ASSIGNMENT).ok
    blank = student_notebook(a, ASSIGNMENT)
    inbox = base / "inbox"
    write_notebook(fill(blank, STRONG, correct_letters(a)), inbox / f"ana_{ASSIGNMENT}.ipynb")
    write_notebook(fill(blank, WEAK), inbox / f"ZOË  O’BRIEN_{ASSIGNMENT}.ipynb")
    (inbox / f"cut_{ASSIGNMENT}.ipynb").write_text('{"cells": [', encoding="utf-8")
    import_folder(a, inbox, ASSIGNMENT)
    assert [r.ok for r in nbgrader_apps.autograde(a, ASSIGNMENT)] == [True, False, True]
    rubric, _ = load_course_rubric(a)
    yield {"a": a, "b": b, "rubric": rubric, "base": base, "blank": blank}
    mp.undo()


def test_two_servers_second_trainer_sees_and_grades_what_the_first_imported(servers):
    b, rubric = servers["b"], servers["rubric"]
    assert not (b.root / "submitted").exists()  # nothing copied between the folders
    session = GradingSession(b, rubric, "trainer-b")
    rows = {r.student: r for r in session.rows(ASSIGNMENT)}
    assert {s: r.status for s, r in rows.items()} == {"ana": TO_GRADE, "cut": UNREADABLE, "zoe-o-brien": TO_GRADE}
    assert rows["zoe-o-brien"].name == "ZOË O'BRIEN"
    view = session.open(ASSIGNMENT, "ana")
    assert "Aroha" in view.answer("what-would-stop-me").answer.text
    for answer in view.answers:
        session.save(view, answer.prompt.id, RubricGrade({c.id: "critical" for c in rubric.criteria}, "From B."))
    session.close()
    seen_by_a = GradingSession(servers["a"], rubric, "trainer-a")
    assert {r.student: r.status for r in seen_by_a.rows(ASSIGNMENT)}["ana"] == GRADED
    seen_by_a.close()


def test_two_servers_second_trainer_returns_feedback_from_their_own_folder(servers):
    b = servers["b"]
    results = {r.student: r for r in nbgrader_apps.generate_feedback(b, ASSIGNMENT, students=["ana"])}
    assert results["ana"].ok, results["ana"].message
    html = b.feedback_file("ana", ASSIGNMENT).read_text(encoding="utf-8")
    assert "From B." in html and "Aroha" in html


def test_two_servers_a_replacement_imported_on_one_server_is_autograded_on_the_other(servers):
    a, b, rubric = servers["a"], servers["b"], servers["rubric"]
    inbox = servers["base"] / "inbox-b"
    write_notebook(fill(servers["blank"], STRONG, correct_letters(a)), inbox / f"Zoë O'Brien_{ASSIGNMENT}.ipynb")
    results = import_folder(b, inbox, ASSIGNMENT, replace=True)
    assert [(r.mentor, r.action) for r in results] == [("zoe-o-brien", "replaced")]  # same person, typed differently
    session = GradingSession(a, rubric, "trainer-a")

    assert {r.student: r.status for r in session.rows(ASSIGNMENT)}["zoe-o-brien"] == RESUBMITTED
    done = {r.student: r.message for r in nbgrader_apps.autograde(a, ASSIGNMENT, students=["zoe-o-brien"])}
    assert done["zoe-o-brien"].startswith("autograded again (resubmitted)")
    assert "Aroha" in a.autograded_notebook("zoe-o-brien", ASSIGNMENT).read_text(encoding="utf-8")
    session.close()
